"""`screener rules explain`: one pathway as the rulebook understands the law, written for a lawyer to review.

The output is Markdown (printed as is with --markdown, rendered on terminals otherwise): requirements
with their conditions and citations, the scores, questions, derived values and tables they rely on,
next steps, notes and every reference — everything a reviewer needs, nothing they must decode.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from screener.evaluation import display
from screener.i18n import N_, _
from screener.model import Dated, Table, TableRow
from screener.rulebook import Rulebook

if TYPE_CHECKING:
    from rich.console import Console

KINDS = {
    "citizenship": N_("citizenship"), "permanent_residence": N_("permanent residence"),
    "temporary_residence": N_("temporary residence"), "protection": N_("protection"),
}


def _kind(kind: str) -> str:
    return _(KINDS[kind]) if kind in KINDS else kind


def _dates(item: Dated, *, short: bool = False) -> str:
    """When an item is in force: `in force from 2025-01-01`; `short` drops the words `in force`."""
    start, end = item.effective_from, item.effective_until
    if start and end:
        return (_("{start} to {end}") if short else _("in force {start} to {end}")).format(start=start, end=end)
    if start:
        return (_("from {start}") if short else _("in force from {start}")).format(start=start)
    if end:
        return (_("until {end}") if short else _("in force until {end}")).format(end=end)
    return ""


def _cite(reference: str | None, source: str | None) -> str:
    return " — ".join(part for part in (reference, source) if part)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def row_match(row: TableRow) -> str:
    """How a table row matches, in words: `= 2`, `one of a, b`, `18 to 35`, `17 or less`, `any`."""
    if row.at is not None:
        return f"= {display(row.at)}"
    if row.in_ is not None:
        return _("one of {values}").format(values=", ".join(display(v) for v in row.in_))
    if row.from_ is not None and row.to is not None:
        return _("{start} to {end}").format(start=display(row.from_), end=display(row.to))
    if row.from_ is not None:
        return _("{value} or more").format(value=display(row.from_))
    if row.to is not None:
        return _("{value} or less").format(value=display(row.to))
    return _("any")


def table_markdown(table: Table, today: dt.date) -> list[str]:
    columns = table.columns or ["points"]
    out = [f"#### {table.title} (`{table.id}`)", ""]
    facts = [_("Looked up by {key}; first matching row wins").format(key=table.key)]
    if table.default is not None:
        facts.append(_("no match gives {value}").format(value=display(table.default)))
    else:
        facts.append(_("no match gives {value}").format(value=_("unknown")))
    if table.review_by:
        facts.append(_("review by {date}").format(date=table.review_by)
                     + (" — **" + _("past due") + "**" if table.review_by < today else ""))
    out += ["; ".join(facts) + ".", ""]
    if table.reference or table.source:
        out += [_("Law: {citation}").format(citation=_cite(table.reference, table.source)), ""]
    dated = any(_dates(row) for row in table.rows)
    header = [_("row"), _("matches"), *columns] + ([_("in force")] if dated else [])
    out.append("| " + " | ".join(header) + " |")
    out.append("|" + "---|" * len(header))
    for index, row in enumerate(table.rows, start=1):
        cells = [str(index), row_match(row), *(display(row.cells.get(c)) for c in columns)]
        if dated:
            cells.append(_dates(row, short=True) or _("always"))
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return [*out, ""]


def pathway_markdown(rulebook: Rulebook, pathway_id: str, as_of: dt.date, today: dt.date) -> str:
    """The whole explanation of one pathway, as Markdown."""
    pathway = rulebook.pathways[pathway_id]
    out = [f"# {pathway.title} (`{pathway.id}`)", "", rulebook.at(as_of).summaries[pathway_id], ""]
    facts = [_("Kind: {kind}").format(kind=_kind(pathway.kind)),
             _("rank {rank} (lower is preferred)").format(rank=pathway.rank)]
    out += ["; ".join(facts) + ". " + _("Rulebook {rulebook} version {version}, rules in force on {date}.").format(
        rulebook=rulebook.info.id, version=rulebook.version, date=as_of), ""]
    if pathway.reference or pathway.source:
        out += [_("Law: {citation}").format(citation=_cite(pathway.reference, pathway.source)), ""]

    rules = rulebook.at(as_of)
    in_force = [r.model for r in rules.requirements[pathway_id]]
    other = list(rules.later_or_earlier[pathway_id])
    out += ["## " + _("Requirements"), "",
            _("Eligible when every requirement below is met; ineligible as soon as one is known to fail; "
              "incomplete while any depends on an unanswered question."), ""]
    for number, requirement in enumerate(in_force, start=1):
        out.append(f"{number}. **{requirement.text}** (`{requirement.id}`)")
        out.append("   - " + _("Condition: {expression}").format(expression=f"`{requirement.condition}`"))
        if requirement.actual is not None or requirement.needed is not None:
            actual = _("actual {expression}").format(expression=f"`{requirement.actual}`")
            needed = _("needed {value}").format(value=display(requirement.needed))
            shown = [actual if requirement.actual else None, needed if requirement.needed is not None else None]
            out.append("   - " + _("Shown as: {parts}").format(parts=", ".join(s for s in shown if s)))
        if requirement.advice:
            out.append("   - " + _("Advice when not met: {advice}").format(advice=requirement.advice))
        if requirement.reference or requirement.source:
            out.append("   - " + _("Law: {citation}").format(citation=_cite(requirement.reference, requirement.source)))
        if _dates(requirement):
            out.append(f"   - {_dates(requirement).capitalize()}")
    if other:
        out += ["", _("Not in force on {date} (kept for other dates):").format(date=as_of), ""]
        out += [f"- {r.text} (`{r.id}`): `{r.condition}` — {_dates(r)}" for r in other]
    out.append("")

    compiled = rulebook.rules.pathways[pathway_id]
    nodes = [r.condition.node for r in compiled.requirements]
    nodes += [step.only_if.node for step in compiled.steps if step.only_if is not None]
    nodes += [line.points.node for s in pathway.scores for line in rulebook.rules.scores[s].lines]
    names = rulebook.graph.uses(nodes) | set(pathway.scores)
    out += _scores(rulebook, [s for s in rulebook.scores if s in names], as_of)
    out += _inputs(rulebook, names, as_of, today)

    steps = list(enumerate(pathway.next_steps))
    if steps:
        out += ["## " + _("Next steps (shown when eligible)"), ""]
        for number, (_index, step) in enumerate(steps, start=1):
            line = f"{number}. {step.text}" + (f" {step.url}" if step.url else "")
            extras = [_("only if {expression}").format(expression=f"`{step.only_if}`") if step.only_if else "",
                      _dates(step)]
            out.append(line + "".join(f" — {e}" for e in extras if e))
        out.append("")
    if pathway.notes:
        out += ["## " + _("Notes"), "", *(f"- {note}" for note in pathway.notes), ""]
    citations = _citations(rulebook, pathway_id, names)
    if citations:
        out += ["## " + _("References"), "", *(f"- {c}" for c in citations), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _scores(rulebook: Rulebook, score_ids: Iterable[str], as_of: dt.date) -> list[str]:
    out: list[str] = []
    for score_id in score_ids:
        score = rulebook.scores[score_id]
        out += ["## " + _("Score: {title}").format(title=score.title) + f" (`{score.id}`)", ""]
        facts = [_("maximum {value}").format(value=display(score.max)) if score.max is not None
                 else _("no maximum")]
        if score.groups:
            most = _(", max {value}")
            facts.append(_("groups: {groups}").format(groups=", ".join(
                f"{g.title} (`{g.id}`{most.format(value=display(g.max)) if g.max is not None else ''})"
                for g in score.groups)))
        out += ["; ".join(facts) + ".", ""]
        if score.reference or score.source:
            out += [_("Law: {citation}").format(citation=_cite(score.reference, score.source)), ""]
        out += ["| " + " | ".join((_("line"), _("points"), _("group"), _("in force"))) + " |", "|---|---|---|---|"]
        for line in score.lines:
            when = _dates(line, short=True) or _("always")
            if line.id in rulebook.at(as_of).lines_not_in_force[score_id]:
                when += " " + _("(not on {date})").format(date=as_of)
            out.append(f"| {_cell(line.text)} (`{line.id}`) | `{_cell(line.points)}` | {line.group or ''} | {when} |")
        out.append("")
    return out


def _inputs(rulebook: Rulebook, names: set[str], as_of: dt.date, today: dt.date) -> list[str]:
    out: list[str] = []
    questions = [q for q in rulebook.question_order() if q.id in names]
    if questions:
        out += ["## " + _("Questions it relies on"), ""]
        for question in questions:
            kind = question.type.replace("_", "/")
            if question.choices:
                kind += ": " + ", ".join(f"`{c.value}`" for c in question.choices)
            elif question.min is not None or question.max is not None:
                kind += f" {display(question.min) if question.min is not None else ''}–" \
                        f"{display(question.max) if question.max is not None else ''}"
            out.append(f"- `{question.id}` — {question.prompt} ({kind})")
        out.append("")
    derived = [d for d in rulebook.derived.values() if d.id in names]
    if derived:
        out += ["## " + _("Derived values"), ""]
        for value in derived:
            title = f"- `{value.id}`" + (f" — {value.text}" if value.text else "")
            if value.expr is not None:
                out.append(f"{title}: `{value.expr}`")
                continue
            out.append(_("{value}, by date:").format(value=title))
            for version in value.versions or []:
                line = f"  - `{version.expr}` — {_dates(version) or _('always')}"
                if version.review_by:
                    line += "; " + _("review by {date}").format(date=version.review_by) + (
                        " (**" + _("past due") + "**)" if version.review_by < today else "")
                if version.reference or version.source:
                    line += f"; {_cite(version.reference, version.source)}"
                out.append(line)
        out.append("")
    tables = [t for t in rulebook.tables.values() if t.id in names]
    if tables:
        out += ["## " + _("Tables"), ""]
        for table in tables:
            out += table_markdown(table, today)
    return out


def _citations(rulebook: Rulebook, pathway_id: str, names: set[str]) -> list[str]:
    pathway = rulebook.pathways[pathway_id]
    cited = [pathway, *pathway.requirements,
             *(rulebook.scores[n] for n in names if n in rulebook.scores),
             *(rulebook.tables[n] for n in names if n in rulebook.tables),
             *(rulebook.derived[n] for n in names if n in rulebook.derived)]
    found = [_cite(item.reference, item.source) for item in cited if item.reference or item.source]
    return list(dict.fromkeys(found))


def pathway_list_markdown(rulebook: Rulebook) -> str:
    lines = [_("{title} — pathways").format(title=f"# {rulebook.info.title}"), "",
             "| " + " | ".join(("id", _("title"), _("kind"), _("requirements"))) + " |", "|---|---|---|---|"]
    for pathway in sorted(rulebook.pathways.values(), key=lambda p: (p.rank, p.id)):
        lines.append(f"| `{pathway.id}` | {_cell(pathway.title)} | {_kind(pathway.kind)} | "
                     f"{len(pathway.requirements)} |")
    explain = _("Explain one: {command}").format(command="`screener rules explain PATHWAY`")
    return "\n".join([*lines, "", explain]) + "\n"


_URL = re.compile(r"https?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"]")
_KEPT_URL = re.compile("\ue001(\\d+)\ue002")


def print_markdown(console: Console, text: str) -> None:
    """`text` (Markdown) rendered on `console`, its web addresses never broken across lines (each is laid out
    as one short word, then written back whole, however long the line becomes: an address cut in two cannot be
    opened or copied); into a pipe or a file, no line ends in the spaces that pad it to the width."""
    from rich.markdown import Markdown

    urls: list[str] = []

    def keep(match: re.Match[str]) -> str:
        urls.append(match.group())
        return f"\ue001{len(urls) - 1}\ue002"

    with console.capture() as captured:
        console.print(Markdown(_URL.sub(keep, text), hyperlinks=False))
    written = _KEPT_URL.sub(lambda match: urls[int(match.group(1))], captured.get())
    if not console.is_terminal:
        written = "\n".join(line.rstrip() for line in written.split("\n"))
    console.file.write(written)
