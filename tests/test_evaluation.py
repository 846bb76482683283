"""Evaluating answers: outcomes, explanations, scores with caps, dated rules, open questions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from screener.answers import AnswerError
from screener.rulebook import Rulebook, load_rulebook

FIXTURE = Path(__file__).parent / "fixtures" / "engine"
TODAY = dt.date(2026, 11, 25)
COMPLETE = {"age": 30, "education": "masters", "job_offer": "no", "funds": "$20,000", "married": "no"}


@pytest.fixture(scope="module")
def rulebook() -> Rulebook:
    return load_rulebook(FIXTURE)


def test_eligible_when_every_requirement_is_met(rulebook: Rulebook) -> None:
    report = rulebook.evaluate(COMPLETE, as_of=TODAY)
    worker = report.pathways["worker"]
    assert worker.outcome == "eligible"
    assert [r.status for r in worker.requirements] == ["met", "met", "met", "met"]
    # single, 30: 12 age + 25 masters = 37, capped at 30 in "human"; offer 0
    assert report.scores["points"].value == 30
    assert [(g.id, g.points, g.uncapped) for g in report.scores["points"].groups] == [
        ("human", 30, 37), ("extra", 0, 0)]
    assert [s.text for s in worker.next_steps] == ["Apply with 30 points."]
    assert report.best_pathway == "worker"


def test_ineligible_as_soon_as_a_known_answer_fails(rulebook: Rulebook) -> None:
    report = rulebook.evaluate({"age": 50}, as_of=TODAY)
    worker = report.pathways["worker"]
    assert worker.outcome == "ineligible"
    assert worker.requirements[0].status == "failed"
    assert worker.requirements[1].status == "unknown"
    assert worker.next_steps == []
    assert worker.reason == "Not met: Aged 18 to 40"


def test_incomplete_names_the_missing_answers(rulebook: Rulebook) -> None:
    report = rulebook.evaluate({"age": 30}, as_of=TODAY)
    worker = report.pathways["worker"]
    assert worker.outcome == "incomplete"
    assert worker.requirements[1].missing == ["education"]
    assert "education" in worker.reason
    assert report.scores["points"].value is None  # never a guessed score
    assert report.best_pathway is None


def test_actual_versus_needed_and_advice(rulebook: Rulebook) -> None:
    report = rulebook.evaluate({**COMPLETE, "funds": "10,500"}, as_of=TODAY)
    money = report.pathways["worker"].requirements[2]
    assert (money.status, money.actual, money.needed) == ("failed", 10500, "≥ 11,000")
    assert money.advice == "Save 500 more."
    degree = report.pathways["worker"].requirements[1]
    assert (degree.actual, degree.needed) == ("masters", ["bachelors", "masters"])
    assert degree.advice is None  # advice only for failed requirements


def test_irrelevant_partner_question_is_not_needed(rulebook: Rulebook) -> None:
    report = rulebook.evaluate(COMPLETE, as_of=TODAY)
    assert report.pathways["family"].outcome == "ineligible"  # not married, whatever partner_age is
    assert "partner_age" not in [q.id for q in rulebook.open_questions(COMPLETE, as_of=TODAY)]


def test_ranking_picks_the_best_open_pathway(rulebook: Rulebook) -> None:
    answers = {**COMPLETE, "married": "yes", "partner_age": 33, "funds": 20000}
    report = rulebook.evaluate(answers, as_of=TODAY)
    assert report.outcomes()["family"] == "eligible"
    assert report.outcomes()["worker"] == "eligible"
    assert report.best_pathway == "family"  # rank 10 beats rank 20
    assert report.scores["points"].lines[0].points == 10  # couple column


# ------------------------------------------------------------------------------------ dates


def test_derived_versions_follow_the_as_of_date(rulebook: Rulebook) -> None:
    answers = {**COMPLETE, "funds": 10500}
    before = rulebook.evaluate(answers, as_of=dt.date(2025, 7, 6)).pathways["worker"]
    after = rulebook.evaluate(answers, as_of=dt.date(2025, 7, 7)).pathways["worker"]
    assert before.requirements[2].status == "met"  # needed 10,000
    assert after.requirements[2].status == "failed"  # needed 11,000


def test_table_rows_end_on_their_date(rulebook: Rulebook) -> None:
    answers = {**COMPLETE, "job_offer": "yes"}
    last_day = rulebook.evaluate(answers, as_of=dt.date(2025, 3, 24)).scores["points"]
    first_day = rulebook.evaluate(answers, as_of=dt.date(2025, 3, 25)).scores["points"]
    assert [line.points for line in last_day.lines if line.id == "offer"] == [50]
    assert [line.points for line in first_day.lines if line.id == "offer"] == [0]
    assert last_day.value == 80 and first_day.value == 30


def test_dated_score_lines_and_requirements(rulebook: Rulebook) -> None:
    old = rulebook.evaluate({**COMPLETE, "job_offer": "yes"}, as_of=dt.date(2020, 1, 1))
    assert "bonus" in [line.id for line in old.scores["points"].lines]
    assert "bonus" not in [line.id for line in rulebook.evaluate(COMPLETE, as_of=TODAY).scores["points"].lines]
    assert [r.id for r in old.pathways["retired"].requirements] == ["offer"]
    ancient = rulebook.evaluate({"job_offer": "yes"}, as_of=dt.date(1999, 1, 1))
    assert [r.id for r in ancient.pathways["retired"].requirements] == ["always", "offer"]


def test_staleness_warnings(rulebook: Rulebook) -> None:
    assert rulebook.evaluate({}, as_of=dt.date(2026, 1, 1)).review_due == []
    warnings = rulebook.evaluate({}, as_of=TODAY).review_due
    assert any("after 30 June 2026" in w and "may have changed" in w for w in warnings)  # the rulebook's own
    assert any("version 2" in w and "31 July 2026" in w for w in warnings)
    assert not any("31 December 2026" in w for w in warnings)


def test_recent_rounds_within_the_window(rulebook: Rulebook) -> None:
    (band,) = rulebook.evaluate(COMPLETE, as_of=TODAY).scores["points"].recent_rounds
    assert (band.type, band.low, band.high, band.rounds) == ("General", 30, 40, 2)


# ------------------------------------------------------------------------------- answers


def test_answers_are_coerced(rulebook: Rulebook) -> None:
    report = rulebook.evaluate(
        {"age": " 30 ", "education": "MASTERS", "job_offer": "N", "funds": "$20,000.00", "married": "false"},
        as_of=TODAY,
    )
    assert report.outcomes()["worker"] == "eligible"


def test_bad_answers_are_all_reported_by_field(rulebook: Rulebook) -> None:
    with pytest.raises(AnswerError) as caught:
        rulebook.evaluate({"age": "130", "education": "phd", "job_offer": "maybe", "agee": 3}, as_of=TODAY)
    problems = caught.value.problems
    assert problems["age"] == "must be between 0 and 120"
    assert problems["education"].startswith("expected one of secondary, bachelors, masters")
    assert problems["job_offer"] == "expected yes or no"
    assert problems["agee"] == "not a question of this rulebook (did you mean 'age'?)"


def test_blank_answers_are_unknown(rulebook: Rulebook) -> None:
    assert rulebook.evaluate({"age": "", "education": None}, as_of=TODAY).outcomes()["worker"] == "incomplete"


# ------------------------------------------------------------------------------- questions


def test_open_questions_in_interview_order(rulebook: Rulebook) -> None:
    asked = [q.id for q in rulebook.open_questions({}, as_of=TODAY)]
    assert asked == ["age", "education", "job_offer", "funds", "married"]


def test_open_questions_follow_relevance(rulebook: Rulebook) -> None:
    answers = {**COMPLETE, "married": "yes"}
    assert [q.id for q in rulebook.open_questions(answers, as_of=TODAY)] == ["partner_age"]


def test_nothing_left_to_ask_when_everything_is_decided(rulebook: Rulebook) -> None:
    assert rulebook.open_questions(COMPLETE, as_of=TODAY) == []


def test_declined_questions_are_not_asked_again(rulebook: Rulebook) -> None:
    asked = [q.id for q in rulebook.open_questions({}, as_of=TODAY, skip=["age"])]
    assert "age" not in asked and asked[0] == "education"


def test_a_decided_pathway_needs_no_more_answers(rulebook: Rulebook) -> None:
    # too old for "worker", not married: only the score (shown by worker) would still need answers,
    # and worker is ineligible, so nothing about the score is asked
    answers = {"age": 50, "married": "no", "job_offer": "no"}
    assert [q.id for q in rulebook.open_questions(answers, as_of=TODAY)] == []
