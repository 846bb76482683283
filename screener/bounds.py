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
three-valued logic left open, never change what it decided. The row engine lowers these rules to
closures (`screener.program.lower_bounds`), the polars compiler (`screener.columnar`) to polars
expressions; `tests/test_columnar_property.py` holds the two together. Deliberately
simple: `*` and `/` are decided only when both sides are, a table lookup on an undecided key spans
every row in force that could match and the table's default.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from screener import expressions as ex
from screener.model import NUMERIC_TYPES, Question, TableRow

Bound = tuple[Any, Any]
INF = math.inf
UNDECIDED_BOOL: Bound = (False, True)
UNDECIDED_TEXT: Bound = (None, None)
UNDECIDED_NUMBER: Bound = (-INF, INF)


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


def may_match(row: TableRow, low: float, high: float) -> bool:
    if row.at is not None:
        return isinstance(row.at, int | float) and low <= row.at <= high
    if row.in_ is not None:
        return any(isinstance(v, int | float) and low <= v <= high for v in row.in_)
    return (row.from_ is None or high >= row.from_) and (row.to is None or low <= row.to)
