"""What a rule change does to real people: the same intake scored under two rulebooks.

`compare_rulebooks` evaluates every intake row under the old and the new rulebook (or the same
rulebook on two dates) and records each outcome, score, flag and best-pathway change with its
causes: the requirements whose status changed and the table rows that now give a different value.
What an expression depends on comes from the rulebook's one dependency graph (`rulebook.graph`).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from screener import expressions as ex
from screener.answers import AnswerError
from screener.errors import ScreenerError
from screener.evaluation import TableHit, display, evaluate
from screener.report import Report, RequirementResult
from screener.rulebook import Rulebook

# --------------------------------------------------------------------------------- dependencies


def requirement_nodes(rulebook: Rulebook, pathway_id: str, ids: Iterable[str]) -> list[ex.Node]:
    """The conditions of the requirements `ids` of a pathway (any date)."""
    wanted = set(ids)
    pathway = rulebook.rules.pathways.get(pathway_id)
    return [] if pathway is None else [r.condition.node for r in pathway.requirements if r.model.id in wanted]


def line_nodes(rulebook: Rulebook, score_id: str, ids: Iterable[str]) -> list[ex.Node]:
    """The points of the lines `ids` of a score (any date)."""
    wanted = set(ids)
    score = rulebook.rules.scores.get(score_id)
    return [] if score is None else [line.points.node for line in score.lines if line.model.id in wanted]


# ------------------------------------------------------------------------------------ reading


def read_intake(path: Path) -> list[dict[str, str]]:
    """The rows of an intake CSV (header = field ids); ScreenerError when it cannot be read."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames:
                raise ScreenerError(f"{path}: empty file (expected a header row of field ids)")
            rows = [{k: v for k, v in row.items() if isinstance(k, str)} for row in reader]
    except FileNotFoundError:
        raise ScreenerError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ScreenerError(f"{path}: is a folder, not a CSV file") from None
    except UnicodeDecodeError:
        raise ScreenerError(f"{path}: not UTF-8 text (save the CSV as UTF-8)") from None
    except csv.Error as error:
        raise ScreenerError(f"{path}: not a readable CSV ({error})") from None
    return rows


# ----------------------------------------------------------------------------------- comparing


@dataclass(frozen=True)
class Change:
    """One thing that differs for one intake row: a pathway outcome, a score, the flags or best pathway."""

    row: int  # 1-based data row (the header is row 0)
    label: str  # the --id column's value, else "row N"
    kind: str  # "pathway" | "score" | "flags" | "best_pathway"
    id: str
    old: Any
    new: Any
    causes: tuple[str, ...]


@dataclass
class Impact:
    old: Rulebook
    new: Rulebook
    old_as_of: dt.date
    new_as_of: dt.date
    rows: int = 0
    changes: list[Change] = field(default_factory=list)
    unreadable: list[tuple[int, str, list[str]]] = field(default_factory=list)  # row, "old"/"new", fields

    @property
    def changed_rows(self) -> int:
        return len({change.row for change in self.changes})

    def pathway_counts(self) -> dict[str, Counter[tuple[str, str]]]:
        """Per pathway (both rulebooks' ids, in order), how many rows went from one outcome to another."""
        counts: dict[str, Counter[tuple[str, str]]] = {pid: Counter() for pid in _union(self.old.pathways,
                                                                                            self.new.pathways)}
        for change in self.changes:
            if change.kind == "pathway":
                counts[change.id][(str(change.old), str(change.new))] += 1
        return counts

    def score_counts(self) -> dict[str, dict[str, int]]:
        """Per score: rows changed, up, down, and rows that became or stopped being unknown."""
        counts = {sid: {"changed": 0, "up": 0, "down": 0, "now_unknown": 0, "now_known": 0}
                  for sid in _union(self.old.scores, self.new.scores)}
        for change in self.changes:
            if change.kind != "score":
                continue
            count = counts[change.id]
            count["changed"] += 1
            if change.new is None:
                count["now_unknown"] += 1
            elif change.old is None:
                count["now_known"] += 1
            elif change.new > change.old:
                count["up"] += 1
            else:
                count["down"] += 1
        return counts


def _tables(old: Rulebook, new: Rulebook, nodes: Callable[[Rulebook, str, Iterable[str]], list[ex.Node]],
            owner: str, ids: Iterable[str]) -> set[str]:
    """The tables that the requirements or lines `ids` of `owner` read, in either rulebook."""
    return {name for book in (old, new) for name in book.graph.uses(nodes(book, owner, ids)) if name in book.tables}


def _union(first: Iterable[str], second: Iterable[str]) -> list[str]:
    """The ids of both, in order: the first's, then the second's new ones."""
    return list(dict.fromkeys([*first, *second]))


def _fmt(value: Any) -> str:
    return "unknown" if value is None else display(value)


def _requirement_causes(old: list[RequirementResult], new: list[RequirementResult]) -> tuple[list[str], list[str]]:
    """What changed among a pathway's requirements, and the ids of those requirements."""
    before = {r.id: r for r in old}
    after = {r.id: r for r in new}
    causes = []
    changed = []
    for rid in _union(before, after):
        was, now = before.get(rid), after.get(rid)
        if was is None or now is None or was.status != now.status:
            changed.append(rid)
        if was is None and now is not None:
            causes.append(f"requirement {rid}: new, {now.status} — {now.text}")
        elif now is None and was is not None:
            causes.append(f"requirement {rid}: no longer in force (was {was.status}) — {was.text}")
        elif was is not None and now is not None and was.status != now.status:
            cause = f"requirement {rid}: {was.status} → {now.status} — {now.text}"
            if (was.actual, was.needed) != (now.actual, now.needed):
                cause += (f" (actual {_fmt(was.actual)}, needed {_fmt(was.needed)} → "
                          f"actual {_fmt(now.actual)}, needed {_fmt(now.needed)})")
            causes.append(cause)
    return causes, changed


def _table_causes(old: list[TableHit], new: list[TableHit], tables: set[str]) -> list[str]:
    """Lookups (same table, key, column) whose matched row or value differ between the two runs."""
    before = {(h.table, str(h.key), h.column): h for h in old if h.table in tables}
    causes = []
    seen: set[tuple[str, str, str]] = set()
    for hit in new:
        key = (hit.table, str(hit.key), hit.column)
        if hit.table not in tables or key in seen or key not in before:
            continue
        seen.add(key)
        was = before[key]
        if was.value != hit.value:
            column = "" if hit.column == "points" else f", {hit.column}"
            causes.append(f"table {hit.table} ({display(hit.key)}{column}): {_row(was)} → {_row(hit)}")
    return causes


def _row(hit: TableHit) -> str:
    where = "no row (default)" if hit.row is None else f"row {hit.row + 1}"
    return f"{where} = {_fmt(hit.value)}"


def compare_reports(
    row: int, label: str, old: Report, new: Report, old_hits: list[TableHit], new_hits: list[TableHit],
    old_book: Rulebook, new_book: Rulebook,
) -> list[Change]:
    """Every difference between two reports on the same answers, each with its causes."""
    changes = []
    for pid in _union(old.pathways, new.pathways):
        was, now = old.pathways.get(pid), new.pathways.get(pid)
        before = was.outcome if was else "absent"
        after = now.outcome if now else "absent"
        if before == after:
            continue
        causes, changed = _requirement_causes(was.requirements if was else [], now.requirements if now else [])
        tables = _tables(old_book, new_book, requirement_nodes, pid, changed)
        causes += _table_causes(old_hits, new_hits, tables)
        changes.append(Change(row, label, "pathway", pid, before, after, tuple(causes)))
    for sid in _union(old.scores, new.scores):
        was_score, now_score = old.scores.get(sid), new.scores.get(sid)
        before_value = was_score.value if was_score else None
        after_value = now_score.value if now_score else None
        if before_value == after_value and (was_score is None) == (now_score is None):
            continue
        lines_before = {line.id: line.points for line in (was_score.lines if was_score else [])}
        lines_after = {line.id: line.points for line in (now_score.lines if now_score else [])}
        changed = [lid for lid in _union(lines_before, lines_after)
                   if lines_before.get(lid) != lines_after.get(lid) or (lid in lines_before) != (lid in lines_after)]
        causes = [f"line {lid}: {_fmt(lines_before.get(lid))} → {_fmt(lines_after.get(lid))}"
                  + (" (not in force)" if lid not in lines_after else "") for lid in changed]
        tables = _tables(old_book, new_book, line_nodes, sid, changed)
        causes += _table_causes(old_hits, new_hits, tables)
        changes.append(Change(row, label, "score", sid, before_value, after_value, tuple(causes)))
    flags_before = sorted(f.id for f in old.flags)
    flags_after = sorted(f.id for f in new.flags)
    if flags_before != flags_after:
        flag_causes = tuple([f"now shown: {f}" for f in flags_after if f not in flags_before]
                       + [f"no longer shown: {f}" for f in flags_before if f not in flags_after])
        changes.append(Change(row, label, "flags", "flags", flags_before, flags_after, flag_causes))
    if old.best_pathway != new.best_pathway:
        changes.append(Change(row, label, "best_pathway", "best_pathway", old.best_pathway, new.best_pathway, ()))
    return changes


def _screen(book: Rulebook, raw: Mapping[str, str], as_of: dt.date) -> tuple[Report, list[TableHit]]:
    answers = {key: value for key, value in raw.items() if key in book.questions}
    hits: list[TableHit] = []
    return evaluate(book, answers, as_of=as_of, trace=hits), hits


def compare_rulebooks(
    old: Rulebook, new: Rulebook, rows: Iterable[Mapping[str, str]], as_of: dt.date,
    new_as_of: dt.date | None = None, id_column: str | None = None,
) -> Impact:
    """Screen every row under both rulebooks; columns that are not questions of a rulebook are ignored."""
    impact = Impact(old, new, as_of, new_as_of or as_of)
    for number, raw in enumerate(rows, start=1):
        impact.rows += 1
        label = (raw.get(id_column) or "").strip() if id_column else ""
        label = label or f"row {number}"
        try:
            old_report, old_hits = _screen(old, raw, impact.old_as_of)
        except AnswerError as error:
            impact.unreadable.append((number, "old", sorted(error.problems)))
            continue
        try:
            new_report, new_hits = _screen(new, raw, impact.new_as_of)
        except AnswerError as error:
            impact.unreadable.append((number, "new", sorted(error.problems)))
            continue
        impact.changes.extend(compare_reports(number, label, old_report, new_report, old_hits, new_hits, old, new))
    return impact


def impact_json(impact: Impact) -> dict[str, Any]:
    """The whole comparison as JSON-ready data (for `rules diff --json`)."""
    def side(book: Rulebook, as_of: dt.date) -> dict[str, Any]:
        return {"path": str(book.path), "version": book.version, "as_of": as_of.isoformat()}

    return {
        "old": side(impact.old, impact.old_as_of), "new": side(impact.new, impact.new_as_of),
        "rows": impact.rows, "changed_rows": impact.changed_rows,
        "unreadable": [{"row": row, "rulebook": which, "fields": fields} for row, which, fields in impact.unreadable],
        "pathways": {pid: {"changed": sum(counts.values()),
                           "transitions": {f"{a} -> {b}": n for (a, b), n in sorted(counts.items())}}
                     for pid, counts in impact.pathway_counts().items()},
        "scores": impact.score_counts(),
        "changes": [{"row": c.row, "label": c.label, "kind": c.kind, "id": c.id, "old": c.old, "new": c.new,
                     "causes": list(c.causes)} for c in impact.changes],
    }
