"""The OpenAPI 3.1 description of the JSON API, written from the rulebook it serves.

The request body (answers) is a schema of the rulebook's own questions: each field with its type,
range and choices, so a firm's developer sees exactly what `check --answers` would accept.
"""

from __future__ import annotations

from typing import Any

from screener.model import Question
from screener.rulebook import Rulebook
from screener.web.api import MAX_FIELDS


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
    return {
        "openapi": "3.1.0",
        "info": {"title": "screener", "version": rulebook.version,
                 "description": "Can I move to Canada, and how? " + rulebook.info.disclaimer},
        "paths": {
            "/v1/screen": {"post": {
                "summary": "Screen one person: the contract's JSON report (compact; ?details=true for the full one)",
                "parameters": [as_of, {"name": "details", "in": "query", "schema": {"type": "boolean"}}],
                "requestBody": body, "responses": {"200": ok, **errors}}},
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
        "components": {"schemas": {"Answers": answers, "Error": error}},
    }
