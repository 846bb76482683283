"""Benchmark: `screener batch` against a plain Python CSV copy and the columnar floor, in the same run.

    python bench/batch.py 1000000 [--rules DIR] [--keep]

Writes N synthetic intake rows (every field of the rulebook, realistic spellings, some blanks) twice: a
plain file (no quotes at all) and the same rows with every cell quoted. Then times child processes:
`screener batch` on each file, a `csv.DictReader` -> `csv.DictWriter` copy and the columnar floor
(`bench/floor.py`: polars reading the file, ~40 expressions, writing it) on the plain file. Prints wall
and CPU seconds (user + system, every thread), peak RSS and the ratios of issue 15: batch CPU / floor CPU
(target <= 1.5), batch wall / copy wall (target <= 0.6 at 1M rows), quoted / plain (target <= 1.2),
batch peak RSS (target <= 300 MB whatever N). Times are never asserted anywhere; this only reports.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
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
            return rng.choice([str(amount), f"${amount}"])
        if question.type == "choice":
            choice = rng.choice(question.choice_values)
            return rng.choice([choice, choice.upper(), choice.replace("_", " ")])
        return f"20{rng.randint(10, 25)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"

    pool = [[value(qid) for qid in fields] for _ in range(min(count, 20_000))]
    return fields, [pool[i % len(pool)] for i in range(count)]


def write_input(path: Path, rules: Path, count: int, quoting: int = csv.QUOTE_MINIMAL) -> None:
    """The intake file (the rows need no quotes; `csv.QUOTE_ALL` quotes every cell anyway)."""
    fields, rows = synthetic_rows(rules, count)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, quoting=quoting)
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


def cpu_model() -> str:
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        return next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")),
                    platform.processor())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int, nargs="?", default=100_000)
    parser.add_argument("--rules", type=Path, default=ROOT / "rules")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="screener-bench-"))
    plain, quoted = folder / "intake.csv", folder / "intake-quoted.csv"
    write_input(plain, args.rules, args.rows)
    write_input(quoted, args.rules, args.rows, csv.QUOTE_ALL)

    def batch(source: Path) -> list[str]:
        return [sys.executable, "-m", "screener", "batch", str(source), "-o", str(folder / "screened.csv"),
                "--rules", str(args.rules), "--as-of", "2026-11-25"]

    runs = {
        "screener batch": batch(plain),
        "batch, quoted file": batch(quoted),
        "columnar floor": [sys.executable, str(ROOT / "bench" / "floor.py"), str(plain), str(folder / "floor.csv")],
        "DictReader->Writer": [sys.executable, "-c", COPY, str(plain), str(folder / "copy.csv")],
    }
    found = {name: timed(command) for name, command in runs.items()}
    print(f"rows: {args.rows:,}  input: {plain.stat().st_size / 1e6:,.1f} MB plain, "
          f"{quoted.stat().st_size / 1e6:,.1f} MB quoted  cores: {os.cpu_count()}  load: {os.getloadavg()[0]:.1f}")
    print(f"machine: {cpu_model()}, Python {platform.python_version()}")
    for name, (wall, cpu, rss) in found.items():
        print(f"{name:20}: {wall:8.2f} s wall  {cpu:8.2f} s CPU  peak RSS {rss:7.1f} MB")
    (wall, cpu, rss), (quoted_wall, quoted_cpu, quoted_rss) = found["screener batch"], found["batch, quoted file"]
    print(f"batch CPU / floor CPU : {cpu / found['columnar floor'][1]:6.2f}   (target <= 1.5)")
    print(f"batch wall / copy wall: {wall / found['DictReader->Writer'][0]:6.2f}   (target <= 0.6 at 1M rows)")
    print(f"batch CPU / copy CPU  : {cpu / found['DictReader->Writer'][1]:6.2f}")
    print(f"quoted / plain        : {quoted_cpu / cpu:6.2f} CPU, {quoted_wall / wall:.2f} wall   (target <= 1.2)")
    print(f"batch peak RSS        : {max(rss, quoted_rss):6.1f} MB   (target <= 300 MB whatever N)")
    if not args.keep:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    else:
        print(f"files kept in {folder}")


if __name__ == "__main__":
    main()
