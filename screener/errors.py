"""Domain errors: one sentence for the person, optional detail lines, and the exit code to use.

The library raises these; only the command line boundary (`screener.cli.main`) prints them.
"""

from __future__ import annotations


class ScreenerError(Exception):
    """An error meant for the person at the terminal (never a traceback)."""

    exit_code: int = 1

    def __init__(self, message: str, *, details: list[str] | None = None, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []
        if exit_code is not None:
            self.exit_code = exit_code


class NoFieldError(ScreenerError):
    """The input's header names no field of the rulebook: nothing to screen (perhaps the wrong sheet or file)."""

    exit_code = 2
