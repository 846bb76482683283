"""JSON Schemas of the rulebook format, generated from `screener.model` so they never drift from it.

Editors use them to autocomplete keys and flag mistakes as a lawyer types (VS Code's YAML extension:
`"yaml.schemas": {"rulebook.schema.json": ["rules/**/*.yaml", "!rules/tests/**"]}`). The schema
checks shape only; `screener rules validate` also checks names, expressions, types and dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from screener.model import CaseFile, RuleFile

DRAFT = "https://json-schema.org/draft/2020-12/schema"

# Hover text for keys that appear in many places (editors show it next to the key).
DESCRIPTIONS = {
    "effective_from": "First day this is in force (inclusive), YYYY-MM-DD.",
    "effective_until": "Last day this is in force (inclusive), YYYY-MM-DD.",
    "review_by": "Date by which this time-sensitive data must be checked again; screener warns after it.",
    "reference": "The legal citation, e.g. IRPR s.75(2)(d).",
    "source": "Where the rule is published (a URL).",
    "condition": "An expression that must be true, e.g. english_clb >= 7.",
    "advice": "Shown when the requirement fails; may contain {expression} placeholders.",
    "actual": "Expression shown as the person's value (default: left side of a comparison).",
    "needed": "The value shown as needed (default: right side of a comparison).",
    "relevant_if": "Ask this question only when this expression is true.",
    "rank": "Lower is a better option when several pathways are open.",
    "points": "Expression giving this line's points, e.g. crs_age(age, \"with_spouse\").",
    "expr": "An expression in screener's expression language.",
    "id": "lower_snake_case, unique across the rulebook.",
    "as_of": "The date the rules are applied on, YYYY-MM-DD.",
}


def _describe(schema: dict[str, Any]) -> None:
    for definition in schema.get("$defs", {}).values():
        for name, prop in definition.get("properties", {}).items():
            if name in DESCRIPTIONS:
                prop.setdefault("description", DESCRIPTIONS[name])


def rulebook_schema() -> dict[str, Any]:
    """The schema of one rule file (any of its sections)."""
    schema = RuleFile.model_json_schema(by_alias=True)
    definitions = schema["$defs"]
    # Table cells are extra keys: any column name, always a number.
    definitions["TableRow"]["additionalProperties"] = {"type": "number"}
    # `choices: [a, b]` is short for `choices: [{value: a}, {value: b}]`.
    choices = definitions["Question"]["properties"]["choices"]["anyOf"][0]
    choices["items"] = {"anyOf": [{"$ref": "#/$defs/Choice"}, {"type": "string"}, {"type": "integer"}]}
    _describe(schema)
    return {"$schema": DRAFT, **schema, "title": "screener rule file",
            "description": "One YAML file of a screener rulebook (see docs/rules.md)."}


def cases_schema() -> dict[str, Any]:
    """The schema of one test-case file (`tests/*.yaml`)."""
    schema = CaseFile.model_json_schema(by_alias=True)
    _describe(schema)
    return {"$schema": DRAFT, **schema, "title": "screener test cases",
            "description": "Test cases of a screener rulebook (see docs/rules.md, 'Test cases')."}


def as_json_data(value: Any) -> Any:
    """YAML data as an editor sees it: dates are strings."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): as_json_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json_data(item) for item in value]
    return value
