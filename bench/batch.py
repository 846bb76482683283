"""Benchmark: `screener batch` against a plain Python CSV copy of the same file, in the same run.

    python bench/batch.py 1000000 [--rules DIR] [--keep]

Writes N synthetic intake rows (every field of the rulebook, realistic spellings, some blanks), then
times two child processes on that file: `screener batch IN -o OUT` and a `csv.DictReader` ->
`csv.DictWriter` copy. Prints both times, their ratio (targets: <= 1.0) and each child's peak RSS
(target for batch: <= 300 MB whatever N). Times are never asserted anywhere; this only reports.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPY = """
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as src, \
        open(sys.argv[2], "w", newline="", encoding="utf-8") as dst:
    reader = csv.DictReader(src)
    writer = csv.DictWriter(dst, fieldnames=reader.fieldnames)
    writer.writeheader()
    for row in reader:
        writer.writerow(row)
"""


def synthetic_rows(rules: Path, count: int, seed: int = 5) -> tuple[list[str], list[list[str]]]:
    """A pool of varied rows over every question (blanks, odd case, $ and commas); cycled to `count`."""
    from screener.rulebook import load_rulebook

    rulebook = load_rulebook(rules)
    rng = random.Random(seed)
    fields = list(rulebook.questions)

    def value(qid: str) -> str:
        question = rulebook.questions[qid]
        if rng.random() < 0.08:
            return ""
        if question.type == "yes_no":
            return rng.choice(["yes", "no", "Yes", "No", "y", "n"])
        if question.type == "number":
            low, high = question.min or 0, question.max if question.max is not None else 100
            return str(round(rng.uniform(low, high) * 2) / 2)
        if question.type == "int":
            low, high = int(question.min or 0), int(question.max if question.max is not None else 100)
            return str(rng.randint(low, high))
        if question.type == "money":
            amount = rng.randint(0, 250_000)
            return rng.choice([str(amount), f"${amount:,}"])
        if question.type == "choice":
            choice = rng.choice(question.choice_values)
            return rng.choice([choice, choice.upper(), choice.replace("_", " ")])
        return f"20{rng.randint(10, 25)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"

    pool = [[value(qid) for qid in fields] for _ in range(min(count, 20_000))]
    return fields, [pool[i % len(pool)] for i in range(count)]


def write_input(path: Path, rules: Path, count: int) -> None:
    fields, rows = synthetic_rows(rules, count)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(fields)
        writer.writerows(rows)


def timed(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system, every thread) and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    stderr = child.stderr.read().decode() if child.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"benchmark command failed: {' '.join(command)}\n{stderr}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int, nargs="?", default=100_000)
    parser.add_argument("--rules", type=Path, default=ROOT / "rules")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="screener-bench-"))
    source = folder / "intake.csv"
    write_input(source, args.rules, args.rows)
    size = source.stat().st_size / 1e6
    screener = [sys.executable, "-m", "screener", "batch", str(source), "-o", str(folder / "screened.csv"),
                "--rules", str(args.rules), "--as-of", "2026-11-25"]
    copy = [sys.executable, "-c", COPY, str(source), str(folder / "copy.csv")]
    batch_time, batch_cpu, batch_rss = timed(screener)
    copy_time, copy_cpu, copy_rss = timed(copy)
    print(f"rows: {args.rows:,}  input: {size:,.1f} MB  cores: {os.cpu_count()}")
    print(f"screener batch      : {batch_time:8.2f} s  CPU {batch_cpu:8.2f} s  peak RSS {batch_rss:7.1f} MB")
    print(f"DictReader->Writer  : {copy_time:8.2f} s  CPU {copy_cpu:8.2f} s  peak RSS {copy_rss:7.1f} MB")
    print(f"ratio batch / copy  : {batch_time / copy_time:8.2f}   (target <= 1.0; RSS target <= 300 MB)")
    if not args.keep:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    else:
        print(f"files kept in {folder}")


if __name__ == "__main__":
    main()
