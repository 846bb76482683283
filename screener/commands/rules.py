"""`screener rules …`: tools for the people who maintain the rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from screener.cli import rules_app
from screener.commands import RulesOption


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
