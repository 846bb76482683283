"""The columnar plan's cheaper lowerings give what the plain polars forms they replace give, nulls included.

`tests/test_columnar_property.py` compares whole batch runs with the row engine on the shipped rulebook;
these check the building blocks on sizes the shipped rules do not reach (more ids than one code holds,
more texts than are compared one by one) and on every null pattern.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from screener import expressions as ex
from screener.blockers import Waiting, bit_sliced
from screener.columnar import JOINED_BITS, ONE_OF_TEXTS, Compiler, _joined, _one_of, answer_dtype
from screener.rulebook import load_rulebook

ROOT = Path(__file__).parent.parent


def _tests_frame(count: int, rows: int, seed: int) -> pl.DataFrame:
    rng = random.Random(seed)
    return pl.DataFrame({f"t{i}": pl.Series([rng.choice([True, False, None]) for _ in range(rows)],
                                            dtype=pl.Boolean) for i in range(count)})


@pytest.mark.parametrize("count", [0, 1, 3, JOINED_BITS, JOINED_BITS + 1, 2 * JOINED_BITS + 3])
def test_joined_lists_the_true_ids_in_order(count: int) -> None:
    frame = _tests_frame(count, 400, seed=count)
    ids = [f"id_{i}" for i in range(count)]
    found = frame.select(_joined([(name, pl.col(f"t{i}")) for i, name in enumerate(ids)]).alias("j"))
    expected = [";".join(name for i, name in enumerate(ids) if row[f"t{i}"] is True)
                for row in frame.iter_rows(named=True)] if count else [""]
    assert found["j"].to_list() == (expected if count else expected * found.height)


def test_joined_with_constant_tests_fills_every_row() -> None:
    frame = _tests_frame(1, 5, seed=3)
    tests = [("always", pl.lit(True)), ("never", pl.lit(False)), ("unknown", pl.lit(None, dtype=pl.Boolean))]
    for engine in ("in-memory", "streaming"):
        found = frame.lazy().with_columns(_joined(tests).alias("j"), _joined([*tests, ("t", pl.col("t0"))])
                                          .alias("k")).collect(engine=engine)  # type: ignore[call-overload]
        assert found["j"].to_list() == ["always"] * 5
        assert found["k"].to_list() == ["always;t" if t else "always" for t in frame["t0"].to_list()]


def test_joined_streams_like_the_in_memory_engine() -> None:
    frame = _tests_frame(JOINED_BITS + 4, 5_000, seed=7)
    plan = frame.lazy().select(_joined([(f"id{i}", pl.col(f"t{i}")) for i in range(JOINED_BITS + 4)]).alias("j"))
    assert plan.collect(engine="streaming")["j"].to_list() == plan.collect(engine="in-memory")["j"].to_list()


@pytest.mark.parametrize("wanted", [["b"], ["a", "c"], ["a", "b", "c", "d", "e", "f", "g", "h"],
                                    [chr(ord("a") + i) for i in range(ONE_OF_TEXTS + 2)], []])
def test_one_of_is_is_in_with_nulls_unknown(wanted: list[str]) -> None:
    rng = random.Random(len(wanted))
    values = pl.Series([rng.choice(["a", "b", "c", "h", "z", None]) for _ in range(300)], dtype=pl.String)
    found = pl.DataFrame({"v": values}).select(_one_of(pl.col("v"), wanted).alias("f"))["f"].to_list()
    assert found == [None if value is None else value in wanted for value in values.to_list()]


def test_one_of_numbers_and_constants() -> None:
    frame = pl.DataFrame({"n": pl.Series([1.0, 2.0, None, 3.5], dtype=pl.Float64)})
    assert frame.select(_one_of(pl.col("n"), [2.0, 3.5]).alias("f"))["f"].to_list() == [False, True, None, True]
    constant = frame.select(_one_of(pl.lit("b", dtype=pl.String), ["a", "b"]).alias("f"))["f"]
    assert constant.to_list() in ([True], [True] * frame.height)


def _eager(expr: pl.Expr) -> pl.Expr:
    """A `share` for tests: the expression's values now, as a constant column."""
    return pl.lit(pl.select(expr).to_series())


@pytest.mark.parametrize("count", [1, 2, 3, 7, 8, 12, 13])
def test_bit_sliced_planes_count_each_lane(count: int) -> None:
    rng = random.Random(count)
    rows = 50
    words = [[rng.getrandbits(64) & rng.choice([2**64 - 1, rng.getrandbits(64)]) for _ in range(rows)]
             for _ in range(count)]
    planes = bit_sliced([pl.lit(pl.Series(word, dtype=pl.UInt64)) for word in words], _eager)
    assert len(planes) == count.bit_length()
    values = pl.select([plane.alias(f"p{k}") for k, plane in enumerate(planes)]).rows()
    for row in range(rows):
        for lane in range(64):
            expected = sum(word[row] >> lane & 1 for word in words)
            assert sum((values[row][k] >> lane & 1) << k for k in range(len(planes))) == expected


def test_waiting_text_orders_by_count_then_interview_order() -> None:
    rng = random.Random(5)
    layout = [(f"q{index}", index // 64, 1 << (index % 64)) for index in range(90) if index % 7]  # gaps: unread
    planes = [(0, 0), (0, 1), (0, 2), (0, 3), (1, 0), (1, 1)]
    waiting = Waiting(layout, planes, [])
    for _ in range(200):
        counts = {qid: rng.choice([0, 0, 0, rng.randint(1, 15)]) for qid, word, _ in layout}
        counts.update({qid: min(counts[qid], 3) for qid, word, _ in layout if word == 1})  # word 1 has 2 planes
        values = [0] * len(planes)
        for qid, word, bit in layout:
            for position, (plane_word, plane) in enumerate(planes):
                if plane_word == word and counts[qid] >> plane & 1:
                    values[position] |= bit
        order = [qid for qid, _, _ in layout]
        expected = sorted((qid for qid in order if counts[qid]), key=lambda qid: (-counts[qid], order.index(qid)))
        assert waiting.text(tuple(values)) == ";".join(expected)


class _Answers(ex.Environment):
    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def lookup(self, name: str) -> ex.Result:
        return self.values.get(name), frozenset()


@pytest.mark.parametrize("source", [
    "if(sibling_in_canada, age, canadian_work_years)",
    "if(sibling_in_canada, 5, 0)",
    "if(sibling_in_canada, 5, 5)",
    "if(sibling_in_canada, age, 30)",
    "if(sibling_in_canada, education, canadian_education)",
    'if(sibling_in_canada, "Bachelors", education)',
    'if(sibling_in_canada, "A", "a")',
    "if(sibling_in_canada, relative_in_canada, job_offer)",
])
def test_if_is_the_row_engines_if(source: str) -> None:
    """Every mix of a true, false and unknown condition with branches known, unknown, equal (texts in
    another case) and not: the compiled `if` gives what `expressions.evaluate` gives."""
    rulebook = load_rulebook(ROOT / "rules")
    compiler = Compiler(rulebook, dt.date(2026, 11, 25))
    node = ex.parse(source)
    compiled = compiler.expr(node)
    values = {"sibling_in_canada": [True, False, None], "age": [30.0, 41.0, None],
              "canadian_work_years": [30.0, 2.0, None], "education": ["bachelors", "masters", None],
              "canadian_education": ["bachelors", "none", None], "relative_in_canada": [True, False, None],
              "job_offer": [True, False, None]}
    names = sorted(ex.names_in(node))
    rows = [dict(zip(names, mix, strict=True)) for mix in itertools.product(*(values[name] for name in names))]
    frame = pl.DataFrame(rows, schema={name: answer_dtype(rulebook.questions[name]) for name in names})
    for layer in compiler.before.get(0, []):
        frame = frame.with_columns(layer)
    found = frame.select(compiled.alias("value"))["value"].to_list()
    expected = [ex.evaluate(node, _Answers(row))[0] for row in rows]
    assert found == [float(value) if isinstance(value, int) and not isinstance(value, bool) else value
                     for value in expected]
