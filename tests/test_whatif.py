"""What-if suggestions: found by re-evaluating the fixture rulebook, checked against its arithmetic."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from screener.rulebook import Rulebook, load_rulebook
from screener.whatif import WhatIf, what_if

RULES = Path(__file__).parent / "fixtures" / "check" / "rules"
AS_OF = dt.date(2026, 11, 25)
BASE: dict[str, Any] = {
    "canadian_citizen": "no", "born_in_canada": "no", "canadian_parent": "no", "age": 30,
    "criminal_record": "no", "marital_status": "single", "english_clb_reading": 9, "english_clb_writing": 9,
    "french_nclc_reading": 0, "french_nclc_writing": 0, "education": "masters", "foreign_work_years": 3,
    "job_offer": "no", "settlement_funds_cad": "$20,000",
}


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook(RULES)


def suggest(book: Rulebook, **changes: Any) -> WhatIf:
    values = book.read_answers({**BASE, **changes})
    return what_if(book, values, book.evaluate(values, AS_OF))


def test_one_weak_ability_is_the_single_change_that_opens_fsw(book: Rulebook) -> None:
    result = suggest(book, english_clb_writing=6)
    fsw = [f for f in result.flips if f.pathway_id == "express_entry_fsw"]
    # Writing 6 fails the language minimum and leaves 12 + 0 + 23 + 9 = 44 points; at CLB 7 the grid
    # gives 60 (< 67), at CLB 9 it gives 68: so the smallest single change is writing 6 -> 9.
    assert fsw[0].change.values == (("english_clb_writing", 9),)
    assert fsw[0].outcome == "eligible"
    assert "English writing (CLB): 6 → 9" in fsw[0].change.text


def test_money_threshold_is_found_exactly(book: Rulebook) -> None:
    result = suggest(book, settlement_funds_cad="9000")
    funds = [f for f in result.flips if f.change.values[0][0] == "settlement_funds_cad"]
    assert [f.change.values for f in funds] == [(("settlement_funds_cad", 15263),)]
    offer = [f for f in result.flips if f.pathway_id == "express_entry_fsw" and f.change.values[0][0] == "job_offer"]
    assert offer and offer[0].change.values == (("job_offer", True),)


def test_no_single_change_is_suggested_when_two_requirements_fail(book: Rulebook) -> None:
    # Language and funds both fail: no one answer can open FSW.
    result = suggest(book, english_clb_writing=6, settlement_funds_cad="100")
    assert [f for f in result.flips if f.pathway_id == "express_entry_fsw"] == []


def test_facts_that_are_not_what_if_are_never_changed(book: Rulebook) -> None:
    result = suggest(book)
    changed = {qid for f in result.flips for qid, _ in f.change.values}
    changed |= {qid for g in result.gains for qid, _ in g.change.values}
    assert changed  # there are suggestions at all
    assert not changed & {"canadian_parent", "marital_status", "age", "criminal_record", "partner_status"}


def test_crs_gains_include_a_french_test_taken_together(book: Rulebook) -> None:
    result = suggest(book)
    crs = {g.change.label: g for g in result.gains if g.score_id == "crs_score"}
    french = crs["French test (NCLC)"]
    # The fixture gives a 50-point bonus at NCLC 7 in both abilities, nothing below.
    assert french.points == 50
    assert dict(french.change.values) == {"french_nclc_reading": 7, "french_nclc_writing": 7}
    # English 9 -> 10 in both abilities: english_min * 20 gains 20.
    assert crs["English test (CLB)"].points == 20
    # masters (23) -> doctoral (25): 2 * 6 = 12 points.
    assert crs["education"].points == 12
    assert [g.points for g in result.gains if g.score_id == "crs_score"] == sorted(
        (g.points for g in result.gains if g.score_id == "crs_score"), reverse=True)


def test_unknown_answers_are_never_guessed(book: Rulebook) -> None:
    values = book.read_answers({k: v for k, v in BASE.items() if not k.startswith("french")})
    result = what_if(book, values, book.evaluate(values, AS_OF))
    assert not any(qid.startswith("french") for g in result.gains for qid, _ in g.change.values)
    assert all(g.score_id != "crs_score" for g in result.gains)  # CRS is unknown without French


def test_json_form(book: Rulebook) -> None:
    data = suggest(book, english_clb_writing=6).to_json()
    assert {"pathway": "express_entry_fsw", "change": "English writing (CLB): 6 → 9",
            "answers": {"english_clb_writing": 9}, "outcome": "eligible", "missing": []} in data["flips"]
