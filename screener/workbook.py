"""Excel workbooks (.xlsx) in and out of `screener batch`, through openpyxl (the `xlsx` extra).

Reading turns one sheet into the UTF-8 CSV text the CSV reader already handles (`SheetAsCsv`), row by
row in openpyxl's read-only mode, so memory stays flat and every rule of the CSV path (header
matching, error rows, formula escaping) applies unchanged. Cells become the text a person sees:
whole numbers without `.0`, dates as YYYY-MM-DD, TRUE/FALSE as yes/no. A blank row between rows is
kept as a row of empty cells (marked blank by the reader); blank rows after the last one are dropped.

Writing appends rows to a write-only workbook (openpyxl keeps them in a temporary file, not in
memory) and saves it into the output stream at the end, which the caller writes atomically.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import IO, Any

from screener.errors import ScreenerError
from screener.i18n import N_, _, format_number, ngettext

EXCEL_MAX_ROWS = 1_048_576
_INSTALL = N_("reading and writing .xlsx needs openpyxl: pip install 'screener[xlsx]'")


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise ScreenerError(_(_INSTALL), exit_code=2) from None
    return openpyxl


def require_openpyxl(option: str) -> None:
    """Said before anything is read or screened: an .xlsx input or output (`option`: the option or the
    file that names it) needs the `xlsx` extra."""
    try:
        import openpyxl  # noqa: F401 - loaded now, used when the workbook is read or written
    except ImportError:
        raise ScreenerError(_("{option}: {message}").format(option=option, message=_(_INSTALL)), exit_code=2) from None


def is_workbook(path: str) -> bool:
    """An .xlsx/.xlsm name, or a file that starts like one (a zip), whatever its name."""
    if path == "-":
        return False
    if path.lower().endswith((".xlsx", ".xlsm")):
        return True
    try:
        with open(path, "rb") as stream:
            return stream.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def cell_text(value: Any) -> str:
    """A cell as the text a person reads in Excel (what the CSV path then coerces)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):  # as Excel shows it, to 15 significant digits: a computed 44000.00000000001
        shown = format(value, ".15g")  # is 44000, an average's 6.499999999999999 is 6.5 (never as 1e+15)
        return str(value) if "e" in shown else shown
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def shown_sheet(book: Any) -> Any:
    """The sheet Excel shows on opening (the active one, as last saved), else the first: a workbook's data is
    often behind an "Instructions" sheet, and the person saved it with the data in view."""
    active = book.active
    return active if any(active is sheet for sheet in book.worksheets) else book.worksheets[0]


def sheet_note(read: str, others: list[str]) -> str:
    return ngettext("read the sheet '{sheet}' (the one shown when the workbook was saved); it also has the sheet "
                    "{others}: choose a sheet with --sheet NAME",
                    "read the sheet '{sheet}' (the one shown when the workbook was saved); it also has the sheets "
                    "{others}: choose a sheet with --sheet NAME", len(others)).format(
                        sheet=read, others=", ".join(_("'{name}'").format(name=name) for name in others))


class SheetAsCsv(io.RawIOBase):
    """One sheet of a workbook, read as UTF-8 CSV bytes (comma-separated, quoted as needed)."""

    def __init__(self, path: str, sheet: str | None = None) -> None:
        super().__init__()
        openpyxl = _openpyxl()
        try:
            self.file = open(path, "rb")  # noqa: SIM115 - closed in close(); a stream, so any name will do
        except FileNotFoundError:
            raise ScreenerError(_("{path}: no such file").format(path=path), exit_code=2) from None
        try:
            self.book = openpyxl.load_workbook(self.file, read_only=True, data_only=True)
            # The same sheet with its formulas, read alongside: a formula cell with no saved value (a file
            # written by a program, never opened in Excel) keeps its formula text instead of going blank.
            self.formula_file = open(path, "rb")  # noqa: SIM115 - closed in close()
            self.formula_book = openpyxl.load_workbook(self.formula_file, read_only=True, data_only=False)
        except Exception as error:  # a corrupt or foreign zip: openpyxl raises many kinds
            self.file.close()
            if hasattr(self, "formula_file"):
                self.formula_file.close()
            raise ScreenerError(_("{path}: not a readable .xlsx workbook ({reason})").format(
                path=path, reason=type(error).__name__), exit_code=2) from None
        names = list(self.book.sheetnames)
        self.notes: list[str] = []  # which sheet was read, when the workbook has others (a warning of the run)
        if sheet is None:
            chosen = shown_sheet(self.book)
            others = [name for name in names if name != chosen.title]  # the sheets not read
            if others:
                self.notes.append(sheet_note(chosen.title, others))
        elif sheet in names:
            chosen = self.book[sheet]
        elif sheet.isdigit() and 1 <= int(sheet) <= len(names):
            chosen = self.book.worksheets[int(sheet) - 1]
        else:
            self.close()
            raise ScreenerError(_("--sheet: the workbook has no sheet '{sheet}' (its sheets: {names})").format(
                sheet=sheet, names=", ".join(names)), exit_code=2)
        self.rows: Iterator[tuple[Any, ...]] = chosen.iter_rows(values_only=True)
        self.formulas: Iterator[tuple[Any, ...]] = self.formula_book[chosen.title].iter_rows(values_only=True)
        self.header: list[str] = []
        self.row = 0  # data rows read (1 = the first row under the header), blank ones included
        self.uncomputed: list[tuple[int, str]] = []  # (row, column header) of formulas with no saved value
        self.pending = b"\xef\xbb\xbf"  # Excel's own file: read as a CSV with a BOM, so a CSV output gets one
        self.width: int | None = None
        self.gap = 0  # blank rows read since the last row that is not blank

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        wanted = size if size > 0 else 1 << 20
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        out = [self.pending]
        length = len(self.pending)
        for row, formulas in zip(self.rows, self.formulas, strict=False):
            cells = [cell_text(value) for value in row]
            for index, (value, formula) in enumerate(zip(row, formulas, strict=False)):
                if value is None and isinstance(formula, str) and formula.startswith("="):
                    cells[index] = formula
                    if self.width is not None:
                        self.uncomputed.append((self.row + self.gap + 1, self.header[index] if index < len(
                            self.header) else str(index + 1)))
            if not any(cells):  # a blank row, written as Excel's CSV writes it (`,,,`) if a row follows it
                self.gap += self.width is not None  # (before the header: skipped, as blank lines are)
                continue
            if self.width is None:  # the header decides the width; trailing empty header cells are dropped
                while cells and cells[-1] == "":
                    cells.pop()
                self.width = len(cells)
                self.header = cells
                self.row = -1  # the header is not a data row
            elif len(cells) > self.width and not any(cells[self.width:]):
                cells = cells[:self.width]  # empty cells past the header: formatting, not data
            if self.gap:
                writer.writerows([[""] * (self.width or 1)] * self.gap)
                self.row += self.gap
                self.gap = 0
            writer.writerow(cells)
            self.row += 1
            text = buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            out.append(text)
            length += len(text)
            if length >= wanted:
                break
        data = b"".join(out)
        self.pending = data[wanted:]
        return data[:wanted]

    def close(self) -> None:
        self.book.close()
        self.formula_book.close()
        self.file.close()
        self.formula_file.close()
        super().close()


class SheetWriter:
    """Output rows into a one-sheet workbook, saved into `stream` by `finish()`."""

    def __init__(self, stream: IO[bytes]) -> None:
        openpyxl = _openpyxl()
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

        self.illegal = ILLEGAL_CHARACTERS_RE  # control characters a workbook cannot hold
        self.cell, self.error_codes = WriteOnlyCell, ERROR_CODES
        self.stream = stream
        self.book = openpyxl.Workbook(write_only=True)
        self.sheet = self.book.create_sheet("screened")
        self.count = 0

    def append(self, rows: list[list[Any]] | list[tuple[Any, ...]]) -> None:
        if self.count + len(rows) > EXCEL_MAX_ROWS:
            raise ScreenerError(_("the output has more rows than an Excel sheet holds ({limit}); write a .csv "
                                  "instead").format(limit=format_number(EXCEL_MAX_ROWS)), exit_code=1)
        for row in rows:
            self.sheet.append(["" if cell is None else self.text(cell) if isinstance(cell, str) else cell
                               for cell in row])
        self.count += len(rows)

    def text(self, value: str) -> Any:
        """A string cell, always: openpyxl would store `=…` as a formula and `#N/A` as an error value."""
        value = self.illegal.sub("", value)
        if value[:1] not in ("=", "#"):
            return value
        cell = self.cell(self.sheet, value=value)
        cell.data_type = "s"
        return cell

    def finish(self) -> None:
        self.book.save(self.stream)
