"""The evaluation plan alone, as batch runs it: CPU a row, and A/B against other checkouts in turns.

    python bench/plan.py [--rows N] [--block ROWS] [--threads T] [--repeat R] [--against DIR ...]

Times `columnar.compile_rulebook(...).applied` on `bench/batch.py`'s synthetic rows, coerced once by this
checkout's `columnar.Coercion` and saved as Parquet, fed to polars' streaming engine in blocks of
`--block` rows (batch's query blocks) through an IO source, as `screener batch` does: no CSV, no
coercion, no output cells; only the rulebook's stages and the result columns. Each run is a child
process with `POLARS_MAX_THREADS` set; with `--against DIR` (another checkout or an export of one, e.g.
`git archive main | tar -x -C /tmp/base`), the children of each code base run in turns, so both see the
same load. Prints each run's CPU (user + system, every thread) per row and the medians, and their
ratio to the first code base. Nothing is asserted about times; this only reports.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def write_answers(path: Path, rows: int, rules: Path) -> None:
    """`rows` synthetic rows (bench/batch.py's), coerced, as Parquet."""
    import polars as pl
    from batch import synthetic_rows

    from screener import columnar
    from screener.rulebook import load_rulebook

    rulebook = load_rulebook(rules)
    fields, cells = synthetic_rows(rules, rows)
    raw = pl.DataFrame(cells, schema=[f"c{i}" for i in range(len(fields))], orient="row")
    typed, _ = columnar.Coercion(list(rulebook.questions.values()),
                                 {qid: f"c{i}" for i, qid in enumerate(fields)})(raw)
    typed.write_parquet(path)


def child(answers: Path, rules: Path, as_of: dt.date, block: int) -> None:
    """Run the plan once over the answers; print the CPU seconds of the run (compiling excluded)."""
    import polars as pl
    from polars.io.plugins import register_io_source

    from screener import columnar
    from screener.rulebook import load_rulebook

    rulebook = load_rulebook(rules)
    compiled = columnar.compile_rulebook(rulebook, as_of)
    typed = pl.read_parquet(answers)
    blocks = [typed.slice(start, block) for start in range(0, typed.height, block)]

    def source(*_: object) -> object:
        yield from blocks

    plan = compiled.applied(register_io_source(source, schema=typed.schema)).select(compiled.results)
    start = time.process_time()
    rows = sum(batch.height for batch in plan.collect_batches(engine="streaming", maintain_order=True))
    print(time.process_time() - start, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=75_000)
    parser.add_argument("--block", type=int, default=3_750)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rules", type=Path, default=ROOT / "rules")
    parser.add_argument("--as-of", default="2026-11-25")
    parser.add_argument("--against", type=Path, action="append", default=[], help="another checkout to time in turns")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.rules, dt.date.fromisoformat(args.as_of), args.block)
        return
    codes = [ROOT, *args.against]
    with tempfile.TemporaryDirectory() as folder:
        answers = Path(folder) / "answers.parquet"
        write_answers(answers, args.rows, args.rules)
        found: dict[Path, list[float]] = {code: [] for code in codes}
        for turn in range(args.repeat):
            for code in codes:
                env = {**os.environ, "POLARS_MAX_THREADS": str(args.threads), "PYTHONPATH": str(code)}
                out = subprocess.run([sys.executable, __file__, "--child", str(answers), "--rules", str(args.rules),
                                      "--as-of", args.as_of, "--block", str(args.block)], env=env, check=True,
                                     capture_output=True, text=True, cwd=code).stdout.split()
                seconds, rows = float(out[0]), int(out[1])
                found[code].append(seconds / rows * 1e6)
                print(f"turn {turn + 1}: {code}: {found[code][-1]:.2f} us a row", flush=True)
    first = statistics.median(found[ROOT])
    for code in codes:
        median = statistics.median(found[code])
        print(f"{code}: median {median:.2f} us a row (CPU, {args.threads} polars threads, blocks of {args.block:,}),"
              f" {median / first:.3f}x this checkout")


if __name__ == "__main__":
    main()
