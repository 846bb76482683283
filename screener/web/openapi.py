"""The OpenAPI 3.1 description of the JSON API, written from the rulebook it serves.

The request body (answers) is a schema of the rulebook's own questions: each field with its type,
range and choices, so a firm's developer sees exactly what `check --answers` would accept.
"""

from __future__ import annotations

from typing import Any

from screener.model import Question
from screener.report import REQUIREMENT_KEYS
from screener.rulebook import Rulebook
from screener.web.api import MAX_FIELDS

OUTCOME = {"enum": ["eligible", "ineligible", "incomplete"]}
IDS = {"type": "array", "items": {"type": "string"}}
VALUE = {"type": ["integer", "number", "string", "boolean", "array", "null"]}  # a requirement's actual or needed


def answer_schema(question: Question) -> dict[str, Any]:
    """One answer as JSON Schema; `null` is "I don't know" (unknown, never taken as no)."""
    schema: dict[str, Any] = {"description": question.prompt}
    if question.type == "yes_no":
        schema["anyOf"] = [{"type": "boolean"}, {"type": "string", "examples": ["yes", "no"]}, {"type": "null"}]
    elif question.type == "choice":
        schema["anyOf"] = [{"type": "string", "examples": question.choice_values,
                            "description": "a choice value or its label"}, {"type": "null"}]
    elif question.type == "date":
        schema["anyOf"] = [{"type": "string", "format": "date"}, {"type": "null"}]
    else:
        number: dict[str, Any] = {"type": "integer" if question.type == "int" else "number"}
        if question.min is not None:
            number["minimum"] = question.min
        if question.max is not None:
            number["maximum"] = question.max
        schema["anyOf"] = [number, {"type": "string", "description": "the number as text, like 30 or $15,263"},
                           {"type": "null"}]
    return schema


def _keyed(ids: list[str], schema: dict[str, Any]) -> dict[str, Any]:
    """An object with exactly these keys, each holding `schema`."""
    return {"type": "object", "required": ids, "additionalProperties": False,
            "properties": dict.fromkeys(ids, schema)}


def report_schemas(rulebook: Rulebook) -> dict[str, Any]:
    """The three answers of `POST /v1/screen` as JSON Schema, keyed by this rulebook's pathway and score ids:
    `Report` (default: the intake contract's JSON report), `FullReport` (`?details=true`, as `check --json`)
    and `Outcomes` (`?outcomes_only=true`)."""
    pathways, scores = list(rulebook.pathways), list(rulebook.scores)
    score = {"type": ["integer", "number", "null"], "description": "null when an answer it needs is unknown"}
    requirement = {"type": "object", "required": list(REQUIREMENT_KEYS), "additionalProperties": False,
                   "properties": {"id": {"type": "string"}, "status": {"enum": ["met", "failed", "unknown"]},
                                  "text": {"type": "string"}, "actual": VALUE, "needed": VALUE,
                                  "reference": {"type": ["string", "null"]}}}
    pathway = {"type": "object", "required": ["outcome", "requirements", "next_steps"], "additionalProperties": False,
               "properties": {"outcome": OUTCOME, "requirements": {"type": "array", "items": requirement},
                              "next_steps": {"type": "array", "items": {"type": "string"}}}}
    lead = {"type": "object", "required": ["id", "title", "text", "next_steps"], "properties": {
        "id": {"type": "string"}, "title": {"type": "string"}, "text": {"type": "string"},
        "next_steps": {"type": "array", "items": {"type": "string"}, "description": "each with its web address"},
        "reference": {"type": ["string", "null"]}, "source": {"type": ["string", "null"]}}}
    rulebook_info = {"type": "object", "required": ["id", "version", "as_of"],
                     "properties": {"id": {"type": "string"}, "version": {"type": "string"},
                                    "as_of": {"type": "string", "format": "date"}}}
    common = {"rulebook": rulebook_info, "scores": _keyed(scores, score), "flags": IDS, "leads": IDS,
              "warnings": IDS, "best_pathway": {"type": ["string", "null"]},
              "missing": {**IDS, "description": "the answers that would decide the incomplete pathways, most decisive "
                                                "first"},
              "disclaimer": {"type": "string"}}
    report = {"type": "object", "required": ["rulebook", "pathways", "scores", "flags", "leads", "warnings",
                                             "best_pathway", "missing", "safety", "disclaimer"],
              "additionalProperties": False,
              "description": "The intake contract's JSON report: per pathway its outcome, requirements and next "
                             "steps; flag, lead and warning ids (their titles are in ?details=true and /v1/rules); "
                             "`safety`: the safety leads whole (advice a person at risk must be shown).",
              "properties": {**common, "pathways": _keyed(pathways, pathway),
                             "safety": {"type": "array", "items": lead}}}
    outcomes = {"type": "object", "required": list(common), "additionalProperties": False,
                "description": "Outcomes only (?outcomes_only=true): no requirement or text is rendered.",
                "properties": {**common, "pathways": _keyed(pathways, {
                    "type": "object", "required": ["outcome"], "properties": {"outcome": OUTCOME}})}}
    full = {"type": "object", "description": "The full report of `screener check --json` (?details=true).",
            "required": ["rulebook", "pathways", "scores", "score_details", "flags", "flags_undecided", "leads",
                         "warnings", "best_pathway", "best_pathway_title", "missing", "review_due", "disclaimer"],
            "properties": {"pathways": _keyed(pathways, {"type": "object", "required": [
                "title", "kind", "outcome", "reason", "requirements", "next_steps", "notes"]}),
                "scores": _keyed(scores, score), "leads": {"type": "array", "items": lead},
                "flags": {"type": "array", "items": {"type": "object"}}}}
    return {"Report": report, "FullReport": full, "Outcomes": outcomes}


def spec(rulebook: Rulebook) -> dict[str, Any]:
    answers = {
        "type": "object", "maxProperties": MAX_FIELDS, "additionalProperties": False,
        "properties": {question.id: answer_schema(question) for question in rulebook.question_order()},
        "description": "Question id -> answer, as in an answer file of `screener check --answers`.",
    }
    error = {"type": "object", "required": ["error", "problems"], "properties": {
        "error": {"type": "string"},
        "problems": {"type": "array", "items": {"type": "object", "properties": {
            "field": {"type": ["string", "null"]}, "rule": {"type": "string"}}}}}}
    as_of = {"name": "as_of", "in": "query", "required": False,
             "schema": {"type": "string", "format": "date"}, "description": "apply the rules in force on this date"}
    refused = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    errors = {str(code): {"description": text, "content": refused}
              for code, text in [(400, "broken JSON"), (413, "body too large or too many fields"),
                                 (415, "content type is not application/json"),
                                 (422, "answers that cannot be read, by field (never the value)")]}
    body = {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Answers"}}}}
    ok = {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}
    screened = {"description": "The contract's report (default); the full report with ?details=true; outcomes "
                               "only with ?outcomes_only=true",
                "content": {"application/json": {"schema": {"oneOf": [
                    {"$ref": f"#/components/schemas/{name}"} for name in ("Report", "FullReport", "Outcomes")]}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "screener", "version": rulebook.version,
                 "description": "Can I move to Canada, and how? " + rulebook.info.disclaimer},
        "paths": {
            "/v1/screen": {"post": {
                "summary": "Screen one person: the intake contract's JSON report (?details=true: the full report "
                           "of check --json; ?outcomes_only=true: outcomes, scores and ids only, fastest)",
                "parameters": [as_of, {"name": "details", "in": "query", "schema": {"type": "boolean"}},
                               {"name": "outcomes_only", "in": "query", "schema": {"type": "boolean"}}],
                "requestBody": body, "responses": {"200": screened, **errors}}},
            "/v1/next-question": {"post": {
                "summary": "The next question to ask (choices, help, progress bound), or done",
                "parameters": [as_of,
                               {"name": "bound", "in": "query", "schema": {"type": "integer", "minimum": 0},
                                "description": "the progress bound shown last (the bound never rises)"},
                               {"name": "scope", "in": "query", "schema": {"enum": ["all", "goal"]},
                                "description": "goal: stop once the routes of the person's goal are decided"}],
                "requestBody": body, "responses": {"200": ok, **errors}}},
            "/v1/rules": {"get": {"summary": "Rulebook version, as-of date, pathways, topics and questions",
                                  "parameters": [as_of], "responses": {"200": ok}}},
            "/healthz": {"get": {"summary": "Liveness", "responses": {"200": ok}}},
        },
        "components": {"schemas": {"Answers": answers, "Error": error, **report_schemas(rulebook)}},
    }
