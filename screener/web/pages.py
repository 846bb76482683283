"""The web interview's HTML: one question per page, the offer to check other routes, and the verdict.

Server-rendered, no JavaScript, no external files: every page works in any browser and with a
keyboard or a screen reader (a label for every input, a fieldset and legend for every set of
choices, errors tied to their input, visible focus, contrast above WCAG AA). Every text is escaped
here (`esc`), so neither a rule text nor an answer can add markup. The answers so far travel in
hidden fields of the form (`State`): the server keeps nothing between pages.

Decisions come from the library: the next question and the progress bound from
`screener.interview`, the order of routes from `screener.guidance`, the full verdict from
`screener.render.report_file` (the Markdown of `check --report`, rendered with raw HTML disabled).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from screener import guidance
from screener.i18n import N_, _, after_colon, ngettext, one_line
from screener.interview import CLOSE, Interview, Progress, Step, goal_of, hint
from screener.model import Question
from screener.report import FlagResult, LeadResult, PathwayResult, Report
from screener.rulebook import Rulebook

CSS = """
:root{color-scheme:light}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:1.1rem;line-height:1.55;
color:#1a1a1a;background:#fff;max-width:44rem;margin:0 auto;padding:1rem}
a{color:#0b4f9c}
header{border-bottom:1px solid #767676;margin-bottom:1rem}
.brand{font-weight:700;margin:.25rem 0 .5rem}
.progress{color:#3d3d3d;margin:0 0 .25rem}
fieldset{border:0;padding:0;margin:0 0 1rem}
legend,h1{font-size:1.5rem;font-weight:700;margin:.5rem 0 .75rem;padding:0}
.choice{display:flex;align-items:flex-start;gap:.6rem;margin:.4rem 0}
.choice input{width:1.3rem;height:1.3rem;margin-top:.2rem;flex:none}
input[type=text]{font-size:1.1rem;padding:.45rem .6rem;border:2px solid #3d3d3d;border-radius:3px;
max-width:100%;width:18rem}
.hint{color:#3d3d3d;margin:.25rem 0 .5rem}
.error{color:#b00020;font-weight:700;border-left:4px solid #b00020;padding-left:.6rem}
input[aria-invalid=true]{border-color:#b00020}
.actions{display:flex;flex-wrap:wrap;gap:.6rem;margin-top:1.25rem}
button{font-size:1.05rem;padding:.55rem 1.1rem;border-radius:4px;border:2px solid #0b4f9c;cursor:pointer;
background:#fff;color:#0b4f9c}
button.primary{background:#0b4f9c;color:#fff}
:focus-visible{outline:3px solid #d35400;outline-offset:2px}
details{margin:1rem 0}
summary{cursor:pointer;font-weight:700;color:#0b4f9c}
.outcome-eligible{color:#146c2e;font-weight:700}
.stop{color:#b00020;font-weight:700}
.note{color:#3d3d3d;font-style:italic}
.lead{border-left:4px solid #0b4f9c;padding-left:.6rem;margin:.75rem 0}
.lead h2{margin:.25rem 0}
.converted{border-left:4px solid #146c2e;padding-left:.6rem;margin:.25rem 0 .75rem}
table{border-collapse:collapse}td,th{border:1px solid #767676;padding:.2rem .5rem;vertical-align:top}
footer{border-top:1px solid #767676;margin-top:2rem;padding-top:.5rem;color:#3d3d3d;font-size:.95rem}
"""

ANSWER_PREFIX = "a:"
FORM_ACTION = "/interview"
BRAND = N_("Can I move to Canada?")


def _back() -> str:
    label = _("Back")
    return f'<button type="submit" name="action" value="back">{esc(label)}</button>'


def _action(lang: str) -> str:
    """The form's target: the page's language travels in the query (the form's fields are answers)."""
    return FORM_ACTION if lang == "en" else f"{FORM_ACTION}?lang={esc(lang)}"


def _home(lang: str) -> str:
    return "/" if lang == "en" else f"/?lang={esc(lang)}"


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


@dataclass
class State:
    """What the page carries between requests: raw answers as typed, declined questions, the history
    (for back, with the progress bound before each step), the last bound shown, and the goal choice."""

    raw: dict[str, str] = field(default_factory=dict)
    declined: list[str] = field(default_factory=list)
    history: list[tuple[str, int | None]] = field(default_factory=list)
    bound: int | None = None
    offered: bool = False
    only_goal: bool = False

    @classmethod
    def of(cls, interview: Interview, raw: Mapping[str, str]) -> State:
        """The state to put in the next page: only the answers the interview still holds."""
        return cls({qid: raw[qid] for qid in interview.answers if qid in raw}, sorted(interview.declined),
                   [(step.question_id, step.bound) for step in interview.history], interview._bound,
                   interview.offered, interview.only_goal)

    def steps(self) -> list[Step]:
        return [Step(qid, None, False, bound) for qid, bound in self.history]

    def hidden(self) -> str:
        fields = [(ANSWER_PREFIX + qid, value) for qid, value in self.raw.items()]
        fields += [("skip", qid) for qid in self.declined]
        fields += [("h", f"{qid}:{'' if bound is None else bound}") for qid, bound in self.history]
        if self.bound is not None:
            fields.append(("bound", str(self.bound)))
        if self.offered:
            fields.append(("offered", "1"))
        if self.only_goal:
            fields.append(("only_goal", "1"))
        return "".join(f'<input type="hidden" name="{esc(name)}" value="{esc(value)}">' for name, value in fields)


def page(title: str, body: str, *, lang: str = "en", footer: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="{esc(lang)}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{esc(title)}</title><link rel="stylesheet" href="/static/style.css"></head>'
            f'<body><header><p class="brand">{esc(_(BRAND))}</p></header>'
            f'<main id="main">{body}</main><footer>{footer}</footer></body></html>\n')


NO_VISA = N_("You do not need a visa, a work permit or permanent residence to live in Canada.")


def _footer(rulebook: Rulebook) -> str:
    first = re.match(r"(.+?[.!?])(\s|$)", one_line(rulebook.info.disclaimer))
    return f"<p>{esc(first.group(1) if first else rulebook.info.disclaimer)}</p>"


def _shown_back(lines: Sequence[str]) -> str:
    """What the answer just given converts to (`Interview.shown_back`, as the terminal shows it): a test's
    scores as CLB/NCLC levels, announced to screen readers."""
    return "".join(f'<p class="converted" role="status">{esc(line)}</p>' for line in lines)


def _progress(progress: Progress) -> str:
    heading = progress.heading()
    line = progress.line()
    text = _("{title}: ").format(title=heading) + line if heading and line else heading or line
    if not text:
        return ""
    return f'<p class="progress">{esc(text)}</p>'


def question_page(interview: Interview, question: Question, state: State, *, value: str = "",
                  error: str | None = None, lang: str = "en", shown_back: Sequence[str] = ()) -> str:
    """One question: its text as the legend (choices) or the label (typed answers), help, the kind of
    answer expected, and Continue / I don't know / Back; above it, what the last answer converts to."""
    described = ["hint-text"] if question.type not in ("choice", "yes_no") else []
    error_html = ""
    if error is not None:
        sorry = _("Sorry: {reason}.").format(reason=error)
        error_html = f'<p class="error" id="answer-error" role="alert">{esc(sorry)}</p>'
        described.insert(0, "answer-error")
    more_help = _("Help with this question")
    from screener.render.verdict import where_to_check

    look_up = "".join(f"<p>{esc(words)}{_link(url)}</p>" for words, url in where_to_check({question.id: question},
                                                                                         [question.id]))
    help_html = (f"<details><summary>{esc(more_help)}</summary>"
                 f"{f'<p>{esc(question.help)}</p>' if question.help else ''}{look_up}</details>"
                 if question.help or look_up else "")
    if question.type in ("choice", "yes_no"):
        options = (["yes", "no"] if question.type == "yes_no" else question.choice_values)
        labels = {"yes": _("yes").capitalize(), "no": _("no").capitalize()} if question.type == "yes_no" else {
            choice.value: choice.label or choice.value.replace("_", " ") for choice in question.choices or []}
        chosen = value.strip().lower() if question.type == "yes_no" else value
        items = "".join(
            f'<div class="choice"><input type="radio" name="answer" id="c{index}" value="{esc(option)}"'
            f'{" checked" if option == chosen else ""}>'
            f'<label for="c{index}">{esc(labels[option])}</label></div>'
            for index, option in enumerate(options))
        aria = ' aria-describedby="answer-error"' if error is not None else ""
        field_html = (f'<fieldset{aria}><legend>{esc(question.prompt)}</legend>{error_html}{help_html}'
                      f"{items}</fieldset>")
    else:
        invalid = ' aria-invalid="true"' if error is not None else ""
        field_html = (f'<h1><label for="answer">{esc(question.prompt)}</label></h1>{error_html}{help_html}'
                      f'<p class="hint" id="hint-text">{esc(hint(question).capitalize())}.</p>'
                      f'<input type="text" id="answer" name="answer" value="{esc(value)}" autocomplete="off"'
                      f' aria-describedby="{" ".join(described)}"{invalid}>')
    back = _back() if state.history else ""
    go_on, unknown = _("Continue"), _("I don't know")
    body = (f'{_shown_back(shown_back)}{_progress(interview.progress())}'
            f'<form method="post" action="{_action(lang)}" novalidate>'
            f'{state.hidden()}<input type="hidden" name="q" value="{esc(question.id)}">{field_html}'
            f'<div class="actions"><button type="submit" class="primary" name="action" value="next">{esc(go_on)}'
            f'</button><button type="submit" name="action" value="skip">{esc(unknown)}</button>'
            f"{back}</div></form>")
    return page(question.prompt, body, lang=lang, footer=_footer(interview.rulebook))


def offer_page(interview: Interview, state: State, count: int, *, lang: str = "en",
               shown_back: Sequence[str] = ()) -> str:
    """The goal's routes are decided: go on with the other routes, or see the verdict now."""
    decided = interview.goal_words()
    more = ngettext("Check the other routes too? At most {count} more question.",
                    "Check the other routes too? At most {count} more questions.", count).format(count=count) \
        if count <= CLOSE else _("Check the other routes too?")  # a far-off bound only deters (see Progress)
    others, mine = _("Yes, check the other routes"), _("No, show my result")
    body = (f'{_shown_back(shown_back)}<h1>{esc(decided)}</h1>'
            f'<form method="post" action="{_action(lang)}">{state.hidden()}'
            f"<p>{esc(more)}</p>"
            '<div class="actions"><button type="submit" class="primary" name="action" value="others">'
            f"{esc(others)}</button>"
            f'<button type="submit" name="action" value="goal_only">{esc(mine)}</button>'
            f"{_back() if state.history else ''}</div></form>")
    return page(decided.rstrip("."), body, lang=lang, footer=_footer(interview.rulebook))


def error_page(message: str, problems: Iterable[tuple[str | None, str]], *, lang: str = "en") -> str:
    items = "".join(f"<li>{esc(name) + ': ' if name else ''}{esc(rule)}</li>" for name, rule in problems)
    title, again = _("Sorry, this page could not be read"), _("Start again")
    body = (f'<h1>{esc(title)}</h1><p class="error" role="alert">{esc(message)}.</p>'
            f'{"<ul>" + items + "</ul>" if items else ""}<p><a href="{_home(lang)}">{esc(again)}</a></p>')
    return page(title, body, lang=lang)


def verdict_page(interview: Interview, report: Report, details_html: str, state: State, *,
                 lang: str = "en", shown_back: Sequence[str] = ()) -> str:
    """The first screen (what is open, what would decide the rest), then every detail, folded."""
    rulebook = interview.rulebook
    goal = goal_of(interview.answers)
    head = guidance.headline(report, goal, known_citizen=interview.answers.get("canadian_citizen") == "yes",
                             stuck=interview.reach().stuck)  # the terminal's headline, word for word
    parts = [_shown_back(shown_back), f"<h1>{esc(head.text)}</h1>"]
    proof = guidance.citizen(report)
    if proof is not None:
        parts.append(_steps(proof))
        parts.append(f"<p>{esc(_(NO_VISA))}</p>")
    else:
        if report.flags:  # every admissibility flag before any route (§13.30), serious ones first
            from screener.render.verdict import severity_word  # the verdict screen's words (a pure function)

            stop = _("STOP: ").strip()

            def marked(flag: FlagResult) -> str:
                return _("{severity}: ").format(severity=severity_word(flag)).strip()

            def shown(flag: FlagResult) -> str:  # after « À régler d'abord : » in lower case, as on the terminal
                return after_colon(flag.title) if flag.severity == "serious" else flag.title

            ranked = sorted(report.flags, key=lambda flag: flag.severity != "serious")
            parts.append("<ul>" + "".join(
                f'<li><span class="stop">{esc(stop if flag.severity == "serious" else marked(flag))}'
                f'</span> <strong>{esc(shown(flag))}</strong>. {esc(flag.text)}</li>' for flag in ranked) + "</ul>")
        opened = guidance.realistic_order(report, goal=goal)
        leads = guidance.first_leads(report, opened, any(flag.severity == "serious" for flag in report.flags))
        parts += [_lead(lead) for lead in leads.safety]  # the safe advice first, whole, with its links (§13.21)
        parts += [_goal_closed(interview, p) for p in guidance.goal_closed(report, goal)]
        if leads.now is not None:
            parts.append(_lead(leads.now))
        if opened:
            title = _("Open to you, best option first:") if len(opened) > 1 else _("Open to you:")
            parts.append(f"<h2>{esc(title.rstrip(':').rstrip())}</h2><ol>" + "".join(_open(report, p) for p in opened)
                         + "</ol>")
        undecided = guidance.realistic_order(report, [p for p in report.pathways.values()
                                                      if p.outcome == "incomplete"], goal)
        if undecided:
            heading = _("Undecided: your answers to these would decide them")
            parts.append(f"<h2>{esc(heading)}</h2><ul>" + _undecided_items(interview, undecided) + "</ul>")
        closed = [p for p in report.pathways.values() if p.outcome == "ineligible"]
        if closed:
            line = ngettext("Closed: {count} route (the details below say why).",
                            "Closed: {count} routes (the details below say why).",
                            len(closed)).format(count=len(closed))
            parts.append(f"<p>{esc(line)}</p>")
        if leads.others:
            parts.append("<p>" + esc(_("Also worth exploring: ")
                                     + "; ".join(after_colon(lead.title) for lead in leads.others))
                         + "</p>")
    for warning in report.warnings:
        parts.append(f"<p><strong>{esc(_('Check your answers: ').rstrip())}</strong> {esc(warning.title)}</p>")
    parts.append(f'<p class="note">{esc(one_line(report.disclaimer))}</p>')
    change, again, every = _("Change my last answer"), _("Start again"), _("Details: every route and why")
    back = f'<button type="submit" name="action" value="back">{esc(change)}</button>' if state.history else ""
    parts.append(f'<form method="post" action="{_action(lang)}">{state.hidden()}<div class="actions">{back}'
                 f'<a href="{_home(lang)}">{esc(again)}</a></div></form>')
    parts.append(f"<details><summary>{esc(every)}</summary>{details_html}</details>")
    return page(_("Your screening"), "".join(parts), lang=lang, footer=_footer(rulebook))


def _open(report: Report, pathway: PathwayResult) -> str:
    why = guidance.long_shot_why(report, pathway) or pathway.summary
    step_label = _("First step: ").rstrip()
    first = (f"<p><strong>{esc(step_label)}</strong> {esc(after_colon(one_line(pathway.next_steps[0].text)))}</p>"
             if pathway.next_steps else "")
    return f'<li><span class="outcome-eligible">{esc(pathway.title)}</span><p>{esc(why)}</p>{first}</li>'


def _lead(lead: LeadResult) -> str:
    """A lead whole, as the terminal's first screen shows it: its title, its text (for a person at risk, the
    safe advice) and its steps, each with its link."""
    steps = "".join(f"<li>{esc(one_line(step.text))}{_link(step.url)}</li>" for step in lead.next_steps)
    return (f'<section class="lead"><h2>{esc(lead.title)}</h2><p>{esc(one_line(lead.text))}</p>'
            f'{"<ol>" + steps + "</ol>" if steps else ""}</section>')


def _link(url: str | None) -> str:
    """A web address as a link (only http and https: a rule file never makes a page run anything)."""
    if not url:
        return ""
    if not url.startswith(("https://", "http://")):
        return f" {esc(url)}"
    return f' <a href="{esc(url)}">{esc(url)}</a>'


def _goal_closed(interview: Interview, pathway: PathwayResult) -> str:
    """A route of the person's goal that is closed, and what it needs (the terminal's one-line reason)."""
    from screener.render.verdict import reason  # the verdict screen's wording (a pure function)

    closed = _("{title}: closed on these answers.").format(title=pathway.title)
    return f"<p><strong>{esc(closed)}</strong> {esc(reason(pathway, interview.rulebook.questions))}</p>"


def _steps(pathway: PathwayResult) -> str:
    return f"<h2>{esc(_('What to do:').rstrip(':').rstrip())}</h2><ol>" + "".join(
        f"<li>{esc(one_line(step.text))}</li>" for step in pathway.next_steps) + "</ol>"


def _undecided_items(interview: Interview, undecided: list[PathwayResult]) -> str:
    """Each undecided route: what would decide it, the person's skipped and unsure answers first, and where
    they can look up an answer they skipped or were not sure of (the terminal's lines)."""
    from screener.render.verdict import Context, needed_answers, unsure_of, where_to_check  # pure functions

    context = Context(interview.rulebook.questions, interview.answers, declined=frozenset(interview.declined))
    items = []
    for pathway in undecided:
        needs = needed_answers(pathway, context, limit=3) or _("a lawyer's review")
        check_at = "".join(f"<br>{esc(words)}{_link(url)}"
                           for words, url in where_to_check(context.questions, unsure_of(pathway, context)))
        items.append(f"<li>{esc(_('{title}: ').format(title=pathway.title))}<strong>{esc(needs)}</strong>"
                     f"{check_at}</li>")
    return "".join(items)


def details_html(rulebook: Rulebook, interview: Interview, report: Report) -> str:
    """The full verdict of `check --report`, as HTML (Markdown rendered with raw HTML disabled)."""
    from markdown_it import MarkdownIt

    from screener.guidance import stale_figures
    from screener.render.report_file import markdown
    from screener.render.verdict import Context
    from screener.whatif import what_if

    stale = stale_figures(rulebook, interview.answers, interview.as_of)
    context = Context(rulebook.questions, interview.answers, stale, declined=frozenset(interview.declined))
    text = markdown(report, what_if(rulebook, interview.answers, report), context)
    text = text.split("\n", 1)[1] if text.startswith("# ") else text  # the page has its own title
    rendered: str = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    return rendered
