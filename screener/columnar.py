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
from screener.answers import FALSE_WORDS, LIMIT, TRUE_WORDS, coerce, is_blank
from screener.blockers import Blockers, Waiting
from screener.compiled import ShownRule
from screener.labels import choice_spellings
from screener.model import NUMERIC_TYPES, Question, Table, TableRow
from screener.report import preference
from screener.rulebook import Rulebook

CONTRACT_SCORES = ("crs_score", "fsw_points")
FLAGS, BEST, ERROR = "flags", "best_pathway", "error"
BEST_TITLE, LEADS, MISSING, WARNINGS = "best_pathway_title", "leads", "missing", "warnings"
SUMMARY = (FLAGS, BEST, BEST_TITLE, LEADS, MISSING, WARNINGS)  # the contract's columns after the scores, before error

_DTYPES: dict[str, Any] = {"bool": pl.Boolean, "number": pl.Float64, "text": pl.String, "date": pl.Date}
_QUESTION_KINDS = {"yes_no": "bool", "int": "number", "number": "number", "money": "number", "choice": "text",
                   "date": "date"}


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
        table = _spellings(question, words)
        dtype = pl.Boolean if question.type == "yes_no" else pl.String
        return cell.replace_strict(table, default=None, return_dtype=dtype)
    if question.type in NUMERIC_TYPES:
        if question.type == "int":
            number = cell.cast(pl.Int64, strict=False).cast(pl.Float64)  # accepts a subset of int()
        elif question.type == "number":  # plain decimals only; signs, spaces and the rest go to coerce
            number = pl.when(cell.str.contains(r"^[0-9]{1,15}(\.[0-9]{1,15})?$")).then(
                cell.cast(pl.Float64, strict=False))
        else:
            pattern = r"^\$?([0-9]{1,3}(,[0-9]{3})+|[0-9]{1,15})(\.[0-9]{1,15})?$"
            number = pl.when(cell.str.contains(pattern)).then(
                cell.str.replace_all(r"[$,]", "").cast(pl.Float64, strict=False))
        in_range = number.abs() < LIMIT  # longer numbers: `answers.coerce` says why they are refused
        if question.min is not None:
            in_range = in_range & (number >= question.min)
        if question.max is not None:
            in_range = in_range & (number <= question.max)
        return pl.when(in_range).then(number).otherwise(_null("number"))  # out of range: coerce words it
    day = pl.when(cell.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")).then(cell.str.to_date("%Y-%m-%d", strict=False))
    return pl.when(day.dt.year() >= 1).then(day)  # polars reads year 0, Python's dates start at year 1


_SPELLINGS: dict[int, tuple[Question, dict[str, Any]]] = {}


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

    def evaluate(self, answers: pl.DataFrame) -> pl.DataFrame:
        """Outcome per pathway, score values, flags, best pathway, leads, missing and warnings per row."""
        frame = answers.lazy()
        for stage in self.stages:
            frame = frame.with_columns(stage)
        computed = [name for name in SUMMARY if name != MISSING]
        keys = self.waiting.columns if self.waiting is not None else []
        found = frame.select([*self.pathways, *self.scores, *computed, *keys]).collect(engine="in-memory")
        missing = self.waiting.cells(found) if self.waiting is not None else pl.lit("").alias(MISSING)
        return found.with_columns(missing).select([*self.pathways, *self.scores, *SUMMARY])


class Compiler:
    """Turns expression trees into polars expressions for one rulebook on one date."""

    def __init__(self, rulebook: Rulebook, as_of: dt.date) -> None:
        self.rulebook = rulebook
        self.as_of = as_of
        self.rules = rulebook.at(as_of)

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
        """The text in lower case, as `expressions.same_value` compares it (free when already lower)."""
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

    def if_branches_agree(self, node: ex.Call) -> pl.Expr:
        """`if(c, a, b)` with c unknown is still known when a and b are known and the same value."""
        then, otherwise = self.expr(node.args[1]), self.expr(node.args[2])
        if self.kind(node) == "text":
            return (then.str.to_lowercase() == otherwise.str.to_lowercase()).fill_null(False)
        return (then == otherwise).fill_null(False)

    def call(self, node: ex.Call) -> pl.Expr:
        function, args = node.function, node.args
        if function == "if":
            condition, then, otherwise = self.expr(args[0]), self.expr(args[1]), self.expr(args[2])
            return (pl.when(condition).then(then).when(~condition).then(otherwise)
                    .when(self.if_branches_agree(node)).then(then).otherwise(_null(self.kind(node))))
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
            result = result.when(chosen == name).then(self.lookup(table, key, name))  # exact, as row.cells.get
        finished: pl.Expr = result.otherwise(_null("number"))
        return finished

    def lookup(self, table: Table, key_node: ex.Node, column: str) -> pl.Expr:
        """First row in force that matches the key, else the table's default; unknown key: unknown."""
        text = self.kind(key_node) == "text"
        key = self.lowered(key_node) if text else self.expr(key_node)
        chain: Any = pl.when(key.is_null()).then(_null("number"))
        for _, row in self.rules.rows[table.id]:
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
        compiled = self.rules.derived[name]
        return _null(self.kind(ex.Name(name, 0))) if compiled is None else self.expr(compiled.node)

    def score_expr(self, score_id: str) -> pl.Expr:
        """Group subtotals capped at their max, total capped at the score's max; unknown if any line is."""
        score = self.rulebook.scores[score_id]
        lines = [(line.model.group, pl.col(line_column(score_id, line.model.id)))
                 for line in self.rules.lines[score_id]]
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
        conditions = [self.expr(r.condition.node) for r in self.rules.requirements[pathway_id]]
        if not conditions:
            return pl.lit("eligible")
        failed = pl.any_horizontal([(~condition).fill_null(False) for condition in conditions])
        unknown = pl.any_horizontal([condition.is_null() for condition in conditions])
        return pl.when(failed).then(pl.lit("ineligible")).when(unknown).then(pl.lit("incomplete")).otherwise(
            pl.lit("eligible"))

    def shown(self, items: Sequence[ShownRule]) -> pl.Expr:
        """The `;`-joined ids of the flags, leads or warnings (of the slice) whose condition is true."""
        parts = [pl.when(self.expr(item.condition.node).fill_null(False)).then(pl.lit(item.id)) for item in items]
        return pl.concat_str(parts, separator=";", ignore_nulls=True) if parts else pl.lit("")

    def compile(self) -> Compiled:
        rulebook = self.rulebook
        blockers = Blockers(self)
        level = rulebook.graph.level
        # Stage 2n holds the score lines of level n (as columns), stage 2n+1 the values of level n.
        stages: list[list[pl.Expr]] = [[] for _ in range(2 * max(level.values(), default=-1) + 2)]
        for name, depth in level.items():
            if name in rulebook.scores:
                stages[2 * depth].extend(self.expr(line.points.node).alias(line_column(name, line.model.id))
                                         for line in self.rules.lines[name])
            value = self.derived_expr(name) if name in rulebook.derived else self.score_expr(name)
            stages[2 * depth + 1].append(value.alias(name))
            stages[2 * depth + 1].extend(blockers.derived(name) if name in rulebook.derived else blockers.score(name))
        implied = [
            pl.coalesce(pl.col(qid), pl.when(self.expr(when.node)).then(_literal(rules.implied_value))).alias(qid)
            for qid, rules in rulebook.rules.questions.items() if (when := rules.implied_when) is not None
        ]  # an implied answer reads only asked questions, so one stage before everything else suffices
        implied += blockers.implied()  # from the answers as given: same stage, before they are implied
        stages = [stage for stage in [blockers.asked(), implied, *stages] if stage]
        pathways = list(rulebook.pathways)
        final = [self.outcome_expr(p).alias(p) for p in pathways]
        final += [column for p in pathways for column in blockers.pathway(p)]
        final.append(self.shown(self.rules.flags).alias(FLAGS))
        final.append(self.shown(self.rules.leads).alias(LEADS))
        final.append(self.shown(self.rules.warnings).alias(WARNINGS))
        stages.append(final)
        ranked = preference(rulebook.ranks)
        best: Any = pl
        for pathway_id in ranked:
            best = best.when(pl.col(pathway_id) == "eligible").then(pl.lit(pathway_id))
        waiting = blockers.counts(pathways)
        stages.append([(best.otherwise(_null("text")) if ranked else _null("text")).alias(BEST), *waiting.keys])
        titles = {pathway_id: pathway.title for pathway_id, pathway in rulebook.pathways.items()}
        stages.append([pl.col(BEST).replace_strict(titles, default=None, return_dtype=pl.String).alias(BEST_TITLE)])
        return Compiled(stages=stages, pathways=pathways, scores=score_columns(rulebook), waiting=waiting)


def line_column(score_id: str, line_id: str) -> str:
    return f"__line__{score_id}__{line_id}"


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


class Coercion:
    """Typed answers from a frame of raw text cells, with the same values and reasons as `answers.coerce`.

    Built once per run (the polars expressions and spelling tables are reused for every chunk).
    `columns` maps a question id to the column of the raw frame holding its cells; questions without
    a column are unknown in every row.
    """

    def __init__(self, questions: Sequence[Question], columns: dict[str, str]) -> None:
        self.questions = list(questions)
        self.columns = dict(columns)
        self.values: list[pl.Expr] = []
        for question in self.questions:
            name = self.columns.get(question.id)
            if name is not None:  # blank cells come out null here too
                self.values.append(_fast_value(question, pl.col(name)).alias(question.id))
        # Cells that are neither blank nor read by the fast path: answers.coerce decides those.
        self.needs = [(pl.col(q.id).is_null() & pl.col(self.columns[q.id]).str.len_bytes().gt(0)).sum().alias(q.id)
                      for q in self.questions if q.id in self.columns]

    def __call__(self, raw: pl.DataFrame) -> tuple[pl.DataFrame, pl.Series]:
        """Typed answers for every question, and each row's joined reasons (null when readable)."""
        if not self.values:  # a file with no field column at all: every answer unknown, nothing to read
            return (pl.DataFrame([pl.repeat(None, raw.height, dtype=_DTYPES[_QUESTION_KINDS[q.type]], eager=True)
                                  .alias(q.id) for q in self.questions], height=raw.height),
                    pl.Series(ERROR, [None] * raw.height, dtype=pl.String))
        frame = raw.lazy().select(self.values).collect(engine="in-memory")
        counts = pl.concat([frame, raw], how="horizontal").select(self.needs).row(0, named=True)
        reasons: list[pl.Series] = []
        fixed: list[pl.Series] = []
        for question in self.questions:
            if counts.get(question.id):
                value, reason = self.python_cells(question, raw, frame)
                fixed.append(value)
                reasons.append(reason.alias(f"r{len(reasons)}"))
        missing = [pl.repeat(None, raw.height, dtype=_DTYPES[_QUESTION_KINDS[q.type]], eager=True).alias(q.id)
                   for q in self.questions if q.id not in self.columns]
        typed = frame.with_columns(fixed + missing).select([q.id for q in self.questions])
        if not reasons:
            return typed, pl.Series(ERROR, [None] * raw.height, dtype=pl.String)
        joined = pl.DataFrame(reasons).select(
            pl.concat_str(pl.all(), separator="; ", ignore_nulls=True).alias(ERROR))
        return typed, joined.select(pl.when(pl.col(ERROR) != "").then(pl.col(ERROR)).alias(ERROR))[ERROR]

    def python_cells(self, question: Question, raw: pl.DataFrame, frame: pl.DataFrame) -> tuple[
            pl.Series, pl.Series]:
        """The column with every cell the fast path left alone read by `answers.coerce`, and the reasons."""
        name = self.columns[question.id]
        kind = _QUESTION_KINDS[question.type]
        rows = (frame[question.id].is_null() & raw[name].str.len_bytes().gt(0).fill_null(False)).arg_true()
        found: list[Any] = []
        problems: list[str | None] = []
        for text in raw[name].gather(rows).to_list():
            if is_blank(text):
                found.append(None)
                problems.append(None)
                continue
            try:
                value = coerce(question, text)
                found.append(float(value) if kind == "number" else value)
                problems.append(None)
            except ValueError as error:
                found.append(None)
                problems.append(f"{question.id}: {error}")
        value_column = frame[question.id].scatter(rows, pl.Series(found, dtype=_DTYPES[kind]))
        reasons = pl.Series("reason", [None] * raw.height, dtype=pl.String).scatter(
            rows, pl.Series(problems, dtype=pl.String))
        return value_column, reasons


def coerce_frame(questions: Sequence[Question], raw: pl.DataFrame, columns: dict[str, str]) -> tuple[
        pl.DataFrame, pl.Series]:
    """One-off `Coercion` (for tests and small inputs)."""
    return Coercion(questions, columns)(raw)
