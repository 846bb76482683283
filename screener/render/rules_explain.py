"""`screener rules explain`: one pathway as the rulebook understands the law, written for a lawyer to review.

The output is Markdown (printed as is with --markdown, rendered on terminals otherwise): requirements
with their conditions and citations, the scores, questions, derived values and tables they rely on,
next steps, notes and every reference — everything a reviewer needs, nothing they must decode.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from screener.evaluation import display
from screener.model import Dated, Table, TableRow
from screener.rulebook import Rulebook

KINDS = {
    "citizenship": "citizenship", "permanent_residence": "permanent residence",
    "temporary_residence": "temporary residence", "protection": "protection",
}


def _dates(item: Dated) -> str:
    if item.effective_from and item.effective_until:
        return f"in force {item.effective_from} to {item.effective_until}"
    if item.effective_from:
        return f"in force from {item.effective_from}"
    if item.effective_until:
        return f"in force until {item.effective_until}"
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
        return "one of " + ", ".join(display(v) for v in row.in_)
    if row.from_ is not None and row.to is not None:
        return f"{display(row.from_)} to {display(row.to)}"
    if row.from_ is not None:
        return f"{display(row.from_)} or more"
    if row.to is not None:
        return f"{display(row.to)} or less"
    return "any"


def table_markdown(table: Table, today: dt.date) -> list[str]:
    columns = table.columns or ["points"]
    out = [f"#### {table.title} (`{table.id}`)", ""]
    facts = [f"Looked up by {table.key}; first matching row wins"]
    if table.default is not None:
        facts.append(f"no match gives {display(table.default)}")
    else:
        facts.append("no match gives unknown")
    if table.review_by:
        facts.append(f"review by {table.review_by}" + (" — **past due**" if table.review_by < today else ""))
    out += ["; ".join(facts) + ".", ""]
    if table.reference or table.source:
        out += [f"Law: {_cite(table.reference, table.source)}", ""]
    dated = any(_dates(row) for row in table.rows)
    header = ["row", "matches", *columns] + (["in force"] if dated else [])
    out.append("| " + " | ".join(header) + " |")
    out.append("|" + "---|" * len(header))
    for index, row in enumerate(table.rows, start=1):
        cells = [str(index), row_match(row), *(display(row.cells.get(c)) for c in columns)]
        if dated:
            cells.append(_dates(row).removeprefix("in force ") or "always")
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return [*out, ""]


def pathway_markdown(rulebook: Rulebook, pathway_id: str, as_of: dt.date, today: dt.date) -> str:
    """The whole explanation of one pathway, as Markdown."""
    pathway = rulebook.pathways[pathway_id]
    out = [f"# {pathway.title} (`{pathway.id}`)", "", pathway.summary, ""]
    facts = [f"Kind: {KINDS.get(pathway.kind, pathway.kind)}", f"rank {pathway.rank} (lower is preferred)"]
    out += ["; ".join(facts) + f". Rulebook {rulebook.info.id} version {rulebook.version}, "
            f"rules in force on {as_of}.", ""]
    if pathway.reference or pathway.source:
        out += [f"Law: {_cite(pathway.reference, pathway.source)}", ""]

    rules = rulebook.at(as_of)
    in_force = [r.model for r in rules.requirements[pathway_id]]
    other = list(rules.later_or_earlier[pathway_id])
    out += ["## Requirements", "",
            "Eligible when every requirement below is met; ineligible as soon as one is known to fail; "
            "incomplete while any depends on an unanswered question.", ""]
    for number, requirement in enumerate(in_force, start=1):
        out.append(f"{number}. **{requirement.text}** (`{requirement.id}`)")
        out.append(f"   - Condition: `{requirement.condition}`")
        if requirement.actual is not None or requirement.needed is not None:
            shown = [f"actual `{requirement.actual}`" if requirement.actual else None,
                     f"needed {display(requirement.needed)}" if requirement.needed is not None else None]
            out.append("   - Shown as: " + ", ".join(s for s in shown if s))
        if requirement.advice:
            out.append(f"   - Advice when not met: {requirement.advice}")
        if requirement.reference or requirement.source:
            out.append(f"   - Law: {_cite(requirement.reference, requirement.source)}")
        if _dates(requirement):
            out.append(f"   - {_dates(requirement).capitalize()}")
    if other:
        out += ["", f"Not in force on {as_of} (kept for other dates):", ""]
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
        out += ["## Next steps (shown when eligible)", ""]
        for number, (_, step) in enumerate(steps, start=1):
            line = f"{number}. {step.text}" + (f" {step.url}" if step.url else "")
            extras = [f"only if `{step.only_if}`" if step.only_if else "", _dates(step)]
            out.append(line + "".join(f" — {e}" for e in extras if e))
        out.append("")
    if pathway.notes:
        out += ["## Notes", "", *(f"- {note}" for note in pathway.notes), ""]
    citations = _citations(rulebook, pathway_id, names)
    if citations:
        out += ["## References", "", *(f"- {c}" for c in citations), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _scores(rulebook: Rulebook, score_ids: Iterable[str], as_of: dt.date) -> list[str]:
    out: list[str] = []
    for score_id in score_ids:
        score = rulebook.scores[score_id]
        out += [f"## Score: {score.title} (`{score.id}`)", ""]
        facts = [f"maximum {display(score.max)}" if score.max is not None else "no maximum"]
        if score.groups:
            facts.append("groups: " + ", ".join(
                f"{g.title} (`{g.id}`{', max ' + display(g.max) if g.max is not None else ''})" for g in score.groups))
        out += ["; ".join(facts) + ".", ""]
        if score.reference or score.source:
            out += [f"Law: {_cite(score.reference, score.source)}", ""]
        out += ["| line | points | group | in force |", "|---|---|---|---|"]
        for line in score.lines:
            when = _dates(line).removeprefix("in force ") or "always"
            if line.id in rulebook.at(as_of).lines_not_in_force[score_id]:
                when += f" (not on {as_of})"
            out.append(f"| {_cell(line.text)} (`{line.id}`) | `{_cell(line.points)}` | {line.group or ''} | {when} |")
        out.append("")
    return out


def _inputs(rulebook: Rulebook, names: set[str], as_of: dt.date, today: dt.date) -> list[str]:
    out: list[str] = []
    questions = [q for q in rulebook.question_order() if q.id in names]
    if questions:
        out += ["## Questions it relies on", ""]
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
        out += ["## Derived values", ""]
        for value in derived:
            title = f"- `{value.id}`" + (f" — {value.text}" if value.text else "")
            if value.expr is not None:
                out.append(f"{title}: `{value.expr}`")
                continue
            out.append(f"{title}, by date:")
            for version in value.versions or []:
                line = f"  - `{version.expr}` — {_dates(version) or 'always'}"
                if version.review_by:
                    line += f"; review by {version.review_by}" + (" (**past due**)" if version.review_by < today
                                                                 else "")
                if version.reference or version.source:
                    line += f"; {_cite(version.reference, version.source)}"
                out.append(line)
        out.append("")
    tables = [t for t in rulebook.tables.values() if t.id in names]
    if tables:
        out += ["## Tables", ""]
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
    lines = [f"# {rulebook.info.title} — pathways", "", "| id | title | kind | requirements |", "|---|---|---|---|"]
    for pathway in sorted(rulebook.pathways.values(), key=lambda p: (p.rank, p.id)):
        lines.append(f"| `{pathway.id}` | {_cell(pathway.title)} | {KINDS.get(pathway.kind, pathway.kind)} | "
                     f"{len(pathway.requirements)} |")
    return "\n".join([*lines, "", "Explain one: `screener rules explain PATHWAY`"]) + "\n"
