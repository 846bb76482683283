"""Would batch gain by evaluating each dependency group on a block's distinct answers instead of every row?

    python bench/cardinality.py [INTAKE.csv | --cases] [--rows N] [--rules DIR] [--as-of DATE] [--block ROWS]

Measures, on an intake file, on the answers of the rulebook's test cases (`--cases`: hand-written
profiles, most a reference profile with one answer changed, so far more alike than an intake) or, by
default, on `bench/batch.py`'s synthetic rows (every field drawn independently, numbers uniform over
their whole range), how many distinct combinations of its input
questions each dependency group has per block of `--block` rows (batch's query block): each pathway's
requirements, each score, derived value, flag, lead and warning, its questions taken from the
rulebook's dependency graph (`Graph.questions`, implied answers' gates included). Then how much of the
columnar evaluation a per-block dedup could save at most: every expression of the compiled plan is
timed alone (in memory, one thread, per row), and its cost weighted by (1 - distinct/rows) of its own
inputs (any grouping's key holds those, so this bounds every grouping), and of the smallest group that
holds them (the design of evaluating per pathway, score or derived value); beside that, what a group
key (a dense rank of the key columns) and a gather back to the rows cost on the same block. Nothing is
asserted about times; this only reports. Run it with `POLARS_MAX_THREADS=1` for per-core figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import polars as pl
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from batch import synthetic_rows  # noqa: E402  (the sibling benchmark's rows)

from screener import columnar  # noqa: E402
from screener.batch import block_rows, match_columns  # noqa: E402
from screener.csvio import CsvReader  # noqa: E402
from screener.rulebook import Rulebook, load_rulebook  # noqa: E402

TIMED_ROWS = 20_000  # expressions are timed on at least this many rows (the file's, repeated)
SMALL = 0.5  # a group whose distinct/rows is at most this is counted as one a dedup would take


def dependency_groups(rulebook: Rulebook, as_of: dt.date) -> dict[str, frozenset[str]]:
    """Each pathway's, score's, derived value's, flag's, lead's and warning's input questions (in force)."""
    graph, rules = rulebook.graph, rulebook.at(as_of)
    found = {f"pathway {pid}": frozenset().union(*(graph.questions_of_node(r.condition.node)
                                                   for r in rules.requirements[pid]))
             for pid in rulebook.pathways}
    found |= {f"score {sid}": graph.questions[sid] for sid in rulebook.scores}
    found |= {f"derived {name}": graph.questions[name] for name in rulebook.derived}
    for kind, items in (("flag", rules.flags), ("lead", rules.leads), ("warning", rules.warnings)):
        found |= {f"{kind} {item.id}": graph.questions_of_node(item.condition.node) for item in items}
    return {name: questions for name, questions in found.items() if questions}


def expression_inputs(compiled: columnar.Compiled, questions: list[str]) -> list[tuple[pl.Expr, frozenset[str]]]:
    """Every expression of the plan, in order, with the questions it reads through the columns before it."""
    reads: dict[str, frozenset[str]] = {qid: frozenset([qid]) for qid in questions}
    found: list[tuple[pl.Expr, frozenset[str]]] = []
    for stage in compiled.stages:
        written = {}
        for expr in stage:
            inputs = frozenset().union(*(reads.get(root, frozenset()) for root in expr.meta.root_names()))
            written[expr.meta.output_name()] = inputs
            found.append((expr, inputs))
        reads.update(written)  # a stage reads the columns as they were before it (implied answers)
    return found


def typed_answers(rulebook: Rulebook, rules: Path, path: Path | None, rows: int, cases: bool) -> pl.DataFrame:
    """The coerced answers of the file's first `rows` rows, of the test cases or of the synthetic rows,
    one column per question."""
    if cases:
        answers = [case.get("answers") or {} for file in sorted((rules / "tests").glob("*.yaml"))
                   for case in yaml.safe_load(file.read_text(encoding="utf-8")).get("tests") or []]
        raw = pl.DataFrame({f"c{i}": [_cell(answer.get(qid)) for answer in answers]
                            for i, qid in enumerate(rulebook.questions)}, schema=dict.fromkeys(
            (f"c{i}" for i in range(len(rulebook.questions))), pl.String))
        columns = {qid: f"c{i}" for i, qid in enumerate(rulebook.questions)}
    elif path is None:
        fields, cells = synthetic_rows(rules, rows)
        raw = pl.DataFrame(cells, schema=[f"c{i}" for i in range(len(fields))], orient="row")
        columns = {qid: f"c{i}" for i, qid in enumerate(fields)}
    else:
        with path.open("rb") as stream:
            reader = CsvReader(stream)
            found, _ = match_columns(reader.header, rulebook)
            frames: list[pl.DataFrame] = []
            for chunk in reader.chunks():
                frames.append(chunk.frame)
                if sum(frame.height for frame in frames) >= rows:
                    break
        raw = pl.concat(frames).head(rows)
        columns = {qid: reader.columns[index] for qid, index in found.items()}
    typed, _ = columnar.Coercion(list(rulebook.questions.values()), columns)(raw)
    return typed


def _cell(value: object) -> str | None:
    """A YAML answer as the cell a form would write."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def distinct_share(typed: pl.DataFrame, keys: frozenset[str], block: int) -> float:
    """Mean over the whole blocks (or the one short frame) of distinct key combinations / rows."""
    starts = range(0, max(1, typed.height - block + 1), block)
    shares = [typed.slice(start, block).select(sorted(keys)).n_unique() / min(block, typed.height) for start in starts]
    return sum(shares) / len(shares)


def per_row(action: Callable[[], object], rows: int, repeat: int) -> float:
    """Best of `repeat` runs of `action`, in nanoseconds per row."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best / rows * 1e9


def expression_costs(compiled: columnar.Compiled, typed: pl.DataFrame, repeat: int) -> list[float]:
    """Each expression's cost alone, ns a row, in plan order (the fixed cost of a `select` taken off)."""
    frame, costs = typed, []
    fixed = per_row(partial(selected, frame, pl.lit(1)), frame.height, 20)
    for stage in compiled.stages:
        costs += [max(0.0, per_row(partial(selected, frame, expr), frame.height, repeat) - fixed) for expr in stage]
        frame = frame.with_columns(stage)
    return costs


def selected(frame: pl.DataFrame, *exprs: pl.Expr) -> pl.DataFrame:
    """`exprs` over `frame`, as one in-memory query."""
    return frame.lazy().select(*exprs).collect(engine="in-memory")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("intake", type=Path, nargs="?", help="an intake CSV (default: bench/batch.py's rows)")
    parser.add_argument("--cases", action="store_true", help="the answers of the rulebook's test cases instead")
    parser.add_argument("--rows", type=int, default=15_000, help="rows measured (default 15,000)")
    parser.add_argument("--rules", type=Path, default=ROOT / "rules")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 11, 25))
    parser.add_argument("--block", type=int, default=block_rows(os.cpu_count() or 1), help="rows a block holds")
    parser.add_argument("--repeat", type=int, default=3, help="timings per expression (best kept)")
    args = parser.parse_args()
    rulebook = load_rulebook(args.rules)
    compiled = columnar.compile_rulebook(rulebook, args.as_of)
    typed = typed_answers(rulebook, args.rules, args.intake, args.rows, args.cases)
    groups = dependency_groups(rulebook, args.as_of)
    share: dict[frozenset[str], float] = {}

    def distinct(keys: frozenset[str]) -> float:
        if keys not in share:
            share[keys] = distinct_share(typed, keys, args.block) if keys else 1 / max(1, typed.height)
        return share[keys]

    source = "the test cases' answers" if args.cases else args.intake or "bench/batch.py's synthetic rows"
    print(f"{typed.height:,} rows ({source}), blocks of {args.block:,}, "
          f"{len(groups)} groups, {pl.thread_pool_size()} polars threads")
    print(f"{'distinct/rows':>13}  {'fields':>6}  group")
    for name, keys in sorted(groups.items(), key=lambda item: (distinct(item[1]), item[0])):
        print(f"{distinct(keys):13.3f}  {len(keys):6}  {name}")
    inputs = expression_inputs(compiled, list(rulebook.questions))
    timed = pl.concat([typed] * -(-TIMED_ROWS // max(1, typed.height))).head(max(TIMED_ROWS, typed.height)).rechunk()
    costs = expression_costs(compiled, timed, args.repeat)
    total = sum(costs)
    own = sum(cost * (1 - distinct(keys)) for (_, keys), cost in zip(inputs, costs, strict=True))
    owner: dict[str, str] = {}  # column -> the group that would compute it on its distinct rows
    by_group = 0.0
    for (expr, keys), cost in zip(inputs, costs, strict=True):
        holders = [name for name, group in groups.items() if keys and keys <= group]
        if holders:
            smallest = min(holders, key=lambda name: (len(groups[name]), distinct(groups[name])))
            if distinct(groups[smallest]) <= SMALL:
                by_group += cost * (1 - distinct(groups[smallest]))
                owner[expr.meta.output_name()] = smallest
    read_elsewhere = {root for expr, _ in inputs for root in expr.meta.root_names()
                      if root in owner and owner.get(expr.meta.output_name()) != owner[root]}
    gathered = len(read_elsewhere | (set(owner) & set(compiled.results)))
    block = timed.head(args.block)  # a whole block, even from a short file: keys and gathers cost per row
    taken = set(owner.values())
    keys_cost = sum(per_row(partial(selected, block, pl.struct(sorted(groups[name])).rank("dense")), block.height, 5)
                    for name in taken)
    index = block.select(pl.int_range(pl.len()) % 7).to_series()
    gather = per_row(partial(selected, pl.DataFrame({"value": [1.5] * 7}), pl.col("value").gather(index)),
                     block.height, 20)
    print(f"evaluation, {len(costs)} expressions timed alone on {timed.height:,} rows: {total:,.0f} ns a row")
    print(f"at most saved, each expression on its own inputs' distinct rows: {own:,.0f} ns a row "
          f"({own / total:.0%}; no key, no gather)")
    print(f"at most saved, each on the smallest group holding it (distinct/rows <= {SMALL}): {by_group:,.0f} ns a row "
          f"({by_group / total:.0%}), {len(taken)} groups")
    print(f"  what that costs: their keys {keys_cost:,.0f} ns a row (dense rank of the key columns), {gathered} "
          f"columns gathered back at {gather:,.0f} ns a row each; net {by_group - keys_cost - gathered * gather:,.0f} "
          f"ns a row ({(by_group - keys_cost - gathered * gather) / total:.0%})")

if __name__ == "__main__":
    main()
