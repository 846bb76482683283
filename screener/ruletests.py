"""Running a rulebook's YAML test cases (`<rulebook>/tests/*.yaml`) and saying exactly what differed.

A case gives answers, an as-of date and the outcomes, scores, score lines, flags, leads, warnings and
best pathway it expects; only the keys it lists are checked. The runner returns plain data — per case, each
difference as expected vs got, with the requirements that decided an outcome and the line-by-line
breakdown of a score — so `screener rules test`, pytest and editors can all present it their way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from screener.compiled import today
from screener.errors import ScreenerError
from screener.evaluation import Evaluation, TableHit, display, outcomes_of
from screener.i18n import _, current, language, ngettext
from screener.model import Case, Expectation
from screener.program import number
from screener.report import Outcome, PathwayResult, Report, RequirementResult, ScoreResult
from screener.rulebook import Rulebook, load_cases
from screener.source import Position
from screener.suggest import did_you_mean

TOLERANCE = 1e-6


@dataclass(frozen=True)
class Difference:
    """One expected value that did not come out: where (`key` path under `expect`), expected, got, why."""

    key: tuple[str, ...]  # e.g. ("pathways", "express_entry_fsw") or ("score_lines", "fsw_points", "age")
    expected: Any
    got: Any
    why: tuple[str, ...] = ()  # the requirements that decided it, or the score's breakdown
    updatable: bool = True  # False when `got` is not a value the case could expect (e.g. no such pathway)

    @property
    def label(self) -> str:
        return ".".join(self.key)


@dataclass
class CaseResult:
    file: str
    name: str
    position: Position
    case: Case
    as_of: dt.date
    differences: list[Difference] = field(default_factory=list)
    error: str | None = None  # the case could not run (e.g. an answer is not a question of the rulebook)
    error_details: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.error is None and not self.differences


@dataclass
class CaseRun:
    rulebook: Rulebook
    results: list[CaseResult]

    @property
    def failed(self) -> list[CaseResult]:
        return [result for result in self.results if not result.passed]

    @property
    def passed(self) -> list[CaseResult]:
        return [result for result in self.results if result.passed]

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        """`N passed, M failed (T cases)`: the run's last line."""
        failed, total = len(self.failed), len(self.results)
        return ngettext("{passed} passed, {failed} failed ({total} case)",
                        "{passed} passed, {failed} failed ({total} cases)", total).format(
                            passed=total - failed, failed=failed, total=total)


# ------------------------------------------------------------------------------------- explaining


def fmt(value: Any) -> str:
    """A value as the case file would write it (null for unknown)."""
    if value is None:
        return "null"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(fmt(item) for item in value) + "]"
    return display(value)


def requirement_line(requirement: RequirementResult) -> str:
    """`language: failed — CLB 7 or higher … (actual 5, needed ≥ 7) [IRPR s.75(2)(d)]`."""
    line = f"{requirement.id}: {requirement.status} — {requirement.text}"
    if requirement.actual is not None or requirement.needed is not None:
        line += " " + _("(actual {actual}, needed {needed})").format(actual=fmt(requirement.actual),
                                                                     needed=fmt(requirement.needed))
    if requirement.missing:
        line += " " + _("(needs an answer: {questions})").format(questions=", ".join(requirement.missing))
    if requirement.reference:
        line += f" [{requirement.reference}]"
    return line


def deciding_requirements(result: PathwayResult) -> tuple[str, ...]:
    """The requirements that made the outcome: the failed ones, else the unknown ones, else all met."""
    if result.outcome == "ineligible":
        return tuple(requirement_line(r) for r in result.failed)
    if result.outcome == "incomplete":
        return tuple(requirement_line(r) for r in result.unknown)
    return (_("all {count} requirements in force are met").format(count=len(result.requirements)),)


def score_breakdown(score: ScoreResult) -> tuple[str, ...]:
    """Each line's points (unknown lines name the answers they need), then capped groups."""
    lines = []
    for line in score.lines:
        text = f"{line.id}: {fmt(line.points)}"
        if line.points is None and line.missing:
            text += " " + _("(needs an answer: {questions})").format(questions=", ".join(line.missing))
        lines.append(text)
    for group in score.groups:
        if group.max is not None and group.uncapped is not None and group.uncapped != group.points:
            lines.append(_("group {group}: {points} capped at {max}").format(
                group=group.id, points=fmt(group.uncapped), max=fmt(group.max)))
    return tuple(lines)


def _same_number(expected: float | None, got: Any) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    return abs(float(expected) - float(got)) <= TOLERANCE


# ------------------------------------------------------------------------------------ comparing


class Screened(Protocol):
    """What a case's expectations are checked against. The fast outcomes (`Fast`) and the full report
    (`Full`) both provide it, so one `compare` decides whether a case passes and explains why it fails:
    an expectation checked on one cannot be missed on the other. The `why_*` explanations are the full
    report's; the fast outcomes give none (a failing case is compared again on the full report)."""

    @property
    def as_of(self) -> dt.date: ...

    @property
    def languages(self) -> Sequence[str]: ...  # the rulebook's

    @property
    def pathways(self) -> Mapping[str, Outcome]: ...

    @property
    def scores(self) -> Mapping[str, int | float | None]: ...

    @property
    def flags(self) -> Sequence[str]: ...

    @property
    def leads(self) -> Sequence[str]: ...

    @property
    def warnings(self) -> Sequence[str]: ...

    @property
    def best_pathway(self) -> str | None: ...

    def lines(self, score_id: str) -> Mapping[str, int | float | None]:
        """A score's lines in force: line id -> points (None: unknown)."""

    def categories(self, score_id: str) -> Mapping[str, bool | None]:
        """A score's round categories in force: category id -> whether the person may be invited."""

    def texts(self, lang: str) -> list[str] | None:
        """Every text the report shows in a language (None: the rulebook has no such language)."""

    def why_pathway(self, pathway_id: str) -> tuple[str, ...]: ...

    def why_score(self, score_id: str) -> tuple[str, ...]: ...

    def why_line(self, score_id: str, line_id: str) -> tuple[str, ...]: ...

    def why_best(self) -> tuple[str, ...]: ...


class Full:
    """The full report of a case, seen as `Screened`."""

    def __init__(self, rulebook: Rulebook, answers: Mapping[str, Any], report: Report) -> None:
        self.rulebook, self.answers, self.report, self.as_of = rulebook, answers, report, report.as_of
        self.evaluated_in = current()  # the language `report`'s texts were written in (`texts`)
        self.languages = rulebook.languages
        self.pathways = report.outcomes()
        self.scores = report.score_values()
        self.flags = [flag.id for flag in report.flags]
        self.leads = [lead.id for lead in report.leads]
        self.warnings = [warning.id for warning in report.warnings]
        self.best_pathway = report.best_pathway

    def lines(self, score_id: str) -> dict[str, int | float | None]:
        return {line.id: line.points for line in self.report.scores[score_id].lines}

    def categories(self, score_id: str) -> dict[str, bool | None]:
        score = self.report.scores.get(score_id)
        return score.categories if score is not None else {}

    def texts(self, lang: str) -> list[str] | None:
        if lang not in self.rulebook.languages:
            return None
        with language(lang):  # numbers and program words as that language writes them (`22 895 $`)
            # The case's own report only when it was also evaluated in `lang`: its texts are written as they are
            # evaluated (`rules test --lang fr` on the English rulebook had English texts with `$22 895`).
            report = (self.report if lang == self.rulebook.language == self.evaluated_in
                      else self.rulebook.in_language(lang).evaluate(self.answers, as_of=self.as_of))
            return list(dict.fromkeys(_strings(report.to_json())))

    def why_pathway(self, pathway_id: str) -> tuple[str, ...]:
        return deciding_requirements(self.report.pathways[pathway_id])

    def why_score(self, score_id: str) -> tuple[str, ...]:
        return score_breakdown(self.report.scores[score_id])

    def why_line(self, score_id: str, line_id: str) -> tuple[str, ...]:
        line = next(line for line in self.report.scores[score_id].lines if line.id == line_id)
        return (_("needs an answer: {questions}").format(questions=", ".join(line.missing)),) if line.missing else ()

    def why_best(self) -> tuple[str, ...]:
        eligible = sorted((p for p in self.report.pathways.values() if p.outcome == "eligible"), key=lambda p: p.rank)
        return (tuple(_("eligible: {pathway} (rank {rank})").format(pathway=p.id, rank=p.rank) for p in eligible)
                or (_("no pathway is eligible"),))


class Fast:
    """The fast outcomes of a case (`evaluation.outcomes_of`: no text rendered), seen as `Screened`.

    Score lines and categories are read from the same evaluation; texts, and any explanation, need the
    full report, built once when asked for (`full`).
    """

    def __init__(self, rulebook: Rulebook, answers: Mapping[str, Any], as_of: dt.date) -> None:
        self.rulebook, self.answers, self.as_of, self.languages = rulebook, answers, as_of, rulebook.languages
        self.state = Evaluation(rulebook, rulebook.read_answers(answers), as_of)
        found = outcomes_of(self.state, with_missing=False)
        self.pathways, self.scores, self.best_pathway = found.pathways, found.scores, found.best_pathway
        self.flags, self.leads, self.warnings = found.flags, found.leads, found.warnings
        self._full: Full | None = None

    def full(self) -> Full:
        if self._full is None:
            self._full = Full(self.rulebook, self.answers, self.rulebook.evaluate(self.answers, as_of=self.as_of))
        return self._full

    def lines(self, score_id: str) -> dict[str, int | float | None]:
        state = self.state
        return {rule.model.id: number(state.line_span(rule)[0]) for rule in state.rules.lines.get(score_id, ())}

    def categories(self, score_id: str) -> dict[str, bool | None]:
        return self.state.members(score_id)

    def texts(self, lang: str) -> list[str] | None:
        return self.full().texts(lang)

    def why_pathway(self, pathway_id: str) -> tuple[str, ...]:
        return ()

    def why_score(self, score_id: str) -> tuple[str, ...]:
        return ()

    def why_line(self, score_id: str, line_id: str) -> tuple[str, ...]:
        return ()

    def why_best(self) -> tuple[str, ...]:
        return ()


Known = Mapping[str, Collection[str]]  # "flags"/"leads"/"warnings" -> the rulebook's ids ("did you mean")
CATEGORY_WORDS = {True: "yes", False: "no", None: "maybe"}


def _pathways(expect: Expectation, found: Screened, known: Known) -> Iterator[Difference]:
    for pathway_id, wanted in expect.pathways.items():
        outcome = found.pathways.get(pathway_id)
        if outcome is None:
            listed = _("pathways are: {ids}").format(ids=", ".join(found.pathways))
            yield Difference(("pathways", pathway_id), wanted, _("no such pathway"), (listed,), updatable=False)
        elif outcome != wanted:
            yield Difference(("pathways", pathway_id), wanted, outcome, found.why_pathway(pathway_id))


def _no_such_score(section: str, score_id: str, wanted: Any, found: Screened) -> Difference:
    listed = _("scores are: {ids}").format(ids=", ".join(found.scores))
    return Difference((section, score_id), wanted, _("no such score"), (listed,), updatable=False)


def _scores(expect: Expectation, found: Screened, known: Known) -> Iterator[Difference]:
    for score_id, wanted in expect.scores.items():
        if score_id not in found.scores:
            yield _no_such_score("scores", score_id, wanted, found)
        elif not _same_number(wanted, found.scores[score_id]):
            yield Difference(("scores", score_id), wanted, found.scores[score_id], found.why_score(score_id))


def _score_lines(expect: Expectation, found: Screened, known: Known) -> Iterator[Difference]:
    for score_id, wanted_lines in expect.score_lines.items():
        if score_id not in found.scores:
            yield _no_such_score("score_lines", score_id, wanted_lines, found)
            continue
        points = found.lines(score_id)
        for line_id, wanted in wanted_lines.items():
            key = ("score_lines", score_id, line_id)
            if line_id not in points:
                yield Difference(key, wanted, _("no such line in force"), (_("lines in force on {date}: {ids}").format(
                    date=found.as_of.isoformat(), ids=", ".join(points)),), updatable=False)
            elif not _same_number(wanted, points[line_id]):
                yield Difference(key, wanted, points[line_id], found.why_line(score_id, line_id))


def _categories(expect: Expectation, found: Screened, known: Known) -> Iterator[Difference]:
    for score_id, wanted_categories in expect.categories.items():
        in_force = found.categories(score_id) if score_id in found.scores else {}
        for category_id, wanted in wanted_categories.items():
            key = ("categories", score_id, category_id)
            if category_id not in in_force:
                yield Difference(key, wanted, _("no such category in force"), (
                    _("categories in force on {date}: {ids}").format(
                        date=found.as_of.isoformat(), ids=", ".join(in_force) or "—"),), updatable=False)
            elif CATEGORY_WORDS[in_force[category_id]] != wanted:
                yield Difference(key, wanted, CATEGORY_WORDS[in_force[category_id]])


def _shown(section: Literal["flags", "leads", "warnings"]) -> Check:
    """Flags, leads and warnings are compared as exact sets of ids (order does not matter)."""

    def check(expect: Expectation, found: Screened, known: Known) -> Iterator[Difference]:
        wanted: list[str] | None = getattr(expect, section)
        got: Sequence[str] = getattr(found, section)
        if wanted is None or sorted(wanted) == sorted(got):
            return
        ids = known.get(section)
        missing = sorted(set(wanted) - set(got))
        extra = sorted(set(got) - set(wanted))
        why = [_("not shown: {item}").format(item=item) + (
            " " + _("(no {kind} '{item}' in the rulebook{suggestion})").format(
                kind=section[:-1], item=item, suggestion=did_you_mean(item, ids))
            if ids is not None and item not in ids else "") for item in missing]
        why += [_("also shown: {item}").format(item=item) for item in extra]
        yield Difference((section,), list(wanted), sorted(got), tuple(why))

    return check


def _best_pathway(expect: Expectation, found: Screened, known: Known) -> Iterator[Difference]:
    if "best_pathway" in expect.model_fields_set and expect.best_pathway != found.best_pathway:
        yield Difference(("best_pathway",), expect.best_pathway, found.best_pathway, found.why_best())


def _texts(expect: Expectation, found: Screened, known: Known) -> Iterator[Difference]:
    """`expect: texts: {fr: [...]}`: each text must appear within some text the report shows in that language;
    a no-break space (French `22 895 $`) matches a plain one, so test files need not type it."""
    for lang, wanted_texts in expect.texts.items():
        shown = found.texts(lang)
        if shown is None:
            yield Difference(("texts", lang), wanted_texts, _("no such language"), (
                _("languages of this rulebook: {languages}").format(languages=", ".join(found.languages)),),
                updatable=False)
            continue
        for text in wanted_texts:
            if not any(_spaced(text) in _spaced(candidate) for candidate in shown):
                yield Difference(("texts", lang), text, _("not shown"), _closest(text, shown), updatable=False)


def _spaced(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


Check = Callable[[Expectation, Screened, Known], Iterable[Difference]]
CHECKS: dict[str, Check] = {  # one per key of `Expectation`
    "pathways": _pathways, "scores": _scores, "score_lines": _score_lines, "categories": _categories,
    "flags": _shown("flags"), "leads": _shown("leads"), "warnings": _shown("warnings"),
    "best_pathway": _best_pathway, "texts": _texts,
}


def compare(case: Case, found: Screened, known_ids: Known | None = None) -> list[Difference]:
    """Every difference between what `case` expects and what was `found`; only the keys the case lists.

    `known_ids` ("flags"/"leads"/"warnings" -> the rulebook's ids) lets a misspelled id say "did you mean".
    Every key of `Expectation` has its check: a key added without one fails here, on every case.
    """
    known = known_ids or {}
    return [difference for key in Expectation.model_fields for difference in CHECKS[key](case.expect, found, known)]


def run_case(rulebook: Rulebook, file: str, case: Case, position: Position) -> CaseResult:
    """Screen the case's answers as of its date (today when it has none) and compare.

    A case is decided on the fast outcomes; only one that fails there is compared again on the full
    report, whose differences (the same `compare`) carry the explanations.
    """
    as_of = case.as_of or today()
    result = CaseResult(file=file, name=case.name, position=position, case=case, as_of=as_of)
    try:
        fast = Fast(rulebook, case.answers, as_of)
        if compare(case, fast):
            result.differences = compare(case, fast.full(), {
                "flags": rulebook.flags, "leads": rulebook.leads, "warnings": rulebook.answer_warnings})
    except ScreenerError as error:
        result.error, result.error_details = error.message, list(error.details)
    return result


def _closest(text: str, shown: list[str]) -> tuple[str, ...]:
    """The shown text sharing most words with the one expected: usually the one a wording change touched."""
    words = set(text.lower().split())
    best = max(shown, key=lambda candidate: len(words & set(candidate.lower().split())), default=None)
    if best is None or not words & set(best.lower().split()):
        return ()
    return (_("closest text shown: {text}").format(text=best if len(best) <= 160 else best[:157] + "..."),)


def _strings(data: Any) -> Iterable[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)


def run_cases(
    rulebook: Rulebook, cases: Iterable[tuple[str, Case, Position]] | None = None
) -> CaseRun:
    """Run `cases` (default: every case under the rulebook's tests/ folder) against `rulebook`."""
    selected = load_cases(rulebook.path) if cases is None else cases
    return CaseRun(rulebook, [run_case(rulebook, file, case, position) for file, case, position in selected])


def failure_lines(result: CaseResult) -> list[str]:
    """A failed case as OpenFisca prints it: what differed, expected vs got, then why (indented)."""
    if result.error is not None:
        return [_("could not run: {error}").format(error=result.error),
                *(f"  {detail}" for detail in result.error_details)]
    lines = []
    for difference in result.differences:
        lines.append(_("{label}: expected {expected}, got {got}").format(
            label=difference.label, expected=fmt(difference.expected), got=fmt(difference.got)))
        lines.extend(f"  {why}" for why in difference.why)
    return lines


# ---------------------------------------------------------------------------------------- updating


@dataclass
class FileUpdate:
    """The new text of one case file, and the differences that could not be written into it."""

    file: str
    old: str
    new: str
    changed: int
    skipped: list[tuple[CaseResult, Difference]]

    def diff(self) -> str:
        import difflib

        return "".join(difflib.unified_diff(
            self.old.splitlines(keepends=True), self.new.splitlines(keepends=True),
            fromfile=f"{self.file} (before)", tofile=f"{self.file} (updated)"))


def _yaml_scalar(value: Any, style: str | None) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    if style in ("'", '"'):
        return f"{style}{text}{style}"
    return text


def _child(node: Any, key: str) -> Any:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node
    return None


def _replacement(node: Any, value: Any, text: str) -> tuple[int, int, str]:
    """(start, end, new text) replacing `node` by `value`, keeping quoting and block/flow style."""
    import yaml

    if isinstance(node, yaml.SequenceNode):
        items = list(value)
        if node.flow_style or not node.value or not items:
            return node.start_mark.index, _end(node, text), "[" + ", ".join(map(str, items)) + "]"
        indent = " " * node.start_mark.column
        return node.start_mark.index, _end(node, text), ("\n" + indent).join(f"- {item}" for item in items)
    return node.start_mark.index, node.end_mark.index, _yaml_scalar(value, getattr(node, "style", None))


def _end(node: Any, text: str) -> int:
    """Where a sequence really ends: block sequences' end marks run on past trailing comments."""
    if node.flow_style or not node.value:
        return int(node.end_mark.index)
    return int(node.value[-1].end_mark.index)


def update_file(file: str, text: str, results: Iterable[CaseResult]) -> FileUpdate:
    """Write each failed case's `got` values over its expected values, touching nothing else."""
    import yaml

    root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    tests = _child(root, "tests")
    items = {(item.start_mark.line + 1, item.start_mark.column + 1): item
             for item in (tests.value if isinstance(tests, yaml.SequenceNode) else [])}
    edits: list[tuple[int, int, str]] = []
    skipped: list[tuple[CaseResult, Difference]] = []
    for result in results:
        item = items.get((result.position.line, result.position.column))
        for difference in result.differences:
            node = _child(item, "expect")
            for step in difference.key:
                node = _child(node, step)
            if node is None or not difference.updatable:
                skipped.append((result, difference))
                continue
            edits.append(_replacement(node, difference.got, text))
    new = text
    for start, end, replacement in sorted(edits, reverse=True):
        new = new[:start] + replacement + new[end:]
    return FileUpdate(file=file, old=text, new=new, changed=len(edits), skipped=skipped)


def update_expectations(run: CaseRun) -> list[FileUpdate]:
    """The updated text of every case file with a failed case (nothing is written here)."""
    from pathlib import Path

    by_file: dict[str, list[CaseResult]] = {}
    for result in run.failed:
        if result.error is None:
            by_file.setdefault(result.file, []).append(result)
    return [update_file(file, Path(file).read_text(encoding="utf-8"), results)
            for file, results in by_file.items()]


# ---------------------------------------------------------------------------------------- coverage


@dataclass
class Coverage:
    """What no case exercises: pathways no case checks, requirements no case sees fail, score lines no
    case checks with points, table rows no case reads. Each entry is a readable name."""

    pathways: list[str] = field(default_factory=list)
    requirements: list[str] = field(default_factory=list)
    score_lines: list[str] = field(default_factory=list)
    table_rows: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not (self.pathways or self.requirements or self.score_lines or self.table_rows)


def untested_pathways(rulebook: Rulebook, cases: Iterable[tuple[str, Case, Position]]) -> list[str]:
    """Pathways whose outcome no case checks (a new pathway without tests)."""
    checked = {pid for _, case, _ in cases for pid in case.expect.pathways}
    return [pid for pid in rulebook.pathways if pid not in checked]


def coverage(rulebook: Rulebook, cases: Iterable[tuple[str, Case, Position]]) -> Coverage:
    """Screen every case with tracing and list what none of them exercises.

    A requirement counts as exercised when a case that checks its pathway sees it fail (a case where it
    is met everywhere would pass just the same without it); a score line when a case that checks the
    score gets points from it; a table row when any case's screening reads it.
    """
    from screener.evaluation import evaluate

    selected = list(cases)
    failed: set[tuple[str, str]] = set()
    scored: set[tuple[str, str]] = set()
    rows_read: set[tuple[str, int]] = set()
    for _file, case, _position in selected:
        hits: list[TableHit] = []
        try:
            report = evaluate(rulebook, case.answers, as_of=case.as_of or today(), trace=hits)
        except ScreenerError:
            continue
        rows_read.update((hit.table, hit.row) for hit in hits if hit.row is not None)
        for pid in case.expect.pathways:
            result = report.pathways.get(pid)
            if result is not None:
                failed.update((pid, r.id) for r in result.requirements if r.status == "failed")
        for sid in {*case.expect.scores, *case.expect.score_lines}:
            result_score = report.scores.get(sid)
            if result_score is not None:
                scored.update((sid, line.id) for line in result_score.lines if line.points)
    found = Coverage(pathways=untested_pathways(rulebook, selected))
    for pid, pathway in rulebook.pathways.items():
        found.requirements += [f"{pid}: {r.id}" for r in pathway.requirements if (pid, r.id) not in failed]
    for sid, score in rulebook.scores.items():
        found.score_lines += [f"{sid}: {line.id}" for line in score.lines if (sid, line.id) not in scored]
    for tid, table in rulebook.tables.items():
        found.table_rows += [f"{tid}: row {index + 1}" for index in range(len(table.rows))
                             if (tid, index) not in rows_read]
    return found
