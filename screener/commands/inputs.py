"""The intake options `batch` and `rules diff` share: the same file is read the same way by both."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Annotated

import typer

from screener.errors import NoFieldError, ScreenerError
from screener.i18n import _

MapOption = Annotated[
    str | None,
    typer.Option("--map", metavar="FILE", show_default=False,
                 help="Your form's headers and answers mapped to field ids and values (see `screener intake "
                      "template`)."),
]
EncodingOption = Annotated[
    str | None,
    typer.Option("--encoding", metavar="NAME", show_default=False,
                 help="The input's encoding (default: detected; utf-8, utf-16, cp1252, latin-1, ...)."),
]
SheetOption = Annotated[
    str | None,
    typer.Option("--sheet", metavar="NAME", show_default=False,
                 help="The sheet of an .xlsx input (name or number; default: the one shown when it was saved)."),
]


def check_intake_options(path: str, sheet: str | None, encoding: str | None) -> bool:
    """--sheet and --encoding suit the intake at `path` (said before any rulebook is loaded); True for a workbook."""
    from screener.csvio import encoding_name
    from screener.workbook import is_workbook

    workbook = is_workbook(path)
    if sheet is not None and not workbook:
        raise ScreenerError(_("--sheet: the input is not an .xlsx workbook"), exit_code=2)
    if encoding is not None:
        if workbook:
            raise ScreenerError(_("--encoding: an .xlsx workbook has no text encoding to choose"), exit_code=2)
        encoding_name(encoding)
    return workbook


@contextlib.contextmanager
def opened_intake(path: str, sheet: str | None, workbook: bool) -> Iterator[tuple[IO[bytes], int | None]]:
    """The intake as CSV bytes with its size when known: a file or stdin as is, a workbook's sheet as CSV."""
    from screener.csvio import open_input
    from screener.workbook import SheetAsCsv

    if not workbook:
        with open_input(path) as opened:
            yield opened
        return
    stream = SheetAsCsv(path, sheet)
    try:
        yield stream, None  # type: ignore[misc]
    except NoFieldError as error:  # perhaps the wrong sheet: say which one was read and name the others
        error.details[:0] = stream.notes
        raise
    finally:
        stream.close()


_ANSWER_SUFFIXES = (".yaml", ".yml", ".json")
_FILE_COLUMN = "answer file"
_INTAKE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")
_MAPPING_LINE = re.compile(r"(?:\{|---|[A-Za-z_][\w.-]*[ \t]*:(?:[ \t]|$))")


def is_answer_file(path: str) -> bool:
    """One person's answer file (`check --answers`), not an intake: by its name (.yaml, .yml, .json), else, for
    a name that says neither, by its first line that is not blank or a comment (`age: 30`, `{`, `---`)."""
    if path == "-":
        return False
    lowered = path.lower()
    if lowered.endswith(_ANSWER_SUFFIXES):
        return True
    if lowered.endswith(_INTAKE_SUFFIXES):
        return False
    try:
        with open(path, "rb") as stream:
            start = stream.read(4096)
    except OSError:
        return False  # said when the intake is opened
    for line in start.decode("utf-8-sig", errors="replace").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            return _MAPPING_LINE.match(line) is not None
    return False


def answer_file_as_intake(path: str, options: Mapping[str, object]) -> io.BytesIO:
    """One person's answer file, read as `check --answers` reads it, as a one-row intake CSV of field ids.

    `options`: the intake options given (name -> value); one that only suits an intake is a usage error. The
    file's content is never repeated in an error (`answerfile.read_answer_file`)."""
    import csv  # here only: `check` imports this module too

    from screener.answerfile import read_answer_file
    from screener.intake import scalar_text

    for option, value in options.items():
        if value is not None:
            raise ScreenerError(_("{option}: for an intake CSV or .xlsx; {path} is one person's answer file").format(
                option=option, path=path), exit_code=2)
    found = read_answer_file(Path(path))
    # its row named by the file (a column no rulebook reads, as a firm's "Client ID"), then the answers; "I don't
    # know" (null) is unknown, an empty cell
    cells = {_FILE_COLUMN: Path(path).name, **found.answers, **dict.fromkeys(found.declined, "")}
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(cells)
    writer.writerow(scalar_text(value) for value in cells.values())
    return io.BytesIO(text.getvalue().encode("utf-8"))
