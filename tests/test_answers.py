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


NUMBER = "expected a whole number, like 30"
AMOUNT = "expected an amount in dollars, like 15263 or $15,263"
CENTS = ("expected an amount in Canadian dollars, with ',' for thousands and at most two decimals for cents, like "
         "$15,263 or $15,263.50")
A_DATE = "expected a real date as YYYY-MM-DD, like 2024-01-31"


@pytest.mark.parametrize(
    ("question", "raw", "reason"),
    [
        (OFFER, "maybe", "expected yes or no"),
        (AGE, "seven", NUMBER),
        (AGE, "7.5", NUMBER),
        (AGE, 7.5, NUMBER),
        (AGE, "3e1", NUMBER),
        (AGE, "121", "must be between 0 and 120"),
        (AGE, "-1", "must be between 0 and 120"),
        (AGE, True, "expected a whole number, not yes/no"),
        (AGE, "\u0663", NUMBER),  # Arabic-Indic 3: digits are 0-9
        (AGE, "\u00b2", NUMBER),  # superscript 2: isdigit() but not int()
        (AGE, float("nan"), NUMBER),
        (AGE, float("inf"), NUMBER),
        (AGE, "9" * 5000, "expected a number of at most 15 digits"),  # past int()'s 4,300-digit limit
        (AGE, 10**15, "expected a number of at most 15 digits"),
        (FUNDS, "15.263,00", CENTS),
        (FUNDS, "$1,23", AMOUNT),
        (FUNDS, "-5", AMOUNT),
        (FUNDS, "NaN", AMOUNT),
        (FUNDS, ".nan", AMOUNT),
        (FUNDS, float("nan"), AMOUNT),
        (FUNDS, float("-inf"), AMOUNT),
        (FUNDS, "9" * 400, "expected a number of at most 15 digits"),  # float() would make it infinity
        (FUNDS, "999,999,999,999,999.99", "expected a number of at most 15 digits"),  # rounds to 10**15
        (FUNDS, 10**400, "expected a number of at most 15 digits"),
        (STATUS, "maried", "expected one of single, common_law, yes"),
        (BORN, "31/01/2000", A_DATE),
        (BORN, "2020-13-45", A_DATE),
        (BORN, "20200101", A_DATE),  # fromisoformat() reads it; the one spelling is YYYY-MM-DD
    ],
)
def test_unreadable_answers_say_what_is_expected_never_the_value(question: Question, raw: object,
                                                                  reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        coerce(question, raw)
    assert str(caught.value) == reason


def test_whole_numbers_with_a_zero_fraction_are_whole_numbers() -> None:
    assert coerce(AGE, "30.0") == 30 and type(coerce(AGE, "30.0")) is int
    assert coerce(AGE, " 30.00 ") == 30
    assert coerce(AGE, 30.0) == 30
    assert coerce(AGE, "-0.0") == 0
    assert coerce(AGE, "0" * 5000 + "7") == 7  # leading zeros are not digits that count
    assert coerce(FUNDS, "999,999,999,999,999") == 999_999_999_999_999


def test_choice_hints_name_an_allowed_value() -> None:
    with pytest.raises(ValueError) as caught:
        coerce(STATUS, "singel")
    assert str(caught.value) == "expected one of single, common_law, yes (did you mean 'single'?)"


def test_long_bad_answers_are_never_echoed() -> None:
    with pytest.raises(ValueError) as caught:
        coerce(AGE, "SECRET" * 100)
    assert "SECRET" not in str(caught.value)


def test_read_answers_skips_blanks_and_collects_every_problem() -> None:
    questions = {q.id: q for q in (AGE, FUNDS, OFFER)}
    assert read_answers(questions, {"age": "", "funds": None, "offer": "yes"}) == {"offer": True}
    with pytest.raises(AnswerError) as caught:
        read_answers(questions, {"age": "x", "funds": "y", "ofer": "yes"})
    assert caught.value.problems == {
        "age": NUMBER,
        "funds": AMOUNT,
        "ofer": "not a question of this rulebook (did you mean 'offer'?)",
    }
    assert read_answers(questions, {"extra_column": "x"}, allow_unknown_fields=True) == {}


@pytest.mark.parametrize("raw", ["40.000", "15.263", "$40.000", "40.000 $", "CAD 40.000", "1.000.000", "15.263,00",
                                 "$15,263.500", "15263.1234", "0.001"])
def test_an_amount_with_more_decimals_than_cents_is_refused_not_read_as_dollars(raw: str) -> None:
    """review13 #2: `40.000` (forty thousand, as much of Europe and Latin America writes it) was read as $40."""
    with pytest.raises(ValueError) as caught:
        coerce(FUNDS, raw)
    assert str(caught.value) == CENTS


@pytest.mark.parametrize(("raw", "expected"), [
    ("40 000 $", 40000), ("40\u00a0000,00 $", 40000), ("40,5", 40.5), ("40,50 $", 40.5), ("40,000", 40000),
    ("$40,000.50", 40000.5), ("15263.5", 15263.5), ("15263.05", 15263.05), ("$ 15 263", AMOUNT),
])
def test_amounts_with_cents_and_the_french_spellings_read_as_before(raw: str, expected: object) -> None:
    """A comma before one or two digits is the French decimal comma (`40,5` is $40.50), never thousands."""
    if expected == AMOUNT:
        with pytest.raises(ValueError, match="expected an amount in dollars"):
            coerce(FUNDS, raw)
        return
    assert coerce(FUNDS, raw) == expected


def test_a_typed_amount_is_kept_to_the_cent() -> None:
    assert coerce(FUNDS, 0.1 + 0.2) == 0.3 and coerce(FUNDS, 15263.004) == 15263
