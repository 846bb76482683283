"""The verdict screen: what is possible, why, and what to do tomorrow.

Written for a worried person at 2 a.m. and checked by a lawyer: best options first, every outcome in
words (never colour alone, so it reads the same with NO_COLOR and when piped), failed requirements with
what the person has against what is needed, and the rule reference behind each. Fits 80 columns.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from screener import guidance
from screener.evaluation import display, quoted
from screener.i18n import (
    N_,
    _,
    after_colon,
    format_date,
    format_money,
    in_sentence,
    is_one,
    ngettext,
    one_line,
    title_in_sentence,
)
from screener.interview import UNSURE, goal_of
from screener.model import Question
from screener.render.console import JOIN, page, whole
from screener.report import (
    FlagResult,
    LeadResult,
    PathwayResult,
    Report,
    RequirementResult,
    RoundBand,
    ScoreResult,
)
from screener.whatif import Flip, Gain, WhatIf

OUTCOME_WORDS = {"eligible": N_("eligible"), "ineligible": N_("not eligible"), "incomplete": N_("undecided")}
OUTCOME_STYLE = {"eligible": "bold green", "ineligible": "red", "incomplete": "yellow"}
OUTCOME_ORDER = {"eligible": 0, "incomplete": 1, "ineligible": 2}
SEVERITY_WORDS = {"serious": N_("SERIOUS"), "warning": N_("WARNING"), "info": N_("NOTE")}


def ordered(report: Report, goal: str | None = None) -> list[PathwayResult]:
    """Best options first: eligible (most realistic first, as the first screen lists them), then undecided,
    then not eligible, by the rulebook's rank."""
    rest = sorted((p for p in report.pathways.values() if p.outcome != "eligible"),
                  key=lambda p: (OUTCOME_ORDER[p.outcome], p.rank, p.id))
    return guidance.realistic_order(report, goal=goal) + rest


def labels(questions: dict[str, Question], ids: Iterable[str], limit: int | None = None,
           marks: Mapping[str, str] | None = None) -> str:
    """Question ids as short labels; past `limit`, the rest are counted instead of listed. Ids in `marks`
    come first, each followed by its mark ("Canadian citizen (you were not sure)")."""
    marks = marks or {}
    position = {qid: index for index, qid in enumerate(questions)}
    ordered_ids = sorted(set(ids) | marks.keys(),
                         key=lambda q: (q not in marks, position.get(q, len(position)), q))  # the rulebook's order
    names = [in_sentence(questions[q].short_label if q in questions else q) + marks.get(q, "") for q in ordered_ids]
    if limit is not None and len(names) > limit:
        rest = len(names) - limit
        return ngettext("{names} and {count} more", "{names} and {count} more", rest).format(
            names=", ".join(names[:limit]), count=rest)
    return ", ".join(names)


def reason(pathway: PathwayResult, questions: dict[str, Question], context: Context | None = None) -> str:
    """The one-line reason: what is needed for a closed pathway (never the rule's words alone, which may
    read as a statement about the person), question labels instead of ids for undecided pathways."""
    if pathway.outcome == "ineligible" and pathway.failed:
        return _("Needed: {text}").format(text=after_colon(pathway.failed[0].text))
    if pathway.outcome == "incomplete":
        needs = needed_answers(pathway, context or Context(questions), limit=3)
        if needs:
            return _("Still to answer: {answers}").format(answers=needs)
    return pathway.reason


def unsure_of(pathway: PathwayResult, context: Context) -> dict[str, str]:
    """What keeps an undecided pathway unknown on the person's side: answers they were not sure of and
    questions they skipped, each with a mark that says which (unknown is not no, §13.16, §13.20)."""
    return unsure_marks({name for r in pathway.unknown for name in (*r.reads, *r.missing)}, context)


def unsure_marks(reads: set[str], context: Context) -> dict[str, str]:
    """Of the questions `reads`, those the person was not sure of or skipped, each with its mark."""
    marks = {q: _(" (you were not sure)") for q in reads if context.answers.get(q) == UNSURE or q in context.not_sure}
    marks |= {q: _(" (skipped)") for q in reads if q in context.declined and q not in marks}
    return marks


def needed_answers(pathway: PathwayResult, context: Context, limit: int | None) -> str:
    """The answers that would decide an undecided pathway, the person's own unknowns first; "" when none."""
    missing = {name for r in pathway.unknown for name in r.missing}
    return labels(context.questions, missing, limit=limit, marks=unsure_of(pathway, context))


class Link(Text):
    """A URL on a line of its own: printed without wrapping or cropping, so it survives copy and paste."""


def where_to_check(questions: Mapping[str, Question], ids: Iterable[str]) -> list[tuple[str, str]]:
    """Of the questions `ids`, in the rulebook's order, those with an official page to look the answer up
    (`Question.url`, e.g. CUSMA's list of professions): the words that name it and the page. What a person
    who skipped one, or was not sure, can read before answering."""
    wanted = set(ids)
    return [(_("Where to check {question}:").format(question=title_in_sentence(question.short_label)), question.url)
            for question in questions.values() if question.id in wanted and question.url]


SCREEN_LINES = 24  # the first screen must fit an 80x24 terminal


@dataclass(frozen=True)
class Context:
    """What the verdict needs beyond the report: question labels, the answers and how to rerun."""

    questions: dict[str, Question]
    answers: Mapping[str, Any] = field(default_factory=dict)
    stale: list[str] = field(default_factory=list)  # figures used in this verdict that may be out of date
    rerun: str = "screener check --details"  # the command that shows the full detail
    stuck: frozenset[str] = frozenset()  # undecided routes no answer can open any more (§13.24): counted, not listed
    declined: frozenset[str] = frozenset()  # questions the person skipped: unknown, never no
    what_if: WhatIf | None = None  # the smallest changes that open a route (the screen shows the most useful)
    not_sure: frozenset[str] = frozenset()  # of `declined`, those a file answered "unsure" (a yes/no has no "not sure")


def summary(report: Report, context: Context, width: int = 80) -> list[RenderableType]:
    """The first screen: the headline, blocking problems, open routes best option first (every one named), what would
    decide the undecided ones, and the closed ones in a line. At most SCREEN_LINES lines at `width`;
    what does not fit is counted and left to --details, never cut mid-sentence."""
    proof = guidance.citizen(report)
    if proof is not None:
        return _citizen(report, proof, context)
    flags = [f for f in report.flags if f.severity == "serious"]
    others = [f for f in report.flags if f.severity != "serious"]
    goal = goal_of(context.answers)  # the best option, then the routes serving the goal, as --details ranks them
    opened = guidance.realistic_order(report, goal=goal)
    undecided = guidance.realistic_order(
        report, [p for p in ordered(report) if p.outcome == "incomplete" and p.id not in context.stuck], goal)
    # undecided routes no answer can open (§13.24): counted with the undecided, never with the closed
    unlisted = sum(p.outcome == "incomplete" and p.id in context.stuck for p in report.pathways.values())
    closed = [p for p in report.pathways.values() if p.outcome == "ineligible"]
    leads = guidance.first_leads(report, opened, bool(flags))  # safety ones never fitted away, in any language
    head = guidance.headline(report, goal, stuck=context.stuck)
    flip = None if report.goal_open(goal) or flags else best_flip(report, context.what_if, goal)
    # a change that opens a route of the person's goal (a language test for FSW, review8 #3) is shown even
    # beside leads, at every fit, before what to do now; any other change only where nothing else leads
    for_goal = flip is not None and goal is not None and report.pathways[flip.pathway_id].serves(goal)
    change = _change_short(report, flip, context) if flip is not None else []
    for limits in _fits():
        parts: list[RenderableType] = [styled(head)]
        parts += _blocking(flags, others, limits.flag_text)
        for lead in leads.safety:
            parts += _lead(lead, with_text=True)
        if for_goal and leads.now is not None:
            parts += change
        if leads.now is not None:  # nothing open: what to do now comes first
            parts += _leads_first(leads.now, leads.others, limits.why)
        parts += _open(report, opened, limits, below_headline=len(parts) == 1)
        parts += _undecided_short(undecided, context, limits)
        if (for_goal and leads.now is None) or not (for_goal or leads.safety or leads.now or limits.last):
            parts += change  # else admissibility or a lead comes first
        if leads.others and limits.undecided and limits.also and leads.now is None:
            titles = "; ".join(after_colon(lead.title) for lead in leads.others)
            parts += [Text(""), hang(_("Also worth exploring: "), Text(titles))]
        tail = _tail(report, context, opened, undecided, closed, limits, unlisted)
        # the row the cursor moves to after the last line is on screen too: one fewer, or the headline scrolls off
        if limits.last or count_lines(parts + tail, width) <= SCREEN_LINES - 1:
            return parts + tail
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class _Limits:
    opened: int  # open pathways listed
    why: bool  # one line of why under each
    undecided: int  # undecided pathways listed
    flag_text: bool  # the first sentence of each blocking flag
    compact: bool = False  # a lone open route beside its heading; no blank lines but the one under the headline
    counts: bool = True  # the line counting the routes not listed (--details lists them)
    last: bool = False
    also: bool = True  # "Also worth exploring" with the titles of the leads that are not for safety
    links: bool = True  # under an undecided route, the official page to check a skipped or unsure answer
    titles: bool = False  # undecided routes by title alone, without the answers that would decide them


def _fits() -> list[_Limits]:
    """From the fullest first screen to the barest; the first that fits is shown. Before the undecided routes
    go, the other leads' titles go, then the page to check, then what would decide each route (the routes are
    named by title alone): a longer language (French) never costs a person the routes still undecided while a
    line of them fits (review12 B1). Safety leads and blocking problems are never fitted away."""
    titles = _Limits(1, False, 1, False, also=False, links=False, titles=True)
    return [
        _Limits(3, True, 3, True), _Limits(3, True, 2, True), _Limits(2, True, 2, True), _Limits(2, False, 2, True),
        _Limits(2, False, 1, False), _Limits(1, False, 1, False), _Limits(1, False, 1, False, also=False),
        _Limits(1, False, 1, False, also=False, links=False), titles, replace(titles, compact=True),
        _Limits(1, False, 0, False), _Limits(1, False, 0, False, compact=True),
        replace(titles, compact=True, counts=False),  # a route named before the line naming --details goes
        _Limits(1, False, 0, False, compact=True, counts=False, last=True),
    ]


def count_lines(parts: list[RenderableType], width: int = 80) -> int:
    """How many terminal lines `parts` take at `width` columns."""
    console = Console(width=width, no_color=True, highlight=False, emoji=False, file=io.StringIO())
    with console.capture() as captured:
        for part in parts:
            console.print(part, soft_wrap=isinstance(part, Link))
    # a link is printed whole on one line; the terminal folds it over as many rows as it needs
    plain = ESCAPE.sub("", captured.get())  # FORCE_COLOR makes even this console write style codes
    return sum(max(1, -(-cell_len(line) // width)) for line in plain.splitlines())


def hang(prefix: str, text: Text | str, indent: int = 0) -> Table:
    """`prefix` then `text`, wrapped lines aligned under the text (a hanging indent)."""
    grid = Table.grid(padding=0)
    if indent:
        grid.add_column(width=indent)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    cells: list[RenderableType] = [""] * (1 if indent else 0)
    grid.add_row(*cells, prefix, text if isinstance(text, Text) else Text(text))
    return grid


def _first_sentence(text: str) -> str:
    text = one_line(text)
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return match.group(1) if match else text


def _citizen(report: Report, pathway: PathwayResult, context: Context) -> list[RenderableType]:
    """A citizen needs proof, not immigration: nothing about work permits."""
    known = context.answers.get("canadian_citizen") == "yes"
    head = guidance.headline(report, goal_of(context.answers), known_citizen=known)
    parts: list[RenderableType] = [styled(head), Text("")]
    if not known:
        parts.append(Text(_first_sentence(pathway.summary)))
    parts.append(Text(_("What to do:"), style="bold"))
    for number, step in enumerate(pathway.next_steps, start=1):
        parts.append(hang(f"{number}. ", one_line(step.text), 2))
    parts.append(Text(""))
    parts.append(Text(_("You do not need a visa, a work permit or permanent residence to live in Canada.")))
    parts += _footer_short(context, report)
    return parts


ROLE_STYLES = {"strong": "bold", "route": "bold green", "alarm": "bold red", "plain": ""}


def styled(headline: guidance.Headline) -> Text:
    """The headline `guidance.headline` chose (the web page shows the same words), in the terminal's styles."""
    text = Text()
    for words, role in headline.parts:
        text.append(words, style=ROLE_STYLES[role])
    return text


def _leads_first(lead: LeadResult, others: list[LeadResult], with_text: bool) -> list[RenderableType]:
    """No route is open or undecided: what is worth doing now (a lead) is the screen, with its text
    and its first step."""
    parts = _lead(lead, with_text)
    if others:
        parts += [Text(""), hang(_("Also worth exploring: "),
                                 Text("; ".join(after_colon(other.title) for other in others)))]
    return parts


def _lead(lead: LeadResult, with_text: bool) -> list[RenderableType]:
    """A lead's title, its text (for a person in danger, the safe advice, §13.21) and its first step."""
    parts: list[RenderableType] = [Text(""), Text(lead.title, style="bold")]
    if with_text:
        parts.append(hang("  ", Text(one_line(lead.text))))
    if lead.next_steps:
        step = lead.next_steps[0]
        parts.append(hang("  1. ", Text(step.text)))
        if step.url:
            parts.append(Link("     " + step.url))  # whole, never cropped: it is copied into a browser
    return parts


def _blocking(flags: list[FlagResult], others: list[FlagResult], with_text: bool) -> list[RenderableType]:
    """Every admissibility flag before any pathway (§13.30): no pathway helps a person who cannot enter.
    Serious ones read STOP, with the others' titles under them; without a serious one, each flag (a medical
    or criminality warning, a note) is its own line, marked as in the full detail, never fitted away."""
    if not flags and not others:
        return []
    parts: list[RenderableType] = [Text("")]
    for flag in flags:
        line = Text(_("STOP: "), style="bold red").append(after_colon(flag.title), style="bold")
        parts.append(line)
        if with_text:
            parts.append(Padding(Text(_first_sentence(flag.text)), (0, 0, 0, 6), expand=False))
    for flag in others:
        if flags:
            parts.append(Padding(Text(_("Also: {title}").format(title=after_colon(flag.title))), (0, 0, 0, 6),
                                 expand=False))
            continue
        parts.append(Text(_("{severity}: ").format(severity=severity_word(flag)), style="bold yellow").append(
            flag.title, style="bold"))
        if with_text:
            parts.append(Padding(Text(_first_sentence(flag.text)), (0, 0, 0, 2), expand=False))
    return parts


def severity_word(flag: FlagResult) -> str:
    """WARNING, NOTE, SERIOUS in the reader's language (a rulebook's own severity in capitals)."""
    severity = SEVERITY_WORDS.get(flag.severity)
    return _(severity) if severity else flag.severity.upper()


def _open(report: Report, opened: list[PathwayResult], limits: _Limits, below_headline: bool = False
          ) -> list[RenderableType]:
    if not opened:
        return []
    title = _("Open to you, best option first:") if len(opened) > 1 else _("Open to you:")
    lone = limits.compact and len(opened) == 1  # a tight screen: heading and route on one line
    parts: list[RenderableType] = [] if lone else [Text(""), Text(title, style="bold")]
    if lone and below_headline:  # the headline stays a paragraph of its own
        parts.append(Text(""))
    for number, pathway in enumerate(opened[:limits.opened], start=1):
        if lone:
            parts.append(hang(title + " ", Text(pathway.title, style="bold green")))
        else:
            parts.append(hang(f"{number}. ", Text(pathway.title, style="bold green")))
        short = guidance.long_shot_why(report, pathway)
        if limits.why:
            parts.append(Padding(Text(short or _first_sentence(pathway.summary)), (0, 0, 0, 3), expand=False))
        score = None if short and limits.why else short or standing(report, pathway)
        if score:  # the key fact of a pool program, kept at every fit (the long-shot why already says it)
            parts.append(Padding(Text(score, style="bold"), (0, 0, 0, 3), expand=False))
        if pathway.next_steps:  # whole: an asylum claim's step says where to cross safely
            step = Text(_("First step: "), style="bold").append(after_colon(one_line(pathway.next_steps[0].text)))
            parts.append(Padding(step, (0, 0, 0, 3), expand=False))
    return parts


def standing(report: Report, pathway: PathwayResult) -> str | None:
    """For a pathway that competes on a score with recent rounds: the score and how it compares with the
    cut-offs of the rounds the person could (or may) be invited in, the same rounds --details lists."""
    odds = guidance.chance(report, pathway)
    if odds is None:
        return None
    score = report.scores[odds.score_id]
    head = _("Your {name} score: {score}.").format(name=score.short_title, score=display(odds.value)) \
        if score.short_title else _("Your score: {score}.").format(score=display(odds.value))
    bands = odds.rounds or odds.maybe
    if not bands:
        return head + " " + _("No recent round invited this program.")
    low, high = min(b.low for b in bands), max(b.high for b in bands)
    span = cut_off_span(low, high)
    if odds.rounds:
        text = _("Recent rounds you could be invited in cut off at {span}: {where}.")
    else:
        text = _("No recent round was open to everyone or to this program; rounds of categories you may be in "
                 "cut off at {span}: {where}.")
    return head + " " + text.format(span=span, where=_against(odds.value, low, high))


def _undecided_short(undecided: list[PathwayResult], context: Context, limits: _Limits) -> list[RenderableType]:
    if not undecided or not limits.undecided:
        return []
    if limits.titles:  # a tight screen: the routes named, what decides them left to --details
        titles = "; ".join(pathway.title for pathway in undecided[:limits.undecided])
        return [*([] if limits.compact else [Text("")]), hang(_("Undecided: "), Text(titles, style="bold"))]
    heading = Text(_("Undecided: your answers to these would decide them"), style="bold")
    parts: list[RenderableType] = [Text(""), heading]
    for pathway in undecided[:limits.undecided]:
        needs = needed_answers(pathway, context, limit=2) or _("a lawyer's review")
        parts.append(hang("• ", Text(_("{title}: ").format(title=pathway.title)).append(needs, style="bold"), 2))
        if limits.links:
            parts += [Link(f"    {words} {url}") for words, url in where_to_check(context.questions,
                                                                                    unsure_of(pathway, context))]
    return parts


def best_flip(report: Report, suggestions: WhatIf | None, goal: str | None = None) -> Flip | None:
    """The most useful single change: for a route serving the person's goal first; one that makes the
    person eligible before one that only opens a route, then the most realistic route (the rulebook's
    rank); among equals, the what-if's own order (the smallest change first)."""
    if suggestions is None or not suggestions.flips:
        return None
    return min(suggestions.flips, key=lambda flip: (
        not report.pathways[flip.pathway_id].serves(goal), flip.outcome != "eligible",
        report.pathways[flip.pathway_id].rank))


def flip_effect(report: Report, flip: Flip, questions: dict[str, Question], limit: int | None = None) -> str:
    """What a change does to a route, in words ("opens FSW, then it depends on Age, Education and 10 more")."""
    title = title_in_sentence(report.pathways[flip.pathway_id].title)
    if flip.outcome == "eligible":
        scores = "; ".join(_("{name} score: {score}").format(name=report.scores[score_id].short_title,
                                                              score=display(value))
                           for score_id, value in flip.scores if report.scores[score_id].short_title)
        if scores:
            return _("makes you eligible for {title} ({scores})").format(title=title, scores=scores)
        return _("makes you eligible for {title}").format(title=title)
    return _("opens {title}, then it depends on {answers}").format(
        title=title, answers=labels(questions, flip.missing, limit=limit) or _("more answers"))


def _change_short(report: Report, flip: Flip, context: Context) -> list[RenderableType]:
    """Nothing is open for the person's goal: the one change that would open the most (`best_flip`: a
    language test for FSW), on the first screen; every change is in --details."""
    words = _("{change}: {effect}").format(change=after_colon(flip.change.text),
                                            effect=flip_effect(report, flip, context.questions, limit=2))
    return [Text(""), hang(_("What could change this: "), Text(words))]


def _tail(report: Report, context: Context, opened: list[PathwayResult], undecided: list[PathwayResult],
          closed: list[PathwayResult], limits: _Limits, unlisted: int = 0) -> list[RenderableType]:
    parts: list[RenderableType] = [] if limits.compact else [Text("")]
    if len(opened) > limits.opened:  # every open route is named, even where there is no room for its step
        also = len(opened) - limits.opened
        titles = "; ".join(p.title for p in opened[limits.opened:])
        parts += [hang(ngettext("Also open: ", "Also open: ", also), Text(titles)), Text("")]
    more = []
    if len(undecided) + unlisted > limits.undecided:
        count = max(len(undecided) - limits.undecided, 0) + unlisted
        more.append(ngettext("{count} undecided", "{count} undecided", count).format(count=count))
    if closed:
        more.append(ngettext("{count} closed", "{count} closed", len(closed)).format(count=len(closed)))
    if more and limits.counts:
        only_closed = len(more) == 1 and closed
        line = Text(ngettext("Closed: {count} route", "Closed: {count} routes", len(closed)).format(count=len(closed))
                    if only_closed else _("More routes: {counts}").format(counts=", ".join(more)))
        line.append(" — ")
        line.append(whole(context.rerun), style="bold")  # never broken mid-command
        line.append(_(" says why."))
        parts.append(line)
    parts += _footer_short(context, report)
    return parts


def _footer_short(context: Context, report: Report | None = None) -> list[RenderableType]:
    parts: list[RenderableType] = []
    for warning in report.warnings if report is not None else []:
        parts.append(Text(_("Check your answers: "), style="bold yellow").append(warning.title))
    if context.stale:
        parts.append(Text(_("Some figures behind this verdict (amounts, cut-offs) may be out of date: check "
                            "canada.ca before you act."), style="yellow"))
    disclaimer = (_first_sentence(report.disclaimer) if report is not None
                  else _("This is a screening, not legal advice."))
    parts.append(Text(disclaimer, style="italic"))
    return parts


def verdict(report: Report, questions: dict[str, Question], suggestions: WhatIf | None = None,
            context: Context | None = None) -> list[RenderableType]:
    """The full detail (`--details`, `--report`): admissibility first, then every pathway and why."""
    context = context or Context(questions)
    goal = goal_of(context.answers)
    parts: list[RenderableType] = [_headline(report, goal)]
    # safe advice for a person at risk (§13.21) right under the headline, as on the first screen; never under
    # "Also worth exploring" after the table, on a pager's second page (review12 A2)
    parts += _leads(report.safety_leads, _("First, for your safety"))
    parts += _flags(report, questions)
    parts += _answer_warnings(report)
    parts.append(Text(""))
    parts.append(_table(report, context, goal))
    parts += _eligible(report, goal)
    parts += _leads(report.other_leads, _("Also worth exploring"))
    parts += _ineligible(report, context)
    parts += _undecided(report, context)
    parts += _scores(report, context)
    if suggestions is not None:
        parts += _what_if(report, suggestions, questions)
    parts += _footer(report, context)
    return parts


def render_parts(console: Console, parts: list[RenderableType]) -> str:
    """The parts as `console` prints them, without the trailing spaces rich pads lines with (they end up in
    files and pipes)."""
    with console.capture() as captured:
        for part in parts:
            console.print(part, soft_wrap=isinstance(part, Link))
    text = TRAILING.sub(lambda tail: "".join(ESCAPE.findall(tail.group(0))), captured.get())
    return text.replace(JOIN, " ")  # a command kept whole (`whole`) reads with plain spaces


def print_parts(console: Console, parts: list[RenderableType]) -> None:
    console.file.write(render_parts(console, parts))
    console.file.flush()


def page_parts(console: Console, parts: list[RenderableType]) -> None:
    """The parts through the system pager, as a whole (rich's `console.pager()` never sees text written
    to `console.file`, so it would open on an empty page); without styles when the console has no colour."""
    text = render_parts(console, parts)
    page(ESCAPE.sub("", text) if console.no_color else text)


ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
TRAILING = re.compile(r"(?:[ \t]|\x1b\[[0-9;]*m)+$", re.MULTILINE)  # spaces at a line's end, among style codes


def print_verdict(console: Console, report: Report, questions: dict[str, Question],
                  suggestions: WhatIf | None = None, context: Context | None = None, *, details: bool = False) -> None:
    context = context or Context(questions)
    if details:
        print_parts(console, verdict(report, questions, suggestions, context))
    else:
        print_parts(console, summary(report, context, console.width))


def _heading(title: str) -> Text:
    return Text("\n" + title, style="bold underline")


def _headline(report: Report, goal: str | None) -> Text:
    opened = guidance.realistic_order(report, goal=goal)  # the option the first screen lists first
    text = Text()
    if opened:
        pathway = opened[0]
        text.append(_("Your best option: "), style="bold")
        text.append(after_colon(pathway.title), style="bold green")
        text.append(_(" (eligible on your answers)"))
    else:
        undecided = any(p.outcome == "incomplete" for p in report.pathways.values())
        text.append(_("No pathway is open on your answers yet"), style="bold")
        text.append(_(": some are undecided; see what they need below.") if undecided
                    else _(". See below what would change that."))
    return text


def _table(report: Report, context: Context, goal: str | None) -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_edge=False, pad_edge=False)
    table.add_column(_("Pathway"), ratio=3)
    table.add_column(_("Outcome"), no_wrap=True)
    table.add_column(_("Why"), ratio=4)
    for pathway in ordered(report, goal):
        table.add_row(pathway.title, Text(_(OUTCOME_WORDS[pathway.outcome]), style=OUTCOME_STYLE[pathway.outcome]),
                      reason(pathway, context.questions, context))
    return table


def _eligible(report: Report, goal: str | None) -> list[RenderableType]:
    parts: list[RenderableType] = []
    for pathway in guidance.realistic_order(report, goal=goal):
        if not pathway.next_steps:
            continue
        if not parts:
            parts.append(_heading(_("What to do next")))
        parts.append(Text(pathway.title, style="bold green"))
        for number, step in enumerate(pathway.next_steps, start=1):
            parts.append(Padding(Text(f"{number}. {step.text}"), (0, 0, 0, 2), expand=False))
            if step.url:
                parts.append(Link("     " + step.url, style="blue"))
        for note in pathway.notes:
            parts.append(Padding(Text(_("Note: {note}").format(note=note), style="dim"), (0, 0, 0, 2), expand=False))
    return parts


def _answer_warnings(report: Report) -> list[RenderableType]:
    """Answers that contradict each other come before any verdict built on them."""
    parts: list[RenderableType] = []
    for warning in report.warnings:
        line = Text(_("Check your answers: "), style="bold yellow")
        line.append(warning.title, style="bold")
        line.append("\n" + warning.text)
        parts.append(Padding(line, (0, 0, 0, 2), expand=False))
    return parts


def _leads(leads: list[LeadResult], heading: str) -> list[RenderableType]:
    """Leads under `heading`: no legal test, so never an outcome, only a pointer (or, for a person at risk,
    the safe advice)."""
    if not leads:
        return []
    parts: list[RenderableType] = [_heading(heading)]
    for lead in leads:
        parts.append(Text(lead.title, style="bold"))
        parts.append(Padding(Text(lead.text), (0, 0, 0, 2), expand=False))
        for number, step in enumerate(lead.next_steps, start=1):
            parts.append(Padding(Text(f"{number}. {step.text}"), (0, 0, 0, 2), expand=False))
            if step.url:
                parts.append(Link("     " + step.url, style="blue"))
    return parts


MOST_ANSWERS_SHOWN = 4  # a requirement that reads more answers shows its value ("You have: 60") instead


def answer_words(question: Question, value: object) -> str:
    """An answer as the person gave it, in words: a choice's label (before any parenthesis), never its id."""
    if question.type == "choice":
        label = next((c.label for c in question.choices or [] if c.value == value and c.label), None)
        if not label:
            return str(value).replace("_", " ")
        short = re.split(r" \(|, ", label, maxsplit=1)[0].strip() or label  # "Single" of "Single (never married)"
        plain = {display(True).lower(): display(True), display(False).lower(): display(False)}
        return plain.get(short.lower(), short)  # "No" reads as the yes/no answers do
    if question.type == "money" and isinstance(value, int | float) and not isinstance(value, bool):
        return format_money(value)
    return display(value)


def answers_behind(requirement: RequirementResult, context: Context) -> str | None:
    """The answers that decided a failed requirement, as "Label: answer" (None when there are none to show
    or too many to be useful): the person sees what *they* said against what is needed."""
    given = [q for q in context.questions if q in requirement.reads and context.answers.get(q) is not None]
    if not given or len(given) > MOST_ANSWERS_SHOWN:
        return None
    return "; ".join(_("{label}: {answer}").format(
        label=after_colon(_capital(context.questions[q].short_label)),
        answer=after_colon(answer_words(context.questions[q], context.answers[q]))) for q in given)


def _capital(label: str) -> str:
    return label[:1].upper() + label[1:]


def _requirement(requirement: RequirementResult, context: Context) -> RenderableType:
    """✗ what is needed, then what you answered (or have) against it, the advice and the reference,
    each wrapped with a hanging indent so the block reads as one item."""
    head = Text("✗ ", style="red").append(_("Needed: {text}").format(text=after_colon(requirement.text)))
    lines: list[RenderableType] = [Padding(head, (0, 0, 0, 2))]
    details: list[Text] = []
    behind = answers_behind(requirement, context)
    if behind is not None:
        details.append(Text(_("You answered: {answers}").format(answers=behind), style="bold"))
    elif isinstance(requirement.actual, int | float) and not isinstance(requirement.actual, bool):
        amount = any(context.questions[q].type == "money" and context.answers.get(q) == requirement.actual
                     for q in requirement.reads if q in context.questions)  # the amount the person gave
        value = format_money(requirement.actual) if amount else display(requirement.actual)
        if value not in (requirement.advice or ""):  # "You have 41 points. …" says it already
            details.append(Text(_("You have: {value}").format(value=value), style="bold"))
    # else: a yes/no or a derived word ("you: no") says less than what is needed and the advice
    if requirement.advice:
        details.append(Text(requirement.advice))
    if requirement.reference:
        details.append(Text(f"({requirement.reference})", style="dim"))
    lines += [Padding(detail, (0, 0, 0, 4)) for detail in details]
    return Group(*lines)


def _ineligible(report: Report, context: Context) -> list[RenderableType]:
    """Each closed pathway with its failed requirements; pathways closed for the same reasons share one entry."""
    groups: dict[tuple[tuple[str, str], ...], list[PathwayResult]] = {}
    for pathway in ordered(report):
        if pathway.outcome == "ineligible":
            groups.setdefault(tuple((r.id, r.text) for r in pathway.failed), []).append(pathway)
    parts: list[RenderableType] = [_heading(_("Why some pathways are closed"))] if groups else []
    for members in groups.values():
        titles = [pathway.title for pathway in members]
        heading = titles[0] if len(titles) == 1 else _("{titles} and {last}").format(
            titles=", ".join(titles[:-1]), last=titles[-1])
        parts.append(Text(heading, style="bold"))
        parts += [_requirement(r, context) for r in members[0].failed]
    return parts


def _undecided(report: Report, context: Context) -> list[RenderableType]:
    questions = context.questions
    waiting = [p for p in ordered(report) if p.outcome == "incomplete"]
    missing = sorted({name for p in waiting for r in p.unknown for name in r.missing})
    marks = {q: mark for p in waiting for q, mark in unsure_of(p, context).items()}
    if not missing and not marks:
        return []
    best = report.best_pathway
    if best is not None and report.pathways[best].kind == "citizenship":
        return [_heading(_("Still undecided")), Text(
            _("As a Canadian citizen you would not need the other pathways, so they were not screened."))]
    text = Text(_("Answering these would decide the undecided pathways: "))
    text.append(labels(questions, missing, limit=8, marks=marks))
    text.append(_(". Rerun {command} to answer them.").format(command=whole("screener check")), style="dim")
    return [_heading(_("Still undecided")), text,
            *(Link(f"{words} {url}") for words, url in where_to_check(questions, [*missing, *marks]))]


def _scores(report: Report, context: Context) -> list[RenderableType]:
    parts: list[RenderableType] = []
    for score in report.scores.values():
        if not score_shown(report, score):
            continue
        parts.append(_heading(score.title))
        parts += _score(score, context, guidance.rounds_for(report, score), guidance.maybe_rounds(score))
    return parts


def score_shown(report: Report, score: ScoreResult) -> bool:
    """A score is shown only where a program that uses it is open or nearly open."""
    showing = [p for p in report.pathways.values() if score.id in p.scores]
    return not showing or any(p.outcome != "ineligible" for p in showing)


def unknown_score(score: ScoreResult, context: Context) -> str:
    """Why a score has no value: the range it can still take, and the answers that would fix it, those the
    person was not sure of or skipped marked (they are answered, so a score's `missing` leaves them out)."""
    unknown = [line for line in score.lines if line.points is None]
    needs = labels(context.questions, score.missing, limit=8,
                   marks=unsure_marks({name for line in unknown for name in (*line.reads, *line.missing)}, context))
    low, high = score.span or (-math.inf, math.inf)
    ranged = math.isfinite(low) and math.isfinite(high) and low < high
    if ranged and needs:
        return _("Cannot be computed yet: between {low} and {high} on your answers. Still to answer: {answers}."
                 ).format(low=display(low), high=display(high), answers=needs)
    if ranged:
        return _("Cannot be computed yet: between {low} and {high} on your answers.").format(
            low=display(low), high=display(high))
    if needs:
        return _("Cannot be computed yet. Still to answer: {answers}.").format(answers=needs)
    return _("Cannot be computed yet.")


def _score(score: ScoreResult, context: Context, rounds: list[RoundBand],
           maybe: list[RoundBand]) -> list[RenderableType]:
    if score.value is None:
        return [Text(unknown_score(score, context))]
    total = (_("Your score: {score} out of {most}").format(score=display(score.value), most=display(score.max))
             if score.max is not None else _("Your score: {score}").format(score=display(score.value)))
    parts: list[RenderableType] = [Text(total, style="bold")]
    breakdown = Table(box=None, show_header=False, pad_edge=False, padding=(0, 2, 0, 0))
    breakdown.add_column("part")
    breakdown.add_column("points", justify="right")
    top = [g for g in score.groups if g.parent is None]
    if top:
        for group in top:
            cap = _(" (max {most})").format(most=display(group.max)) if group.max is not None else ""
            breakdown.add_row(group.title + cap, display(group.points or 0))
        for line in score.lines:
            if line.group is None and line.points:
                breakdown.add_row(line.text, display(line.points))
    else:
        for line in score.lines:
            if line.points:
                breakdown.add_row(line.text, display(line.points))
    parts.append(Padding(breakdown, (0, 0, 0, 2), expand=False))
    if rounds:
        parts.append(Text(_("Recent invitation rounds you could be invited in:")))
    parts += [_band(score.value, band) for band in rounds]  # only rounds the person could be invited in
    if maybe:
        parts.append(Text(_("Rounds of categories you may be in (your answers cannot show it):")))
        for band in maybe:
            parts.append(_band(score.value, band))
            if band.unchecked:
                parts.append(Padding(Text(_("Needs {what}").format(what=band.unchecked), style="dim"),
                                     (0, 0, 0, 4), expand=False))
    if rounds or maybe:
        parts.append(Padding(Text(_("Category rounds invite only people who qualify for the category."), style="dim"),
                             (0, 0, 0, 2), expand=False))
    return parts


def _band(value: float, band: RoundBand) -> RenderableType:
    """One round type: its cut-offs over the window and where the score stands."""
    where = _against(value, band.low, band.high)
    span = cut_off_span(band.low, band.high)
    count = ngettext("{count} round", "{count} rounds", band.rounds).format(count=band.rounds)
    return Padding(Text(_("{type}: cut-off {span} ({rounds}, latest {date}) — {where}").format(
        type=band.type, span=span, rounds=count, date=format_date(band.latest), where=where)), (0, 0, 0, 2),
        expand=False)


def cut_off_span(low: float, high: float) -> str:
    """Round cut-offs as a value or a range ("480" or "480–530")."""
    return display(low) if low == high else f"{display(low)}–{display(high)}"


def _against(value: float, low: int, high: int) -> str:
    if value >= high:
        return _("your score is above it")
    if value >= low:
        return _("your score is within the range")
    return _("you are {points} below the lowest").format(points=display(low - value))


def _what_if(report: Report, suggestions: WhatIf, questions: dict[str, Question]) -> list[RenderableType]:
    if not suggestions.flips and not suggestions.gains:
        return []
    parts: list[RenderableType] = [_heading(_("What would change the outcome"))]
    for change, flips, gains in suggestions.by_change():  # one line a change (review11: an ECA was listed 3 times)
        stated = {(score_id, value) for flip in flips if flip.outcome == "eligible" for score_id, value in flip.scores
                  if report.scores[score_id].short_title}  # the totals flip_effect already gives
        effects = [flip_effect(report, flip, questions) for flip in flips]
        effects += [gain_words(report, gain) for gain in gains if (gain.score_id, gain.new_value) not in stated]
        parts.append(Padding(Text(_("• {change}: {effect}").format(change=change, effect="; ".join(effects))),
                             (0, 0, 0, 2), expand=False))
    return parts


def gain_words(report: Report, gain: Gain) -> str:
    """What a change adds to a score, as each language says it: "600 more CRS points (total 786)",
    « 600 points de plus au SCG (total : 786) » (review7: "+600 Note du Système de classement global…" read
    as a calque of the English "+600 <the score's title>")."""
    score = report.scores[gain.score_id]
    count = 1 if is_one(gain.points) else 2
    points, total = display(gain.points), display(gain.new_value)
    if score.short_title:
        # {score} is a score's short name (CRS, FSW grid); the French « au {score} » suits the shipped ones (SCG, PTQF)
        return ngettext("{points} more {score} point (total {total})", "{points} more {score} points (total {total})",
                        count).format(points=points, score=score.short_title, total=total)
    return ngettext("{points} more point — {title} (total {total})", "{points} more points — {title} (total {total})",
                    count).format(points=points, title=score.title, total=total)


def admissibility_open(report: Report, questions: dict[str, Question]) -> str | None:
    """What still leaves admissibility unsettled: a flag waiting on an answer is never an all-clear
    (unknown is not no), so say which answers could still raise a concern."""
    if not report.flags_undecided:
        return None
    waiting = {name for names in report.flags_undecided.values() for name in names}
    if not waiting:
        return _("Admissibility is not settled yet: some of your answers could still raise a concern.")
    return _("Admissibility is not settled yet: your answers to {answers} could still raise a concern.").format(
        answers=labels(questions, waiting, limit=4))


def _flags(report: Report, questions: dict[str, Question]) -> list[RenderableType]:
    parts: list[RenderableType] = [_heading(_("Admissibility"))]
    unsettled = admissibility_open(report, questions)
    if unsettled:
        parts.append(Text(unsettled, style="bold yellow"))
    if not report.flags:
        if not unsettled:
            parts.append(Text(_("Nothing in your answers raises an admissibility concern.")))
        return parts
    for flag in report.flags:
        line = Text(_("{severity}: ").format(severity=severity_word(flag)),
                    style="bold red" if flag.severity == "serious" else "bold yellow")
        line.append(flag.title, style="bold")
        line.append("\n" + flag.text)
        if flag.reference:
            line.append(f"\n({flag.reference})", style="dim")
        parts.append(Padding(line, (0, 0, 0, 2), expand=False))
    return parts


def rules_applied(report: Report) -> str:
    """Which rules the verdict applied, named by the rulebook's title (not its id) and dated (review7: "Rules
    canada version 2026.11" put a machine id in a sentence)."""
    return _("Based on the rules in force on {date} ({title}, version {version}).").format(
        date=format_date(report.as_of), title=quoted(report.rulebook_title or report.rulebook_id),
        version=report.version)


def _footer(report: Report, context: Context) -> list[RenderableType]:
    parts: list[RenderableType] = [Text("")]
    if context.stale:
        parts.append(Text(_("These figures behind your verdict may be out of date (past their review date): "
                            "{figures}. Check canada.ca before you act.").format(figures="; ".join(context.stale)),
                          style="yellow"))
    parts.append(Text(rules_applied(report), style="dim"))
    parts.append(Text(one_line(report.disclaimer), style="italic"))
    return parts
