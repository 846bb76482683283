"""What a rule change does to real people: the same intake scored under two rulebooks.

`compare_rulebooks` evaluates every intake row under the old and the new rulebook (or the same
rulebook on two dates) and records each outcome, score, flag and best-pathway change with its
causes: the requirements whose status changed and the table rows that now give a different value.
What an expression depends on comes from the rulebook's one dependency graph (`rulebook.graph`).
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from screener import expressions as ex
from screener.answers import AnswerError
from screener.errors import ScreenerError
from screener.evaluation import Evaluation as State
from screener.evaluation import TableHit, display, evaluate
from screener.i18n import _, ngettext
from screener.intake import IntakeMap
from screener.report import Report, RequirementResult
from screener.rulebook import Rulebook
from screener.suggest import did_you_mean

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
                raise ScreenerError(_("{file}: empty file (expected a header row of field ids)").format(file=path))
            rows = [{k: v for k, v in row.items() if isinstance(k, str)} for row in reader]
    except FileNotFoundError:
        raise ScreenerError(_("{file}: no such file").format(file=path)) from None
    except IsADirectoryError:
        raise ScreenerError(_("{file}: is a folder, not a CSV file").format(file=path)) from None
    except UnicodeDecodeError:
        raise ScreenerError(_("{file}: not UTF-8 text (save the CSV as UTF-8)").format(file=path)) from None
    except csv.Error as error:
        raise ScreenerError(_("{file}: not a readable CSV ({reason})").format(file=path, reason=error)) from None
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
    details: tuple[Cause, ...] = ()

    @property
    def causes(self) -> tuple[str, ...]:
        return tuple(cause_text(cause) if isinstance(cause, dict) else str(cause) for cause in self.details)


@dataclass
class Impact:
    old: Rulebook
    new: Rulebook
    old_as_of: dt.date
    new_as_of: dt.date
    rows: int = 0
    changes: list[Change] = field(default_factory=list)
    unreadable: list[tuple[int, str, list[str]]] = field(default_factory=list)  # row, "old"/"new", fields
    # Filled by `diff_intake`, which counts every row but explains only the first `limit` changed rows:
    counted: dict[str, Counter[tuple[str, str]]] | None = None  # pathway -> (old, new) outcome -> rows
    scored: dict[str, dict[str, int]] | None = None
    changed_total: int | None = None
    added: dict[str, Counter[str]] = field(default_factory=dict)  # a pathway only NEW has -> outcome -> rows
    removed: dict[str, Counter[str]] = field(default_factory=dict)  # a pathway only OLD has -> outcome -> rows
    warnings: list[str] = field(default_factory=list)
    unreadable_total: int | None = None
    blank_rows: int = 0  # rows with every cell empty: nobody, neither counted in `rows` nor unreadable

    @property
    def changed_rows(self) -> int:
        if self.changed_total is not None:
            return self.changed_total
        return len({change.row for change in self.changes})

    @property
    def unreadable_rows(self) -> int:
        return len(self.unreadable) if self.unreadable_total is None else self.unreadable_total

    def pathway_counts(self) -> dict[str, Counter[tuple[str, str]]]:
        """Per pathway (both rulebooks' ids, in order), how many rows went from one outcome to another."""
        if self.counted is not None:
            return self.counted
        counts: dict[str, Counter[tuple[str, str]]] = {pid: Counter() for pid in _union(self.old.pathways,
                                                                                            self.new.pathways)}
        for change in self.changes:
            if change.kind == "pathway":
                counts[change.id][(str(change.old), str(change.new))] += 1
        return counts

    def score_counts(self) -> dict[str, dict[str, int]]:
        """Per score: rows changed, up, down, and rows that became or stopped being unknown."""
        if self.scored is not None:
            return self.scored
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


def _amounts(actual: Any, needed: Any, *, both: tuple[Any, Any]) -> str:
    """"actual 15,500, needed 15,263", leaving out a side that is unknown on both sides of the change
    (a requirement whose `needed` is a condition, not a number, has none to show)."""
    parts = [_("actual {value}").format(value=_fmt(actual)) if actual is not None or both[0] is not None else "",
             _("needed {value}").format(value=_fmt(needed)) if needed is not None or both[1] is not None else ""]
    return ", ".join(part for part in parts if part)


def _fmt(value: Any) -> str:
    return _("unknown") if value is None else display(value)


Cause = dict[str, Any]
"""One reason for a change, as data (for `--json`): `kind` (requirement, line, table), `id`, old and new.

Requirements also carry `text` and the amounts compared (`old_actual`, `old_needed`, `new_actual`,
`new_needed`), and `rules` when the expressions behind them read differently (`_rule_changes`); table
lookups the `key`, `column` and the rows matched (1-based, None: the default).
`cause_text` words it for people.
"""


def _plain(value: Any) -> Any:
    """A value as JSON holds it (dates as YYYY-MM-DD, Decimals as numbers)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def cause_text(cause: Cause) -> str:
    """A cause in words: what changed, from what to what, with the amounts compared."""
    kind, ident = cause["kind"], cause["id"]
    if kind == "requirement":
        old, new = cause["old"], cause["new"]
        if old is None:
            text = _("requirement {id}: new, {new} — {text}")
        elif new is None:
            text = _("requirement {id}: no longer in force (was {old}) — {text}")
        else:
            text = _("requirement {id}: {old} → {new} — {text}")
        text = text.format(id=ident, old=old, new=new, text=cause["text"])
        was = (cause.get("old_actual"), cause.get("old_needed"))
        now = (cause.get("new_actual"), cause.get("new_needed"))
        rules = [] if was[1] != now[1] else cause.get("rules") or []
        if rules:  # `needed` is written the same, yet the rule changed: it may be stale, the rule says why
            was, now = (was[0], None), (now[0], None)
        parts = []
        if old is not None and new is not None and was != now:
            parts.append(f"{_amounts(*was, both=now)} → {_amounts(*now, both=was)}")
        elif now != (None, None) and new is not None:
            parts.append(_amounts(*now, both=now))
        parts += [(_("condition now {new}, was {old}") if rule["id"] == "condition" else
                   _("{id} now {new}, was {old}")).format(**rule) for rule in rules]
        return text + (f" ({'; '.join(part for part in parts if part)})" if any(parts) else "")
    if kind == "line":
        return _("line {id}: {old} → {new}").format(id=ident, old=_fmt(cause["old"]), new=_fmt(cause["new"])) + (
            " " + _("(not in force)") if not cause.get("in_force", True)
            else " " + _("(not in force before)") if not cause.get("was_in_force", True) else "")
    column = "" if cause["column"] == "points" else f", {cause['column']}"
    return _("table {id} ({key}): {old} → {new}").format(
        id=ident, key=f"{display(cause['key'])}{column}", old=_row(cause["old_row"], cause["old"]),
        new=_row(cause["new_row"], cause["new"]))


def _requirement_causes(old: list[RequirementResult], new: list[RequirementResult]) -> tuple[list[Cause], list[str]]:
    """What changed among a pathway's requirements, and the ids of those requirements."""
    before = {r.id: r for r in old}
    after = {r.id: r for r in new}
    causes: list[Cause] = []
    changed = []
    for rid in _union(before, after):
        was, now = before.get(rid), after.get(rid)
        if was is None or now is None or was.status != now.status:
            changed.append(rid)
            shown = now or was
            assert shown is not None
            causes.append({
                "kind": "requirement", "id": rid, "text": shown.text,
                "old": was.status if was else None, "new": now.status if now else None,
                "old_actual": _plain(was.actual) if was else None, "old_needed": _plain(was.needed) if was else None,
                "new_actual": _plain(now.actual) if now else None, "new_needed": _plain(now.needed) if now else None,
            })
    return causes, changed


def _rule_changes(old: State, new: State, pathway_id: str,
                  requirement_id: str) -> tuple[list[dict[str, str]], set[str]]:
    """The rules behind a flipped requirement that made the difference for this row, most direct first, and
    the tables they look up there.

    Its condition (`id` "condition") when it is written differently; then each derived value it reads,
    directly or not, in the version in force on each side, when it is written differently *and* is reached
    from the condition through values that differ for this row: a pass mark raised to 70 is no cause for a
    client with 74 points, whose grid requirement is met either way, though the pass mark reads differently.
    `needed` is the author's words and can go stale (`needed: "≥ 67"` beside a condition now reading
    `fsw_points >= 70`): the expressions are what decided, so a flip is explained with them.
    """
    before, after = old.rules, new.rules
    was = next((r for r in before.requirements.get(pathway_id, ()) if r.model.id == requirement_id), None)
    now = next((r for r in after.requirements.get(pathway_id, ()) if r.model.id == requirement_id), None)
    if was is None or now is None:
        return [], set()
    found = []
    if _words(was.condition.source) != _words(now.condition.source):
        found.append({"id": "condition", "old": _words(was.condition.source), "new": _words(now.condition.source)})
    order = {name: index for index, name in enumerate(new.rulebook.graph.order)}
    tables: set[str] = set()
    seen: set[str] = set()
    level = set(was.condition.names) | set(now.condition.names)
    while level:  # one level of reads at a time: the nearest causes first
        following: set[str] = set()
        for name in sorted(level - seen, key=lambda n: (order.get(n, len(order)), n)):
            seen.add(name)
            if name in old.rulebook.tables or name in new.rulebook.tables:
                tables.add(name)
            elif _value(old, name) != _value(new, name):  # the same for this row: nothing below it mattered
                old_rule, new_rule = before.derived.get(name), after.derived.get(name)
                if old_rule is not None and new_rule is not None and _words(old_rule.source) != _words(new_rule.source):
                    found.append({"id": name, "old": _words(old_rule.source), "new": _words(new_rule.source)})
                following |= old.rulebook.graph.reads.get(name, set()) | new.rulebook.graph.reads.get(name, set())
        level = following - seen
    return found, tables


def _value(state: State, name: str) -> Any:
    """A name's value for the row in one rulebook (None: unknown, or not in that rulebook)."""
    book = state.rulebook
    known = name in book.questions or name in book.derived or name in book.scores
    return state.value_of(name) if known else None


def _words(source: str) -> str:
    """An expression on one line, spaces collapsed (a YAML block keeps its line breaks)."""
    return " ".join(source.split())


def _table_causes(old: list[TableHit], new: list[TableHit], tables: set[str]) -> list[Cause]:
    """Lookups (same table, key, column) whose matched row or value differ between the two runs."""
    before = {(h.table, str(h.key), h.column): h for h in old if h.table in tables}
    causes: list[Cause] = []
    seen: set[tuple[str, str, str]] = set()
    for hit in new:
        key = (hit.table, str(hit.key), hit.column)
        if hit.table not in tables or key in seen or key not in before:
            continue
        seen.add(key)
        was = before[key]
        if was.value != hit.value:
            causes.append({"kind": "table", "id": hit.table, "key": _plain(hit.key), "column": hit.column,
                           "old_row": None if was.row is None else was.row + 1, "old": _plain(was.value),
                           "new_row": None if hit.row is None else hit.row + 1, "new": _plain(hit.value)})
    return causes


def _row(row: int | None, value: Any) -> str:
    where = _("no row (default)") if row is None else _("row {row}").format(row=row)
    return f"{where} = {_fmt(value)}"


def compare_reports(row: int, label: str, old_run: Screened, new_run: Screened) -> list[Change]:
    """Every difference between two reports on the same answers, each with its causes."""
    old, new, old_hits, new_hits = old_run.report, new_run.report, old_run.hits, new_run.hits
    old_book, new_book = old_run.state.rulebook, new_run.state.rulebook
    changes = []
    for pid in _union(old.pathways, new.pathways):
        was, now = old.pathways.get(pid), new.pathways.get(pid)
        before = was.outcome if was else "absent"
        after = now.outcome if now else "absent"
        if before == after:
            continue
        causes, changed = _requirement_causes(was.requirements if was else [], now.requirements if now else [])
        tables: set[str] = set()
        for cause in causes:
            if cause["old"] is not None and cause["new"] is not None:
                rules, read = _rule_changes(old_run.state, new_run.state, pid, cause["id"])
                tables |= read
                if rules:
                    cause["rules"] = rules
            else:  # a requirement only one rulebook has: any table it reads may have mattered
                tables |= _tables(old_book, new_book, requirement_nodes, pid, [cause["id"]])
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
        # a line not in force on a side (ended, not begun, not in that rulebook) gives the score nothing: 0
        causes = [{"kind": "line", "id": lid,
                   "old": _plain(lines_before.get(lid, 0 if was_score else None)),
                   "new": _plain(lines_after.get(lid, 0 if now_score else None)),
                   "in_force": lid in lines_after, "was_in_force": lid in lines_before}
                  for lid in changed]
        tables = _tables(old_book, new_book, line_nodes, sid, changed)
        causes += _table_causes(old_hits, new_hits, tables)
        changes.append(Change(row, label, "score", sid, before_value, after_value, tuple(causes)))
    flags_before = sorted(f.id for f in old.flags)
    flags_after = sorted(f.id for f in new.flags)
    if flags_before != flags_after:
        changes.append(Change(row, label, "flags", "flags", flags_before, flags_after))
    if old.best_pathway != new.best_pathway:
        changes.append(Change(row, label, "best_pathway", "best_pathway", old.best_pathway, new.best_pathway, ()))
    return changes


@dataclass
class Screened:
    """One row screened under one rulebook: its report, the table lookups made, and the evaluation (whose
    values `_rule_changes` compares with the other rulebook's)."""

    report: Report
    hits: list[TableHit]
    state: State


def _screen(book: Rulebook, raw: Mapping[str, str], as_of: dt.date) -> Screened:
    answers = {key: value for key, value in raw.items() if key in book.questions}
    hits: list[TableHit] = []
    report = evaluate(book, answers, as_of=as_of, trace=hits)
    return Screened(report, hits, State(book, book.read_answers(answers), as_of))


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
            old_run = _screen(old, raw, impact.old_as_of)
        except AnswerError as error:
            impact.unreadable.append((number, "old", sorted(error.problems)))
            continue
        try:
            new_run = _screen(new, raw, impact.new_as_of)
        except AnswerError as error:
            impact.unreadable.append((number, "new", sorted(error.problems)))
            continue
        impact.changes.extend(compare_reports(number, label, old_run, new_run))
    return impact


def diff_intake(
    old: Rulebook, new: Rulebook, source: IO[bytes], as_of: dt.date, new_as_of: dt.date | None = None,
    id_column: str | None = None, limit: int = 50, encoding: str | None = None, intake_map: IntakeMap | None = None,
    *, one_person: bool = False,
) -> Impact:
    """Stream an intake CSV through both rulebooks' columnar forms, in blocks, as `screener batch` reads it
    (the same header matching, and `intake_map`, the firm's `--map`, for its headers and answers).

    Every row is counted (outcome transitions, score moves, new and removed pathways); only the first
    `limit` rows whose result changed (0: all) are screened one by one to find the causes. Memory
    stays flat: one block at a time, as in batch. Pathways only one rulebook has are counted apart,
    never as "absent → ineligible" flips. `one_person`: the intake is one person's answer file, which gives only
    what that person answered, so the fields it leaves out are not warned about (those of the new rulebook are).
    """
    import polars as pl

    from screener import columnar
    from screener.answers import normalize_choice
    from screener.batch import id_columns, letter_columns, prefetched, read_header, translated
    from screener.csvio import BLANK_ROW, PROBLEM, CsvReader
    from screener.intake import check_map

    impact = Impact(old, new, as_of, new_as_of or as_of, counted={}, scored={}, changed_total=0,
                    unreadable_total=0)
    intake_map = intake_map or IntakeMap()
    check_map(intake_map, old, new)
    reader = CsvReader(source, encoding=encoding)
    header_old, header_new = read_header(reader.header, old, intake_map), read_header(reader.header, new, intake_map)
    found_old, missing_old = header_old.found, header_old.missing
    found_new, missing_new = header_new.found, header_new.missing
    label_columns: list[str] = []
    if id_column is not None:
        index = next((i for i, name in enumerate(reader.header)
                      if normalize_choice(name) == normalize_choice(id_column)), None)
        if index is None:
            raise ScreenerError(_("--id: no column '{column}' in the intake").format(column=id_column)
                                + did_you_mean(id_column, reader.header), exit_code=2)
        label_columns = [reader.columns[index]]
    else:  # as batch names a row: the columns that say who it is ("Name", "Client ID"), or the one column that
        # is not a field (a `person` column)
        fields = {**found_old, **found_new}
        not_fields = id_columns(reader.header, fields, None)
        label_columns = [reader.columns[i] for i in (letter_columns(reader.header, fields, None)
                                                     or (not_fields if len(not_fields) == 1 else []))]
    impact.warnings += dict.fromkeys([*getattr(source, "notes", []),  # a workbook's sheet read (`SheetAsCsv`)
                                      *header_old.warnings, *header_new.warnings])
    fresh = [qid for qid in missing_new if qid not in old.questions]
    if fresh:
        impact.warnings.append(ngettext(
            "{count} field of the new rulebook not in the intake, treated as unknown (rows that need it come out "
            "incomplete): {fields}",
            "{count} fields of the new rulebook not in the intake, treated as unknown (rows that need them come out "
            "incomplete): {fields}", len(fresh)).format(count=len(fresh), fields=", ".join(fresh)))
    others = [qid for qid in _union(missing_old, missing_new) if qid not in fresh]
    if others and not one_person:
        impact.warnings.append(ngettext("{count} field not in the intake, treated as unknown: {fields}",
                                        "{count} fields not in the intake, treated as unknown: {fields}",
                                        len(others)).format(count=len(others), fields=", ".join(others)))
    # without `missing` (the blockers of every unknown), which the diff never reads
    compiled_old = dataclasses.replace(columnar.compile_rulebook(old, impact.old_as_of), waiting=None)
    compiled_new = dataclasses.replace(columnar.compile_rulebook(new, impact.new_as_of), waiting=None)
    cells_old = {qid: reader.columns[i] for qid, i in found_old.items()}
    cells_new = {qid: reader.columns[i] for qid, i in found_new.items()}
    coerce_old = columnar.Coercion(list(old.questions.values()), cells_old)
    same_answers = cells_old == cells_new and old.questions == new.questions  # read the intake once
    coerce_new = coerce_old if same_answers else columnar.Coercion(list(new.questions.values()), cells_new)
    cells = {**cells_old, **cells_new}
    translations = intake_map.translations(cells)
    common = [pid for pid in compiled_old.pathways if pid in compiled_new.pathways]
    added = [pid for pid in compiled_new.pathways if pid not in compiled_old.pathways]
    removed = [pid for pid in compiled_old.pathways if pid not in compiled_new.pathways]
    scores = [sid for sid in compiled_old.scores if sid in compiled_new.scores]
    assert impact.counted is not None and impact.scored is not None
    impact.counted.update({pid: Counter() for pid in common})
    impact.added.update({pid: Counter() for pid in added})
    impact.removed.update({pid: Counter() for pid in removed})
    impact.scored.update({sid: {"changed": 0, "up": 0, "down": 0, "now_unknown": 0, "now_known": 0}
                          for sid in scores})

    def flags(column: pl.Expr) -> pl.Expr:
        return column.fill_null("").str.split(";").list.sort().list.join(";")

    explained = 0
    first_row = 1
    with contextlib.closing(prefetched(reader.chunks())) as chunks:
        for chunk in chunks:
            frame = translated(chunk.frame, translations)
            typed_old, why_old = coerce_old(frame)
            typed_new, why_new = (typed_old, why_old) if same_answers else coerce_new(frame)
            was = compiled_old.evaluate(typed_old).select(
                [pl.col(p).alias(f"o:{p}") for p in [*common, *removed]] + [pl.col(s).alias(f"o:{s}") for s in scores]
                + [flags(pl.col(columnar.FLAGS)).alias("o:flags"), pl.col(columnar.BEST).alias("o:best")])
            now = compiled_new.evaluate(typed_new).select(
                [pl.col(p).alias(f"n:{p}") for p in [*common, *added]] + [pl.col(s).alias(f"n:{s}") for s in scores]
                + [flags(pl.col(columnar.FLAGS)).alias("n:flags"), pl.col(columnar.BEST).alias("n:best")])
            both = pl.concat([was, now, pl.DataFrame([
                frame[PROBLEM].alias("problem"), why_old.alias("why_old"), why_new.alias("why_new")])],
                how="horizontal").with_columns(
                (pl.col("problem").is_null() & pl.col("why_old").is_null() & pl.col("why_new").is_null()).alias("ok"),
                (pl.col("problem") == _(BLANK_ROW)).fill_null(False).alias("blank"))  # nobody: not a row to count
            moved = [pl.col(f"o:{p}").ne_missing(pl.col(f"n:{p}")) for p in common]
            moved += [pl.col(f"o:{s}").ne_missing(pl.col(f"n:{s}")) for s in scores]
            moved += [pl.col("o:flags") != pl.col("n:flags"), pl.col("o:best").ne_missing(pl.col("n:best"))]
            both = both.with_columns((pl.col("ok") & pl.any_horizontal(moved)).alias("changed"))
            good = both.filter(pl.col("ok"))
            for pid in common:
                pairs = good.filter(pl.col(f"o:{pid}") != pl.col(f"n:{pid}")).group_by(
                    [f"o:{pid}", f"n:{pid}"], maintain_order=True).len()  # ties listed in row order
                for before, after, number in pairs.iter_rows():
                    impact.counted[pid][(str(before), str(after))] += number
            for pid, side, target in [*((p, "n", impact.added) for p in added),
                                      *((p, "o", impact.removed) for p in removed)]:
                for outcome, number in good.group_by(f"{side}:{pid}", maintain_order=True).len().iter_rows():
                    target[pid][str(outcome)] += number
            for sid in scores:
                before, after = pl.col(f"o:{sid}"), pl.col(f"n:{sid}")
                totals = good.select(
                    before.ne_missing(after).sum().alias("changed"), (after > before).sum().alias("up"),
                    (after < before).sum().alias("down"), (before.is_not_null() & after.is_null()).sum()
                    .alias("now_unknown"), (before.is_null() & after.is_not_null()).sum().alias("now_known"),
                ).row(0, named=True)
                for name, number in totals.items():
                    impact.scored[sid][name] += int(number or 0)
            blank = int(both["blank"].sum())
            impact.rows += frame.height - blank
            impact.blank_rows += blank
            impact.changed_total = (impact.changed_total or 0) + int(both["changed"].sum())
            bad = both.with_row_index("i").filter(~pl.col("ok") & ~pl.col("blank")).select(
                "i", "problem", "why_old", "why_new")
            impact.unreadable_total = (impact.unreadable_total or 0) + bad.height
            for index, problem, why_old_text, why_new_text in bad.iter_rows():
                if len(impact.unreadable) >= max(limit, 0) and limit > 0:
                    break
                if problem is not None:
                    impact.unreadable.append((first_row + index, "both", ["(the row: " + problem + ")"]))
                else:
                    which = ("both" if why_old_text is not None and why_new_text is not None
                             else "old" if why_old_text is not None else "new")
                    impact.unreadable.append((first_row + index, which, _fields(why_old_text or why_new_text)))
            wanted = limit - explained if limit > 0 else None
            if wanted is None or wanted > 0:
                rows = both.with_row_index("i").filter(pl.col("changed"))["i"]
                for index in rows.head(wanted).to_list() if wanted is not None else rows.to_list():
                    raw = {qid: frame[column][index] for qid, column in cells.items()}
                    label = ", ".join(text for column in label_columns
                                      if (text := str(frame[column][index] or "").strip()))
                    number = first_row + index
                    found = compare_reports(number, label or f"row {number}", _screen(old, raw, impact.old_as_of),
                                            _screen(new, raw, impact.new_as_of))
                    impact.changes.extend(c for c in found if not (c.kind == "pathway" and "absent" in (c.old, c.new)))
                    explained += 1
            first_row += frame.height
    return impact


def _fields(reasons: str) -> list[str]:
    """The field ids named in a row's joined reasons (`Age (age): expected a whole number; …`, or `age: …` for a
    question without a label: `answers.cell_problem`), never the values."""
    found = set()
    for part in reasons.split("; "):
        labelled = _LABELLED.match(part)
        if labelled is not None:
            found.add(labelled.group(1))
        elif ":" in part:
            found.add(part.split(":", 1)[0].strip())
    return sorted(found)


_LABELLED = re.compile(r"^.*?\(([^\s()]+)\)\s?:")  # `Label (id):` (French `Label (id) :`)


def impact_json(impact: Impact, limit: int = 0) -> dict[str, Any]:
    """The whole comparison as JSON-ready data (for `rules diff --json`): counts of every row, and the
    changes of the first `limit` changed rows (0: all) with their causes as data (ids, old and new values)."""
    def side(book: Rulebook, as_of: dt.date) -> dict[str, Any]:
        return {"path": str(book.path), "version": book.version, "as_of": as_of.isoformat()}

    rows = list(dict.fromkeys(change.row for change in impact.changes))
    shown = set(rows if limit <= 0 else rows[:limit])
    return {
        "old": side(impact.old, impact.old_as_of), "new": side(impact.new, impact.new_as_of),
        "rows": impact.rows, "screened_rows": impact.rows - impact.unreadable_rows,
        "changed_rows": impact.changed_rows, "unreadable_rows": impact.unreadable_rows,
        "blank_rows": impact.blank_rows,
        "warnings": impact.warnings,
        "unreadable": [{"row": row, "rulebook": which, "fields": fields}
                       for row, which, fields in (impact.unreadable if limit <= 0 else impact.unreadable[:limit])],
        "pathways": {pid: {"changed": sum(counts.values()),
                           "transitions": {f"{a} -> {b}": n for (a, b), n in sorted(counts.items())}}
                     for pid, counts in impact.pathway_counts().items()
                     if pid not in impact.added and pid not in impact.removed},
        "new_pathways": {pid: dict(sorted(counts.items())) for pid, counts in impact.added.items()},
        "removed_pathways": {pid: dict(sorted(counts.items())) for pid, counts in impact.removed.items()},
        "scores": impact.score_counts(),
        "changes": [{"row": c.row, "label": c.label, "kind": c.kind, "id": c.id, "old": _plain_all(c.old),
                     "new": _plain_all(c.new), "causes": [dict(cause) for cause in c.details]}
                    for c in impact.changes if c.row in shown],
        "changes_listed_for_rows": len(shown),
    }


def _plain_all(value: Any) -> Any:
    return [_plain(item) for item in value] if isinstance(value, list) else _plain(value)
