"""Running a rulebook's YAML test cases (`<rulebook>/tests/*.yaml`) and saying exactly what differed.

A case gives answers, an as-of date and the outcomes, scores, score lines, flags, leads, warnings and
best pathway it expects; only the keys it lists are checked. The runner returns plain data — per case, each
difference as expected vs got, with the requirements that decided an outcome and the line-by-line
breakdown of a score — so `screener rules test`, pytest and editors can all present it their way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from screener.compiled import today
from screener.errors import ScreenerError
from screener.evaluation import Evaluation, TableHit, display, outcomes
from screener.i18n import _
from screener.model import Case, Expectation
from screener.program import number
from screener.report import Outcomes, PathwayResult, Report, RequirementResult, ScoreResult
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


def compare(case: Case, report: Report, known_ids: Mapping[str, Collection[str]] | None = None) -> list[Difference]:
    """Every difference between what `case` expects and `report`; only the keys the case lists.

    `known_ids` ("flags"/"leads"/"warnings" -> the rulebook's ids) lets a misspelled id say "did you mean".
    """
    known_ids = known_ids or {}
    expect = case.expect
    differences: list[Difference] = []
    for pathway_id, wanted in expect.pathways.items():
        pathway = report.pathways.get(pathway_id)
        if pathway is None:
            listed = _("pathways are: {ids}").format(ids=", ".join(report.pathways))
            differences.append(Difference(("pathways", pathway_id), wanted, "no such pathway", (listed,),
                                          updatable=False))
        elif pathway.outcome != wanted:
            differences.append(Difference(("pathways", pathway_id), wanted, pathway.outcome,
                                          deciding_requirements(pathway)))
    scores_listed = _("scores are: {ids}").format(ids=", ".join(report.scores))  # why a score id is wrong
    for score_id, wanted_score in expect.scores.items():
        score = report.scores.get(score_id)
        if score is None:
            differences.append(Difference(("scores", score_id), wanted_score, "no such score", (scores_listed,),
                                          updatable=False))
        elif not _same_number(wanted_score, score.value):
            differences.append(Difference(("scores", score_id), wanted_score, score.value, score_breakdown(score)))
    for score_id, wanted_lines in expect.score_lines.items():
        score = report.scores.get(score_id)
        if score is None:
            differences.append(Difference(("score_lines", score_id), wanted_lines, "no such score",
                                          (scores_listed,), updatable=False))
            continue
        by_id = {line.id: line for line in score.lines}
        for line_id, wanted_points in wanted_lines.items():
            line = by_id.get(line_id)
            if line is None:
                differences.append(Difference(
                    ("score_lines", score_id, line_id), wanted_points, "no such line in force",
                    (_("lines in force on {date}: {ids}").format(date=report.as_of.isoformat(), ids=", ".join(by_id)),),
                    updatable=False))
            elif not _same_number(wanted_points, line.points):
                needs = _("needs an answer: {questions}").format(questions=", ".join(line.missing))
                why: tuple[str, ...] = (needs,) if line.missing else ()
                differences.append(Difference(("score_lines", score_id, line_id), wanted_points, line.points, why))
    words = {True: "yes", False: "no", None: "maybe"}
    for score_id, wanted_categories in expect.categories.items():
        score = report.scores.get(score_id)
        in_force = score.categories if score is not None else {}
        for category_id, wanted_word in wanted_categories.items():
            if category_id not in in_force:
                differences.append(Difference(
                    ("categories", score_id, category_id), wanted_word, "no such category in force",
                    (_("categories in force on {date}: {ids}").format(
                        date=report.as_of.isoformat(), ids=", ".join(in_force) or "—"),),
                    updatable=False))
            elif words[in_force[category_id]] != wanted_word:
                differences.append(Difference(("categories", score_id, category_id), wanted_word,
                                              words[in_force[category_id]]))
    for section, wanted_ids, shown, known in (
        ("flags", expect.flags, report.flags, known_ids.get("flags")),
        ("leads", expect.leads, report.leads, known_ids.get("leads")),
        ("warnings", expect.warnings, report.warnings, known_ids.get("warnings")),
    ):
        if wanted_ids is not None:
            difference = _id_set_difference(section, wanted_ids, [item.id for item in shown], known)
            if difference is not None:
                differences.append(difference)
    if "best_pathway" in expect.model_fields_set and expect.best_pathway != report.best_pathway:
        eligible = sorted((p for p in report.pathways.values() if p.outcome == "eligible"), key=lambda p: p.rank)
        best_why = (tuple(_("eligible: {pathway} (rank {rank})").format(pathway=p.id, rank=p.rank) for p in eligible)
                    or (_("no pathway is eligible"),))
        differences.append(Difference(("best_pathway",), expect.best_pathway, report.best_pathway, best_why))
    return differences


def _id_set_difference(
    section: str, wanted: list[str], got: list[str], known: Collection[str] | None
) -> Difference | None:
    """Flags, leads and warnings are compared as exact sets of ids (order does not matter)."""
    if sorted(wanted) == sorted(got):
        return None
    missing = sorted(set(wanted) - set(got))
    extra = sorted(set(got) - set(wanted))
    why = [_("not shown: {item}").format(item=item) + (
        " " + _("(no {kind} '{item}' in the rulebook{suggestion})").format(
            kind=section[:-1], item=item, suggestion=did_you_mean(item, known))
        if known is not None and item not in known else "") for item in missing]
    why += [_("also shown: {item}").format(item=item) for item in extra]
    return Difference((section,), list(wanted), sorted(got), tuple(why))


def run_case(rulebook: Rulebook, file: str, case: Case, position: Position) -> CaseResult:
    """Screen the case's answers as of its date (today when it has none) and compare."""
    as_of = case.as_of or today()
    result = CaseResult(file=file, name=case.name, position=position, case=case, as_of=as_of)
    try:
        expect = case.expect
        fast = (None if expect.texts or expect.categories  # both are read from the full report
                else outcomes(rulebook, case.answers, as_of, with_missing=False))
        if fast is not None and _agrees(expect, fast) and _lines_agree(rulebook, case, as_of):
            return result  # it passes: the full report would only explain differences
        report = rulebook.evaluate(case.answers, as_of=as_of)
    except ScreenerError as error:
        result.error, result.error_details = error.message, list(error.details)
        return result
    result.differences = compare(case, report, {
        "flags": rulebook.flags, "leads": rulebook.leads, "warnings": rulebook.answer_warnings})
    for lang, wanted_texts in case.expect.texts.items():
        result.differences.extend(_text_differences(rulebook, case, lang, wanted_texts, as_of, report))
    return result


def _agrees(expect: Expectation, found: Outcomes) -> bool:
    """Whether the fast outcomes meet every expectation `compare` checks other than score lines and texts."""
    return (all(found.pathways.get(pathway_id) == wanted for pathway_id, wanted in expect.pathways.items())
            and all(score_id in found.scores and _same_number(wanted, found.scores[score_id])
                    for score_id, wanted in expect.scores.items())
            and all(wanted is None or sorted(wanted) == sorted(got) for wanted, got in (
                (expect.flags, found.flags), (expect.leads, found.leads), (expect.warnings, found.warnings)))
            and ("best_pathway" not in expect.model_fields_set or expect.best_pathway == found.best_pathway))


def _lines_agree(rulebook: Rulebook, case: Case, as_of: dt.date) -> bool:
    """Whether each score line the case lists has the points it expects (as the report's lines have them)."""
    if not case.expect.score_lines:
        return True
    state = Evaluation(rulebook, rulebook.read_answers(case.answers), as_of)
    for score_id, wanted_lines in case.expect.score_lines.items():
        points = {rule.model.id: number(state.line_span(rule)[0]) for rule in state.rules.lines.get(score_id, ())}
        if not all(line_id in points and _same_number(wanted, points[line_id])
                   for line_id, wanted in wanted_lines.items()):
            return False
    return True


def _text_differences(rulebook: Rulebook, case: Case, lang: str, wanted: list[str], as_of: dt.date,
                      english: Report) -> list[Difference]:
    """`expect: texts: {fr: [...]}`: each text must appear within some text the report shows in that language."""
    if lang not in rulebook.languages:
        return [Difference(("texts", lang), wanted, "no such language",
                           (_("languages of this rulebook: {languages}").format(
                               languages=", ".join(rulebook.languages)),), updatable=False)]
    report = english if lang == rulebook.language else rulebook.in_language(lang).evaluate(case.answers, as_of=as_of)
    shown = list(dict.fromkeys(_strings(report.to_json())))
    return [Difference(("texts", lang), text, "not shown", _closest(text, shown), updatable=False)
            for text in wanted if not any(text in candidate for candidate in shown)]


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
