"""Reading answers as people and spreadsheets write them."""

from __future__ import annotations

import datetime as dt

import pytest

from screener.answers import AnswerError, coerce, read_answers
from screener.model import Question

AGE = Question(id="age", type="int", min=0, max=120, prompt="Age?", topic="you")
FUNDS = Question(id="funds", type="money", min=0, prompt="Funds?", topic="you")
OFFER = Question(id="offer", type="yes_no", prompt="Offer?", topic="you")
STATUS = Question(id="status", type="choice", choices=["single", "common_law", "yes"], prompt="?", topic="you")
BORN = Question(id="born", type="date", prompt="Born?", topic="you")


@pytest.mark.parametrize(
    ("question", "raw", "expected"),
    [
        (OFFER, "Yes", True), (OFFER, "y", True), (OFFER, "TRUE", True), (OFFER, "1", True), (OFFER, True, True),
        (OFFER, "no", False), (OFFER, " N ", False), (OFFER, "false", False), (OFFER, "0", False), (OFFER, 0, False),
        (AGE, " 7 ", 7), (AGE, 7, 7), (AGE, 7.0, 7), (AGE, "120", 120), (AGE, "0", 0),
        (FUNDS, "$15,263", 15263), (FUNDS, "15263", 15263), (FUNDS, "$ 1,234,567.50", 1234567.5),
        (FUNDS, 99.5, 99.5), (FUNDS, "0", 0),
        (STATUS, "Common Law", "common_law"), (STATUS, "common-law", "common_law"), (STATUS, "SINGLE", "single"),
        (STATUS, True, "yes"),
        (BORN, "2000-01-31", dt.date(2000, 1, 31)), (BORN, dt.date(1999, 5, 1), dt.date(1999, 5, 1)),
    ],
)
def test_coercion(question: Question, raw: object, expected: object) -> None:
    value = coerce(question, raw)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    ("question", "raw", "reason"),
    [
        (OFFER, "maybe", "'maybe' is not yes or no"),
        (AGE, "seven", "'seven' is not a whole number"),
        (AGE, "7.5", "'7.5' is not a whole number"),
        (AGE, "121", "must be between 0 and 120 (got 121)"),
        (AGE, "-1", "must be between 0 and 120 (got -1)"),
        (AGE, True, "expected a whole number, not yes/no"),
        (AGE, "\u0663", "'\u0663' is not a whole number"),  # Arabic-Indic 3: digits are 0-9
        (FUNDS, "15.263,00", "'15.263,00' is not an amount in dollars (like 15263 or $15,263)"),
        (FUNDS, "$1,23", "'$1,23' is not an amount in dollars (like 15263 or $15,263)"),
        (FUNDS, "-5", "'-5' is not an amount in dollars (like 15263 or $15,263)"),
        (STATUS, "maried", "'maried' is not one of single, common_law, yes"),
        (BORN, "31/01/2000", "'31/01/2000' is not a date (YYYY-MM-DD)"),
    ],
)
def test_unreadable_answers_say_why(question: Question, raw: object, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        coerce(question, raw)
    assert str(caught.value).startswith(reason)


def test_long_bad_answers_are_clipped_in_messages() -> None:
    with pytest.raises(ValueError) as caught:
        coerce(AGE, "x" * 500)
    assert len(str(caught.value)) < 80


def test_read_answers_skips_blanks_and_collects_every_problem() -> None:
    questions = {q.id: q for q in (AGE, FUNDS, OFFER)}
    assert read_answers(questions, {"age": "", "funds": None, "offer": "yes"}) == {"offer": True}
    with pytest.raises(AnswerError) as caught:
        read_answers(questions, {"age": "x", "funds": "y", "ofer": "yes"})
    assert caught.value.problems == {
        "age": "'x' is not a whole number",
        "funds": "'y' is not an amount in dollars (like 15263 or $15,263)",
        "ofer": "not a question of this rulebook (did you mean 'offer'?)",
    }
    assert read_answers(questions, {"extra_column": "x"}, allow_unknown_fields=True) == {}
