"""`screener rules test` driven as a lawyer drives it: change a rule, see what breaks, accept it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from lawyer_kit import copy_book, edit


def screener(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real command line, through its error boundary (as `screener` runs it)."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("SCREENER_RULES", None)
    return subprocess.run([sys.executable, "-m", "screener", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=60)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return copy_book(tmp_path)


def test_passing_cases_exit_0(book: Path) -> None:
    done = screener("rules", "test", str(book))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().splitlines()[-1] == "2 passed, 0 failed (2 cases)"
    assert "FAIL" not in done.stdout


def test_a_failure_names_file_case_difference_and_requirement(book: Path) -> None:
    edit(book / "pathways.yaml", "english_clb >= 7", "english_clb >= 10")
    done = screener("rules", "test", str(book))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0] == str(book / "tests" / "cases.yaml")
    assert lines[1].startswith("  FAIL Young graduate, CLB 9  (line 3, as of 2026-01-01)")
    assert lines[2].strip() == "pathways.skilled: expected eligible, got ineligible"
    assert lines[3].strip() == "language: failed — CLB 7 or higher (actual 9, needed ≥ 10) [Mini Act s.2]"
    assert "1 passed, 1 failed (2 cases)" in lines[-1]
    assert "Traceback" not in done.stderr


def test_update_rewrites_only_the_values_and_keeps_comments(book: Path) -> None:
    cases = book / "tests" / "cases.yaml"
    before = cases.read_text()
    edit(book / "pathways.yaml", "english_clb >= 7", "english_clb >= 10")
    edit(book / "tables.yaml", "{from: 36, to: 46, points: 6}", "{from: 36, to: 46, points: 6}\n"
         "      - {from: 47, to: 60, points: 3}")  # the older applicant now gets 3 points for age
    edit(book / "pathways.yaml", "condition: criminal_record\n", "condition: criminal_record == false\n")
    done = screener("rules", "test", str(book), "--update")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "-      pathways: {skilled: eligible, working_holiday: eligible}" in done.stdout
    assert "+      pathways: {skilled: ineligible, working_holiday: eligible}" in done.stdout
    after = cases.read_text()
    changed = [(old, new) for old, new in zip(before.splitlines(), after.splitlines(), strict=True) if old != new]
    assert changed == [
        ("      pathways: {skilled: eligible, working_holiday: eligible}",
         "      pathways: {skilled: ineligible, working_holiday: eligible}"),
        ("      flags: []", "      flags: [criminality]"),
        ("      best_pathway: skilled", "      best_pathway: working_holiday"),
        ("        grid: 20                 # the job offer line ended on 2025-03-24",
         "        grid: 23                 # the job offer line ended on 2025-03-24"),
        ("        - criminality", "        []"),
    ]
    assert "# A young graduate: both pathways open." in after
    again = screener("rules", "test", str(book))
    assert again.returncode == 0, again.stdout


def test_update_leaves_what_it_cannot_fix_and_still_fails(book: Path) -> None:
    (book / "tests" / "typo.yaml").write_text("""tests:
  - name: a line no longer in force
    source: s
    as_of: 2026-01-01
    answers: {age: 30}
    expect:
      score_lines: {grid: {offer: 10}}
""")
    done = screener("rules", "test", str(book), "--update")
    assert done.returncode == 1
    assert "not updated:" in done.stdout and "score_lines.grid.offer (got no such line in force)" in done.stdout
    assert "{offer: 10}" in (book / "tests" / "typo.yaml").read_text()


def test_match_selects_cases_and_a_miss_is_a_clear_error(book: Path) -> None:
    done = screener("rules", "test", str(book), "-k", "older", "-v")
    assert done.returncode == 0
    assert "PASS Older, weak English" in done.stdout and "Young graduate" not in done.stdout
    missing = screener("rules", "test", str(book), "-k", "nobody")
    assert missing.returncode == 1
    assert missing.stderr.startswith("Error: no test cases matching 'nobody' in ")


def test_mistakes_get_one_clear_message(book: Path) -> None:
    (book / "tests" / "bad.yaml").write_text("tests:\n  - name: x\n    source: s\n    expect: {pathway: {}}\n")
    done = screener("rules", "test", str(book))
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == "Error: the test cases were rejected: 1 problem"
    assert "bad.yaml:4:14: unknown key 'pathway' (did you mean 'pathways'?)" in done.stderr
    assert "Traceback" not in done.stderr
    nowhere = screener("rules", "test", str(book / "nope"))
    assert nowhere.returncode == 1 and "no such rulebook folder" in nowhere.stderr


def test_stale_data_is_warned_about(book: Path) -> None:
    edit(book / "tables.yaml", "review_by: 2030-01-01", "review_by: 2020-01-01")
    done = screener("rules", "test", str(book))
    assert done.returncode == 0
    assert "warning: Table 'age_points' (Points for age) was due for review on 1 January 2020" in done.stdout


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_each_language_s_texts_are_checked_as_that_language_writes_them(lang: str) -> None:
    """The shipped cases that expect texts in both languages (`$22,895` / `22 895 $`) pass whatever language
    the tool itself speaks: under `--lang fr` the English texts keep English numbers."""
    root = Path(__file__).resolve().parent.parent / "rules"
    done = screener("rules", "test", str(root), "-k", "both languages", "--lang", lang)
    assert done.returncode == 0, done.stdout + done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert ("en échec\u00a0: 0 " if lang == "fr" else " 0 failed ") in last, last
