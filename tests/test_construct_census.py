"""Construct census: the rulebooks of the differential test (tests/test_columnar_property.py) use every
node type, operator, function and rule feature the loader accepts, so a new construct cannot reach one
engine untested against the other. A construct added to the language fails this test until the
fixture (tests/fixtures/batch/rules) uses it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from screener import expressions as ex
from screener.model import NUMERIC_TYPES, Question
from screener.rulebook import Rulebook, load_rulebook

ROOT = Path(__file__).parent.parent
DIFFERENTIAL = [Path(__file__).parent / "fixtures" / "batch" / "rules", ROOT / "rules"]
ACCEPTED_NODES = {cls.__name__ for cls in (ex.Literal_, ex.Name, ex.ListOf, ex.Not, ex.Negate, ex.Logic,
                                           ex.Compare, ex.Arith, ex.Call)}
ACCEPTED_OPERATORS = {"and", "or", "==", "!=", "<", "<=", ">", ">=", "in", "not in", "+", "-", "*", "/"}
# `date(...)` becomes a date literal when parsed; table lookups come in three shapes.
ACCEPTED_CALLS = {f for f in ex.FUNCTIONS if f != "date"} | {"table", "table(column literal)",
                                                             "table(column computed)"}
ACCEPTED_LITERALS = {"bool", "number", "text", "date"}
ACCEPTED_FEATURES = {
    "question:" + kind for kind in Question.model_fields["type"].annotation.__args__  # type: ignore[union-attr]
} | {
    "question:relevant_if", "question:implied", "question:min/max", "derived:versions", "derived:no version",
    "table:key number", "table:key text", "table:default", "table:no default", "table:columns", "row:at",
    "row:in", "row:from/to", "row:dated", "score:max", "score:group max", "score:nested group", "line:dated",
    "requirement:dated", "requirement:on a score", "requirement:actual", "step:only_if", "shown:dated",
    "lead:steps", "warning", "text:placeholder", "name:as_of",
}


def nodes(rulebook: Rulebook) -> Iterator[ex.Node]:
    for compiled in rulebook.rules.all_expressions():
        yield from ex.walk(compiled.node)


def census(rulebook: Rulebook) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {"nodes": set(), "operators": set(), "calls": set(), "literals": set(),
                                  "features": set()}
    for node in nodes(rulebook):
        found["nodes"].add(type(node).__name__)
        if isinstance(node, ex.Logic | ex.Compare):
            found["operators"].add(node.op)
        elif isinstance(node, ex.Arith):
            found["operators"].update(node.ops)
        elif isinstance(node, ex.Literal_):
            found["literals"].add(node.type.kind)
        elif isinstance(node, ex.Name) and node.name == "as_of":
            found["features"].add("name:as_of")
        elif isinstance(node, ex.Call):
            if node.function in rulebook.tables:
                if len(node.args) == 1:
                    found["calls"].add("table")
                elif isinstance(node.args[1], ex.Literal_):
                    found["calls"].add("table(column literal)")
                else:
                    found["calls"].add("table(column computed)")
            else:
                found["calls"].add(node.function)
    features = found["features"]
    for question in rulebook.questions.values():
        features.add("question:" + question.type)
        if question.relevant_if:
            features.add("question:relevant_if")
        if question.implied:
            features.add("question:implied")
        if question.type in NUMERIC_TYPES and (question.min is not None or question.max is not None):
            features.add("question:min/max")
    for derived in rulebook.derived.values():
        if derived.versions:
            features.add("derived:versions")
            if any(rulebook.at(day).derived[derived.id] is None for day in (dt.date(1990, 1, 1), dt.date(2100, 1, 1))):
                features.add("derived:no version")
    for table in rulebook.tables.values():
        features.add("table:key " + table.key)
        features.add("table:default" if table.default is not None else "table:no default")
        if table.columns:
            features.add("table:columns")
        for row in table.rows:
            matched = "row:at" if row.at is not None else "row:in" if row.in_ is not None else "row:from/to"
            features.add(matched)
            if row.effective_from or row.effective_until:
                features.add("row:dated")
    for score in rulebook.scores.values():
        if score.max is not None:
            features.add("score:max")
        if any(group.max is not None for group in score.groups):
            features.add("score:group max")
        if any(group.parent for group in score.groups):
            features.add("score:nested group")
        if any(line.effective_from or line.effective_until for line in score.lines):
            features.add("line:dated")
    for pathway in rulebook.rules.pathways.values():
        for requirement in pathway.requirements:
            if requirement.model.effective_from or requirement.model.effective_until:
                features.add("requirement:dated")
            if requirement in rulebook.graph.on_scores:
                features.add("requirement:on a score")
            if requirement.actual is not None:
                features.add("requirement:actual")
        if any(step.only_if for step in pathway.steps):
            features.add("step:only_if")
    shown = [*rulebook.flags.values(), *rulebook.leads.values(), *rulebook.answer_warnings.values()]
    if any(item.effective_from or item.effective_until for item in shown):
        features.add("shown:dated")  # flags, leads and warnings are one kind of rule, sliced alike
    if any(lead.steps for lead in rulebook.rules.leads.values()):
        features.add("lead:steps")
    if rulebook.rules.warnings:
        features.add("warning")
    if any(part for template in rulebook.rules.templates() for part in template.expressions()):
        features.add("text:placeholder")
    return found


def test_the_differential_rulebooks_use_every_construct_the_loader_accepts() -> None:
    total: dict[str, set[str]] = {}
    for folder in DIFFERENTIAL:
        for part, names in census(load_rulebook(folder)).items():
            total.setdefault(part, set()).update(names)
    assert ACCEPTED_NODES - total["nodes"] == set()
    assert ACCEPTED_OPERATORS - total["operators"] == set()
    assert ACCEPTED_CALLS - total["calls"] == set()
    assert ACCEPTED_LITERALS - total["literals"] == set()
    assert ACCEPTED_FEATURES - total["features"] == set()


def test_the_census_knows_every_function_and_operator_of_the_language() -> None:
    # A function added to the language must be added to the census (and then to the fixture).
    assert set(ex.FUNCTIONS) == {"min", "max", "if", "known", "date"}
    for source in ["a not in [1]", "a in [1]", "a != 1", "a <= 1", "a < 1", "a >= 1", "a > 1", "a == 1",
                   "a + b - c * d / e", "not a and b or c", "-a"]:
        for node in ex.walk(ex.parse(source)):
            if isinstance(node, ex.Compare | ex.Logic):
                assert node.op in ACCEPTED_OPERATORS
            if isinstance(node, ex.Arith):
                assert set(node.ops) <= ACCEPTED_OPERATORS
