"""`screener check --report FILE`: the full verdict as a document a person can keep or send.

Markdown (`.md`) is written from the report; HTML (`.html`) is that Markdown rendered by markdown-it
with raw HTML disabled and wrapped in one self-contained page (inline CSS, no scripts, no external
files), so rule texts and answers can never inject markup. Written owner-only (it holds personal
answers) and atomically onto regular files; a FIFO or device is streamed to.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from screener import guidance
from screener.errors import ScreenerError
from screener.evaluation import display
from screener.files import atomic_write
from screener.i18n import N_, _, after_colon, current, one_line
from screener.interview import goal_of
from screener.render.verdict import (
    OUTCOME_WORDS,
    Context,
    admissibility_open,
    answers_behind,
    gain_words,
    labels,
    ordered,
    reason,
    rules_applied,
    score_shown,
    severity_word,
    unknown_score,
    where_to_check,
)
from screener.report import LeadResult, PathwayResult, Report, RequirementResult
from screener.whatif import WhatIf

TITLE = N_("Can I move to Canada? Your screening")
# Characters that are syntax wherever they stand; '(' and ')' are not (a link needs an unescaped ']'
# before them), so "(fédéral)" stays readable in the file a person opens.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
# What is syntax only at the start of a line: a heading, a list item or rule, a setext underline, a numbered
# item (digits, '.' or ')', then a space: "2026.11" is not one).
MARKDOWN_LINE_START = re.compile(r"^(?:([#+\-=])|(\d{1,9})([.)])(?=\s|$))")


def md(text: str) -> str:
    """Text as literal Markdown: every character Markdown would read as syntax there is escaped."""
    flat = MARKDOWN_SPECIAL.sub(r"\\\1", one_line(str(text)))
    return MARKDOWN_LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", flat)


def markdown(report: Report, suggestions: WhatIf | None, context: Context) -> str:
    """The full verdict as Markdown: admissibility first (§13.30), then open, undecided and closed routes."""
    out: list[str] = ["# " + _(TITLE), ""]
    out += [md(rules_applied(report)), ""]
    # safe advice for a person at risk (§13.21) first, as on the screens, never after the routes (review12)
    out += _leads(report.safety_leads, _("First, for your safety"))
    out += ["## " + _("Admissibility"), ""]
    unsettled = admissibility_open(report, context.questions)
    if unsettled:
        out += [md(unsettled), ""]
    elif not report.flags:
        out += [_("Nothing in your answers raises an admissibility concern."), ""]
    for flag in report.flags:
        label = _("{severity}: ").format(severity=md(severity_word(flag)))
        out += ["- **" + label + f"{md(flag.title)}** — {md(flag.text)}"
                + (f" ({md(flag.reference)})" if flag.reference else ""), ""]
    for warning in report.warnings:
        out += ["- **" + _("Check your answers: ") + f"{md(warning.title)}** — {md(warning.text)}", ""]
    opened = guidance.realistic_order(report, goal=goal_of(context.answers))
    out += ["## " + _("Routes open to you, best option first"), ""]
    if not opened:
        out += [_("None on these answers."), ""]
    for pathway in opened:
        out += _pathway(pathway, context)
    out += _leads(report.other_leads, _("Also worth exploring"))
    out += ["## " + _("All routes"), "", "| " + " | ".join((_("Route"), _("Outcome"), _("Why"))) + " |",
            "|---|---|---|"]
    for pathway in ordered(report, goal_of(context.answers)):
        why = md(reason(pathway, context.questions))
        out.append(f"| {md(pathway.title)} | {_(OUTCOME_WORDS[pathway.outcome])} | {why} |")
    out.append("")
    closed = [p for p in ordered(report) if p.outcome != "eligible"]
    if closed:
        out += ["## " + _("Why the other routes are closed or undecided"), ""]
    for pathway in closed:
        out += [f"### {md(pathway.title)} ({_(OUTCOME_WORDS[pathway.outcome])})", ""]
        for requirement in pathway.failed + pathway.unknown:
            out += [_requirement(requirement, context)]
        out.append("")
    for score in report.scores.values():
        if score.value is None:
            if score_shown(report, score):  # as --details shows it
                out += ["## " + md(score.title), "", md(unknown_score(score, context)), ""]
            continue
        out += ["## " + _("{title}: ").format(title=md(score.title)) + display(score.value), ""]
        out += ["- " + _("{title}: ").format(title=md(line.text)) + display(line.points)
                for line in score.lines if line.points]
        out.append("")
    if suggestions is not None and (suggestions.flips or suggestions.gains):
        out += ["## " + _("What would change the outcome"), ""]
        for change, flips, gains in suggestions.by_change():  # one line a change, as --details
            effects = [_("{title} becomes {outcome}").format(title=md(report.pathways[flip.pathway_id].title),
                                                             outcome=_(OUTCOME_WORDS[flip.outcome])) for flip in flips]
            effects += [md(gain_words(report, gain)) for gain in gains]
            out.append("- " + _("{change}: {effect}").format(change=md(change), effect="; ".join(effects)))
        out.append("")
    if context.stale:
        out += [_("Some figures behind this verdict may be out of date: {figures}.").format(
            figures=md("; ".join(context.stale))), ""]
    out += [f"*{md(report.disclaimer)}*", ""]
    return "\n".join(out)


def _leads(leads: list[LeadResult], heading: str) -> list[str]:
    """Leads under `heading`, each with its numbered steps (nothing when there are none)."""
    out = ["## " + heading, ""] if leads else []
    for lead in leads:
        out += [f"### {md(lead.title)}", "", md(lead.text), ""]
        out += [f"{n}. {md(step.text)}" + (f" <{step.url}>" if step.url and _safe_url(step.url) else "")
                for n, step in enumerate(lead.next_steps, start=1)] + [""]
    return out


def _pathway(pathway: PathwayResult, context: Context) -> list[str]:
    out = [f"### {md(pathway.title)}", "", md(pathway.summary), ""]
    for number, step in enumerate(pathway.next_steps, start=1):
        link = f" <{step.url}>" if step.url and _safe_url(step.url) else ""
        out.append(f"{number}. {md(step.text)}{link}")
    out += [""] + [f"> {md(note)}" for note in pathway.notes] + [""]
    return out


def _requirement(requirement: RequirementResult, context: Context) -> str:
    """Not met: what is needed against what the person answered; not known yet: what to answer."""
    text = after_colon(requirement.text)
    line = "- " + md(_("Not met. Needed: {text}").format(text=text) if requirement.status == "failed"
                     else _("Not known yet: {text}").format(text=text))
    if requirement.status == "unknown" and requirement.missing:
        line += " — " + _("answer: {questions}").format(questions=md(labels(context.questions, requirement.missing)))
        line += "".join(f" — {md(words)} <{url}>"
                        for words, url in where_to_check(context.questions, requirement.missing) if _safe_url(url))
    behind = answers_behind(requirement, context) if requirement.status == "failed" else None
    if behind is not None:
        line += " — " + md(_("You answered: {answers}").format(answers=behind))
    if requirement.advice:
        line += f" — {md(requirement.advice)}"
    if requirement.reference:
        line += f" ({md(requirement.reference)})"
    return line


def _safe_url(url: str) -> bool:
    return re.fullmatch(r"https?://[^\s<>\"'`]+", url) is not None


def html_page(markdown_text: str) -> str:
    from markdown_it import MarkdownIt

    body: str = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown_text)
    return (f"<!DOCTYPE html>\n<html lang=\"{current()}\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(_(TITLE))}</title>"
            "<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;"
            "line-height:1.5}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2rem .5rem}"
            "</style></head><body>\n" + body + "</body></html>\n")


def write_report(path: Path, report: Report, suggestions: WhatIf | None, context: Context) -> None:
    """The full verdict as a file: HTML for .html/.htm, else Markdown (.md, or `-`, a device or a FIFO,
    which have no suffix to go by)."""
    from screener.files import is_stream

    suffix = path.suffix.lower()
    if suffix not in (".md", ".markdown", ".html", ".htm") and not is_stream(path):
        raise ScreenerError(_("--report: {file} must end in .md or .html (or be - for standard output)").format(
            file=path.name), exit_code=2)
    text = markdown(report, suggestions, context)
    if suffix in (".html", ".htm"):
        text = html_page(text)
    data = text.encode("utf-8")
    try:
        with atomic_write(path, option="--report") as out:  # a FIFO or a device is streamed to, never replaced
            out.write(data)
    except OSError as exc:
        raise ScreenerError(_("--report: cannot write {path} ({reason})").format(path=path, reason=exc.strerror),
                            exit_code=1) from None
