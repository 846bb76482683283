"""The interview as pure logic: which question comes next, what a reply means, and going back.

No input or output happens here, so the whole flow is testable without a terminal; the terminal
loop lives in `screener.render.prompt`. After every answer the next question is
`rulebook.open_questions(answers, as_of, skip=declined)`: only questions that can still change an
undecided outcome, a score or a flag are asked, and the interview ends when none is left. A person
may decline a question ("skip"); it stays unknown (unknown is not no) and is not asked again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from screener import expressions as ex
from screener.answers import UNSURE_CHOICES, UNSURE_WORDS, Unsure, coerce, normalize_choice
from screener.evaluation import Evaluation, display, outcome_of, pathway_status, remedy, status_of
from screener.i18n import _, format_money, format_number, in_sentence, ngettext
from screener.labels import matching_choices
from screener.model import Question
from screener.report import serves
from screener.rulebook import Rulebook
from screener.suggest import did_you_mean

_SCALE = re.compile(r"\b([A-Z]{2,6})\)")  # "(CLB)", "(anglais, CLB)": a level scale's short name
GOAL = "goal"  # the contract's question of what the person wants most; no rule reads it
UNSURE = "unsure"  # the contract's choice for "I am not sure" (§13.20): unknown, and the person may find out


def goal_of(answers: Mapping[str, Any]) -> str | None:
    """What the person wants most (the `goal` answer), unless not known or "not sure"."""
    value = answers.get(GOAL)
    return value if isinstance(value, str) and value != "not_sure" else None


# Commands in either language, whatever language is chosen (like oui/non for yes/no).
HELP_WORDS = frozenset({"?", "help", "h", "aide"})
BACK_WORDS = frozenset({"back", "b", "<", "retour", "r"})
# "I don't know" in words (answers.UNSURE_WORDS): the question's own "I am not sure" choice where it has one,
# else a skip (unknown either way, never no).
SKIP_WORDS = frozenset({"skip", "s", "-", "passer", "p"}) | UNSURE_WORDS


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
        by_label = matching_choices(question, lowered,
                                    prefixes=lowered not in HELP_WORDS | BACK_WORDS | SKIP_WORDS)
        if len(by_label) == 1:
            return Answer(by_label[0])
        if len(by_label) > 1:
            return Invalid(_("that fits more than one choice: type its number"))
        unsure = [value for value in UNSURE_CHOICES if value in values]
        if lowered in UNSURE_WORDS and unsure:
            return Answer(unsure[0])
    if lowered in HELP_WORDS:
        return Help()
    if lowered in BACK_WORDS:
        return Back()
    if lowered in SKIP_WORDS:
        return Skip()
    if not word:
        return Invalid(_("please type an answer (or ? for help, skip if you don't know)"))
    if question.type == "yes_no" and lowered in ("0", "1"):  # files take 1/0; a person at the prompt may mean a menu
        return Invalid(_("please type yes or no, not a number"))
    menu = _("type a number from 1 to {count}").format(count=len(question.choice_values)) \
        if question.type == "choice" else ""
    if menu and lowered.isdigit():  # any digits, `²` and `٣` too: a menu number was meant
        return Invalid(menu)
    try:
        return Answer(coerce(question, word))
    except Unsure:
        return Skip()
    except ValueError as exc:
        if menu:  # a person at the menu reads its numbers and labels, never the choices' ids
            labels = [choice.label or choice.value for choice in question.choices or []]
            return Invalid(menu + did_you_mean(word, labels))
        return Invalid(str(exc))


def hint(question: Question) -> str:
    """What kind of answer is expected, in words (the terminal prompt and the web page say the same)."""
    if question.type == "yes_no":
        return _("yes or no")
    if question.type == "int":
        if question.min is not None and question.max is not None:
            return _("a whole number from {low} to {high}").format(low=display(question.min),
                                                                   high=display(question.max))
        return _("a whole number")
    if question.type == "number":
        step = question.step
        if question.min is not None and question.max is not None:
            if step is not None and float(step).is_integer() and float(question.min).is_integer():
                return _("a whole number from {low} to {high}").format(low=display(question.min),
                                                                       high=display(question.max))
            if step is not None:
                return _("a number from {low} to {high} in steps of {step}, like {example}").format(
                    low=display(question.min), high=display(question.max), step=format_number(step),
                    example=format_number(_example(question.min, question.max, step)))
            return _("a number from {low} to {high}, like {example}").format(
                low=display(question.min), high=display(question.max), example=format_number(6.5))
        return _("a number, like {example}").format(example=format_number(6.5))
    if question.type == "money":
        return _("an amount in Canadian dollars, like {example}").format(example=format_money(15263))
    if question.type == "date":
        return _("a date, YYYY-MM-DD")
    return _("a number from 1 to {count}").format(count=len(question.choice_values))


def _example(low: float, high: float, step: float) -> float:
    """A value of the scale that shows its step: 6.5 on IELTS's 0 to 9 in halves, else a mid value."""
    for candidate in (6.5, low + (high - low) * 0.7):
        value = round(candidate / step) * step
        if low <= value <= high and not float(value).is_integer():
            return value
    return round((low + high) / 2 / step) * step


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
    bound: int | None = None  # the progress bound before this step, restored by `back`


@dataclass(frozen=True)
class Reach:
    """What is still undecided, as questions: for each undecided pathway, every unanswered question its
    undecided requirements read (transitively, through derived values and implied answers), and the
    same for unknown scores and flags. A superset of what the interview can still ask: answers only
    ever decide more (three-valued logic is monotone), so these sets only shrink."""

    pathways: dict[str, frozenset[str]]  # undecided pathway -> the questions that could decide it (and a
    # pathway closed only by a test not taken yet -> the questions that say what the test would open)
    scores: dict[str, frozenset[str]]  # unknown score shown by an open pathway -> the questions it reads
    flags: frozenset[str]  # questions of unknown admissibility flags (while any pathway is open)
    open: frozenset[str]  # pathways not (yet) ineligible
    stuck: frozenset[str] = frozenset()  # undecided pathways no answer can make eligible any more
    leads: frozenset[str] = frozenset()  # questions of undecided leads that list the goal (also in `flags`)

    @property
    def eligible(self) -> frozenset[str]:
        return self.open - self.pathways.keys()

    @property
    def others(self) -> frozenset[str]:
        return frozenset().union(self.flags, *self.scores.values())


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
    _reach: Reach | None = None
    offered: bool = False  # "check the other routes too?" was asked
    only_goal: bool = False  # the person chose to stop once the goal's routes were decided
    _bound: int | None = None  # the last progress bound shown: it never rises
    _parts: int | None = None  # the last count of topics shown: it never rises either

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
            settled = self.settled()
            self._open = [] if settled else self.rulebook.open_questions(self.answers, self.as_of, skip=self.declined)
            if not settled and self.goal() is not None:
                wanted = self.reach().leads | {q.id for q in self._open}  # and what decides a lead of the goal
                self._open = [q for q in self.rulebook.question_order() if q.id in wanted]
        return self._open

    def settled(self) -> bool:
        """True when a citizenship pathway is already eligible: a citizen needs proof, not immigration.

        Uses only the pathway `kind` of the rulebook format, never a pathway id.
        """
        state = Evaluation(self.rulebook, self.answers, self.as_of)  # outcomes only, no report to build
        return any(pathway_status(state, p.id)[0] == "eligible"
                   for p in self.rulebook.pathways.values() if p.kind == "citizenship")

    def reach(self) -> Reach:
        """The questions that could still decide each undecided pathway, score and flag (see `Reach`)."""
        if self._reach is not None:
            return self._reach
        state = Evaluation(self.rulebook, self.answers, self.as_of)
        graph = self.rulebook.graph
        pathways: dict[str, frozenset[str]] = {}
        open_ids: list[str] = []
        stuck: set[str] = set()
        for pathway_id in self.rulebook.pathways:
            statuses = []
            deps: set[str] = set()
            blocked = False  # a requirement stays unknown whatever the person answers (§13.24: for a lawyer)
            for rule in state.rules.requirements[pathway_id]:
                value, _ = state.run(rule.condition)
                statuses.append(status_of(value))
                if value is None:
                    reads = graph.questions_of_node(rule.condition.node)
                    deps |= reads
                    blocked = blocked or not (self._askable(state, reads) or self.unknown_to_person(reads))
            outcome = outcome_of(statuses)
            if outcome != "ineligible":
                open_ids.append(pathway_id)
            if outcome == "ineligible":  # closed only by a test not taken yet: its other answers say what it would open
                deps = set(remedy(state, pathway_id))
            if outcome == "incomplete" or deps:
                pathways[pathway_id] = frozenset(deps)
                if blocked:
                    stuck.add(pathway_id)
        flags: set[str] = set()
        shown = {s for p in open_ids for s in self.rulebook.pathways[p].scores}
        unshown = {s for s in self.rulebook.scores if not any(s in p.scores for p in self.rulebook.pathways.values())}
        scores = {score_id: self._askable(state, graph.questions_of([score_id]))
                  for score_id in sorted(shown | unshown) if state.score_value(score_id) is None}
        if open_ids:
            for flag in state.rules.flags:
                if state.run(flag.condition)[0] is None:
                    flags |= graph.questions_of_node(flag.condition.node)
        goal, leads = self.goal(), set[str]()
        for lead in state.rules.leads:  # a lead listing the goal (safe steps for a person in danger)
            if goal is None or goal not in self.rulebook.leads[lead.id].goals:
                continue
            shown = state.run(lead.condition)[0]
            if shown is None:
                leads |= graph.questions_of_node(lead.condition.node)
            elif shown:  # shown while an answer is missing (unknown is not no): ask it if an answer could withdraw it
                node = lead.condition.node
                leads |= {name for name in ex.known_names(node) if name in self.rulebook.questions
                          and ex.evaluate(ex.assume_known(node, name), state)[0] is not True}
        self._reach = Reach({p: self._askable(state, deps) for p, deps in pathways.items()},
                            scores, self._askable(state, flags | leads), frozenset(open_ids), frozenset(stuck),
                            self._askable(state, leads))
        return self._reach

    def unknown_to_person(self, reads: Iterable[str]) -> frozenset[str]:
        """Of `reads`, the questions the person skipped or answered "not sure": unknown, not no (§13.16,
        §13.20). A route waiting on them is undecided and still worth deciding otherwise: the person may
        find out, so its other questions are asked (never these again)."""
        return frozenset(q for q in reads if q in self.declined or self.answers.get(q) == UNSURE)

    def _askable(self, state: Evaluation, wanted: set[str] | frozenset[str]) -> frozenset[str]:
        """Of `wanted`, those that may still be asked: unanswered, not declined, not implied, not known
        irrelevant; plus the questions that decide the relevance of those whose relevance is unknown."""
        found: set[str] = set()
        pending = list(wanted)
        seen: set[str] = set()
        while pending:
            question_id = pending.pop()
            if question_id in seen:
                continue
            seen.add(question_id)
            if question_id in self.declined or state.lookup(question_id)[0] is not None:
                continue
            condition = self.rulebook.rules.questions[question_id].relevant_if
            relevant = None if condition is None else state.run(condition)[0]
            if condition is not None and relevant is False:
                continue
            found.add(question_id)
            if condition is not None and relevant is None:
                pending.extend(self.rulebook.graph.questions_of_node(condition.node))
        return frozenset(found)

    def goal(self) -> str | None:
        """What the person wants most (the `goal` question), unless not known or "not sure"."""
        return goal_of(self.answers)

    def serves_goal(self, pathway_id: str) -> bool:
        """A pathway serves the goal when it lists it in `goals`; with no goal (or none listed), every one."""
        return serves(self.rulebook.pathways[pathway_id].goals, self.goal())

    def goal_served(self) -> bool:
        """A route for the goal is open and realistic: eligible, and not a long shot against the recent
        rounds the person could be invited in (`guidance.chance`). The goal's other undecided routes
        are then "other routes", offered rather than asked."""
        if self.goal() is None:
            return False
        reach = self.reach()
        ready = [p for p in sorted(reach.eligible) if self.serves_goal(p)]
        if not ready:
            return False
        if any(not self.rulebook.pathways[p].scores for p in ready):
            return True
        from screener.guidance import chance  # the report is built only for a route that competes on a score

        report = self.rulebook.evaluate(self.answers, self.as_of)
        return any((odds := chance(report, report.pathways[p])) is None or not odds.long_shot for p in ready)

    def wanted(self) -> frozenset[str]:
        """The undecided pathways worth deciding for the goal: those serving it that could still become
        eligible (a route no answer can open any more is only worth closing), and none once the goal
        is served."""
        reach = self.reach()
        if self.goal() is not None and self.goal_served():
            return frozenset()
        return frozenset(p for p in reach.pathways if self.serves_goal(p) and p not in reach.stuck)

    def closable(self) -> frozenset[str]:
        """The goal's undecided pathways no answer can open any more whose questions can still decide how
        they end: after "No" to "Are you a citizen?", birth and parents close the citizenship route or
        leave it to a lawyer (§13.24). Their questions are asked for the goal (after those of the routes
        that can open), so no route is left "still to answer" with questions the interview never asked."""
        reach = self.reach()
        if self.goal() is not None and self.goal_served():
            return frozenset()
        return frozenset(p for p in reach.stuck if self.serves_goal(p) and reach.pathways.get(p))

    def weights(self, reach: Reach) -> dict[str, float]:
        """How much deciding each undecided pathway is worth: 1 each for the pathways worth deciding for
        the goal (`wanted`), a tie-breaker for the others. With no goal, a citizenship pathway that can
        still open weighs as much as all others together (a citizen needs no other pathway, so deciding
        it may end the interview)."""
        wanted = self.wanted()
        weights: dict[str, float] = {}
        for pathway_id in reach.pathways:
            if pathway_id not in wanted:
                weights[pathway_id] = 0.01
            elif self.goal() is None and self.rulebook.pathways[pathway_id].kind == "citizenship":
                weights[pathway_id] = float(len(reach.pathways))
            else:
                weights[pathway_id] = 1.0
        return weights

    def goal_scope(self) -> frozenset[str]:
        """The questions that can still decide the goal's wanted pathways, the scores of its open
        pathways and admissibility."""
        reach = self.reach()
        mine = [p for p in self.rulebook.pathways if self.serves_goal(p)]
        found: set[str] = set().union(*(reach.pathways.get(p, frozenset()) for p in self.wanted() | self.closable()))
        found |= reach.flags  # admissibility applies to every route (empty when none is open)
        if any(p in reach.open for p in mine):
            for score_id, questions in reach.scores.items():
                if any(p in reach.open and score_id in self.rulebook.pathways[p].scores for p in mine):
                    found |= questions
        return frozenset(found)

    def offer_others(self) -> int:
        """When the goal's pathways are decided but other routes still have questions: how many at most
        (0 when there is nothing to offer, or it was offered already)."""
        if self.offered or self.goal() is None or self.goal_question() is not None:
            return 0
        pending = {q.id for q in self.open_questions()}
        if not pending or pending & self.goal_scope():
            return 0
        return self.remaining()

    def goal_words(self) -> str:
        """Where the goal's routes stand once no question can decide them further, in one sentence: open,
        decided, or waiting on answers the person skipped or was not sure of (unknown is not no)."""
        if self.goal_served():
            return _("A route for what you want most is open.")
        if self.wanted():
            return _("No more questions can decide the routes for what you want most: they wait on answers "
                     "you skipped or were not sure of.")
        return _("The routes for what you want most are decided.")

    def goal_question(self) -> Question | None:
        """The goal is asked first (as IRCC's Come to Canada tool starts), once."""
        question = self.rulebook.questions.get(GOAL)
        if question is None or GOAL in self.answers or GOAL in self.declined or self.settled():
            return None
        return question

    def possible(self) -> frozenset[str]:
        """Every question that may still be asked (an upper bound; empty once the interview is done)."""
        goal = self.goal_question()
        if self.settled() or not self.open_questions():
            return frozenset([goal.id]) if goal is not None else frozenset()
        reach = self.reach()
        found = frozenset().union(reach.others, *reach.pathways.values())
        if self.only_goal:
            found &= self.goal_scope()
        return found | ({goal.id} if goal is not None else set())

    def next_question(self) -> Question | None:
        """The open question that can decide the most undecided pathways; ties in interview order.

        Deciding pathways early is what makes later questions unnecessary (a person who is not a US
        citizen is never asked about the working holiday's age limit). See `weights`."""
        goal = self.goal_question()
        if goal is not None:
            return goal
        pending = self.open_questions()
        if self.only_goal:
            scope = self.goal_scope()
            pending = [question for question in pending if question.id in scope]
        if not pending:
            return None
        reach = self.reach()

        weights = self.weights(reach)

        scope = self.goal_scope() if self.goal() is not None else frozenset()

        def decides(question: Question) -> float:
            """Pathways it can decide (weighted); for the goal's scores and admissibility, half a pathway."""
            return sum(weights[p] for p, deps in reach.pathways.items() if question.id in deps) + (
                0.5 if question.id in scope else 0.0)

        best = max(decides(question) for question in pending)
        return next(question for question in pending if decides(question) == best)

    @property
    def done(self) -> bool:
        return self.next_question() is None

    def answer(self, question: Question, value: Any) -> None:
        """Record a typed answer (from `parse_reply`)."""
        self._record(question)
        self.declined.discard(question.id)
        self.answers[question.id] = value
        self._changed()

    def converted(self, question: Question) -> list[tuple[str, Any]]:
        """What a number just answered converts to through a table, to show back (a raw IELTS score and its
        CLB level, §13.29): each known derived value that looks this answer up, as (its text, its value)."""
        if question.type not in ("int", "number") or self.answers.get(question.id) is None:
            return []
        state = Evaluation(self.rulebook, self.answers, self.as_of)
        shown: list[tuple[str, Any]] = []
        for derived_id in self.rulebook.table_lookups.get(question.id, ()):
            value = state.value_of(derived_id)
            if value is not None:
                shown.append((self.rulebook.derived[derived_id].text or derived_id.replace("_", " "), value))
        return shown

    def asked(self, question: Question) -> Question:
        """The question as it is asked now: on the scale an earlier answer chose (IELTS 0 to 9 in half
        bands once the test is IELTS), so the hint and the range check are that test's, and in the words
        an earlier answer chose (`prompts`: no partner, no "you or your partner"); else as written."""
        rules = self.rulebook.rules.questions.get(question.id)
        if rules is None or not (rules.scales or rules.prompts):
            return question
        state = Evaluation(self.rulebook, self.answers, self.as_of)
        update: dict[str, Any] = {}
        for scale, when in rules.scales:
            if state.value(when) is True:
                update = {"min": scale.min, "max": scale.max, "step": scale.step}
                break
        for index, when in rules.prompts:  # the words that fit what is known (no partner: "Do you have...")
            if state.value(when) is True:
                update["prompt"] = question.prompts[index].prompt
                break
        return question.model_copy(update=update) if update else question

    def shown_back(self, question: Question) -> list[str]:
        """What a test's scores convert to, once its last score is in: one line such as "IELTS General
        Training 7/7/8/7 = CLB 9 in every ability" (or the levels and the lowest ability when they differ),
        §13.29. Before the last score of the test, nothing; with a score skipped, one line per known level.

        A test's scores are the numeric questions a table converts that share this question's `what_if`
        group; the test is the choice their `relevant_if` reads, and the scale's short name (CLB, NCLC) is
        the capital letters in brackets of the converted value's text, in the reader's language."""
        lookups = self.rulebook.table_lookups
        if question.id not in lookups or self.answers.get(question.id) is None:
            return []
        group = [q for q in self.rulebook.question_order()
                 if q.id in lookups and (q.id == question.id or (question.what_if and q.what_if == question.what_if))]
        pending = {q.id for q in self.open_questions()}
        if any(q.id in pending for q in group):
            return []  # more scores of this test to come: one line at the end
        state = Evaluation(self.rulebook, self.answers, self.as_of)
        given = [q for q in group if self.answers.get(q.id) is not None]
        levels = [state.value_of(lookups[q.id][0]) for q in given]
        texts = [self.rulebook.derived[lookups[q.id][0]].text or "" for q in given]
        scale = {found.group(1) for text in texts for found in [_SCALE.search(text)] if found}
        if len(given) != len(group) or None in levels or len(scale) != 1:
            return [_("{text}: {value}").format(text=text, value=display(value))
                    for q in given for text, value in self.converted(q)]
        system = scale.pop()
        scores = "/".join(format_number(self.answers[q.id]) for q in given)
        test = self._test_label(question)
        scores = f"{test} {scores}" if test else scores
        lowest = min(levels)
        if all(level == lowest for level in levels):
            return [_("{scores} = {level} in every ability").format(
                scores=scores, level=f"{system} {display(lowest)}")]
        return [_("{scores} = {levels}: at least {level} in every ability (lowest: {abilities})").format(
            scores=scores, levels=f"{system} " + "/".join(display(level) for level in levels),
            level=f"{system} {display(lowest)}",
            abilities=", ".join(in_sentence(q.short_label) for q, level in zip(given, levels, strict=True)
                                if level == lowest))]

    def _test_label(self, question: Question) -> str:
        """The label of the answered choice this score question depends on (the test taken), or ""."""
        rule = self.rulebook.rules.questions.get(question.id)
        if rule is None or rule.relevant_if is None:
            return ""
        for name in sorted(ex.names_in(rule.relevant_if.node)):
            asked = self.rulebook.questions.get(name)
            value = self.answers.get(name)
            if asked is not None and asked.type == "choice" and value is not None:
                return next((c.label or str(value) for c in asked.choices or [] if c.value == value), str(value))
        return ""

    def decline(self, question: Question) -> None:
        """The person does not know: the answer stays unknown and the question is not asked again."""
        self._record(question)
        self.answers.pop(question.id, None)
        self.declined.add(question.id)
        self._changed()

    def _record(self, question: Question) -> None:
        bound = self.remaining()
        self.history.append(Step(question.id, self.answers.get(question.id), question.id in self.declined, bound))
        self._bound = max(bound - 1, 0)  # this question was one of them

    def _changed(self) -> None:
        self._open = None
        self._reach = None

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
        self._changed()
        self._bound = step.bound
        return self.rulebook.questions[step.question_id]

    def remaining(self) -> int:
        """At most this many questions are left: the bound only falls as answers come in (`back` restores
        the bound of the question it returns to)."""
        bound = len(self.possible())
        if self._bound is not None:
            bound = min(bound, self._bound)
        self._bound = bound
        return bound

    def progress(self) -> Progress:
        """How far along: questions answered (resumed answers included), the most that may still come,
        and the topic we are in. Questions are chosen by what they decide, so topics interleave: `part`
        counts the topics reached so far (it never falls while answers are added), and `parts` the topics
        reached or still possible (it never rises), as data for the web API; the heading names the topic
        only, "continued" when met again."""
        current = self.next_question()
        titles = {t.id: t.title for t in self.rulebook.topics}
        remaining = self.remaining()
        if current is None or current.topic not in titles:
            return Progress(answered=len(self.answers) + len(self.declined), remaining=remaining, topic="",
                            part=0, parts=0)
        questions = self.rulebook.questions
        reached = {questions[q].topic for q in [*self.answers, *self.declined] if q in questions}
        part = len(reached | {current.topic})
        coming = {questions[q].topic for q in self.possible() if q in questions} | reached | {current.topic}
        parts = max(part, min(len(coming & titles.keys()), self._parts or len(titles)))
        self._parts = parts
        return Progress(answered=len(self.answers) + len(self.declined), remaining=remaining,
                        topic=titles[current.topic], part=part, parts=parts, continued=current.topic in reached)


@dataclass(frozen=True)
class Progress:
    answered: int  # answers given, in this session or a resumed one, and questions skipped
    remaining: int  # at most this many more questions (never rises)
    topic: str
    part: int  # topics reached so far, this one included (0: no topic)
    parts: int  # topics reached or still possible
    continued: bool = False  # this topic was reached before: the interview comes back to it

    def heading(self) -> str:
        """The section's name only: questions are chosen by what they decide, so sections interleave and
        "part N of M" read like a count that jumps back and forth; a section met again says so."""
        if self.part and self.continued:
            return _("{topic}, continued").format(topic=self.topic)
        return self.topic

    def line(self) -> str:
        """The answers so far, and how many questions may still come only once that bound is small.

        `remaining` is a true upper bound but a loose one (every question some undecided route could still
        read): early on it says 70 when 10 are asked, which alarms and misleads. So it is shown only
        from CLOSE down, where it is both true and near; empty before the first answer."""
        done = ngettext("{answered} answered", "{answered} answered", self.answered).format(answered=self.answered)
        if 0 < self.remaining <= CLOSE:  # two plurals (French: « 1 réponse; au plus 2 autres questions »)
            return ngettext("{done}, at most {count} more question", "{done}, at most {count} more questions",
                            self.remaining).format(done=done, count=self.remaining)
        return done if self.answered else ""


CLOSE = 5  # the progress line counts the questions left once at most this many may come
