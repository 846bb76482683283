"""The commands of `screener`, one module per command family; options shared between them."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from screener import i18n
from screener.errors import ScreenerError
from screener.i18n import _

if TYPE_CHECKING:
    from screener.rulebook import Rulebook


def _activate_lang(value: str | None) -> str | None:
    """`--lang` overrides the language the environment chose (eager: the command's own errors speak it)."""
    if value is not None:
        i18n.activate(i18n.choose_language(value, {}), process=True)
    return value



# The cyclic garbage collector at a command's start. What is built then (typer's parameters and their
# pydantic validators, the modules a command imports, its rulebook) lives until the command ends, so a
# collection would only walk it for nothing: ~10^5 objects, each time. `start_up` pauses the collector for
# a whole command run; the command turns it back on when it runs (`running`), and `long_lived` pauses it
# again while the command imports and loads. Each time the collector resumes, what exists is frozen
# (`gc.freeze`): later collections leave it alone. A command's end unfreezes (for in-process runs: tests,
# a program using the app); `cli.main` freezes again before the process exits.
_before: list[bool] = []  # whether the collector ran before each `start_up` in progress


@contextlib.contextmanager
def start_up() -> Iterator[None]:
    """A whole command run: the collector paused until the command runs, then as it was."""
    _before.append(gc.isenabled())
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if _before.pop():
            gc.enable()


def running() -> None:
    """The command line is parsed and the command starts: collection resumes (if it ran before)."""
    gc.freeze()
    if not _before or _before[-1]:
        gc.enable()


@contextlib.contextmanager
def long_lived() -> Iterator[None]:
    """A command's imports and rulebook: the collector paused meanwhile, then what exists frozen."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def in_chosen_language(rulebook: Rulebook) -> Rulebook:
    """The rulebook with its texts in the language of this command (ids, values and expressions stay)."""
    return rulebook.in_language(i18n.current())


def stale_in_short(rulebook: Rulebook, as_of: dt.date) -> list[str]:
    """`Rulebook.stale` for a run that is not the rules' maintainer's (batch, rules diff, rules explain): a date
    outside what the rules model said whole, the data past its review date in one line pointing to
    `screener rules validate`, which lists it (so the one error a person needs is not buried under them)."""
    from screener.compiled import review_due

    due = len(review_due(rulebook.review_items, as_of))
    return rulebook.coverage(as_of) + ([i18n.ngettext(
        "{count} item of the rules is past its review date (for the rules' maintainer: "
        "`screener rules validate` lists it)",
        "{count} items of the rules are past their review date (for the rules' maintainer: "
        "`screener rules validate` lists them)", due).format(count=due)] if due else [])


RulesOption = Annotated[
    Path | None,
    typer.Option("--rules", metavar="DIR", help="Rulebook folder (default: $SCREENER_RULES, else the built-in rules).",
                 show_default=False),
]
LangOption = Annotated[
    str | None,
    typer.Option("--lang", metavar="en|fr", callback=_activate_lang, is_eager=True, show_default=False,
                 help="Language: en or fr (default: $SCREENER_LANG, else the locale, else en)."),
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
        message = _("--as-of: '{value}' is not a date (YYYY-MM-DD)").format(value=value)
        raise ScreenerError(message, exit_code=2) from None
