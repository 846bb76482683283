"""Bounds read from the value (`columnar.Compiler.unknown_bounds`): the row engine agrees, node by node.

The columnar plan lowers a node's bounds from its value where `unknown_bounds` gives a constant pair: the
value exactly where it is known, the pair where it is not. Here the row engine (`program.lower_bounds`
over an `Evaluation`, the reference of §13.25) says the same for every sub-expression of the shipped
rules and of the construct fixture that gets such a pair, on random partially-unknown profiles, and
the lowering is taken for a good share of the nodes (it is not a dead path).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_columnar_property import rulebook_named
from test_program import DATES, SETTINGS, Walker, expressions, people

from screener import expressions as ex
from screener.bounds import Bound, exact
from screener.columnar import Compiler
from screener.evaluation import Evaluation
from screener.program import lower_bounds
from screener.rulebook import Rulebook

_constants: dict[tuple[str, dt.date], list[tuple[ex.Node, Bound]]] = {}


def constant_nodes(name: str, rulebook: Rulebook, as_of: dt.date) -> list[tuple[ex.Node, Bound]]:
    """Every sub-expression (not a bare name or literal) that the compiler reads from its value."""
    key = (name, as_of)
    if key not in _constants:
        compiler = Compiler(rulebook, as_of)
        found: dict[int, tuple[ex.Node, Bound]] = {}
        for compiled in expressions(rulebook):
            for node in ex.walk(compiled.node):
                if isinstance(node, ex.ListOf | ex.Literal_ | ex.Name) or id(node) in found:
                    continue
                constant = compiler.unknown_bounds(node)
                if constant is not None:
                    found[id(node)] = (node, constant)
        _constants[key] = list(found.values())
    return _constants[key]


def same(first: Bound, second: Bound) -> bool:
    return all(a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))
               for a, b in zip(first, second, strict=True))


@pytest.mark.parametrize("name", ["fixture", "rules"])
def test_most_compound_nodes_are_read_from_their_value(name: str) -> None:
    rulebook = rulebook_named(name)
    compound = {id(node) for compiled in expressions(rulebook) for node in ex.walk(compiled.node)
                if not isinstance(node, ex.ListOf | ex.Literal_ | ex.Name)}
    assert len(constant_nodes(name, rulebook, dt.date(2026, 11, 25))) > len(compound) // 3


@pytest.mark.parametrize("name", ["fixture", "rules"])
@SETTINGS
@given(data=st.data())
def test_bounds_are_the_value_or_the_constant_pair(name: str, data: st.DataObject) -> None:
    rulebook = rulebook_named(name)
    as_of = data.draw(st.sampled_from(DATES))
    state = Evaluation(rulebook, rulebook.read_answers(data.draw(people(rulebook))), as_of)
    walker = Walker(state)
    kinds = Compiler(rulebook, as_of)
    for node, constant in constant_nodes(name, rulebook, as_of):
        value: Any = ex.evaluate(node, walker)[0]
        bounds = lower_bounds(node, rulebook.types, rulebook.tables)(state)
        expected = constant if value is None else exact(value, kinds.kind(node))
        assert same(bounds, expected), (node, value, bounds, constant)


INF = math.inf


@pytest.mark.parametrize(("source", "unknown"), [
    ("age >= 0", (True, True)),  # age is 0 to 120 when unanswered
    ("not (age >= 0)", (False, False)),
    ("age > 120", (False, False)),
    ("age >= 18", (False, True)),
    ("age + 1 >= 1", (True, True)),
    ("-age", (-120.0, 0.0)),
    ("age * 2", (-INF, INF)),  # `*` and `/` are decided only when both sides are
    ("age / 2", (-INF, INF)),
    ("10 / age", (-INF, INF)),
    ("min(age, 30)", (0.0, 30.0)),
    ("max(age, 30)", (30.0, 120.0)),
    ("if(job_offer, 5, 10)", (5.0, 10.0)),
    ("age in [18, 19]", (False, True)),
    ("age not in [18, 19]", (False, True)),
    ("fsw_arranged_employment(job_offer_teer)", (0.0, 10.0)),  # teer 0 to 5: the row 0-3 may match
    ("fsw_arranged_employment(job_offer_teer + 4)", (0.0, 0.0)),  # 4 to 9: only the default
    ("job_offer and age >= 18", (False, True)),
])
def test_constant_pairs_are_the_row_engines_bounds(source: str, unknown: Bound) -> None:
    """Hand-made expressions on the shipped rules' questions: the pair where the value is unknown is the
    one expected, and the compiled bounds are the row engine's on every mix of known and unknown answers."""
    import polars as pl

    from screener.columnar import answer_dtype

    rulebook = rulebook_named("rules")
    as_of = dt.date(2026, 11, 25)
    compiler = Compiler(rulebook, as_of)
    node = ex.parse(source)
    assert compiler.unknown_bounds(node) == unknown
    low, high = compiler.bounds(node)
    cells = {"age": ["", "0", "17", "18", "30", "120"], "job_offer": ["", "yes", "no"],
             "job_offer_teer": ["", "0", "3", "4", "5"]}
    names = sorted(ex.names_in(node) & set(cells))
    rows = [dict(zip(names, mix, strict=True)) for mix in itertools.product(*(cells[name] for name in names))]
    states = [Evaluation(rulebook, rulebook.read_answers({"job_offer": "yes", **row}), as_of) for row in rows]
    frame = pl.DataFrame([{name: state[name] for name in names} for state in states],
                         schema={name: answer_dtype(rulebook.questions[name]) for name in names})
    for layer in compiler.before.get(0, []):
        frame = frame.with_columns(layer)
    found = frame.select(low.alias("low"), high.alias("high")).rows()
    bound = lower_bounds(node, rulebook.types, rulebook.tables)
    for state, pair in zip(states, found, strict=True):
        expected = bound(state)
        value = ex.evaluate(node, Walker(state))[0]
        assert same(pair, expected), (source, state.answers, pair, expected)
        assert same(expected, unknown if value is None else exact(value, compiler.kind(node)))
