"""bench/cardinality.py counts distinct answer combinations per dependency group and block: on a file whose
rows differ only in one answer, the groups that read it have two combinations a block, every other group
one. Only the counts and that the cost lines are printed are checked, never a time."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def shares(output: str) -> dict[str, float]:
    """The group table: group name -> distinct/rows."""
    return {match[3]: float(match[1]) for match in re.finditer(r"^ *([0-9]+\.[0-9]+) +([0-9]+) +(.+)$", output, re.M)}


def test_groups_that_read_the_one_changing_answer_have_two_combinations_a_block(tmp_path: Path) -> None:
    intake = tmp_path / "intake.csv"
    with intake.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["age", "marital_status", "criminal_record", "criminal_conviction"])
        writer.writerows([["30", "single", "yes" if row % 2 else "no", "yes"] for row in range(300)])
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "cardinality.py"), str(intake), "--block", "100",
                           "--repeat", "1"], capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    found = shares(done.stdout)
    assert found["flag criminality"] == 0.02  # criminal_record and criminal_conviction: 2 combinations / 100 rows
    assert found["derived has_partner"] == 0.01  # marital_status only: the same in every row
    assert found["pathway iec_working_holiday"] in (0.01, 0.02) and len(found) > 50
    assert "at most saved, each expression on its own inputs' distinct rows" in done.stdout
    assert "what that costs: their keys" in done.stdout
