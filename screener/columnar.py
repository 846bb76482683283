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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from screener import expressions as ex
from screener.answers import FALSE_WORDS, TRUE_WORDS, coerce, normalize_choice
from screener.model import Question, Table, TableRow
from screener.rulebook import Rulebook

# Exactly the characters Python's str.strip() removes (str.isspace); polars' default set differs.
PY_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
CONTRACT_SCORES = ("crs_score", "fsw_points")
FLAGS, BEST, ERROR = "flags", "best_pathway", "error"

_DTYPES: dict[str, Any] = {"bool": pl.Boolean, "number": pl.Float64, "text": pl.String, "date": pl.Date}
_QUESTION_KINDS = {"yes_no": "bool", "int": "number", "money": "number", "choice": "text", "date": "date"}


def _null(kind: str | None) -> pl.Expr:
    return pl.lit(None, dtype=_DTYPES.get(kind or "", pl.Null))


# ------------------------------------------------------------------------------------- coercion


def coerce_column(question: Question, raw: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Typed values and per-cell reasons (null when fine) for one column of raw text cells.

    Blank cells are unknown. Cells in the common spellings are converted by polars; every other
    non-blank cell goes through `answers.coerce`, which gives the value or the exact reason text.
    """
    kind = _QUESTION_KINDS[question.type]
    frame = pl.DataFrame({"raw": raw.cast(pl.String)})
    stripped = pl.col("raw").str.strip_chars(PY_WHITESPACE)
    blank = pl.col("raw").is_null() | (stripped == "")
    fast = _fast_value(question, stripped)
    values = frame.select(
        blank=blank, value=pl.when(blank).then(_null(kind)).otherwise(fast)
    )
    needs_python = (~values["blank"] & values["value"].is_null()).arg_true()
    reasons = pl.Series("reason", [None] * frame.height, dtype=pl.String)
    value_series = values["value"]
    if len(needs_python):
        cells = frame["raw"].gather(needs_python).to_list()
        found: list[Any] = []
        problems: list[str | None] = []
        for cell in cells:
            try:
                value = coerce(question, cell)
                found.append(float(value) if kind == "number" else value)
                problems.append(None)
            except ValueError as error:
                found.append(None)
                problems.append(f"{question.id}: {error}")
        value_series = value_series.scatter(needs_python, pl.Series(found, dtype=_DTYPES[kind]))
        reasons = reasons.scatter(needs_python, pl.Series(problems, dtype=pl.String))
    return value_series.alias(question.id), reasons


def _fast_value(question: Question, stripped: pl.Expr) -> pl.Expr:
    """The value of cells in the everyday spellings; null sends a cell to `answers.coerce`."""
    if question.type == "yes_no":
        word = stripped.str.to_lowercase()
        return (pl.when(word.is_in(sorted(TRUE_WORDS))).then(pl.lit(True))
                .when(word.is_in(sorted(FALSE_WORDS))).then(pl.lit(False)).otherwise(_null("bool")))
    if question.type in ("int", "money"):
        if question.type == "int":
            pattern, digits = r"^[0-9]{1,15}$", stripped
        else:
            pattern = r"^\$? *([0-9]{1,3}(,[0-9]{3})+|[0-9]{1,15})(\.[0-9]{1,15})?$"
            digits = stripped.str.replace_all(r"[$ ,]", "")
        number = pl.when(stripped.str.contains(pattern)).then(digits.cast(pl.Float64, strict=False))
        in_range = pl.lit(True)
        if question.min is not None:
            in_range = in_range & (number >= question.min)
        if question.max is not None:
            in_range = in_range & (number <= question.max)
        return pl.when(in_range).then(number).otherwise(_null("number"))  # out of range: coerce words it
    if question.type == "choice":
        canonical = {normalize_choice(value): value for value in question.choice_values}
        key = stripped.str.to_lowercase().str.replace_all(r"[ \-]+", "_")
        return key.replace_strict(canonical, default=None, return_dtype=pl.String)
    return pl.when(stripped.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")).then(
        stripped.str.to_date("%Y-%m-%d", strict=False))


# ------------------------------------------------------------------------------------ compiling


@dataclass
class Compiled:
    """The compiled rulebook: stages of named expressions, applied in order to a frame of answers."""

    stages: list[list[pl.Expr]]
    pathways: list[str]
    scores: list[str]

    def evaluate(self, answers: pl.DataFrame) -> pl.DataFrame:
        """Outcome per pathway, score values, flags and best pathway for each row of typed answers."""
        frame = answers.lazy()
        for stage in self.stages:
            frame = frame.with_columns(stage)
        return frame.select([*self.pathways, *self.scores, FLAGS, BEST]).collect()


class Compiler:
    """Turns expression trees into polars expressions for one rulebook on one date."""

    def __init__(self, rulebook: Rulebook, as_of: dt.date) -> None:
        self.rulebook = rulebook
        self.as_of = as_of

    # -- static types (needed where Python's behaviour depends on the value's kind)

    def kind(self, node: ex.Node) -> str | None:
        if isinstance(node, ex.Literal_):
            return node.type.kind
        if isinstance(node, ex.Name):
            found = self.rulebook.types.get(node.name)
            return found.kind if found else None
        if isinstance(node, ex.Not | ex.Logic | ex.Compare):
            return "bool"
        if isinstance(node, ex.Negate | ex.Arith):
            return "number"
        if isinstance(node, ex.Call):
            if node.function == "known":
                return "bool"
            if node.function in ("min", "max"):
                return self.kind(node.args[0]) if node.args else "number"
            if node.function == "if":
                return self.kind(node.args[1]) or self.kind(node.args[2])
            return "number"
        return None

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
        """The text in lower case, as `expressions._equal` compares it (free when already lower)."""
        if isinstance(node, ex.Literal_):
            return pl.lit(str(node.value).lower(), dtype=pl.String)
        values = self.text_values(node)
        compiled = self.expr(node)
        if values is not None and all(value == value.lower() for value in values):
            return compiled
        return compiled.str.to_lowercase()

    def equal(self, left: ex.Node, right: ex.Node) -> pl.Expr:
        if self.kind(left) == "text" or self.kind(right) == "text":
            return self.lowered(left) == self.lowered(right)
        return self.expr(left) == self.expr(right)

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
        if isinstance(node, ex.Logic):
            parts = [self.expr(operand) for operand in node.operands]
            result = parts[0]
            for part in parts[1:]:
                result = (result & part) if node.op == "and" else (result | part)
            return result
        if isinstance(node, ex.Compare):
            return self.compare(node)
        if isinstance(node, ex.Arith):
            left, right = self.expr(node.left), self.expr(node.right)
            if node.op == "+":
                return left + right
            if node.op == "-":
                return left - right
            if node.op == "*":
                return left * right
            return pl.when(right == 0).then(_null("number")).otherwise(left / right)
        if isinstance(node, ex.Call):
            return self.call(node)
        raise TypeError(f"cannot compile {type(node).__name__}")  # pragma: no cover - ListOf only in Compare

    def compare(self, node: ex.Compare) -> pl.Expr:
        if node.op in ("in", "not in"):
            assert isinstance(node.right, ex.ListOf)
            items = [item.value for item in node.right.items]
            if self.kind(node.left) == "text":
                inside = self.lowered(node.left).is_in([str(item).lower() for item in items])
            else:
                inside = self.expr(node.left).is_in([_plain(item) for item in items])
            return inside if node.op == "in" else ~inside
        if node.op == "==":
            return self.equal(node.left, node.right)
        if node.op == "!=":
            return ~self.equal(node.left, node.right)
        left, right = self.expr(node.left), self.expr(node.right)
        return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[node.op]

    def call(self, node: ex.Call) -> pl.Expr:
        function, args = node.function, node.args
        if function == "if":
            condition, then, otherwise = self.expr(args[0]), self.expr(args[1]), self.expr(args[2])
            same = self.equal(args[1], args[2]).fill_null(False)
            return (pl.when(condition).then(then).when(~condition).then(otherwise)
                    .when(same).then(then).otherwise(_null(self.kind(node))))
        if function == "known":
            return self.expr(args[0]).is_not_null()
        if function in ("min", "max"):
            parts = [self.expr(arg) for arg in args]
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
        chosen = self.expr(column)
        result: Any = pl.when(chosen.is_null()).then(_null("number"))
        for name in table.columns or ["points"]:
            result = result.when(self.lowered(column) == name.lower()).then(self.lookup(table, key, name))
        finished: pl.Expr = result.otherwise(_null("number"))
        return finished

    def lookup(self, table: Table, key_node: ex.Node, column: str) -> pl.Expr:
        """First row in force that matches the key, else the table's default; unknown key: unknown."""
        text = self.kind(key_node) == "text"
        key = self.lowered(key_node) if text else self.expr(key_node)
        chain: Any = pl.when(key.is_null()).then(_null("number"))
        for row in table.rows:
            if not row.in_force(self.as_of):
                continue
            value = _literal(row.cells.get(column))
            condition = _row_condition(row, key, text)
            if condition is None:
                last: pl.Expr = chain.otherwise(value)
                return last
            chain = chain.when(condition).then(value)
        fallback: pl.Expr = chain.otherwise(_literal(table.default))
        return fallback

    # -- the rulebook

    def derived_expr(self, name: str) -> pl.Expr:
        value = self.rulebook.derived[name]
        if value.versions is None:
            return self.expr(self.rulebook.expressions[("derived", name)].node)
        for index, version in enumerate(value.versions):
            if version.in_force(self.as_of):
                return self.expr(self.rulebook.expressions[("derived", name, str(index))].node)
        return _null(self.kind(ex.Name(name, 0)))

    def score_expr(self, score_id: str) -> pl.Expr:
        """Group subtotals capped at their max, total capped at the score's max; unknown if any line is."""
        score = self.rulebook.scores[score_id]
        lines = [(line.group, self.expr(self.rulebook.expressions[("score", score_id, line.id)].node))
                 for line in score.lines if line.in_force(self.as_of)]
        if not lines:
            return pl.lit(0.0)

        def subtotal(group_id: str) -> pl.Expr:
            group = next(g for g in score.groups if g.id == group_id)
            parts = [points.fill_null(0) for owner, points in lines if owner == group_id]
            parts += [subtotal(g.id) for g in score.groups if g.parent == group_id]
            raw = pl.sum_horizontal(parts) if parts else pl.lit(0.0)
            return pl.min_horizontal(raw, pl.lit(float(group.max))) if group.max is not None else raw

        parts = [subtotal(g.id) for g in score.groups if g.parent is None]
        parts += [points.fill_null(0) for owner, points in lines if owner is None]
        total = pl.sum_horizontal(parts).cast(pl.Float64) if parts else pl.lit(0.0)
        if score.max is not None:
            total = pl.min_horizontal(total, pl.lit(float(score.max)))
        unknown = pl.any_horizontal([points.is_null() for _, points in lines])
        return pl.when(unknown).then(_null("number")).otherwise(total)

    def outcome_expr(self, pathway_id: str) -> pl.Expr:
        pathway = self.rulebook.pathways[pathway_id]
        conditions = [self.expr(self.rulebook.expressions[("requirement", pathway_id, r.id)].node)
                      for r in pathway.requirements if r.in_force(self.as_of)]
        if not conditions:
            return pl.lit("eligible")
        failed = pl.any_horizontal([(~condition).fill_null(False) for condition in conditions])
        unknown = pl.any_horizontal([condition.is_null() for condition in conditions])
        return pl.when(failed).then(pl.lit("ineligible")).when(unknown).then(pl.lit("incomplete")).otherwise(
            pl.lit("eligible"))

    def compile(self) -> Compiled:
        rulebook = self.rulebook
        level: dict[str, int] = {}
        for name in rulebook.order:  # dependencies first
            deps = set()
            for key, compiled in rulebook.expressions.items():
                if key[0] in ("derived", "score") and key[1] == name:
                    deps |= ex.names_in(compiled.node)
            level[name] = 1 + max((level[d] for d in deps if d in level), default=-1)
        stages: list[list[pl.Expr]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
        for name, depth in level.items():
            value = self.derived_expr(name) if name in rulebook.derived else self.score_expr(name)
            stages[depth].append(value.alias(name))
        pathways = list(rulebook.pathways)
        final = [self.outcome_expr(p).alias(p) for p in pathways]
        flags = [pl.when(self.expr(rulebook.expressions[("flag", f)].node).fill_null(False)).then(pl.lit(f))
                 for f, flag in rulebook.flags.items() if flag.in_force(self.as_of)]
        final.append(pl.concat_str(flags, separator=";", ignore_nulls=True).alias(FLAGS) if flags
                     else pl.lit("").alias(FLAGS))
        stages.append(final)
        ranked = sorted(enumerate(pathways), key=lambda pair: (rulebook.pathways[pair[1]].rank, pair[0]))
        best: Any = pl
        for _, pathway_id in ranked:
            best = best.when(pl.col(pathway_id) == "eligible").then(pl.lit(pathway_id))
        stages.append([(best.otherwise(_null("text")) if ranked else _null("text")).alias(BEST)])
        return Compiled(stages=stages, pathways=pathways, scores=score_columns(rulebook))


def score_columns(rulebook: Rulebook) -> list[str]:
    """The contract's scores first (crs_score, fsw_points), then any other score of the rulebook."""
    return [s for s in CONTRACT_SCORES if s in rulebook.scores] + [
        s for s in rulebook.scores if s not in CONTRACT_SCORES]


def compile_rulebook(rulebook: Rulebook, as_of: dt.date) -> Compiled:
    return Compiler(rulebook, as_of).compile()


def _row_condition(row: TableRow, key: pl.Expr, text: bool) -> pl.Expr | None:
    """When a table row matches the key, mirroring `evaluation.row_matches` (at, then in, then from/to)."""
    if row.at is not None:
        return key == (_plain(row.at).lower() if text and isinstance(row.at, str) else _literal(row.at))
    if row.in_ is not None:
        return key.is_in([str(v).lower() if text else _plain(v) for v in row.in_])
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


def coerce_frame(questions: Sequence[Question], raw: pl.DataFrame, columns: dict[str, str]) -> tuple[
        pl.DataFrame, pl.Series]:
    """Typed answers for every question (missing columns are unknown) and each row's joined reasons.

    `columns` maps a question id to the column of `raw` holding its cells.
    """
    values: list[pl.Series] = []
    reasons: list[pl.Series] = []
    for question in questions:
        name = columns.get(question.id)
        if name is None:
            kind = _QUESTION_KINDS[question.type]
            values.append(pl.Series(question.id, [None] * raw.height, dtype=_DTYPES[kind]))
            continue
        value, reason = coerce_column(question, raw[name])
        values.append(value)
        if reason.null_count() < len(reason):
            reasons.append(reason)
    frame = pl.DataFrame(values) if values else pl.DataFrame({"_": [None] * raw.height})
    if not reasons:
        return frame, pl.Series(ERROR, [None] * raw.height, dtype=pl.String)
    joined = pl.DataFrame(reasons, schema=[f"r{i}" for i in range(len(reasons))]).select(
        pl.concat_str(pl.all(), separator="; ", ignore_nulls=True).alias(ERROR))[ERROR]
    return frame, joined.to_frame().select(pl.when(pl.col(ERROR) != "").then(pl.col(ERROR)))[ERROR]
