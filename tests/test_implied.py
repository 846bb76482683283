"""Implied answers: a gate question ("any English test?") stands in for the four levels it implies."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from screener.rulebook import Rulebook, RulebookError, load_rulebook

TODAY = dt.date(2026, 11, 25)
RULES = """\
rulebook: {id: gate, title: Gate, version: "1", disclaimer: Test rules.}
topics: [{id: language, title: Language}]
questions:
  - {id: english_test, type: yes_no, topic: language, prompt: Any English test?}
  - id: clb_reading
    type: int
    min: 0
    max: 12
    topic: language
    prompt: Reading?
    relevant_if: english_test
    implied: {when: not english_test, value: 0}
  - id: clb_writing
    type: int
    min: 0
    max: 12
    topic: language
    prompt: Writing?
    relevant_if: english_test
    implied: {when: not english_test, value: 0}
derived:
  - {id: lowest, expr: "min(clb_reading, clb_writing)"}
pathways:
  - id: skilled
    title: Skilled
    kind: permanent_residence
    summary: Needs CLB 7.
    requirements:
      - {id: language, text: CLB 7, condition: lowest >= 7}
"""


def rulebook(tmp_path: Path, text: str = RULES) -> Rulebook:
    (tmp_path / "rules.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return load_rulebook(tmp_path)


def test_no_test_means_level_zero_without_asking(tmp_path: Path) -> None:
    book = rulebook(tmp_path)
    report = book.evaluate({"english_test": "no"}, as_of=TODAY)
    assert report.outcomes() == {"skilled": "ineligible"}
    assert report.pathways["skilled"].requirements[0].actual == 0
    assert book.open_questions({"english_test": "no"}, as_of=TODAY) == []


def test_the_gate_is_asked_first_and_levels_only_with_a_test(tmp_path: Path) -> None:
    book = rulebook(tmp_path)
    assert [q.id for q in book.open_questions({}, as_of=TODAY)] == ["english_test"]
    assert [q.id for q in book.open_questions({"english_test": "yes"}, as_of=TODAY)] == ["clb_reading", "clb_writing"]
    assert book.evaluate({"english_test": "yes"}, as_of=TODAY).outcomes() == {"skilled": "incomplete"}


def test_an_answer_given_directly_wins_and_an_unknown_gate_stays_unknown(tmp_path: Path) -> None:
    book = rulebook(tmp_path)
    # a firm's CSV gives the levels and no gate: the levels are used as they are
    assert book.evaluate({"clb_reading": 8, "clb_writing": 9}, as_of=TODAY).outcomes() == {"skilled": "eligible"}
    # neither the gate nor a level: unknown, never a guessed 0
    report = book.evaluate({"clb_reading": 8}, as_of=TODAY)
    assert report.outcomes() == {"skilled": "incomplete"}
    assert set(report.pathways["skilled"].requirements[0].missing) == {"clb_writing", "english_test"}


@pytest.mark.parametrize(("change", "message"), [
    ("implied: {when: not english_test, value: 0}\n", "implied: {when: lowest < 1, value: 0}\n"),
    ("implied: {when: not english_test, value: 0}\n", "implied: {when: not english_test, value: high}\n"),
])
def test_mistakes_in_implied_answers(tmp_path: Path, change: str, message: str) -> None:
    with pytest.raises(RulebookError) as caught:
        rulebook(tmp_path, RULES.replace(change, message, 1))
    (problem,) = caught.value.details
    if "lowest" in message:
        assert problem.endswith("implied: 'when' may read only questions without an implied answer, not 'lowest'")
    else:
        assert problem.endswith("implied value: expected a whole number, like 6")  # an example inside the 0-12 scale
        assert f"{tmp_path / 'rules.yaml'}:12:46:" in problem  # at the value itself
