"""bench/bench_rules_diff.py still runs against the sibling batch benchmark's helpers (its timer changed
shape once and the benchmark broke unnoticed). Only that it runs and reports is checked, never a time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_rules_diff_benchmark_runs_and_reports_both_commands() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_rules_diff.py"), "40"],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    header, row = [line.split() for line in done.stdout.splitlines()[1:3]]
    assert header[:2] == ["rows", "batch"] and "diff/batch" in header
    assert row[0] == "40" and len(row) == 9 and all(float(cell) > 0 for cell in row[1:])
