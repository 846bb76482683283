"""Screening a whole intake file: read in chunks, coerce and evaluate column by column, write row for row.

Memory stays flat whatever the file size (one chunk at a time), every input row gives exactly one
output row in input order, and a row that cannot be read keeps its cells and says why in `error`.
The CSV path is columnar (`screener.columnar`); `--format jsonl` evaluates row by row through
`rulebook.evaluate` (`JsonRows`), since the report's explanations are per person anyway. The run's
`BatchSummary` is counted from the output blocks as they are written, for stderr and `--summary`.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import itertools
import json
import queue
import re
import threading
from collections.abc import Callable, Collection, Generator, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

import polars as pl

from screener import columnar, csvio
from screener.answers import AnswerError
from screener.csvio import BOM, CsvReader, escape_cells, escape_formulas, header_line, numbered_problem
from screener.errors import NoFieldError, ScreenerError
from screener.i18n import _, ngettext, one_line
from screener.intake import MAP_NAME, IntakeMap, check_map, header_fields, shared_headers
from screener.labels import label_key
from screener.report import Report
from screener.rulebook import Rulebook
from screener.suggest import did_you_mean, slip_of

OUTCOMES = ("eligible", "ineligible", "incomplete")
T = TypeVar("T")
CRS_BANDS = (0, 300, 350, 400, 450, 500, 550, 600)


@dataclass
class BatchSummary:
    """What a run saw: counts only, never an applicant's answers.

    Counted block by block as the output is written (one pass, nothing re-read): outcomes per pathway,
    the score's distribution, and how many rows name each flag, lead, answer warning, missing answer
    and best pathway (`none` when no pathway is open).
    """

    pathways: list[str]
    score: str | None
    rows: int = 0  # people: every output row but the blank ones
    error_rows: int = 0
    blank_rows: int = 0  # rows with every cell empty: an output row each, nobody screened (csvio.BLANK_ROW)
    outcomes: dict[str, dict[str, int]] = field(default_factory=dict)
    bands: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    mentions: dict[str, dict[str, int]] = field(default_factory=dict)  # column -> id -> rows naming it
    detailed: bool = True  # count `mentions` (for --summary; ~3 µs a row, left out when nobody reads them)
    flagged_rows: int = 0  # readable rows with at least one admissibility flag
    undecided_rows: int = 0  # readable rows with a flag left open by an unknown answer (unknown is not no)
    # The error rows to follow up (no outcomes, no letter): row number (1 = the first row under the header),
    # the cells of `naming` (output column, header: the columns that name a person, as letters are named)
    # and the reason (each field and what it expects, never the value); the first FOLLOW_UP of them.
    naming: list[tuple[str, str]] = field(default_factory=list)
    not_screened: list[tuple[int, list[str], str]] = field(default_factory=list)
    seen: int = 0  # output rows counted so far, blank ones included (the next block's first row number - 1)
    # Each row's number and a hash of its `naming` cells (case and spaces ignored), for `repeated`: 12 bytes a row.
    keys: list[pl.DataFrame] = field(default_factory=list)

    def add(self, frame: pl.DataFrame, undecided: pl.Series | None = None) -> None:
        """Count a chunk of output rows (outcomes are null on error rows), in one polars pass; `undecided`
        (`columnar.UNDECIDED`, not an output column) is each row's flags left open, when `frame` lacks it."""
        if undecided is not None:
            frame = frame.with_columns(undecided.alias(columnar.UNDECIDED))
        ok = pl.col(columnar.ERROR).is_null()
        blank = pl.col(columnar.ERROR) == _(csvio.BLANK_ROW)
        open_flags = pl.col(columnar.UNDECIDED) if columnar.UNDECIDED in frame.columns else pl.lit(None, pl.String)
        counts: list[pl.Expr] = [pl.col(columnar.ERROR).is_not_null().sum().alias("errors"),
                                 blank.sum().alias("blank"),
                                 (ok & pl.col(columnar.FLAGS).is_not_null()).sum().alias("flagged"),
                                 (ok & open_flags.is_not_null()).sum().alias("undecided")]
        for pathway in self.pathways:
            counts += [(pl.col(pathway) == outcome).sum().alias(f"{pathway}:{outcome}") for outcome in OUTCOMES]
        if self.score is not None:
            score = pl.col(self.score).cast(pl.Float64)
            counts.append((ok & score.is_null()).sum().alias("band:unknown"))
            for label, low, high in zip(band_labels(), CRS_BANDS, [*CRS_BANDS[1:], None], strict=True):
                inside = score >= low if high is None else (score >= low) & (score < high)
                counts.append((ok & inside).sum().alias(f"band:{label}"))
        totals = frame.select(counts).row(0, named=True)
        self.keep_keys(frame, blank)
        if totals["errors"] > totals["blank"] and len(self.not_screened) < FOLLOW_UP:
            naming = [column for column, _header in self.naming if column in frame.columns]
            picked = (frame.with_row_index("__row", offset=self.seen + 1).filter(~ok & ~blank)
                      .head(FOLLOW_UP - len(self.not_screened)).select("__row", *naming, columnar.ERROR))
            self.not_screened += [(row[0], [cell or "" for cell in row[1:-1]], row[-1]) for row in picked.rows()]
        self.seen += frame.height
        self.rows += frame.height - totals["blank"]
        self.error_rows += totals["errors"] - totals["blank"]
        self.blank_rows += totals["blank"]
        self.flagged_rows += totals["flagged"]
        self.undecided_rows += totals["undecided"]
        for pathway in self.pathways:
            found = self.outcomes.setdefault(pathway, dict.fromkeys(OUTCOMES, 0))
            for outcome in OUTCOMES:
                found[outcome] += totals[f"{pathway}:{outcome}"]
        for key, number in totals.items():
            if key.startswith("band:"):
                self.bands[key[5:]] = self.bands.get(key[5:], 0) + number
        for column in MENTIONED if self.detailed else ():
            if column not in frame.columns:
                continue
            ids = pl.col(column)
            if column == columnar.BEST:
                ids = pl.when(ok).then(ids.fill_null(NO_BEST))
            named = frame.select(ids.str.split(";").explode().drop_nulls().value_counts())
            counted = self.mentions.setdefault(column, {})
            for name, number in named.to_series(0).struct.unnest().rows():
                counted[name] = counted.get(name, 0) + number


    def warn(self, line: str, warn: Callable[[str], None] | None) -> None:
        """A warning of the run: kept for the summary page, and said now when `warn` is given."""
        self.warnings.append(line)
        if warn is not None:
            warn(line)

    def keep_keys(self, frame: pl.DataFrame, blank: pl.Expr) -> None:
        naming = [pl.col(column).fill_null("").str.strip_chars().str.to_lowercase()
                  for column, _header in self.naming if column in frame.columns]
        if naming:
            self.keys.append(frame.with_row_index("__row", offset=self.seen + 1)
                             .filter(~blank.fill_null(False) & pl.any_horizontal(cell != "" for cell in naming))
                             .select("__row", pl.struct(naming).hash().alias("__key")))

    def repeated(self) -> str | None:
        """The rows that name one person more than once (the same cells in every column that names a person: a
        form sent twice?), said by row number and column header only; None when there are none."""
        if not self.keys:
            return None
        groups = (pl.concat(self.keys).group_by("__key", maintain_order=True).agg("__row")
                  .filter(pl.col("__row").list.len() > 1))
        if groups.height == 0:
            return None
        shown = [", ".join(map(str, rows)) for rows in groups["__row"].head(REPEATED_SHOWN).to_list()]
        return ngettext(
            "{count} person is named in more than one row (the same {columns}): rows {rows}; a form sent twice? "
            "Each row is screened and counted",
            "{count} people are named in more than one row (the same {columns}): rows {rows}; forms sent twice? "
            "Each row is screened and counted", groups.height).format(
                count=groups.height, columns=", ".join(header for _column, header in self.naming),
                rows="; ".join(shown) + ("; …" if groups.height > REPEATED_SHOWN else ""))


REPEATED_SHOWN = 10  # groups of rows naming one person that the warning lists (all are counted)
FOLLOW_UP = 200  # error rows the summary lists by row (the rest are counted; the output's error column has all)
MENTIONED = (columnar.FLAGS, columnar.UNDECIDED, columnar.LEADS, columnar.MISSING, columnar.WARNINGS, columnar.BEST)
NO_BEST = "none"  # the best pathway of a readable row with no open pathway, in `BatchSummary.mentions`


def band_labels() -> list[str]:
    edges = list(CRS_BANDS)
    return [f"{low}–{high - 1}" for low, high in itertools.pairwise(edges)] + [f"{edges[-1]}+"]


def match_columns(
    header: list[str], rulebook: Rulebook, column_map: Mapping[str, str] | None = None
) -> tuple[dict[str, int], list[str]]:
    """Question id -> input column index, and the questions with no column (unknown for every row).

    A header names a field when it is the field's id, label or question text, ignoring case, accents,
    punctuation and spacing (`English CLB Reading`, `How old are you today?`); `column_map` (the map's
    `columns:`) names a firm's own headers first. Field ids in the map are checked by `check_map`. A
    question several fields share is read as one of them when its neighbours decide it (`decided_by_neighbours`).
    """
    wanted, shared = header_fields(rulebook), shared_headers(rulebook)
    renamed = {label_key(name): target for name, target in (column_map or {}).items()}
    found: dict[str, int] = {}
    undecided: list[int] = []  # columns headed with a question several fields share
    for index, name in enumerate(header):
        key = label_key(name)
        qid: str | None = renamed.get(key) or wanted.get(key)
        if qid is None and key in shared:
            undecided.append(index)
        if qid is None or qid not in rulebook.questions:  # (a map may name a field only the other rulebook has)
            continue
        if qid in found:
            raise ScreenerError(_("columns '{first}' and '{second}' both hold the field '{id}'").format(
                first=header[found[qid]], second=name, id=qid), exit_code=2)
        found[qid] = index
    if not found and any(name.strip() for name in header):
        raise no_field_matches(header, rulebook)
    found.update(decided_by_neighbours(header, rulebook, found, undecided, shared))
    missing = [qid for qid in rulebook.questions if qid not in found and not _gate_answered(rulebook, qid, found)]
    return found, missing


def decided_by_neighbours(header: list[str], rulebook: Rulebook, found: Mapping[str, int], undecided: list[int],
                          shared: Mapping[str, list[str]]) -> dict[str, int]:
    """Field id -> column, for the columns of `undecided` (headed with a question several fields share:
    "What was your listening score on that test?") that their neighbours decide.

    The anchor is the first column to the left that is not one of `undecided` (so four score columns in a
    row share it), when it is read as a field (`english_test`, or a score already named as English). The
    column is read as the one candidate field asked only after the anchor, or after what the anchor is
    asked after (its `relevant_if` reads it: the English scores read `english_test`, the French ones
    `french_test`). No such anchor, no candidate or two, a field another column holds or that two
    columns would get: the column stays unread, and `ambiguous_columns` says so.
    """
    at = {index: qid for qid, index in found.items()}
    skipped = set(undecided)
    picked: dict[str, list[int]] = {}
    for index in undecided:
        left = index - 1
        while left in skipped:
            left -= 1
        anchor = at.get(left)
        if anchor is None:
            continue
        after = {anchor, *_asked_after(rulebook, anchor)}
        fits = [qid for qid in shared[label_key(header[index])]
                if qid not in found and after & _asked_after(rulebook, qid)]
        if len(fits) == 1:
            picked.setdefault(fits[0], []).append(index)
    return {qid: columns[0] for qid, columns in picked.items() if len(columns) == 1}


def _asked_after(rulebook: Rulebook, question_id: str) -> frozenset[str]:
    """The names a question's `relevant_if` reads: the answers it is asked after."""
    rule = rulebook.rules.questions.get(question_id)
    return rule.relevant_if.names if rule is not None and rule.relevant_if is not None else frozenset()


def ambiguous_columns(header: list[str], rulebook: Rulebook, found: Mapping[str, int],
                      column_map: Mapping[str, str] | None = None, map_option: str = "--map") -> list[str]:
    """One warning per column whose header is the label or question of several fields, that the map does
    not name and its neighbours do not decide: it is read as none of them, so say which fields it could
    be and how to name it."""
    shared = shared_headers(rulebook)
    renamed = {label_key(name) for name in (column_map or {})}
    read = set(found.values())
    lines: list[str] = []
    for index, name in enumerate(header):
        key = label_key(name)
        if key not in shared or key in renamed or index in read:
            continue
        lines.append(_("column '{header}' is the question of {count} fields ({fields}), so it is not read: "
                             "rename it to the field id it holds, or name it in {option} (columns: '{header}': "
                             "FIELD_ID)").format(header=_clip(name), count=len(shared[key]),
                                                 fields=", ".join(shared[key]), option=map_option))
    return lines


@dataclass
class Header:
    """How one rulebook reads an intake's header, the same for `batch` and `rules diff`."""

    found: dict[str, int]  # field id -> input column index
    missing: list[str]  # fields no column holds: unknown on every row
    warnings: list[str]  # the map's columns the input lacks; columns several fields could be


def read_header(header: list[str], rulebook: Rulebook, intake_map: IntakeMap, map_option: str = "--map") -> Header:
    """The input's columns as `rulebook` reads them with `intake_map` (its field ids already checked by
    `check_map`), and what to warn about before any row is read."""
    found, missing = match_columns(header, rulebook, intake_map.columns)
    headers = {label_key(text) for text in header}
    absent = [name for name in intake_map.columns if label_key(name) not in headers]
    mistyped(absent, header, found, intake_map, map_option)
    warnings = [_("{option}: the input has no column '{name}'").format(option=map_option, name=name)
                + did_you_mean(name, header) for name in absent]
    warnings += ambiguous_columns(header, rulebook, found, intake_map.columns, map_option)
    return Header(found, missing, warnings)


def mistyped(absent: list[str], header: list[str], found: Mapping[str, int], intake_map: IntakeMap,
             map_option: str) -> None:
    """A map's header the input lacks that is a slip of the keys for a column nothing reads ("Your agee" for
    "Your age") is a typo: refused with where it is in the map, before any row is read, rather than a run
    with that field unknown on every row. One the input lacks with no such column stays a warning (a firm
    may use one map for several versions of its form)."""
    named = {label_key(name) for name in intake_map.columns}
    unread = {label_key(text): text for index, text in enumerate(header)
              if index not in found.values() and label_key(text) not in named and text.strip()}
    problems = []
    for name in absent:
        slip = slip_of(label_key(name), unread)
        if slip is not None:
            where = intake_map.positions.get(("header", name))
            problems.append((f"{where}: " if where else "") + _(
                "the input has no column '{name}' (did you mean '{column}'?): correct the map and run again").format(
                    name=name, column=unread[slip]))
    if len(problems) == 1:
        raise ScreenerError(f"{map_option}: {problems[0]}", exit_code=2)
    if problems:
        raise ScreenerError(_("{option}: {count} problems in the map").format(option=map_option, count=len(problems)),
                            details=problems, exit_code=2)


HEADER_LIKE = 0.8  # how close (difflib's ratio) a column's text must be to a field's id, label or question


def no_field_matches(header: list[str], rulebook: Rulebook) -> NoFieldError:
    """No column names a field: nothing could be screened. Say which fields the headers look like.

    The first row may be a person's answers (a file exported without its header row), so a column's text
    is shown only when it is close to a field's id, label or question (`HEADER_LIKE`: a real header with
    a typo); otherwise no cell is echoed, and the row is said not to look like a header row.
    """
    import difflib

    def key(text: str) -> str:
        return " ".join(text.lower().replace("_", " ").split())

    names = {qid: [qid, question.short_label, question.prompt] for qid, question in rulebook.questions.items()}
    close: list[tuple[float, int, str, str]] = []
    for position, name in enumerate(header, start=1):
        if not name.strip():
            continue
        score, qid = max((difflib.SequenceMatcher(None, key(name), key(text)).ratio(), qid)
                         for qid, texts in names.items() for text in texts)
        if score >= HEADER_LIKE:
            close.append((score, position, name, qid))
    close.sort(key=lambda guess: -guess[0])
    count = len([name for name in header if name.strip()])
    details = [_("column {position} ('{header}') looks like the field '{id}' ({prompt})").format(
        position=position, header=_clip(name), id=qid, prompt=rulebook.questions[qid].prompt)
        for _score, position, name, qid in close[:5]]
    if not close:
        details.append(ngettext(
            "the first row does not look like a header row: its {count} cell is close to no field's id, label "
            "or question; if the file was saved without its header row, export it again with the header row",
            "the first row does not look like a header row: none of its {count} cells is close to a field's id, "
            "label or question; if the file was saved without its header row, export it again with the header row",
            count).format(count=count))
    details.append(_("a header must be a field id (like 'age'), its label or its question text; name your own "
                     "headers in a map: `screener intake template FOLDER` writes {map} to edit, then "
                     "run again with --map FOLDER/{map}").format(map=MAP_NAME))
    return NoFieldError(ngettext("none of the input's {count} column is a field of the rulebook, so there is "
                                 "nothing to screen",
                                 "none of the input's {count} columns is a field of the rulebook, so there is "
                                 "nothing to screen", count).format(count=count), details=details)


def _clip(text: str, width: int = 60) -> str:
    text = one_line(text)
    return text if len(text) <= width else text[:width - 1] + "…"


def _gate_answered(rulebook: Rulebook, question_id: str, found: Mapping[str, int]) -> bool:
    """A gate question ("any English test?") whose every implied question has its own column.

    Such a gate is read only to imply answers the file already gives (and to order an interview), so
    its absence changes nothing and is not worth a warning.
    """
    if question_id in rulebook.graph.read_by_rules:
        return False  # read by a rule: the gate matters in its own right
    targets = [qid for qid in rulebook.implied if qid != question_id and question_id in rulebook.graph.questions[qid]]
    return bool(targets) and all(target in found for target in targets)


def output_header(header: list[str], compiled: columnar.Compiled) -> list[str]:
    return [*header, *compiled.pathways, *compiled.scores, *columnar.SUMMARY, columnar.ERROR]


def earlier_results(header: list[str], found: Mapping[str, int],
                    compiled: columnar.Compiled) -> tuple[list[int], dict[int, str], list[str]]:
    """The input's columns named like a result column, so that no two output columns share a name:
    (columns left out, columns renamed, the one warning about them).

    A file screened before (it has `best_pathway` and `error`) has its old result columns left out: this
    run's results take their place (the input file keeps the old ones). Otherwise such a column is the
    firm's own (a `notes`-like `flags`): kept, as `flags (input)`, since the result columns' names are the contract.
    """
    results = set(output_header([], compiled))
    fields = set(found.values())
    clashing = [index for index, name in enumerate(header) if name in results and index not in fields]
    if not clashing:
        return [], {}, []
    shown = ", ".join(header[index] for index in clashing[:6]) + (", …" if len(clashing) > 6 else "")
    if {columnar.BEST, columnar.ERROR} <= {header[index] for index in clashing}:
        return clashing, {}, [ngettext(
            "the input already has {count} result column ({names}): screened before? This run's results are "
            "written in its place (the input file keeps the old one)",
            "the input already has {count} result columns ({names}): screened before? This run's results are "
            "written in their place (the input file keeps the old ones)", len(clashing)).format(
                count=len(clashing), names=shown)]
    taken = set(header) | results
    renamed: dict[int, str] = {}
    for index in clashing:  # the same in every language: column names never depend on --lang
        name, number = f"{header[index]} (input)", 2
        while name in taken:
            name, number = f"{header[index]} (input {number})", number + 1
        taken.add(name)
        renamed[index] = name
    return [], renamed, [ngettext(
        "{count} input column has the name of a result column ({names}): written as {renamed}",
        "{count} input columns have the name of a result column ({names}): written as {renamed}",
        len(clashing)).format(count=len(clashing), names=shown, renamed=", ".join(renamed.values()))]


def id_columns(header: list[str], found: Mapping[str, int], names: list[str] | None) -> list[int]:
    """The input columns that say who a row is (`--id`), else every column that is not a field."""
    if not names:
        return [index for index in range(len(header)) if index not in found.values()]
    keys = {label_key(name): index for index, name in reversed(list(enumerate(header)))}
    chosen: list[int] = []
    for name in names:
        index = keys.get(label_key(name))
        if index is None:
            raise ScreenerError(_("--id: the input has no column '{name}'").format(name=name)
                                + did_you_mean(name, header), exit_code=2)
        if index not in chosen:
            chosen.append(index)
    return chosen


# A header word that says a column names the person or the file (English or French), and one that says
# it holds contact details or free text, which never go into a file name.
_NAMING = re.compile(r"\b(id|ids|identifier|identifiant|ref|reference|file|case|client|dossier|matter|number|no|num|"
                     r"numero|name|names|nom|noms|prenom|surname|firstname|lastname|fullname)\b")
_NOT_NAMING = re.compile(r"\b(e ?mail|courriel|phone|telephone|tel|mobile|cell|address|adresse|notes?|comments?|"
                         r"commentaires?|remarks?|remarques?|message|url|link|lien|website|date|timestamp)\b")


def letter_columns(header: list[str], found: Mapping[str, int], names: list[str] | None) -> list[int]:
    """The columns a letter's file name is made of (at most 3): the `--id` columns when given, else the
    columns that are not fields and whose header names the person or the file ("Name", "Client ID",
    "Nom", "Dossier"), never one about contact details or free text ("Email", "Phone", "Notes")."""
    if names:
        return id_columns(header, found, names)[:3]
    keys = [label_key(name) for name in header]
    return [index for index in id_columns(header, found, None)
            if _NAMING.search(keys[index]) and not _NOT_NAMING.search(keys[index])][:3]


def results_first_order(width: int, ids: list[int], results: list[str], left_out: Collection[int] = ()) -> list[str]:
    """Output columns with the results (then `error`) right after the id columns, the other input after
    (without the input columns `left_out`)."""
    rest = [f"in{i}" for i in range(width) if i not in ids and i not in left_out]
    return [*(f"in{i}" for i in ids if i not in left_out), *results, *rest]


PIECES = 2  # query blocks per block read (see `block_bytes`)


def block_rows(threads: int) -> int:
    """How many rows one block of the polars query holds, for `threads` polars threads.

    polars keeps about threads + 2 blocks in flight (`Blocks.room`), each at its widest ~400 columns of
    the block's rows: blocks hold fewer rows as threads grow, so peak memory stays about the same on any
    machine (2 threads: 3,750 rows, ~290 MB at any N). Counted in rows, not bytes, because polars' work
    per block (~25 ms, per expression and block) is the same however long the lines are: a fully quoted
    file gets as few blocks as a plain one.
    """
    return max(1_000, min(6_000, 15_000 // (threads + 2)))


def block_bytes(threads: int, line_bytes: float | None) -> int:
    """How much of the input one read takes, for `threads` polars threads and lines of `line_bytes`.

    `PIECES` query blocks (`block_rows`): reading, coercing and escaping the input cells cost per block
    too (~5 ms of polars' query set-up for the coercion alone), and a block of text cells is small beside
    the ~400 columns of a query block, so they work on reads of several query blocks, which `Blocks`
    splits. Never more than `PIECES` x `csvio.BLOCK_BYTES` (held as input cells).
    """
    if line_bytes is None:
        return csvio.BLOCK_BYTES
    return max(1, min(PIECES * csvio.BLOCK_BYTES, int(PIECES * block_rows(threads) * line_bytes)))


def pieces(height: int, rows: int) -> list[tuple[int, int]]:
    """(offset, length) of the about equal query blocks of at most `rows` rows that a read of `height`
    rows is cut into (no short remainder: a short block costs as much as a full one)."""
    count = max(1, -(-height // max(1, rows)))
    size, longer = divmod(height, count)
    lengths = [size + 1] * longer + [size] * (count - longer)
    return [(sum(lengths[:index]), length) for index, length in enumerate(lengths) if length]


class CsvRows:
    """Output rows as CSV in the input's delimiter; `bom` starts the file with a UTF-8 BOM for Excel.

    A frame with an INPUT column (`Blocks` with `lines`) holds each row's input cells as CSV text already:
    it is written before the `results` columns, each cell made what `write_csv` writes for it (`csv_field`),
    but those of `words` as they are (`unquoted_results`: never quoted, never empty), and the columns are
    written side by side unquoted (not joined into one text a row first: ~40% less CPU for the output).
    """

    def __init__(self, sink: IO[bytes], delimiter: str, bom: bool = False, results: list[str] | None = None,
                 words: Collection[str] = ()) -> None:
        self.sink, self.delimiter, self.bom = sink, delimiter, bom
        self.results = results or []
        self.words = words

    def header(self, names: list[str]) -> None:
        self.sink.write((BOM if self.bom else b"") + header_line(names, self.delimiter))

    def write(self, frame: pl.DataFrame) -> None:
        if INPUT in frame.columns:  # null cells are written empty, as `csv_field` makes them
            cells = [pl.col(name) if name in self.words else csvio.csv_field(pl.col(name), self.delimiter).alias(name)
                     for name in self.results]
            frame.select(pl.col(INPUT), *cells).write_csv(self.sink, include_header=False, quote_style="never",
                                                          separator=self.delimiter)
            return
        frame.write_csv(self.sink, include_header=False, separator=self.delimiter)

    def finish(self) -> None:
        return None


def unquoted_results(rulebook: Rulebook, compiled: columnar.Compiled, delimiter: str) -> set[str]:
    """The result columns whose every cell `write_csv` writes as it is, in a file of `delimiter`: none is
    empty (`non_empty`) and none holds the delimiter, a quote or a line break. Outcomes and score numbers;
    the columns of ids joined with `;` (an id is lower-case letters, digits and `_`) unless `;` is the
    delimiter; the best pathway's title when no pathway's title (as `escape_formulas` writes it) needs quotes."""
    ids = [] if delimiter == ";" else [columnar.FLAGS, columnar.BEST, columnar.LEADS, columnar.MISSING,
                                       columnar.WARNINGS]
    titles = [csvio.escape_formula(pathway.title) for pathway in rulebook.pathways.values()]
    plain = not any(mark in title for title in titles for mark in (delimiter, '"', "\n", "\r"))
    return {*compiled.pathways, *compiled.scores, *ids, *([columnar.BEST_TITLE] if plain else [])}


class XlsxRows:
    """Output rows into an .xlsx workbook; scores as numbers, everything else as the text it is: string cells,
    which a spreadsheet never runs, so the input cells are written unescaped (no `'` added to a phone number)."""

    def __init__(self, sink: IO[bytes], scores: list[str]) -> None:
        from screener.workbook import SheetWriter

        self.writer = SheetWriter(sink)
        self.scores = scores

    def header(self, names: list[str]) -> None:
        self.writer.append([names])  # string cells, as the rows' (`SheetWriter` never writes a formula)

    def write(self, frame: pl.DataFrame) -> None:
        self.writer.append(frame.with_columns(pl.col(self.scores).cast(pl.Float64)).rows())

    def finish(self) -> None:
        self.writer.finish()


def run_batch(
    rulebook: Rulebook,
    source: IO[bytes],
    sink: IO[bytes],
    *,
    as_of: dt.date,
    intake_map: IntakeMap | None = None,
    map_option: str = "--map",
    output_format: str = "csv",
    encoding: str | None = None,
    excel: bool | None = None,
    results_first: bool = False,
    id_names: list[str] | None = None,
    full: bool = False,
    detailed: bool = True,
    each_row: Callable[[int, dict[str, str | None], list[str | None]], None] | None = None,
    progress: Callable[[int], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> BatchSummary:
    """Screen every row of `source` into `sink`; returns the run's summary.

    `intake_map` names the firm's headers and answers (`map_option` is how the person gave it, for
    messages); `output_format` is csv, xlsx or jsonl; `encoding` forces the input's encoding (else detected);
    `excel` starts a CSV with a BOM so that Excel reads it as UTF-8 (None: when the input came from Excel,
    `CsvReader.from_excel`); `results_first` puts the results
    right after the id columns (`id_names`, default: the columns that are not fields); `full` writes the
    whole report per JSONL row instead of the compact record (see `JsonRows`); `detailed` counts the
    flags, leads, warnings, missing answers and best pathways of the summary (what `--summary` shows).
    """
    intake_map = intake_map or IntakeMap()
    check_map(intake_map, rulebook, option=map_option)
    # The CSV output in the input's order writes a plain line's cells as they were read (`Blocks`, `lines`).
    lines = output_format == "csv" and not results_first
    reader = CsvReader(source, encoding=encoding, lines=lines)
    reader.block_bytes = block_bytes(pl.thread_pool_size(), reader.line_bytes())
    columns = read_header(reader.header, rulebook, intake_map, map_option)
    found, missing = columns.found, columns.missing
    compiled = columnar.compile_rulebook(rulebook, as_of)
    score = "crs_score" if "crs_score" in compiled.scores else (compiled.scores[0] if compiled.scores else None)
    summary = BatchSummary(pathways=compiled.pathways, score=score, detailed=detailed)
    for line in [*getattr(source, "notes", []), *columns.warnings]:  # a workbook's sheet read (`SheetAsCsv`)
        summary.warn(line, warn)
    if missing:
        summary.warn(ngettext("{count} field not in the input, treated as unknown: {fields}",
                              "{count} fields not in the input, treated as unknown: {fields}",
                              len(missing)).format(count=len(missing), fields=", ".join(missing)), warn)
    cells = {qid: reader.columns[index] for qid, index in found.items()}
    coercion = columnar.Coercion(list(rulebook.questions.values()), cells)
    coercion.formulas_unknown = hasattr(source, "uncomputed")  # a workbook (`SheetAsCsv`)
    translations = intake_map.translations(cells)
    rows: CsvRows | XlsxRows | None = None
    json_rows: JsonRows | None = None
    if output_format == "xlsx":
        rows = XlsxRows(sink, compiled.scores)
    elif output_format == "csv":
        rows = CsvRows(sink, reader.delimiter, bom=reader.from_excel if excel is None else excel,
                       results=output_header([], compiled),
                       words=unquoted_results(rulebook, compiled, reader.delimiter))
    else:
        json_rows = JsonRows(sink, rulebook, as_of, reader.header, reader.columns, cells,
                             id_columns(reader.header, found, id_names), full=full)
        json_rows.header(summary.warnings)
    left_out, renamed, clash = earlier_results(reader.header, found, compiled) if rows is not None else ([], {}, [])
    for line in clash:
        summary.warn(line, warn)
    header = [renamed.get(index, name) for index, name in enumerate(reader.header)]
    names = output_header(header, compiled)
    if rows is not None:  # the summary names the rows to follow up as letters are named (never email, notes)
        summary.naming = [(f"in{i}", reader.header[i]) for i in letter_columns(reader.header, found, id_names)]
    letter_ids = [reader.columns[i] for i in letter_columns(reader.header, found, id_names)] if each_row else []
    order: list[str] | None = None
    if results_first or left_out:
        ids = id_columns(reader.header, found, id_names) if results_first else []
        order = results_first_order(len(header), ids, names[len(header):], left_out) if results_first \
            else [*(f"in{i}" for i in range(len(header)) if i not in left_out), *names[len(header):]]
        names = [header[int(name[2:])] if name.startswith("in") and name[2:].isdigit() else name
                 for name in order]
    if rows is not None:
        rows.header(names)
    reader.lines = lines = lines and order is None  # old results left out: the lines are not written whole
    if json_rows is not None:
        row_number = 0
        with contextlib.closing(prefetched(reader.chunks())) as chunks:  # closed now, even when interrupted
            for chunk in chunks:
                summary.add(json_rows.write(chunk.frame, translated(chunk.frame, translations), row_number))
                row_number += chunk.frame.height
                if progress is not None:
                    progress(chunk.bytes_read)
        read_warnings(summary, source, coercion, warn)
        return summary
    assert rows is not None
    # a workbook's cells are strings, which never run: kept as they are (`escape`)
    blocks = Blocks(reader, coercion, translations, cells, each_row, letter_ids, progress,
                    escape=output_format != "xlsx", lines=lines,
                    kept=[int(column[2:]) for column, _header in summary.naming])
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="screener-writer") as writer:
        pending: Future[None] | None = None
        try:
            for results in blocks.screened(compiled):
                out = finished(compiled, results, blocks.input_columns(results), order)
                if pending is not None:
                    pending.result()  # one block in flight at most: memory stays flat, order is kept
                pending = writer.submit(rows.write, out)
                summary.add(out, results[columnar.UNDECIDED])
                blocks.done(out.height)
        finally:
            blocks.halt()  # an interrupted run: the reader ends at its next block
        if pending is not None:
            pending.result()
    rows.finish()
    read_warnings(summary, source, coercion, warn)
    return summary



def read_warnings(summary: BatchSummary, source: IO[bytes], coercion: columnar.Coercion,
                  warn: Callable[[str], None] | None) -> None:
    """The run's warnings about cells read as unknown, once the input is read: a workbook's formulas with no
    saved value, where they are and how to fix it; the cells that say "I don't know", counted per field."""
    uncomputed: list[tuple[int, str]] = getattr(source, "uncomputed", [])  # a workbook's (`SheetAsCsv`)
    if uncomputed:
        cells = "; ".join(_("row {row}, column '{column}'").format(row=row, column=column)
                          for row, column in uncomputed[:10]) + ("; …" if len(uncomputed) > 10 else "")
        summary.warn(ngettext(
            "{count} formula has no saved value ({cells}): kept as its text, an answer there is unknown; open the "
            "workbook in Excel and save it (Excel saves each formula's value), then run again",
            "{count} formulas have no saved value ({cells}): kept as their text, an answer there is unknown; open "
            "the workbook in Excel and save it (Excel saves each formula's value), then run again",
            len(uncomputed)).format(count=len(uncomputed), cells=cells), warn)
    if (repeated := summary.repeated()) is not None:
        summary.warn(repeated, warn)
    if coercion.letter_o:  # French o/n, or a letter O typed for 0: which was meant cannot be known
        total = sum(coercion.letter_o.values())
        summary.warn(ngettext(
            "{count} yes/no cell is the letter O, read as yes (French o for oui); if a 0 (no) was meant, correct it: "
            "{fields}",
            "{count} yes/no cells are the letter O, read as yes (French o for oui); if a 0 (no) was meant, correct "
            "them: {fields}", total).format(count=total, fields=", ".join(
                f"{qid} ({n})" for qid, n in coercion.letter_o.items())), warn)
    if coercion.unsure:  # one line for the run: each row's own effect is in its `missing` cell
        total = sum(coercion.unsure.values())
        summary.warn(ngettext(
            "{count} cell says \"I don't know\" ('not sure', 'N/A', '?'…), read as unknown, never as no: {fields}",
            "{count} cells say \"I don't know\" ('not sure', 'N/A', '?'…), read as unknown, never as no: {fields}",
            total).format(count=total, fields=", ".join(f"{qid} ({n})" for qid, n in coercion.unsure.items())), warn)


FAILED = "__error"  # a row's reason it cannot be read (null if it can)
INPUT = "__input"  # a row's input cells as the CSV text the output writes for them (`input_lines`)
FLOW_TIMEOUT = 1.0  # seconds without any block written before one more block may go in flight


class Blocks:
    """The input as one polars query: blocks of typed answers and input cells in, output rows out.

    Reading, the map's labels, coercion (with Python's `answers.coerce` for unusual spellings) and escaping
    the input cells happen read by read in a thread of our own (`prepare`), ahead of polars, and each read
    is cut into query blocks of `rows` rows (`pieces`); the query's source only
    hands the prepared blocks over. (Run inside the source, that Python work held one of polars' few
    worker threads, waiting or computing, and the whole run used about one core.) The rulebook's stages
    and the output columns are one lazy plan, converted once for the whole run and evaluated by polars'
    streaming engine block by block, in order, on every core (`Compiled.applied` drops each column once
    nothing reads it). The input cells stay out of the query and are joined back to its output
    (`input_cells`). `each_row` (letters) is called while preparing, for each readable row; a failure
    there or in reading ends the run with it, raised where the output blocks are read (`screened`).
    """

    def __init__(self, reader: CsvReader, coercion: columnar.Coercion, translations: Mapping[str, Mapping[str, str]],
                 cells: Mapping[str, str], each_row: Callable[[int, dict[str, str | None], list[str | None]], None]
                 | None, letter_ids: list[str], progress: Callable[[int], None] | None,
                 rows: int | None = None, *, escape: bool = True, lines: bool = False,
                 kept: list[int] | None = None) -> None:
        self.reader, self.coercion, self.translations, self.cells = reader, coercion, translations, cells
        self.rows = rows or block_rows(pl.thread_pool_size())  # rows a query block holds
        self.each_row, self.letter_ids, self.progress = each_row, letter_ids, progress
        self.stop = threading.Event()
        self.flow = threading.Condition()
        self.in_flight = 0  # rows handed to polars and not yet written
        self.block_rows = 0  # the most rows a block has had so far (the last one is often short)
        # polars evaluates a block per thread and keeps a block or two more until the next one comes:
        # fewer in flight than that, and it waits for a block that waits for it (until FLOW_TIMEOUT)
        self.room = pl.thread_pool_size() + 2  # blocks in flight
        self.written = 0  # blocks written so far
        self.ready: queue.Queue[pl.DataFrame | None] = queue.Queue()  # prepared blocks; None: no more
        self.inputs: collections.deque[pl.DataFrame] = collections.deque()  # their output cells, in order
        self.failure: BaseException | None = None  # what ended `prepare` early, raised by `screened`
        self.escape = escape  # formula-looking input cells get a leading `'` (CSV); a workbook writes them as strings
        # The input cells of a read of the plain fast path as one INPUT column of CSV lines (`input_lines`),
        # and the cells of `kept` (input column indexes: the summary names error rows by them) beside it.
        self.lines = lines
        self.kept = kept or []

    def halt(self) -> None:
        """No more blocks: preparing ends at its next one (an error or an interrupt downstream)."""
        with self.flow:
            self.stop.set()
            self.flow.notify()

    def done(self, rows: int) -> None:
        """The output of `rows` rows is written: the next blocks may be prepared."""
        with self.flow:
            self.in_flight -= rows
            self.written += 1
            self.flow.notify()

    def wait_for_room(self, rows: int) -> None:
        """Hold preparing while `room` blocks are in flight, so memory stays flat whatever N (polars
        would otherwise take blocks as fast as they come, and its output waits in memory for us).

        Counted in full blocks (a short last block must not wait until its own few rows fit). Never waits
        forever: when no block comes out for FLOW_TIMEOUT, polars is holding every block in flight
        until it gets another (more threads than expected), so one more block is let in, for good.
        """
        with self.flow:
            self.block_rows = max(self.block_rows, rows)
            while self.in_flight > (self.room - 1) * self.block_rows and not self.stop.is_set():
                written = self.written
                if not self.flow.wait(timeout=FLOW_TIMEOUT) and self.written == written:
                    self.room += 1
            self.in_flight += rows

    def schema(self) -> dict[str, Any]:
        typed = {q.id: columnar.answer_dtype(q) for q in self.coercion.questions}
        return {**typed, FAILED: pl.String}

    def prepare(self) -> None:
        """Each block as typed answers, input cells and the reason a row cannot be read (null if it can),
        put in `ready` in input order; then None, also after a failure (kept in `failure`)."""
        row_number = 0
        try:
            with contextlib.closing(prefetched(self.reader.chunks())) as chunks:
                for chunk in chunks:
                    if self.stop.is_set():
                        return
                    inputs, prepared = self.prepared(chunk.frame, row_number)
                    bytes_read = chunk.bytes_read
                    del chunk  # the text cells: only their escaped copy waits for polars
                    row_number += prepared.height
                    for start, rows in pieces(prepared.height, self.rows):
                        self.wait_for_room(rows)
                        if self.stop.is_set():
                            return
                        self.inputs.append(inputs.slice(start, rows))  # before polars can return its rows
                        self.ready.put(prepared.slice(start, rows))
                    if self.progress is not None:
                        self.progress(bytes_read)
        except BaseException as error:  # raised again by `screened`, in the thread that runs the query
            self.failure = error
        finally:
            self.ready.put(None)

    def prepared(self, frame: pl.DataFrame, row_number: int) -> tuple[pl.DataFrame, pl.DataFrame]:
        """A read's output cells (`output_cells`), and its typed answers with the reason a row cannot be
        read (null if it can); calls `each_row` for its readable rows (numbered after `row_number`)."""
        answers = translated(frame, self.translations)
        typed, reasons, inert = self.coercion.read(answers)
        error = frame.select(pl.coalesce(numbered_problem(row_number), pl.lit(reasons)).alias(FAILED))[FAILED]
        if self.each_row is not None:
            readable(self.each_row, answers, error, self.cells, frame, self.letter_ids, row_number)
        inert = inert - set(self.translations)  # the fast path read the map's value, not the cell written out
        inert = inert if self.escape else frozenset(self.reader.columns)
        if self.lines and csvio.TEXT in frame.columns:
            cells = input_lines(frame, self.reader.columns, inert, self.reader.delimiter, self.kept)
        else:
            cells = output_cells(frame, self.reader.columns, inert)
        return cells, pl.DataFrame([*typed.get_columns(), error])

    def source(self, *_: object) -> Iterator[pl.DataFrame]:
        """The query's source: the prepared blocks, in order (waits only while the next is prepared)."""
        while (frame := self.ready.get()) is not None:
            yield frame

    def input_cells(self, rows: int, width: int) -> pl.DataFrame:
        """The next `rows` rows' input cells as output columns (`output_cells`, or `input_lines`).

        They stay out of the polars query (carried through its ~65 stages they cost ~75 MB at 2 cores)
        and are joined back here, row for row: polars returns every row, in order, in batches that
        may merge or split the blocks. Blocks of lines and of cells in one batch (a file whose reads took
        different paths) are all made lines."""
        parts: list[pl.DataFrame] = []
        while rows > 0:
            block = self.inputs.popleft()
            if block.height > rows:
                self.inputs.appendleft(block.slice(rows))
                block = block.head(rows)
            parts.append(block)
            rows -= block.height
        if not parts:
            return pl.DataFrame(schema=dict.fromkeys((f"in{i}" for i in range(width)), pl.String))
        if any(INPUT in part.columns for part in parts) and not all(INPUT in part.columns for part in parts):
            line = csvio.csv_line([f"in{i}" for i in range(width)], self.reader.delimiter).alias(INPUT)
            kept = [f"in{i}" for i in self.kept]
            parts = [part if INPUT in part.columns else part.select(line, *kept) for part in parts]
        return pl.concat(parts)

    def input_columns(self, frame: pl.DataFrame) -> list[str]:
        """The input columns of an output block, as `input_cells` made them."""
        if INPUT in frame.columns:
            return [INPUT, *(f"in{i}" for i in self.kept)]
        return [f"in{i}" for i in range(len(self.reader.columns))]

    def screened(self, compiled: columnar.Compiled) -> Iterator[pl.DataFrame]:
        """Per block, in order: the output columns of `output_columns`, before `missing` is filled in."""
        from polars.io.plugins import register_io_source

        answers = register_io_source(self.source, schema=self.schema())
        width = len(self.reader.columns)
        plan = compiled.applied(answers, keep=[FAILED]).select(output_columns(compiled))
        preparing = threading.Thread(target=self.prepare, name="screener-prepare", daemon=True)
        preparing.start()
        batches = plan.collect_batches(engine="streaming", maintain_order=True)
        try:
            for batch in batches:
                if self.failure is not None:
                    break
                yield pl.concat([self.input_cells(batch.height, width), batch], how="horizontal")
            preparing.join()
            if self.failure is not None:
                raise self.failure
        finally:  # stopped early: let the query end before going on (its threads still read `ready`)
            self.halt()
            with contextlib.suppress(Exception):
                for _ in batches:
                    pass
            preparing.join()


def output_cells(frame: pl.DataFrame, columns: list[str], inert: Collection[str] = (),
                 indexes: Collection[int] | None = None) -> pl.DataFrame:
    """A block's input cells as the output writes them, named in0, in1…: blank as empty, formulas made
    inert (done once per read, not per query block: each `select` costs a query's set-up). The columns of
    `inert` hold no cell a spreadsheet could run (`Coercion.read`): their cells skip the formula test,
    which costs more than anything else done to a cell here. `indexes`: only those columns."""
    return frame.select([(non_empty(pl.col(name)) if name in inert else escape_cells(pl.col(name))).alias(f"in{i}")
                         for i, name in enumerate(columns) if indexes is None or i in indexes])


def input_lines(frame: pl.DataFrame, columns: list[str], inert: Collection[str], delimiter: str,
                kept: list[int]) -> pl.DataFrame:
    """A read's input cells as the CSV text the output writes for them (INPUT), and the cells of `kept`.

    `frame` came from the plain fast path with each line's text (csvio.TEXT): no cell holds the delimiter,
    a quote or a line break, so a line that `unsafe_line` does not match (no formula, no lone CR) is what
    `write_csv` writes for its cells (an empty cell is written empty either way) and is taken as it is:
    writing one text a row costs far less than writing ~80 cells, and the ~80-cell formula test becomes one
    search of the line. The other lines are made from their escaped cells (`output_cells`, `csv_line`)."""
    line = frame.get_column(csvio.TEXT)
    unsafe = line.str.contains(csvio.unsafe_line(delimiter))
    if unsafe.any():
        rows = unsafe.arg_true()
        escaped = output_cells(frame.select(pl.col(columns).gather(rows)), columns, inert)
        line = line.scatter(rows, escaped.select(csvio.csv_line(escaped.columns, delimiter)).to_series())
    return pl.DataFrame([line.alias(INPUT)]).hstack(output_cells(frame, columns, inert, kept))


def output_columns(compiled: columnar.Compiled) -> list[pl.Expr]:
    """The results where the row was read, the error (the input cells are added by `Blocks.input_cells`)."""
    ok = pl.col(FAILED).is_null()
    shown = [name for name in columnar.SUMMARY if name not in (columnar.MISSING, columnar.BEST_TITLE)]
    keys = compiled.waiting.columns if compiled.waiting is not None else []
    return ([pl.when(ok).then(pl.col(p)).alias(p) for p in compiled.pathways]
            + [pl.when(ok).then(columnar.number_text(pl.col(s))).alias(s) for s in compiled.scores]
            + [pl.when(ok).then(non_empty(pl.col(name))).alias(name) for name in [*shown, columnar.UNDECIDED]]
            + [pl.when(ok).then(escape_formulas(pl.col(columnar.BEST_TITLE))).alias(columnar.BEST_TITLE)]  # never run
            + [pl.col(key) for key in keys]
            + [escape_formulas(pl.col(FAILED)).alias(columnar.ERROR)])


def non_empty(column: pl.Expr) -> pl.Expr:
    """Empty text as null (`replace("", None)` would stop polars' streaming engine from streaming)."""
    return pl.when(column != "").then(column)


def finished(compiled: columnar.Compiled, found: pl.DataFrame, inputs: list[str],
             order: list[str] | None) -> pl.DataFrame:
    """A block's output rows in the output's column order after its `inputs` columns, with `missing`
    (computed per distinct key)."""
    missing = compiled.missing(found)
    names = order or [*inputs, *output_header([], compiled)]
    return found.with_columns(pl.when(pl.col(columnar.ERROR).is_null()).then(missing.replace("", None))
                              .alias(columnar.MISSING)).select(names)


def prefetched(chunks: Iterator[T]) -> Generator[T, None, None]:
    """The same items, read one ahead in a thread: polars parses the next block while this one is screened
    (one ahead at most: a read of several query blocks is tens of MB of text cells)."""
    slot: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in chunks:
                if stop.is_set():
                    return
                slot.put(("item", item))
                slot.join()  # taken: read the next (one item ahead at most, not one queued and one more read)
            slot.put(("done", None))
        except BaseException as error:  # handed to the consumer, raised there
            slot.put(("error", error))

    producer = threading.Thread(target=produce, name="screener-reader", daemon=True)
    producer.start()
    try:
        while True:
            kind, value = slot.get()
            slot.task_done()
            if kind == "done":
                return
            if kind == "error":
                raise value
            yield value
            del value  # the consumer is done with it: not kept while the next one is read
    finally:  # stopped early (an error, Ctrl-C): let the reader finish its block and end
        stop.set()
        while producer.is_alive():
            with contextlib.suppress(queue.Empty):
                slot.get(timeout=0.05)
                slot.task_done()


def readable(each_row: Callable[[int, dict[str, str | None], list[str | None]], None], answers: pl.DataFrame,
             errors: pl.Series, cells: Mapping[str, str], frame: pl.DataFrame, ids: list[str], first: int) -> None:
    """Call `each_row(row number, answers by field, id cells)` for every row of the chunk that was read."""
    names = list(cells)
    records = answers.select([pl.col(cells[q]) for q in names]).rows()
    who = frame.select(ids).rows() if ids else [()] * frame.height
    for offset, (record, error) in enumerate(zip(records, errors.to_list(), strict=True)):
        if error is None:
            each_row(first + offset + 1, dict(zip(names, record, strict=True)), list(who[offset]))


def translated(frame: pl.DataFrame, translations: Mapping[str, Mapping[str, str]]) -> pl.DataFrame:
    """The cells a map names (`values:`) replaced by the rulebook's value; the input frame is kept as is.

    Each distinct cell of a mapped column is looked up once, with the same `label_key` as the map.
    """
    if not translations:
        return frame
    changes = []
    for column, keys in translations.items():
        distinct = frame[column].drop_nulls().unique().to_list()
        table = {text: keys[label_key(text)] for text in distinct if label_key(text) in keys}
        if table:
            changes.append(pl.col(column).replace(table))
    return frame.with_columns(changes) if changes else frame


class JsonRows:
    """`--format jsonl`: one JSON object per line, one line per input row, in order.

    Compact (default): a header record first (`"type": "header"`: the rulebook, its disclaimer and
    review lines once, the run's warnings, the ids and titles rows refer to), then per row the
    contract's report keys with ids instead of texts (`rulebook`, `pathways` with each requirement's
    id and status and the next steps, `scores`, `flags`, `leads`, `warnings`, `best_pathway`), plus
    `missing`, the row's `id` cells and `input` cells so it can be joined back to the intake, and
    `error`. `full`: no header; each row carries the complete JSON report of `check --json`.
    Rows are evaluated one by one (`rulebook.evaluate`): the report explains each person anyway.
    """

    def __init__(self, sink: IO[bytes], rulebook: Rulebook, as_of: dt.date, header: list[str], columns: list[str],
                 cells: Mapping[str, str], ids: list[int], *, full: bool = False) -> None:
        self.sink, self.rulebook, self.as_of, self.full = sink, rulebook, as_of, full
        self.names = list(cells)
        self.fields = [cells[qid] for qid in self.names]
        self.columns = columns
        self.keys = input_keys(header)
        self.id_indexes = ids
        self.pathway_ids = list(rulebook.pathways)
        self.score_ids = list(rulebook.scores)

    def header(self, warnings: list[str]) -> None:
        if self.full:
            return
        rulebook = self.rulebook
        in_force = rulebook.at(self.as_of).requirements
        record = {
            "type": "header",
            "rulebook": {"id": rulebook.info.id, "title": rulebook.info.title, "version": rulebook.version,
                         "as_of": self.as_of.isoformat()},
            "disclaimer": rulebook.info.disclaimer,
            "review_due": rulebook.stale(self.as_of),
            "warnings": warnings,
            "input": self.keys,
            "id": [self.keys[index] for index in self.id_indexes],
            "fields": list(rulebook.questions),
            "pathways": {pid: {"title": pathway.title,
                               "requirements": [r.model.id for r in in_force[pid]]}
                         for pid, pathway in rulebook.pathways.items()},
            "scores": {sid: score.title for sid, score in rulebook.scores.items()},
            "flags": {fid: flag.title for fid, flag in rulebook.flags.items()},
            "leads": {lid: lead.title for lid, lead in rulebook.leads.items()},
            "answer_warnings": {wid: warning.title or wid.replace("_", " ")
                                for wid, warning in rulebook.answer_warnings.items()},
        }
        self._line(record)

    def write(self, frame: pl.DataFrame, answers: pl.DataFrame, first_row: int) -> pl.DataFrame:
        """Write the chunk's rows; returns them as output columns (outcomes, scores, ids) for the summary."""
        given = answers.select([*self.fields, numbered_problem(first_row)]).rows()
        inputs = frame.select(self.columns).rows()
        summary_rows: list[dict[str, object]] = []
        for offset, (record, cells) in enumerate(zip(given, inputs, strict=True)):
            row = first_row + offset + 1
            data: dict[str, object] = {} if self.full else {"type": "row"}
            data["row"] = row
            data["id"] = {self.keys[index]: cells[index] for index in self.id_indexes}
            data["input"] = {key: cell for key, cell in zip(self.keys, cells, strict=True) if cell}
            problem = record[-1]
            if problem is None:
                try:
                    report = self.rulebook.evaluate(dict(zip(self.names, record[:-1], strict=True)),
                                                    as_of=self.as_of)
                except AnswerError as error:
                    problem = "; ".join(error.cells)
            if problem is not None:
                data["error"] = problem
                summary_rows.append({columnar.ERROR: problem})
            else:
                data.update(report.to_json() if self.full else report.compact_json())
                if not self.full:
                    data["error"] = None
                summary_rows.append(summary_row(report))
            self._line(data)
        schema = {**dict.fromkeys(self.pathway_ids, pl.String), **dict.fromkeys(self.score_ids, pl.Float64),
                  **dict.fromkeys(columnar.SUMMARY, pl.String), columnar.ERROR: pl.String,
                  columnar.UNDECIDED: pl.String}
        return pl.DataFrame(summary_rows, schema=schema)

    def _line(self, data: Mapping[str, object]) -> None:
        self.sink.write(json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8") + b"\n")


def input_keys(header: list[str]) -> list[str]:
    """The JSON key of each input column: its header, made unique (`Notes (column 7)`) when repeated or blank."""
    seen: dict[str, int] = {}
    for name in header:
        seen[name] = seen.get(name, 0) + 1
    return [name if name.strip() and seen[name] == 1 else f"{name} (column {index + 1})".lstrip()
            for index, name in enumerate(header)]


def summary_row(report: Report) -> dict[str, object]:
    """A readable row's report as the batch output's columns (what `BatchSummary.add` counts)."""
    def joined(ids: list[str]) -> str | None:
        return ";".join(ids) or None

    return {**report.outcomes(), **report.score_values(),
            columnar.FLAGS: joined([flag.id for flag in report.flags]), columnar.BEST: report.best_pathway,
            columnar.BEST_TITLE: report.best_pathway_title, columnar.LEADS: joined([lead.id for lead in report.leads]),
            columnar.MISSING: joined(report.missing),
            columnar.WARNINGS: joined([warning.id for warning in report.warnings]), columnar.ERROR: None,
            columnar.UNDECIDED: joined(sorted(report.flags_undecided))}
