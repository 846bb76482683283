"""Evaluating one person's answers against a rulebook, as of a date.

Everything is three-valued: an unanswered question is unknown, and so is anything that needs it.
A pathway is eligible only when every requirement in force is met by known answers, ineligible as
soon as one is known to fail, and incomplete otherwise. Along the way each unknown result remembers
which unanswered questions kept it unknown; `open_questions` turns that into the next thing to ask.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from screener import expressions as ex
from screener.answers import read_answers
from screener.bounds import (
    UNDECIDED_NUMBER,
    Bound,
    BoundsEnvironment,
    bounds,
    decided,
    domain,
    exact,
    node_kind,
    undecided,
)
from screener.compiled import Compiled, LineRule, RequirementRule, ShownRule, Slice, StepRule, Template, today
from screener.i18n import _, format_number
from screener.model import Question, Score, TableRow
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
    best_of,
)
from screener.rulebook import Rulebook


@dataclass(frozen=True)
class TableHit:
    """One table lookup: which row matched (None: no row, the default was used) and the value read."""

    table: str
    key: Any
    column: str
    row: int | None
    value: Any


class Evaluation(BoundsEnvironment):
    """One person's typed answers in one rulebook on one date, with memoized derived values."""

    def __init__(self, rulebook: Rulebook, values: Mapping[str, Any], as_of: dt.date) -> None:
        self.rulebook = rulebook
        self.values = values
        self.as_of = as_of
        self.rules: Slice = rulebook.at(as_of)
        self.memo: dict[str, ex.Result] = {}
        self.score_memo: dict[str, ScoreResult] = {}
        self.line_memo: dict[LineRule, tuple[Any, frozenset[str], Bound]] = {}  # reusable across what-if variations
        self.bounds_memo: dict[str, Bound] = {}
        self.trace: list[TableHit] | None = None  # set to a list to record every table lookup

    # -- names and tables

    def lookup(self, name: str) -> ex.Result:
        if name in self.memo:
            return self.memo[name]
        rulebook = self.rulebook
        if name in rulebook.questions:
            result: ex.Result = self.answer(name)
        elif name in rulebook.derived:
            result = self.derived(name)
        elif name in rulebook.scores:
            score = self.score(name)
            result = (score.value, ex.EMPTY if score.value is not None else frozenset(score.missing))
        elif name == "as_of":
            result = (self.as_of, ex.EMPTY)
        else:  # pragma: no cover - the loader rejects unknown names
            raise KeyError(name)
        self.memo[name] = result
        return result

    # -- bounds (§13.25): what an unknown can still be

    def kind(self, node: ex.Node) -> str | None:
        return node_kind(node, self.rulebook.types)

    def table_rows(self, name: str) -> tuple[Iterable[tuple[int, TableRow]], Any, list[str]]:
        table = self.rulebook.tables[name]
        return self.rules.rows[name], table.default, table.columns or ["points"]

    def bounds(self, name: str) -> Bound:
        if name in self.bounds_memo:
            return self.bounds_memo[name]
        kind = self.rulebook.types[name].kind if name in self.rulebook.types else None
        value, _ = self.lookup(name)
        if value is not None:
            found = exact(value, kind)
        elif name in self.rulebook.questions:
            found = domain(self.rulebook.questions[name], self.rulebook.implied.get(name))
        elif name in self.rulebook.derived:
            compiled = self.rules.derived[name]
            found = undecided(kind) if compiled is None else bounds(compiled.node, self)
        else:  # a score
            found = self.score(name).span or UNDECIDED_NUMBER
        self.bounds_memo[name] = found
        return found

    def condition(self, compiled: Compiled, on_scores: bool) -> ex.Result:
        """A condition's value; unknown ones that read a score are decided by bounds when they can be (§13.25)."""
        value, why = ex.evaluate(compiled.node, self)
        if value is None and on_scores:
            pinned = decided(bounds(compiled.node, self), "bool")
            if pinned is not None:
                return pinned, ex.EMPTY
        return value, why

    def requirement(self, rule: RequirementRule) -> ex.Result:
        return self.condition(rule.condition, rule in self.rulebook.graph.on_scores)

    def answer(self, question_id: str) -> ex.Result:
        """The answer given, else the question's implied answer when its condition holds, else unknown."""
        value = self.values.get(question_id)
        if value is not None:
            return value, ex.EMPTY
        when = self.rulebook.rules.questions[question_id].implied_when
        if when is None:
            return None, frozenset([question_id])
        holds, why = ex.evaluate(when.node, self)
        if holds is True:
            return self.rulebook.implied[question_id], ex.EMPTY
        return None, frozenset([question_id]) | why

    def effective_answers(self) -> dict[str, Any]:
        """The answers given plus every implied answer that applies (what the rules actually read)."""
        effective = dict(self.values)
        for question_id in self.rulebook.implied:
            value, _ = self.lookup(question_id)
            if value is not None:
                effective[question_id] = value
        return effective

    def derived(self, name: str) -> ex.Result:
        compiled = self.rules.derived[name]
        return (None, ex.EMPTY) if compiled is None else ex.evaluate(compiled.node, self)

    def table(self, name: str, key: Any, column: str) -> Any:
        found = matching_row(self.rules.rows[name], key)
        value = self.rulebook.tables[name].default if found is None else found[1].cells.get(column)
        if self.trace is not None:
            self.trace.append(TableHit(name, key, column, None if found is None else found[0], value))
        return value

    def shown(self, items: Iterable[ShownRule]) -> list[str]:
        """The ids of the flags, leads or warnings (of a slice) whose condition is true."""
        return [item.id for item in items if ex.evaluate(item.condition.node, self)[0] is True]

    def run(self, compiled: Compiled) -> ex.Result:
        return ex.evaluate(compiled.node, self)

    def value(self, compiled: Compiled) -> Any:
        return ex.evaluate(compiled.node, self)[0]

    def render(self, text: Template | None) -> str | None:
        if text is None:
            return None
        out = []
        for literal, compiled in text.parts:
            out.append(literal)
            if compiled is not None:
                value = ex.evaluate(compiled.node, self)[0]
                out.append(_("unknown") if value is None else in_prose(value))
        return "".join(out)

    # -- scores

    def line(self, rule: LineRule) -> tuple[Any, frozenset[str], Bound]:
        """A line's points, what they wait on, and their bounds; points the unknowns cannot move are known."""
        points, blockers = self.run(rule.points)
        if points is not None:
            return points, blockers, exact(points, "number")
        span = bounds(rule.points.node, self)
        pinned = decided(span, "number")
        return (pinned, ex.EMPTY, span) if pinned is not None else (None, blockers, span)

    def score_value(self, score_id: str) -> int | float | None:
        return self.score(score_id).value

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
            lines.append(ScoreLineResult(line.id, line.text, line.group, _number(points), sorted(blockers)))
            spans.append(span)
        result = ScoreResult(
            id=score_id, title=score.title, value=None, max=score.max, lines=lines,
            groups=[], recent_rounds=recent_rounds(score, self.as_of, (self.rulebook.english or self.rulebook)
                                                   .scores.get(score_id)),
            reference=score.reference, source=score.source,
        )
        result.groups, result.span = total(score, lines, spans)
        result.value = _number(decided(result.span, "number"))
        self.score_memo[score_id] = result
        return result


def total(score: Score, lines: list[ScoreLineResult], spans: list[Bound]) -> tuple[list[ScoreGroupResult], Bound]:
    """Group subtotals (each capped at its max) and the capped total, as bounds (§13.25).

    Capping is monotone, so the bounds of a capped sum are the capped sums of the bounds: a group
    already at its cap is known whatever its unknown lines are.
    """
    sums: dict[str | None, Bound] = {}
    for line, (low, high) in zip(lines, spans, strict=True):
        was = sums.get(line.group, (0.0, 0.0))
        sums[line.group] = (was[0] + low, was[1] + high)
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
        results[group_id] = ScoreGroupResult(group.id, group.title, group.parent, group.max,
                                             _number(decided(capped, "number")), _number(decided(raw, "number")))
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


def matching_row(rows: Iterable[tuple[int, TableRow]], key: Any) -> tuple[int, TableRow] | None:
    """The first row in force (of a slice) that matches the key, with its index in the table."""
    for found in rows:
        if row_matches(found[1], key):
            return found
    return None


def row_matches(row: TableRow, key: Any) -> bool:
    if row.at is not None:
        return ex.same_value(row.at, key)
    if row.in_ is not None:
        return any(ex.same_value(option, key) for option in row.in_)
    if row.from_ is not None and key < row.from_:
        return False
    return not (row.to is not None and key > row.to)


def _number(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def in_prose(value: Any) -> str:
    """A value inside a sentence: amounts and other numbers from 1,000 grouped (`$9,000`, `9 000 $`)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 1000:
        return format_number(value, decimals=None if float(value).is_integer() else 2)
    return display(value)


def display(value: Any) -> str:
    """A value as a person reads it, in the active language (`yes`/`oui`, `15,263`/`15 263`)."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float):
        return format_number(value, decimals=2)
    if isinstance(value, int) and abs(value) >= 10_000:
        return format_number(value)  # amounts of money read better as 15,263
    if isinstance(value, dt.date):
        return value.isoformat()
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
        reads=sorted(state.rulebook.graph.questions_of_node(rule.condition.node)) if status == "failed" else [],
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
    values = read_answers(rulebook.questions, answers)
    state = Evaluation(rulebook, values, as_of)
    state.trace = trace
    pathways: dict[str, PathwayResult] = {}
    for pathway_id, pathway in rulebook.pathways.items():
        requirements = [requirement_result(state, rule) for rule in state.rules.requirements[pathway_id]]
        outcome = outcome_of(r.status for r in requirements)
        steps = next_steps(state, state.rules.steps[pathway_id]) if outcome == "eligible" else []
        notes = [state.render(note) or note.text for note in rulebook.rules.pathways[pathway_id].notes]
        pathways[pathway_id] = PathwayResult(
            id=pathway_id, title=pathway.title, kind=pathway.kind, rank=pathway.rank, summary=pathway.summary,
            outcome=outcome, requirements=requirements, next_steps=steps, notes=notes, scores=pathway.scores,
            reference=pathway.reference, source=pathway.source,
        )
    scores = {score_id: state.score(score_id) for score_id in rulebook.scores}
    rules = state.rules
    flags = [
        FlagResult(flag.id, flag.severity, flag.title, state.render(rule.text) or flag.text, flag.reference,
                   flag.source)
        for rule in rules.flags if state.value(rule.condition) is True and (flag := rulebook.flags[rule.id])
    ]
    leads = [
        LeadResult(lead.id, lead.title, state.render(rule.text) or lead.text,
                   next_steps(state, rules.lead_steps[rule.id]), lead.reference, lead.source)
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
        english_titles={pid: p.title for pid, p in (rulebook.english or rulebook).pathways.items()},
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
    rank = {question.id: index for index, question in enumerate(rulebook.question_order())}
    return sorted(counts, key=lambda name: (-counts[name], rank[name]))


def next_steps(state: Evaluation, steps: Iterable[StepRule]) -> list[NextStepResult]:
    """The steps (of a slice) whose `only_if` holds (unknown: not shown), texts rendered."""
    return [NextStepResult(state.render(step.text) or step.model.text, step.model.url)
            for step in steps if step.only_if is None or state.value(step.only_if)]


def outcomes(rulebook: Rulebook, answers: Mapping[str, Any], as_of: dt.date | None = None) -> Outcomes:
    """Outcomes, score values, flags, leads, warnings and best pathway, with no text rendered (the fast path)."""
    as_of = as_of or today()
    state = Evaluation(rulebook, read_answers(rulebook.questions, answers), as_of)
    statuses = {pathway_id: pathway_status(state, pathway_id) for pathway_id in rulebook.pathways}
    decided = {pathway_id: outcome for pathway_id, (outcome, _) in statuses.items()}
    return Outcomes(
        pathways=decided,
        scores={score_id: state.score_value(score_id) for score_id in rulebook.scores},
        flags=state.shown(state.rules.flags),
        leads=state.shown(state.rules.leads),
        warnings=state.shown(state.rules.warnings),
        best_pathway=best_of(decided, rulebook.ranks),
        missing=missing_answers(rulebook, [why for outcome, why in statuses.values() if outcome == "incomplete"]),
    )


def open_questions(
    rulebook: Rulebook, answers: Mapping[str, Any], as_of: dt.date | None = None, skip: Iterable[str] = ()
) -> list[Question]:
    """Relevant unanswered questions that could still change an undecided outcome, score or flag.

    A score counts only while some pathway that shows it is still open (not ineligible). Questions
    come in interview order (topics, then file order); `skip` holds questions the person declined.
    """
    as_of = as_of or today()
    values = read_answers(rulebook.questions, answers)
    state = Evaluation(rulebook, values, as_of)
    needed: set[str] = set()
    pathway_open: dict[str, bool] = {}
    for pathway_id in rulebook.pathways:
        outcome, blockers = pathway_status(state, pathway_id)
        pathway_open[pathway_id] = outcome != "ineligible"
        if outcome == "incomplete":
            needed |= blockers
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
    """Replace questions whose relevance is still unknown by the questions that decide it."""
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
            pending.extend(why)
    return result
