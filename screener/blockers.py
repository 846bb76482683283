"""Batch's `missing` column: which answers would decide each row's incomplete pathways, column by column.

The row engine (`expressions.evaluate`) returns with every unknown value the set of unanswered
questions that keep it unknown, and `evaluation.missing_answers` ranks them. Here that set is a
bitmask — one bit per question, in interview order, in as many UInt64 words as the rulebook needs —
and every expression node gets polars expressions for its mask that follow `evaluate`'s rules exactly:

- an answered question, a literal, `as_of` and `known(...)`: no blockers;
- an unanswered question: its own bit (with an implied answer: its bit and the blockers of `when`,
  unless `when` holds);
- comparisons, arithmetic, `not`, `-`, `min`/`max` and table lookups: the union of their operands'
  (an operand that is known contributes nothing, so no condition is needed);
- `and`/`or`: the union of the operands' blockers, but only while the whole is unknown (`false and x`
  is decided);
- `if(c, a, b)`: `a`'s when c is true, `b`'s when false; when c is unknown, none if a and b agree,
  else c's.

Derived values and scores keep their masks as columns beside their values (the same stages), so each
expression is compiled once. A pathway's mask is the union over its requirements; a question's count
is the number of incomplete pathways whose mask has its bit; `missing` lists the counted questions by
count (descending), then interview order — `evaluation.missing_answers` exactly. Only questions a
pathway can read at all are counted for it, so the cost follows the rulebook's real dependencies.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import polars as pl

from screener import expressions as ex

if TYPE_CHECKING:
    from screener.columnar import Compiler

Mask = dict[int, pl.Expr]  # word index -> UInt64 expression; a word that is not there is zero
WORD = 64
MISSING = "missing"
KNOWN_KEYS = 200_000  # distinct `missing` keys remembered across blocks (a few tens of MB at most)


def _zero() -> pl.Expr:
    return pl.lit(0, dtype=pl.UInt64)


def _union(masks: Iterable[Mask]) -> Mask:
    found: Mask = {}
    for mask in masks:
        for word, expr in mask.items():
            found[word] = found[word] | expr if word in found else expr
    return found


def _unless(decided: pl.Expr, mask: Mask) -> Mask:
    """Nothing to wait on where `decided` holds."""
    return {word: pl.when(decided).then(_zero()).otherwise(expr) for word, expr in mask.items()}


class Blockers:
    """The mask expressions of one compiled rulebook (see the module docstring)."""

    def __init__(self, compiler: Compiler) -> None:
        self.compiler = compiler
        self.rulebook = compiler.rulebook
        self.order = [question.id for question in self.rulebook.question_order()]
        self.bits = {qid: (index // WORD, 1 << (index % WORD)) for index, qid in enumerate(self.order)}

    @staticmethod
    def column(name: str, word: int) -> str:
        return f"__blockers__{name}__{word}"

    def words(self, name: str) -> list[int]:
        """The words a name's mask can touch: those of the questions it depends on (any date)."""
        return sorted({self.bits[q][0] for q in self.rulebook.graph.questions.get(name, ()) if q in self.bits})

    def columns_of(self, name: str, mask: Mask) -> list[pl.Expr]:
        """`mask` as the columns `Name(name)` reads (every word it can touch, zero where empty)."""
        return [mask.get(word, _zero()).alias(self.column(name, word)) for word in self.words(name)]

    def read(self, name: str) -> Mask:
        return {word: pl.col(self.column(name, word)) for word in self.words(name)}

    # -- questions

    def asked(self) -> list[pl.Expr]:
        """Masks of the questions without an implied answer: their bit when unanswered (raw answers)."""
        found = []
        for qid, rules in self.rulebook.rules.questions.items():
            if rules.implied_when is None:
                word, bit = self.bits[qid]
                found.append(pl.when(pl.col(qid).is_null()).then(pl.lit(bit, dtype=pl.UInt64)).otherwise(_zero())
                             .alias(self.column(qid, word)))
        return found

    def implied(self) -> list[pl.Expr]:
        """Masks of questions with an implied answer, from the answers as given (before implying)."""
        found: list[pl.Expr] = []
        for qid, rules in self.rulebook.rules.questions.items():
            when = rules.implied_when
            if when is None:
                continue
            word, bit = self.bits[qid]
            decided = pl.col(qid).is_not_null() | self.compiler.shared(when.node).fill_null(False)
            mask = _union([{word: pl.lit(bit, dtype=pl.UInt64)}, self.mask(when.node)])
            found += [pl.when(decided).then(_zero()).otherwise(mask.get(w, _zero())).alias(self.column(qid, w))
                      for w in self.words(qid)]
        return found

    def derived(self, name: str) -> list[pl.Expr]:
        """A derived value's mask, in the stage after its value: where the mask reads the value of the rule's
        whole expression (an `and`, `or` whose unknown it tests), it reads the value's column."""
        compiled = self.compiler.rules.derived[name]
        if compiled is None:
            return self.columns_of(name, {})
        self.compiler.memo[("expr", id(compiled.node))] = (compiled.node, pl.col(name))
        return self.columns_of(name, self.mask(compiled.node))

    def score(self, score_id: str) -> list[pl.Expr]:
        """A score waits on what its undecided lines wait on; a line or score the unknowns cannot move
        (§13.25, decided by bounds) waits on nothing, as in `evaluation.Evaluation.line`.

        A mask is not zero only where its expression's value is unknown, so a line whose bounds are one
        constant pair wherever its points are unknown (`Compiler.unknown_bounds`) needs no test of its
        bounds: a pair that is one finite number decides the line (it waits on nothing), any other pair
        never does (it waits on its mask)."""
        from screener.columnar import high_column, line_column, low_column

        masks = []
        for line in self.compiler.rules.lines[score_id]:
            constant = self.compiler.unknown_bounds(line.points.node)
            if constant is not None:
                if not (constant[0] == constant[1] and math.isfinite(constant[0])):
                    masks.append(self.mask(line.points.node))
                continue
            column = line_column(score_id, line.model.id)
            low, high = pl.col(low_column(column)), pl.col(high_column(column))
            masks.append(_unless((low == high) & low.is_finite(), self.mask(line.points.node)))
        return self.columns_of(score_id, _unless(pl.col(score_id).is_not_null(), _union(masks)))

    # -- expressions

    def mask(self, node: ex.Node) -> Mask:
        if isinstance(node, ex.Literal_ | ex.ListOf):
            return {}
        if isinstance(node, ex.Name):
            return {} if node.name == "as_of" else self.read(node.name)
        if isinstance(node, ex.Not | ex.Negate):
            return self.mask(node.operand)
        if isinstance(node, ex.Compare):
            if node.op in ("in", "not in"):
                return self.mask(node.left)
            return _union([self.mask(node.left), self.mask(node.right)])
        if isinstance(node, ex.Arith):  # a chain: every operand's (division by zero adds none)
            return _union(self.mask(operand) for operand in node.operands)
        if isinstance(node, ex.Logic):
            union = _union(self.mask(operand) for operand in node.operands)
            if not union:
                return {}
            unknown = self.compiler.shared(node).is_null()
            return {word: pl.when(unknown).then(expr).otherwise(_zero()) for word, expr in union.items()}
        if isinstance(node, ex.Call):
            return self.call(node)
        raise TypeError(f"no blockers for {type(node).__name__}")  # pragma: no cover

    def call(self, node: ex.Call) -> Mask:
        if node.function == "known":
            return {}
        if node.function != "if":
            return _union(self.mask(arg) for arg in node.args)
        condition, then, otherwise = node.args
        masks = [self.mask(condition), self.mask(then), self.mask(otherwise)]
        words = sorted(set().union(*masks))
        if not words:
            return {}
        test = self.compiler.shared(condition)
        agree = self.compiler.if_branches_agree(node)
        found: Mask = {}
        for word in words:
            c, a, b = (mask.get(word, _zero()) for mask in masks)
            found[word] = pl.when(test).then(a).when(~test).then(b).when(agree).then(_zero()).otherwise(c)
        return found

    # -- pathways and the column

    def reads(self, pathway_id: str) -> frozenset[str]:
        """The questions a pathway's requirements in force can wait on."""
        return self.rulebook.graph.questions_of(
            name for rule in self.compiler.rules.requirements[pathway_id] for name in ex.names_in(rule.condition.node))

    def pathway(self, pathway_id: str) -> list[pl.Expr]:
        """The union of the masks of a pathway's requirements in force, as columns (one per word it can touch)."""
        on_scores = self.rulebook.graph.on_scores
        mask = _union(_unless(self.compiler.requirement_expr(rule).is_not_null(), self.mask(rule.condition.node))
                      if rule in on_scores else self.mask(rule.condition.node)
                      for rule in self.compiler.rules.requirements[pathway_id])
        words = sorted({self.bits[q][0] for q in self.reads(pathway_id)})
        return [mask.get(word, _zero()).alias(self.column(f"pathway:{pathway_id}", word)) for word in words]

    def incomplete_only(self, pathways: list[str]) -> list[pl.Expr]:
        """Each pathway's mask kept only where the pathway is incomplete (zero elsewhere), in place: the
        outcome (its number, `columnar.outcome_code`) is compared once per pathway and word, not once per
        question that reads it."""
        from screener.columnar import INCOMPLETE, outcome_column

        return [pl.when(pl.col(outcome_column(p)) == INCOMPLETE).then(pl.col(self.column(f"pathway:{p}", word)))
                .otherwise(_zero()).alias(self.column(f"pathway:{p}", word))
                for p in pathways for word in sorted({self.bits[q][0] for q in self.reads(p)})]

    def counts(self, pathways: list[str]) -> Waiting:
        """Per question a pathway can wait on, how many incomplete pathways wait on it, as bit planes.

        Reads the masks of `incomplete_only`. For each word of questions, the masks of the pathways that
        read a question of it (each kept to those questions) are added lane by lane, one lane a question
        (`bit_sliced`): a few operations on whole words per pathway, where testing every (question,
        pathway) bit and summing the tests cost ~550 tests a row. The planes are the keys;
        `Waiting.cells` turns each distinct key into its `missing` text. Compile for the stage that holds
        the keys (`Compiler.place`): the planes between pathways are temporaries.
        """
        reads = {p: self.reads(p) for p in pathways}
        layout = [(qid, *self.bits[qid]) for qid in self.order if any(qid in reads[p] for p in pathways)]
        keys: list[pl.Expr] = []
        planes: list[tuple[int, int]] = []  # (word, plane) of each key
        for word in sorted({word for _, word, _ in layout}):
            inputs = []
            for p in pathways:
                wanted = 0  # the bits of this word's questions that the pathway reads
                for qid in reads[p]:
                    if qid in self.bits and self.bits[qid][0] == word:
                        wanted |= self.bits[qid][1]
                if wanted:
                    inputs.append(pl.col(self.column(f"pathway:{p}", word)) & pl.lit(wanted, dtype=pl.UInt64))
            for plane, expr in enumerate(bit_sliced(inputs, self.compiler.share)):
                keys.append(expr.alias(f"__waiting__{word}_{plane}"))
                planes.append((word, plane))
        return Waiting(layout, planes, keys)


def bit_sliced(inputs: list[pl.Expr], share: Callable[[pl.Expr], pl.Expr]) -> list[pl.Expr]:
    """The lane-wise sums of `inputs` (UInt64 words, one-bit lanes) as bit planes, lowest first: bit b of
    plane k is bit k of how many inputs have bit b. Adding an input flips each plane where the carry (the
    input and every lower plane) is set. The planes between inputs go through `share` (a temporary
    column): an expression built on the previous planes would double with every input."""
    planes: list[pl.Expr] = []
    for count, word in enumerate(inputs, start=1):
        carry, added = word, []
        for plane in planes:
            added.append(plane ^ carry)
            carry = carry & plane
        if count.bit_length() > len(planes):  # the count can now reach the next plane
            added.append(carry)
        planes = added if count == len(inputs) else [share(plane) for plane in added]
    return planes


class Waiting:
    """The bit planes of the counts of one compiled rulebook, and how to read them into `missing` cells."""

    def __init__(self, layout: list[tuple[str, int, int]], planes: list[tuple[int, int]], keys: list[pl.Expr]) -> None:
        self.layout = layout  # (question, word, its bit) of each question a pathway can wait on, interview order
        self.keys = keys
        self.columns = [key.meta.output_name() for key in keys]
        self.known: dict[tuple[int, ...], str] = {}  # texts of keys seen in earlier blocks (bounded)
        # per word: the positions of its planes among the keys (lowest plane first), and each question's place
        # in `layout` by its bit
        self.words = [([index for index, (w, _) in sorted(enumerate(planes), key=lambda item: item[1]) if w == word],
                       {bit: index for index, (_, w, bit) in enumerate(layout) if w == word})
                      for word in sorted({word for word, _ in planes})]

    def text(self, values: tuple[int, ...]) -> str:
        """Questions by count (descending), then interview order (the layout's order), `;`-joined.

        Visits only the questions whose count is not zero (a few of the ~70), found by their lowest set bit
        in any plane: every distinct key of a run is read here once (~8% of the rows of an intake whose
        rows all differ)."""
        counted: list[tuple[int, int]] = []
        for positions, place in self.words:
            planes = [values[position] for position in positions]
            higher = 0
            for plane in planes[1:]:
                higher |= plane
            ones = planes[0] & ~higher  # counted once: most of them
            while ones:
                lowest = ones & -ones
                counted.append((-1, place[lowest]))
                ones ^= lowest
            while higher:
                lowest = higher & -higher
                count, weight = 0, 1
                for plane in planes:
                    if plane & lowest:
                        count += weight
                    weight += weight
                counted.append((-count, place[lowest]))
                higher ^= lowest
        counted.sort()
        return ";".join(self.layout[index][0] for _, index in counted)

    def cells(self, frame: pl.DataFrame) -> pl.Series:
        """The `missing` column of `frame` (which holds the key columns): each distinct key joined once."""
        if not self.columns:
            return pl.Series(MISSING, [""] * frame.height, dtype=pl.String)
        keys = frame.select(self.columns)
        distinct = keys.unique()
        if len(self.known) > KNOWN_KEYS:
            self.known.clear()
        texts: list[str] = []
        for row in distinct.iter_rows():
            text = self.known.get(row)
            if text is None:
                text = self.known[row] = self.text(row)
            texts.append(text)
        with_texts = distinct.with_columns(pl.Series(MISSING, texts, dtype=pl.String))
        found = keys.join(with_texts, on=self.columns, how="left", maintain_order="left")
        return found[MISSING]
