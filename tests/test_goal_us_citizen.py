"""Whether the interview asks `us_citizen` of a person who wants to live in Canada permanently.

It asks only what can still change a verdict for the goal, and that is right here as the rules stand. Of
the routes serving `live_permanently`, only the CUSMA professional permit reads US (or Mexican) citizenship,
and only beside a job offer: so the question is asked while a job offer is possible, not once the person has
said they have none (then no answer to it changes a route for their goal). The working holiday (IEC) reads it
too but serves the goal `work` only, as a year of any work is no route to living in Canada for good; counted as
one, it opens for an American aged 18 to 35 as soon as the age is known, the goal counts as served, and the
interview stops before the Express Entry questions that say what a language test would open: why listing the
goal on IEC broke tests/test_check_remedy.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_personas import AS_OF, REAL, interview

from screener.report import serves
from screener.rulebook import Rulebook, load_rulebook

GOAL = "live_permanently"
# A 35-year-old US engineer with no language test yet (test_check_remedy's), who may or may not have an offer.
ENGINEER: dict[str, Any] = {
    "goal": GOAL, "canadian_citizen": "no", "born_in_canada": "no", "canadian_parent": "no",
    "intended_province": "ON", "marital_status": "single", "english_test": "none", "french_test": "none",
    "us_citizen": "yes", "employer_canadian_affiliate": "no", "age": 35, "occupation_teer": 1,
    "education": "bachelors", "education_assessed": "yes", "canadian_education": "none", "foreign_work_years": 5,
    "canadian_work_years": 0, "continuous_year": "yes", "dependent_children": 0, "settlement_funds_cad": 30000,
    "sibling_in_canada": "no", "relative_in_canada": "no", "provincial_nomination": "no",
    "criminal_record": "no", "impaired_driving": "none", "misrepresentation": "no", "serious_health_condition": "no",
}


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook(REAL)


def routes_reading(book: Rulebook, question: str) -> set[str]:
    """The pathways whose requirements read `question` (through derived values too)."""
    rules = book.at(AS_OF)
    return {pathway_id for pathway_id in book.pathways
            if any(question in book.graph.questions_of_node(rule.condition.node)
                   for rule in rules.requirements[pathway_id])}


def goal_outcomes(book: Rulebook, answers: dict[str, Any]) -> dict[str, str]:
    report = book.evaluate(book.read_answers(answers), AS_OF)
    return {pid: result.outcome for pid, result in report.pathways.items() if serves(book.pathways[pid].goals, GOAL)}


def test_of_the_routes_for_living_permanently_only_cusma_reads_us_citizenship(book: Rulebook) -> None:
    readers = routes_reading(book, "us_citizen")
    assert {pid for pid in readers if serves(book.pathways[pid].goals, GOAL)} == {"cusma_professional"}
    assert "cusma_professional" in routes_reading(book, "job_offer")
    assert "iec_working_holiday" in readers and book.pathways["iec_working_holiday"].goals == ["work"]


def test_without_a_job_offer_it_is_not_asked_and_no_answer_to_it_would_change_a_route_for_the_goal(
        book: Rulebook) -> None:
    person = {**ENGINEER, "job_offer": "no"}
    asked = interview(book, person)
    assert "job_offer" in asked and "us_citizen" not in asked
    answered = {k: v for k, v in person.items() if k in asked}
    outcomes = [goal_outcomes(book, {**answered, "us_citizen": answer}) for answer in ("yes", "no")]
    assert outcomes[0] == outcomes[1] == goal_outcomes(book, answered)
    assert outcomes[0]["cusma_professional"] == "ineligible"  # closed by the job offer, whatever the citizenship


def test_with_a_job_offer_it_is_asked_and_decides_cusma(book: Rulebook) -> None:
    person = {**ENGINEER, "job_offer": "yes", "job_offer_teer": 1, "job_offer_lmia": "exempt"}
    asked = interview(book, person)
    assert "us_citizen" in asked
    answered = {k: v for k, v in person.items() if k in asked}
    assert goal_outcomes(book, {**answered, "us_citizen": "no", "mexican_citizen": "no"})[
        "cusma_professional"] == "ineligible"
    assert goal_outcomes(book, answered)["cusma_professional"] != "ineligible"
