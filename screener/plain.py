"""Plain text where rich would write it unchanged, without importing rich (~20 ms of a start-up).

A console made by `console.make_console` writes no styles when its stream is not a terminal (and FORCE_COLOR
does not ask for colour); then a line of ordinary characters comes out as it is, and a command that has only
such lines to say (`rules test` when every case passes) writes them itself.
"""

from __future__ import annotations

import os
from typing import TextIO

from screener.i18n import NO_BREAK

NARROW = 0x300  # below the combining marks: every printable character here takes one cell


def styled(stream: TextIO) -> bool:
    """Whether a console on `stream` writes styles: a terminal, or FORCE_COLOR without NO_COLOR."""
    return stream.isatty() or (bool(os.environ.get("FORCE_COLOR")) and "NO_COLOR" not in os.environ)


def pipe_width() -> int:
    """The width a console wraps at when its stream is not a terminal: COLUMNS when it is digits (as rich
    reads it: anything else is ignored, never an error), else 80."""
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() else 80


def plain_width(stream: TextIO) -> int | None:
    """The width a console on `stream` wraps at when it writes no styles; None when it writes styles."""
    return None if styled(stream) else pipe_width()


def as_is(text: str, width: int | None = None) -> bool:
    """Whether rich writes `text` (escaped) unchanged: printable characters one cell wide each (no tab, no
    control character, no `whole` join; French's no-break spaces are one cell too), and within `width` cells
    when it wraps."""
    return (all((char.isprintable() and ord(char) < NARROW) or char in NO_BREAK for char in text)
            and (width is None or len(text) <= width))
