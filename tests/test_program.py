"""The closures (`screener.program`) say what the tree walker (`expressions.evaluate`) says, and the fast
path (`evaluation.outcomes`, no text rendered) says what the full report says.

Random partially-unknown profiles (readable answers, about a third blank) on the shipped rules and on the
construct fixture, on dates around the law changes of 2025-03-25 and 2025-07-06/07 and today.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_columnar_property import cell, rulebook_named

from screener import expressions as ex
from screener.compiled import Compiled, today
from screener.evaluation import Evaluation, outcomes
from screener.rulebook import Rulebook

DATES = [dt.date(2018, 6, 1), dt.date(2025, 3, 24), dt.date(2025, 3, 25), dt.date(2025, 7, 6), dt.date(2025, 7, 7),
         dt.date(2026, 11, 25), today()]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class Walker(ex.Environment):
    """The reference: every derived value walked as a tree, answers and implied answers read directly."""

    def __init__(self, state: Evaluation) -> None:
        self.state = state
        self.memo: dict[str, ex.Result] = {}

    def lookup(self, name: str) -> ex.Result:
        if name not in self.memo:
            self.memo[name] = self.compute(name)
        return self.memo[name]

    def compute(self, name: str) -> ex.Result:
        rulebook = self.state.rulebook
        if name in rulebook.derived:
            compiled = self.state.rules.derived[name]
            return (None, ex.EMPTY) if compiled is None else ex.evaluate(compiled.node, self)
        if name in rulebook.questions:
            if self.state.answers.get(name) is not None:
                return self.state.answers[name], ex.EMPTY
            when = rulebook.rules.questions[name].implied_when
            if when is None:
                return None, frozenset([name])
            holds, why = ex.evaluate(when.node, self)
            return (rulebook.implied[name], ex.EMPTY) if holds is True else (None, frozenset([name]) | why)
        return self.state.lookup(name)  # a score (bounds decide it) or as_of

    def table(self, name: str, key: Any, column: str) -> Any:
        return self.state.table(name, key, column)


def people(rulebook: Rulebook) -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries({qid: cell(q, with_bad=False) for qid, q in rulebook.questions.items()})


def expressions(rulebook: Rulebook) -> list[Compiled]:
    found = list(rulebook.rules.all_expressions())
    found += [c for value in rulebook.rules.derived.values() for _, c in value.versions]
    return found


@pytest.mark.parametrize("name", ["fixture", "rules"])
@SETTINGS
@given(data=st.data())
def test_every_expression_has_the_tree_walkers_value_and_blockers(name: str, data: st.DataObject) -> None:
    rulebook = rulebook_named(name)
    answers = rulebook.read_answers(data.draw(people(rulebook)))
    state = Evaluation(rulebook, answers, data.draw(st.sampled_from(DATES)))
    walker = Walker(state)
    for compiled in expressions(rulebook):
        value, blockers = ex.evaluate(compiled.node, walker)
        assert rulebook.function(compiled)(state) == value, compiled.source
        assert type(rulebook.function(compiled)(state)) is type(value), compiled.source
        assert state.run(compiled) == (value, blockers), compiled.source


@pytest.mark.parametrize("name", ["fixture", "rules"])
@SETTINGS
@given(data=st.data())
def test_outcomes_without_texts_are_the_full_reports(name: str, data: st.DataObject) -> None:
    rulebook = rulebook_named(name)
    answers = data.draw(people(rulebook))
    as_of = data.draw(st.sampled_from(DATES))
    report = rulebook.evaluate(answers, as_of=as_of)
    fast = outcomes(rulebook, answers, as_of)
    assert fast.pathways == report.outcomes()
    assert fast.scores == report.score_values()
    assert fast.flags == [flag.id for flag in report.flags]
    assert fast.leads == [lead.id for lead in report.leads]
    assert fast.warnings == [warning.id for warning in report.warnings]
    assert fast.best_pathway == report.best_pathway
    assert fast.missing == report.missing


def test_outcomes_say_what_an_unknown_score_waits_on_without_building_its_report(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path: the missing answers of a pathway that waits on a score come from the score's lines
    (`Evaluation.score_blockers`), never from a `ScoreResult` (recent rounds, categories, line texts)."""
    rulebook = rulebook_named("rules")
    as_of = dt.date(2026, 11, 25)
    report = rulebook.evaluate({}, as_of=as_of)
    assert set(report.scores["fsw_points"].missing) <= set(report.missing)  # the score's blockers are asked for

    def refused(self: Evaluation, score_id: str) -> Any:
        raise AssertionError(f"outcomes built the report of {score_id}")

    monkeypatch.setattr(Evaluation, "score", refused)
    assert outcomes(rulebook, {}, as_of).missing == report.missing


def test_a_table_row_is_the_first_in_force_that_matches() -> None:
    """The indexed lookup keeps the order of the rows: an earlier range row wins over a later exact one."""
    from screener.model import TableRow
    from screener.program import matcher

    def table(*rows: dict[str, Any]) -> tuple[list[TableRow], Any]:
        built = [TableRow.model_validate(row) for row in rows]
        find = matcher(tuple(enumerate(built)))
        return built, lambda key: None if (found := find(key)) is None else found[:2]

    text, match = table({"at": "French", "points": 1}, {"in": ["french", "English"], "points": 2})
    assert match("FRENCH") == (0, text[0])  # text without regard to case, the first row wins
    assert match("english") == (1, text[1])
    assert match("german") is None
    numbers, match = table({"at": 2, "points": 0}, {"from": 1, "to": 5, "points": 3}, {"at": 3, "points": 4},
                           {"at": 9, "points": 5}, {"in": [9, 10], "points": 6})
    assert match(2.0) == (0, numbers[0])
    assert match(3) == (1, numbers[1])  # the range comes first
    assert match(9) == (3, numbers[3]) and match(10) == (4, numbers[4])
    assert match(7) is None


@pytest.mark.parametrize("name", ["fixture", "rules"])
@SETTINGS
@given(data=st.data())
def test_a_score_decided_line_by_line_is_the_total_of_every_lines_bounds(name: str, data: st.DataObject) -> None:
    """`decide_score` stops bounding lines once one surely moves the total: it must still say what the whole
    total says, and no line's lowest points may exceed what `reach` allows it (that is what lets it stop)."""
    from screener.bounds import decided
    from screener.program import number

    rulebook = rulebook_named(name)
    answers = rulebook.read_answers(data.draw(people(rulebook)))
    as_of = data.draw(st.sampled_from(DATES))
    for score_id in rulebook.scores:
        lazy, whole = Evaluation(rulebook, answers, as_of), Evaluation(rulebook, answers, as_of)
        assert lazy.decide_score(score_id) == number(decided(whole.score_span(score_id), "number"))
        plan = whole.program.plans[score_id]
        for (rule, _), most in zip(whole.program.lines[score_id], plan.lowest, strict=True):
            assert whole.line_span(rule)[1][0] <= most, rule.model.id


@pytest.mark.parametrize("score_id", ["crs_score", "fsw_points"])
def test_an_undecided_score_is_seen_so_without_reading_every_line(score_id: str) -> None:
    """The fast path of `decide_score`: lines are read cheapest first (`ScorePlan.order`), and with nothing
    answered an unknown line that moves the total comes before the dearest ones (the language lines, first
    in the file), which are never read; reading every line says the same."""
    from screener.bounds import decided

    rulebook = rulebook_named("rules")
    state = Evaluation(rulebook, {}, dt.date(2026, 11, 25))
    assert state[score_id] is None
    lines, plan = state.program.lines[score_id], state.program.plans[score_id]
    read = {index for index, (rule, _) in enumerate(lines) if rule in state.span_memo}
    assert read == set(plan.order[:len(read)])  # a prefix of the order, cheapest first
    assert 0 < len(read) < len(lines) and plan.order[-1] not in read
    assert plan.order != tuple(range(len(lines)))  # not file order
    assert decided(Evaluation(rulebook, {}, dt.date(2026, 11, 25)).score_span(score_id), "number") is None


def test_a_line_moves_the_total_unless_a_cap_above_it_is_reached() -> None:
    from screener.program import ScorePlan

    # lines 0 and 1 in group 0 (max 10, inside group 1 with no max); line 2 in no group; the score's max 100
    plan = ScorePlan(groups=(0, 0, -1), caps=(10.0, None), parents=(1, -1), most=100.0, lowest=(0.0, 0.0, 0.0))
    assert plan.moves([4.0, 0.0, 0.0], 1)  # the group stays below its cap: line 1's spread reaches the total
    assert not plan.moves([10.0, 0.0, 0.0], 1)  # the group is at its cap whatever line 1 is
    assert plan.moves([10.0, 0.0, 0.0], 2)  # line 2 is in no group
    assert not plan.moves([10.0, 0.0, 95.0], 2)  # but the score's max is reached
    assert not plan.moves([9.0, 0.0, 95.0], 2)  # 9 + 95 >= 100 as well
    assert plan.moves([9.0, 0.0, 80.0], 2)
