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
                  f"{impact.unreadable_rows} could not be read")
    for warning in impact.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}", soft_wrap=True)
    console.print()
    width = max([len(pid) for pid in [*impact.pathway_counts(), *impact.added, *impact.removed]]
                + [len(sid) for sid in impact.score_counts()] + [10])
    for title, pathways in (("New pathways", impact.added), ("Removed pathways", impact.removed)):
        if pathways:
            console.print(f"[bold]{title}[/]  (outcomes of every row; not counted as changes)")
            for pid, outcomes in pathways.items():
                detail = ", ".join(f"{outcome} {n}" for outcome, n in outcomes.most_common())
                console.print(f"  {pid:<{width}} {detail}")
    console.print("[bold]Outcomes[/]  (rows whose outcome changes, per pathway)")
    for pid, counts in impact.pathway_counts().items():
        if pid in impact.added or pid in impact.removed:
            continue
        total = sum(counts.values())
        detail = ", ".join(f"{a} → {b}: {n}" for (a, b), n in counts.most_common())
        console.print(f"  {pid:<{width}} {total:>5}" + (f"   {detail}" if detail else ""))
    console.print("[bold]Scores[/]  (rows whose score changes)")
    for sid, count in impact.score_counts().items():
        parts = [f"{name.replace('_', ' ')} {n}" for name, n in count.items() if name != "changed" and n]
        console.print(f"  {sid:<{width}} {count['changed']:>5}" + (f"   {', '.join(parts)}" if parts else ""))
    for row, which, fields in impact.unreadable if limit <= 0 else impact.unreadable[:limit]:
        under = "" if which == "both" else f" under the {which} rulebook"
        console.print(f"[yellow]row {row}:[/] cannot be read{under} (fields: {escape(', '.join(fields))})",
                      soft_wrap=True)
    if not impact.changes:
        console.print("\nNo outcome, score or flag changes.")
        return
    console.print("\n[bold]Changes[/]")
    rows = [list(changes) for _, changes in groupby(impact.changes, key=lambda c: c.row)]
    for changes in rows if limit <= 0 else rows[:limit]:
        _render_row(console, changes)
    shown = len(rows) if limit <= 0 else min(limit, len(rows))
    if impact.changed_rows > shown:
        console.print(f"… and {impact.changed_rows - shown} more changed rows (--limit 0 shows all)")


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


def impact_html(impact: Impact, source: str, limit: int) -> str:
    """The comparison as one self-contained HTML page (no scripts, no outside files), every text escaped."""
    from html import escape as h

    def table(head: list[str], rows: list[list[str]]) -> str:
        if not rows:
            return "<p>None.</p>"
        cells = "".join("<tr>" + "".join(f"<td>{h(cell)}</td>" for cell in row) + "</tr>" for row in rows)
        return ("<table><thead><tr>" + "".join(f"<th>{h(name)}</th>" for name in head)
                + f"</tr></thead><tbody>{cells}</tbody></table>")

    old, new = impact.old, impact.new
    parts = [
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        f"<title>Rule change: {h(str(old.path))} → {h(str(new.path))}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}"
        "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.3em .6em;"
        "text-align:left;vertical-align:top}th{background:#f3f3f3}.warn{color:#8a5a00}li{margin:.2em 0}</style>",
        "</head><body>",
        f"<h1>What the rule change does</h1><p><b>{h(str(old.path))}</b> (version {h(old.version)}, as of "
        f"{impact.old_as_of.isoformat()}) → <b>{h(str(new.path))}</b> (version {h(new.version)}, as of "
        f"{impact.new_as_of.isoformat()})</p>",
        f"<p>{impact.rows} people in {h(source)}: <b>{impact.changed_rows}</b> with a different result, "
        f"{impact.unreadable_rows} whose answers could not be read.</p>",
    ]
    parts += [f"<p class=\"warn\">Warning: {h(warning)}</p>" for warning in impact.warnings]
    for title, pathways in (("New pathways", impact.added), ("Removed pathways", impact.removed)):
        if pathways:
            parts.append(f"<h2>{title}</h2>")
            parts.append(table(["pathway", "outcomes"], [
                [pid, ", ".join(f"{outcome}: {n}" for outcome, n in counts.most_common())]
                for pid, counts in pathways.items()]))
    parts.append("<h2>Outcomes that change</h2>")
    parts.append(table(["pathway", "people", "from → to"], [
        [pid, str(sum(counts.values())), ", ".join(f"{a} → {b}: {n}" for (a, b), n in counts.most_common())]
        for pid, counts in impact.pathway_counts().items() if pid not in impact.added and pid not in impact.removed]))
    parts.append("<h2>Scores that change</h2>")
    parts.append(table(["score", "people", "detail"], [
        [sid, str(count["changed"]), ", ".join(f"{k.replace('_', ' ')} {n}" for k, n in count.items()
                                              if k != "changed" and n)]
        for sid, count in impact.score_counts().items()]))
    parts.append("<h2>Each person whose result changes, and why</h2>")
    rows = [list(changes) for _, changes in groupby(impact.changes, key=lambda c: c.row)]
    for changes in rows if limit <= 0 else rows[:limit]:
        first = changes[0]
        label = first.label if first.label == f"row {first.row}" else f"row {first.row} ({first.label})"
        items = []
        for change in changes:
            causes = "".join(f"<li>{h(cause)}</li>" for cause in change.causes)
            items.append(f"<li><b>{h(change.id)}</b>: {h(_value(change.old))} → {h(_value(change.new))}"
                         + (f"<ul>{causes}</ul>" if causes else "") + "</li>")
        parts.append(f"<h3>{h(label)}</h3><ul>{''.join(items)}</ul>")
    if impact.changed_rows > len(rows):
        parts.append(f"<p>… and {impact.changed_rows - len(rows)} more people whose result changes "
                     "(run with --limit 0 to list them all).</p>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
