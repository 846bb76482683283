"""Partial knowledge (canada-rules.md §13.25): what an expression can still be, whatever the unknowns are.

Three-valued evaluation says "unknown" as soon as an input is unknown. Some unknowns cannot matter:
job-offer points are 0 for everyone since 2025-03-25, so an unanswered `job_offer` cannot move the CRS
score; and a person whose known grid points already reach 67 passes the FSW pass mark whatever their
adaptability answers. Bounds evaluation (abstract interpretation over intervals) finds those cases.

Every value is a pair `(low, high)`:
- numbers: the smallest and largest value possible (floats, ±inf when unbounded);
- true/false: (must be true, may be true), so (True, True) is true, (False, False) false;
- text and dates: (value, value) when it is decided, (None, None) when it is not.

On known inputs each rule gives exactly the three-valued result, so bounds only ever *decide* what
three-valued logic left open, never change what it decided. The polars compiler (`screener.columnar`)
lowers the same rules; `tests/test_columnar_property.py` holds the two together. Deliberately
simple: `*` and `/` are decided only when both sides are, a table lookup on an undecided key spans
every row in force that could match and the table's default.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from screener import expressions as ex
from screener.model import NUMERIC_TYPES, Question, TableRow

Bound = tuple[Any, Any]
INF = math.inf
UNDECIDED_BOOL: Bound = (False, True)
UNDECIDED_TEXT: Bound = (None, None)
UNDECIDED_NUMBER: Bound = (-INF, INF)


class BoundsEnvironment(ex.Environment):
    """What bounds evaluation reads besides three-valued values: bounds of names, kinds, tables."""

    def bounds(self, name: str) -> Bound:  # pragma: no cover - interface
        raise NotImplementedError

    def kind(self, node: ex.Node) -> str | None:  # pragma: no cover - interface
        raise NotImplementedError

    def table_rows(self, name: str) -> tuple[Iterable[tuple[int, TableRow]], Any, list[str]]:  # pragma: no cover
        """The rows in force, the default and the columns of a table."""
        raise NotImplementedError


def node_kind(node: ex.Node, types: Mapping[str, ex.Type]) -> str | None:
    """The static kind of a node's value (the loader has type-checked it): both engines ask this."""
    if isinstance(node, ex.Literal_):
        return node.type.kind
    if isinstance(node, ex.Name):
        found = types.get(node.name)
        return found.kind if found else None
    if isinstance(node, ex.Not | ex.Logic | ex.Compare):
        return "bool"
    if isinstance(node, ex.Negate | ex.Arith):
        return "number"
    if isinstance(node, ex.Call):
        if node.function == "known":
            return "bool"
        if node.function in ("min", "max"):
            return node_kind(node.args[0], types) if node.args else "number"
        if node.function == "if":
            return node_kind(node.args[1], types) or node_kind(node.args[2], types)
        return "number"
    return None


def domain(question: Question, implied: Any = None) -> Bound:
    """What an unanswered question can be: any choice, yes or no, a number within its min and max."""
    if question.type == "yes_no":
        return UNDECIDED_BOOL
    if question.type in NUMERIC_TYPES:
        low = -INF if question.min is None else float(question.min)
        high = INF if question.max is None else float(question.max)
        if isinstance(implied, int | float) and not isinstance(implied, bool):
            low, high = min(low, float(implied)), max(high, float(implied))
        return low, high
    return UNDECIDED_TEXT


def undecided(kind: str | None) -> Bound:
    if kind == "number":
        return UNDECIDED_NUMBER
    if kind == "bool":
        return UNDECIDED_BOOL
    return UNDECIDED_TEXT


def exact(value: Any, kind: str | None) -> Bound:
    """A known value as bounds; unknown (None) as undecided."""
    if value is None:
        return undecided(kind)
    if kind == "number" and not isinstance(value, bool):
        return float(value), float(value)
    return value, value


def decided(bound: Bound, kind: str | None) -> Any:
    """The value the bounds pin down, else None."""
    low, high = bound
    if kind == "number":
        return low if low == high and math.isfinite(low) else None
    if kind == "bool":
        return True if low else (False if not high else None)
    return low


def _number(bound: Bound) -> Bound:
    low, high = bound
    return (-INF if math.isnan(low) else low), (INF if math.isnan(high) else high)


def bounds(node: ex.Node, env: BoundsEnvironment) -> Bound:
    """What `node` can be, over every possible answer to the unknown questions."""
    if isinstance(node, ex.Literal_):
        return exact(node.value, node.type.kind)
    if isinstance(node, ex.Name):
        return env.bounds(node.name)
    if isinstance(node, ex.Not):
        must, may = bounds(node.operand, env)
        return not may, not must
    if isinstance(node, ex.Negate):
        low, high = bounds(node.operand, env)
        return -high, -low
    if isinstance(node, ex.Logic):
        parts = [bounds(operand, env) for operand in node.operands]
        if node.op == "and":
            return all(p[0] for p in parts), all(p[1] for p in parts)
        return any(p[0] for p in parts), any(p[1] for p in parts)
    if isinstance(node, ex.Compare):
        return _compare(node, env)
    if isinstance(node, ex.Arith):
        return _arith(node, env)
    if isinstance(node, ex.Call):
        return _call(node, env)
    raise ex.ExpressionError(f"cannot bound {type(node).__name__}")  # pragma: no cover - lists are never values


def _compare(node: ex.Compare, env: BoundsEnvironment) -> Bound:
    kind = env.kind(node.left)
    left = bounds(node.left, env)
    if node.op in ("in", "not in"):
        assert isinstance(node.right, ex.ListOf)
        items = [item.value for item in node.right.items]
        if kind == "number":
            low, high = left
            if low == high:
                inside: Bound = (low in items, low in items)
            else:
                inside = (False, any(low <= item <= high for item in items))
        elif left[0] is None or left[0] != left[1]:
            inside = UNDECIDED_BOOL
        else:
            found = any(ex.same_value(left[0], item) for item in items)
            inside = (found, found)
        return inside if node.op == "in" else (not inside[1], not inside[0])
    right = bounds(node.right, env)
    if kind != "number" and env.kind(node.right) != "number":
        if left[0] is None or right[0] is None or left[0] != left[1] or right[0] != right[1]:
            return UNDECIDED_BOOL
        value, _ = ex.evaluate(ex.Compare(node.op, ex.Literal_(left[0], ex.TEXT, 0),
                                          ex.Literal_(right[0], ex.TEXT, 0), 0), env)
        return value, value
    return compare_intervals(node.op, left, right, both=lambda a, b: a and b, negate=lambda a: not a)


def compare_intervals(op: str, left: Any, right: Any, *, both: Any, negate: Any) -> tuple[Any, Any]:
    """(certainly true, possibly true) of `left op right` for two (low, high) intervals of numbers.

    The one statement of the rule for both engines: the row engine passes Python values with `and`/`not`,
    the polars compiler expressions with `&`/`~`.
    """
    (alo, ahi), (blo, bhi) = left, right
    if op == ">=":
        return alo >= bhi, ahi >= blo
    if op == ">":
        return alo > bhi, ahi > blo
    if op == "<=":
        return ahi <= blo, alo <= bhi
    if op == "<":
        return ahi < blo, alo < bhi
    same = both(both(alo == ahi, ahi == blo), blo == bhi)
    overlap = both(alo <= bhi, blo <= ahi)
    return (same, overlap) if op == "==" else (negate(overlap), negate(same))


def _arith(node: ex.Arith, env: BoundsEnvironment) -> Bound:
    """A chain, left to right, one operator at a time."""
    value = bounds(node.operands[0], env)
    for op, operand in zip(node.ops, node.operands[1:], strict=True):
        value = arith_step(op, value, bounds(operand, env))
    return value


def arith_step(op: str, left: Bound, right: Bound) -> Bound:
    (alo, ahi), (blo, bhi) = left, right
    if op == "+":
        return _number((alo + blo, ahi + bhi))
    if op == "-":
        return _number((alo - bhi, ahi - blo))
    if alo != ahi or blo != bhi or not (math.isfinite(alo) and math.isfinite(blo)):
        return UNDECIDED_NUMBER
    if op == "*":
        return alo * blo, alo * blo
    if blo == 0:
        return UNDECIDED_NUMBER  # division by zero is unknown, whatever the answers
    return alo / blo, alo / blo


def hull(first: Bound, second: Bound, kind: str | None) -> Bound:
    """Bounds covering both."""
    if kind == "number":
        return min(first[0], second[0]), max(first[1], second[1])
    if kind == "bool":
        return first[0] and second[0], first[1] or second[1]
    if first[0] is not None and second[0] is not None and ex.same_value(first[0], second[0]):
        return first
    return UNDECIDED_TEXT


def _call(node: ex.Call, env: BoundsEnvironment) -> Bound:
    function, args = node.function, node.args
    kind = env.kind(node)
    if function == "if":
        must, may = bounds(args[0], env)
        if must:
            return bounds(args[1], env)
        if not may:
            return bounds(args[2], env)
        return hull(bounds(args[1], env), bounds(args[2], env), kind)
    if function == "known":
        value, _ = ex.evaluate(args[0], env)
        return value is not None, value is not None
    if function in ("min", "max"):
        parts = [bounds(arg, env) for arg in args]
        if kind != "number":
            if any(p[0] is None or p[0] != p[1] for p in parts):
                return undecided(kind)
            value = min(p[0] for p in parts) if function == "min" else max(p[0] for p in parts)
            return value, value
        pick = min if function == "min" else max
        return pick(p[0] for p in parts), pick(p[1] for p in parts)
    return table_bounds(function, args, env)


def table_bounds(name: str, args: tuple[ex.Node, ...], env: BoundsEnvironment) -> Bound:
    """A lookup on an undecided key spans every row in force that could match, and the default."""
    if len(args) == 1:
        column = "points"
    else:
        chosen = bounds(args[1], env)
        if chosen[0] is None or chosen[0] != chosen[1]:
            return UNDECIDED_NUMBER
        column = str(chosen[0])
    rows, default, columns = env.table_rows(name)
    if column not in columns:
        return UNDECIDED_NUMBER  # a column the table does not have
    key_kind = env.kind(args[0])
    low, high = bounds(args[0], env)
    if low is not None and low == high:
        return exact(env.table(name, low, column), "number")
    if default is None:
        return UNDECIDED_NUMBER  # a key that matches no row would give unknown
    values = [float(default)]
    for _, row in rows:
        if key_kind != "number" or _may_match(row, low, high):
            cell = row.cells.get(column)
            if cell is None:
                return UNDECIDED_NUMBER
            values.append(float(cell))  # type: ignore[arg-type]
    return min(values), max(values)


def _may_match(row: TableRow, low: float, high: float) -> bool:
    if row.at is not None:
        return isinstance(row.at, int | float) and low <= row.at <= high
    if row.in_ is not None:
        return any(isinstance(v, int | float) and low <= v <= high for v in row.in_)
    return (row.from_ is None or high >= row.from_) and (row.to is None or low <= row.to)
