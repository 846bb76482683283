"""How much `screener rules diff` costs compared with screening the same intake once.

Baseline (measured in the same run): evaluate every row once. Then: `compare_rulebooks` on the
same rows (two evaluations per row, with table tracing and cause finding), and `run_cases` on the
shipped test cases. Prints times and the ratio to the baseline; run `python bench/bench_rules_diff.py [ROWS]`.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from pathlib import Path
from typing import Any

from screener.impact import compare_rulebooks
from screener.rulebook import load_rulebook
from screener.ruletests import run_cases

RULES = Path(__file__).resolve().parent.parent / "rules"
DAY = dt.date(2026, 11, 25)


def synthetic_rows(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """Plausible intake: each question answered (or left blank 10% of the time) within its range."""
    book = load_rulebook(RULES)
    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        row: dict[str, Any] = {}
        for question in book.questions.values():
            if rng.random() < 0.1:
                row[question.id] = ""
            elif question.type == "yes_no":
                row[question.id] = rng.choice(["yes", "no"])
            elif question.type == "choice":
                row[question.id] = rng.choice(question.choice_values)
            elif question.type in ("int", "money"):
                low, high = int(question.min or 0), int(question.max if question.max is not None else 100_000)
                row[question.id] = str(rng.randint(low, min(high, 100_000)))
            else:
                row[question.id] = "2020-01-01"
        rows.append(row)
    return rows


def timed(action: Any) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    old, new = load_rulebook(RULES), load_rulebook(RULES)
    rows = synthetic_rows(count)
    baseline = timed(lambda: [old.evaluate(row, as_of=DAY) for row in rows])
    diff = timed(lambda: compare_rulebooks(old, new, rows, DAY, dt.date(2025, 3, 24)))
    cases = timed(lambda: run_cases(old))
    print(f"rows: {count}")
    print(f"baseline  evaluate once per row   {baseline:8.3f}s  1.00x")
    print(f"rules diff (two dates, causes)    {diff:8.3f}s  {diff / baseline:5.2f}x")
    print(f"rules test (all shipped cases)    {cases:8.3f}s  {cases / baseline:5.2f}x")


if __name__ == "__main__":
    main()
