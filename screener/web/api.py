"""What the JSON API answers, as pure functions (no HTTP here).

Answers arrive as the JSON object an answer file holds (question id -> answer, `null` for "I don't
know") and are read exactly as `screener check --answers FILE.json` reads them: numbers stay the
text written (`answerfile.loads_json`), lists and mappings are refused by field, then
`rulebook.read_answers` applies the one answer rule. Errors name the field and the rule, never the
value given (docs/architecture.md, "Personal data").
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from screener.answerfile import AnswerFile, DuplicateJsonKey, answer_entries, loads_json
from screener.answers import AnswerError, field_name
from screener.compiled import today
from screener.evaluation import evaluate, outcomes
from screener.i18n import _
from screener.interview import Interview, hint
from screener.model import Question
from screener.rulebook import Rulebook

MAX_FIELDS = 500  # a rulebook has fewer than 100 questions; more fields is not a person's answers


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request: the field (or query parameter) and the rule it breaks."""

    field: str | None
    rule: str

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "rule": self.rule}


class RequestError(Exception):
    """A request the service refuses: HTTP status, a one-line message, and the problems by field."""

    def __init__(self, status: int, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = problems or []

    def to_json(self) -> dict[str, Any]:
        return {"error": self.message, "problems": [problem.to_json() for problem in self.problems]}


def parse_body(body: bytes) -> AnswerFile:
    """A JSON request body as raw answers and declined questions (400 for broken JSON, 422 by field)."""
    try:
        data = loads_json(body.decode("utf-8-sig")) if body.strip() else {}
    except UnicodeDecodeError:
        raise RequestError(400, _("the body is not UTF-8 text")) from None
    except json.JSONDecodeError as exc:  # position and the parser's words only, never an excerpt
        raise RequestError(400, _("invalid JSON at line {line}, column {column} ({reason})").format(
            line=exc.lineno, column=exc.colno, reason=exc.msg)) from None
    except RecursionError:
        raise RequestError(400, _("invalid JSON (nested too deeply)")) from None
    except DuplicateJsonKey as exc:
        raise given_twice([exc.key]) from None
    if isinstance(data, Mapping) and isinstance(data.get("answers"), Mapping) and len(data) == 1:
        data = data["answers"]  # {"answers": {...}} is accepted too
    if not isinstance(data, Mapping):
        raise RequestError(422, _("the body must be a JSON object of question id to answer, like {example}").format(
            example='{"age": 30}'))
    if len(data) > MAX_FIELDS:
        raise RequestError(413, _("too many fields (at most {count})").format(count=MAX_FIELDS))
    return answer_entries(data, every=True)  # a list or mapping is one problem among all the others


def given_twice(names: Sequence[str]) -> RequestError:
    """The 422 for a field given twice (a JSON key, a form field): which value was meant cannot be known."""
    return RequestError(422, _("a field is given twice"),
                        [Problem(field_name(name), _("given twice")) for name in names])


def read(rulebook: Rulebook, raw: AnswerFile) -> tuple[dict[str, Any], set[str]]:
    """Typed answers and declined questions, as `check --answers` reads them (422 listing every field)."""
    try:
        values = rulebook.read_answers(raw.answers)
    except AnswerError as exc:
        raise unreadable(exc, rulebook, raw) from None
    check_problems(rulebook, raw)
    return values, set(raw.declined)


def unreadable(exc: AnswerError | None, rulebook: Rulebook | None = None,
               raw: AnswerFile | None = None) -> RequestError:
    """The 422 for answers that could not be read: every field and its rule, never its value; with the
    request's `raw` answers, also its answers that are not single values and its unknown declined questions."""
    problems = dict(raw.refused) if raw is not None else {}
    problems.update(exc.problems if exc is not None else {})
    if rulebook is not None and raw is not None:
        problems.update((name, _("not a question of this rulebook"))
                        for name in sorted(raw.declined) if name not in rulebook.questions)
    return RequestError(422, _("some answers could not be read"),
                        [Problem(field_name(name), reason) for name, reason in problems.items()])


def check_problems(rulebook: Rulebook, raw: AnswerFile) -> None:
    """Answers that are not single values, and questions answered `null` ("I don't know") that the rulebook
    does not have: 422, every one named."""
    if raw.refused or any(name not in rulebook.questions for name in raw.declined):
        raise unreadable(None, rulebook, raw)


def screen_raw(rulebook: Rulebook, raw: AnswerFile, as_of: dt.date, *, view: str = "report") -> dict[str, Any]:
    """`screen` over answers as received: the engine reads them (once, with the one answer rule), so an
    answer it cannot read is the same 422 `read` gives, without reading every answer twice per request."""
    try:
        if raw.refused:  # refused anyway: read the rest too, to name every problem at once
            rulebook.read_answers(raw.answers)
        report = screen(rulebook, raw.answers, as_of, view=view)
    except AnswerError as exc:
        raise unreadable(exc, rulebook, raw) from None
    check_problems(rulebook, raw)
    return report


def parse_date(value: str | None, name: str = "as_of") -> dt.date:
    """The `as_of` query parameter (default: today)."""
    if value is None or value == "":
        return today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RequestError(422, _("bad query parameter"), [Problem(name, _("expected a date as YYYY-MM-DD"))]) from None


VIEWS = ("report", "details", "outcomes")


def screen(rulebook: Rulebook, values: Mapping[str, Any], as_of: dt.date, *, view: str = "report") -> dict[str, Any]:
    """One person's screening, for answers typed or as written (the engine reads them), in one of `VIEWS`:

    - `report` (default): the contract's JSON report (`Report.compact_json`, a `batch --format jsonl` row's
      report keys: each pathway's outcome, requirements and next steps; flag, lead and warning ids), plus the
      rulebook id, `safety` (the safety leads whole: the advice a person at risk must read, §13.21) and the
      disclaimer;
    - `details`: the full report of `check --json` (titles, reasons, lead texts, score lines);
    - `outcomes`: outcomes, scores, ids and missing answers only (the engine's fast path, no text rendered).
    """
    if view == "outcomes":
        found = outcomes(rulebook, values, as_of)
        return {
            "rulebook": {"id": rulebook.info.id, "version": rulebook.version, "as_of": as_of.isoformat()},
            "pathways": {pathway_id: {"outcome": outcome} for pathway_id, outcome in found.pathways.items()},
            "scores": {score_id: _number(value) for score_id, value in found.scores.items()},
            "flags": found.flags,
            "leads": found.leads,
            "warnings": found.warnings,
            "best_pathway": found.best_pathway,
            "missing": found.missing,
            "disclaimer": rulebook.info.disclaimer,
        }
    report = evaluate(rulebook, values, as_of)
    if view == "details":
        return report.to_json()
    data = report.compact_json()
    data["rulebook"] = {"id": rulebook.info.id, **data["rulebook"]}
    data["safety"] = [lead.to_json() for lead in report.safety_leads]
    data["disclaimer"] = report.disclaimer
    return data


def _number(value: int | float | None) -> int | float | None:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def question_json(rulebook: Rulebook, question: Question) -> dict[str, Any]:
    """A question as a form needs it: text, help, type, choices (value and label), range and hint."""
    topics = {topic.id: topic.title for topic in rulebook.topics}
    return {
        "id": question.id, "prompt": question.prompt, "help": question.help, "type": question.type,
        "topic": question.topic, "topic_title": topics.get(question.topic, ""),
        "choices": None if question.choices is None else [
            {"value": choice.value, "label": choice.label or choice.value.replace("_", " ")}
            for choice in question.choices],
        "min": _number(question.min), "max": _number(question.max),
        "hint": None if question.type == "choice" else hint(question),
    }


def interview_of(rulebook: Rulebook, values: Mapping[str, Any], declined: set[str], as_of: dt.date, *,
                 bound: int | None = None, only_goal: bool = False) -> Interview:
    """The interview over answers carried by the request: `bound` is the last progress bound shown
    (so it never rises), `only_goal` the person's choice to stop once the goal's routes are decided."""
    interview = Interview.start(rulebook, as_of, values, declined)
    interview.only_goal = only_goal
    interview.offered = only_goal
    if bound is not None:
        interview._bound = bound  # the bound shown on the previous page; `remaining` only lowers it
    return interview


def next_question(interview: Interview) -> dict[str, Any]:
    """The next question to ask (or done), with the honest progress bound; `offer_others` is the most
    questions left for the other routes once the goal's routes are decided (0: nothing to offer)."""
    question = interview.next_question()
    progress = interview.progress()
    return {
        "done": question is None,
        "question": None if question is None else question_json(interview.rulebook, interview.asked(question)),
        "progress": {"answered": progress.answered, "remaining": progress.remaining, "topic": progress.topic,
                     "part": progress.part, "parts": progress.parts, "line": progress.line()},
        "offer_others": 0 if question is None else interview.offer_others(),
    }


def rules_info(rulebook: Rulebook, as_of: dt.date) -> dict[str, Any]:
    """What the service screens with: rulebook version and date, pathways, topics and questions."""
    return {
        "rulebook": {"id": rulebook.info.id, "title": rulebook.info.title, "version": rulebook.version,
                     "as_of": as_of.isoformat(), "jurisdiction": rulebook.info.jurisdiction,
                     "review_due": rulebook.stale(as_of)},
        "pathways": [{"id": p.id, "title": p.title, "kind": p.kind, "summary": rulebook.at(as_of).summaries[p.id],
                      "reference": p.reference, "source": p.source} for p in rulebook.pathways.values()],
        "topics": [{"id": topic.id, "title": topic.title} for topic in rulebook.topics],
        "questions": [question_json(rulebook, question) for question in rulebook.question_order()],
        "disclaimer": rulebook.info.disclaimer,
    }
