"""The `screener` command: thin typer commands over the library.

Each command parses its options, calls the library, and renders. Domain errors (a broken rulebook,
unreadable answers, a bad file) become a one-line message and an exit code in one place,
`ErrorBoundary`; `main()` adds the last resort for interrupts and internal errors. Tracebacks never
reach the user, and rich never shows local variables (they would hold applicants' answers). Heavy
libraries are imported inside the commands that need them.
"""

from __future__ import annotations

import functools
import gc
import importlib
import os
import sys
from typing import Any, NoReturn

import typer

from screener import i18n
from screener.commands import LangOption, start_up
from screener.commands.help import HelpGroup
from screener.errors import ScreenerError


class ErrorBoundary(HelpGroup):
    """The one place where a domain error becomes `Error: …` on stderr and an exit code.

    It sits inside the click command, so tests driving the app with CliRunner see exactly what a
    person at the terminal sees. It also sets the language for the whole command from the environment
    (`SCREENER_LANG`, the locale); a command's `--lang` (eager) overrides it.
    """

    def main(self, *args: Any, **kwargs: Any) -> Any:
        argv = kwargs.get("args", args[0] if args else None)
        try:
            lang = i18n.choose_language(_lang_option(sys.argv[1:] if argv is None else list(argv)), os.environ)
        except ScreenerError as error:  # SCREENER_LANG names a language screener does not speak
            _print_error(error.message)
            sys.exit(error.exit_code)
        with start_up(), i18n.command_language(lang):
            return super().main(*args, **kwargs)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except typer.TyperException as error:  # `screener --nope`: the root's own options
            from screener.commands.usage import is_usage_error, translated  # only a usage error needs it

            if is_usage_error(error):
                raise translated(error, _print_error) from None
            raise
        except ScreenerError as error:  # `screener --lang de`: the root's own eager option
            raise _domain_error(error) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except typer.TyperException as error:  # click's own words ("No such option"), in the command's language
            from screener.commands.usage import is_usage_error, translated

            if is_usage_error(error):
                raise translated(error, _print_error) from None
            raise
        except ScreenerError as error:
            raise _domain_error(error) from None
        except BrokenPipeError:
            raise  # the reader went away (`| head`): main() exits quietly
        except OSError as error:  # a full disk, a folder without permission: the system's own words
            reason = error.strerror or type(error).__name__
            _print_error(f"{error.filename}: {reason}" if error.filename else reason)
            raise typer.Exit(1) from None


def _domain_error(error: ScreenerError) -> typer.Exit:
    """A domain error, printed as one line (and its details): the exit to raise."""
    from screener.render.console import print_error

    print_error(error.message, details=error.details)
    return typer.Exit(error.exit_code)


def _print_error(message: str) -> None:
    from screener.render.console import print_error

    print_error(message)


def _lang_option(argv: list[str]) -> str | None:
    """A valid `--lang` on the command line, read before click parses it: a usage error click finds first
    (`screener check --lang fr --nope`) must already speak it. An invalid one is left to the option itself.
    The last one counts, as click's would: a command's own (`screener --lang fr check --lang en`) is later
    than the root's."""
    chosen = None
    for index, word in enumerate(argv):
        if word == "--":
            break
        value = argv[index + 1] if word == "--lang" and index + 1 < len(argv) else word.removeprefix("--lang=") \
            if word.startswith("--lang=") else None
        if value is not None and value.strip().lower() in i18n.LANGUAGES:
            chosen = value
    return chosen


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("screener")
        except PackageNotFoundError:  # run from a source tree that was never installed
            number = "unknown"
        sys.stdout.write(f"screener {number}\n")
        raise typer.Exit()


def _root(
    show_version: bool = typer.Option(False, "--version", help="Show the version and exit.",
                                      callback=_print_version, is_eager=True),
    lang: LangOption = None,  # `screener --lang fr --help`, `screener --lang fr check`: a command's own wins
) -> None:
    """Can I move to Canada, and how? Screens answers against Canada's immigration rules."""


# Each command family lives in its own module, on its own `typer.Typer` (the module's `commands`); here they are
# assembled, in the order `screener --help` lists them: (command name, the module, the group name it is added under,
# None for a single command). A module is imported when its family is assembled: a command line imports its own
# alone. Command modules never import this one, so imports run one way.
FAMILIES: tuple[tuple[str, str, str | None], ...] = (
    ("batch", "screener.commands.batch", None),
    ("check", "screener.commands.check", None),
    ("serve", "screener.commands.serve", None),
    ("rules", "screener.commands.rules", "rules"),
    ("intake", "screener.commands.intake", "intake"),
)


def family(module: str) -> typer.Typer:
    """The app of one command family (its module's `commands`), the module imported now if it was not."""
    commands: typer.Typer = importlib.import_module(module).commands
    return commands


def assemble(only: str | None = None) -> typer.Typer:
    """screener's app: every command family, or only the one whose command is named `only`."""
    assembled = typer.Typer(
        cls=ErrorBoundary,
        help="Can I move to Canada, and how? Screens answers against Canada's immigration rules.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    assembled.callback()(_root)
    for command, module, group in FAMILIES:
        if only is None or command == only:
            commands = family(module)
            if group is None:
                assembled.add_typer(commands)  # its one command, under its own name
            else:
                assembled.add_typer(commands, name=group)
    return assembled


@functools.cache
def whole_app() -> typer.Typer:
    """Every command family: `screener --help`, a misspelled command, completion, and `screener.cli.app`."""
    return assemble()


def __getattr__(name: str) -> typer.Typer:
    """`app`, the whole app, assembled when first asked for (tests and programs drive it; a command line runs its
    own family alone, `app_for`)."""
    if name == "app":
        return whole_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def app_for(args: list[str]) -> typer.Typer:
    """The app one command line needs: only the family of the command it names.

    typer turns every command of an app into a click command (signatures, options, help) before it runs
    one: ~10 ms for all of screener's, more than some commands take. Anything else (`screener --help`,
    `--version`, a misspelled command, shell completion) gets the whole app, so it reads as before.
    """
    completing = any(key.startswith("_") and key.endswith("_COMPLETE") for key in os.environ)
    if args and not completing and any(args[0] == command for command, _c, _g in FAMILIES):
        return assemble(args[0])
    return whole_app()


def main() -> NoReturn:
    """Entry point: run the app and turn domain errors into one line and an exit code."""
    try:
        _run()
    finally:
        # The process ends here. Python's shutdown would walk every object still alive (the modules, the
        # rulebook: ~10^5) looking for reference cycles to collect, a sixth of a `check --json` run; frozen,
        # they are simply left to the exit (see `screener.commands.start_up`). Files are flushed and closed
        # by then (or at exit, as before).
        gc.freeze()


def _run() -> NoReturn:
    try:
        app_for(sys.argv[1:])()  # standalone: typer itself reports usage errors (exit 2) and exits
    except KeyboardInterrupt:
        sys.stderr.write("\nInterrupted.\n")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as error:
        if os.environ.get("SCREENER_DEBUG"):
            raise
        # No message or traceback: either could hold an applicant's answers.
        sys.stderr.write(f"screener: internal error ({type(error).__name__}); rerun with SCREENER_DEBUG=1\n")
        sys.exit(70)
    sys.exit(0)
