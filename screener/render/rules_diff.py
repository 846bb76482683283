"""How `screener rules diff` reads: counts per pathway and score first, then each changed row and why."""

from __future__ import annotations

from itertools import groupby

from rich.console import Console
from rich.markup import escape

from screener.evaluation import display
from screener.impact import Change, Impact


def _value(value: object) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return display(value)


def render_impact(console: Console, impact: Impact, source: str, limit: int) -> None:
    old, new = impact.old, impact.new
    dates = (f"as of {impact.old_as_of.isoformat()}" if impact.old_as_of == impact.new_as_of
             else f"as of {impact.old_as_of.isoformat()} → {impact.new_as_of.isoformat()}")
    console.print(f"[bold]{escape(str(old.path))}[/] (version {escape(old.version)}) → "
                  f"[bold]{escape(str(new.path))}[/] (version {escape(new.version)}), {dates}", soft_wrap=True)
    console.print(f"{impact.rows} rows of {escape(source)} screened: {impact.changed_rows} changed, "
                  f"{len(impact.unreadable)} could not be read")
    console.print()
    console.print("[bold]Outcomes[/]  (rows whose outcome changes, per pathway)")
    width = max([len(pid) for pid in impact.pathway_counts()] + [len(sid) for sid in impact.score_counts()] + [10])
    for pid, counts in impact.pathway_counts().items():
        total = sum(counts.values())
        detail = ", ".join(f"{a} → {b}: {n}" for (a, b), n in counts.most_common())
        console.print(f"  {pid:<{width}} {total:>5}" + (f"   {detail}" if detail else ""))
    console.print("[bold]Scores[/]  (rows whose score changes)")
    for sid, count in impact.score_counts().items():
        parts = [f"{name.replace('_', ' ')} {n}" for name, n in count.items() if name != "changed" and n]
        console.print(f"  {sid:<{width}} {count['changed']:>5}" + (f"   {', '.join(parts)}" if parts else ""))
    for row, which, fields in impact.unreadable:
        console.print(f"[yellow]row {row}:[/] cannot be read under the {which} rulebook "
                      f"(fields: {escape(', '.join(fields))})", soft_wrap=True)
    if not impact.changes:
        console.print("\nNo outcome, score or flag changes.")
        return
    console.print("\n[bold]Changes[/]")
    rows = [list(changes) for _, changes in groupby(impact.changes, key=lambda c: c.row)]
    for changes in rows if limit <= 0 else rows[:limit]:
        _render_row(console, changes)
    if 0 < limit < len(rows):
        console.print(f"… and {len(rows) - limit} more changed rows (--limit 0 shows all)")


def _render_row(console: Console, changes: list[Change]) -> None:
    first = changes[0]
    label = first.label if first.label == f"row {first.row}" else f"row {first.row} ({first.label})"
    console.print(f"  [bold]{escape(label)}[/]")
    for change in changes:
        before, after = (("none" if v is None else _value(v)) if change.kind == "best_pathway" else _value(v)
                         for v in (change.old, change.new))
        console.print(f"    {escape(change.id)}: {escape(before)} → {escape(after)}", soft_wrap=True)
        for cause in change.causes:
            console.print(f"      {escape(cause)}", soft_wrap=True)
