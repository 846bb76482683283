"""What-if: the smallest single changes to a person's answers that open a pathway or add points.

Nothing here is written per pathway: suggestions come from re-evaluating the rulebook on changed
answers. Only questions the rulebook marks `what_if` (things a person can change: a test score, a
degree, years of work, a job offer) are changed, and only in the direction a person can move them:
numbers go up, choices try every other value, yes/no flips. Questions that share a `what_if` text
are also raised together ("English test: all abilities CLB 7", unanswered ones set to the target too).
Unknown answers are never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from screener import expressions as ex
from screener.compiled import LineRule
from screener.evaluation import Evaluation, display, pathway_status
from screener.i18n import _, after_colon, format_money, format_number, in_sentence
from screener.model import Question
from screener.report import Outcome, Report
from screener.rulebook import Rulebook

MAX_FLIPS_PER_PATHWAY = 3
MAX_GAINS_PER_SCORE = 5
MONEY_CEILING = 10_000_000  # the highest amount tried when searching for a funds threshold


@dataclass(frozen=True)
class Change:
    """New values for one or more questions, and how to say it."""

    label: str
    before: str
    after: str
    values: tuple[tuple[str, Any], ...]
    distance: float  # how big a step this is, to prefer the smallest
    words: str | None = None  # the change in plain words, where "before → after" would be jargon
    notes: tuple[str, ...] = ()  # said after `words`, each in brackets ("IELTS …: 6.5 in each ability")

    @property
    def text(self) -> str:
        if self.words is not None:
            return " ".join([self.words, *(f"({note})" for note in self.notes)])
        return _("{question}: {before} → {after}").format(question=self.label, before=after_colon(self.before),
                                                         after=after_colon(self.after))


@dataclass(frozen=True)
class Flip:
    pathway_id: str
    change: Change
    outcome: Outcome
    missing: tuple[str, ...]  # for an incomplete outcome: the questions it would then depend on
    scores: tuple[tuple[str, int | float], ...] = ()  # the pathway's known scores after the change

    def to_json(self) -> dict[str, Any]:
        return {"pathway": self.pathway_id, "change": self.change.text, "answers": dict(self.change.values),
                "outcome": self.outcome, "missing": list(self.missing)}


@dataclass(frozen=True)
class Gain:
    score_id: str
    change: Change
    points: int | float
    new_value: int | float

    def to_json(self) -> dict[str, Any]:
        return {"score": self.score_id, "change": self.change.text, "answers": dict(self.change.values),
                "points": self.points, "new_value": self.new_value}


@dataclass(frozen=True)
class WhatIf:
    flips: list[Flip]
    gains: list[Gain]

    def to_json(self) -> dict[str, Any]:
        return {"flips": [f.to_json() for f in self.flips], "gains": [g.to_json() for g in self.gains]}

    def by_change(self) -> list[tuple[str, list[Flip], list[Gain]]]:
        """The flips and gains grouped by their change's text, each change where it first comes (flips
        first): a screen says one change once, with everything it does."""
        groups: dict[str, tuple[list[Flip], list[Gain]]] = {}
        for flip in self.flips:
            groups.setdefault(flip.change.text, ([], []))[0].append(flip)
        for gain in self.gains:
            groups.setdefault(gain.change.text, ([], []))[1].append(gain)
        return [(text, flips, gains) for text, (flips, gains) in groups.items()]


# ------------------------------------------------------------------------------------ changes


def changes(rulebook: Rulebook, values: Mapping[str, Any]) -> list[Change]:
    """Every candidate change to the answered `what_if` questions, smallest steps first per question."""
    result: list[Change] = []
    groups: dict[str, list[Question]] = {}
    for question in rulebook.questions.values():
        if isinstance(question.what_if, str) and question.type == "int":
            groups.setdefault(question.what_if, []).append(question)
        if question.what_if is False or values.get(question.id) is None:
            continue
        result.extend(_single(question, values[question.id]))
    for label, members in groups.items():
        # A group is raised together once one of its questions is answered; the unanswered ones are set
        # to the target too ("all at least 7"), since an unasked one may not have mattered (§13.25).
        if len(members) > 1 and any(values.get(q.id) is not None for q in members):
            result.extend(_together(label, members, values))
    return result


def _single(question: Question, current: Any) -> Iterator[Change]:
    label = question.short_label
    if question.type == "yes_no":
        yield Change(label, display(current), display(not current), ((question.id, not current),), 1)
    elif question.type == "choice":
        options = question.choice_values
        here = options.index(current) if current in options else len(options)
        ordered = options[here + 1:] + options[:here][::-1]  # later values first: lists run low to high
        for step, option in enumerate(ordered, start=1):
            yield Change(label, question.choice_label(current), question.choice_label(option),
                         ((question.id, option),), step)
    elif question.type == "int":
        top = int(question.max) if question.max is not None else int(current) + 10
        for number in range(int(current) + 1, top + 1):
            yield Change(label, display(current), display(number), ((question.id, number),), number - current)


def _together(label: str, members: list[Question], values: Mapping[str, Any]) -> Iterator[Change]:
    currents = [values[q.id] for q in members if values.get(q.id) is not None]
    low = min(currents)
    tops = [int(q.max) if q.max is not None else int(low) + 10 for q in members]
    for target in range(int(low) + 1, min(tops) + 1):
        new = tuple((q.id, target) for q in members if values.get(q.id) is None or values[q.id] < target)
        if len(new) < 2:
            continue  # one question raised alone is already a single change
        yield Change(label, _("lowest {value}").format(value=display(low)),
                     _("all at least {value}").format(value=display(target)), new, target - low,
                     *_level_words(label, members, low, target))


_SCALE = re.compile(r"\(([A-Z]{2,6})\)")  # "(CLB)", "(NCLC)" in a level question's label: its scale's short name


def _level_words(label: str, members: list[Question], low: Any, target: int) -> tuple[str | None, tuple[str, ...]]:
    """A test's levels raised together, in plain words: "English test at CLB 8 or higher in every ability"
    and, as a note, the lowest level now unless it is 0 (no test, or below every level the rules use). No
    words when the questions' labels name no one scale (a rulebook's own group keeps "lowest → all at least")."""
    scales = {found.group(1) for q in members for found in [_SCALE.search(q.short_label)] if found}
    if len(scales) != 1 or len(members) != sum(bool(_SCALE.search(q.short_label)) for q in members):
        return None, ()
    scale = scales.pop()
    words = _("{test} at {scale} {level} or higher in every ability").format(
        test=label, scale=scale, level=display(target))
    now = _("your lowest is {scale} {level} now").format(scale=scale, level=display(low))
    return words, (now,) if low else ()


# ----------------------------------------------------------------------------------- outcomes


class Variations:
    """Evaluations of changed answers that reuse every result a change cannot affect.

    What-if re-evaluates the rulebook hundreds of times, each time changing one or a few answers.
    A derived value or score whose questions are untouched keeps the value it had for the real
    answers, so each variation only recomputes what depends on what changed.
    """

    def __init__(self, rulebook: Rulebook, values: Mapping[str, Any], as_of: dt.date) -> None:
        self.rulebook, self.values, self.as_of, self.graph = rulebook, values, as_of, rulebook.graph
        self.base = Evaluation(rulebook, values, as_of)
        for score_id in rulebook.scores:
            self.base.score(score_id)
        graph = rulebook.graph
        self.reads = {name: graph.questions_of([name])
                      for name in [*self.base.known, *self.base.memo, *self.base.score_memo]}
        self.line_reads = {line: graph.questions_of_node(line.points.node) for line in self.base.line_memo}
        self.kept: dict[frozenset[str], tuple[set[str], set[LineRule]]] = {}

    def evaluation(self, changed: Mapping[str, Any]) -> Evaluation:
        touched = frozenset(changed)
        if touched not in self.kept:
            self.kept[touched] = (
                {name for name, reads in self.reads.items() if not reads & touched},
                {key for key, reads in self.line_reads.items() if not reads & touched},
            )
        names, lines = self.kept[touched]
        state = Evaluation(self.rulebook, {**self.values, **changed}, self.as_of)
        state.known.update((name, value) for name, value in self.base.known.items()
                           if name in names and name not in changed)
        state.memo = {name: result for name, result in self.base.memo.items() if name in names}
        state.score_memo = {name: result for name, result in self.base.score_memo.items() if name in names}
        state.line_memo = {key: result for key, result in self.base.line_memo.items() if key in lines}
        return state

    def outcome(self, changed: Mapping[str, Any], pathway_id: str) -> tuple[Outcome, frozenset[str]]:
        """One pathway's outcome (cheaper than a full report), with the questions it still needs."""
        return pathway_status(self.evaluation(changed), pathway_id)

    def score(self, changed: Mapping[str, Any], score_id: str) -> Any:
        return self.evaluation(changed).score(score_id).value


def what_if(rulebook: Rulebook, values: Mapping[str, Any], report: Report) -> WhatIf:
    """Suggestions for `report`, the evaluation of the typed answers `values`."""
    as_of = report.as_of
    values = Evaluation(rulebook, values, as_of).effective_answers()  # "no French test" is French 0
    graph = rulebook.graph
    variations = Variations(rulebook, values, as_of)
    candidates = changes(rulebook, values)
    money = [q for q in rulebook.questions.values()
             if q.what_if is not False and q.type == "money" and values.get(q.id) is not None]
    flips: list[Flip] = []
    for pathway_id, result in report.pathways.items():
        if result.outcome != "ineligible":
            continue
        # A single change must touch every failed requirement, or it cannot open the pathway.
        failed = {r.id for r in result.failed}
        needed = [graph.questions_of_node(rule.condition.node)
                  for rule in rulebook.rules.pathways[pathway_id].requirements if rule.model.id in failed]
        found: dict[tuple[str, ...], Flip] = {}
        for change in candidates:
            ids = tuple(sorted(qid for qid, _ in change.values))
            if ids in found or not all(set(ids) & need for need in needed):
                continue
            outcome, blockers = variations.outcome(dict(change.values), pathway_id)
            if outcome != "ineligible":
                found[ids] = Flip(pathway_id, change, outcome, tuple(sorted(blockers)))
        for question in money:
            if all(question.id in need for need in needed):
                flip = _money_flip(variations, pathway_id, question)
                if flip is not None:
                    found[(question.id,)] = flip
        ranked = sorted(found.values(), key=lambda f: (
            f.outcome != "eligible", f.change.distance, len(f.change.values), f.change.label))
        shown = rulebook.pathways[pathway_id].scores
        flips.extend(replace(flip, scores=tuple((score_id, value) for score_id in shown if (
            value := variations.score(dict(flip.change.values), score_id)) is not None))
            for flip in ranked[:MAX_FLIPS_PER_PATHWAY])
    return _with_test_scores(rulebook, values, as_of, WhatIf(flips, _gains(variations, report, candidates)))


def _with_test_scores(rulebook: Rulebook, values: Mapping[str, Any], as_of: dt.date, found: WhatIf) -> WhatIf:
    """Each level to reach also said as the scores of a test that give it ("IELTS General Training: 7.5
    for English listening score, 6.5 in each other ability"), read from the rulebook's own conversion tables by
    evaluating them: CLB alone means nothing to most people (review8 #3)."""
    said: dict[tuple[str, int], str | None] = {}

    def scored(change: Change) -> Change:
        if change.words is None:
            return change
        target = int(max(value for _, value in change.values))
        key = (change.label, target)
        if key not in said:
            said[key] = level_scores(rulebook, values, as_of, change.label, target)
        scores = said[key]
        return change if scores is None else replace(change, notes=(scores, *change.notes))

    return WhatIf([replace(flip, change=scored(flip.change)) for flip in found.flips],
                  [replace(gain, change=scored(gain.change)) for gain in found.gains])


def level_scores(rulebook: Rulebook, values: Mapping[str, Any], as_of: dt.date, group: str, level: int) -> str | None:
    """The lowest scores of one test that give `level` in every ability of the `what_if` group `group`:
    the test the person took if its scores are asked, else the first test offered. None when the group
    has no test scores (a partner's levels) or the test's scale cannot reach the level."""
    lookups = rulebook.table_lookups
    scores = [q for q in rulebook.question_order() if q.what_if == group and q.id in lookups]
    rule = rulebook.rules.questions[scores[0].id] if scores else None
    if rule is None or rule.relevant_if is None:
        return None
    tests = [rulebook.questions[name] for name in sorted(ex.names_in(rule.relevant_if.node))
             if name in rulebook.questions and rulebook.questions[name].type == "choice"]
    if len(tests) != 1:
        return None
    test = tests[0]
    offered = [value for value in test.choice_values
               if Evaluation(rulebook, {test.id: value}, as_of).value(rule.relevant_if) is True]
    if not offered:
        return None
    taken = str(values[test.id]) if values.get(test.id) in offered else offered[0]
    found: list[tuple[Question, float]] = []
    for question in scores:
        score = _lowest_score(rulebook, as_of, test.id, taken, question, level, lookups[question.id])
        if score is None:
            return None
        found.append((question, score))
    common = max((score for _, score in found), key=lambda s: sum(score == s for _, score in found))
    name = test.choice_label(taken)
    if all(score == common for _, score in found):
        return _("{test}: {score} in each ability").format(test=name, score=format_number(common))
    shared = sum(score == common for _, score in found) > 1  # else every ability is named with its own score
    each = [_("{score} for {ability}").format(score=format_number(score), ability=in_sentence(q.short_label))
            for q, score in found if score != common or not shared]
    if shared:  # never "434 in each ability, 428 for writing": the exceptions, then the others
        each.append(_("{score} in each other ability").format(score=format_number(common)))
    return _("{test}: {scores}").format(test=name, scores=", ".join(each))


def _lowest_score(rulebook: Rulebook, as_of: dt.date, test_id: str, taken: Any, question: Question, level: int,
                  derived: tuple[str, ...]) -> float | None:
    """The lowest answer on `taken`'s scale for which every level derived from `question` reaches `level`,
    by bisection (a higher score never gives a lower level), or None if the top of the scale does not."""
    rules = rulebook.rules.questions[question.id]
    scale = next((scale for scale, when in rules.scales
                  if Evaluation(rulebook, {test_id: taken}, as_of).value(when) is True), None)
    if scale is None or not derived:
        return None
    step = scale.step or 1

    def reaches(index: int) -> bool:
        state = Evaluation(rulebook, {test_id: taken, question.id: scale.min + index * step}, as_of)
        return all((value := state.value_of(name)) is not None and value >= level for name in derived)

    low, high = -1, round((scale.max - scale.min) / step)  # low fails (below the scale), high is tested
    if not reaches(high):
        return None
    while high - low > 1:
        middle = (low + high) // 2
        if reaches(middle):
            high = middle
        else:
            low = middle
    return scale.min + high * step


def _money_flip(variations: Variations, pathway_id: str, question: Question) -> Flip | None:
    """The smallest amount that opens the pathway, by bisection (more money never hurts)."""
    current = variations.values[question.id]
    ceiling = int(question.max) if question.max is not None else MONEY_CEILING

    def opens(amount: int) -> tuple[Outcome, frozenset[str]]:
        return variations.outcome({question.id: amount}, pathway_id)

    if ceiling <= current or opens(ceiling)[0] == "ineligible":
        return None
    low, high = int(current), ceiling  # low fails, high opens
    while high - low > 1:
        middle = (low + high) // 2
        if opens(middle)[0] == "ineligible":
            low = middle
        else:
            high = middle
    outcome, blockers = opens(high)
    change = Change(question.short_label, format_money(round(current)), format_money(high), ((question.id, high),),
                    high - current)
    return Flip(pathway_id, change, outcome, tuple(sorted(blockers)))


def _gains(variations: Variations, report: Report, candidates: list[Change]) -> list[Gain]:
    """Per score and per question (or group), the change with the most points per step."""
    gains: list[Gain] = []
    for score_id, score in report.scores.items():
        if score.value is None:
            continue
        relevant = variations.graph.questions_of([score_id])
        best: dict[tuple[str, ...], Gain] = {}
        most: dict[tuple[str, ...], float] = {}  # the most points any change of these questions gives
        for change in candidates:
            ids = tuple(sorted(qid for qid, _ in change.values))
            if not set(ids) & relevant:
                continue
            new_value = variations.score(dict(change.values), score_id)
            if new_value is None or new_value <= score.value:
                continue
            gain = Gain(score_id, change, _round(new_value - score.value), new_value)
            most[ids] = max(most.get(ids, 0), gain.points)
            held = best.get(ids)
            if held is None or _per_step(gain) > _per_step(held):
                best[ids] = gain
        ranked = sorted(best.values(), key=lambda g: (-g.points, len(g.change.values), g.change.distance))
        kept: list[Gain] = []
        for gain in ranked:
            # Raising a whole group is only worth saying when it beats changing fewer of its questions.
            changed = {qid for qid, _ in gain.change.values}
            if not any(points >= gain.points and set(ids) < changed for ids, points in most.items()):
                kept.append(gain)
        gains.extend(kept[:MAX_GAINS_PER_SCORE])
    return gains


def _per_step(gain: Gain) -> float:
    return gain.points / max(gain.change.distance, 1)


def _round(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 2)
