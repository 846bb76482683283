"""Review warnings only for rules in force, `-k` on file names, `--coverage`, untested pathways."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lawyer_kit import cli, copy_book, edit

from screener.rulebook import load_rulebook

ATLANTIC = """\
pathways:
  - id: atlantic
    title: Atlantic Immigration Program
    kind: permanent_residence
    summary: A job offer from an Atlantic employer.
    requirements:
      - {id: offer, text: A job offer from an Atlantic employer, condition: job_offer}
"""


def test_a_superseded_table_is_not_due_for_review(tmp_path: Path) -> None:
    book = copy_book(tmp_path)
    tables = book / "tables.yaml"
    edit(tables, "review_by: 2030-01-01", "review_by: 2024-01-01")
    for row in ("{to: 17, points: 0", "{from: 18, to: 35, points: 12", "{from: 36, to: 46, points: 6",
                "{from: 47, points: 0"):
        edit(tables, row, row + ", effective_from: 2020-01-01, effective_until: 2025-12-31")
    rulebook = load_rulebook(book)
    assert any("age_points" in w for w in rulebook.stale(dt.date(2025, 6, 1)))  # in force, review overdue
    assert not any("age_points" in w for w in rulebook.stale(dt.date(2026, 6, 1)))  # superseded: history


def test_match_also_selects_by_file_name(tmp_path: Path) -> None:
    book = copy_book(tmp_path)
    extra = book / "tests" / "atlantic.yaml"
    extra.write_text("tests:\n  - name: Has an offer\n    source: test\n    as_of: 2026-01-01\n"
                     "    answers: {job_offer: yes}\n    expect:\n      flags: []\n", encoding="utf-8")
    result = cli("rules", "test", str(book), "-k", "atlantic", "-v")
    assert result.exit_code == 0, result.output
    assert "1 passed" in result.output and "Has an offer" in result.output


def test_validate_warns_about_a_pathway_without_tests_and_coverage_lists_it(tmp_path: Path) -> None:
    book = copy_book(tmp_path)
    (book / "atlantic.yaml").write_text(ATLANTIC, encoding="utf-8")
    validated = cli("rules", "validate", str(book))
    assert validated.exit_code == 0, validated.output
    assert "warning: pathway 'atlantic' has no test case" in validated.output
    assert "pathway 'skilled' has no test case" not in validated.output
    covered = cli("rules", "test", str(book), "--coverage")
    assert covered.exit_code == 0, covered.output
    assert "pathways no case checks (1): atlantic" in covered.output
    assert "atlantic: offer" in covered.output.split("requirements no case sees fail")[1].splitlines()[0]


def test_coverage_counts_a_table_row_once_a_case_reads_it(tmp_path: Path) -> None:
    book = copy_book(tmp_path)
    before = cli("rules", "test", str(book), "--coverage").output
    assert "age_points: row 1," in before  # no mini case is 17 or younger …
    cases = book / "tests" / "cases.yaml"
    cases.write_text(cases.read_text(encoding="utf-8") + (
        "  - name: A teenager\n    source: test\n    as_of: 2026-01-01\n"
        "    answers: {age: 16, english_clb: 9, education: secondary, job_offer: no, criminal_record: no}\n"
        "    expect:\n      pathways: {working_holiday: ineligible}\n"), encoding="utf-8")
    after = cli("rules", "test", str(book), "--coverage")
    assert after.exit_code == 0, after.output
    assert "age_points: row 1," not in after.output and "age_points: row 3" in after.output  # … until one is
