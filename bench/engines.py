"""Would a vectorised SQL engine evaluate batch's compiled plan materially cheaper per row than polars?

    pip install duckdb          # bench only: screener itself never imports it
    python bench/engines.py [--rows N] [--rules DIR] [--as-of DATE] [--repeat R]

Takes the plan `screener batch` runs — every expression of `columnar.compile_rulebook` (outcomes with
their three-valued logic, scores and their §13.25 bounds, derived values, flags, leads, warnings, the
best pathway and the bitmasks and keys of `missing`), in its stages, with columns dropped where
`Compiled.applied` drops them — and runs it on the same typed answers (`bench/batch.py`'s synthetic
rows, coerced by `columnar.Coercion`) with:

- polars, streaming engine (what batch runs) and in-memory engine, `POLARS_MAX_THREADS` 1 and 2;
- DuckDB, the plan translated expression for expression from polars' own serialized form (JSON) to
  SQL — one nested `SELECT` per stage — over a native DuckDB table, `SET threads` 1 and 2.

Each engine and thread count runs in a child process of its own: it evaluates the plan `--repeat` times
(best CPU kept: user + system of every thread, `time.process_time`), the same plan on no rows (the fixed
cost of one query: polars' plan conversion; DuckDB's parsing, binding and optimising of the ~0.6 MB of
SQL), and a trivial plan (as many input columns as results, copied out: the cost of scanning and
materialising alone). Results are materialised in the engine's own memory (a polars DataFrame; a DuckDB
temporary table). "µs/row after fixed" is (plan - plan on no rows) / rows: what a longer run pays a row.
Before timing, the parent checks that DuckDB's results equal polars' on every result column of every row
(outcomes, scores, flags, leads, warnings, best pathway, `missing`'s keys), so the two evaluate the same
thing. Prints CPU per row, per row and expression, and the ratio DuckDB / polars. Coercion, reading and
writing CSV are not part of this: it compares the evaluation alone. Nothing is asserted about times.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

_SQL_TYPES = {"Float64": "DOUBLE", "Boolean": "BOOLEAN", "String": "VARCHAR", "Date": "DATE", "UInt64": "UBIGINT",
              "Int64": "BIGINT", "UInt32": "UINTEGER", "Int32": "INTEGER", "UInt8": "UTINYINT"}
_OPS = {"Eq": "=", "NotEq": "<>", "Lt": "<", "LtEq": "<=", "Gt": ">", "GtEq": ">=", "Plus": "+", "Minus": "-",
        "Multiply": "*", "TrueDivide": "/", "ShiftLeft": "<<", "ShiftRight": ">>"}
SENTINEL = 1.0e300  # compiled in place of infinity for the translation (see `translatable`)
NUMERIC = {"Float64", "UInt64", "Int64", "UInt32", "Int32", "UInt8"}


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class Translator:
    """polars' serialized expressions (JSON) as DuckDB SQL, with polars' semantics where SQL differs.

    `types` maps every column of the plan to its polars type name; the few constructs whose SQL depends
    on the type (`&`/`|`/`~` are Kleene logic on booleans and bitwise on integers) look it up."""

    def __init__(self, types: dict[str, str]) -> None:
        self.types = types

    def expr(self, node: dict[str, Any]) -> tuple[str, str]:
        """(SQL, polars type name) of one node."""
        (kind, body), = node.items()
        if kind == "Alias":
            return self.expr(body[0])
        if kind == "Column":
            return quoted(body), self.types[body]
        if kind == "Literal":
            return self.literal(body)
        if kind == "BinaryExpr":
            return self.binary(body)
        if kind == "Ternary":  # a when/then chain nests in `falsy`: one flat CASE, as SQL would write it
            branches, kinds = [], []
            while kind == "Ternary":
                truthy, one = self.expr(body["truthy"])
                branches.append(f"WHEN {self.expr(body['predicate'])[0]} THEN {truthy}")
                kinds.append(one)
                (kind, body), = body["falsy"].items()
            falsy, other = self.expr({kind: body})
            found = next((one for one in [*kinds, other] if one not in ("Null", "Int64")), other)
            return f"CASE {' '.join(branches)} ELSE {falsy} END", found
        if kind == "Cast":
            inner, _ = self.expr(body["expr"])
            target = body["dtype"]["Literal"]
            cast = "TRY_CAST" if body["options"] == "NonStrict" else "CAST"
            return f"{cast}({inner} AS {_SQL_TYPES[target]})", target
        if kind == "Function":
            return self.function(body["function"], [self.expr(item) for item in body["input"]], body["input"])
        raise NotImplementedError(kind)

    def literal(self, body: dict[str, Any]) -> tuple[str, str]:
        (kind, value), = body.items()
        if kind == "Dyn":
            (sort, number), = value.items()
            return (self.number(number), "Float64") if sort == "Float" else (str(int(number)), "Int64")
        (dtype, scalar), = value.items()
        if dtype == "Null":
            return ("NULL", "Null") if scalar == "Null" else (f"CAST(NULL AS {_SQL_TYPES[scalar]})", scalar)
        if dtype == "Float64":
            return f"{self.number(scalar)}::DOUBLE", dtype
        if dtype in ("UInt64", "Int64", "UInt32", "Int32"):
            return f"{int(scalar)}::{_SQL_TYPES[dtype]}", dtype
        if dtype == "Boolean":
            return ("TRUE" if scalar else "FALSE"), dtype
        if dtype == "String":
            return text(scalar), dtype
        if dtype == "Date":
            return f"DATE {text(str(dt.date(1970, 1, 1) + dt.timedelta(days=scalar)))}", dtype
        if dtype == "List":  # a Series, serialized as an Arrow IPC stream
            import polars as pl

            series = pl.read_ipc_stream(io.BytesIO(bytes(scalar))).to_series()
            items = ", ".join(self.value(item) for item in series.to_list())
            return f"({items})", "List"
        raise NotImplementedError(dtype)

    @staticmethod
    def number(value: float) -> str:
        """A float literal; `SENTINEL` stands for an infinity (polars writes every infinity as JSON null)."""
        if abs(value) == SENTINEL:
            return "'inf'::DOUBLE" if value > 0 else "(-'inf'::DOUBLE)"
        return repr(float(value))

    @staticmethod
    def value(item: Any) -> str:
        if isinstance(item, str):
            return text(item)
        if isinstance(item, bool):
            return "TRUE" if item else "FALSE"
        if isinstance(item, dt.date):
            return f"DATE {text(str(item))}"
        return repr(float(item)) if isinstance(item, float) else str(item)

    def binary(self, body: dict[str, Any]) -> tuple[str, str]:
        (left, one), (right, other) = self.expr(body["left"]), self.expr(body["right"])
        op = body["op"]
        if op in ("And", "Or"):
            if one == "Boolean" or other == "Boolean":
                return f"({left} {op.upper()} {right})", "Boolean"
            return f"({left} {'&' if op == 'And' else '|'} {right})", one if one in NUMERIC else other
        sql = _OPS[op]
        if op in ("Eq", "NotEq", "Lt", "LtEq", "Gt", "GtEq"):
            return f"({left} {sql} {right})", "Boolean"
        return f"({left} {sql} {right})", one if one != "Int64" else other

    def function(self, function: Any, args: list[tuple[str, str]], raw: list[Any]) -> tuple[str, str]:
        sqls = [sql for sql, _ in args]
        if isinstance(function, dict) and "Boolean" in function:
            name = function["Boolean"]
            if isinstance(name, dict) and "IsIn" in name:
                return f"({sqls[0]} IN {sqls[1]})", "Boolean"
            if name == "Not":
                if args[0][1] == "Boolean":
                    return f"(NOT {sqls[0]})", "Boolean"
                return f"(~{sqls[0]})", args[0][1]
            simple = {"IsNull": "({} IS NULL)", "IsNotNull": "({} IS NOT NULL)", "IsFinite": "isfinite({})",
                      "IsNotNan": "(NOT isnan({}))", "IsNan": "isnan({})"}
            if name in simple:
                return simple[name].format(sqls[0]), "Boolean"
            if name == "AllHorizontal":  # Kleene logic, as SQL's AND
                return "(" + " AND ".join(sqls) + ")", "Boolean"
            if name == "AnyHorizontal":
                return "(" + " OR ".join(sqls) + ")", "Boolean"
            raise NotImplementedError(name)
        if function == "FillNull":
            return f"COALESCE({sqls[0]}, {sqls[1]})", args[0][1]
        if function == "Coalesce":
            return f"COALESCE({', '.join(sqls)})", next((kind for _, kind in args if kind != "Null"), "Null")
        if function in ("MinHorizontal", "MaxHorizontal"):  # both skip nulls, as polars' do
            kind = next((kind for _, kind in args if kind not in ("Int64", "Null")), args[0][1])
            return f"{'LEAST' if function == 'MinHorizontal' else 'GREATEST'}({', '.join(sqls)})", kind
        if isinstance(function, dict) and "SumHorizontal" in function:
            assert function["SumHorizontal"]["ignore_nulls"]
            return "(" + " + ".join(f"COALESCE({sql}, 0)" for sql in sqls) + ")", "Float64"
        if isinstance(function, dict) and "StringExpr" in function:
            concat = function["StringExpr"]["ConcatHorizontal"]
            assert concat["ignore_nulls"]
            return f"concat_ws({text(concat['delimiter'])}, {', '.join(sqls)})", "String"
        raise NotImplementedError(json.dumps(function)[:200])


def translatable(rules: Path, as_of: dt.date) -> Any:
    """The same plan compiled with `SENTINEL` for infinity: polars' JSON writes ±inf and NaN alike as
    null, so the infinities of §13.25's bounds would be lost; the translator writes them back."""
    from screener import bounds, columnar
    from screener.rulebook import load_rulebook

    saved = columnar.INF, bounds.INF, bounds.UNDECIDED_NUMBER
    columnar.INF = bounds.INF = SENTINEL
    bounds.UNDECIDED_NUMBER = (-SENTINEL, SENTINEL)
    try:
        return columnar.compile_rulebook(load_rulebook(rules), as_of)
    finally:
        columnar.INF, bounds.INF, bounds.UNDECIDED_NUMBER = saved


def plan_types(compiled: Any, typed: Any) -> dict[str, str]:
    """Every column's polars type, from the plan run (nothing dropped) on a few rows."""
    frame = typed.head(8).lazy()
    for stage in compiled.stages:
        frame = frame.with_columns(stage)
    return {name: str(dtype).split("(")[0] for name, dtype in frame.collect_schema().items()}


def plan_sql(compiled: Any, columns: list[str], types: dict[str, str], source: str) -> str:
    """The plan as one SQL query: a nested `SELECT` per stage, keeping what `Compiled.applied` keeps."""
    wanted = set(compiled.results)
    later: list[set[str]] = []
    for stage in reversed(compiled.stages):
        later.append(set(wanted))
        wanted |= {root for expr in stage for root in expr.meta.root_names()}
    translator = Translator(types)
    query = f"SELECT * FROM {source}"
    columns = list(columns)
    for stage, needed in zip(compiled.stages, reversed(later), strict=True):
        written = {expr.meta.output_name(): translator.expr(json.loads(expr.meta.serialize(format="json")))[0]
                   for expr in stage}
        columns += [name for name in written if name not in columns]
        columns = [name for name in columns if name in needed]
        parts = [f"{written[name]} AS {quoted(name)}" if name in written else quoted(name) for name in columns]
        query = f"SELECT {', '.join(parts)} FROM ({query})"
    return f"SELECT {', '.join(quoted(name) for name in compiled.results)} FROM ({query})"


def prepared(rows: int, rules: Path, as_of: dt.date) -> tuple[Any, Any]:
    """The compiled plan and the typed answers of `rows` synthetic rows (bench/batch.py's)."""
    import polars as pl
    from batch import synthetic_rows

    from screener import columnar
    from screener.rulebook import load_rulebook

    rulebook = load_rulebook(rules)
    compiled = columnar.compile_rulebook(rulebook, as_of)
    fields, cells = synthetic_rows(rules, rows)
    raw = pl.DataFrame(cells, schema=[f"c{i}" for i in range(len(fields))], orient="row")
    typed, _ = columnar.Coercion(list(rulebook.questions.values()),
                                 {qid: f"c{i}" for i, qid in enumerate(fields)})(raw)
    return compiled, typed.rechunk()


def best_cpu(action: Any, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        action()
        best = min(best, time.process_time() - start)
    return best


def child(args: argparse.Namespace) -> None:
    """One engine at one thread count: prints a JSON line (CPU of the plan and of the trivial plan)."""
    compiled, typed = prepared(args.rows, args.rules, args.as_of)
    results = list(compiled.results)
    trivial_columns = list(typed.columns)[:len(results)]
    if args.engine.startswith("polars"):
        import polars as pl

        engine = "streaming" if args.engine == "polars-streaming" else "in-memory"
        plan = compiled.applied(typed.lazy()).select(results)
        empty = compiled.applied(typed.head(0).lazy()).select(results)
        trivial = typed.lazy().select(trivial_columns)
        plan.collect(engine=engine)  # warm-up (first-call costs)
        cpu = best_cpu(lambda: plan.collect(engine=engine), args.repeat)
        fixed = best_cpu(lambda: empty.collect(engine=engine), args.repeat)
        base = best_cpu(lambda: trivial.collect(engine=engine), args.repeat)
        threads = pl.thread_pool_size()
    else:
        import duckdb

        con = duckdb.connect()
        con.execute(f"SET threads = {args.threads}")
        folder = Path(tempfile.mkdtemp(prefix="screener-engines-"))
        parquet = folder / "answers.parquet"
        typed.write_parquet(parquet)
        con.execute(f"CREATE TABLE answers AS SELECT * FROM read_parquet({text(str(parquet))})")
        con.execute("CREATE TABLE empty AS SELECT * FROM answers LIMIT 0")
        parquet.unlink()
        folder.rmdir()
        plan = translatable(args.rules, args.as_of)
        sql = plan_sql(plan, list(typed.columns), plan_types(plan, typed), "answers")
        empty_sql = plan_sql(plan, list(typed.columns), plan_types(plan, typed), "empty")
        trivial_sql = f"SELECT {', '.join(quoted(name) for name in trivial_columns)} FROM answers"

        def run(query: str) -> None:
            con.execute(f"CREATE OR REPLACE TEMP TABLE out AS {query}")

        run(sql)  # warm-up
        cpu = best_cpu(lambda: run(sql), args.repeat)
        fixed = best_cpu(lambda: run(empty_sql), args.repeat)
        base = best_cpu(lambda: run(trivial_sql), args.repeat)
        threads = args.threads
    expressions = sum(len(stage) for stage in compiled.stages)
    print(json.dumps({"cpu": cpu, "fixed": fixed, "base": base, "threads": threads, "expressions": expressions,
                      "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def check(args: argparse.Namespace) -> int:
    """Rows whose DuckDB results differ from polars' (on every result column), on up to 20,000 rows."""
    import duckdb
    import polars as pl

    compiled, typed = prepared(min(args.rows, 20_000), args.rules, args.as_of)
    expected = compiled.applied(typed.lazy()).select(compiled.results).collect(engine="in-memory")
    con = duckdb.connect()
    folder = Path(tempfile.mkdtemp(prefix="screener-engines-"))
    parquet, back = folder / "answers.parquet", folder / "out.parquet"
    typed.write_parquet(parquet)
    plan = translatable(args.rules, args.as_of)
    sql = plan_sql(plan, list(typed.columns), plan_types(plan, typed), f"read_parquet({text(str(parquet))})")
    con.execute(f"COPY ({sql}) TO {text(str(back))} (FORMAT parquet)")
    found = pl.read_parquet(back)
    for path in (parquet, back):
        path.unlink()
    folder.rmdir()
    differing = pl.any_horizontal([~found[name].eq_missing(expected[name].cast(found[name].dtype))
                                   for name in expected.columns])
    bad = int(found.select(differing.sum()).item())
    if bad:
        columns = [name for name in expected.columns
                   if not found[name].eq_missing(expected[name].cast(found[name].dtype)).all()]
        print(f"DuckDB differs from polars on {bad:,} of {expected.height:,} rows, columns: {', '.join(columns[:10])}")
    else:
        print(f"DuckDB equals polars on all {expected.height:,} rows x {len(expected.columns)} result columns")
    return bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=250_000, help="rows (DuckDB splits work by 122,880-row groups)")
    parser.add_argument("--rules", type=Path, default=ROOT / "rules")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 11, 25))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        child(args)
        return
    try:
        import duckdb
    except ImportError:
        sys.exit("bench/engines.py needs DuckDB (bench only, not a dependency of screener): pip install duckdb")
    import polars as pl

    if check(args):
        sys.exit("the translated plan does not evaluate the same results: no timing")
    found: dict[tuple[str, int], dict[str, Any]] = {}
    for threads in (1, 2):
        for engine in ("polars-streaming", "polars-in-memory", "duckdb"):
            command = [sys.executable, __file__, "--engine", engine, "--threads", str(threads), "--rows",
                       str(args.rows), "--rules", str(args.rules), "--as-of", str(args.as_of), "--repeat",
                       str(args.repeat)]
            environment = {**os.environ, "POLARS_MAX_THREADS": str(threads)}
            output = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
            if output.returncode:
                sys.exit(f"{engine} ({threads} threads) failed:\n{output.stderr}")
            found[engine, threads] = json.loads(output.stdout.strip().splitlines()[-1])
    expressions = next(iter(found.values()))["expressions"]
    print(f"rows: {args.rows:,}  expressions: {expressions:,}  cores: {os.cpu_count()}  "
          f"load: {os.getloadavg()[0]:.1f}  {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    from batch import cpu_model

    print(f"machine: {cpu_model()}, Python {platform.python_version()}, polars {pl.__version__}, "
          f"DuckDB {duckdb.__version__}")
    print(f"{'engine':17} {'threads':>7} {'CPU µs/row':>10} {'fixed s':>7} {'µs/row after fixed':>18} "
          f"{'ns/row/expr':>11} {'trivial µs/row':>14} {'RSS MB':>6}")
    for (engine, threads), result in found.items():
        marginal = (result["cpu"] - result["fixed"]) / args.rows * 1e6
        print(f"{engine:17} {threads:>7} {result['cpu'] / args.rows * 1e6:10.2f} {result['fixed']:7.2f} "
              f"{marginal:18.2f} {marginal * 1e3 / expressions:11.2f} {result['base'] / args.rows * 1e6:14.2f} "
              f"{result['rss']:6.0f}")
    for threads in (1, 2):
        duck, stream, memory = (found[engine, threads] for engine in ("duckdb", "polars-streaming", "polars-in-memory"))
        print(f"DuckDB / polars, {threads} thread{'s' if threads > 1 else ''}: CPU {duck['cpu'] / stream['cpu']:.2f} "
              f"(streaming), {duck['cpu'] / memory['cpu']:.2f} (in-memory); after the fixed costs "
              f"{(duck['cpu'] - duck['fixed']) / (stream['cpu'] - stream['fixed']):.2f} (streaming), "
              f"{(duck['cpu'] - duck['fixed']) / (memory['cpu'] - memory['fixed']):.2f} (in-memory)")


if __name__ == "__main__":
    main()
