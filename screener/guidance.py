"""What to tell one person first: the open pathways in a realistic order, and which figures behind
their verdict may be out of date.

The verdict screen (`screener.render.verdict`) shows what this module decides; keeping the decisions
here keeps them testable without a terminal and shared by every way of showing a verdict.

Realism order (docs/verdict.md): a pathway's `rank` in the rulebook orders pathways by speed and cost
(citizenship proof, then family, then skilled immigration, then temporary routes, then protection);
on top of it, a pathway that competes on a score with recent invitation rounds comes *after* every
other open pathway when the person's score is below the lowest cut-off of every round they could be
invited in: being eligible to enter a pool is not a chance of being invited from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from screener.evaluation import Evaluation, TableHit, display, pathway_status
from screener.i18n import _, after_colon, ngettext
from screener.report import LeadResult, PathwayResult, Report, RoundBand, ScoreResult
from screener.rulebook import Rulebook


@dataclass(frozen=True)
class Chance:
    """How a score compares with the recent rounds a person could be invited in."""

    score_id: str
    value: float
    rounds: list[RoundBand]  # only those the person could be invited in
    maybe: list[RoundBand] = field(default_factory=list)  # of categories the answers cannot rule in or out

    @property
    def long_shot(self) -> bool:
        """Below the lowest cut-off of every round the person could (or may) be in, or no such round lately."""
        return all(self.value < band.low for band in [*self.rounds, *self.maybe])


def rounds_for(report: Report, score: ScoreResult) -> list[RoundBand]:
    """The recent rounds a person could be invited in on this score: all-program rounds, the rounds
    named after a program the person is eligible (or nearly eligible) for, and the rounds of the
    rulebook's categories (French, occupations, nominees) that the answers show the person is in.

    A round is matched to a program by the program's short name in the pathway title ("CEC" in
    "Canadian Experience Class (Express Entry)" is matched through the initials of its words). Rounds of
    a type neither a program nor a category names are left out rather than compared with: a person is
    never told they are "above" a cut-off of a round they cannot be in. See `maybe_rounds` for the
    categories the answers cannot decide.
    """
    programs = {_initials(report.english_titles.get(p.id, p.title)): p  # the same match in every language
                for p in report.pathways.values() if p.scores and score.id in p.scores}
    usable: list[RoundBand] = []
    for band in score.recent_rounds:
        if band.category:
            if band.member:
                usable.append(band)
            continue
        kind = (band.key or band.type).strip()
        for_everyone = kind.lower() in ("all programs", "all-program", "general", "no program specified")
        if for_everyone or (kind in programs and programs[kind].outcome != "ineligible"):
            usable.append(band)
    return usable


def maybe_rounds(score: ScoreResult) -> list[RoundBand]:
    """Recent rounds of categories the person may be in: nothing in the answers rules them out, but the
    category needs something they cannot show (an occupation) or an answer not given yet."""
    return [band for band in score.recent_rounds if band.category and band.member is None]


def _initials(title: str) -> str:
    words = [w for w in title.split("(")[0].split() if w[:1].isupper()]
    return "".join(w[0] for w in words)


def chance(report: Report, pathway: PathwayResult) -> Chance | None:
    """The score chance of a pathway that competes on a score with recent rounds, else None."""
    for score_id in pathway.scores:
        score = report.scores.get(score_id)
        if score is None or not score.recent_rounds or score.value is None:
            continue
        return Chance(score_id, score.value, rounds_for(report, score), maybe_rounds(score))
    return None


def long_shot_why(report: Report, pathway: PathwayResult) -> str | None:
    """The one line of why for an open pathway whose score is below every round the person could (or
    may) be invited in, else None: eligible to enter a pool is not a chance of an invitation."""
    odds = chance(report, pathway)
    if odds is None or not odds.long_shot:
        return None
    score = display(odds.value)
    if odds.rounds:
        return _("Eligible, but your score {score} is below every recent round you could be in "
                 "(lowest {lowest}).").format(score=score, lowest=display(min(band.low for band in odds.rounds)))
    if odds.maybe:
        return _("Eligible, but your score {score} is below the recent rounds of every category you may be in "
                 "(lowest {lowest}).").format(score=score, lowest=display(min(band.low for band in odds.maybe)))
    return _("Eligible, but no recent round invited this program (your score: {score}).").format(score=score)


def realistic_order(report: Report, pathways: list[PathwayResult] | None = None,
                    goal: str | None = None) -> list[PathwayResult]:
    """Pathways (default: the eligible ones) most realistic first: the report's best option, then those
    serving the person's goal, each by rank, except that an open pathway whose score is below every round
    the person could be in (a long shot, `long_shot_why`) goes after the other routes of its group and is
    never the best option: a route that works today leads, with its first step (review11 #8)."""
    chosen = pathways if pathways is not None else [p for p in report.pathways.values() if p.outcome == "eligible"]
    later = {p.id for p in report.pathways.values() if p.outcome == "eligible" and is_long_shot(report, p)}
    return report.preferred(chosen, goal, later)


def is_long_shot(report: Report, pathway: PathwayResult) -> bool:
    odds = chance(report, pathway)
    return odds is not None and odds.long_shot


@dataclass(frozen=True)
class FirstLeads:
    """The leads of a first screen, as every way of showing a verdict (terminal, web) lays them out."""

    safety: list[LeadResult]  # safe advice for a person at risk (§13.21): first, whole, with its links, never cut
    now: LeadResult | None  # nothing open and nothing blocking: what to do now, with its text and first step
    others: list[LeadResult]  # the rest, by title only


def first_leads(report: Report, opened: list[PathwayResult], blocking: bool) -> FirstLeads:
    """Split the report's leads for a first screen: safety leads lead it; with no open route and no serious
    admissibility problem, the first other lead is what to do now."""
    safety = report.safety_leads
    others = report.other_leads
    if others and not opened and not blocking:
        return FirstLeads(safety, others[0], others[1:])
    return FirstLeads(safety, None, others)


def goal_closed(report: Report, goal: str | None) -> list[PathwayResult]:
    """The routes made for the person's goal (those listing the fewest goals: citizenship, listed for every
    goal, is not an asylum seeker's route) when every one of them is closed; else none."""
    listed = [p for p in report.pathways.values() if goal is not None and goal in p.goals]
    fewest = min((len(p.goals) for p in listed), default=0)
    made_for = [p for p in listed if len(p.goals) == fewest]
    if not all(p.outcome == "ineligible" for p in made_for):
        return []
    return realistic_order(report, made_for, goal)


def citizen(report: Report) -> PathwayResult | None:
    """The eligible citizenship pathway, if any: such a person needs proof, not immigration."""
    return next((p for p in report.pathways.values() if p.kind == "citizenship" and p.outcome == "eligible"), None)


@dataclass(frozen=True)
class Headline:
    """The first line of a verdict, as parts with a role each ("strong", "route" for a route's title or
    good news, "alarm", "plain"): the terminal styles them, the web page shows the text."""

    parts: tuple[tuple[str, str], ...]

    @property
    def text(self) -> str:
        return "".join(text for text, _role in self.parts)


def headline(report: Report, goal: str | None, *, known_citizen: bool = False,
             stuck: frozenset[str] = frozenset()) -> Headline:
    """The one headline of the first screen, in the terminal and on the web page, chosen from what the
    person wants most (`goal`) and the ranked routes: a route for the goal is named first; when only other
    routes are open, it says that nothing is open for the goal before naming them ("yet" only while a route
    for the goal is undecided); the undecided
    routes it counts are those serving the goal (`stuck`: undecided routes no answer can open, not counted).
    """
    if citizen(report) is not None:
        return Headline(((_("You are Canadian") if known_citizen else _("You are very likely Canadian already"),
                          "route"), (_(": get your proof of citizenship."), "route")))
    if any(flag.severity == "serious" for flag in report.flags):
        return Headline(((_("Before any route: an admissibility problem must be dealt with first."), "alarm"),))
    opened = realistic_order(report, goal=goal)
    mine = [p for p in opened if p.serves(goal)]
    undecided = [p for p in report.pathways.values() if p.outcome == "incomplete" and p.id not in stuck]
    for_goal = [p for p in undecided if p.serves(goal)]
    if opened:
        first = (mine or opened)[0]
        more = len(opened) - 1
        if mine:
            lead = _("Open to you: ")
        elif for_goal:  # "yet" only while a route for the goal is undecided
            lead = _("Nothing is open yet for what you want most; open to you: ")
        else:  # every route for the goal is closed (asylum for a US citizen): never "yet"
            lead = _("Nothing is open for what you want most; open to you: ")
        return Headline(((lead, "strong"), (after_colon(first.title), "route"), (ngettext(
            " and {count} other route", " and {count} other routes", more).format(count=more) if more else "",
            "strong"), (".", "plain")))
    if report.leads:  # what to do now (a lead) comes first, before routes that could still open
        if goal is not None and for_goal:
            words = _("No route for what you want most is open yet on your answers. What you can do now:")
        elif goal is not None:
            words = _("No route for what you want most is open on these answers. What you can do now:")
        elif undecided:
            words = _("No route to Canada is open yet on your answers. What you can do now:")
        else:
            words = _("No route to Canada is open to you on these answers. What you can do now:")
        return Headline(((words, "strong"),))
    if for_goal and goal is not None:
        return Headline(((_("No route for what you want most is open yet"), "strong"), (ngettext(
            "; {count} could be, depending on answers below.", "; {count} could be, depending on answers below.",
            len(for_goal)).format(count=len(for_goal)), "plain")))
    if undecided and goal is not None:
        return Headline(((_("No route for what you want most is open on these answers"), "strong"), (ngettext(
            "; {count} other route could be, depending on answers below.",
            "; {count} other routes could be, depending on answers below.", len(undecided)).format(
                count=len(undecided)), "plain")))
    if undecided:
        return Headline(((_("No route is open yet on your answers"), "strong"), (ngettext(
            "; {count} could be, depending on answers below.", "; {count} could be, depending on answers below.",
            len(undecided)).format(count=len(undecided)), "plain")))
    return Headline(((_("No route is open to you on these answers."), "strong"),))


def stale_figures(rulebook: Rulebook, answers: Mapping[str, Any], as_of: dt.date) -> list[str]:
    """Time-sensitive figures used in this person's verdict whose review date has passed.

    Only what their verdict actually read counts (tables looked up, dated values computed, invitation
    rounds of a score shown) for a result it shows as decided: a requirement met or failed on a route
    not closed, a score computed. A figure an undecided requirement reads has decided nothing yet. The
    whole-rulebook review date always counts. Maintainers see every
    overdue item in `rules validate` / `rules test` and batch summaries instead.
    """
    outcomes = Evaluation(rulebook, answers, as_of)
    hits: list[TableHit] = []
    used: dict[str, None] = {}  # ordered, so the line reads the same every run
    shown: set[str] = set()
    for pathway_id, pathway in rulebook.pathways.items():
        if pathway_status(outcomes, pathway_id)[0] == "ineligible":
            continue  # a closed route's figures are not what this person acts on
        for rule in outcomes.rules.requirements[pathway_id]:
            state, trace = _traced(rulebook, answers, as_of)
            if state.requirement(rule)[0] is None:
                continue  # still undecided: its figures decided nothing the person reads yet
            hits += trace
            used.update(dict.fromkeys(state.known))
        for score_id in pathway.scores:
            state, trace = _traced(rulebook, answers, as_of)
            if state.score(score_id).value is None:
                continue  # not computed: no figure of it, nor its rounds, is shown
            hits += trace
            used.update(dict.fromkeys(state.known))
            shown.add(score_id)
    stale: list[str] = []
    if rulebook.info.review_by and rulebook.info.review_by < as_of:
        stale.append(rulebook.info.title)
    for table_id in dict.fromkeys(hit.table for hit in hits):
        table = rulebook.tables[table_id]
        if table.review_by and table.review_by < as_of:
            stale.append(table.title)
    in_force = rulebook.at(as_of).versions
    for name in used:
        derived = rulebook.derived.get(name)
        version = in_force.get(name)
        if derived is not None and version is not None and version.review_by and version.review_by < as_of:
            stale.append(derived.text or name.replace("_", " "))
    for score_id in sorted(shown):
        cutoffs = rulebook.scores[score_id].cutoffs
        if cutoffs and cutoffs.review_by and cutoffs.review_by < as_of:
            stale.append(_("recent {score} rounds").format(score=rulebook.scores[score_id].title))
    return list(dict.fromkeys(stale))


def _traced(rulebook: Rulebook, answers: Mapping[str, Any], as_of: dt.date) -> tuple[Evaluation, list[TableHit]]:
    """A fresh evaluation that records its table lookups, so each result's own figures can be told apart."""
    state = Evaluation(rulebook, answers, as_of)
    trace: list[TableHit] = []
    state.trace = trace
    return state, trace
