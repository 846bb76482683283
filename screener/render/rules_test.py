"""How `screener rules test` reads on a terminal: file → case → what differed, like OpenFisca's runner."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from screener.ruletests import CaseRun, FileUpdate, failure_lines


def render_run(console: Console, run: CaseRun, *, verbose: bool = False) -> None:
    """Failures grouped by file, each with its line, date and differences; then one summary line."""
    current = None
    for result in run.results:
        if result.passed and not verbose:
            continue
        if result.file != current:
            current = result.file
            console.print(f"[bold]{escape(result.file)}[/]")
        where = f"line {result.position.line}, as of {result.as_of.isoformat()}"
        if result.passed:
            console.print(f"  [green]PASS[/] {escape(result.name)}  [dim]({where})[/]")
            continue
        console.print(f"  [bold red]FAIL[/] {escape(result.name)}  [dim]({where})[/]")
        for line in failure_lines(result):
            console.print("      " + escape(line), soft_wrap=True)
    failed, total = len(run.failed), len(run.results)
    summary = f"{total - failed} passed, {failed} failed ({total} case{'s' if total != 1 else ''})"
    console.print(f"[bold {'red' if failed else 'green'}]{summary}[/]")


def render_updates(console: Console, updates: list[FileUpdate]) -> None:
    """The diff of every rewritten file, for review, then what could not be updated."""
    for update in updates:
        if update.changed:
            console.print(escape(update.diff()), end="", soft_wrap=True, highlight=False)
    for update in updates:
        for result, difference in update.skipped:
            console.print(f"[yellow]not updated:[/] {escape(update.file)}: {escape(result.name)}: "
                          f"{escape(difference.label)} (got {escape(str(difference.got))}) — edit it by hand",
                          soft_wrap=True)
    changed = sum(update.changed for update in updates)
    files = sum(1 for update in updates if update.changed)
    console.print(f"updated {changed} expected value{'s' if changed != 1 else ''} in {files} "
                  f"file{'s' if files != 1 else ''}; review the diff above before committing")
