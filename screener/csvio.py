"""Reading intake CSVs the way firms really export them, and writing results that cannot hurt.

Reading: UTF-8 with or without BOM, UTF-16 with a BOM ("Unicode text"), or Windows-1252/Latin-1 (what
Excel's plain "CSV" saves), found by `detect_encoding` or forced with `--encoding`; any other encoding is
turned into UTF-8 as it streams in (`Transcoded`). Lines end with LF, CRLF or a lone CR (old Mac
Excel); a line break inside a quoted cell comes back byte for byte. `,`, `;` or tab (sniffed from the
header); blank lines before the header are skipped. A file that is not text in its encoding is refused
whole, with advice, never half turned into error rows. The file is read in blocks of whole lines and
each block becomes a frame of text cells: blocks without quotes are split by polars, blocks with
well-formed quoted lines are parsed (once) by polars' CSV reader, and only blocks with a broken line fall
back to Python, which recovers record by record, so a long row or an unterminated quote becomes one
error row and every other row stays intact. A row with fewer cells than the header has its missing
trailing cells empty (Excel and Google Sheets leave a row's empty cells out at its end); a row with more
is an error row. An error row's reason names its line in the file (`numbered_problem` adds the row).
Blank lines are skipped (as `csv.DictReader` does); every other line is exactly one row, in order,
except blank rows (every cell empty) at the end:
a blank row between others is kept, marked BLANK_ROW, so output rows line up with the sheet's rows.

Writing: atomically (a temporary file in the same folder, then `os.replace`), so an interrupted run
never leaves a half file that looks complete; devices, FIFOs and `-` are streamed to instead
(`screener.files`). Cells a spreadsheet would execute get a leading `'` (see FORMULA_START).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

import polars as pl

from screener.errors import ScreenerError
from screener.files import atomic_write
from screener.i18n import N_, _, ngettext

BOM = b"\xef\xbb\xbf"
BLOCK_BYTES = 2 * 1024 * 1024
MAX_RECORD_LINES = 20  # a quoted cell may span lines, but not more than this many
LINE, PROBLEM = "__line", "__problem"
TEXT = "__text"  # a line of the fast path as it was read, without its line end (`CsvReader(lines=True)`)
LINE_PROBLEM = N_("line {number} of the file: {problem}")  # an error row's reason (`numbered_problem` adds its row)
# A cell a spreadsheet may run as a formula: one starting with TAB, CR, LF or NUL, or whose first
# non-blank character is = + - or @ (OWASP / ASVS 1.2.10, plus leading blanks some importers trim).
# Negative numbers ("-5") are escaped too: the rule cannot tell "-5" from "-1+cmd|..." safely.
# One pattern for both Python's `re` and polars' regex engine, so both paths agree cell for cell.
_BLANKS = r"\t\n\x0b\x0c\r \u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
FORMULA_START = rf"^(?:[\t\r\n\x00]|[{_BLANKS}]*[=+\-@])"
_FORMULA = re.compile(FORMULA_START)
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
# Excel's first line naming the separator (`sep=;`), which it writes and honours; not a header.
_SEP_LINE = re.compile(rb'"?sep=(.)"?', re.IGNORECASE)
_LONE_CR = re.compile(rb"\r(?!\n)")
_SWAP = bytes.maketrans(b"\r\n", b"\n\r")
_SWAP_TEXT = str.maketrans("\r\n", "\n\r")
_DISGUISES = ("\ue000", "\ue001", "\ue002", "\ue003")  # private-use characters, stand-ins for CR


class CsvError(ScreenerError):
    """The input cannot be read as a CSV at all (no header, not text in its encoding)."""

    exit_code = 2


UNTERMINATED = N_("unterminated quote")
# The `error` cell of a blank row (every cell empty: Excel's saved blank row `,,,`, a workbook's empty row):
# kept as a row, so output rows line up with input rows, but nobody is screened (`batch.BatchSummary`).
BLANK_ROW = N_("blank row: every cell is empty, nobody to screen")
ENCODING_ADVICE = N_("save it as 'CSV UTF-8', or name its encoding with --encoding (e.g. --encoding cp1252)")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_ZIP = b"PK\x03\x04"
# Bytes Windows-1252 leaves undefined: a file holding one is Latin-1 (ISO-8859-1), which defines all 256.
_CP1252_HOLES = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


def encoding_name(name: str) -> str:
    """The Python codec for `--encoding NAME` (`utf8`, `UTF-16`, `windows-1252`, `latin1`, ...)."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise CsvError(_("--encoding: '{name}' is not an encoding (try utf-8, utf-16, cp1252 or latin-1)").format(
            name=name)) from None


def detect_encoding(start: bytes) -> str:
    """The encoding of a file from its first block (a documented heuristic, no guessing library).

    A BOM decides (UTF-8 or UTF-16). Otherwise text that is valid UTF-8 is UTF-8 (a cp1252 file with
    accents is almost never valid UTF-8, and one without accents reads the same either way); anything
    else is Windows-1252, what Excel's plain "CSV" and most Windows exports write, or Latin-1 when it
    holds a byte cp1252 leaves undefined. Valid UTF-8 accents beside invalid bytes mean a file pasted
    together from two encodings: refused, like a file that is valid UTF-8 at the start and not later is
    refused (see `CsvReader`), never read half one way and half another.
    """
    if start.startswith(BOM):
        return "utf-8"
    if start.startswith(_UTF16_BOMS):
        return "utf-16"
    if start.startswith(_ZIP):
        raise CsvError(_("the input is a zip file (an Excel workbook?): give it a .xlsx name, or save it as "
                         "'CSV UTF-8'"))
    if b"\x00" in start[:4096]:
        raise CsvError(_("the input holds NUL bytes: it is not a CSV (UTF-16 without a BOM? use --encoding "
                         "utf-16-le)"))
    try:
        codecs.getincrementaldecoder("utf-8")().decode(start, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if any(ord(char) > 0x7F for char in start.decode("utf-8", errors="ignore")):  # UTF-8 accents beside others
        raise CsvError(_("the input mixes UTF-8 with another encoding; {advice}").format(advice=_(ENCODING_ADVICE)))
    return "latin-1" if _CP1252_HOLES.search(start) else "cp1252"


class Transcoded(io.RawIOBase):
    """A binary stream in some encoding, read as UTF-8 bytes (decoded block by block, never whole).

    A byte that is not text in that encoding is refused with `CsvError`: the whole file, never a row.
    """

    def __init__(self, stream: IO[bytes], encoding: str, start: bytes = b"") -> None:
        super().__init__()
        self.stream = stream
        self.encoding = encoding
        self.decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        self.pending = start
        self.done = False
        self.raw_bytes = 0  # bytes of the original file read so far (for progress)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        """The next UTF-8 bytes; b"" only at the end (a read that ends mid-character reads on)."""
        text = ""
        while not text and not self.done:
            raw = self.pending + self.stream.read(size if size > 0 else BLOCK_BYTES)
            self.pending = b""
            self.raw_bytes += len(raw)
            try:
                text = self.decoder.decode(raw, final=not raw)
            except UnicodeDecodeError:
                raise CsvError(_("the input is not {encoding} text; {advice}").format(
                    encoding=self.encoding, advice=_(ENCODING_ADVICE))) from None
            if not raw:
                self.done = True
        return text.encode("utf-8")

    def readinto(self, buffer: Any) -> int:  # pragma: no cover - read() is what CsvReader calls
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


@dataclass
class Chunk:
    """Rows of text cells (columns c0…), each with its line number and a reason if it is malformed."""

    frame: pl.DataFrame
    bytes_read: int


def cell_columns(count: int) -> list[str]:
    return [f"c{i}" for i in range(count)]


def sniff_delimiter(header: str) -> str:
    """`,` or `;` (or a tab), whichever splits the header line into the most cells outside quotes."""
    counts = {sep: 0 for sep in (",", ";", "\t")}
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class _Swapped:
    """A byte stream read with CR and LF swapped (for files whose lines end with a lone CR)."""

    def __init__(self, stream: _Readable) -> None:
        self.inner = stream

    def read(self, size: int = -1) -> bytes:
        return self.inner.read(size).translate(_SWAP)


class CsvReader:
    """Streams an intake CSV as frames of text cells, one row per non-blank input line or record."""

    def __init__(self, stream: IO[bytes], block_bytes: int | None = None, encoding: str | None = None,
                 *, lines: bool = False) -> None:
        self.block_bytes = block_bytes or BLOCK_BYTES
        # Frames of the plain fast path also hold each line's text (TEXT): `batch` writes it out as it came
        # when no cell of it needs escaping, instead of every cell again.
        self.lines = lines
        self.bytes_read = 0
        first = stream.read(self.block_bytes)
        while len(first) < len(BOM) and (more := stream.read(self.block_bytes)):  # a whole BOM, however small
            first += more
        self.bytes_read += len(first)
        self.encoding = encoding_name(encoding) if encoding else detect_encoding(first)
        # Saved by Excel (a BOM, or Windows-1252/Latin-1/UTF-16): batch's CSV output then starts with a BOM too,
        # so Excel opens it with its accents right (`--no-excel` says otherwise).
        self.from_excel = first.startswith((BOM, *_UTF16_BOMS)) or self.encoding not in ("utf-8", "utf-8-sig")
        source: _Readable = stream
        if self.encoding in ("utf-8", "utf-8-sig"):
            if first.startswith(BOM):
                first = first[len(BOM):]
        else:
            source = Transcoded(stream, self.encoding, first)
            first = source.read(self.block_bytes)
            if first.startswith(BOM):  # UTF-16's BOM, now UTF-8
                first = first[len(BOM):]
        self.source = source
        # Old Mac Excel ends lines with a lone CR. Such a file is read with CR and LF swapped
        # throughout (a byte-for-byte bijection), and the cells are swapped back when yielded.
        while (ending := _LINE_BREAK.search(first)) is None or ending.end() == len(first):
            more = source.read(self.block_bytes)
            self.bytes_read += len(more)
            if not more:
                break
            first += more
        self.swapped = ending is not None and ending.group() == b"\r"
        self.stream: _Readable = _Swapped(source) if self.swapped else source
        if self.swapped:
            first = first.translate(_SWAP)
        # Blank lines before the header (a stray empty first line) are skipped, as between rows, and so is
        # Excel's `sep=;` line, whose separator is then the file's.
        self.header_line_number = 1
        named: str | None = None
        while True:
            while b"\n" not in first:
                more = self.stream.read(self.block_bytes)
                self.bytes_read += len(more)
                if not more:
                    break
                first += more
            header_bytes, newline, first = first.partition(b"\n")
            if named is None and (sep := _SEP_LINE.fullmatch(header_bytes.removesuffix(b"\r").rstrip(b" "))):
                named = sep.group(1).decode("latin-1")
                if named not in (",", ";", "\t"):
                    raise CsvError(_("line {number}: the file's first line says its separator is '{sep}'; screener "
                                     "reads a comma, a semicolon or a tab: save it again as CSV").format(
                                         number=self.header_line_number, sep=named))
                self.from_excel = True
            elif header_bytes.strip() or not newline:
                break
            self.header_line_number += 1
        self.rest = first
        try:
            header_line = header_bytes.decode("utf-8").removesuffix("\r")
        except UnicodeDecodeError:
            raise CsvError(_("the input is not UTF-8 text; {advice}").format(advice=_(ENCODING_ADVICE))) from None
        if not header_line.strip():
            if self.header_line_number > 1:
                raise CsvError(_("the input has only blank lines: the first non-blank line must name the columns"))
            raise CsvError(_("the input is empty: the first line must name the columns"))
        self.delimiter = named or sniff_delimiter(header_line)
        self.cell_end_cr = re.compile(b"\r" + re.escape(self.delimiter.encode("utf-8")))  # see `parse`
        header = self.split(header_line)
        if header is None:
            raise CsvError(_("line {number}: the header (column names) has broken quotes").format(
                number=self.header_line_number))
        self.header = [name.translate(_SWAP_TEXT) for name in header] if self.swapped else header
        self.columns = cell_columns(len(self.header))

    def line_bytes(self) -> float | None:
        """The average length of the lines read after the header so far (None before two whole lines)."""
        lines = self.rest.count(b"\n")
        return (self.rest.rfind(b"\n") + 1) / lines if lines >= 2 else None

    def chunks(self) -> Iterator[Chunk]:
        """Frames of whole records, in input order."""
        carry = self.rest
        line_number = self.header_line_number + 1
        eof = False
        held: list[Chunk] = []  # blank rows not yet followed by a row that is not blank
        while not eof:
            block = self.stream.read(self.block_bytes)
            self.bytes_read += len(block)
            eof = not block
            data = carry + block
            if not eof:
                cut = data.rfind(b"\n")
                if cut < 0:
                    carry = data
                    continue
                data, carry = data[:cut + 1], data[cut + 1:]
            else:
                carry = b""
            if not data:
                continue
            frame, leftover, read_lines = self.parse(data, line_number, eof)
            line_number += read_lines
            carry = leftover + carry
            if frame.height:
                if self.swapped:
                    frame = frame.with_columns(pl.col(self.columns).str.replace_many(["\r", "\n"], ["\n", "\r"]))
                frame, last = self.blanks_marked(frame)
                read = getattr(self.source, "raw_bytes", self.bytes_read)  # of the file as stored
                if last < 0:  # blank rows only: kept until a row after them is not blank
                    held.append(Chunk(frame, read))
                    continue
                yield from held
                held.clear()
                yield Chunk(frame.head(last + 1), read)
                if last + 1 < frame.height:
                    held.append(Chunk(frame.slice(last + 1), read))

    def blanks_marked(self, frame: pl.DataFrame) -> tuple[pl.DataFrame, int]:
        """The rows with every cell empty marked with BLANK_ROW as their problem, and the index of the last
        row that is not blank (-1: none). Blank rows after the last one that is not (Excel's used range
        running past the data) are no rows at all, as blank lines are; blank rows between are kept."""
        # Narrowed column by column to the rows blank so far: most blocks have no blank row and are done after a
        # column or two (a test of every cell of a block cost ~1 µs a row where a first cell is often empty).
        first = frame.get_column(self.columns[0])
        rows = (first.is_null() | (first == "")).arg_true()
        for name in self.columns[1:]:
            if not rows.len():
                break
            cells = frame.get_column(name).gather(rows)
            rows = rows.filter(cells.is_null() | (cells == ""))
        if not rows.len():
            return frame, frame.height - 1
        blank = pl.repeat(False, frame.height, dtype=pl.Boolean, eager=True).scatter(rows, True)
        kept = (~blank).arg_true()
        frame = frame.with_columns(pl.when(blank).then(pl.lit(_(BLANK_ROW))).otherwise(pl.col(PROBLEM)).alias(PROBLEM))
        return frame, kept[-1] if kept.len() else -1

    # -- one block of whole lines

    def parse(self, data: bytes, first_line: int, eof: bool) -> tuple[pl.DataFrame, bytes, int]:
        """The rows of `data`, the bytes of a record that may continue in the next block and the number of
        line ends read (before those bytes)."""
        newlines = data.count(b"\n")
        # A blank line is a row of empty cells to polars, which the separator count (`read_plain`, `read_quoted`)
        # refuses when there are two columns or more; a one-column block is looked through for one.
        clean = not data.startswith((b"\n", b"\r", BOM)) and (
            len(self.columns) > 1 or (b"\n\n" not in data and b"\n\r\n" not in data))
        if clean:
            # polars lets the last line have one (empty) cell too many when it has no line end: it is given one
            whole = data if data.endswith(b"\n") else data + b"\n"
            count = newlines + (0 if whole is data else 1)
            frame = (self.read_plain(whole, first_line, count) if b'"' not in data
                     else self.read_quoted(whole, first_line, count))
            if frame is not None:
                return frame, b"", newlines
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = first_line + data.count(b"\n", 0, error.start)
            raise CsvError(_("line {number} is not UTF-8 text (the lines before it are): the file mixes encodings; "
                             "{advice}").format(number=line, advice=_(ENCODING_ADVICE))) from None
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if '"' not in text:
            return self.split_plain(lines, first_line), b"", newlines
        frame, stop = self.recover(lines, first_line, eof)
        if stop is None:
            return frame, b"", newlines
        offset = 0
        for _line in range(stop):
            offset = data.index(b"\n", offset) + 1
        return frame, data[offset:], stop

    def cell_bytes(self, cells: pl.DataFrame) -> int:
        """The bytes of all the cells of a frame (~0.1 µs a row: the lengths are polars', no text is read)."""
        return sum(cells.select(pl.col(self.columns).str.len_bytes().sum()).row(0))

    def read_plain(self, data: bytes, first_line: int, lines: int) -> pl.DataFrame | None:
        """The fast path: no quotes, no blank lines, every line (of `lines`) with the header's cells (else None).

        polars refuses a line with too many cells but pads a short one silently, so the block's separators
        must also be exactly rows x (columns - 1). They are not counted (~0.5 µs a row) but found from the
        lengths: every byte of such a block is a cell's, a separator or a line end (LF, or the CR of a CRLF),
        so the lines' text less the cells is the separators. The lines' text is TEXT's (when asked for and
        free of CRs: then each CR was a CRLF's), or the block less its line ends (`line_end_crs`).
        `tests/test_csv_fast_path.py` pins these behaviours.
        """
        try:
            cells = pl.read_csv(data, has_header=False, separator=self.delimiter, quote_char=None,
                                schema=dict.fromkeys(self.columns, pl.String), empty_string_is_null=False)
        except pl.exceptions.PolarsError:
            return None
        if cells.height != lines:
            return None
        texts = self.texts(data, cells.height)
        if texts and not texts[0].str.contains("\r", literal=True).any():
            text_bytes = texts[0].str.len_bytes().sum()
        elif (crlfs := self.line_end_crs(data)) is not None:
            text_bytes = len(data) - lines - crlfs
        else:
            return None
        if text_bytes - self.cell_bytes(cells) != lines * (len(self.columns) - 1):
            return None
        return cells.with_columns(
            pl.int_range(first_line, first_line + cells.height, dtype=pl.Int64).alias(LINE),
            pl.lit(None, dtype=pl.String).alias(PROBLEM),
            *texts,
        )

    def line_end_crs(self, data: bytes) -> int | None:
        """The CRs polars drops from the line ends of `data` (CRLF's, one a line at most); None when it would drop
        one that ends a cell too (`a\r,b`), where Python keeps it. Other CRs (lone ones inside cells) are data."""
        if b"\r" not in data:
            return 0
        if _LONE_CR.search(data) is None:
            return data.count(b"\r")
        return None if self.cell_end_cr.search(data) else data.count(b"\r\n")

    def texts(self, data: bytes, rows: int) -> list[pl.Series]:
        """[TEXT: each line of `data` as polars reads its cells, without the line end], when asked for
        (`lines`). Read by polars as one cell a line (a separator the block does not hold, no quotes): it
        drops the CR of CRLF as it does for the cells (~0.2 µs a row; splitting in Python cost ~0.8)."""
        if not self.lines or self.swapped or data.startswith(BOM):  # polars would drop a BOM there
            return []
        separator = next((char for char in "\x1f\x1e\x1d\x1c" if char.encode() not in data), None)
        if separator is None:
            return []
        text = pl.read_csv(data, has_header=False, separator=separator, quote_char=None,
                           schema={TEXT: pl.String}, empty_string_is_null=False).get_column(TEXT)
        return [text] if text.len() == rows else []

    def numbered(self, lines: list[str], first_line: int) -> pl.DataFrame:
        frame = pl.DataFrame({"text": pl.Series(lines, dtype=pl.String)}).with_columns(
            pl.col("text").str.strip_suffix("\r"),
            pl.int_range(first_line, first_line + len(lines), dtype=pl.Int64).alias(LINE),
        )
        return frame.filter(pl.col("text") != "")

    def split_plain(self, lines: list[str], first_line: int) -> pl.DataFrame:
        """Lines without any quote: split by polars; a line with too many cells is an error row (a short one's
        missing trailing cells are empty: polars' `splitn` leaves them null)."""
        frame = self.numbered(lines, first_line)
        count = len(self.columns)
        fields = pl.col("text").str.count_matches(self.delimiter, literal=True) + 1
        return frame.select(
            pl.col("text").str.splitn(self.delimiter, count).struct.rename_fields(self.columns).alias("cells"),
            pl.col(LINE),
            _field_count_problem(fields, count).alias(PROBLEM),
        ).unnest("cells").select([*self.columns, LINE, PROBLEM])

    def read_quoted(self, data: bytes, first_line: int, lines: int) -> pl.DataFrame | None:
        """Well-formed quoted `lines`, parsed once by polars; None when some line needs Python's recovery.

        polars refuses a stray or unterminated quote and a line with too many cells, and reads a quoted
        line break as part of its cell (fewer rows than lines: no record may span lines here). It pads a
        short line silently, so the block's separators outside quotes (all of them, less those inside
        cells) must be exactly rows x (columns - 1). polars drops a CR ending a cell (`"a"\r,b`), Python keeps
        it. `tests/test_hostile_files.py` and `tests/test_csv_fast_path.py` pin these behaviours.
        """
        if b"\r" in data and self.cell_end_cr.search(data):
            return None
        try:
            cells = pl.read_csv(data, has_header=False, separator=self.delimiter, quote_char='"',
                                schema=dict.fromkeys(self.columns, pl.String), empty_string_is_null=False)
        except pl.exceptions.PolarsError:
            return None
        if cells.height != lines:
            return None
        fields, texts, counted = lines * (len(self.columns) - 1), [], False
        if self.lines:
            # Quotes taken off, the block is its cells joined when every line has all its fields and no cell holds
            # a quote or the delimiter. Counted, not looked for: the cells' bytes are the quote-free block's less
            # its field delimiters and line ends, less one a quote a cell holds (a `""` inside is one in the cell
            # and none here) and a field short (the delimiter count then shows one a cell holds); a lone CR
            # in a cell counts as a line end, so no text then.
            bare = data.translate(None, b'"')
            line_ends = lines + data.count(b"\r")
            counted = (bare.count(self.delimiter.encode("utf-8")) == fields
                       and len(bare) - line_ends - fields == self.cell_bytes(cells))
            texts = self.texts(bare, cells.height) if counted else []
        if not counted:
            inside = cells.select(pl.col(self.columns).str.count_matches(self.delimiter, literal=True).sum()).row(0)
            if data.count(self.delimiter.encode("utf-8")) - sum(inside) != fields:
                return None
        return cells.with_columns(
            pl.int_range(first_line, first_line + cells.height, dtype=pl.Int64).alias(LINE),
            pl.lit(None, dtype=pl.String).alias(PROBLEM),
            *texts,
        )

    def recover(
        self, lines: list[str], first_line: int, eof: bool
    ) -> tuple[pl.DataFrame, int | None]:
        """Record by record in Python: each broken line becomes its own error row, the rest stay intact."""
        rows: list[list[str | None]] = []
        numbers: list[int] = []
        problems: list[str | None] = []
        index = 0
        while index < len(lines):
            line = lines[index].removesuffix("\r")
            number = first_line + index
            if line == "":
                index += 1
                continue
            used, cells, problem = self.record(lines, index)
            if used == 0:  # the record may continue past this block
                if not eof:
                    return self.frame(rows, numbers, problems), index
                used, cells, problem = 1, self.naive(line), _(UNTERMINATED)
            rows.append(cells)
            numbers.append(number)
            problems.append(_(LINE_PROBLEM).format(number=number, problem=problem) if problem else None)
            index += used
        return self.frame(rows, numbers, problems), None

    def record(self, lines: list[str], start: int) -> tuple[int, list[str | None], str | None]:
        """(lines used, cells, problem) for the record starting at `start`; 0 lines: needs more input."""
        count = len(self.columns)
        line = lines[start].removesuffix("\r")
        if line.count('"') % 2 == 0:
            cells = self.split(line)
            if cells is None:
                return 1, self.naive(line), _("broken quotes")
            return 1, _fit(cells, count, self.delimiter), _field_count_message(len(cells), count)
        for end in range(start + 1, min(start + MAX_RECORD_LINES, len(lines))):
            joined = "\n".join(lines[start:end + 1]).removesuffix("\r")  # CRLF inside a cell is kept
            if joined.count('"') % 2 == 0:
                cells = self.split(joined)
                if cells is not None and len(cells) == count:
                    return end - start + 1, list(cells), None
                break
        else:
            if start + MAX_RECORD_LINES > len(lines):
                return 0, [], None
        return 1, self.naive(line), _(UNTERMINATED)

    def split(self, text: str) -> list[str] | None:
        """The cells of one record, or None when its quotes are broken.

        A lone CR is data (only LF, or CRLF, ends a line here), but Python's csv module would take it
        for a line end, so it is parsed in disguise.
        """
        disguise = "\r" in text and next((c for c in _DISGUISES if c not in text), None)
        if disguise:
            text = text.replace("\r", disguise)
        try:
            cells = next(csv.reader([text], delimiter=self.delimiter, strict=True))
        except (csv.Error, StopIteration):
            return None
        return [cell.replace(disguise, "\r") for cell in cells] if disguise else cells

    def naive(self, line: str) -> list[str | None]:
        """The cells of a broken line, split without quote rules, so its text is kept."""
        return _fit(line.split(self.delimiter), len(self.columns), self.delimiter)

    def frame(self, rows: list[list[str | None]], numbers: list[int], problems: list[str | None]) -> pl.DataFrame:
        data: dict[str, pl.Series] = {
            name: pl.Series(name, [row[i] for row in rows], dtype=pl.String) for i, name in enumerate(self.columns)
        }
        data[LINE] = pl.Series(LINE, numbers, dtype=pl.Int64)
        data[PROBLEM] = pl.Series(PROBLEM, problems, dtype=pl.String)
        return pl.DataFrame(data)


def _fit(cells: list[str], count: int, delimiter: str) -> list[str | None]:
    """Exactly `count` cells: short rows padded with empty cells, extra cells kept in the last one."""
    if len(cells) > count:
        return [*cells[:count - 1], delimiter.join(cells[count - 1:])] if count else []
    return [*cells, *([None] * (count - len(cells)))]


def _field_count_text(found: int) -> str:
    """The message for a row of `found` cells, in the reader's language, its placeholders still to fill."""
    return ngettext("{found} cell, expected {count} (the header's)", "{found} cells, expected {count} (the header's)",
                    found)


def _field_count_message(found: int, count: int) -> str | None:
    """Too many cells is a problem; too few is not (the missing trailing cells are empty)."""
    return None if found <= count else _field_count_text(found).format(found=found, count=count)


def _field_count_problem(fields: pl.Expr, count: int) -> pl.Expr:
    """`_field_count_message` with its line number, as a polars expression (more cells than the header's
    one are at least 2: the plural form, in English and French)."""
    message = _format(_(LINE_PROBLEM), number=pl.col(LINE),
                      problem=_format(_field_count_text(2), found=fields, count=pl.lit(count)))
    return pl.when(fields <= count).then(pl.lit(None, dtype=pl.String)).otherwise(message)


def numbered_problem(first_row: int) -> pl.Expr:
    """A frame's PROBLEM (its rows numbered after `first_row`) with the row number put first, as the
    summary and the letters count rows (1 = the first row under the header): "row 1, line 2 of the file:
    …". A blank row's mark stays as it is."""
    row = pl.int_range(first_row + 1, first_row + 1 + pl.len(), dtype=pl.Int64)
    problem = pl.col(PROBLEM)
    return (pl.when(problem != _(BLANK_ROW)).then(_format(_("row {row}, {problem}"), row=row, problem=problem))
            .otherwise(problem).alias(PROBLEM))


def _format(template: str, **values: pl.Expr) -> pl.Expr:
    """`template.format(**values)` for polars expressions, so a translation may reorder the placeholders."""
    parts = re.split(r"\{(\w+)\}", template)
    return pl.concat_str([values[part].cast(pl.String) if odd else pl.lit(part.replace("{{", "{").replace("}}", "}"))
                          for odd, part in ((i % 2 == 1, part) for i, part in enumerate(parts)) if odd or part])


# ------------------------------------------------------------------------------------ writing


def is_formula(text: str) -> bool:
    """Whether a spreadsheet would run this cell as a formula (see FORMULA_START)."""
    return _FORMULA.match(text) is not None


def escape_formula(text: str) -> str:
    """A cell a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    return "'" + text if is_formula(text) else text


def escape_formulas(column: pl.Expr) -> pl.Expr:
    return pl.when(column.str.contains(FORMULA_START)).then(pl.lit("'") + column).otherwise(column)


def escape_cells(column: pl.Expr) -> pl.Expr:
    """Input cells as output: empty as null, formulas made inert (one pass; ~20% less CPU than two)."""
    return pl.when(column == "").then(pl.lit(None, dtype=pl.String)).otherwise(escape_formulas(column))


def csv_field(column: pl.Expr, delimiter: str) -> pl.Expr:
    """A text cell as polars' `write_csv` writes it (quoted when it holds the delimiter, a quote, CR or LF, or
    is empty; null as nothing), so that rows can be joined into lines and written whole."""
    special = "[" + re.escape(delimiter) + '"\\n\\r]'
    quoted = pl.lit('"') + column.str.replace_all('"', '""', literal=True) + pl.lit('"')
    return pl.when(column.str.contains(special) | (column == "")).then(quoted).otherwise(column).fill_null("")


def csv_line(columns: list[str], delimiter: str) -> pl.Expr:
    """Text cells as one CSV line (without its line end), as `write_csv` writes them."""
    return pl.concat_str([csv_field(pl.col(name), delimiter) for name in columns], separator=delimiter)


def unsafe_line(delimiter: str) -> str:
    """A pattern found in a line of unquoted cells (TEXT) when one of them needs escaping (FORMULA_START)
    or quoting (a lone CR): a line without it is written out as it was read."""
    sep = re.escape(delimiter)
    blanks, start = (_BLANKS.replace(r"\t", ""), r"\x00") if delimiter == "\t" else (_BLANKS, r"\t\x00")
    return rf"[\r\n]|(?:^|{sep})(?:[{start}]|[{blanks}]*[=+\-@])"


def header_line(names: list[str], delimiter: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerow([escape_formula(n) for n in names])
    return buffer.getvalue().encode("utf-8")


@contextlib.contextmanager
def atomic_output(path: str, *, private: bool = True, option: str = "--output") -> Iterator[IO[bytes]]:
    """A binary stream to `path` that appears only when complete (see `screener.files`: '-' is stdout,
    devices and FIFOs are streamed to, never replaced). The file is owner-only (0600), unless `private=False`
    (a new file then gets 0666 less the umask, a replaced one keeps its own)."""
    target = Path(path)
    if path != "-":
        if target.is_dir():
            raise ScreenerError(_("{option}: {message}").format(option=option, message=_(
                "{path}: is a folder; give a file name for the output").format(path=path)), exit_code=2)
        folder = target.parent if str(target.parent) else Path(".")
        if not folder.is_dir():
            raise ScreenerError(_("{option}: {message}").format(option=option, message=_(
                "{path}: the folder {folder} does not exist").format(path=path, folder=folder)), exit_code=2)
    with atomic_write(path, suffix=".partial", private=private, option=option) as stream:
        yield stream


@contextlib.contextmanager
def open_input(path: str) -> Iterator[tuple[IO[bytes], int | None]]:
    """The input as a binary stream, with its size when known ('-' is stdin)."""
    import sys

    if path == "-":
        yield sys.stdin.buffer, None
        return
    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        raise ScreenerError(_("{path}: no such file").format(path=path), exit_code=2) from None
    except IsADirectoryError:
        raise ScreenerError(_("{path}: is a folder, not a CSV file").format(path=path), exit_code=2) from None
    except PermissionError:
        raise ScreenerError(_("{path}: permission denied").format(path=path), exit_code=2) from None
    with stream:
        yield stream, os.fstat(stream.fileno()).st_size
