"""The shipped rulebook's interview reaches the questions the law needs (issue 11, canada-rules.md §13).

These drive `Rulebook.open_questions` as the interview does (next question = first open one) and check
that the questions a person must be asked are reached, and those the law says to skip are not.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from screener.interview import Interview
from screener.rulebook import Rulebook, load_rulebook

RULES = Path(__file__).resolve().parent.parent / "rules"
AS_OF = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook(RULES)


def walk(book: Rulebook, replies: dict[str, Any], *, limit: int = 200) -> list[str]:
    """Answer each next question from `replies` (declining the others) and return the ids asked, in order."""
    answers: dict[str, Any] = {}
    declined: set[str] = set()
    asked: list[str] = []
    for _ in range(limit):
        pending = book.open_questions(answers, AS_OF, skip=declined)
        if not pending:
            return asked
        question = pending[0]
        asked.append(question.id)
        if question.id in replies:
            answers[question.id] = replies[question.id]
        else:
            declined.add(question.id)
    raise AssertionError("the interview did not end")


UNDOCUMENTED_IN_US = {
    "goal": "work", "canadian_citizen": "no", "born_in_canada": "no", "canadian_parent": "no", "age": "29",
    "us_citizen": "no", "mexican_citizen": "no", "in_us_now": "yes", "marital_status": "single",
    "sibling_in_canada": "no", "relative_in_canada": "no", "fear_of_return": "yes", "arrival_route": "land_from_us",
    "own_family_in_canada_stca": "no", "holds_canadian_visa_or_permit": "no",
}


def test_a_non_us_citizen_living_in_the_us_is_asked_about_fear_of_return(book: Rulebook) -> None:
    """§13.21: the interview reaches fear_of_return (it used to end before it), then the arrival route."""
    asked = walk(book, UNDOCUMENTED_IN_US)
    assert "fear_of_return" in asked
    assert asked.index("fear_of_return") < asked.index("arrival_route")
    assert "own_family_in_canada_stca" in asked


def test_the_goal_comes_first_and_no_rule_reads_it(book: Rulebook) -> None:
    """intake-fields.md: `goal` orders the interview and never changes an outcome."""
    assert book.question_order()[0].id == "goal"
    plain = {k: v for k, v in UNDOCUMENTED_IN_US.items() if k != "goal"}
    outcomes = {goal: book.evaluate({**plain, "goal": goal}, as_of=AS_OF).outcomes()
                for goal in book.questions["goal"].choice_values}
    assert len({tuple(sorted(o.items())) for o in outcomes.values()}) == 1


def test_a_us_citizen_is_never_asked_the_asylum_route_questions(book: Rulebook) -> None:
    replies = {**UNDOCUMENTED_IN_US, "us_citizen": "yes"}
    asked = walk(book, replies)
    assert not {"arrival_route", "own_family_in_canada_stca", "holds_canadian_visa_or_permit"} & set(asked)


def test_canadian_education_is_not_asked_when_the_highest_education_is_secondary(book: Rulebook) -> None:
    """§13.19: implied 'none' for secondary or less; asked for a post-secondary credential."""
    base = {"canadian_citizen": "no", "born_in_canada": "no", "canadian_parent": "no", "age": "30",
            "us_citizen": "yes", "education_assessed": "yes"}
    assert "canadian_education" not in walk(book, {**base, "education": "secondary"})
    assert "canadian_education" in walk(book, {**base, "education": "bachelors"})


def test_the_certificate_of_qualification_is_asked_outside_the_trades(book: Rulebook) -> None:
    """§13.18: its CRS points count whatever the occupation, so it is asked of everyone."""
    replies = {"canadian_citizen": "no", "born_in_canada": "no", "canadian_parent": "no", "age": "30",
               "us_citizen": "yes", "trade_occupation": "no", "education": "bachelors"}
    assert "trade_certificate" in walk(book, replies)


def test_the_interview_asks_the_english_test_then_its_four_scores_never_the_levels(book: Rulebook) -> None:
    """§13.29: gate question first, then the raw scores; the CLB questions are for forms that have them."""
    replies = {"canadian_citizen": "no", "born_in_canada": "no", "canadian_parent": "no", "age": "30",
               "us_citizen": "yes", "english_test": "ielts_general"}
    asked = walk(book, replies)
    scores = [f"english_score_{a}" for a in ("reading", "writing", "listening", "speaking")]
    assert asked.index("english_test") < min(asked.index(s) for s in scores)
    assert not any(q.startswith("english_clb_") for q in asked)


def test_no_english_test_asks_no_scores(book: Rulebook) -> None:
    replies = {"canadian_citizen": "no", "born_in_canada": "no", "canadian_parent": "no", "age": "30",
               "us_citizen": "yes", "english_test": "none"}
    asked = walk(book, replies)
    assert "english_test" in asked
    assert not any(q.startswith(("english_score_", "english_clb_")) for q in asked)


def test_senior_management_is_asked_only_when_it_can_score(book: Rulebook) -> None:
    """§13.28: 200 vs 50 points only before 25 Mar 2025; today the answer changes nothing."""
    replies = {"canadian_citizen": "no", "born_in_canada": "no", "canadian_parent": "no", "age": "30",
               "us_citizen": "yes", "job_offer": "yes", "job_offer_teer": "0", "job_offer_lmia": "lmia"}
    assert "job_offer_senior_manager" not in walk(book, replies)
    answers: dict[str, Any] = dict(replies)
    before = [q.id for q in book.open_questions(answers, dt.date(2025, 1, 1))]
    assert "job_offer_senior_manager" in before


CUSMA_PROFILE = {"canadian_citizen": "no", "born_in_canada": "no", "canadian_parent": "no", "us_citizen": "yes",
                 "job_offer": "yes", "cusma_profession": "yes"}


def _steps(book: Rulebook, answers: dict[str, Any], pathway: str, on: dt.date) -> str:
    report = book.evaluate(answers, as_of=on)
    assert report.pathways[pathway].outcome == "eligible"
    return " ".join(step.text for step in report.pathways[pathway].next_steps)


def test_the_cusma_review_step_is_dated(book: Rulebook) -> None:
    """Issue 11: a remark dated 2026 (the CUSMA review began on 1 Jul 2026) never shows for an earlier date."""
    assert "joint review" not in _steps(book, CUSMA_PROFILE, "cusma_professional", dt.date(2026, 6, 30))
    assert "joint review" in _steps(book, CUSMA_PROFILE, "cusma_professional", dt.date(2026, 7, 1))


def test_the_2026_express_entry_proposals_step_is_dated(book: Rulebook) -> None:
    fsw = {**CUSMA_PROFILE, "job_offer": "no", "age": "30", "english_test": "none", "english_clb_reading": "9",
           "english_clb_writing": "9", "english_clb_listening": "9", "english_clb_speaking": "9",
           "french_test": "none", "education": "bachelors", "education_assessed": "yes",
           "canadian_education": "none", "occupation_teer": "1", "foreign_work_years": "3",
           "canadian_work_years": "0", "continuous_year": "yes", "trade_certificate": "no",
           "marital_status": "single", "dependent_children": "0", "sibling_in_canada": "no",
           "relative_in_canada": "no", "settlement_funds_cad": "20000", "intended_province": "ON",
           "work_authorized_in_canada": "no"}
    assert "proposed in 2026" not in _steps(book, fsw, "express_entry_fsw", dt.date(2025, 12, 1))
    assert "proposed in 2026" in _steps(book, fsw, "express_entry_fsw", dt.date(2026, 11, 25))


def test_no_2026_remark_anywhere_in_a_report_for_an_earlier_date(book: Rulebook) -> None:
    """Issue 11: the 2026 Express Entry proposals are said nowhere (disclaimer included) before they existed."""
    import json

    earlier = json.dumps(book.evaluate(CUSMA_PROFILE, as_of=dt.date(2025, 12, 1)).to_json())
    assert "high-skilled" not in earlier and "proposed in 2026" not in earlier


@pytest.mark.parametrize(("route", "asked_where"), [("already_in_canada", False), ("air_or_sea", True)])
def test_where_a_person_lives_is_not_asked_once_they_are_in_canada(book: Rulebook, route: str,
                                                                   asked_where: bool) -> None:
    """review11 #13: after "I am already in Canada" the interview asked "Do you live in the United States
    now?"; only the US-asylum safety lead reads it, and a person in Canada is not in the US. Someone coming
    by air may be in the US now: asked, so a known "no" can withdraw the US advice."""
    replies = {"goal": "protection", "canadian_citizen": "no", "born_in_canada": "no", "canadian_parent": "no",
               "age": "29", "us_citizen": "no", "fear_of_return": "yes", "arrival_route": route}
    interview = Interview.start(book, AS_OF, {}, set())  # the interview itself: it also asks for a goal's leads
    asked = []
    while (question := interview.next_question()) is not None and len(asked) < 200:
        asked.append(question.id)
        if question.id in replies:
            interview.answer(question, book.read_answers({question.id: replies[question.id]})[question.id])
        else:
            interview.decline(question)
    assert "arrival_route" in asked
    assert ("in_us_now" in asked) is asked_where
