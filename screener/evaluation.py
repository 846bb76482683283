"""Evaluating one person's answers against a rulebook, as of a date.

Everything is three-valued: an unanswered question is unknown, and so is anything that needs it.
A pathway is eligible only when every requirement in force is met by known answers, ineligible as
soon as one is known to fail, and incomplete otherwise. Along the way each unknown result remembers
which unanswered questions kept it unknown; `open_questions` turns that into the next thing to ask.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from screener import expressions as ex
from screener.bounds import (
    UNDECIDED_NUMBER,
    Bound,
    decided,
    exact,
)
from screener.compiled import Compiled, LineRule, RequirementRule, ShownRule, Slice, StepRule, Template, today
from screener.i18n import NBSP, _, format_date, format_money, format_number, is_one
from screener.model import Question, Score, TableRow
from screener.program import Fn, Program, number
from screener.report import (
    AnswerWarningResult,
    FlagResult,
    LeadResult,
    NextStepResult,
    Outcome,
    Outcomes,
    PathwayResult,
    Report,
    RequirementResult,
    RoundBand,
    ScoreGroupResult,
    ScoreLineResult,
    ScoreResult,
    Status,
    first_eligible,
)

if TYPE_CHECKING:  # rulebook.py calls this module; at run time the import goes one way only
    from screener.rulebook import Rulebook

_SIGN_AFTER = re.compile(f"[ {NBSP}]\\$")  # the French `{amount} $`: the sign after the placeholder


@dataclass(frozen=True)
class TableHit:
    """One table lookup: which row matched (None: no row, the default was used) and the value read."""

    table: str
    key: Any
    column: str
    row: int | None
    value: Any


class Evaluation(dict[str, Any], ex.Environment):
    """One person's typed answers in one rulebook on one date, with memoized values.

    The evaluation is itself the memo of values: `evaluation[name]` is a name's value (None: unknown),
    computed on first use by the slice's closures (`screener.program`, where a name reads as a plain
    item lookup). The unanswered questions that keep a value unknown (`lookup`'s blockers) are worked
    out only for the values that stay unknown.
    """

    def __init__(self, rulebook: Rulebook, values: Mapping[str, Any], as_of: dt.date) -> None:
        self.rulebook = rulebook
        self.answers = values  # the answers given, typed
        self.as_of = as_of
        self.rules: Slice = rulebook.at(as_of)
        self.program: Program = rulebook.program(as_of)
        super().__init__(self.program.blank)  # questions that stay unknown unless answered
        self.update(values)
        if None in values.values():  # an answer taken back: unknown, or its implied answer
            for name in [name for name, value in values.items() if value is None]:
                del self[name]
                if name in self.program.blank:
                    self[name] = None
        self.memo: dict[str, ex.Result] = {}  # name -> (value, blockers), for the names asked with `lookup`
        self.score_memo: dict[str, ScoreResult] = {}
        self.line_memo: dict[LineRule, tuple[Any, frozenset[str], Bound]] = {}  # reusable across what-if variations
        self.span_memo: dict[Any, Any] = {}  # score id -> its bounds; line rule -> (points, bounds)
        self.bounds_memo: dict[str, Bound] = {}
        self.trace: list[TableHit] | None = None  # set to a list to record every table lookup
        self._untested: Evaluation | None = None

    # -- names and tables

    @property
    def known(self) -> dict[str, Any]:
        """The values computed so far (the answers given to start with), by name."""
        return self

    def __missing__(self, name: str) -> Any:
        value = self[name] = self.program.values[name](self)  # `as_of` too
        return value

    def value_of(self, name: str) -> Any:
        """A name's value (None: unknown), computed once."""
        return self[name]

    def lookup(self, name: str) -> ex.Result:
        if name in self.memo:
            return self.memo[name]
        value = self[name]  # `value_of`
        result: ex.Result = (value, ex.EMPTY) if value is not None else (None, self.blockers(name))
        self.memo[name] = result
        return result

    def blockers(self, name: str) -> frozenset[str]:
        """The unanswered questions that keep an unknown name unknown."""
        if name in self.rulebook.questions:
            when = self.rulebook.rules.questions[name].implied_when
            return frozenset([name]) if when is None else frozenset([name]) | self.why(when)
        if name in self.rulebook.derived:
            compiled = self.rules.derived[name]
            return ex.EMPTY if compiled is None else self.why(compiled)
        if name in self.rulebook.scores:
            return self.score_blockers(name)
        return ex.EMPTY  # pragma: no cover - as_of is always known

    def score_blockers(self, score_id: str) -> frozenset[str]:
        """What an unknown score waits on (its report's `missing`), without building the report."""
        built = self.score_memo.get(score_id)
        if built is not None:
            return frozenset(built.missing)
        found = ex.EMPTY
        memo = self.line_memo
        for rule in self.rules.lines[score_id]:
            line = memo.get(rule)
            if line is None:
                line = memo[rule] = self.line(rule)
            found |= line[1]
        return found

    # -- bounds (§13.25): what an unknown can still be

    def span(self, compiled: Compiled) -> Bound:
        """What an expression can be, whatever the unknown answers are (§13.25)."""
        return self.rulebook.bounds_function(compiled)(self)

    def table_rows(self, name: str) -> tuple[Iterable[tuple[int, TableRow]], Any, Collection[str]]:
        """The rows in force, the default and the columns of a table."""
        return self.program.table_rows[name]

    def bounds(self, name: str) -> Bound:
        """What a name can be (§13.25): its value when known, else its question's range or its rule's bounds."""
        found = self.bounds_memo.get(name)
        if found is None:
            value = self[name]  # `value_of`
            found = self.bounds_memo[name] = (self.program.unknown[name](self) if value is None
                                              else exact(value, self.program.kinds.get(name)))
        return found

    def condition(self, compiled: Compiled, on_scores: bool) -> ex.Result:
        """A condition's value; unknown ones that read a score are decided by bounds when they can be (§13.25)."""
        value = self.rulebook.function(compiled)(self)
        if value is not None:
            return value, ex.EMPTY
        if on_scores:
            pinned = decided(self.span(compiled), "bool")
            if pinned is not None:
                return pinned, ex.EMPTY
        return None, self.why(compiled)

    def why(self, compiled: Compiled) -> frozenset[str]:
        """The unanswered questions that keep an unknown expression unknown."""
        if self.trace is None:
            return self.rulebook.why_function(compiled)(self)
        trace, self.trace = self.trace, None  # its values were read already: their lookups are not recorded twice
        try:
            return self.rulebook.why_function(compiled)(self)
        finally:
            self.trace = trace

    def requirement(self, rule: RequirementRule) -> ex.Result:
        return self.condition(rule.condition, rule in self.rulebook.graph.on_scores)

    def holds(self, rule: RequirementRule, function: Fn, on_scores: bool) -> Any:
        """A requirement's value only (what `requirement` gives, without the blockers)."""
        value = function(self)
        if value is None and on_scores:
            return decided(self.span(rule.condition), "bool")
        return value

    def untested(self) -> Evaluation:
        """These answers with every implied answer of a question the person can change (`what_if`) left
        unknown: "no English test" stands for a test not taken yet, not for a level the person has."""
        if self._untested is None:
            self._untested = Evaluation(self.rulebook, self.answers, self.as_of)
            for question_id in self.undone():
                self._untested[question_id] = None
        return self._untested

    def undone(self) -> frozenset[str]:
        """The questions `untested` leaves unknown: unanswered, changeable, and implied by another answer."""
        return frozenset(question_id for question_id in self.rulebook.implied
                         if self.rulebook.questions[question_id].what_if is not False
                         and self.answers.get(question_id) is None and self.lookup(question_id)[0] is not None)

    def effective_answers(self) -> dict[str, Any]:
        """The answers given plus every implied answer that applies (what the rules actually read)."""
        effective = dict(self.answers)
        for question_id in self.rulebook.implied:
            value, _ = self.lookup(question_id)
            if value is not None:
                effective[question_id] = value
        return effective

    def table(self, name: str, key: Any, column: str) -> Any:
        found = self.program.tables[name](key)
        value = self.program.defaults[name] if found is None else found[2].get(column)
        if self.trace is not None:
            self.trace.append(TableHit(name, key, column, None if found is None else found[0], value))
        return value

    def shown(self, items: Iterable[tuple[ShownRule, Fn]]) -> list[str]:
        """The ids of the flags, leads or warnings (of a slice's program) whose condition is true."""
        return [rule.id for rule, function in items if function(self) is True]

    def run(self, compiled: Compiled) -> ex.Result:
        value = self.rulebook.function(compiled)(self)
        return (value, ex.EMPTY) if value is not None else (None, self.why(compiled))

    def value(self, compiled: Compiled) -> Any:
        return self.rulebook.function(compiled)(self)

    def render(self, text: Template | None) -> str | None:
        if text is None:
            return None
        out = []
        drop_sign = False  # the last placeholder was an unknown amount: its `$` (French: after it) goes too
        for index, (literal, compiled) in enumerate(text.parts):
            if drop_sign:
                literal = _SIGN_AFTER.sub("", literal, count=1)
            out.append(literal)
            drop_sign = False
            if compiled is not None:
                value = self.value(compiled)
                if value is None:
                    following = text.parts[index + 1][0] if index + 1 < len(text.parts) else ""
                    drop_sign = _SIGN_AFTER.match(following) is not None
                    before = "".join(out)
                    if before.endswith("$") or drop_sign:  # `${amount}` / `{amount} $`: never `$` beside words
                        out = [before.removesuffix("$")]
                        shown = _("an amount ({unknown})").format(unknown=self.unknown_in_prose(compiled, money=True))
                    else:
                        shown = self.unknown_in_prose(compiled)
                else:
                    shown = in_prose(value)
                forms = text.forms[index] if text.forms else None
                if forms is not None:  # `{count | one | other}`: the wording for this number, % being the number
                    one = isinstance(value, int | float) and not isinstance(value, bool) and is_one(value)
                    shown = forms[0 if one else 1].replace("%", shown)
                out.append(shown)
        return "".join(out)

    def unknown_in_prose(self, compiled: Compiled, money: bool = False) -> str:
        """An unknown value inside a sentence: what is known of it, never a guess shown as the value.

        One unanswered yes/no question between it and a value (a CRS score waiting on a provincial
        nomination): the value with each answer. Otherwise the answers that would decide it. Never a bare
        "unknown", whose French agrees with a noun the sentence may not have.
        """
        missing = sorted(self.why(compiled), key=lambda q: (self.rulebook.question_rank.get(q, 0), q))
        questions = self.rulebook.questions
        if len(missing) == 1 and missing[0] in questions and questions[missing[0]].type == "yes_no":
            name = missing[0]
            no, yes = (Evaluation(self.rulebook, {**self.answers, name: answer}, self.as_of).value(compiled)
                       for answer in (False, True))
            if no is not None and yes is not None and no != yes:
                def write(value: Any) -> str:
                    amount = money and isinstance(value, int | float) and not isinstance(value, bool)
                    return format_money(value) if amount else in_prose(value)
                return _("{no} if you answer no to {question}, {yes} if yes").format(
                    no=write(no), yes=write(yes), question=quoted(questions[name].short_label))
        if missing:
            return _("not known until you answer {questions}").format(
                questions=", ".join(quoted(questions[q].short_label) if q in questions else q for q in missing))
        return _("not known yet")

    # -- scores

    def line(self, rule: LineRule) -> tuple[Any, frozenset[str], Bound]:
        """A line's points, what they wait on, and their bounds; points the unknowns cannot move are known."""
        points, span = self.line_span(rule)
        return points, (ex.EMPTY if points is not None else self.why(rule.points)), span

    def line_span(self, rule: LineRule, function: Fn | None = None) -> tuple[Any, Bound]:
        """A line's points (None: unknown, unless its bounds pin them) and their bounds, computed once."""
        found = self.span_memo.get(rule)
        if found is None:
            points = (function or self.rulebook.function(rule.points))(self)
            if points is not None:
                found = points, exact(points, "number")
            else:
                span = self.span(rule.points)
                found = decided(span, "number"), span
            self.span_memo[rule] = found
        return found

    def score_value(self, score_id: str) -> int | float | None:
        return self.value_of(score_id)  # type: ignore[no-any-return]

    def decide_score(self, score_id: str) -> int | float | None:
        """A score's value: its total when the unknowns cannot move it (§13.25), else None.

        Lines are read cheapest first (`ScorePlan.order`), an unknown one bounded when read, and only as far
        as needed: as soon as an unknown line is seen to move the total (no cap above it can be reached,
        even with every line not yet read at the most its lowest points can be), the score is undecided and
        the other lines are not read. Which line shows it changes nothing but the time taken.
        """
        if score_id in self.span_memo or score_id in self.score_memo:
            return number(decided(self.score_span(score_id), "number"))  # type: ignore[no-any-return]
        lines = self.program.lines[score_id]
        plan = self.program.plans[score_id]
        lows = list(plan.lowest)  # what each line's lowest points cannot exceed
        moving: list[int] = []
        memo = self.span_memo
        for index in plan.order:
            rule, function = lines[index]
            found = memo.get(rule)
            if found is None:
                points = function(self)
                if points is not None:
                    low = lows[index] = float(points)
                    memo[rule] = points, (low, low)  # `exact`
                    continue
                span = self.span(rule.points)
                found = memo[rule] = decided(span, "number"), span
            low = lows[index] = found[1][0]
            if found[0] is None and low < found[1][1]:
                moving.append(index)
                if plan.moves(lows, index):
                    return None
        if any(plan.moves(lows, index) for index in moving):  # every line read: their lowest points are known
            return None
        return number(decided(self.score_span(score_id), "number"))  # type: ignore[no-any-return]

    def score_span(self, score_id: str) -> Bound:
        """The lowest and highest total the unknown answers leave possible (no report built)."""
        found = self.span_memo.get(score_id)
        if found is None:
            if score_id in self.score_memo:
                found = self.score_memo[score_id].span or UNDECIDED_NUMBER
            else:
                lines = self.program.lines[score_id]
                spans = [self.line_span(rule, function)[1] for rule, function in lines]
                found = total(self.rulebook.scores[score_id], [rule.model.group for rule, _ in lines], spans,
                              report=False)[1]
            self.span_memo[score_id] = found
        return found

    def score(self, score_id: str) -> ScoreResult:
        if score_id in self.score_memo:
            return self.score_memo[score_id]
        score = self.rulebook.scores[score_id]
        lines: list[ScoreLineResult] = []
        spans: list[Bound] = []
        for rule in self.rules.lines[score_id]:
            if rule not in self.line_memo:
                self.line_memo[rule] = self.line(rule)
            points, blockers, span = self.line_memo[rule]
            line = rule.model
            reads = self.rulebook.graph.questions_of_node(rule.points.node) if points is None else ()
            lines.append(ScoreLineResult(line.id, line.text, line.group, number(points), sorted(blockers),
                                         sorted(reads)))
            spans.append(span)
        result = ScoreResult(
            id=score_id, title=score.title, value=None, max=score.max, lines=lines,
            groups=[], recent_rounds=recent_rounds(score, self.as_of, (self.rulebook.english or self.rulebook)
                                                   .scores.get(score_id)),
            reference=score.reference, source=score.source, short_title=score.short_title,
        )
        self.categorize(score_id, result)
        result.groups, result.span = total(score, [line.group for line in lines], spans)
        result.value = number(decided(result.span, "number"))
        self.score_memo[score_id] = result
        return result


    def members(self, score_id: str) -> dict[str, bool | None]:
        """Per round category in force, whether the person may be invited in its rounds (three-valued:
        what the answers cannot show leaves it unknown, never no)."""
        members: dict[str, bool | None] = {}
        for category in self.rules.categories.get(score_id, {}).values():
            value = True if category.condition is None else self.value(category.condition)
            members[category.model.id] = None if value is not False and category.model.unchecked else value
        return members

    def categorize(self, score_id: str, result: ScoreResult) -> None:
        """The categories the person is in (`members`), and so whether in each band of their rounds."""
        members = result.categories = self.members(score_id)
        categories = self.rules.categories.get(score_id, {})
        for band in result.recent_rounds:
            found = categories.get(band.type)
            if found is not None:
                band.category, band.member = True, members[found.model.id]
                band.unchecked = found.model.unchecked or ""


def total(score: Score, groups: list[str | None], spans: list[Bound],
          report: bool = True) -> tuple[list[ScoreGroupResult], Bound]:
    """Group subtotals (each capped at its max) and the capped total, as bounds (§13.25).

    Capping is monotone, so the bounds of a capped sum are the capped sums of the bounds: a group
    already at its cap is known whatever its unknown lines are. `report=False`: the total only.
    """
    sums: dict[str | None, Bound] = {}
    for line_group, (low, high) in zip(groups, spans, strict=True):
        was = sums.get(line_group, (0.0, 0.0))
        sums[line_group] = (was[0] + low, was[1] + high)
    results: dict[str, ScoreGroupResult] = {}
    capped_spans: dict[str, Bound] = {}

    def subtotal(group_id: str) -> Bound:
        if group_id in capped_spans:
            return capped_spans[group_id]
        group = next(g for g in score.groups if g.id == group_id)
        low, high = sums.get(group_id, (0.0, 0.0))
        for child in score.groups:
            if child.parent == group_id:
                child_low, child_high = subtotal(child.id)
                low, high = low + child_low, high + child_high
        raw = (low, high)
        capped = cap(raw, group.max)
        capped_spans[group_id] = capped
        if report:
            results[group_id] = ScoreGroupResult(group.id, group.title, group.parent, group.max,
                                                 number(decided(capped, "number")), number(decided(raw, "number")))
        return capped

    low, high = sums.get(None, (0.0, 0.0))
    for group in score.groups:
        if group.parent is None:
            group_low, group_high = subtotal(group.id)
            low, high = low + group_low, high + group_high
    ordered = [results[g.id] for g in score.groups if g.id in results]
    return ordered, cap((low, high), score.max)


def cap(span: Bound, most: float | None) -> Bound:
    """Points above a maximum do not count (the one capping rule; columnar mirrors it)."""
    return span if most is None else (min(span[0], most), min(span[1], most))


def recent_rounds(score: Score, as_of: dt.date, english: Score | None = None) -> list[RoundBand]:
    """Rounds of the last window, one band per type; `english` (the same score in the rule files' own
    language) gives each band its language-independent `key`, which guidance matches programs with."""
    if score.cutoffs is None:
        return []
    start = as_of - dt.timedelta(days=score.cutoffs.window_days)
    keys = [r.type for r in english.cutoffs.rounds] if english is not None and english.cutoffs is not None else []
    if len(keys) != len(score.cutoffs.rounds):
        keys = [r.type for r in score.cutoffs.rounds]
    bands: dict[str, RoundBand] = {}
    for key, round_ in sorted(zip(keys, score.cutoffs.rounds, strict=True), key=lambda pair: pair[1].date):
        if not (start <= round_.date <= as_of):
            continue
        band = bands.get(key)
        if band is None:
            bands[key] = RoundBand(round_.type, round_.cutoff, round_.cutoff, 1, round_.date, key)
        else:
            band.low, band.high = min(band.low, round_.cutoff), max(band.high, round_.cutoff)
            band.rounds += 1
            band.latest = round_.date
    return sorted(bands.values(), key=lambda b: b.latest, reverse=True)


def quoted(label: str) -> str:
    """A question's label quoted inside a sentence, as the language quotes (“Age” / « Âge »)."""
    return _("“{label}”").format(label=label)


def in_prose(value: Any) -> str:
    """A value inside a sentence: amounts and other numbers from 1,000 grouped (`$9,000`, `9 000 $`)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 1000:
        return format_number(value, decimals=None if float(value).is_integer() else 2)
    return display(value)


def display(value: Any) -> str:
    """A value as a person reads it, in the active language (`yes`/`oui`, `15,263`/`15 263`, `1 June 2026`)."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float):
        return format_number(value, decimals=2)
    if isinstance(value, int) and abs(value) >= 1000:
        return format_number(value)  # 1,200 / 1 200 (no value a person reads is a calendar year)
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, list | tuple):
        return ", ".join(display(v) for v in value)
    return str(value)


# ------------------------------------------------------------------------------- requirements


def requirement_result(state: Evaluation, rule: RequirementRule) -> RequirementResult:
    requirement = rule.model
    value, blockers = state.requirement(rule)
    status = status_of(value)
    actual, needed = explain(state, rule)
    advice = state.render(rule.advice) if status == "failed" else None
    text = state.render(rule.text) or requirement.text
    return RequirementResult(
        id=requirement.id, status=status, text=text, actual=actual, needed=needed,
        reference=requirement.reference, source=requirement.source, advice=advice,
        missing=sorted(blockers) if status == "unknown" else [],
        reads=sorted(state.rulebook.graph.questions_of_node(rule.condition.node)) if status != "met" else [],
    )


def explain(state: Evaluation, rule: RequirementRule) -> tuple[Any, Any]:
    """Actual value vs what is needed: explicit `actual`/`needed`, else the sides of a comparison."""
    node = rule.condition.node
    actual: Any = None
    needed: Any = rule.model.needed
    if isinstance(needed, str):
        needed = state.render(rule.needed) or needed
    if rule.actual is not None:
        actual = state.value(rule.actual)
    elif isinstance(node, ex.Compare):
        actual = ex.evaluate(node.left, state)[0]
        if needed is None:
            if isinstance(node.right, ex.ListOf):
                options = [item.value for item in node.right.items]
                needed = options if node.op == "in" else "not " + ", ".join(map(str, options))
            else:
                right = ex.evaluate(node.right, state)[0]
                symbol = {"==": "", ">=": "≥ ", "<=": "≤ ", ">": "> ", "<": "< ", "!=": "not "}[node.op]
                needed = right if symbol == "" or right is None else f"{symbol}{display(right)}"
    elif isinstance(node, ex.Name):
        actual, needed = ex.evaluate(node, state)[0], needed if needed is not None else True
    elif isinstance(node, ex.Not) and isinstance(node.operand, ex.Name):
        actual, needed = ex.evaluate(node.operand, state)[0], needed if needed is not None else False
    return actual, needed


def status_of(value: Any) -> Status:
    """A requirement condition's value in words: true is met, false failed, unknown unknown."""
    return "unknown" if value is None else ("met" if value else "failed")


def pathway_status(state: Evaluation, pathway_id: str) -> tuple[Outcome, frozenset[str]]:
    """One pathway's outcome without building its report, and the questions its unknowns wait on."""
    statuses: list[Status] = []
    blockers: set[str] = set()
    for rule in state.rules.requirements[pathway_id]:
        value, why = state.requirement(rule)
        statuses.append(status_of(value))
        blockers |= why
    return outcome_of(statuses), frozenset(blockers)


def remedy(state: Evaluation, pathway_id: str) -> frozenset[str]:
    """The questions that still matter to a pathway closed only by what the person can still do: every
    requirement it fails holds or is unknown once a test not taken yet is left unknown (`untested`), so
    its other answers tell what taking the test would open. Empty when something else closes it (or
    nothing else is left to ask)."""
    untested = state.untested()
    waiting: set[str] = set()
    for rule in state.rules.requirements[pathway_id]:
        value, why = state.requirement(rule)
        if value is False:
            value, why = untested.requirement(rule)
            if value is False:
                return frozenset()
        waiting |= why
    return frozenset(waiting - state.undone())


def outcome_of(statuses: Iterable[Status]) -> Outcome:
    seen = set(statuses)
    if "failed" in seen:
        return "ineligible"
    if "unknown" in seen:
        return "incomplete"
    return "eligible"


# ----------------------------------------------------------------------------------------- API


def evaluate(
    rulebook: Rulebook, answers: Mapping[str, Any], as_of: dt.date | None = None,
    trace: list[TableHit] | None = None,
) -> Report:
    """Screen one person. Raw answers are coerced (AnswerError lists any that cannot be read).

    `trace`, when given, receives every table lookup made (for `rules diff` to name the row that changed).
    """
    as_of = as_of or today()
    values = rulebook.read_answers(answers)
    state = Evaluation(rulebook, values, as_of)
    state.trace = trace
    pathways: dict[str, PathwayResult] = {}
    for pathway_id, pathway in rulebook.pathways.items():
        requirements = [requirement_result(state, rule) for rule in state.rules.requirements[pathway_id]]
        outcome = outcome_of(r.status for r in requirements)
        steps = next_steps(state, state.rules.steps[pathway_id]) if outcome == "eligible" else []
        notes = [state.render(note) or note.text for note in rulebook.rules.pathways[pathway_id].notes]
        pathways[pathway_id] = PathwayResult(
            id=pathway_id, title=pathway.title, kind=pathway.kind, rank=pathway.rank,
            summary=state.rules.summaries[pathway_id],
            outcome=outcome, requirements=requirements, next_steps=steps, notes=notes, scores=pathway.scores,
            reference=pathway.reference, source=pathway.source, goals=list(pathway.goals), labels=rulebook.short_labels,
        )
    scores = {score_id: state.score(score_id) for score_id in rulebook.scores}
    rules = state.rules
    flags = [
        FlagResult(flag.id, flag.severity, flag.title, state.render(rule.text) or flag.text, flag.reference,
                   flag.source)
        for rule in rules.flags if state.value(rule.condition) is True and (flag := rulebook.flags[rule.id])
    ]
    rank = rulebook.question_rank
    flags_undecided = {  # unknown is not no: an unsettled flag is never reported as an all-clear
        rule.id: sorted(state.why(rule.condition), key=lambda name: (rank.get(name, len(rank)), name))
        for rule in rules.flags if state.value(rule.condition) is None
    }
    leads = [
        LeadResult(lead.id, lead.title, state.render(rule.text) or lead.text,
                   next_steps(state, rules.lead_steps[rule.id]), lead.reference, lead.source,
                   lead.safety)
        for rule in rules.leads if state.value(rule.condition) is True and (lead := rulebook.leads[rule.id])
    ]
    warnings = [
        AnswerWarningResult(warning.id, warning.title or warning.id.replace("_", " ").capitalize(),
                            state.render(rule.text) or warning.text, warning.reference, warning.source)
        for rule in rules.warnings
        if state.value(rule.condition) is True and (warning := rulebook.answer_warnings[rule.id])
    ]
    undecided = [frozenset(name for r in p.requirements for name in r.missing)
                 for p in pathways.values() if p.outcome == "incomplete"]
    return Report(
        rulebook_id=rulebook.info.id, version=rulebook.version, as_of=as_of,
        disclaimer=rulebook.info.disclaimer, pathways=pathways, scores=scores, flags=flags,
        review_due=rulebook.stale(as_of), leads=leads, warnings=warnings, missing=missing_answers(rulebook, undecided),
        flags_undecided=flags_undecided,
        english_titles={pid: p.title for pid, p in (rulebook.english or rulebook).pathways.items()},
        rulebook_title=rulebook.info.title,
    )


def missing_answers(rulebook: Rulebook, undecided: Iterable[frozenset[str]]) -> list[str]:
    """The answers that would decide the incomplete pathways, most decisive first.

    `undecided` holds, per incomplete pathway, the unanswered questions its unknown requirements wait
    on. A question waited on by more pathways comes first; ties keep interview order. Batch's `missing`
    column (`screener.blockers`) computes the same list column by column.
    """
    counts: dict[str, int] = {}
    for blockers in undecided:
        for name in blockers:
            counts[name] = counts.get(name, 0) + 1
    if not counts:
        return []
    rank = rulebook.question_rank
    return sorted(counts, key=lambda name: (-counts[name], rank[name]))


def next_steps(state: Evaluation, steps: Iterable[StepRule]) -> list[NextStepResult]:
    """The steps (of a slice) whose `only_if` holds (unknown: not shown), texts rendered."""
    return [NextStepResult(state.render(step.text) or step.model.text, step.model.url)
            for step in steps if step.only_if is None or state.value(step.only_if)]


def outcomes(rulebook: Rulebook, answers: Mapping[str, Any], as_of: dt.date | None = None, *,
             with_missing: bool = True) -> Outcomes:
    """Outcomes, score values, flags, leads, warnings and best pathway, with no text rendered (the fast path).

    A pathway's requirements are read until one fails; bounds (§13.25) are worked out only for the
    unknown ones of a pathway none of whose requirements failed, and blockers only for one still incomplete
    (`with_missing=False`: not at all, and `missing` is empty).
    """
    as_of = as_of or today()
    return outcomes_of(Evaluation(rulebook, rulebook.read_answers(answers), as_of), with_missing=with_missing)


def outcomes_of(state: Evaluation, *, with_missing: bool = True) -> Outcomes:
    """`outcomes` of a person's evaluation, which stays usable after (`rules test` reads score lines from it)."""
    rulebook, program = state.rulebook, state.program
    results: dict[str, Outcome] = {}
    undecided: list[frozenset[str]] = []
    for pathway_id, requirements in program.requirements.items():
        unknown = []
        outcome: Outcome = "eligible"
        for rule, function, on_scores in requirements:
            value = function(state)
            if value is None:
                unknown.append((rule, on_scores))
            elif not value:
                outcome = "ineligible"
                break
        waiting = []
        for rule, on_scores in unknown if outcome == "eligible" else ():
            value = decided(state.span(rule.condition), "bool") if on_scores else None
            if value is False:
                outcome = "ineligible"
                break
            if value is None:
                waiting.append(rule)
        if outcome == "eligible" and waiting:
            outcome = "incomplete"
            if with_missing:
                undecided.append(frozenset().union(*(state.why(rule.condition) for rule in waiting)))
        results[pathway_id] = outcome
    return Outcomes(
        pathways=results,
        scores={score_id: state[score_id] for score_id in rulebook.scores},  # `value_of`
        flags=state.shown(program.flags),
        leads=state.shown(program.leads),
        warnings=state.shown(program.warnings),
        best_pathway=first_eligible(results, program.preference),
        missing=missing_answers(rulebook, undecided),
    )


def open_questions(
    rulebook: Rulebook, answers: Mapping[str, Any], as_of: dt.date | None = None, skip: Iterable[str] = ()
) -> list[Question]:
    """Relevant unanswered questions that could still change an undecided outcome, score or flag.

    A score counts only while some pathway that shows it is still open (not ineligible). Questions
    come in interview order (topics, then file order); `skip` holds questions the person declined.
    """
    as_of = as_of or today()
    values = rulebook.read_answers(answers)
    state = Evaluation(rulebook, values, as_of)
    needed: set[str] = set()
    pathway_open: dict[str, bool] = {}
    for pathway_id in rulebook.pathways:
        outcome, blockers = pathway_status(state, pathway_id)
        pathway_open[pathway_id] = outcome != "ineligible"
        if outcome == "incomplete":
            needed |= blockers
        elif outcome == "ineligible":
            needed |= remedy(state, pathway_id)  # closed only by a test not taken yet: what would it open?
    for score_id in rulebook.scores:
        shown_by = [p for p, pathway in rulebook.pathways.items() if score_id in pathway.scores]
        if any(pathway_open[p] for p in shown_by) or not shown_by:
            score = state.score(score_id)
            if score.value is None:
                needed |= set(score.missing)
    if any(pathway_open.values()):
        for flag in state.rules.flags:
            value, why = state.run(flag.condition)
            if value is None:
                needed |= why
    skipped = set(skip)
    askable = _relevant(state, needed, skipped)
    return [q for q in rulebook.question_order() if q.id in askable and q.id not in values]


def _relevant(state: Evaluation, wanted: set[str], skipped: set[str]) -> set[str]:
    """Replace questions whose relevance is still unknown by the questions that decide it; when nothing
    left to ask can decide it (the person skipped those or was unsure), the question itself is asked:
    unknown is not no (§13.16), so it may matter."""
    result: set[str] = set()
    seen: set[str] = set()
    pending = list(wanted)
    while pending:
        question_id = pending.pop()
        if question_id in seen or question_id in skipped:
            continue
        seen.add(question_id)
        condition = state.rulebook.rules.questions[question_id].relevant_if
        if condition is None:
            result.add(question_id)
            continue
        relevant, why = state.run(condition)
        if relevant is True:
            result.add(question_id)
        elif relevant is None:
            if why - skipped:
                pending.extend(why)
            else:
                result.add(question_id)
    return result
