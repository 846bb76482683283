"""The result of screening one person: plain data, serializable to the JSON report of the contract."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from screener.i18n import _, after_colon, in_sentence

Outcome = Literal["eligible", "ineligible", "incomplete"]
Status = Literal["met", "failed", "unknown"]


def serves(goals: Sequence[str], goal: str | None) -> bool:
    """A pathway listing `goals` serves the person's `goal`: with no goal (or none listed), every one does."""
    return goal is None or not goals or goal in goals


@dataclass
class RequirementResult:
    """One requirement of a pathway for one person: its status and the texts that explain it."""

    id: str
    status: Status
    text: str
    actual: Any
    needed: Any
    reference: str | None
    source: str | None
    advice: str | None
    missing: list[str] = field(default_factory=list)
    reads: list[str] = field(default_factory=list)  # failed or unknown: the questions it reads (screens show them)

    def to_json(self) -> dict[str, Any]:
        data = {
            "id": self.id, "status": self.status, "text": self.text, "actual": _json(self.actual),
            "needed": _json(self.needed), "reference": self.reference, "source": self.source,
        }
        if self.status == "failed" and self.advice:
            data["advice"] = self.advice
        if self.missing:
            data["missing"] = self.missing
        return data


@dataclass
class NextStepResult:
    """A next step's text as shown, with its link."""

    text: str
    url: str | None

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "url": self.url}


@dataclass
class PathwayResult:
    """One pathway's outcome for one person, with its requirements and next steps."""

    id: str
    title: str
    kind: str
    rank: int
    summary: str
    outcome: Outcome
    requirements: list[RequirementResult]
    next_steps: list[NextStepResult]
    notes: list[str]
    scores: list[str]
    reference: str | None = None
    source: str | None = None
    goals: list[str] = field(default_factory=list)  # the `goal` answers it serves (none listed: every goal)
    labels: dict[str, str] = field(default_factory=dict)  # question id -> its label, in the rulebook's order

    def serves(self, goal: str | None) -> bool:
        return serves(self.goals, goal)

    @property
    def failed(self) -> list[RequirementResult]:
        return [r for r in self.requirements if r.status == "failed"]

    @property
    def unknown(self) -> list[RequirementResult]:
        return [r for r in self.requirements if r.status == "unknown"]

    @property
    def reason(self) -> str:
        """One line saying why the pathway has its outcome."""
        if self.outcome == "ineligible":
            return _("Not met: {requirement}").format(requirement=after_colon(self.failed[0].text))
        if self.outcome == "incomplete":
            missing = {name for r in self.unknown for name in r.missing}
            if missing:  # by label, never a field id (a person reads this)
                named = [in_sentence(label) for qid, label in self.labels.items() if qid in missing]
                named += sorted(name.replace("_", " ") for name in missing - self.labels.keys())
                return _("Still to answer: {questions}").format(questions=", ".join(named))
            return _("Not decided: {requirement}").format(requirement=after_colon(self.unknown[0].text))
        return self.summary

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title, "kind": self.kind, "outcome": self.outcome, "reason": self.reason,
            "requirements": [r.to_json() for r in self.requirements],
            "next_steps": self.next_step_texts(),
            "notes": self.notes,
        }

    def next_step_texts(self) -> list[str]:
        return [s.text + (f" ({s.url})" if s.url else "") for s in self.next_steps]


@dataclass
class ScoreLineResult:
    """One line of a score: its points, or None while an answer it needs is unknown."""

    id: str
    text: str
    group: str | None
    points: float | int | None
    missing: list[str] = field(default_factory=list)
    reads: list[str] = field(default_factory=list)  # unknown: the questions it reads (an `unsure` answer among them)


@dataclass
class ScoreGroupResult:
    """A group of score lines: its points (capped at `max`) and what they were before the cap."""

    id: str
    title: str
    parent: str | None
    max: float | None
    points: float | int | None
    uncapped: float | int | None


@dataclass
class RoundBand:
    """The scores of recent invitation rounds of one type: the range of their cut-offs."""

    type: str
    low: int
    high: int
    rounds: int
    latest: dt.date
    key: str = ""  # the round type in the rule files' own language, whatever language `type` is shown in
    category: bool = False  # a category of the rulebook says who may be invited in these rounds
    member: bool | None = None  # with `category`: the person may be invited (None: maybe, the answers cannot say)
    unchecked: str = ""  # what the category also needs that the answers cannot show


@dataclass
class ScoreResult:
    """A score (CRS, the FSW grid) for one person, line by line, with the rounds to compare it with."""

    id: str
    title: str
    value: int | float | None
    max: float | None
    lines: list[ScoreLineResult]
    groups: list[ScoreGroupResult]
    recent_rounds: list[RoundBand]
    reference: str | None = None
    source: str | None = None
    span: tuple[float, float] | None = field(default=None, repr=False)  # lowest and highest value possible
    categories: dict[str, bool | None] = field(default_factory=dict)  # round category id -> the person is in it
    short_title: str | None = None  # the name sentences use ("CRS"), in the report's language

    @property
    def missing(self) -> list[str]:
        return sorted({name for line in self.lines for name in line.missing})

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title, "value": _json(self.value), "max": _json(self.max),
            "lines": [{"id": line.id, "text": line.text, "group": line.group, "points": _json(line.points)}
                      for line in self.lines],
            "groups": [{"id": g.id, "title": g.title, "points": _json(g.points), "max": _json(g.max)}
                       for g in self.groups],
            "recent_rounds": [{"type": b.type, "low": b.low, "high": b.high, "rounds": b.rounds,
                               "latest": b.latest.isoformat(),
                               **({"you_may_be_invited": b.member, "unchecked": b.unchecked or None}
                                  if b.category else {})} for b in self.recent_rounds],
            "missing": self.missing,
            **({"categories": self.categories} if self.categories else {}),
        }


@dataclass
class FlagResult:
    """A flag shown because its condition holds: its severity, title and text."""

    id: str
    severity: str
    title: str
    text: str
    reference: str | None
    source: str | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "severity": self.severity, "title": self.title, "text": self.text,
                "reference": self.reference, "source": self.source}


def preference(ranks: Mapping[str, int]) -> list[str]:
    """Pathway ids, preferred first: lowest rank, then rulebook order.

    The one ranking rule: reports, the outcomes-only path and the columnar compiler all use it.
    """
    return [pid for _, _, pid in sorted((rank, index, pid) for index, (pid, rank) in enumerate(ranks.items()))]


def best_of(outcomes: Mapping[str, Outcome], ranks: Mapping[str, int]) -> str | None:
    """The most preferred eligible pathway; None when none is."""
    return first_eligible(outcomes, preference(ranks))


def first_eligible(outcomes: Mapping[str, Outcome], order: Iterable[str]) -> str | None:
    """The first eligible pathway in `order` (a `preference`, which callers screening many people keep)."""
    return next((pathway_id for pathway_id in order if outcomes.get(pathway_id) == "eligible"), None)


@dataclass(frozen=True)
class Outcomes:
    """What a screening decides, without any explanation: for batch, the interview and `rules diff`."""

    pathways: dict[str, Outcome]
    scores: dict[str, int | float | None]
    flags: list[str]
    leads: list[str]
    warnings: list[str]
    best_pathway: str | None
    missing: list[str] = field(default_factory=list)  # answers that would decide the incomplete pathways
    # flags whose condition is unknown -> the unanswered questions that would decide them (never an all-clear)
    flags_undecided: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class LeadResult:
    """A route worth exploring (no legal test): shown beside the outcomes, never as one."""

    id: str
    title: str
    text: str
    next_steps: list[NextStepResult]
    reference: str | None
    source: str | None
    safety: bool = False  # safety advice: never fitted away on the first screen

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "text": self.text,
                "next_steps": [s.text + (f" ({s.url})" if s.url else "") for s in self.next_steps],
                "reference": self.reference, "source": self.source}


@dataclass
class AnswerWarningResult:
    """A problem with the answers themselves (e.g. two that contradict each other)."""

    id: str
    title: str
    text: str
    reference: str | None
    source: str | None
    safety: bool = False  # safety advice: never fitted away on the first screen

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "text": self.text,
                "reference": self.reference, "source": self.source}


@dataclass
class Report:
    """Everything `evaluate` found for one person on one date; `to_json` is the contract's report."""

    rulebook_id: str
    version: str
    as_of: dt.date
    disclaimer: str
    pathways: dict[str, PathwayResult]
    scores: dict[str, ScoreResult]
    flags: list[FlagResult]
    review_due: list[str]  # time-sensitive rulebook data past its review date
    leads: list[LeadResult] = field(default_factory=list)
    warnings: list[AnswerWarningResult] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # answers that would decide the incomplete pathways
    # flags whose condition is unknown -> the unanswered questions that would decide them (never an all-clear)
    flags_undecided: dict[str, list[str]] = field(default_factory=dict)
    english_titles: dict[str, str] = field(default_factory=dict)  # pathway titles as in the rule files (keys)
    rulebook_title: str = ""  # the rulebook's title in the report's language ("Can I move to Canada?")

    @property
    def best_pathway(self) -> str | None:
        """The eligible pathway with the best (lowest) rank; None when nothing is open yet."""
        return best_of(self.outcomes(), {pathway_id: p.rank for pathway_id, p in self.pathways.items()})

    def preferred(self, pathways: list[PathwayResult], goal: str | None = None,
                  later: Collection[str] = ()) -> list[PathwayResult]:
        """`pathways` in the report's ranking (`preference`, which picks `best_pathway`): the best option
        first, then those serving the person's `goal`, each group by rank with the pathways in `later` (long
        shots) after the others; a best option in `later` is not put first."""
        order = {pid: index for index, pid in enumerate(preference({pid: p.rank for pid, p in self.pathways.items()}))}
        best = self.best_pathway if self.best_pathway not in later else None
        return sorted(pathways, key=lambda p: (p.id != best, not p.serves(goal), p.id in later, order[p.id]))

    def goal_open(self, goal: str | None) -> bool:
        """Some eligible pathway serves the person's `goal` (with no goal: any eligible pathway)."""
        return any(p.outcome == "eligible" and p.serves(goal) for p in self.pathways.values())

    @property
    def best_pathway_title(self) -> str | None:
        best = self.best_pathway
        return None if best is None else self.pathways[best].title

    def outcomes(self) -> dict[str, Outcome]:
        return {pathway_id: result.outcome for pathway_id, result in self.pathways.items()}

    def score_values(self) -> dict[str, int | float | None]:
        return {score_id: result.value for score_id, result in self.scores.items()}

    def to_json(self) -> dict[str, Any]:
        return {
            "rulebook": {"id": self.rulebook_id, "version": self.version, "as_of": self.as_of.isoformat()},
            "pathways": {pathway_id: result.to_json() for pathway_id, result in self.pathways.items()},
            "scores": {score_id: _json(value) for score_id, value in self.score_values().items()},
            "score_details": {score_id: result.to_json() for score_id, result in self.scores.items()},
            "flags": [flag.to_json() for flag in self.flags],
            "flags_undecided": sorted(self.flags_undecided),
            "leads": [lead.to_json() for lead in self.leads],
            "warnings": [warning.to_json() for warning in self.warnings],
            "best_pathway": self.best_pathway,
            "best_pathway_title": self.best_pathway_title,
            "missing": self.missing,
            "review_due": self.review_due,
            "disclaimer": self.disclaimer,
        }

    def compact_json(self) -> dict[str, Any]:
        """The contract's JSON report (intake-fields.md): per pathway its outcome, each requirement with the
        contract's keys (`REQUIREMENT_KEYS`) and the next steps; ids in place of the flag, lead and warning
        titles, which are the same for everyone (`batch --format jsonl` rows, `POST /v1/screen`)."""
        return {
            "rulebook": {"version": self.version, "as_of": self.as_of.isoformat()},
            "pathways": {pathway_id: {"outcome": result.outcome,
                                      "requirements": [{key: found[key] for key in REQUIREMENT_KEYS}
                                                       for found in (r.to_json() for r in result.requirements)],
                                      "next_steps": result.next_step_texts()}
                         for pathway_id, result in self.pathways.items()},
            "scores": {score_id: _json(value) for score_id, value in self.score_values().items()},
            "flags": [flag.id for flag in self.flags],
            "leads": [lead.id for lead in self.leads],
            "warnings": [warning.id for warning in self.warnings],
            "best_pathway": self.best_pathway,
            "missing": self.missing,
        }

    @property
    def safety_leads(self) -> list[LeadResult]:
        """Safe advice for a person at risk (§13.21): shown whole, first, never fitted away."""
        return [lead for lead in self.leads if lead.safety]

    @property
    def other_leads(self) -> list[LeadResult]:
        """The leads that are not for safety: routes worth exploring, shown after the safety leads."""
        return [lead for lead in self.leads if not lead.safety]


REQUIREMENT_KEYS = ("id", "status", "text", "actual", "needed", "reference")  # intake-fields.md, per requirement


def _json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list | tuple):
        return [_json(item) for item in value]
    return value
