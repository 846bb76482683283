"""Consoles configured once: stderr for messages, stdout for results; colour only where it helps."""

from __future__ import annotations

import os
import sys

from rich.console import Console
from rich.markup import escape

from screener.i18n import _


def make_console(*, stderr: bool = False, width: int | None = None) -> Console:
    """A console that respects NO_COLOR (no colour, whatever else is set), FORCE_COLOR (colour into a
    pipe) and keeps 80 columns when output is not a terminal."""
    stream = sys.stderr if stderr else sys.stdout
    real_tty = stream.isatty()
    is_tty = real_tty or (bool(os.environ.get("FORCE_COLOR")) and "NO_COLOR" not in os.environ)
    if width is None and not real_tty:
        width = int(os.environ.get("COLUMNS", "80") or 80)
    return Console(
        file=stream,
        width=width,
        force_terminal=is_tty,
        no_color="NO_COLOR" in os.environ or not is_tty,
        highlight=False,
        soft_wrap=False,
        emoji=False,
    )


def print_error(message: str, details: list[str] | None = None) -> None:
    """`Error: message` on one line, then any detail lines (e.g. file:line:col problems)."""
    console = make_console(stderr=True)
    label = escape(_("Error:"))
    console.print(f"[bold red]{label}[/] {escape(message)}", soft_wrap=True)
    for line in details or []:
        console.print(f"  {escape(line)}", soft_wrap=True, highlight=False)
