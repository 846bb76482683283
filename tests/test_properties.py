"""Property tests: evaluation never raises on readable answers, and its results are self-consistent."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screener.model import Question
from screener.rulebook import Rulebook, load_rulebook

ROOT = Path(__file__).parent.parent
RULEBOOKS = {"fixture": ROOT / "tests" / "fixtures" / "engine", "default": ROOT / "rules"}


def spellings(question: Question) -> st.SearchStrategy[Any]:
    """Readable answers, written the many ways people write them."""
    if question.type == "yes_no":
        return st.sampled_from(["yes", "no", "Y", "n", "TRUE", "false", "1", "0", True, False])
    if question.type in ("int", "money"):
        low = int(question.min) if question.min is not None else 0
        high = int(question.max) if question.max is not None else 10_000_000
        numbers = st.integers(min_value=low, max_value=high)
        if question.type == "money":
            return numbers.flatmap(lambda n: st.sampled_from([n, str(n), f"${n:,}", f" {n:,} "]))
        return numbers.flatmap(lambda n: st.sampled_from([n, str(n), f" {n} "]))
    if question.type == "number":  # decimals such as an IELTS band (6.5)
        low = int(question.min) if question.min is not None else 0
        high = int(question.max) if question.max is not None else 1000
        halves = st.integers(min_value=low * 2, max_value=high * 2).map(lambda n: n / 2)
        return halves.flatmap(lambda x: st.sampled_from([x, f"{x:g}", f" {x:.1f} "]))
    if question.type == "choice":
        return st.sampled_from(question.choice_values).flatmap(
            lambda v: st.sampled_from([v, v.upper(), v.replace("_", " ").title()]))
    return st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1))


def profiles(rulebook: Rulebook) -> st.SearchStrategy[dict[str, Any]]:
    fields = {qid: st.one_of(st.none(), st.just(""), spellings(q)) for qid, q in rulebook.questions.items()}
    return st.fixed_dictionaries({}, optional=fields)


@pytest.mark.parametrize("name", list(RULEBOOKS))
def test_evaluate_never_raises_and_is_consistent(name: str) -> None:
    rulebook = load_rulebook(RULEBOOKS[name])

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(answers=profiles(rulebook), as_of=st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)))
    def check(answers: dict[str, Any], as_of: dt.date) -> None:
        report = rulebook.evaluate(answers, as_of=as_of)
        for pathway in report.pathways.values():
            statuses = {r.status for r in pathway.requirements}
            if pathway.outcome == "eligible":
                assert statuses <= {"met"}
            elif pathway.outcome == "ineligible":
                assert "failed" in statuses
            else:
                assert "failed" not in statuses and "unknown" in statuses
        for score in report.scores.values():
            # A score with every line known is known; one with an unknown line is known only when the
            # unknowns cannot move it (§13.25: a group or the total at its cap whatever the answers).
            if all(line.points is not None for line in score.lines):
                assert score.value is not None
            elif score.value is not None:
                assert score.max is not None or any(g.max is not None for g in score.groups)
            if score.value is not None and score.max is not None:
                assert 0 <= score.value <= score.max
        best = report.best_pathway
        assert best is None or report.pathways[best].outcome == "eligible"
        report.to_json()
        # asking a question never re-asks an answered one
        answered = {k for k, v in answers.items() if v is not None and v != ""}
        assert not answered & {q.id for q in rulebook.open_questions(answers, as_of=as_of)}

    check()
