"""The interview as pure logic: which question comes next, what a reply means, and going back.

No input or output happens here, so the whole flow is testable without a terminal; the terminal
loop lives in `screener.render.prompt`. After every answer the next question is
`rulebook.open_questions(answers, as_of, skip=declined)`: only questions that can still change an
undecided outcome, a score or a flag are asked, and the interview ends when none is left. A person
may decline a question ("skip"); it stays unknown (unknown is not no) and is not asked again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from screener.answers import coerce, normalize_choice
from screener.evaluation import Evaluation, pathway_status
from screener.labels import matching_choices
from screener.model import Question
from screener.rulebook import Rulebook

HELP_WORDS = frozenset({"?", "help", "h"})
BACK_WORDS = frozenset({"back", "b", "<"})
SKIP_WORDS = frozenset({"skip", "s", "don't know", "dont know", "do not know", "idk", "-"})


@dataclass(frozen=True)
class Answer:
    value: Any


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class Back:
    pass


@dataclass(frozen=True)
class Skip:
    pass


@dataclass(frozen=True)
class Invalid:
    reason: str


Reply = Answer | Help | Back | Skip | Invalid


def parse_reply(question: Question, text: str) -> Reply:
    """What a typed reply means for this question: an answer, a command, or why it cannot be read.

    Choices accept their number in the list, their value, their label, or the first word of exactly
    one label ("no" for "No, never"). A choice always wins over a command word, so a rulebook may
    have a choice called "skip".
    """
    word = text.strip()
    lowered = " ".join(word.lower().replace("’", "'").split())
    number = _menu_number(lowered)
    if question.type == "choice":
        values = question.choice_values
        if number is not None and 1 <= number <= len(values):
            return Answer(values[number - 1])
        if any(normalize_choice(value) == normalize_choice(word) for value in values if word):
            return Answer(coerce(question, word))
        by_label = matching_choices(question, lowered)
        if len(by_label) == 1:
            return Answer(by_label[0])
        if len(by_label) > 1:
            return Invalid("that fits more than one choice: type its number")
    if lowered in HELP_WORDS:
        return Help()
    if lowered in BACK_WORDS:
        return Back()
    if lowered in SKIP_WORDS:
        return Skip()
    if not word:
        return Invalid("please type an answer (or ? for help, skip if you don't know)")
    if question.type == "choice" and lowered.isdigit():  # any digits, `²` and `٣` too: a menu number was meant
        return Invalid(f"type a number from 1 to {len(question.choice_values)}")
    try:
        return Answer(coerce(question, word))
    except ValueError as exc:
        return Invalid(str(exc))


def _menu_number(lowered: str) -> int | None:
    """A menu number typed in ASCII digits, or None (`str.isdigit` also takes `²`, which `int` refuses)."""
    digits = lowered.lstrip("0") or "0"  # before int(): it refuses strings of over 4,300 digits
    if lowered.isascii() and lowered.isdigit() and len(digits) <= 6:
        return int(digits)
    return None


@dataclass
class Step:
    """One thing the person did, so `back` can undo it."""

    question_id: str
    previous: Any  # the answer it replaced (None when there was none)
    was_declined: bool


@dataclass
class Interview:
    """The state of one interview: typed answers, declined questions, and the history for `back`.

    `answers` may start pre-filled (from --answers); those are never asked, and `back` only walks
    through what was answered in this session.
    """

    rulebook: Rulebook
    as_of: dt.date
    answers: dict[str, Any] = field(default_factory=dict)
    declined: set[str] = field(default_factory=set)
    history: list[Step] = field(default_factory=list)
    _open: list[Question] | None = None

    @classmethod
    def start(
        cls, rulebook: Rulebook, as_of: dt.date, answers: Mapping[str, Any] | None = None,
        declined: set[str] | None = None,
    ) -> Interview:
        """An interview over already typed answers (use `rulebook.read_answers` on raw ones first)."""
        return cls(rulebook, as_of, dict(answers or {}), set(declined or ()))

    def open_questions(self) -> list[Question]:
        """Questions that still matter, in interview order (topic, then rulebook order)."""
        if self._open is None:
            self._open = [] if self.settled() else self.rulebook.open_questions(
                self.answers, self.as_of, skip=self.declined)
        return self._open

    def settled(self) -> bool:
        """True when a citizenship pathway is already eligible: a citizen needs proof, not immigration.

        Uses only the pathway `kind` of the rulebook format, never a pathway id.
        """
        state = Evaluation(self.rulebook, self.answers, self.as_of)  # outcomes only, no report to build
        return any(pathway_status(state, p.id)[0] == "eligible"
                   for p in self.rulebook.pathways.values() if p.kind == "citizenship")

    def next_question(self) -> Question | None:
        pending = self.open_questions()
        return pending[0] if pending else None

    @property
    def done(self) -> bool:
        return self.next_question() is None

    def answer(self, question: Question, value: Any) -> None:
        """Record a typed answer (from `parse_reply`)."""
        self.history.append(Step(question.id, self.answers.get(question.id), question.id in self.declined))
        self.declined.discard(question.id)
        self.answers[question.id] = value
        self._open = None

    def decline(self, question: Question) -> None:
        """The person does not know: the answer stays unknown and the question is not asked again."""
        self.history.append(Step(question.id, self.answers.get(question.id), question.id in self.declined))
        self.answers.pop(question.id, None)
        self.declined.add(question.id)
        self._open = None

    def back(self) -> Question | None:
        """Undo the last answer of this session and return its question to ask again (None at the start)."""
        if not self.history:
            return None
        step = self.history.pop()
        if step.previous is None:
            self.answers.pop(step.question_id, None)
        else:
            self.answers[step.question_id] = step.previous
        if step.was_declined:
            self.declined.add(step.question_id)
        else:
            self.declined.discard(step.question_id)
        self._open = None
        return self.rulebook.questions[step.question_id]

    def progress(self) -> Progress:
        """How far along: answered so far, the questions that may still come, and the topic we are in."""
        pending = self.open_questions()
        current = pending[0] if pending else None
        titles = [t.title for t in self.rulebook.topics]
        index = next((i for i, t in enumerate(self.rulebook.topics) if current and t.id == current.topic), -1)
        return Progress(answered=len(self.history), remaining=len(pending),
                        topic=titles[index] if index >= 0 else "", part=index + 1, parts=len(titles))


@dataclass(frozen=True)
class Progress:
    answered: int
    remaining: int  # an estimate: answers can open follow-up questions or make others unnecessary
    topic: str
    part: int  # which topic, 1-based, of `parts`
    parts: int

    def heading(self) -> str:
        return f"{self.topic} (part {self.part} of {self.parts})" if self.part else self.topic

    def line(self) -> str:
        left = "about 1 question" if self.remaining == 1 else f"about {self.remaining} questions"
        return f"{self.answered} answered, {left} to go"
