"""Benchmark: `screener rules diff` against `screener batch` on the same intake, in one run.

    python bench/bench_rules_diff.py [ROWS ...] [--rules DIR] [--limit N]

Writes ROWS synthetic intake rows (bench/batch.py's generator: every field, realistic spellings, some
blanks), then times child processes on that file: `screener batch IN -o OUT`, and `screener rules diff
RULES RULES --answers IN` across a dated change (2025-03-24 → 2025-03-25, the day Express Entry stopped
awarding job-offer points, which changes scores for many rows). Prints both wall and CPU times, their
ratios (target <= 2.0; the CPU ratio is steadier on a shared machine) and each child's peak RSS (memory
should stay flat in N). Several ROWS show how both scale.
Times are never asserted anywhere; this only reports.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
from pathlib import Path

from screener.model import Question

sys.path.insert(0, str(Path(__file__).resolve().parent))

from batch import ROOT, timed  # the sibling benchmark's timer


def write_input(path: Path, rules: Path, count: int, seed: int = 11) -> None:
    """`count` readable rows over every question (some blank), from a pool of 5,000 cycled: rows that
    batch reads (an unreadable row is never compared, which would flatter the diff)."""
    from screener.rulebook import load_rulebook

    rulebook = load_rulebook(rules)
    rng = random.Random(seed)

    def value(question: Question) -> str:
        kind = question.type
        low, high = question.min, question.max
        if rng.random() < 0.08:
            return ""
        if kind == "yes_no":
            return rng.choice(["yes", "no"])
        if kind == "choice":
            return str(rng.choice(question.choice_values))
        if kind == "date":
            return f"20{rng.randint(10, 25)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        low, high = int(low or 0), int(high if high is not None else 100_000)
        if kind == "number":
            return str(rng.randint(low * 2, high * 2) / 2)
        return str(rng.randint(low, min(high, 250_000)))

    questions = list(rulebook.questions.values())
    pool = [[value(question) for question in questions] for _ in range(min(count, 5_000))]
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow([question.id for question in questions])
        writer.writerows(pool[i % len(pool)] for i in range(count))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int, nargs="*", default=[20_000])
    parser.add_argument("--rules", type=Path, default=ROOT / "rules")
    parser.add_argument("--limit", type=int, default=50, help="changed rows rules diff explains (default 50)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="screener-bench-diff-"))
    print(f"cores: {os.cpu_count()}  rules diff --limit {args.limit}")
    print(f"{'rows':>9}  {'batch s':>8} {'cpu s':>7} {'MB':>7}  {'diff s':>8} {'cpu s':>7} {'MB':>7}  "
          f"{'diff/batch':>10} {'cpu ratio':>9}")
    try:
        for count in args.rows:
            source = folder / "intake.csv"
            write_input(source, args.rules, count)
            batch = [sys.executable, "-m", "screener", "batch", str(source), "-o", str(folder / "screened.csv"),
                     "--rules", str(args.rules), "--as-of", "2025-03-24"]
            diff = [sys.executable, "-m", "screener", "rules", "diff", str(args.rules), str(args.rules),
                    "--answers", str(source), "--as-of", "2025-03-24", "--new-as-of", "2025-03-25",
                    "--limit", str(args.limit), "--json"]
            batch_time, batch_cpu, batch_rss = timed(batch)
            diff_time, diff_cpu, diff_rss = timed(diff)
            print(f"{count:>9,}  {batch_time:8.2f} {batch_cpu:7.2f} {batch_rss:7.1f}  {diff_time:8.2f} {diff_cpu:7.2f} "
                  f"{diff_rss:7.1f}  {diff_time / batch_time:10.2f} {diff_cpu / batch_cpu:9.2f}")
    finally:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    print("target: diff/batch <= 2.0, peak RSS flat in rows")


if __name__ == "__main__":
    main()
