"""The intake options `batch` and `rules diff` share: the same file is read the same way by both."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import IO, Annotated

import typer

from screener.errors import ScreenerError
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
                 help="The sheet of an .xlsx input (name or number; default: the first)."),
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
    finally:
        stream.close()
