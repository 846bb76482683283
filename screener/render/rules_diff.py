"""How `screener rules diff` reads: counts per pathway and score first, then each changed row and why."""

from __future__ import annotations

from itertools import groupby

from rich.console import Console
from rich.markup import escape

from screener import i18n
from screener.evaluation import display
from screener.i18n import _, after_colon, format_number, ngettext
from screener.impact import Change, Impact


def _value(value: object) -> str:
    if value is None:
        return _("unknown")
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return display(value)


def render_impact(console: Console, impact: Impact, source: str, limit: int) -> None:
    old, new = impact.old, impact.new
    dates = (_("as of {date}").format(date=impact.old_as_of.isoformat()) if impact.old_as_of == impact.new_as_of
             else _("as of {date}").format(date=f"{impact.old_as_of.isoformat()} → {impact.new_as_of.isoformat()}"))
    version = _("version {version}")
    console.print(f"[bold]{escape(str(old.path))}[/] ({escape(version.format(version=old.version))}) → "
                  f"[bold]{escape(str(new.path))}[/] ({escape(version.format(version=new.version))}), {dates}",
                  soft_wrap=True)
    console.print(escape((ngettext(
        "{rows} row of {source}: {screened} screened, {unreadable} with errors (listed below); {changed} changed",
        "{rows} rows of {source}: {screened} screened, {unreadable} with errors (listed below); {changed} changed",
        impact.rows) if impact.unreadable_rows else ngettext(
        "{rows} row of {source}: {screened} screened, none with errors; {changed} changed",
        "{rows} rows of {source}: {screened} screened, none with errors; {changed} changed",
        impact.rows)).format(source=source, **_counts(impact))), soft_wrap=True)
    if impact.blank_rows:  # as batch says it: nobody, not a row with errors
        console.print(ngettext("{count} blank row (every cell empty), not screened",
                               "{count} blank rows (every cell empty), not screened",
                               impact.blank_rows).format(count=format_number(impact.blank_rows)))
    label = escape(_("warning:"))
    for warning in impact.warnings:
        console.print(f"[yellow]{label}[/] {escape(after_colon(warning))}", soft_wrap=True)
    console.print()
    width = max([len(pid) for pid in [*impact.pathway_counts(), *impact.added, *impact.removed]]
                + [len(sid) for sid in impact.score_counts()] + [10])
    for title, pathways in ((_("New pathways"), impact.added), (_("Removed pathways"), impact.removed)):
        if pathways:
            note = _("(outcomes of every row; not counted as changes)")
            console.print(f"[bold]{title}[/]  {note}")
            for pid, outcomes in pathways.items():
                detail = ", ".join(f"{outcome} {n}" for outcome, n in outcomes.most_common())
                console.print(f"  {pid:<{width}} {detail}")
    heading, note = _("Outcomes"), _("(rows whose outcome changes, per pathway)")
    console.print(f"[bold]{heading}[/]  {note}")
    for pid, counts in impact.pathway_counts().items():
        if pid in impact.added or pid in impact.removed:
            continue
        total = sum(counts.values())
        detail = ", ".join(f"{a} → {b}: {n}" for (a, b), n in counts.most_common())
        console.print(f"  {pid:<{width}} {format_number(total):>5}" + (f"   {detail}" if detail else ""))
    heading, note = _("Scores"), _("(rows whose score changes)")
    console.print(f"[bold]{heading}[/]  {note}")
    for sid, count in impact.score_counts().items():
        parts = [f"{name.replace('_', ' ')} {n}" for name, n in count.items() if name != "changed" and n]
        changed = format_number(count["changed"])
        console.print(f"  {sid:<{width}} {changed:>5}" + (f"   {', '.join(parts)}" if parts else ""))
    for row, which, fields in impact.unreadable if limit <= 0 else impact.unreadable[:limit]:
        where = escape(_("row {row}:").format(row=row))
        text = {"both": _("cannot be read (fields: {fields})"),
                "old": _("cannot be read under the old rulebook (fields: {fields})"),
                "new": _("cannot be read under the new rulebook (fields: {fields})")}[which]
        console.print(f"[yellow]{where}[/] " + escape(text.format(fields=", ".join(fields))), soft_wrap=True)
    if not impact.changes:
        console.print("\n" + _("No outcome, score or flag changes."))
        return
    heading = _("Changes")
    console.print(f"\n[bold]{heading}[/]")
    rows = [list(changes) for _, changes in groupby(impact.changes, key=lambda c: c.row)]
    for changes in rows if limit <= 0 else rows[:limit]:
        _render_row(console, changes)
    shown = len(rows) if limit <= 0 else min(limit, len(rows))
    if impact.changed_rows > shown:
        console.print(_("… and {count} more changed rows (--limit 0 shows all)").format(
            count=format_number(impact.changed_rows - shown)))


def _render_row(console: Console, changes: list[Change]) -> None:
    first = changes[0]
    console.print(f"  [bold]{escape(_row_label(first))}[/]")
    for change in changes:
        before, after = ((_("none") if v is None else _value(v)) if change.kind == "best_pathway" else _value(v)
                         for v in (change.old, change.new))
        console.print(f"    {escape(change.id)}: {escape(before)} → {escape(after)}", soft_wrap=True)
        for cause in change.causes:
            console.print(f"      {escape(cause)}", soft_wrap=True)


def _row_label(first: Change) -> str:
    """`row 12`, or `row 12 (client 0042)` when an id column names it."""
    row = _("row {row}").format(row=first.row)
    return row if first.label == f"row {first.row}" else f"{row} ({first.label})"


def impact_html(impact: Impact, source: str, limit: int) -> str:
    """The comparison as one self-contained HTML page (no scripts, no outside files), every text escaped."""
    from html import escape as h

    def table(head: list[str], rows: list[list[str]]) -> str:
        if not rows:
            return f"<p>{h(_('None.'))}</p>"
        cells = "".join("<tr>" + "".join(f"<td>{h(cell)}</td>" for cell in row) + "</tr>" for row in rows)
        return ("<table><thead><tr>" + "".join(f"<th>{h(name)}</th>" for name in head)
                + f"</tr></thead><tbody>{cells}</tbody></table>")

    old, new = impact.old, impact.new
    versions = [_("version {version}, as of {date}").format(version=book.version, date=date.isoformat())
                for book, date in ((old, impact.old_as_of), (new, impact.new_as_of))]
    parts = [
        f"<!DOCTYPE html><html lang=\"{i18n.current()}\"><head><meta charset=\"utf-8\">",
        "<title>" + h(_("Rule change: {old} → {new}").format(old=old.path, new=new.path)) + "</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}"
        "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.3em .6em;"
        "text-align:left;vertical-align:top}th{background:#f3f3f3}.warn{color:#8a5a00}li{margin:.2em 0}</style>",
        "</head><body>",
        "<h1>" + h(_("What the rule change does")) + "</h1>",
        f"<p><b>{h(str(old.path))}</b> ({h(versions[0])}) → <b>{h(str(new.path))}</b> ({h(versions[1])})</p>",
        "<p>" + h(_("{rows} people in {source}: {screened} screened, {unreadable} whose answers could not be read; "
                    "{changed} with a different result.").format(source=source, **_counts(impact))) + "</p>",
    ]
    if impact.blank_rows:
        parts.append("<p>" + h(ngettext("{count} blank row (every cell empty), not screened",
                                        "{count} blank rows (every cell empty), not screened",
                                        impact.blank_rows).format(count=format_number(impact.blank_rows))) + "</p>")
    parts += [f"<p class=\"warn\">{h(_('Warning: {text}').format(text=warning))}</p>" for warning in impact.warnings]
    for title, pathways in ((_("New pathways"), impact.added), (_("Removed pathways"), impact.removed)):
        if pathways:
            parts.append(f"<h2>{h(title)}</h2>")
            parts.append(table([_("pathway"), _("outcomes")], [
                [pid, ", ".join(f"{outcome}: {n}" for outcome, n in counts.most_common())]
                for pid, counts in pathways.items()]))
    parts.append("<h2>" + h(_("Outcomes that change")) + "</h2>")
    parts.append(table([_("pathway"), _("people"), _("from → to")], [
        [pid, format_number(sum(counts.values())), ", ".join(f"{a} → {b}: {n}" for (a, b), n in counts.most_common())]
        for pid, counts in impact.pathway_counts().items() if pid not in impact.added and pid not in impact.removed]))
    parts.append("<h2>" + h(_("Scores that change")) + "</h2>")
    parts.append(table([_("score"), _("people"), _("detail")], [
        [sid, format_number(count["changed"]), ", ".join(f"{k.replace('_', ' ')} {n}" for k, n in count.items()
                                              if k != "changed" and n)]
        for sid, count in impact.score_counts().items()]))
    parts.append("<h2>" + h(_("Each person whose result changes, and why")) + "</h2>")
    rows = [list(changes) for _, changes in groupby(impact.changes, key=lambda c: c.row)]
    for changes in rows if limit <= 0 else rows[:limit]:
        first = changes[0]
        label = _row_label(first)
        items = []
        for change in changes:
            causes = "".join(f"<li>{h(cause)}</li>" for cause in change.causes)
            items.append(f"<li><b>{h(change.id)}</b>: {h(_value(change.old))} → {h(_value(change.new))}"
                         + (f"<ul>{causes}</ul>" if causes else "") + "</li>")
        parts.append(f"<h3>{h(label)}</h3><ul>{''.join(items)}</ul>")
    if impact.changed_rows > len(rows):
        parts.append("<p>" + h(_("… and {count} more people whose result changes (run with --limit 0 to list them "
                                 "all).").format(count=format_number(impact.changed_rows - len(rows)))) + "</p>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _counts(impact: Impact) -> dict[str, str]:
    """The run's row counts as the language writes numbers (20,000 / 20 000)."""
    return {"rows": format_number(impact.rows), "changed": format_number(impact.changed_rows),
            "unreadable": format_number(impact.unreadable_rows),
            "screened": format_number(impact.rows - impact.unreadable_rows)}
