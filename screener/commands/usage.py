"""click's own usage errors ("No such option", "Missing argument", "Invalid value"…) in the command's language.

typer (its bundled click) writes these in English, as f-strings or through the process-wide `gettext`
domain, which a command cannot set for itself (and a web server must not set at all). So the error
boundary (`cli.ErrorBoundary`) hands every usage error to `translated`, which rebuilds the message from the
exception's public attributes (`option_name`, `possibilities`, `param`, `param_type`, `ctx`…) through
screener's catalog. The errors are recognized by their classes' names and attributes, never by importing
click: typer may bundle its own copy. The texts click passes only as a message (a value it could not read,
extra arguments, an unknown command) are matched against its templates; one it does not know stays as
click wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import IO, Any

import typer

from screener.commands.help import translate_terms
from screener.i18n import N_, _, ngettext

# (the English template as a pattern, screener's message). `{value}`/`{filename}` keep their quotes.
_VALUE_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.S), message) for pattern, message in (
        (r"Input should be a valid integer.*", N_("not a whole number")),
        (r"Input should be a valid number.*", N_("not a number")),
        (r"Input should be a valid boolean.*", N_("not a yes/no value (true or false)")),
        (r"(?P<value>.+) is not a valid integer\.", N_("{value} is not a whole number.")),
        (r"(?P<value>.+) is not a valid float\.", N_("{value} is not a number.")),
        (r"(?P<value>.+) is not in the range (?P<range>.+)\.", N_("{value} is not in the range {range}.")),
        (r"(?P<value>.+) is not one of (?P<choices>.+)\.", N_("{value} is not one of {choices}.")),
        (r"(?:File|Directory|Path|file|directory|path) (?P<filename>.+) does not exist\.",
         N_("{filename} does not exist.")),
        (r"(?:File|Directory|Path|file|directory|path) (?P<filename>.+) is a file\.",
         N_("{filename} is a file, not a folder.")),
        (r"(?:File|Directory|Path|file|directory|path) (?P<filename>.+) is a directory\.",
         N_("{filename} is a folder, not a file.")),
        (r"(?:File|Directory|Path|file|directory|path) (?P<filename>.+) is not readable\.",
         N_("{filename} cannot be read.")),
        (r"(?:File|Directory|Path|file|directory|path) (?P<filename>.+) is not writable\.",
         N_("{filename} cannot be written.")),
    ))
_EXTRA = re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)", re.S)
_OPTION_VALUE = re.compile(r"Option (?P<name>'[^']*') requires (?:an argument|(?P<count>\d+) arguments)\.")
_NO_VALUE = re.compile(r"Option (?P<name>'[^']*') does not take a value\.")
_NO_COMMAND = re.compile(r"No such command (?P<name>'[^']*')\.(?: Did you mean (?P<names>.+)\?)?")
_CHOOSE = re.compile(r"Choose from:\s*(?P<choices>.*)", re.S)


def is_usage_error(error: BaseException) -> bool:
    """click's `UsageError` and its kinds, whichever copy of click raised it; not `NoArgsIsHelpError`
    (`screener rules` alone), which shows the help rather than an error."""
    names = {cls.__name__ for cls in type(error).__mro__}
    return "UsageError" in names and "NoArgsIsHelpError" not in names and hasattr(error, "ctx")


def _kind(error: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(error).__mro__}


def _value_problem(message: str) -> str:
    for pattern, translated in _VALUE_PROBLEMS:
        if match := pattern.fullmatch(message.strip()):
            return _(translated).format(**match.groupdict())
    return message


def _hint(error: Any) -> str:
    """The parameter's name as click shows it (`'--port'`, `'--output' / '-o'`), from public API."""
    hint = getattr(error, "param_hint", None)
    param = getattr(error, "param", None)
    if hint is None and param is not None:
        try:
            hint = param.get_error_hint()  # typer's bundled click
        except TypeError:
            hint = param.get_error_hint(error.ctx)  # click itself takes the context
    if hint is None:
        return ""
    # an argument is named as the usage line names it (`'new'` reads `'nouveau'`); option flags stay
    return translate_terms(hint if isinstance(hint, str) else " / ".join(repr(h) for h in hint))


def _options(found: Any) -> str:
    names = sorted(found or [])
    return " " + _("(Possible options: {names})").format(names=", ".join(names)) if names else ""


def _commands(names: list[str]) -> str:
    return " " + _("Did you mean {names}?").format(names=", ".join(names)) if names else ""


def _missing(error: Any) -> str:
    param = getattr(error, "param", None)
    kind = str(getattr(error, "param_type", None) or getattr(param, "param_type_name", "parameter"))
    hint = _hint(error)
    text = {"argument": _("Missing argument {name}."), "option": _("Missing option {name}.")}.get(
        kind, _("Missing parameter {name}.")).format(name=hint).replace(" .", ".")
    match = _CHOOSE.search(error.format_message())
    if match:
        text += " " + _("Choose from: {choices}").format(choices=", ".join(match.group("choices").split()))
    return text


def _message(error: Any) -> str:
    """The error's message in the active language, from what the exception knows."""
    kind = _kind(error)
    if "NoSuchOption" in kind:
        return _("No such option: {name}").format(name=error.option_name) + _options(error.possibilities)
    if "MissingParameter" in kind:
        return _missing(error)
    if "BadParameter" in kind:
        hint = _hint(error)
        problem = _value_problem(error.message)
        if not hint:
            return _("Invalid value: {problem}").format(problem=problem)
        return _("Invalid value for {name}: {problem}").format(name=hint, problem=problem)
    message = str(error.message)
    if match := _EXTRA.fullmatch(message):
        words = match.group("args")
        return ngettext("Unexpected extra argument: {args}", "Unexpected extra arguments: {args}",
                        len(words.split())).format(args=words)
    if match := _OPTION_VALUE.fullmatch(message):
        count = int(match.group("count") or 1)
        if count == 1:
            return _("Option {name} needs a value.").format(name=match.group("name"))
        return _("Option {name} needs {count} values.").format(name=match.group("name"), count=count)
    if match := _NO_VALUE.fullmatch(message):
        return _("Option {name} does not take a value.").format(name=match.group("name"))
    if match := _NO_COMMAND.fullmatch(message):
        names = re.findall(r"'[^']*'", match.group("names") or "")
        return _("No such command {name}.").format(name=match.group("name")) + _commands(names)
    if message == "Missing command.":
        return _("Missing command.")
    return message


class TranslatedUsageError(typer.BadParameter):
    """A usage error whose usage line, help hint and message speak the command's language.

    A `typer.BadParameter` only so that typer shows it (`show()`) and exits with its code like any usage
    error; everything it prints is its own."""

    def __init__(self, error: Any, show_error: Callable[[str], None]) -> None:
        super().__init__(_message(error), error.ctx)
        self.exit_code = error.exit_code
        self._show_error = show_error

    def format_message(self) -> str:
        return self.message

    def show(self, file: IO[Any] | None = None) -> None:
        ctx = self.ctx
        if ctx is not None:
            hint = ""
            if ctx.command.get_help_option(ctx) is not None:
                hint = _("Try '{command} {option}' for help.").format(
                    command=ctx.command_path, option=ctx.help_option_names[0]) + "\n"
            typer.echo(f"{ctx.get_usage()}\n{hint}", err=True, color=ctx.color)
        self._show_error(self.message)


def translated(error: Any, show_error: Callable[[str], None]) -> Exception:
    """`error` as the person's language writes it (one already translated passes through)."""
    return error if isinstance(error, TranslatedUsageError) else TranslatedUsageError(error, show_error)
