"""Consoles configured once: stderr for messages, stdout for results; colour only where it helps."""

from __future__ import annotations

import os
import re
import sys
from typing import IO, Any, cast

from rich.console import Console
from rich.markup import escape

from screener.i18n import _
from screener.plain import pipe_width, styled

JOIN = "\ue000"  # stands for a space inside a command while rich wraps (not whitespace, one cell wide)
WHOLE_MAX = 80  # a longer command cannot stand on one line of the usual screen: it wraps at its spaces
# a JOIN where a folded line ends or starts (a command wider than a narrow terminal): no space is written there
_JOIN_AT_EDGE = re.compile(JOIN + r"((?:\x1b\[[0-9;]*m)*)(?=\n)|(?<=\n)((?:\x1b\[[0-9;]*m)*)" + JOIN)


def whole(command: str) -> str:
    """`command` kept on one line when rich wraps the text around it (the whole command moves to the next
    line): its spaces become JOIN, which every console made here writes back as plain spaces, so what is
    copied from the terminal is the command as typed. A command longer than a line (a long file path) is
    left to wrap at its spaces: moved whole it would only be cut inside a word."""
    return command if len(command) > WHOLE_MAX else command.replace(" ", JOIN)


class _Spaced:
    """A console's stream that writes JOIN back as a space (see `whole`); everything else is the stream's."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        text = _JOIN_AT_EDGE.sub(lambda match: match.group(1) or match.group(2) or "", text)
        return int(self._stream.write(text.replace(JOIN, " ")) or 0)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def make_console(*, stderr: bool = False, width: int | None = None) -> Console:
    """A console that respects NO_COLOR (no colour, whatever else is set), FORCE_COLOR (colour into a
    pipe) and keeps 80 columns when output is not a terminal."""
    stream = sys.stderr if stderr else sys.stdout
    is_tty = styled(stream)
    if width is None and not stream.isatty():
        width = pipe_width()
    return Console(
        file=cast(IO[str], _Spaced(stream)),  # a stream in all but its type
        width=width,
        force_terminal=is_tty,
        no_color="NO_COLOR" in os.environ or not is_tty,
        highlight=False,
        soft_wrap=False,
        emoji=False,
    )


def page(text: str) -> None:
    """`text` through the pager pydoc chooses (MANPAGER, PAGER, less, more); less, unless LESS says
    otherwise, shows the styles (-R), leaves the text on the screen (-X) and quits at once when the text
    fits on one screen (-F), as git does."""
    import pydoc

    unset = "LESS" not in os.environ
    if unset:
        os.environ["LESS"] = "FRX"
    try:
        pydoc.pager(text)
    finally:
        if unset:
            os.environ.pop("LESS", None)


def print_error(message: str, details: list[str] | None = None) -> None:
    """`Error: message` on one line, then any detail lines (e.g. file:line:col problems)."""
    console = make_console(stderr=True)
    label = escape(_("Error:"))
    console.print(f"[bold red]{label}[/] {escape(message)}", soft_wrap=True)
    for line in details or []:
        console.print(f"  {escape(line)}", soft_wrap=True, highlight=False)
