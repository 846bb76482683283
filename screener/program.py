"""The sliced rulebook lowered to Python closures: a value for each expression, without walking its tree.

`expressions.evaluate` walks a node tree and returns (value, blockers) at every node. Most callers only
need the value (outcomes, scores, flags), so each expression is lowered once into a closure that computes
just the value, with the same three-valued semantics (`expressions.same_value` for equality, unknown on
division by zero, Kleene `and`/`or`, `if` known when both branches agree). Blockers (which unanswered
questions keep a value unknown) are computed by the tree walker only for the values that stay unknown.

The closures evaluate exactly what the tree walker evaluates, in the same order (both sides of a
comparison even when the left is unknown, every argument of `min`/`max`): what a person's verdict
read (table rows for `rules diff`, dated values for `guidance`) is the same on both paths.
`tests/test_program.py` checks the closures against the tree walker node by node.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from screener import expressions as ex
from screener.bounds import (
    INF,
    UNDECIDED_BOOL,
    UNDECIDED_NUMBER,
    Bound,
    arith_step,
    compare_intervals,
    domain,
    exact,
    hull,
    may_match,
    node_kind,
    undecided,
)
from screener.compiled import LineRule, RequirementRule, ShownRule, Slice
from screener.model import ScoreGroup, TableRow
from screener.report import preference

if TYPE_CHECKING:
    from screener.evaluation import Evaluation
    from screener.rulebook import Rulebook

Fn = Callable[["Evaluation"], Any]
BoundsFn = Callable[["Evaluation"], Bound]
WhyFn = Callable[["Evaluation"], frozenset[str]]
MISSING: Any = object()


def lower(node: ex.Node, tables: Collection[str]) -> Fn:
    """The closure computing `node`'s value (None: unknown) from an evaluation's names and tables."""
    if isinstance(node, ex.Literal_):
        constant = node.value
        return lambda env: constant
    if isinstance(node, ex.Name):
        return _name(node.name)
    if isinstance(node, ex.Not):
        if isinstance(node.operand, ex.Name):  # the usual shape, `not us_citizen`: the name read in place
            name = node.operand.name
            return lambda env: None if (value := env[name]) is None else not value
        operand = lower(node.operand, tables)
        return lambda env: None if (value := operand(env)) is None else not value
    if isinstance(node, ex.Negate):
        operand = lower(node.operand, tables)
        return lambda env: None if (value := operand(env)) is None else -value
    if isinstance(node, ex.Logic):
        return _logic(node.op == "or", tuple(lower(operand, tables) for operand in node.operands))
    if isinstance(node, ex.Compare):
        return _compare(node, tables)
    if isinstance(node, ex.Arith):
        return _arith(node.ops, tuple(lower(operand, tables) for operand in node.operands))
    if isinstance(node, ex.Call):
        return _call(node, tables)
    raise ex.ExpressionError(f"cannot evaluate {type(node).__name__}")  # pragma: no cover - lists are never values


def _name(name: str) -> Fn:
    """`evaluation[name]`: the evaluation is the memo of values and computes a missing one."""
    return itemgetter(name)


def _logic(decisive: bool, operands: tuple[Fn, ...]) -> Fn:
    """Kleene logic: the decisive value (true for or, false for and) settles it, else unknown wins."""
    other = not decisive  # `value is decisive or value is not other and bool(value) is decisive` is
    # `bool(value) is decisive` for any value other than None, with no call for a yes/no
    if len(operands) == 2:  # the usual shape: no loop
        first, second = operands

        def pair(env: Evaluation) -> Any:
            value = first(env)
            if value is decisive or (value is not None and value is not other and bool(value) is decisive):
                return decisive
            next_value = second(env)
            if next_value is None:
                return None
            if next_value is decisive or (next_value is not other and bool(next_value) is decisive):
                return decisive
            return None if value is None else other

        return pair

    def run(env: Evaluation) -> Any:
        unknown = False
        for operand in operands:
            value = operand(env)
            if value is None:
                unknown = True
            elif value is decisive or (value is not other and bool(value) is decisive):
                return decisive
        return None if unknown else other

    return run


def _compare(node: ex.Compare, tables: Collection[str]) -> Fn:
    left = lower(node.left, tables)
    op = node.op
    if op in ("in", "not in"):
        assert isinstance(node.right, ex.ListOf)
        texts = frozenset(item.value.lower() for item in node.right.items if isinstance(item.value, str))
        others = tuple(item.value for item in node.right.items if not isinstance(item.value, str))
        wanted = op == "in"

        def member(env: Evaluation) -> Any:
            value = left(env)
            if value is None:
                return None
            inside = value.lower() in texts if isinstance(value, str) else any(value == item for item in others)
            return inside is wanted

        return member
    test = _TESTS[op]
    if isinstance(node.right, ex.Literal_):  # the usual shape, `age >= 18`: no closure for the constant
        return _compare_constant(left, op, node.right.value)
    right = lower(node.right, tables)

    def compare(env: Evaluation) -> Any:
        first, second = left(env), right(env)  # both sides, as the tree walker does
        if first is None or second is None:
            return None
        return test(first, second)

    return compare


def _compare_constant(left: Fn, op: str, constant: Any) -> Fn:
    if op in ("==", "!=") and isinstance(constant, str):
        folded, wanted = constant.lower(), op == "=="  # `expressions.same_value`: text without regard to case

        def same_text(env: Evaluation) -> Any:
            value = left(env)
            if value is None:
                return None
            return (isinstance(value, str) and value.lower() == folded) is wanted

        return same_text
    if op in _OPERATORS and not isinstance(constant, str):  # numbers, dates, yes/no: a plain comparison
        return _OPERATORS[op](left, constant)
    test = _TESTS[op]

    def compare(env: Evaluation) -> Any:
        value = left(env)
        return None if value is None else test(value, constant)

    return compare


_OPERATORS: dict[str, Callable[[Fn, Any], Fn]] = {  # `_TESTS` of a constant that is not text, one call fewer
    "==": lambda left, c: lambda env: None if (value := left(env)) is None else value == c,
    "!=": lambda left, c: lambda env: None if (value := left(env)) is None else value != c,
    "<": lambda left, c: lambda env: None if (value := left(env)) is None else value < c,
    "<=": lambda left, c: lambda env: None if (value := left(env)) is None else value <= c,
    ">": lambda left, c: lambda env: None if (value := left(env)) is None else value > c,
    ">=": lambda left, c: lambda env: None if (value := left(env)) is None else value >= c,
}


_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "==": ex.same_value,
    "!=": lambda a, b: not ex.same_value(a, b),
    "<": lambda a, b: bool(a < b),
    "<=": lambda a, b: bool(a <= b),
    ">": lambda a, b: bool(a > b),
    ">=": lambda a, b: bool(a >= b),
}


def _arith(ops: tuple[str, ...], operands: tuple[Fn, ...]) -> Fn:
    """Left to right; unknown if any operand is, and division by zero is unknown too."""
    first, rest = operands[0], tuple(zip(ops, operands[1:], strict=True))

    def run(env: Evaluation) -> Any:
        value = first(env)
        for op, operand in rest:
            right = operand(env)
            value = None if value is None or right is None else ex.arithmetic(op, value, right)
        return value

    return run


def _call(node: ex.Call, tables: Collection[str]) -> Fn:
    function = node.function
    args = tuple(lower(arg, tables) for arg in node.args)
    if function == "if":
        condition, then, otherwise = args
        if isinstance(node.args[1], ex.Literal_) and isinstance(node.args[2], ex.Literal_):
            return _choose_constant(condition, node.args[1].value, node.args[2].value)

        def choose(env: Evaluation) -> Any:
            decided = condition(env)
            if decided is True:
                return then(env)
            if decided is False:
                return otherwise(env)
            first, second = then(env), otherwise(env)
            return first if first is not None and second is not None and ex.same_value(first, second) else None

        return choose
    if function == "known":
        if isinstance(node.args[0], ex.Name):  # the usual shape: the name read in place
            name = node.args[0].name
            return lambda env: env[name] is not None
        (operand,) = args
        return lambda env: operand(env) is not None
    if function in ("min", "max"):
        pick = min if function == "min" else max

        def extreme(env: Evaluation) -> Any:
            values = [arg(env) for arg in args]  # every argument, as the tree walker does
            return None if None in values else pick(values)

        return extreme
    assert function in tables, function  # the loader accepts no other call
    key = args[0]
    if len(args) == 1 or isinstance(node.args[1], ex.Literal_):  # the usual shape: a constant column
        constant = "points" if len(args) == 1 else node.args[1].value  # type: ignore[union-attr]

        def lookup_column(env: Evaluation) -> Any:
            found = key(env)
            if found is None:
                return None
            if env.trace is None:  # `Evaluation.table` without recording, one call fewer
                hit = env.program.tables[function](found)
                return env.program.defaults[function] if hit is None else hit[2].get(constant)
            return env.table(function, found, constant)

        return lookup_column
    column = args[1]

    def lookup(env: Evaluation) -> Any:
        found, chosen = key(env), column(env)
        if found is None or chosen is None:
            return None
        return env.table(function, found, chosen)

    return lookup


def _choose_constant(condition: Fn, then: Any, otherwise: Any) -> Fn:
    """`if(c, a, b)` with constant branches: `choose` without a call for each branch."""
    same = None if then is None or otherwise is None or not ex.same_value(then, otherwise) else then

    def choose(env: Evaluation) -> Any:
        decided = condition(env)
        if decided is True:
            return then
        if decided is False:
            return otherwise
        return same

    return choose


# ------------------------------------------------------------------------------------ blockers

EMPTY: frozenset[str] = frozenset()


def lower_why(node: ex.Node, tables: Collection[str]) -> WhyFn:
    """The closure giving the unanswered questions that keep `node` unknown, called only when it is.

    The account of `expressions.evaluate`: a comparison waits on its unknown sides, `and`/`or` on their
    unknown operands, `if` on its condition, a chain on its operands since the last division by zero.
    """
    if isinstance(node, ex.Literal_):
        return lambda env: EMPTY
    if isinstance(node, ex.Name):
        name = node.name
        return lambda env: env.lookup(name)[1]
    if isinstance(node, ex.Not | ex.Negate):
        return lower_why(node.operand, tables)
    if isinstance(node, ex.Compare):
        parts: tuple[ex.Node, ...] = (node.left,) if node.op in ("in", "not in") else (node.left, node.right)
        return _union([(lower(part, tables), lower_why(part, tables)) for part in parts])
    if isinstance(node, ex.Logic):
        return _union([(lower(part, tables), lower_why(part, tables)) for part in node.operands])
    if isinstance(node, ex.Arith):
        return _arith_why(node, tables)
    if isinstance(node, ex.Call):
        if node.function == "if":
            condition = lower(node.args[0], tables)
            why_condition, why_then, why_otherwise = (lower_why(arg, tables) for arg in node.args)

            def branch(env: Evaluation) -> frozenset[str]:
                decided = condition(env)
                if decided is True:
                    return why_then(env)
                if decided is False:
                    return why_otherwise(env)
                return why_condition(env)

            return branch
        if node.function == "known":
            return lambda env: EMPTY
        return _union([(lower(arg, tables), lower_why(arg, tables)) for arg in node.args])
    raise ex.ExpressionError(f"cannot evaluate {type(node).__name__}")  # pragma: no cover - lists are never values


def _union(parts: list[tuple[Fn, WhyFn]]) -> WhyFn:
    """What the unknown parts wait on, together."""
    def run(env: Evaluation) -> frozenset[str]:
        found = EMPTY
        for value, why in parts:
            if value(env) is None:
                found = found | why(env)
        return found

    return run


def _arith_why(node: ex.Arith, tables: Collection[str]) -> WhyFn:
    operands = [(lower(operand, tables), lower_why(operand, tables)) for operand in node.operands]
    first, rest = operands[0], tuple(zip(node.ops, operands[1:], strict=True))

    def run(env: Evaluation) -> frozenset[str]:
        value = first[0](env)
        found = first[1](env) if value is None else EMPTY
        for op, (operand, why) in rest:
            right = operand(env)
            if value is None or right is None:
                value, found = None, found | (why(env) if right is None else EMPTY)
            elif op == "/" and right == 0:
                value, found = None, EMPTY  # division by zero is unknown whatever is answered
            else:
                value, found = (value + right if op == "+" else value - right if op == "-" else
                                value * right if op == "*" else value / right), EMPTY
        return found

    return run


# ------------------------------------------------------------------------------------ bounds


def lower_bounds(node: ex.Node, types: Mapping[str, ex.Type], tables: Collection[str]) -> BoundsFn:
    """The closure computing what `node` can be over every answer to the unknown questions (§13.25).

    The interval rules are those of `screener.bounds` (the columnar compiler lowers the same ones).
    """
    if isinstance(node, ex.Literal_):
        constant = exact(node.value, node.type.kind)
        return lambda env: constant
    if isinstance(node, ex.Name):
        name = node.name
        return lambda env: env.bounds(name)
    if isinstance(node, ex.Not):
        operand = lower_bounds(node.operand, types, tables)

        def negation(env: Evaluation) -> Bound:
            must, may = operand(env)
            return not may, not must

        return negation
    if isinstance(node, ex.Negate):
        number = lower_bounds(node.operand, types, tables)

        def minus(env: Evaluation) -> Bound:
            low, high = number(env)
            return -high, -low

        return minus
    if isinstance(node, ex.Logic):
        parts = tuple(lower_bounds(operand, types, tables) for operand in node.operands)
        gather = all if node.op == "and" else any

        def logic(env: Evaluation) -> Bound:
            found = [part(env) for part in parts]
            return gather(p[0] for p in found), gather(p[1] for p in found)

        return logic
    if isinstance(node, ex.Compare):
        return _compare_bounds(node, types, tables)
    if isinstance(node, ex.Arith):
        first = lower_bounds(node.operands[0], types, tables)
        rest = tuple((op, lower_bounds(operand, types, tables)) for op, operand in zip(node.ops, node.operands[1:],
                                                                                        strict=True))

        def chain(env: Evaluation) -> Bound:
            value = first(env)
            for op, operand in rest:
                value = arith_step(op, value, operand(env))
            return value

        return chain
    if isinstance(node, ex.Call):
        return _call_bounds(node, types, tables)
    raise ex.ExpressionError(f"cannot bound {type(node).__name__}")  # pragma: no cover - lists are never values


def _compare_bounds(node: ex.Compare, types: Mapping[str, ex.Type], tables: Collection[str]) -> BoundsFn:
    kind = node_kind(node.left, types)
    left = lower_bounds(node.left, types, tables)
    if node.op in ("in", "not in"):
        assert isinstance(node.right, ex.ListOf)
        items = [item.value for item in node.right.items]
        wanted = node.op == "in"

        def member(env: Evaluation) -> Bound:
            low, high = left(env)
            if kind == "number":
                inside: Bound = (low in items, low in items) if low == high else (
                    False, any(low <= item <= high for item in items))
            elif low is None or low != high:
                inside = UNDECIDED_BOOL
            else:
                found = any(ex.same_value(low, item) for item in items)
                inside = (found, found)
            return inside if wanted else (not inside[1], not inside[0])

        return member
    right = lower_bounds(node.right, types, tables)
    op = node.op
    if kind != "number" and node_kind(node.right, types) != "number":
        test = _TESTS[op]

        def decided_values(env: Evaluation) -> Bound:
            (alo, ahi), (blo, bhi) = left(env), right(env)
            if alo is None or blo is None or alo != ahi or blo != bhi:
                return UNDECIDED_BOOL
            value = test(alo, blo)
            return value, value

        return decided_values
    return lambda env: compare_intervals(op, left(env), right(env), both=_both, negate=_negate)


def _both(first: Any, second: Any) -> Any:
    return first and second


def _negate(value: Any) -> Any:
    return not value


def _call_bounds(node: ex.Call, types: Mapping[str, ex.Type], tables: Collection[str]) -> BoundsFn:
    function, kind = node.function, node_kind(node, types)
    if function == "known":
        value = lower(node.args[0], tables)

        def known(env: Evaluation) -> Bound:
            found = value(env) is not None
            return found, found

        return known
    args = tuple(lower_bounds(arg, types, tables) for arg in node.args)
    if function == "if":
        condition, then, otherwise = args

        def choose(env: Evaluation) -> Bound:
            must, may = condition(env)
            if must:
                return then(env)
            if not may:
                return otherwise(env)
            return hull(then(env), otherwise(env), kind)

        return choose
    if function in ("min", "max"):
        pick = min if function == "min" else max

        def extreme(env: Evaluation) -> Bound:
            parts = [arg(env) for arg in args]
            if kind != "number":
                if any(p[0] is None or p[0] != p[1] for p in parts):
                    return undecided(kind)
                value = pick(p[0] for p in parts)
                return value, value
            return pick(p[0] for p in parts), pick(p[1] for p in parts)

        return extreme
    return _table_bounds(function, args, node_kind(node.args[0], types))


def _table_bounds(name: str, args: tuple[BoundsFn, ...], key_kind: str | None) -> BoundsFn:
    """A lookup on an undecided key spans every row in force that could match, and the default."""
    key = args[0]
    chosen = args[1] if len(args) > 1 else None

    def lookup(env: Evaluation) -> Bound:
        if chosen is None:
            column = "points"
        else:
            picked = chosen(env)
            if picked[0] is None or picked[0] != picked[1]:
                return UNDECIDED_NUMBER
            column = str(picked[0])
        rows, default, columns = env.table_rows(name)
        if column not in columns:
            return UNDECIDED_NUMBER  # a column the table does not have
        low, high = key(env)
        if low is not None and low == high:
            return exact(env.table(name, low, column), "number")
        if default is None:
            return UNDECIDED_NUMBER  # a key that matches no row would give unknown
        memo = env.program.spans  # an unanswered key spans its question's whole range: the same for many people
        found = memo.get((name, column, low, high))
        if found is None:
            if len(memo) > 10_000:  # keys whose bounds come from other answers vary: keep the memo small
                memo.clear()
            found = memo[(name, column, low, high)] = _rows_span(rows, default, column, key_kind, low, high)
        return found

    return lookup


def _rows_span(rows: Iterable[tuple[int, TableRow]], default: Any, column: str, key_kind: str | None,
               low: Any, high: Any) -> Bound:
    values = [float(default)]
    for _, row in rows:
        if key_kind != "number" or may_match(row, low, high):
            cell = row.cells.get(column)
            if cell is None:
                return UNDECIDED_NUMBER
            values.append(float(cell))  # type: ignore[arg-type]
    return min(values), max(values)


# ------------------------------------------------------------------------------------ reach

ANYTHING: Bound = (INF, -INF)


def reach(node: ex.Node, derived: Mapping[str, Any], cells: Mapping[str, Mapping[str | None, Bound]],
          memo: dict[str, Bound]) -> Bound:
    """For everyone on the slice's date: a number the low end of `node`'s bounds never exceeds, and one
    its high end never falls below (`lower_bounds`' result always starts at or below the first and ends
    at or above the second).

    Read from the rules alone, once per slice, so `Evaluation.decide_score` can see that a score stays
    undecided without the bounds of all its lines. Deliberately coarse and sound: a question or score may
    be anything, `if` may take either branch, a table lookup any cell in force of its column or the
    default (or be unknown); `*`, `/` and anything not a number reach everywhere (`ANYTHING`).
    """
    if isinstance(node, ex.Literal_):
        value = node.value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value), float(value)
        return ANYTHING
    if isinstance(node, ex.Name):
        found = memo.get(node.name)
        if found is None:
            compiled = derived.get(node.name)  # questions, scores, as_of, a value with no version: anything
            found = memo[node.name] = ANYTHING if compiled is None else reach(compiled.node, derived, cells, memo)
        return found
    if isinstance(node, ex.Negate):
        most, least = reach(node.operand, derived, cells, memo)
        return -least, -most
    if isinstance(node, ex.Arith):
        most, least = reach(node.operands[0], derived, cells, memo)
        for op, operand in zip(node.ops, node.operands[1:], strict=True):
            other = reach(operand, derived, cells, memo)
            if op == "+":
                most, least = most + other[0], least + other[1]
            elif op == "-":
                most, least = most - other[1], least - other[0]
            else:
                return ANYTHING
        return (INF if math.isnan(most) else most), (-INF if math.isnan(least) else least)
    if isinstance(node, ex.Call):
        if node.function == "if":
            (most, least), (other_most, other_least) = (reach(arg, derived, cells, memo) for arg in node.args[1:])
            return max(most, other_most), min(least, other_least)
        if node.function in ("min", "max"):
            pick = min if node.function == "min" else max
            parts = [reach(arg, derived, cells, memo) for arg in node.args]
            return pick(p[0] for p in parts), pick(p[1] for p in parts)
        table = cells.get(node.function)
        if table is not None:
            column = node.args[1] if len(node.args) > 1 else None
            chosen = "points" if column is None else (
                column.value if isinstance(column, ex.Literal_) and isinstance(column.value, str) else None)
            return table.get(chosen, ANYTHING)
    return ANYTHING


def table_cells(rows: Iterable[tuple[int, TableRow]], default: Any, columns: Collection[str]) -> dict[str | None,
                                                                                                           Bound]:
    """Per column (None: any column), the highest and lowest number a lookup can give (`reach`)."""
    found: dict[str | None, Bound] = {}
    every: list[float] = []
    for column in columns:
        values = [float(default)] if isinstance(default, int | float) and not isinstance(default, bool) else []
        values += [float(cell) for _, row in rows
                   if isinstance(cell := row.cells.get(column), int | float) and not isinstance(cell, bool)]
        if values:
            found[column] = max(values), min(values)
        every += values
    if every and len(found) == len(columns):
        found[None] = max(every), min(every)
    return found


# ------------------------------------------------------------------------------------ programs


Match = Callable[[Any], tuple[int, TableRow, dict[str, Any]] | None]


def row_matches(row: TableRow, key: Any) -> bool:
    if row.at is not None:
        return ex.same_value(row.at, key)
    if row.in_ is not None:
        return any(ex.same_value(option, key) for option in row.in_)
    if row.from_ is not None and key < row.from_:
        return False
    return not (row.to is not None and key > row.to)



def matcher(rows: tuple[tuple[int, TableRow], ...]) -> Match:
    """The first row (in force, with its index) whose key matches, as `row_matches` decides.

    Rows keyed by `at`/`in` are indexed (text folded to lower case, as `expressions.same_value` compares);
    only the range rows (`from`/`to`) that come before the indexed row found are tried, in order.
    """
    index: dict[Any, tuple[int, TableRow, dict[str, Any]]] = {}
    ranges: list[tuple[Any, Any, tuple[int, TableRow, dict[str, Any]]]] = []
    for position, row in rows:
        found = (position, row, row.cells)
        if row.at is None and row.in_ is None:
            ranges.append((row.from_, row.to, found))
            continue
        for key in [row.at] if row.at is not None else list(row.in_ or ()):
            index.setdefault(key.lower() if isinstance(key, str) else key, found)
    tried = tuple(ranges)

    def match(key: Any) -> tuple[int, TableRow, dict[str, Any]] | None:
        try:
            found = index.get(key.lower() if isinstance(key, str) else key)
        except TypeError:  # pragma: no cover - keys are numbers, text or dates
            found = None
        for low, high, candidate in tried:
            if found is not None and candidate[0] > found[0]:
                break
            if (low is None or key >= low) and (high is None or key <= high):
                return candidate
        return found

    return match


@dataclass(frozen=True, eq=False)
class Program:
    """A slice's rules as closures, built once per slice (`program_of`)."""

    values: Mapping[str, Fn]  # name -> its value when not answered (question: implied answer or unknown)
    unknown: Mapping[str, BoundsFn]  # name -> its bounds when its value is unknown
    kinds: Mapping[str, str]  # name -> its static kind
    requirements: Mapping[str, tuple[tuple[RequirementRule, Fn, bool], ...]]  # with: does it read a score
    lines: Mapping[str, tuple[tuple[LineRule, Fn], ...]]
    flags: tuple[tuple[ShownRule, Fn], ...]
    leads: tuple[tuple[ShownRule, Fn], ...]
    warnings: tuple[tuple[ShownRule, Fn], ...]
    tables: Mapping[str, Match]
    defaults: Mapping[str, Any]  # per table, its default (None: unknown when no row matches)
    table_rows: Mapping[str, tuple[tuple[tuple[int, TableRow], ...], Any, frozenset[str]]]  # rows, default, columns
    blank: Mapping[str, None]  # the questions that are unknown when unanswered (no implied answer)
    plans: Mapping[str, ScorePlan]  # per score: its caps, for `Evaluation.decide_score`
    preference: tuple[str, ...]  # pathway ids, preferred first (`report.preference`)
    spans: dict[tuple[str, str, Any, Any], Bound] = field(default_factory=dict)  # table bounds met so far


def program_of(rulebook: Rulebook, rules: Slice) -> Program:
    """Lower every expression of the slice (each `Compiled` once per rulebook: `Rulebook.function`)."""
    fn, span = rulebook.function, rulebook.bounds_function
    values: dict[str, Fn] = {}
    unknown: dict[str, BoundsFn] = {}
    for qid, question in rulebook.questions.items():
        when = rulebook.rules.questions[qid].implied_when
        values[qid] = _nothing if when is None else _implied(fn(when), rulebook.implied[qid])
        unknown[qid] = _constant(domain(question, rulebook.implied.get(qid)))
    for did, compiled in rules.derived.items():
        values[did] = _nothing if compiled is None else fn(compiled)
        unknown[did] = (_constant(undecided(rulebook.types[did].kind if did in rulebook.types else None))
                        if compiled is None else span(compiled))
    for sid in rulebook.scores:
        values[sid] = _score(sid)
        unknown[sid] = _score_span(sid)
    values["as_of"] = _as_of
    return Program(
        values=values,
        unknown=unknown,
        kinds={name: found.kind for name, found in rulebook.types.items()},
        requirements={pid: tuple((rule, fn(rule.condition), rule in rulebook.graph.on_scores) for rule in found)
                      for pid, found in rules.requirements.items()},
        lines={sid: tuple((line, fn(line.points)) for line in found) for sid, found in rules.lines.items()},
        flags=tuple((rule, fn(rule.condition)) for rule in rules.flags),
        leads=tuple((rule, fn(rule.condition)) for rule in rules.leads),
        warnings=tuple((rule, fn(rule.condition)) for rule in rules.warnings),
        tables={tid: matcher(rows) for tid, rows in rules.rows.items()},
        defaults={tid: rulebook.tables[tid].default for tid in rules.rows},
        table_rows={tid: (rows, rulebook.tables[tid].default, frozenset(rulebook.tables[tid].columns or ["points"]))
                    for tid, rows in rules.rows.items()},
        blank={qid: None for qid, function in values.items() if function is _nothing and qid in rulebook.questions},
        plans=_plans(rulebook, rules),
        preference=tuple(preference(rulebook.ranks)),
    )


def _plans(rulebook: Rulebook, rules: Slice) -> dict[str, ScorePlan]:
    cells = {tid: table_cells(rows, rulebook.tables[tid].default, rulebook.tables[tid].columns or ["points"])
             for tid, rows in rules.rows.items()}
    memo: dict[str, Bound] = {}
    weights: dict[str, int] = {}
    plans = {}
    for sid, found in rules.lines.items():
        score = rulebook.scores[sid]
        order = _children_first(score.groups, None)
        place = {group.id: index for index, group in enumerate(order)}
        plans[sid] = ScorePlan(
            groups=tuple(-1 if line.model.group is None else place[line.model.group] for line in found),
            caps=tuple(group.max for group in order),
            parents=tuple(-1 if group.parent is None else place[group.parent] for group in order),
            most=score.max,
            lowest=tuple(reach(line.points.node, rules.derived, cells, memo)[0] for line in found),
            order=tuple(sorted(range(len(found)), key=lambda index: weight(found[index].points.node, rules.derived,
                                                                           weights))))
    return plans


def weight(node: ex.Node, derived: Mapping[str, Any], memo: dict[str, int]) -> int:
    """About how much work `node`'s value and bounds take: its nodes and those of the derived values it reads.

    `Evaluation.decide_score` reads a score's lines cheapest first: any unknown line that moves the total
    settles it, and which one is found first changes nothing but the time taken.
    """
    found = 0
    for part in ex.walk(node):
        found += 1
        if isinstance(part, ex.Name):
            cost = memo.get(part.name)
            if cost is None:
                memo[part.name] = 0  # a cycle is impossible (the loader refuses them); this guards the walk anyway
                compiled = derived.get(part.name)
                cost = memo[part.name] = 0 if compiled is None else weight(compiled.node, derived, memo)
            found += cost
    return found


def _children_first(groups: list[ScoreGroup], parent: str | None) -> list[ScoreGroup]:
    found = []
    for group in groups:
        if group.parent == parent:
            found += [*_children_first(groups, group.id), group]
    return found


@dataclass(frozen=True)
class ScorePlan:
    """A score's lines and groups as positions, to tell quickly whether a line moves the total."""

    groups: tuple[int, ...]  # per line, its group's position (-1: none)
    caps: tuple[float | None, ...]  # per group (children before their parents), its max
    parents: tuple[int, ...]  # per group, its parent's position (-1: none)
    most: float | None  # the score's max
    lowest: tuple[float, ...]  # per line, what its lowest points never exceed (`reach`)
    order: tuple[int, ...] = ()  # the lines' positions, cheapest to read and bound first (`weight`)

    def moves(self, lows: list[float], line: int) -> bool:
        """Whether a line whose points are not decided surely leaves the total undecided.

        `lows` holds, per line, at least its lowest points. The line's spread reaches the total unless
        a cap on its way up (its group, the group's parents, the score's max) is already reached by the
        lowest points: when every sum on that way stays below its cap even with these `lows`, it is not.
        """
        sums = [0.0] * (len(self.caps) + 1)  # the last: lines in no group, then the groups at the top
        for group, low in zip(self.groups, lows, strict=True):
            sums[group] += low
        raw = sums[:-1]
        for group, (most, parent) in enumerate(zip(self.caps, self.parents, strict=True)):
            raw[group] = sums[group]  # its children were added before
            sums[parent] += sums[group] if most is None else min(sums[group], most)
        group = self.groups[line]
        while group != -1:
            most = self.caps[group]
            if most is not None and not raw[group] < most:
                return False
            group = self.parents[group]
        return self.most is None or sums[-1] < self.most


def _nothing(env: Evaluation) -> Any:
    return None


def _as_of(env: Evaluation) -> Any:
    return env.as_of


def _constant(bound: Bound) -> BoundsFn:
    return lambda env: bound


def _implied(when: Fn, value: Any) -> Fn:
    """An unanswered question has its implied answer when the condition holds, else it is unknown."""
    return lambda env: value if when(env) is True else None


def _score(score_id: str) -> Fn:
    return lambda env: env.decide_score(score_id)


def _score_span(score_id: str) -> BoundsFn:
    return lambda env: env.score_span(score_id)


def number(value: Any) -> Any:
    """A whole float as an int (scores read 67, not 67.0)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
