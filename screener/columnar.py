"""The rulebook compiled to polars expressions, so a whole intake is screened column by column.

`screener.evaluation` screens one person with Python objects; this module gives the *same* answers for
millions of rows at once. Every construct of the expression language maps onto a polars expression
with the same three-valued semantics: polars null is our unknown, `&`/`|` on nullable booleans are
Kleene's logic, comparisons and arithmetic with null are null. The few places where polars differs
(`pl.when` treats null as false, `min_horizontal` skips nulls, division by zero gives inf) are handled
explicitly. Raw text cells are coerced with the rules of `screener.answers`: a vectorized fast path for
the common spellings, and `answers.coerce` itself for every other cell, so both paths agree on values
and on error wording. A property test (tests/test_columnar_property.py) holds the two paths together.

polars is imported at module level: only `screener batch` imports this module, inside its body.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import polars as pl

from screener import bounds as bd
from screener import expressions as ex
from screener.answers import FALSE_WORDS, LIMIT, TRUE_WORDS, Unsure, answer_step, cell_problem, coerce, is_blank
from screener.blockers import Blockers, Waiting
from screener.bounds import Bound, compare_intervals, domain, node_kind
from screener.compiled import LineRule, RequirementRule, ShownRule
from screener.csvio import is_formula
from screener.labels import choice_spellings
from screener.model import NUMERIC_TYPES, Question, Table, TableRow
from screener.report import preference
from screener.rulebook import Rulebook

CONTRACT_SCORES = ("crs_score", "fsw_points")
FLAGS, BEST, ERROR = "flags", "best_pathway", "error"
UNDECIDED = "__flags_undecided"  # not an output column: the flags a row leaves open, for the summary
BEST_TITLE, LEADS, MISSING, WARNINGS = "best_pathway_title", "leads", "missing", "warnings"
OUTCOMES = ("eligible", "incomplete", "ineligible")  # a pathway's outcome, by its number in the plan
ELIGIBLE, INCOMPLETE, INELIGIBLE = range(3)
SUMMARY = (FLAGS, BEST, BEST_TITLE, LEADS, MISSING, WARNINGS)  # the contract's columns after the scores, before error

INF = math.inf
Pair = tuple[pl.Expr, pl.Expr]
_DTYPES: dict[str, Any] = {"bool": pl.Boolean, "number": pl.Float64, "text": pl.String, "date": pl.Date}
_QUESTION_KINDS = {"yes_no": "bool", "int": "number", "number": "number", "money": "number", "choice": "text",
                   "date": "date"}


def answer_dtype(question: Question) -> Any:
    """The polars type of a question's coerced answers."""
    return _DTYPES[_QUESTION_KINDS[question.type]]


def _null(kind: str | None) -> pl.Expr:
    return pl.lit(None, dtype=_DTYPES.get(kind or "", pl.Null))


# ------------------------------------------------------------------------------------- coercion


def _fast_value(question: Question, cell: pl.Expr) -> pl.Expr:
    """The value of cells in the everyday spellings; null sends a cell to `answers.coerce`.

    Only spellings whose value `answers.coerce` itself gave (the lookup tables are built by calling
    it) or that polars reads identically (plain digits) are taken here; anything else goes to Python.
    """
    if question.type in ("yes_no", "choice"):
        words = sorted(TRUE_WORDS | FALSE_WORDS) if question.type == "yes_no" else choice_spellings(question)
        return _word_value(question, cell, _spellings(question, words))
    if question.type in NUMERIC_TYPES:
        # Each parse runs on every cell (a `when` evaluates both branches anyway); `read` is where it is kept.
        if question.type == "int":
            number = cell.cast(pl.Int64, strict=False).cast(pl.Float64)  # accepts a subset of int()
            read = _within(question, number)
        elif question.type == "number":  # plain decimals only; signs, spaces and the rest go to coerce
            number = cell.cast(pl.Float64, strict=False)
            read = cell.str.contains(r"^[0-9]{1,15}(\.[0-9]{1,15})?$") & _within(question, number)
        else:
            pattern = r"^\$?([0-9]{1,3}(,[0-9]{3})+|[0-9]{1,15})(\.[0-9]{1,2})?$"  # cents: `40.000` goes to coerce
            number = cell.str.strip_prefix("$").str.replace_all(",", "", literal=True).cast(pl.Float64, strict=False)
            read = cell.str.contains(pattern) & _within(question, number)
        return pl.when(read).then(number).otherwise(_null("number"))  # out of range: coerce words it
    day = pl.when(cell.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")).then(cell.str.to_date("%Y-%m-%d", strict=False))
    return pl.when(day.dt.year() >= 1).then(day)  # polars reads year 0, Python's dates start at year 1


def _within(question: Question, number: pl.Expr) -> pl.Expr:
    """Whether `number` is one `answers.coerce` takes as it is: below LIMIT in size (it says why longer ones are
    refused), within the question's min and max, on its step. The bounds are one `is_between` (~25% less CPU
    than comparing with each): the question's own bound where it is the tighter one, else the limit (open)."""
    low, low_closed = (question.min, True) if question.min is not None and question.min > -LIMIT else (-LIMIT, False)
    high, high_closed = (question.max, True) if question.max is not None and question.max < LIMIT else (LIMIT, False)
    closed: Any = {(True, True): "both", (True, False): "left", (False, True): "right"}.get((low_closed, high_closed),
                                                                                         "none")
    inside = number.is_between(low, high, closed=closed)
    step = answer_step(question)
    if step is None:
        return inside
    steps = number / step  # exactly on it; off it, or a hair off, `answers._in_range` refuses it or snaps it
    return inside & (steps == steps.round())


def _word_value(question: Question, cell: pl.Expr, table: dict[str, Any]) -> pl.Expr:
    """A yes/no or choice cell looked up in `table` (spelling -> value), exactly as written.

    The spellings are an `Enum`'s categories: casting a cell to it gives the spelling's position, or null
    for any other text, for ~60% of the CPU of `replace_strict` on the text; yes/no spellings are ordered
    trues first, so the value is the position compared with their count, and choice values are gathered
    by position."""
    spellings = sorted(table, key=lambda word: (table[word] is not True, word))
    if not spellings:
        return _null("bool" if question.type == "yes_no" else "text")
    position = cell.cast(pl.Enum(spellings), strict=False).to_physical()
    if question.type == "yes_no":
        return position < sum(1 for word in spellings if table[word] is True)
    return pl.lit(pl.Series([table[word] for word in spellings], dtype=pl.String)).gather(position)


_SPELLINGS: dict[int, tuple[Question, dict[str, Any]]] = {}


def _formula_free(question: Question) -> bool:
    """Whether every cell `_fast_value` reads for `question` is one a spreadsheet would not run: numbers
    (`number`, `money`) and dates match patterns that start with a digit or `$`; yes/no and choice words
    when none of their spellings is a formula. Not `int`: polars' cast reads a sign ("+5", "-0")."""
    if question.type in ("number", "money", "date"):
        return True
    if question.type == "yes_no":
        return not any(is_formula(word) for word in _spellings(question, sorted(TRUE_WORDS | FALSE_WORDS)))
    if question.type == "choice":
        return not any(is_formula(word) for word in _spellings(question, choice_spellings(question)))
    return False


def _spellings(question: Question, words: Sequence[str]) -> dict[str, Any]:
    """Common spellings of each word (case, space or hyphen for '_') mapped to what coerce makes of them.

    Built once per question (coerce's did-you-mean hints are slow to compute for every chunk).
    """
    cached = _SPELLINGS.get(id(question))
    if cached is not None and cached[0] is question:
        return cached[1]
    table: dict[str, Any] = {}
    for word in words:
        for base in {word, word.replace("_", " "), word.replace("_", "-")}:
            for variant in (base, base.lower(), base.upper(), base.title(), base.capitalize()):
                try:
                    table[variant] = coerce(question, variant)
                except ValueError:
                    continue
    _SPELLINGS[id(question)] = (question, table)
    return table


# ------------------------------------------------------------------------------------ compiling


@dataclass
class Compiled:
    """The compiled rulebook: stages of named expressions, applied in order to a frame of answers."""

    stages: list[list[pl.Expr]]
    pathways: list[str]
    scores: list[str]
    waiting: Waiting | None = None  # how to read batch's `missing` out of the packed counts

    @property
    def results(self) -> list[str]:
        """The columns `applied` adds that the output reads: outcomes, scores, flags… and `missing`'s keys."""
        keys = self.waiting.columns if self.waiting is not None else []
        return [*self.pathways, *self.scores, *(name for name in SUMMARY if name != MISSING), UNDECIDED, *keys]

    def applied(self, answers: pl.LazyFrame, keep: Sequence[str] = ()) -> pl.LazyFrame:
        """`answers` with the `results` added, and the columns of `keep`; every other column (answers,
        derived values, temporaries) is dropped as soon as no later stage reads it, so a block in flight
        holds only what is still needed."""
        wanted = {*self.results, *keep}
        later: list[set[str]] = []
        for stage in reversed(self.stages):
            later.append(set(wanted))
            wanted |= {root for expr in stage for root in expr.meta.root_names()}
        columns = list(answers.collect_schema())
        frame = answers
        for stage, needed in zip(self.stages, reversed(later), strict=True):
            frame = frame.with_columns(stage)
            columns += [name for name in (expr.meta.output_name() for expr in stage) if name not in columns]
            if any(name not in needed for name in columns):
                columns = [name for name in columns if name in needed]
                frame = frame.select(columns)
        return frame

    def missing(self, found: pl.DataFrame) -> pl.Series:
        """The `missing` cells of rows `applied` evaluated (`found` holds the keys of `results`)."""
        if self.waiting is None:
            return pl.Series(MISSING, [""] * found.height, dtype=pl.String)
        return self.waiting.cells(found)

    def evaluate(self, answers: pl.DataFrame) -> pl.DataFrame:
        """Outcome per pathway, score values, flags, best pathway, leads, missing and warnings per row."""
        found = self.applied(answers.lazy()).select(self.results).collect(engine="in-memory")
        return found.with_columns(self.missing(found)).select([*self.pathways, *self.scores, *SUMMARY])


class Compiler:
    """Turns expression trees into polars expressions for one rulebook on one date."""

    def __init__(self, rulebook: Rulebook, as_of: dt.date) -> None:
        self.rulebook = rulebook
        self.as_of = as_of
        self.rules = rulebook.at(as_of)
        # Sub-expressions used more than once become temporary columns (`share`): the plan stays linear
        # in the rules' size instead of doubling with each nested `if`, lookup or bound. A temporary is
        # computed once for the whole plan, in a layer before the first stage where all it reads exists,
        # and every later stage that needs the same expression reads that column.
        self.target = 0  # the stage whose expressions are being compiled
        self.before: dict[int, list[list[pl.Expr]]] = {}  # stage -> layers of temporaries computed before it
        self.written: dict[str, list[int]] = {}  # column -> the stages that write it, in order
        self.placed: dict[str, tuple[int, int]] = {}  # temporary -> (the stage it comes before, its layer)
        self.known: dict[tuple[bytes, tuple[int, int]], pl.Expr] = {}  # (expression, place) -> its temporary
        self.memo: dict[tuple[str, int], tuple[ex.Node, Any]] = {}
        self.temporaries = 0

    # -- shared sub-expressions

    def share(self, expr: pl.Expr) -> pl.Expr:
        """`expr` as a temporary column (a column, or a constant that reads no column, stays as it is);
        the same expression reading the same columns is one temporary, wherever it is needed."""
        roots = expr.meta.root_names()
        if not roots or expr.meta.is_column():
            return expr
        where = max(self.ready(root) for root in roots)
        key = (expr.meta.serialize(), where)
        found = self.known.get(key)
        if found is not None:
            return found
        name = f"__t{self.temporaries}"
        self.temporaries += 1
        self.placed[name] = where
        stage, layer = where
        layers = self.before.setdefault(stage, [])
        while len(layers) <= layer:
            layers.append([])
        layers[layer].append(expr.alias(name))
        found = self.known[key] = pl.col(name)
        return found

    def ready(self, column: str) -> tuple[int, int]:
        """Where a temporary reading `column` can first be computed, as the stage `target` reads it: after
        the last stage before `target` that writes it (an implied answer is the answer as given before)."""
        if column in self.placed:
            stage, layer = self.placed[column]
            return stage, layer + 1
        writes = [stage for stage in self.written.get(column, ()) if stage < self.target]
        return (writes[-1] + 1, 0) if writes else (0, 0)

    def share_pair(self, pair: Pair) -> Pair:
        return self.share(pair[0]), self.share(pair[1])

    def shared(self, node: ex.Node) -> pl.Expr:
        """`expr(node)` as a temporary column, compiled once for the stage being compiled."""
        key = ("expr", id(node))
        if key not in self.memo:
            self.memo[key] = (node, self.share(self.expr(node)))
        result: pl.Expr = self.memo[key][1]
        return result

    def place(self, stages: list[list[pl.Expr]], index: int, build: Callable[[], Sequence[pl.Expr]]) -> None:
        """Compile `build()` for stage `index` and put it there (stages must be put before those reading them)."""
        self.target = index
        self.memo.clear()
        exprs = build()
        stages[index].extend(exprs)
        for expr in exprs:
            self.written.setdefault(expr.meta.output_name(), []).append(index)

    # -- static types (needed where Python's behaviour depends on the value's kind)

    def kind(self, node: ex.Node) -> str | None:
        return node_kind(node, self.rulebook.types)

    def text_values(self, node: ex.Node) -> frozenset[str] | None:
        if isinstance(node, ex.Literal_):
            return node.type.values
        if isinstance(node, ex.Name):
            found = self.rulebook.types.get(node.name)
            return found.values if found else None
        if isinstance(node, ex.Call) and node.function == "if":
            then, otherwise = self.text_values(node.args[1]), self.text_values(node.args[2])
            return None if then is None or otherwise is None else then | otherwise
        return None

    def lowered(self, node: ex.Node) -> pl.Expr:
        """The text in lower case, as `expressions.same_value` compares it (free when already lower)."""
        return self.lower_of(self.expr(node), node)

    def lower_of(self, text: pl.Expr, node: ex.Node) -> pl.Expr:
        """`text` (the value or a bound of `node`) in lower case; free when every value `node` can take is
        lower case already (lowering a column costs more than most whole expressions)."""
        if isinstance(node, ex.Literal_):
            return pl.lit(str(node.value).lower(), dtype=pl.String)
        values = self.text_values(node)
        if values is not None and all(value == value.lower() for value in values):
            return text
        return text.str.to_lowercase()

    def among(self, text: pl.Expr, node: ex.Node, wanted: Sequence[Any]) -> pl.Expr:
        """Whether `text` (the value or a bound of `node`) is one of `wanted`, ignoring case."""
        if isinstance(node, ex.Literal_):
            return _one_of(self.lower_of(text, node), sorted({str(item).lower() for item in wanted}))
        return _among(text, self.text_values(node), wanted)

    def text_equal(self, op: str, left: tuple[pl.Expr, ex.Node], right: tuple[pl.Expr, ex.Node]) -> pl.Expr:
        """`left op right` on text, ignoring case: against a literal, the values that match it."""
        for (one, node), (_, other_node) in ((left, right), (right, left)):
            if op in ("==", "!=") and isinstance(other_node, ex.Literal_) and isinstance(other_node.value, str) \
                    and not isinstance(node, ex.Literal_):
                found = self.among(one, node, [other_node.value])
                return found if op == "==" else ~found
        return compared(op, self.lower_of(left[0], left[1]), self.lower_of(right[0], right[1]))

    def equal(self, left: ex.Node, right: ex.Node) -> pl.Expr:
        if self.kind(left) == "text" or self.kind(right) == "text":
            return self.text_equal("==", (self.expr(left), left), (self.expr(right), right))
        return compared("==", self.expr(left), self.expr(right))

    # -- expressions

    def expr(self, node: ex.Node) -> pl.Expr:
        if isinstance(node, ex.Literal_):
            return _literal(node.value)
        if isinstance(node, ex.Name):
            return pl.lit(self.as_of, dtype=pl.Date) if node.name == "as_of" else pl.col(node.name)
        if isinstance(node, ex.Not):
            return ~self.expr(node.operand)
        if isinstance(node, ex.Negate):
            return -self.expr(node.operand)
        if isinstance(node, ex.Logic):  # Kleene logic, like & and |; one flat node, however long the chain
            parts = [self.expr(operand) for operand in node.operands]
            return pl.all_horizontal(parts) if node.op == "and" else pl.any_horizontal(parts)
        if isinstance(node, ex.Compare):
            return self.compare(node)
        if isinstance(node, ex.Arith):
            result = self.expr(node.operands[0])
            for op, operand in zip(node.ops, node.operands[1:], strict=True):
                right = self.expr(operand)
                if op == "+":
                    result = result + right
                elif op == "-":
                    result = result - right
                elif op == "*":
                    result = result * right
                else:
                    right = self.share(right)
                    result = pl.when(right == 0).then(_null("number")).otherwise(result / right)
            return result
        if isinstance(node, ex.Call):
            return self.call(node)
        raise TypeError(f"cannot compile {type(node).__name__}")  # pragma: no cover - ListOf only in Compare

    def compare(self, node: ex.Compare) -> pl.Expr:
        if node.op in ("in", "not in"):
            assert isinstance(node.right, ex.ListOf)
            items = [item.value for item in node.right.items]
            if self.kind(node.left) == "text":
                inside = self.among(self.expr(node.left), node.left, items)
            else:
                inside = self.expr(node.left).is_in([_plain(item) for item in items])
            return inside if node.op == "in" else ~inside
        if node.op == "==":
            return self.equal(node.left, node.right)
        if node.op == "!=":
            return ~self.equal(node.left, node.right)
        left, right = self.expr(node.left), self.expr(node.right)
        return compared(node.op, left, right)

    def if_branches_agree(self, node: ex.Call) -> pl.Expr:
        """`if(c, a, b)` with c unknown is still known when a and b are known and the same value."""
        then, otherwise = self.shared(node.args[1]), self.shared(node.args[2])
        if self.kind(node) == "text":
            return compared("==", self.lower_of(then, node.args[1]),
                            self.lower_of(otherwise, node.args[2])).fill_null(False)
        return compared("==", then, otherwise).fill_null(False)

    def call(self, node: ex.Call) -> pl.Expr:
        function, args = node.function, node.args
        if function == "if":
            condition, then, otherwise = self.shared(args[0]), self.shared(args[1]), self.shared(args[2])
            kind = self.kind(node)
            if isinstance(args[1], ex.Literal_) and isinstance(args[2], ex.Literal_) and not ex.same_value(
                    args[1].value, args[2].value):
                chosen = condition  # branches that never agree: unknown stays unknown
            elif kind == "text":  # agreeing texts may differ in case: `then` only where the condition is unknown
                chosen = condition | (condition.is_null() & self.if_branches_agree(node))
            else:  # where both are known and equal, `then` is `otherwise`'s value too
                chosen = condition | self.if_branches_agree(node)
            return pl.when(chosen).then(then).when(condition.is_not_null()).then(otherwise).otherwise(_null(kind))
        if function == "known":
            return self.expr(args[0]).is_not_null()
        if function in ("min", "max"):
            parts = [self.shared(arg) for arg in args]
            combined = pl.min_horizontal(parts) if function == "min" else pl.max_horizontal(parts)
            any_unknown = pl.any_horizontal([part.is_null() for part in parts])
            return pl.when(any_unknown).then(_null(self.kind(node))).otherwise(combined)
        table = self.rulebook.tables[function]
        key = args[0]
        if len(args) == 1:
            return self.lookup(table, key, "points")
        column = args[1]
        if isinstance(column, ex.Literal_):
            return self.lookup(table, key, str(column.value))
        chosen = self.shared(column)
        result: Any = pl.when(chosen.is_null()).then(_null("number"))
        for name in table.columns or ["points"]:
            result = result.when(chosen == name).then(self.lookup(table, key, name))  # exact, as row.cells.get
        finished: pl.Expr = result.otherwise(_null("number"))
        return finished

    def lookup(self, table: Table, key_node: ex.Node, column: str) -> pl.Expr:
        """First row in force that matches the key, else the table's default; unknown key: unknown."""
        if self.kind(key_node) != "text":
            return self.lookup_key(table, self.expr(key_node), False, column)
        return self.text_lookup(table, self.expr(key_node), key_node, column)

    def text_lookup(self, table: Table, key: pl.Expr, key_node: ex.Node, column: str) -> pl.Expr:
        """A lookup by text (the value or a bound of `key_node`): rows matched to the values the key can
        take, case as it is, when those are known and every row names its keys; else by the key lowered."""
        values = None if isinstance(key_node, ex.Literal_) else self.text_values(key_node)
        rows = self.rules.rows[table.id]
        if values is not None and all(row.at is not None or row.in_ is not None for _, row in rows):
            return self.lookup_key(table, key, True, column, values)
        return self.lookup_key(table, self.lower_of(key, key_node), True, column)

    def lookup_key(self, table: Table, key: pl.Expr, text: bool, column: str,
                   values: frozenset[str] | None = None) -> pl.Expr:
        """The lookup chain over the rows in force; `values`: a text key not lowered, which takes only those."""
        key = self.share(key)
        chain: Any = pl.when(key.is_null()).then(_null("number"))
        for _, row in self.rules.rows[table.id]:
            value = _literal(row.cells.get(column))
            condition = _row_condition(row, key, text, values)
            if condition is None:
                last: pl.Expr = chain.otherwise(value)
                return last
            chain = chain.when(condition).then(value)
        fallback: pl.Expr = chain.otherwise(_literal(table.default))
        return fallback

    # -- bounds (§13.25), lowering `screener.bounds` rule for rule

    def bounds(self, node: ex.Node) -> Pair:
        """(low, high) as `screener.bounds` defines them: numbers never null (±inf), true/false as
        (must, may) never null, text and dates (value, value) with null for undecided.

        Each side is a temporary column (compiled once until the next `place`): bounds are read
        several times by whatever encloses them."""
        key = ("bounds", id(node))
        if key not in self.memo:
            constant = self.unknown_bounds(node) if isinstance(node, ex.Not | ex.Negate | ex.Logic | ex.Compare |
                                                                  ex.Arith | ex.Call) else None
            found = self.node_bounds(node) if constant is None else self.from_value(self.shared(node), node, constant)
            self.memo[key] = (node, self.share_pair(found))
        pair: Pair = self.memo[key][1]
        return pair

    def node_bounds(self, node: ex.Node) -> Pair:
        if isinstance(node, ex.Literal_):
            value = _literal(node.value)
            return value, value
        if isinstance(node, ex.Name):
            return self.name_bounds(node.name)
        if isinstance(node, ex.Not):
            must, may = self.bounds(node.operand)
            return ~may, ~must
        if isinstance(node, ex.Negate):
            low, high = self.bounds(node.operand)
            return -high, -low
        if isinstance(node, ex.Logic):
            parts = [self.bounds(operand) for operand in node.operands]
            if node.op == "and":
                return pl.all_horizontal([p[0] for p in parts]), pl.all_horizontal([p[1] for p in parts])
            return pl.any_horizontal([p[0] for p in parts]), pl.any_horizontal([p[1] for p in parts])
        if isinstance(node, ex.Compare):
            return self.compare_bounds(node)
        if isinstance(node, ex.Arith):
            chain = self.bounds(node.operands[0])
            for op, operand in zip(node.ops, node.operands[1:], strict=True):
                chain = self.share_pair(_arith_step(op, chain, self.bounds(operand)))
            return chain
        if isinstance(node, ex.Call):
            return self.call_bounds(node)
        raise TypeError(f"cannot bound {type(node).__name__}")  # pragma: no cover - ListOf only in Compare

    def name_bounds(self, name: str) -> Pair:
        rulebook = self.rulebook
        if name == "as_of":
            day = pl.lit(self.as_of, dtype=pl.Date)
            return day, day
        if name in rulebook.questions:
            return self.exact_or(pl.col(name), self.kind(ex.Name(name, 0)),
                                 domain(rulebook.questions[name], rulebook.implied.get(name)))
        kind = self.kind(ex.Name(name, 0))
        if kind in ("number", "bool"):
            return pl.col(low_column(name)), pl.col(high_column(name))
        return pl.col(low_column(name)), pl.col(low_column(name))

    def exact_or(self, value: pl.Expr, kind: str | None, otherwise: Bound | Pair) -> Pair:
        """A three-valued column as bounds: its value when known, else `otherwise`."""
        low, high = otherwise
        if kind in ("number", "bool"):
            value = self.share(value)
            low_expr = low if isinstance(low, pl.Expr) else pl.lit(low, dtype=_DTYPES[kind])
            high_expr = high if isinstance(high, pl.Expr) else pl.lit(high, dtype=_DTYPES[kind])
            return (pl.when(value.is_not_null()).then(value).otherwise(low_expr),
                    pl.when(value.is_not_null()).then(value).otherwise(high_expr))
        if isinstance(low, pl.Expr):
            return pl.coalesce(value, low), pl.coalesce(value, low)
        return value, value

    def value_of(self, pair: Pair, kind: str | None) -> pl.Expr:
        """The decided value of bounds, null when undecided (as `bounds.decided`)."""
        low, high = pair
        if kind == "number":
            low = self.share(low)
            return pl.when(compared("==", low, high) & low.is_finite()).then(low).otherwise(_null("number"))
        if kind == "bool":
            return pl.when(low).then(pl.lit(True)).when(~high).then(pl.lit(False)).otherwise(_null("bool"))
        return low

    def compare_bounds(self, node: ex.Compare) -> Pair:
        kind = self.kind(node.left)
        left = self.bounds(node.left)
        if node.op in ("in", "not in"):
            assert isinstance(node.right, ex.ListOf)
            items = [item.value for item in node.right.items]
            if kind == "number":
                low, high = left
                exact = compared("==", low, high)
                numbers = [_plain(item) for item in items]
                within = pl.any_horizontal([(low <= item) & (item <= high) for item in numbers])
                inside: Pair = (exact & low.is_in(numbers), pl.when(exact).then(low.is_in(numbers)).otherwise(within))
            else:
                value = self.value_of(left, kind) if kind == "bool" else left[0]
                if kind == "text":
                    found = self.among(value, node.left, items)
                else:
                    found = _one_of(value, [_plain(item) for item in items])
                found = self.share(found)
                inside = found.fill_null(False), found.fill_null(True)
            return inside if node.op == "in" else (~inside[1], ~inside[0])
        right = self.bounds(node.right)
        if kind != "number" and self.kind(node.right) != "number":
            first = self.value_of(left, kind) if kind == "bool" else left[0]
            second = self.value_of(right, kind) if kind == "bool" else right[0]
            if kind == "text":
                result = self.share(self.text_equal(node.op, (first, node.left), (second, node.right)))
            else:
                result = self.share(compared(node.op, first, second))
            return result.fill_null(False), result.fill_null(True)
        sides = (_Ordered(left[0]), _Ordered(left[1])), (_Ordered(right[0]), _Ordered(right[1]))
        return compare_intervals(node.op, *sides, both=operator.and_, negate=operator.invert)

    def call_bounds(self, node: ex.Call) -> Pair:
        function, args = node.function, node.args
        kind = self.kind(node)
        if function == "if":
            must, may = self.bounds(args[0])
            then, otherwise = self.bounds(args[1]), self.bounds(args[2])
            if kind == "number":
                spread = (pl.min_horizontal(then[0], otherwise[0]), pl.max_horizontal(then[1], otherwise[1]))
            elif kind == "bool":
                spread = (then[0] & otherwise[0], then[1] | otherwise[1])
            else:
                a, b = then[0], otherwise[0]
                same = compared("==", self.lower_of(a, args[1]), self.lower_of(b, args[2])) if kind == "text" \
                    else compared("==", a, b)
                merged = self.share(pl.when(same.fill_null(False)).then(a).otherwise(_null(kind)))
                spread = (merged, merged)
            return (pl.when(must).then(then[0]).when(~may).then(otherwise[0]).otherwise(spread[0]),
                    pl.when(must).then(then[1]).when(~may).then(otherwise[1]).otherwise(spread[1]))
        if function == "known":
            known = self.shared(args[0]).is_not_null()
            return known, known
        if function in ("min", "max"):
            parts = [self.bounds(arg) for arg in args]
            pick = pl.min_horizontal if function == "min" else pl.max_horizontal
            if kind != "number":
                values = [p[0] for p in parts]
                value = self.share(pl.when(pl.all_horizontal([v.is_not_null() for v in values])).then(pick(values)))
                return value, value
            return pick([p[0] for p in parts]), pick([p[1] for p in parts])
        return self.table_bounds(self.rulebook.tables[function], args)

    def table_bounds(self, table: Table, args: tuple[ex.Node, ...]) -> Pair:
        columns = table.columns or ["points"]
        if len(args) == 1:
            return self.column_bounds(table, args[0], "points")
        if isinstance(args[1], ex.Literal_):
            name = str(args[1].value)
            return self.column_bounds(table, args[0], name) if name in columns else _undecided_number()
        chosen = self.bounds(args[1])[0]
        low: Any = pl
        high: Any = pl
        for name in columns:
            low_one, high_one = self.column_bounds(table, args[0], name)
            low, high = low.when(chosen == name).then(low_one), high.when(chosen == name).then(high_one)
        if not columns:  # pragma: no cover - a table has at least one column
            return _undecided_number()
        return low.otherwise(pl.lit(-INF)), high.otherwise(pl.lit(INF))

    def column_bounds(self, table: Table, key_node: ex.Node, column: str) -> Pair:
        """As `bounds.table_bounds`: a decided key looks up; otherwise every row that may match, and the default."""
        text = self.kind(key_node) != "number"
        low, high = self.bounds(key_node)
        if text:
            exact = low.is_not_null()
            found = self.text_lookup(table, low, key_node, column) if self.kind(key_node) == "text" else \
                self.lookup_key(table, low, True, column)
        elif self.answered_exactly(key_node):  # the bounds meet only where the answer is known: look it up
            value = self.expr(key_node)
            exact, found = value.is_not_null(), self.lookup_key(table, value, False, column)
        else:
            exact = compared("==", low, high)
            found = self.lookup_key(table, low, False, column)
        exact, found = self.share(exact), self.share(found)
        if table.default is None:
            spread: Pair = _undecided_number()
        else:
            values = [pl.lit(float(table.default))]
            for _, row in self.rules.rows[table.id]:
                cell = row.cells.get(column)
                if cell is None:
                    return _undecided_number()
                value = pl.lit(float(cell))  # type: ignore[arg-type]
                values.append(value if text else pl.when(_may_match(row, low, high)).then(value))
            spread = pl.min_horizontal(values), pl.max_horizontal(values)
        return (pl.when(exact).then(found.fill_null(-INF)).otherwise(spread[0]),
                pl.when(exact).then(found.fill_null(INF)).otherwise(spread[1]))

    def answered_exactly(self, node: ex.Node) -> bool:
        """Whether `node` is a number question whose bounds are one value only where it is answered: its
        unanswered domain is wider than a point, so a lookup of its low bound where the bounds meet is the
        lookup of its answer, the same expression (one temporary) as the value's own lookup."""
        if not isinstance(node, ex.Name) or node.name not in self.rulebook.questions:
            return False
        question = self.rulebook.questions[node.name]
        if question.type not in NUMERIC_TYPES:
            return False
        low, high = domain(question, self.rulebook.implied.get(node.name))
        return bool(low < high)

    # -- bounds read from the value

    def from_value(self, value: pl.Expr, node: ex.Node, constant: Bound) -> Pair:
        """The bounds of `node` from its value: exact where it is known, `constant` where it is not (see
        `unknown_bounds`), one column of the value instead of the bounds of every operand."""
        kind = self.kind(node)
        if kind in ("number", "bool"):
            return self.exact_or(value, kind, constant)
        return value, value

    def unknown_bounds(self, node: ex.Node) -> Bound | None:
        """The bounds of `node` on every row where its value is unknown, when they are one constant pair
        whatever the row (None when they are not, or not shown to be). On known values bounds are the value
        exactly (the invariant of `screener.bounds`), so such bounds are the value where known and this pair
        elsewhere (`from_value`). A value that is never unknown (a literal, `known(...)`) gets its kind's
        undecided pair. The pairs come from `screener.bounds`' own rules on the operands' constant pairs;
        known numbers are taken to be finite (answers are below `answers.LIMIT`).

        Shown for: questions (their domain); derived values whose rule has such bounds; `not`, `-`; `and`,
        `or` and comparisons of texts, dates and true/false whose operands are undecided where unknown;
        number comparisons, arithmetic, `min`/`max` and table lookups with one operand that is not a literal
        (or all undecided); `if` on a condition and branches undecided where unknown (texts, true/false; or
        numbers with literal branches)."""
        key = ("unknown", id(node))
        if key not in self.memo:
            self.memo[key] = (node, self.node_unknown(node))
        found: Bound | None = self.memo[key][1]
        return found

    def plain(self, node: ex.Node) -> bool:
        """Whether `node`'s bounds are undecided wherever its value is unknown (exact elsewhere)."""
        return self.unknown_bounds(node) == bd.undecided(self.kind(node))

    def node_unknown(self, node: ex.Node) -> Bound | None:
        kind = self.kind(node)
        if isinstance(node, ex.Literal_):
            return None if node.value is None else bd.undecided(kind)
        if isinstance(node, ex.Name):
            if node.name == "as_of":
                return bd.undecided(kind)
            if node.name in self.rulebook.questions:
                return domain(self.rulebook.questions[node.name], self.rulebook.implied.get(node.name))
            if node.name in self.rulebook.derived:
                compiled = self.rules.derived[node.name]
                return bd.undecided(kind) if compiled is None else self.unknown_bounds(compiled.node)
            return None
        if isinstance(node, ex.Not | ex.Negate):
            inner = self.unknown_bounds(node.operand)
            if inner is None:
                return None
            return (not inner[1], not inner[0]) if isinstance(node, ex.Not) else (-inner[1], -inner[0])
        if isinstance(node, ex.Logic):
            return bd.UNDECIDED_BOOL if all(self.plain(operand) for operand in node.operands) else None
        if isinstance(node, ex.Compare):
            return self.compare_unknown(node)
        if isinstance(node, ex.Arith):
            return self.arith_unknown(node)
        if isinstance(node, ex.Call):
            return self.call_unknown(node)
        return None

    def compare_unknown(self, node: ex.Compare) -> Bound | None:
        kind = self.kind(node.left)
        if node.op in ("in", "not in"):
            assert isinstance(node.right, ex.ListOf)
            items = [item.value for item in node.right.items]
            if kind != "number":
                return bd.UNDECIDED_BOOL if self.plain(node.left) else None
            numbers = [_plain(item) for item in items]
            inner = self.unknown_bounds(node.left)
            if inner is None or not numbers or not all(isinstance(n, float) for n in numbers):
                return None
            low, high = inner
            exact = low == high
            inside = (exact and low in numbers,
                      low in numbers if exact else any(low <= n <= high for n in numbers))
            return inside if node.op == "in" else (not inside[1], not inside[0])
        if kind != "number" and self.kind(node.right) != "number":
            if (kind == "text" or self.kind(node.right) == "text") and node.op not in ("==", "!="):
                return None  # the value compares texts as written, the bounds in lower case
            return bd.UNDECIDED_BOOL if self.plain(node.left) and self.plain(node.right) else None
        sides = []
        for side in (node.left, node.right):
            if isinstance(side, ex.Literal_) and isinstance(side.value, int | float) \
                    and not isinstance(side.value, bool):
                sides.append((True, (float(side.value), float(side.value))))
            else:
                inner = self.unknown_bounds(side)
                if inner is None or self.kind(side) != "number":
                    return None
                sides.append((False, inner))
        (left_literal, left), (right_literal, right) = sides
        if left_literal or right_literal:  # one operand may be unknown: its pair against the literal
            return compare_intervals(node.op, left, right, both=lambda a, b: a and b, negate=operator.not_)
        return bd.UNDECIDED_BOOL if left == right == bd.UNDECIDED_NUMBER else None

    def arith_unknown(self, node: ex.Arith) -> Bound | None:
        pairs: list[Bound] = []
        variable = []  # the pairs of the operands that are not literals
        for operand in node.operands:
            if isinstance(operand, ex.Literal_):
                if not isinstance(operand.value, int | float) or isinstance(operand.value, bool):
                    return None
                pairs.append((float(operand.value), float(operand.value)))
                continue
            inner = self.unknown_bounds(operand)
            if inner is None or self.kind(operand) != "number":
                return None
            pairs.append(inner)
            variable.append(inner)
        if len(variable) > 1:  # any unknown operand leaves every step undecided
            return bd.UNDECIDED_NUMBER if all(pair == bd.UNDECIDED_NUMBER for pair in variable) else None
        found = pairs[0]
        for op, pair in zip(node.ops, pairs[1:], strict=True):
            found = bd.arith_step(op, found, pair)
        # Never unknown but for a literal divisor of 0 (then undecided). An unknown divisor whose pair is a
        # point is that number when known (the pair holds every value it can take): never a known 0.
        return found if variable else bd.UNDECIDED_NUMBER

    def call_unknown(self, node: ex.Call) -> Bound | None:
        function, args = node.function, node.args
        kind = self.kind(node)
        if function == "known":
            return bd.UNDECIDED_BOOL
        if function == "if":
            if not self.plain(args[0]):
                return None
            if kind in ("bool", "text", "date"):
                return bd.undecided(kind) if self.plain(args[1]) and self.plain(args[2]) else None
            then, otherwise = args[1], args[2]
            if kind == "number" and isinstance(then, ex.Literal_) and isinstance(otherwise, ex.Literal_) \
                    and all(isinstance(side.value, int | float) and not isinstance(side.value, bool)
                            for side in (then, otherwise)):
                low, high = sorted((float(then.value), float(otherwise.value)))
                return low, high
            return None
        if function in ("min", "max"):
            if kind in ("text", "date"):
                return bd.undecided(kind) if all(self.plain(arg) for arg in args) else None
            if kind != "number":
                return None
            literals = [float(arg.value) for arg in args if isinstance(arg, ex.Literal_)
                        and isinstance(arg.value, int | float) and not isinstance(arg.value, bool)]
            others = [arg for arg in args if not isinstance(arg, ex.Literal_)]
            if len(others) != 1 or len(literals) + 1 != len(args):
                return None
            inner = self.unknown_bounds(others[0])
            if inner is None:
                return None
            pick = min if function == "min" else max
            return pick([inner[0], *literals]), pick([inner[1], *literals])
        table = self.rulebook.tables[function]
        column = "points"
        if len(args) > 1:
            if not isinstance(args[1], ex.Literal_):
                return None
            column = str(args[1].value)
            if column not in (table.columns or ["points"]):
                return None
        key = self.unknown_bounds(args[0])
        if key is None:
            return None
        text = self.kind(args[0]) != "number"
        if (key != bd.undecided(self.kind(args[0]))) if text else not key[0] < key[1]:
            return None
        if table.default is None:
            return bd.UNDECIDED_NUMBER
        values = [float(table.default)]
        for _, row in self.rules.rows[table.id]:
            cell = row.cells.get(column)
            if cell is None:
                return bd.UNDECIDED_NUMBER
            if text or bd.may_match(row, key[0], key[1]):
                values.append(float(cell))  # type: ignore[arg-type]
        return min(values), max(values)

    # -- the rulebook

    def derived_expr(self, name: str) -> pl.Expr:
        compiled = self.rules.derived[name]
        return _null(self.kind(ex.Name(name, 0))) if compiled is None else self.expr(compiled.node)

    def score_bounds(self, score_id: str) -> Pair:
        """Group subtotals capped at their max, total capped at the score's max, over line bounds
        (as `evaluation.total`: the bounds of a capped sum are the capped sums of the bounds)."""
        score = self.rulebook.scores[score_id]
        lines = [(line.model.group, line_column(score_id, line.model.id)) for line in self.rules.lines[score_id]]

        def capped(parts: list[pl.Expr], most: float | None) -> pl.Expr:
            raw = pl.sum_horizontal([pl.lit(0.0), *parts])
            return pl.min_horizontal(raw, pl.lit(float(most))) if most is not None else raw

        def side(column: Callable[[str], str]) -> pl.Expr:
            def subtotal(group_id: str) -> pl.Expr:
                group = next(g for g in score.groups if g.id == group_id)
                parts = [pl.col(column(name)) for owner, name in lines if owner == group_id]
                parts += [subtotal(g.id) for g in score.groups if g.parent == group_id]
                return capped(parts, group.max)

            parts = [pl.col(column(name)) for owner, name in lines if owner is None]
            parts += [subtotal(g.id) for g in score.groups if g.parent is None]
            return capped(parts, score.max)

        return side(low_column), side(high_column)

    def outcome_code(self, pathway_id: str) -> pl.Expr:
        """A pathway's outcome as its place in `OUTCOMES` (0 eligible, 1 incomplete, 2 ineligible): the best
        pathway and `missing` test numbers, not texts, and the text is gathered once (`outcome_text`)."""
        conditions = [self.requirement_expr(r) for r in self.rules.requirements[pathway_id]]
        if not conditions:
            return pl.lit(ELIGIBLE, dtype=pl.UInt8)
        failed = pl.any_horizontal([(~condition).fill_null(False) for condition in conditions])
        unknown = pl.any_horizontal([condition.is_null() for condition in conditions])
        return pl.when(failed).then(pl.lit(INELIGIBLE, dtype=pl.UInt8)).when(unknown).then(
            pl.lit(INCOMPLETE, dtype=pl.UInt8)).otherwise(pl.lit(ELIGIBLE, dtype=pl.UInt8))

    def shown(self, items: Sequence[ShownRule]) -> pl.Expr:
        """The `;`-joined ids of the flags, leads or warnings (of the slice) whose condition is true."""
        return _joined([(item.id, self.shared(item.condition.node)) for item in items])

    def undecided(self, items: Sequence[ShownRule]) -> pl.Expr:
        """The `;`-joined ids of the flags whose condition is unknown: unknown is not no, so a summary
        counts them apart instead of reading an empty `flags` cell as an all-clear."""
        return _joined([(item.id, self.shared(item.condition.node).is_null()) for item in items])

    def requirement_expr(self, rule: RequirementRule) -> pl.Expr:
        """A requirement's condition; one that reads a score is decided by its bounds when they decide it."""
        value = self.shared(rule.condition.node)  # the pathways' masks read it too
        if rule not in self.rulebook.graph.on_scores:
            return value
        return pl.coalesce(value, self.value_of(self.bounds(rule.condition.node), "bool"))

    def bounded_names(self) -> set[str]:
        """Derived values whose bounds some score line or score-reading requirement may need."""
        nodes = [line.points.node for lines in self.rules.lines.values() for line in lines]
        nodes += [r.condition.node for r in self.rulebook.graph.on_scores]
        return {name for name in self.rulebook.graph.uses(nodes) if name in self.rulebook.derived}

    def line_bounds(self, score_id: str, line: LineRule) -> list[pl.Expr]:
        """A score line's bounds: on known answers they are its points exactly (the invariant of
        `screener.bounds`), so the points are not computed a second time to stand in for them."""
        column = line_column(score_id, line.model.id)
        low, high = self.bounds(line.points.node)  # the points themselves where known: bounds are exact there
        return [low.alias(low_column(column)), high.alias(high_column(column))]

    def score_values(self, score_id: str) -> list[pl.Expr]:
        """A score's value (decided by its bounds) and its bounds."""
        low, high = self.score_bounds(score_id)
        low, high = self.share(low), self.share(high)
        return [self.value_of((low, high), "number").alias(score_id), low.alias(low_column(score_id)),
                high.alias(high_column(score_id))]

    def derived_values(self, name: str) -> list[pl.Expr]:
        return [self.derived_expr(name).alias(name)]

    def derived_bounds(self, name: str) -> list[pl.Expr]:
        """The bounds of a derived value that some bounds read (exactly its value where it is known)."""
        kind = self.kind(ex.Name(name, 0))
        compiled = self.rules.derived[name]
        constant = None if compiled is None else self.unknown_bounds(compiled.node)
        if compiled is None:
            low, high = _undecided(kind)
        elif constant is not None:  # the value computed already, as its bounds
            low, high = self.share_pair(self.from_value(pl.col(name), compiled.node, constant))
        else:
            low, high = self.bounds(compiled.node)  # exact where known
        return [low.alias(low_column(name)), *([high.alias(high_column(name))] if kind in ("number", "bool") else [])]

    def best(self) -> list[pl.Expr]:
        """The best pathway (the first eligible in preference order) and its title."""
        ranked = preference(self.rulebook.ranks)
        if not ranked:
            return [_null("text").alias(BEST), _null("text").alias(BEST_TITLE)]
        titles = {pathway_id: pathway.title for pathway_id, pathway in self.rulebook.pathways.items()}
        first: Any = pl
        for place, pathway_id in enumerate(ranked):
            first = first.when(pl.col(outcome_column(pathway_id)) == ELIGIBLE).then(pl.lit(place, dtype=pl.UInt8))
        found = self.share(first.otherwise(pl.lit(None, dtype=pl.UInt8)))  # null: none is eligible
        return [pl.lit(pl.Series(ranked, dtype=pl.String)).gather(found).alias(BEST),
                pl.lit(pl.Series([titles[p] for p in ranked], dtype=pl.String)).gather(found).alias(BEST_TITLE)]

    def compile(self) -> Compiled:
        rulebook = self.rulebook
        blockers = Blockers(self)
        level = rulebook.graph.level
        # Stage 0 holds the masks of the asked questions, 1 the implied answers; then, from 2 + 3n, the
        # score lines of level n (value and bounds), the values of level n, and the bounds of the derived
        # values of level n that some bounds read; then the outcomes as numbers (`outcome_code`), the pathways'
        # masks, flags, leads and warnings; then the outcomes' texts, the best pathway, its title and the
        # masks of the incomplete pathways; then the keys of `missing`.
        # Stages are compiled in that order (`place`), so a temporary can go where what it reads exists.
        top = 2 + 3 * max(level.values(), default=-1) + 3
        stages: list[list[pl.Expr]] = [[] for _ in range(top + 3)]

        def put(index: int, build: Callable[[], Sequence[pl.Expr]]) -> None:
            self.place(stages, index, build)

        put(0, blockers.asked)
        # An implied answer reads only asked questions, so one stage before everything else suffices; the
        # masks of implied questions read the answers as given, in the same stage, before they are implied.
        put(1, lambda: [pl.coalesce(pl.col(qid), pl.when(self.shared(when.node)).then(_literal(rules.implied_value)))
                        .alias(qid) for qid, rules in rulebook.rules.questions.items()
                        if (when := rules.implied_when) is not None])
        put(1, blockers.implied)
        bounded = self.bounded_names()
        for name, depth in sorted(level.items(), key=lambda item: item[1]):
            lines, values, bounds = 2 + 3 * depth, 3 + 3 * depth, 4 + 3 * depth
            if name in rulebook.scores:
                for line in self.rules.lines[name]:
                    put(lines, partial(self.line_bounds, name, line))
                put(values, partial(self.score_values, name))
                put(bounds, partial(blockers.score, name))
                continue
            put(values, partial(self.derived_values, name))
            put(bounds, partial(blockers.derived, name))  # reads the value's column
            if name in bounded:
                put(bounds, partial(self.derived_bounds, name))
        pathways = list(rulebook.pathways)
        put(top, lambda: [self.outcome_code(p).alias(outcome_column(p)) for p in pathways])
        put(top, lambda: [column for p in pathways for column in blockers.pathway(p)])
        put(top, lambda: [self.shown(self.rules.flags).alias(FLAGS), self.shown(self.rules.leads).alias(LEADS),
                          self.shown(self.rules.warnings).alias(WARNINGS),
                          self.undecided(self.rules.flags).alias(UNDECIDED)])
        put(top + 1, lambda: [*(outcome_text(p).alias(p) for p in pathways), *self.best(),
                              *blockers.incomplete_only(pathways)])
        counted: list[Waiting] = []  # compiled for the keys' stage: the planes' temporaries go before it

        def keys() -> list[pl.Expr]:
            counted.append(blockers.counts(pathways))
            return counted[0].keys

        put(top + 2, keys)
        waiting = counted[0]
        ordered = [layer for index, stage in enumerate(stages)
                   for layer in [*self.before.get(index, []), stage] if layer]
        return Compiled(stages=ordered, pathways=pathways, scores=score_columns(rulebook), waiting=waiting)


_COMPARE: dict[str, Callable[[Any, Any], pl.Expr]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_MIRROR = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def compared(op: str, left: pl.Expr, right: pl.Expr) -> pl.Expr:
    """`left op right`, with a constant never on the left: polars 2.1 compares a constant with a column
    it holds as one value ("scalar column", e.g. a `when` whose condition is false on every row) into a
    one-row result that then fails the query. `tests/test_columnar_property.py` finds such rows."""
    if not left.meta.root_names() and right.meta.root_names():
        left, right, op = right, left, _MIRROR[op]
    return _COMPARE[op](left, right)


class _Ordered:
    """A bound's expression for `bounds.compare_intervals`, compared through `compared`."""

    def __init__(self, expr: pl.Expr) -> None:
        self.expr = expr

    def __eq__(self, other: object) -> pl.Expr:  # type: ignore[override]
        assert isinstance(other, _Ordered)
        return compared("==", self.expr, other.expr)

    def __ne__(self, other: object) -> pl.Expr:  # type: ignore[override]
        assert isinstance(other, _Ordered)
        return compared("!=", self.expr, other.expr)

    def __lt__(self, other: _Ordered) -> pl.Expr:
        return compared("<", self.expr, other.expr)

    def __le__(self, other: _Ordered) -> pl.Expr:
        return compared("<=", self.expr, other.expr)

    def __gt__(self, other: _Ordered) -> pl.Expr:
        return compared(">", self.expr, other.expr)

    def __ge__(self, other: _Ordered) -> pl.Expr:
        return compared(">=", self.expr, other.expr)

    __hash__ = None  # type: ignore[assignment]


def outcome_column(pathway_id: str) -> str:
    """The column of a pathway's outcome as a number (`Compiler.outcome_code`)."""
    return f"__outcome__{pathway_id}"


def outcome_text(pathway_id: str) -> pl.Expr:
    return pl.lit(pl.Series(OUTCOMES, dtype=pl.String)).gather(pl.col(outcome_column(pathway_id)))


def line_column(score_id: str, line_id: str) -> str:
    return f"__line__{score_id}__{line_id}"


def score_columns(rulebook: Rulebook) -> list[str]:
    """The contract's scores first (crs_score, fsw_points), then any other score of the rulebook."""
    return [s for s in CONTRACT_SCORES if s in rulebook.scores] + [
        s for s in rulebook.scores if s not in CONTRACT_SCORES]


def compile_rulebook(rulebook: Rulebook, as_of: dt.date) -> Compiled:
    return Compiler(rulebook, as_of).compile()


def low_column(name: str) -> str:
    return f"__low__{name}"


def high_column(name: str) -> str:
    return f"__high__{name}"


def _arith_step(op: str, left: Pair, right: Pair) -> Pair:
    """As `bounds.arith_step`."""
    (alo, ahi), (blo, bhi) = left, right
    if op == "+":
        return (alo + blo).fill_nan(-INF), (ahi + bhi).fill_nan(INF)
    if op == "-":
        return (alo - bhi).fill_nan(-INF), (ahi - blo).fill_nan(INF)
    ok = compared("==", alo, ahi) & compared("==", blo, bhi) & alo.is_finite() & blo.is_finite()
    if op == "*":
        value = alo * blo
    else:
        ok = ok & (blo != 0)
        value = alo / blo
    return pl.when(ok).then(value).otherwise(-INF), pl.when(ok).then(value).otherwise(INF)


JOINED_BITS = 10  # tests a code of `_joined` holds: a table of at most 1,024 texts


def _joined(tests: Sequence[tuple[str, pl.Expr]]) -> pl.Expr:
    """The `;`-joined ids whose test is true (null counts as false), in order; "" when none is.

    Each run of up to `JOINED_BITS` tests is a number, one bit a test, and its text is gathered from the
    texts that number can stand for: a row pays a few integer operations and one gather, where joining
    the ids' texts row by row (`concat_str`) cost ~0.2 us a row for 9 ids."""
    if not tests:
        return pl.lit("")
    parts: list[pl.Expr] = []
    for start in range(0, len(tests), JOINED_BITS):
        run = tests[start:start + JOINED_BITS]
        bits = [pl.when(test).then(pl.lit(1 << bit, dtype=pl.UInt16)).otherwise(pl.lit(0, dtype=pl.UInt16))
                for bit, (_, test) in enumerate(run)]
        code = functools.reduce(operator.or_, bits)  # `|`, not `sum_horizontal` (~10x the CPU on these)
        texts = [";".join(name for bit, (name, _) in enumerate(run) if number >> bit & 1)
                 for number in range(1 << len(run))]
        part = pl.lit(pl.Series(texts, dtype=pl.String)).gather(code)
        parts.append(part if code.meta.root_names() else part.first())  # constant tests: one value, broadcast
    if len(parts) == 1:
        return parts[0]
    return pl.concat_str([pl.when(part != "").then(part) for part in parts], separator=";", ignore_nulls=True)


def _undecided_number() -> Pair:
    return pl.lit(-INF), pl.lit(INF)


def _undecided(kind: str | None) -> Pair:
    if kind == "number":
        return _undecided_number()
    if kind == "bool":
        return pl.lit(False), pl.lit(True)
    return _null(kind), _null(kind)


def _may_match(row: TableRow, low: pl.Expr, high: pl.Expr) -> pl.Expr:
    """As `bounds._may_match`: a row whose key range meets [low, high]."""
    if row.at is not None:
        at = row.at
        return (low <= at) & (at <= high) if isinstance(at, int | float) else pl.lit(False)
    if row.in_ is not None:
        near = [(low <= v) & (v <= high) for v in row.in_ if isinstance(v, int | float)]
        return pl.any_horizontal(near) if near else pl.lit(False)
    condition = pl.lit(True)
    if row.from_ is not None:
        condition = condition & (high >= row.from_)
    if row.to is not None:
        condition = condition & (low <= row.to)
    return condition


def _among(text: pl.Expr, values: frozenset[str] | None, wanted: Sequence[Any]) -> pl.Expr:
    """Whether `text` is one of `wanted`, ignoring case as `expressions.same_value` does. When `values` (every
    value `text` can take) is known, the values that match are compared as they are: nothing is lowered."""
    lower = {str(item).lower() for item in wanted}
    if values is None:
        return _one_of(text.str.to_lowercase(), sorted(lower))
    found = sorted(value for value in values if value.lower() in lower)
    if not found:
        return pl.when(text.is_not_null()).then(pl.lit(False))
    return _one_of(text, found)


ONE_OF_TEXTS = 8  # a text is compared with at most this many values one by one, not by `is_in`


def _one_of(value: pl.Expr, wanted: Sequence[Any]) -> pl.Expr:
    """Whether `value` is one of `wanted` (unknown when `value` is): a few texts as `==` joined by `|`, which
    polars runs at ~1 ns a row each where `is_in` on texts costs ~10 ns a row; anything else by `is_in`."""
    if not wanted or len(wanted) > ONE_OF_TEXTS or not all(isinstance(item, str) for item in wanted):
        return value.is_in(list(wanted))
    return functools.reduce(operator.or_, [compared("==", value, pl.lit(item, dtype=pl.String)) for item in wanted])


def _row_condition(row: TableRow, key: pl.Expr, text: bool, values: frozenset[str] | None = None) -> pl.Expr | None:
    """When a table row matches the key, mirroring `program.row_matches` (at, then in, then from/to).
    `values`: a text key that is not lowered and takes only those values (see `_among`)."""
    if values is not None and isinstance(row.at, str):
        return _among(key, values, [row.at])
    if values is not None and row.at is None and row.in_ is not None and all(isinstance(v, str) for v in row.in_):
        return _among(key, values, list(row.in_))
    if row.at is not None:
        return key == (_plain(row.at).lower() if text and isinstance(row.at, str) else _literal(row.at))
    if row.in_ is not None:
        return _one_of(key, [str(v).lower() if text else _plain(v) for v in row.in_])
    condition: pl.Expr | None = None
    if row.from_ is not None:
        condition = key >= row.from_
    if row.to is not None:
        condition = key <= row.to if condition is None else condition & (key <= row.to)
    return condition


def _plain(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _literal(value: Any) -> pl.Expr:
    if value is None:
        return _null("number")
    if isinstance(value, bool):
        return pl.lit(value, dtype=pl.Boolean)
    if isinstance(value, int | float):
        return pl.lit(float(value), dtype=pl.Float64)
    if isinstance(value, dt.date):
        return pl.lit(value, dtype=pl.Date)
    return pl.lit(str(value), dtype=pl.String)


def number_text(column: pl.Expr) -> pl.Expr:
    """Scores as the report shows them: whole numbers without '.0'."""
    whole = column == column.floor()
    return pl.when(whole).then(column.cast(pl.Int64).cast(pl.String)).otherwise(column.cast(pl.String))


KNOWN_CELLS = 512  # distinct odd cells per field `Coercion.python_cells` remembers (then it starts again)
LETTER_O = ["O", "o"]  # read as yes (French o/n), yet a typed letter O for the digit 0 (no) looks the same


class Coercion:
    """Typed answers from a frame of raw text cells, with the same values and reasons as `answers.coerce`.

    Built once per run (the polars expressions and spelling tables are reused for every chunk).
    `columns` maps a question id to the column of the raw frame holding its cells; questions without
    a column are unknown in every row.
    """

    def __init__(self, questions: Sequence[Question], columns: dict[str, str]) -> None:
        self.questions = list(questions)
        self.columns = dict(columns)
        self.unsure: dict[str, int] = {}  # question id -> cells read as "I don't know" (unknown), for the run's warning
        # question id -> cell text -> what `python_cell` made of it: a file repeats its odd spellings ("N/A", a
        # misspelt choice), and coerce's did-you-mean hint for a choice costs ~0.7 ms a cell
        self.known: dict[str, dict[str | None, tuple[Any, str | None, bool]]] = {}
        self.letter_o: dict[str, int] = {}  # question id -> yes/no cells "O" read as yes (French o/n), perhaps a 0
        # A workbook's formula with no saved value comes as its text (`workbook.SheetAsCsv`, which warns where):
        # unknown, not an error row. A CSV's `=…` answer stays an error (a CSV holds values, never formulas).
        self.formulas_unknown = False
        self.values: list[pl.Expr] = []
        for question in self.questions:
            name = self.columns.get(question.id)
            if name is not None:  # blank cells come out null here too
                self.values.append(_fast_value(question, pl.col(name)).alias(question.id))
        # Columns whose fast path reads no cell a spreadsheet could run (numbers and dates start with a digit
        # or `$`; words only when no spelling of the table is a formula): when it reads every cell of a block,
        # the block's cells of that column need no formula escaping. Not `int`: polars reads "+5" and "-0".
        self.inert = {question.id for question in self.questions if question.id in self.columns
                      and _formula_free(question)}
        # Cells that are neither blank nor read by the fast path: answers.coerce decides those.
        self.needs = [(pl.col(q.id).is_null() & pl.col(self.columns[q.id]).str.len_bytes().gt(0)).sum().alias(q.id)
                      for q in self.questions if q.id in self.columns]
        self.needs += [functools.reduce(operator.or_, [pl.col(self.columns[q.id]) == letter for letter in LETTER_O])
                       .sum().alias(LETTER_O[0] + q.id)  # two `==` cost ~60% of an `is_in`
                       for q in self.questions if q.id in self.columns and q.type == "yes_no"]

    def __call__(self, raw: pl.DataFrame) -> tuple[pl.DataFrame, pl.Series]:
        """Typed answers for every question, and each row's joined reasons (null when readable)."""
        typed, reasons, _ = self.read(raw)
        return typed, reasons

    def read(self, raw: pl.DataFrame) -> tuple[pl.DataFrame, pl.Series, frozenset[str]]:
        """As `__call__`, and the columns of `raw` whose every cell the fast path read in a form that no
        spreadsheet runs (see `inert`): written out, they need no formula escaping."""
        if not self.values:  # a file with no field column at all: every answer unknown, nothing to read
            return (pl.DataFrame([pl.repeat(None, raw.height, dtype=answer_dtype(q), eager=True)
                                  .alias(q.id) for q in self.questions], height=raw.height),
                    pl.Series(ERROR, [None] * raw.height, dtype=pl.String), frozenset())
        frame = raw.lazy().select(self.values).collect(engine="in-memory")
        counts = pl.concat([frame, raw], how="horizontal").select(self.needs).row(0, named=True)
        inert = frozenset(self.columns[qid] for qid in self.inert if not counts.get(qid))
        for name, count in counts.items():
            if count and name.startswith(LETTER_O[0]):
                self.letter_o[name[1:]] = self.letter_o.get(name[1:], 0) + count
        reasons: list[pl.Series] = []
        fixed: list[pl.Series] = []
        for question in self.questions:
            if counts.get(question.id):
                value, reason = self.python_cells(question, raw, frame)
                fixed.append(value)
                reasons.append(reason.alias(f"r{len(reasons)}"))
        missing = [pl.repeat(None, raw.height, dtype=answer_dtype(q), eager=True).alias(q.id)
                   for q in self.questions if q.id not in self.columns]
        typed = frame.with_columns(fixed + missing).select([q.id for q in self.questions])
        if not reasons:
            return typed, pl.Series(ERROR, [None] * raw.height, dtype=pl.String), inert
        joined = pl.DataFrame(reasons).select(
            pl.concat_str(pl.all(), separator="; ", ignore_nulls=True).alias(ERROR))
        return typed, joined.select(pl.when(pl.col(ERROR) != "").then(pl.col(ERROR)).alias(ERROR))[ERROR], inert

    def python_cells(self, question: Question, raw: pl.DataFrame, frame: pl.DataFrame) -> tuple[
            pl.Series, pl.Series]:
        """The column with every cell the fast path left alone read by `answers.coerce`, and the reasons."""
        name = self.columns[question.id]
        kind = _QUESTION_KINDS[question.type]
        rows = (frame[question.id].is_null() & raw[name].str.len_bytes().gt(0).fill_null(False)).arg_true()
        found: list[Any] = []
        problems: list[str | None] = []
        known = self.known.setdefault(question.id, {})
        for text in raw[name].gather(rows).to_list():
            cell = known.get(text)
            if cell is None:
                if len(known) >= KNOWN_CELLS:  # memory stays flat however many distinct cells a file has
                    known.clear()
                cell = known[text] = self.python_cell(question, kind, text)
            value, problem, unsure = cell
            found.append(value)
            problems.append(problem)
            if unsure:
                self.unsure[question.id] = self.unsure.get(question.id, 0) + 1
        value_column = frame[question.id].scatter(rows, pl.Series(found, dtype=_DTYPES[kind]))
        reasons = pl.Series("reason", [None] * raw.height, dtype=pl.String).scatter(
            rows, pl.Series(problems, dtype=pl.String))
        return value_column, reasons

    def python_cell(self, question: Question, kind: str, text: str | None) -> tuple[Any, str | None, bool]:
        """(value, reason it cannot be read, whether it says "I don't know") of one cell, by `answers.coerce`."""
        if is_blank(text):
            return None, None, False
        try:
            value = coerce(question, text)
        except Unsure:  # "I don't know": unknown, like a blank
            return None, None, True
        except ValueError as error:
            if self.formulas_unknown and str(text).startswith("="):  # a workbook's formula with no saved value
                return None, None, False
            return None, cell_problem(question, error), False
        return (float(value) if kind == "number" else value), None, False


