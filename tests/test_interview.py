"""The interview as logic: replies by question type, what is asked next, skip and back."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import pytest

from screener import i18n
from screener.interview import CLOSE, Answer, Back, Help, Interview, Invalid, Progress, Skip, parse_reply
from screener.rulebook import Rulebook, load_rulebook

RULES = Path(__file__).parent / "fixtures" / "check" / "rules"
AS_OF = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook(RULES)


def test_yes_no_replies(book: Rulebook) -> None:
    question = book.questions["job_offer"]
    assert parse_reply(question, " Yes ") == Answer(True)
    assert parse_reply(question, "n") == Answer(False)
    reply = parse_reply(question, "maybe")
    assert isinstance(reply, Invalid) and reply.reason == "expected yes or no"


def test_numbers_are_range_checked(book: Rulebook) -> None:
    question = book.questions["age"]
    assert parse_reply(question, " 45 ") == Answer(45)
    too_old = parse_reply(question, "130")
    assert isinstance(too_old, Invalid) and "between 0 and 120" in too_old.reason
    assert isinstance(parse_reply(question, "forty"), Invalid)


def test_money_accepts_dollars_and_commas(book: Rulebook) -> None:
    question = book.questions["settlement_funds_cad"]
    assert parse_reply(question, "$15,263") == Answer(15263)
    assert parse_reply(question, "15263.50") == Answer(15263.5)
    assert isinstance(parse_reply(question, "lots"), Invalid)


def test_choices_by_number_or_value(book: Rulebook) -> None:
    question = book.questions["canadian_parent"]
    assert parse_reply(question, "1") == Answer("born_or_naturalized")
    assert parse_reply(question, "By descent") == Answer("by_descent")
    assert parse_reply(question, "no") == Answer("no")  # a choice value wins over any command word
    out_of_list = parse_reply(question, "9")
    assert isinstance(out_of_list, Invalid) and "1 to 4" in out_of_list.reason
    assert isinstance(parse_reply(question, "grandma"), Invalid)


@pytest.mark.parametrize(("text", "kind"), [("?", Help), ("help", Help), ("back", Back), ("skip", Skip),
                                             ("Don't know", Skip), ("", Invalid)])
def test_commands(book: Rulebook, text: str, kind: type) -> None:
    assert isinstance(parse_reply(book.questions["age"], text), kind)


def test_first_questions_follow_topics_and_relevance(book: Rulebook) -> None:
    interview = Interview.start(book, AS_OF)
    assert interview.next_question() is not None
    assert interview.next_question().id == "canadian_citizen"  # type: ignore[union-attr]
    interview.answer(book.questions["canadian_citizen"], "no")
    assert interview.next_question().id == "born_in_canada"  # type: ignore[union-attr]
    interview.answer(book.questions["born_in_canada"], False)
    assert interview.next_question().id == "canadian_parent"  # type: ignore[union-attr]


def test_a_child_of_a_canadian_parent_is_done_in_three_questions(book: Rulebook) -> None:
    interview = Interview.start(book, AS_OF)
    for reply in ("unsure", "no", "1"):
        question = interview.next_question()
        assert question is not None
        answer = parse_reply(question, reply)
        assert isinstance(answer, Answer)
        interview.answer(question, answer.value)
    assert interview.done
    assert book.evaluate(interview.answers, AS_OF).outcomes()["citizenship_by_descent"] == "eligible"


def test_partner_question_only_with_a_partner(book: Rulebook) -> None:
    answers = {"canadian_citizen": "no", "born_in_canada": False, "canadian_parent": "no", "age": 30,
               "criminal_record": False}
    single = Interview.start(book, AS_OF, {**answers, "marital_status": "single"})
    married = Interview.start(book, AS_OF, {**answers, "marital_status": "married"})
    assert "partner_status" not in [q.id for q in single.open_questions()]
    assert "partner_status" in [q.id for q in married.open_questions()]


def test_skip_keeps_the_answer_unknown_and_is_not_asked_again(book: Rulebook) -> None:
    interview = Interview.start(book, AS_OF, {"canadian_citizen": "no", "born_in_canada": False})
    question = interview.next_question()
    assert question is not None and question.id == "canadian_parent"
    interview.decline(question)
    assert "canadian_parent" not in interview.answers
    assert interview.next_question().id != "canadian_parent"  # type: ignore[union-attr]
    assert book.evaluate(interview.answers, AS_OF).outcomes()["citizenship_by_descent"] == "incomplete"


def test_back_undoes_the_last_answer_and_asks_it_again(book: Rulebook) -> None:
    interview = Interview.start(book, AS_OF)
    first = interview.next_question()
    assert first is not None
    interview.answer(first, "no")
    second = interview.next_question()
    assert second is not None
    interview.answer(second, True)  # born in Canada: citizenship decided, spousal etc. still open
    assert interview.answers == {"canadian_citizen": "no", "born_in_canada": True}
    previous = interview.back()
    assert previous is not None and previous.id == "born_in_canada"
    assert interview.answers == {"canadian_citizen": "no"}
    assert interview.next_question() == previous
    assert interview.back() == first
    assert interview.back() is None  # nothing before the first question


def test_back_restores_a_prefilled_answer_that_was_changed(book: Rulebook) -> None:
    interview = Interview.start(book, AS_OF, {"age": 30})
    interview.answer(book.questions["age"], 31)
    interview.back()
    assert interview.answers["age"] == 30


def test_progress_names_the_topic_and_counts(book: Rulebook) -> None:
    interview = Interview.start(book, AS_OF)
    progress = interview.progress()
    assert progress.topic == "About you"
    assert progress.answered == 0 and progress.remaining > CLOSE
    assert progress.heading() == "About you"  # the section only: no "part 1 of 6" that later jumps back
    assert progress.line() == ""  # nothing answered yet, and the bound is far from the truth


LINES = {"en": (r"(\d+) answered", r", at most (\d+) more questions?"),
         "fr": (r"(\d+) réponses?", r"; au plus (\d+) autres? questions?")}


def shown_numbers(line: str, lang: str) -> tuple[int | None, int | None]:
    """The numbers a progress line states: (answered, at most this many more), None where it says none."""
    answered, more = LINES[lang]
    if not line:
        return None, None
    found = re.fullmatch(answered + f"(?:{more})?", line)
    assert found, line
    return int(found.group(1)), int(found.group(2)) if found.group(2) else None


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["Family", "Family, continued", "", "3 answered", "3 answered, at most 1 more question",
            "3 answered, at most 5 more questions", "1 answered", "1 answered, at most 2 more questions"]),
    ("fr", ["Famille", "Famille, suite", "", "3 réponses", "3 réponses; au plus 1 autre question",
            "3 réponses; au plus 5 autres questions", "1 réponse", "1 réponse; au plus 2 autres questions"]),
])
def test_the_progress_words_in_english_and_french(lang: str, expected: list[str]) -> None:
    def line(answered: int, remaining: int) -> str:
        return Progress(answered=answered, remaining=remaining, topic="", part=0, parts=0).line()

    topic = {"en": "Family", "fr": "Famille"}[lang]
    with i18n.command_language(lang):
        assert [Progress(answered=3, remaining=9, topic=topic, part=2, parts=4).heading(),
                Progress(answered=3, remaining=9, topic=topic, part=2, parts=4, continued=True).heading(),
                line(0, 70), line(3, CLOSE + 1), line(3, 1), line(3, CLOSE), line(1, CLOSE + 1), line(1, 2)] == expected


def _drive(book: Rulebook, person: dict[str, object], start: dict[str, object] | None = None) -> list[int]:
    """Answer from `person` (skip what it lacks) and record the bound shown before each question."""
    interview = Interview.start(book, AS_OF, start)
    bounds: list[int] = []
    while (question := interview.next_question()) is not None:
        bounds.append(interview.progress().remaining)
        if question.id in person:
            interview.answer(question, book.read_answers({question.id: person[question.id]})[question.id])
        else:
            interview.decline(question)
    bounds.append(interview.progress().remaining)
    return bounds


PEOPLE = [
    {"canadian_citizen": "no", "born_in_canada": "no", "canadian_parent": "no", "age": 45, "criminal_record": "no",
     "marital_status": "single", "english_clb_reading": 9, "english_clb_writing": 6, "french_nclc_reading": 0,
     "french_nclc_writing": 0, "education": "doctoral", "foreign_work_years": 10, "job_offer": "yes"},
    {"canadian_citizen": "no", "born_in_canada": "no", "canadian_parent": "no", "age": 30, "criminal_record": "yes",
     "marital_status": "married", "partner_status": "foreign", "job_offer": "no", "settlement_funds_cad": 500},
    {"canadian_citizen": "unsure", "born_in_canada": "no", "canadian_parent": "unsure"},
    {},
]


@pytest.mark.parametrize("person", PEOPLE)
def test_the_bound_is_an_upper_bound_that_never_rises(book: Rulebook, person: dict[str, object]) -> None:
    bounds = _drive(book, person)
    asked = len(bounds) - 1
    assert bounds[-1] == 0
    assert all(later <= earlier for earlier, later in itertools.pairwise(bounds)), bounds
    assert all(bound >= asked - index for index, bound in enumerate(bounds)), bounds  # really an upper bound


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("person", PEOPLE, ids=range(len(PEOPLE)))
def test_every_number_the_progress_line_shows_is_true(book: Rulebook, person: dict[str, object], lang: str) -> None:
    """The count of answers is exact; "at most N more" appears only once N is small, and N questions or
    fewer really follow (this one included)."""
    interview = Interview.start(book, AS_OF)
    shown: list[tuple[int | None, int | None]] = []
    headings: list[str] = []
    while (question := interview.next_question()) is not None:
        with i18n.command_language(lang):
            progress = interview.progress()
            shown.append(shown_numbers(progress.line(), lang))
            headings.append(progress.heading())
        if question.id in person:
            interview.answer(question, book.read_answers({question.id: person[question.id]})[question.id])
        else:
            interview.decline(question)
    asked = len(shown)
    assert shown[0] == (None, None)
    for index, (answered, most) in enumerate(shown[1:], start=1):
        assert answered == index
        assert most is None or asked - index <= most <= CLOSE, (index, most, asked)
    assert any(most is not None for _, most in shown)  # the last stretch is counted
    assert not [heading for heading in headings if re.search(r"\d", heading)]  # no part numbers


def test_back_restores_the_bound_and_resumed_answers_are_counted(book: Rulebook) -> None:
    interview = Interview.start(book, AS_OF, {"canadian_citizen": "no", "born_in_canada": False})
    progress = interview.progress()
    assert progress.answered == 2
    question = interview.next_question()
    assert question is not None
    interview.answer(question, "no")
    assert interview.progress().answered == 3 and interview.progress().remaining < progress.remaining
    interview.back()
    assert interview.progress().remaining == progress.remaining


def test_choices_by_label_or_its_first_word() -> None:
    """On the real rules: "no" answers "No, never"; a word shared by two labels asks for the number."""
    rules = load_rulebook(Path(__file__).parent.parent / "rules")
    driving = rules.questions["impaired_driving"]
    assert parse_reply(driving, "no") == Answer("none")
    assert parse_reply(driving, "No, never") == Answer("none")
    parent = rules.questions["canadian_parent"]
    assert parse_reply(parent, "yes") == Invalid("that fits more than one choice: type its number")
    assert parse_reply(parent, "I am not sure") == Answer("unsure")
    assert isinstance(parse_reply(parent, "perhaps"), Invalid)
