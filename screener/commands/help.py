"""`--help` in the command's language.

The commands are defined at import time, before the language is known: it is chosen when a command runs
(`ErrorBoundary.main`: `SCREENER_LANG`, the locale; `--lang` is eager). So their help texts stay English in
the source, where they are the catalog's msgids, and are translated here, while help is formatted: the
description, the one-line summaries, each option's help, its metavar, the `[default: …]` / `[required]`
notes, the usage line and the section headings. `help_messages` lists exactly the texts these classes
translate, from the assembled app: tests/catalog.py adds them to the catalog, so an option's help cannot
arrive without its French.
"""

from __future__ import annotations

import copy
import inspect
import re
from collections.abc import Iterator
from typing import Any

from typer.core import TyperCommand, TyperGroup

from screener.commands import running
from screener.commands.coercion import defer_coercion
from screener.i18n import _, pgettext

TERM = "help"  # msgctxt of the words in usage lines and metavars (`FILE`, `<path>`): short, ambiguous alone
# A metavar, a type label or an argument's name: not an option flag (`--no-input`), not inside one.
_WORD = re.compile(r"<[^>]+>|(?<![-\w.<])[A-Za-z][\w.|]*")
NBSP = "\u00a0"
_KEPT = "\ue000"  # a private-use character (not whitespace to str.split) standing in for NBSP
_EXTRA = re.compile(r"(^|  )\[([^\[\]]*)\]$")  # typer's notes after an option's help: `[default: 50; required]`


def translate_terms(text: str) -> str:
    """The words of a usage line or metavar (`FILE`, `<path>`) in the reader's language; option flags stay.

    Public: the usage errors (`commands.usage`) name an argument as the usage line does."""
    return _WORD.sub(lambda word: pgettext(TERM, word.group()), text)


def _terms(text: str) -> Iterator[str]:
    return (word.group() for word in _WORD.finditer(text))


def _extra(notes: str) -> str:
    """typer writes `default: …` and `required` in English whatever the language (its own gettext)."""
    parts = []
    for part in notes.split("; "):
        if part.startswith("default: "):
            part = _("default: {value}").format(value=part.removeprefix("default: "))
        elif part == "required":
            part = _("required")
        parts.append(part)
    return "; ".join(parts)


def _records(command: Any, ctx: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The (name, help) rows of the arguments and the options, translated."""
    arguments: list[tuple[str, str]] = []
    options: list[tuple[str, str]] = []
    for param in command.get_params(ctx):
        shown = copy.copy(param)  # the command is shared (tests run many in one process): never edit it
        shown.help = _(param.help) if param.help else param.help
        record = shown.get_help_record(ctx)
        if record is None:
            continue
        name, text = record
        if param.param_type_name == "argument" and param.metavar:
            name = param.metavar  # `DIR`, as the usage line writes it, not typer's `directory <path>`
        text = _EXTRA.sub(lambda match: f"{match.group(1)}[{_extra(match.group(2))}]", text)
        (arguments if param.param_type_name == "argument" else options).append((translate_terms(name), text))
    return arguments, options


def _section(formatter: Any, title: str, rows: list[tuple[str, str]]) -> None:
    """click's `section` adds its own `:`; French puts a space before it, so the title carries its colon."""
    if rows:
        formatter.write_paragraph()
        formatter.write(f"{'':>{formatter.current_indent}}{title}\n")
        with formatter.indentation():
            formatter.write_dl(rows)


class _Translated:
    """The parts of click's help formatting that hold words, each through the catalog."""

    help: str | None  # click's Command has them
    short_help: str | None

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        # typer writes a required argument `{DIR}`: click's and man pages' plain `DIR` reads better
        usage = re.sub(r"\{([^{}]+)\}", r"\1", " ".join(pieces))
        formatter.write_usage(ctx.command_path, translate_terms(usage), _("Usage: "))

    def format_help_text(self, ctx: Any, formatter: Any) -> None:
        help_text = getattr(self, "help", None)
        text = inspect.cleandoc(_(help_text)).partition("\f")[0] if help_text else ""
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)

    def get_short_help_str(self, limit: int = 45) -> str:
        """Click's own shortening (public API), applied to a copy whose texts are translated. Its `split()`
        would turn French's no-break space before ':' into a space a wrap may break at: it is kept aside."""
        shown = copy.copy(self)  # the command is shared: never edit it
        shown.help = _(self.help).replace(NBSP, _KEPT) if self.help else self.help
        shown.short_help = _(self.short_help).replace(NBSP, _KEPT) if self.short_help else self.short_help
        text: str = super(_Translated, shown).get_short_help_str(limit)  # type: ignore[misc]  # a mixin
        return text.replace(_KEPT, NBSP)

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments, options = _records(self, ctx)
        _section(formatter, _("Arguments:"), arguments)
        _section(formatter, _("Options:"), options)


class HelpCommand(_Translated, TyperCommand):
    """A command whose `--help` speaks the command's language (and whose options skip typer's validators where
    they can: `screener.commands.coercion`)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        defer_coercion(self.get_params(ctx))
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        running()  # the command line is parsed: garbage collection resumes (`screener.commands.start_up`)
        return super().invoke(ctx)


WHOLE = 10_000  # a summary limit no first sentence reaches: summaries are wrapped, never cut


class HelpGroup(_Translated, TyperGroup):
    """A group of commands whose `--help` (and its list of commands) speaks the command's language."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        defer_coercion(self.get_params(ctx))
        return super().parse_args(ctx, args)

    def format_options(self, ctx: Any, formatter: Any) -> None:
        super().format_options(ctx, formatter)
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command))
        # each summary whole (its first sentence, or its short_help), wrapped by the list: click's own limit
        # cuts it with "..." at the terminal's width, which in French hides what the command does
        _section(formatter, _("Commands:"), [(name, command.get_short_help_str(WHOLE)) for name, command in rows])


def help_messages(command: Any, ctx: Any = None, path: str = "screener") -> Iterator[tuple[str | None, str, str]]:
    """(msgctxt, msgid, where) of every text `--help` shows for `command` and the commands below it."""
    if ctx is None:
        ctx = command.context_class(command, info_name=path)
    for text in (command.help, command.short_help):
        if text:
            yield None, text, path
    for piece in command.collect_usage_pieces(ctx):
        for word in _terms(piece):
            yield TERM, word, path
    for param in command.get_params(ctx):
        if param.help:
            yield None, param.help, f"{path} {param.opts[0]}"
        record = param.get_help_record(ctx)
        for word in _terms(record[0]) if record else ():
            yield TERM, word, f"{path} {param.opts[0]}"
    for name, sub in getattr(command, "commands", {}).items():
        yield from help_messages(sub, sub.context_class(sub, info_name=name, parent=ctx), f"{path} {name}")
