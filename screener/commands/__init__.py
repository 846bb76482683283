"""The commands of `screener`, one module per command family; options shared between them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from screener.errors import ScreenerError

RulesOption = Annotated[
    Path | None,
    typer.Option("--rules", help="Rulebook folder (default: $SCREENER_RULES, else the built-in rules).",
                 show_default=False),
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help="Apply the rules in force on this date (YYYY-MM-DD).",
                 show_default=False),
]


def parse_as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ScreenerError(f"--as-of: '{value}' is not a date (YYYY-MM-DD)", exit_code=2) from None
