"""The `screener` command: thin typer commands over the library.

Each command parses its options, calls the library, and renders. Domain errors (a broken rulebook,
unreadable answers, a bad file) are turned into a one-line message and an exit code in one place,
`main()`; tracebacks never reach the user, and rich never shows local variables (they would hold
applicants' answers). Heavy libraries are imported inside the commands that need them.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from screener.errors import ScreenerError

app = typer.Typer(
    help="Can I move to Canada, and how? Screens answers against Canada's immigration rules.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
rules_app = typer.Typer(help="Tools for the people who maintain the rules.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

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


@rules_app.command("validate")
def rules_validate(
    directory: Annotated[Path | None, typer.Argument(help="Rulebook folder to check.", show_default=False)] = None,
    rules: RulesOption = None,
) -> None:
    """Check a rulebook: exit 0 with a one-screen summary, or exit 1 listing every problem as file:line:col.

    \b
    Example:
        screener rules validate rules/
    """
    from screener.render.console import make_console
    from screener.rulebook import load_cases, load_rulebook, resolve_rules_path

    rulebook = load_rulebook(resolve_rules_path(directory or rules))
    cases = load_cases(rulebook.path)
    console = make_console()
    info = rulebook.info
    console.print(f"[bold green]OK[/] {rulebook.path}: {info.title}, version {info.version}")
    counts = {
        "questions": len(rulebook.questions), "derived values": len(rulebook.derived),
        "tables": len(rulebook.tables), "scores": len(rulebook.scores),
        "pathways": len(rulebook.pathways), "flags": len(rulebook.flags), "test cases": len(cases),
    }
    console.print("  " + ", ".join(f"{count} {name}" for name, count in counts.items()))
    for pathway in rulebook.pathways.values():
        console.print(f"  {pathway.id:<26} {len(pathway.requirements):>2} requirements  {pathway.title}")
    for warning in rulebook.stale(dt.date.today()):
        console.print(f"  [yellow]warning:[/] {warning}")


def main() -> NoReturn:
    """Entry point: run the app and turn domain errors into one line and an exit code."""
    try:
        app()  # standalone: typer itself reports usage errors (exit 2) and exits
    except ScreenerError as error:
        from screener.render.console import print_error

        print_error(error.message, details=error.details)
        sys.exit(error.exit_code)
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
