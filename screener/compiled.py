"""The compiled rulebook: typed rules with their parsed expressions, the one dependency graph, date slices.

The loader (`screener.rulebook`) checks the YAML and builds these plain objects once. Every date
question ("is this in force on the as-of date?") is answered here, in `slice_at`, and nowhere else:
both engines (`screener.evaluation` row by row, `screener.columnar` with polars) and the renderers read
the `Slice` a rulebook gives for a date, so they cannot disagree about which law applies.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from screener import expressions as ex
from screener.model import (
    AnswerWarning,
    Derived,
    DerivedVersion,
    Flag,
    Lead,
    NextStep,
    Pathway,
    Requirement,
    RoundCategory,
    Scale,
    Score,
    ScoreLine,
    Table,
    TableRow,
)
from screener.source import Position


@dataclass(frozen=True)
class Compiled:
    """An expression with the text and position it came from."""

    node: ex.Node
    source: str
    position: Position

    @functools.cached_property
    def names(self) -> frozenset[str]:
        """`expressions.names_in` of the tree, walked once (the loader's checks and the graph ask often)."""
        return frozenset(ex.names_in(self.node))


PLACEHOLDER = re.compile(r"\{([^{}]+)\}")  # a text's `{expression}` or `{count | one | other}`


@dataclass(frozen=True)
class Template:
    """Text with `{expression}` placeholders (`PLACEHOLDER`), rendered only for the report that shows it."""

    text: str
    parts: tuple[tuple[str, Compiled | None], ...]
    # beside each part, the (one, other) wordings of a `{count | one | other}` placeholder; empty when none has
    forms: tuple[tuple[str, str] | None, ...] = ()

    def expressions(self) -> Iterator[Compiled]:
        return (part for _, part in self.parts if part is not None)

    def counted(self) -> Iterator[Compiled]:
        """The expressions that choose a wording by their number (`{family_size | … | …}`)."""
        return (part for (_, part), forms in zip(self.parts, self.forms, strict=False) if part and forms)


@dataclass(frozen=True, eq=False)
class QuestionRules:
    """A question's compiled expressions: when it is asked, its implied answer, its scales and prompts."""

    relevant_if: Compiled | None
    implied_when: Compiled | None  # with `implied_value`: the answer the question has, unasked, when this holds
    implied_value: Any = None
    scales: tuple[tuple[Scale, Compiled], ...] = ()  # the question's scales with their compiled `when`
    prompts: tuple[tuple[int, Compiled], ...] = ()  # index in the question's `prompts` -> its compiled `when`


@dataclass(frozen=True, eq=False)
class DerivedRule:
    """A derived value; one without versions has a single undated version."""

    model: Derived
    versions: tuple[tuple[DerivedVersion | None, Compiled], ...]


@dataclass(frozen=True, eq=False)
class LineRule:
    """A score line with its compiled points."""

    model: ScoreLine
    points: Compiled


@dataclass(frozen=True, eq=False)
class CategoryRule:
    """Who may be invited in one type of round; `condition` None: nothing the answers show rules it out."""

    model: RoundCategory
    condition: Compiled | None = None


@dataclass(frozen=True, eq=False)
class ScoreRule:
    """A score with its compiled lines and round categories."""

    model: Score
    lines: tuple[LineRule, ...]
    categories: tuple[CategoryRule, ...] = ()


@dataclass(frozen=True, eq=False)
class RequirementRule:
    """A requirement with its compiled condition and the templates of its texts."""

    model: Requirement
    condition: Compiled
    text: Template
    actual: Compiled | None = None
    advice: Template | None = None
    needed: Template | None = None  # only when `needed` is text


@dataclass(frozen=True, eq=False)
class StepRule:
    """A next step: its text's template, shown when `only_if` holds (always when None)."""

    model: NextStep
    text: Template
    only_if: Compiled | None = None


@dataclass(frozen=True, eq=False)
class PathwayRule:
    """A pathway with its compiled requirements, next steps and notes."""

    model: Pathway
    requirements: tuple[RequirementRule, ...]
    steps: tuple[StepRule, ...]
    notes: tuple[Template, ...]


@dataclass(frozen=True, eq=False)
class ShownRule:
    """A flag, lead or answer warning: shown when its condition is true (unknown: not shown)."""

    model: Flag | Lead | AnswerWarning
    condition: Compiled
    text: Template
    steps: tuple[StepRule, ...] = ()  # a lead's next steps

    @property
    def id(self) -> str:
        return self.model.id


@dataclass
class Rules:
    """Every compiled rule of a rulebook, by kind and id (file order kept)."""

    questions: dict[str, QuestionRules] = field(default_factory=dict)
    derived: dict[str, DerivedRule] = field(default_factory=dict)
    scores: dict[str, ScoreRule] = field(default_factory=dict)
    pathways: dict[str, PathwayRule] = field(default_factory=dict)
    flags: dict[str, ShownRule] = field(default_factory=dict)
    leads: dict[str, ShownRule] = field(default_factory=dict)
    warnings: dict[str, ShownRule] = field(default_factory=dict)  # the `warnings:` section (about answers)

    def conditions(self) -> Iterator[tuple[str, Compiled]]:
        """Every expression outside question metadata, with what it belongs to (`kind:id`)."""
        for did, value in self.derived.items():
            for _, compiled in value.versions:
                yield f"derived:{did}", compiled
        for sid, score in self.scores.items():
            for line in score.lines:
                yield f"score:{sid}", line.points
            for category in score.categories:
                if category.condition is not None:
                    yield f"score:{sid}", category.condition
        for pid, pathway in self.pathways.items():
            for requirement in pathway.requirements:
                yield f"pathway:{pid}", requirement.condition
                if requirement.actual is not None:
                    yield f"pathway:{pid}", requirement.actual
            for step in pathway.steps:
                if step.only_if is not None:
                    yield f"pathway:{pid}", step.only_if
        for kind, shown in (("flag", self.flags), ("lead", self.leads), ("warning", self.warnings)):
            for item_id, item in shown.items():
                yield f"{kind}:{item_id}", item.condition
                for step in item.steps:
                    if step.only_if is not None:
                        yield f"{kind}:{item_id}", step.only_if

    def templates(self) -> Iterator[Template]:
        for pathway in self.pathways.values():
            for requirement in pathway.requirements:
                yield requirement.text
                if requirement.advice is not None:
                    yield requirement.advice
                if requirement.needed is not None:
                    yield requirement.needed
            for step in pathway.steps:
                yield step.text
            yield from pathway.notes
        for item in [*self.flags.values(), *self.leads.values(), *self.warnings.values()]:
            yield item.text
            for step in item.steps:
                yield step.text

    def all_expressions(self) -> Iterator[Compiled]:
        for question in self.questions.values():
            if question.relevant_if is not None:
                yield question.relevant_if
            if question.implied_when is not None:
                yield question.implied_when
            for _, when in (*question.scales, *question.prompts):
                yield when
        for _, compiled in self.conditions():
            yield compiled
        for template in self.templates():
            yield from template.expressions()


# --------------------------------------------------------------------------------- dependencies


@dataclass(frozen=True)
class Graph:
    """Who reads what, computed once at load: direct reads, transitive questions, levels.

    Used by open questions, what-if, `rules diff`/`explain`, the columnar compiler (its stages are
    the levels) and batch (a gate question nothing but implied answers reads).
    """

    reads: Mapping[str, frozenset[str]]  # derived value or score -> names its expressions read (all dates)
    questions: Mapping[str, frozenset[str]]  # any name -> the questions it depends on, transitively
    level: Mapping[str, int]  # derived value or score -> 0 when it reads only questions, else 1 + deepest read
    order: tuple[str, ...]  # derived values and scores, dependencies first
    read_by_rules: frozenset[str]  # names read by a condition, score line or derived value (not by texts)
    on_scores: frozenset[RequirementRule] = frozenset()  # requirements that read a score: decided by bounds

    def questions_of(self, names: Iterable[str]) -> frozenset[str]:
        found: set[str] = set()
        for name in names:
            found |= self.questions.get(name, frozenset())
        return frozenset(found)

    def questions_of_node(self, node: ex.Node) -> frozenset[str]:
        return self.questions_of(ex.names_in(node))

    def uses(self, nodes: Iterable[ex.Node]) -> set[str]:
        """Every name (question, derived value, score, table) the expressions read, transitively."""
        pending = [name for node in nodes for name in ex.names_in(node)]
        seen: set[str] = set()
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            pending.extend(self.reads.get(name, ()))
        return seen


def build_graph(rules: Rules, questions: Iterable[str], order: Iterable[str]) -> Graph:
    reads: dict[str, set[str]] = {}
    for did, value in rules.derived.items():
        reads[did] = {name for _, compiled in value.versions for name in compiled.names}
    for sid, score in rules.scores.items():
        reads[sid] = {name for line in score.lines for name in line.points.names}
    transitive: dict[str, frozenset[str]] = {}
    for qid in questions:
        implied = rules.questions[qid].implied_when if qid in rules.questions else None
        transitive[qid] = frozenset([qid]) | (implied.names if implied is not None else frozenset())
    level: dict[str, int] = {}
    ordered = tuple(order)
    for name in ordered:  # dependencies first
        found: set[str] = set()
        for read in reads.get(name, ()):
            found |= transitive.get(read, frozenset())
        transitive[name] = frozenset(found)
        level[name] = 1 + max((level[r] for r in reads.get(name, ()) if r in level), default=-1)
    read_by_rules = {name for _, compiled in rules.conditions() for name in compiled.names}
    graph = Graph({k: frozenset(v) for k, v in reads.items()}, transitive, level, ordered, frozenset(read_by_rules))
    on_scores = frozenset(requirement for pathway in rules.pathways.values() for requirement in pathway.requirements
                          if graph.uses([requirement.condition.node]) & set(rules.scores))
    return Graph(graph.reads, graph.questions, graph.level, graph.order, graph.read_by_rules, on_scores)


# ---------------------------------------------------------------------------------- date slices


@dataclass(frozen=True)
class Slice:
    """The rules in force on one date: every date question of the rulebook decided once."""

    as_of: dt.date
    derived: Mapping[str, Compiled | None]  # the version in force; None: no version, the value is unknown
    versions: Mapping[str, DerivedVersion | None]  # the dated version in force (None: undated or none)
    lines: Mapping[str, tuple[LineRule, ...]]
    requirements: Mapping[str, tuple[RequirementRule, ...]]
    steps: Mapping[str, tuple[StepRule, ...]]
    flags: tuple[ShownRule, ...]
    leads: tuple[ShownRule, ...]
    warnings: tuple[ShownRule, ...]
    lead_steps: Mapping[str, tuple[StepRule, ...]]
    rows: Mapping[str, tuple[tuple[int, TableRow], ...]]  # each row in force with its index in the table
    later_or_earlier: Mapping[str, tuple[Requirement, ...]]  # requirements of each pathway not in force
    lines_not_in_force: Mapping[str, frozenset[str]]
    categories: Mapping[str, Mapping[str, CategoryRule]] = field(default_factory=dict)  # score -> round type -> it
    summaries: Mapping[str, str] = field(default_factory=dict)  # pathway -> its summary's wording in force
    programs: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)  # `Rulebook.program`'s cache


def today() -> dt.date:
    """The as-of date when none is given: the one "today" of every command and of the library."""
    return dt.date.today()


class HasDates(Protocol):
    effective_from: dt.date | None
    effective_until: dt.date | None


def in_force(item: HasDates | None, on: dt.date) -> bool:
    """Whether a dated item applies on `on` (both ends inclusive). Undated items always apply."""
    return item is None or ((item.effective_from is None or item.effective_from <= on)
                            and (item.effective_until is None or on <= item.effective_until))


@dataclass
class StaleItem:
    """Something to re-check by `review_by`, in force from `effective_from` to `effective_until` (None: open)."""

    what: str
    review_by: dt.date
    effective_from: dt.date | None = None
    effective_until: dt.date | None = None
    kind: str = ""  # table, derived or cutoffs (the rulebook's own review date is `Rulebook.coverage`)
    item: str = ""  # the table, derived value or score id
    version: int = 0  # a derived value's version, from 1


def review_due(items: Iterable[StaleItem], as_of: dt.date) -> list[StaleItem]:
    """Time-sensitive data in force on `as_of` whose review date has passed by then.

    A superseded table or version (no longer in force) is history, not something to review.
    """
    return [item for item in items if item.review_by < as_of and in_force(item, as_of)]


def slice_at(rules: Rules, tables: Mapping[str, Table], as_of: dt.date) -> Slice:
    derived: dict[str, Compiled | None] = {}
    versions: dict[str, DerivedVersion | None] = {}
    for did, value in rules.derived.items():
        found = next(((version, compiled) for version, compiled in value.versions if in_force(version, as_of)), None)
        derived[did] = None if found is None else found[1]
        versions[did] = None if found is None else found[0]
    lines = {sid: tuple(line for line in score.lines if in_force(line.model, as_of))
             for sid, score in rules.scores.items()}
    not_in_force = {sid: frozenset(line.model.id for line in score.lines if not in_force(line.model, as_of))
                    for sid, score in rules.scores.items()}
    requirements = {pid: tuple(r for r in pathway.requirements if in_force(r.model, as_of))
                    for pid, pathway in rules.pathways.items()}
    other = {pid: tuple(r.model for r in pathway.requirements if not in_force(r.model, as_of))
             for pid, pathway in rules.pathways.items()}
    steps = {pid: tuple(s for s in pathway.steps if in_force(s.model, as_of))
             for pid, pathway in rules.pathways.items()}
    flags = tuple(flag for flag in rules.flags.values() if in_force(flag.model, as_of))
    leads = tuple(lead for lead in rules.leads.values() if in_force(lead.model, as_of))
    warnings = tuple(warning for warning in rules.warnings.values() if in_force(warning.model, as_of))
    lead_steps = {lead.id: tuple(s for s in lead.steps if in_force(s.model, as_of)) for lead in rules.leads.values()}
    rows = {tid: tuple((index, row) for index, row in enumerate(table.rows) if in_force(row, as_of))
            for tid, table in tables.items()}
    categories = {sid: {c.model.type: c for c in score.categories if in_force(c.model, as_of)}
                  for sid, score in rules.scores.items()}
    summaries = {pid: summary_at(pathway.model, as_of) for pid, pathway in rules.pathways.items()}
    return Slice(as_of, derived, versions, lines, requirements, steps, flags, leads, warnings, lead_steps, rows, other,
                 not_in_force, categories, summaries)


def summary_at(pathway: Pathway, as_of: dt.date) -> str:
    """The wording of a pathway's summary in force on `as_of`. `rules validate` makes the dated wordings
    cover every date once (the first has no start, the last no end, no overlap or gap); were none in
    force, the nearest earlier one is the best description, else the first."""
    if isinstance(pathway.summary, str):
        return pathway.summary
    versions = sorted(pathway.summary, key=lambda v: v.effective_from or dt.date.min)
    found = [v for v in versions if in_force(v, as_of)]
    earlier = [v for v in versions if v.effective_from is None or v.effective_from <= as_of]
    return (found or earlier[-1:] or versions)[0].text
