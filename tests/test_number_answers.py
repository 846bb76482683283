"""The `number` question type: decimals such as an IELTS band of 6.5 (raw language-test scores, §13.29)."""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from pathlib import Path

import pytest
from pydantic import ValidationError

from screener.answers import coerce
from screener.interview import Answer, Invalid, parse_reply
from screener.model import Question
from screener.render.prompt import hint
from screener.rulebook import load_rulebook

BAND = Question(id="band", type="number", min=0, max=9, prompt="IELTS reading band?", topic="you")
PTE = Question(id="pte", type="number", prompt="PTE Core score?", topic="you")


@pytest.mark.parametrize(("question", "raw", "expected"), [
    (BAND, "6.5", 6.5), (BAND, " 7 ", 7), (BAND, "7.0", 7), (BAND, "0", 0), (BAND, "9", 9), (BAND, 6.5, 6.5),
    (BAND, 8, 8), (PTE, "+88.25", 88.25), (PTE, "-1.5", -1.5), (PTE, "1000000", 1_000_000),
])
def test_a_number_may_have_a_decimal_point(question: Question, raw: object, expected: object) -> None:
    value = coerce(question, raw)
    assert value == expected and type(value) is type(expected)  # whole numbers stay int, as money


NUMBER = "expected a number, like 6.5"


@pytest.mark.parametrize(("raw", "reason"), [  # what is expected, never the value given (personal data)
    ("nan", NUMBER),
    ("inf", NUMBER),
    ("-Infinity", NUMBER),
    ("1e3", NUMBER),
    ("6,5,5", NUMBER),  # a decimal comma (6,5) is read, as in French; two are not
    ("six", NUMBER),
    ("\u0666.5", NUMBER),  # digits are ASCII 0-9, as for int
    ("9" * 5000 + ".5", "expected a number of at most 15 digits"),
    ("9.5", "must be between 0 and 9"),
    ("-0.5", "must be between 0 and 9"),
    (math.nan, NUMBER),
    (math.inf, NUMBER),
    (True, "expected a number, not yes/no"),
])
def test_a_bad_number_says_why(raw: object, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        coerce(BAND, raw)
    assert str(caught.value) == reason


def test_only_numeric_questions_have_a_range() -> None:
    Question(id="n", type="number", min=0.5, max=9.5, prompt="?", topic="t")
    with pytest.raises(ValidationError, match="only int, number and money questions have 'min'/'max'"):
        Question(id="n", type="yes_no", min=0, prompt="?", topic="t")
    with pytest.raises(ValidationError, match="min is greater than max"):
        Question(id="n", type="number", min=9, max=0, prompt="?", topic="t")


def test_the_interview_reads_a_decimal_and_says_what_it_wants() -> None:
    assert parse_reply(BAND, " 6.5 ") == Answer(6.5)
    too_high = parse_reply(BAND, "10")
    assert isinstance(too_high, Invalid) and too_high.reason == "must be between 0 and 9"
    assert hint(BAND) == "a number from 0 to 9, like 6.5"
    assert hint(PTE) == "a number, like 6.5"


def test_rules_compare_a_number_with_decimals(tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_text(textwrap.dedent("""\
        rulebook: {id: demo, title: Demo, version: "1", disclaimer: Not legal advice.}
        topics: [{id: main, title: Main}]
        questions:
          - {id: band, type: number, min: 0, max: 9, topic: main, prompt: IELTS reading band?}
        tables:
          - id: ielts_reading
            title: IELTS reading to CLB
            key: number
            default: 0
            rows:
              - {from: 8, points: 10}
              - {from: 7, to: 7.99, points: 9}
              - {from: 6.5, to: 6.99, points: 8}
        pathways:
          - id: skilled
            title: Skilled
            kind: permanent_residence
            summary: s
            requirements:
              - {id: reading, text: CLB 8 reading, condition: ielts_reading(band) >= 8}
        """), encoding="utf-8")
    rulebook = load_rulebook(tmp_path)
    as_of = dt.date(2026, 11, 25)
    assert rulebook.evaluate({"band": "6.5"}, as_of=as_of).outcomes() == {"skilled": "eligible"}
    assert rulebook.evaluate({"band": "6"}, as_of=as_of).outcomes() == {"skilled": "ineligible"}
    assert rulebook.evaluate({}, as_of=as_of).outcomes() == {"skilled": "incomplete"}
