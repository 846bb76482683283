"""How `screener rules test` reads on a terminal: file → case → what differed, like OpenFisca's runner."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from screener.i18n import _, ngettext
from screener.ruletests import CaseRun, FileUpdate, failure_lines


def render_run(console: Console, run: CaseRun, *, verbose: bool = False) -> None:
    """Failures grouped by file, each with its line, date and differences; then one summary line."""
    current = None
    passed, failed_word = escape(_("PASS")), escape(_("FAIL"))
    for result in run.results:
        if result.passed and not verbose:
            continue
        if result.file != current:
            current = result.file
            console.print(f"[bold]{escape(result.file)}[/]")
        where = _("line {line}, as of {date}").format(line=result.position.line, date=result.as_of.isoformat())
        if result.passed:
            console.print(f"  [green]{passed}[/] {escape(result.name)}  [dim]({where})[/]")
            continue
        console.print(f"  [bold red]{failed_word}[/] {escape(result.name)}  [dim]({where})[/]")
        for line in failure_lines(result):
            console.print("      " + escape(line), soft_wrap=True)
    console.print(f"[bold {'red' if run.failed else 'green'}]{run.summary()}[/]")


def render_updates(console: Console, updates: list[FileUpdate]) -> None:
    """The diff of every rewritten file, for review, then what could not be updated."""
    for update in updates:
        if update.changed:
            console.print(escape(update.diff()), end="", soft_wrap=True, highlight=False)
    not_updated = _("not updated:")
    for update in updates:
        for result, difference in update.skipped:
            text = _("{file}: {case}: {label} (got {got}) — edit it by hand").format(
                file=update.file, case=result.name, label=difference.label, got=difference.got)
            console.print(f"[yellow]{escape(not_updated)}[/] {escape(text)}", soft_wrap=True)
    changed = sum(update.changed for update in updates)
    files = sum(1 for update in updates if update.changed)
    console.print(ngettext(
        "updated {count} expected value in {files} file(s); review the diff above before committing",
        "updated {count} expected values in {files} file(s); review the diff above before committing",
        changed).format(count=changed, files=files))
