"""`screener rules diff`: the same intake under two rulebooks — who flips, and which rule or row did it."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from french_kit import nb
from lawyer_kit import cli, copy_book, edit

from screener.impact import compare_rulebooks, read_intake
from screener.rulebook import load_rulebook

INTAKE = """client_id,age,english_clb,education,job_offer,criminal_record,notes
c1,30,9,bachelors,no,no,=HYPERLINK("x")
c2,30,7,bachelors,no,no,
c3,50,5,masters,,yes,
c4,abc,7,,,,
c5,,7,secondary,,,
"""
DAY = dt.date(2026, 1, 1)


@pytest.fixture
def books(tmp_path: Path) -> tuple[Path, Path, Path]:
    old, new = copy_book(tmp_path, "old"), copy_book(tmp_path, "new")
    intake = tmp_path / "intake.csv"
    intake.write_text(INTAKE, encoding="utf-8")
    return old, new, intake


def test_identical_rulebooks_change_nothing(books: tuple[Path, Path, Path]) -> None:
    old, _, intake = books
    impact = compare_rulebooks(load_rulebook(old), load_rulebook(old), read_intake(intake), DAY)
    assert impact.rows == 5 and impact.changes == []
    assert impact.unreadable == [(4, "old", ["age"])]


def test_a_raised_threshold_flips_exactly_the_borderline_applicant(books: tuple[Path, Path, Path]) -> None:
    old, new, intake = books
    edit(new / "pathways.yaml", "english_clb >= 7", "english_clb >= 8")
    impact = compare_rulebooks(load_rulebook(old), load_rulebook(new), read_intake(intake), DAY, id_column="client_id")
    flips = [(c.label, c.id, c.old, c.new) for c in impact.changes]
    assert flips == [("c2", "skilled", "eligible", "ineligible"), ("c2", "best_pathway", "skilled", "working_holiday"),
                     ("c5", "skilled", "incomplete", "ineligible")]
    assert impact.pathway_counts()["skilled"] == {("eligible", "ineligible"): 1, ("incomplete", "ineligible"): 1}
    assert sum(impact.pathway_counts()["working_holiday"].values()) == 0
    cause = impact.changes[0].causes
    assert cause == ("requirement language: met → failed — CLB 7 or higher "
                     "(actual 7, needed ≥ 7 → actual 7, needed ≥ 8)",)


def test_a_changed_table_row_is_named(books: tuple[Path, Path, Path]) -> None:
    old, new, intake = books
    edit(new / "tables.yaml", "{at: bachelors, points: 15}", "{at: bachelors, points: 18}")
    impact = compare_rulebooks(load_rulebook(old), load_rulebook(new), read_intake(intake), DAY)
    scores = [c for c in impact.changes if c.kind == "score"]
    assert [(c.row, c.old, c.new) for c in scores] == [(1, 37, 40), (2, 37, 40)]
    assert scores[0].causes == ("line education: 15 → 18",
                                "table education_points (bachelors): row 1 = 15 → row 1 = 18")
    assert impact.score_counts()["grid"] == {"changed": 2, "up": 2, "down": 0, "now_unknown": 0, "now_known": 0}


def test_a_rule_that_ends_on_a_date(books: tuple[Path, Path, Path]) -> None:
    old, _, intake = books
    book = load_rulebook(old)
    impact = compare_rulebooks(book, book, read_intake(intake), dt.date(2025, 3, 24), dt.date(2025, 3, 25))
    # job_offer answered "no": the offer line was worth 0 for c1 and c2, so only c3/c5 (unanswered) move
    moved = {(c.row, c.id): (c.old, c.new) for c in impact.changes if c.kind == "score"}
    assert moved == {(3, "grid"): (None, 20)}
    assert next(c for c in impact.changes if c.row == 3).causes == ("line offer: unknown → 0 (not in force)",)


def test_the_command_prints_counts_and_causes(books: tuple[Path, Path, Path]) -> None:
    old, new, intake = books
    edit(new / "pathways.yaml", "english_clb >= 7", "english_clb >= 8")
    result = cli("rules", "diff", str(old), str(new), "--answers", str(intake), "--id", "client_id",
                 "--as-of", "2026-01-01")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "5 rows of" in out and ": 4 screened, 1 with errors (listed below); 2 changed" in out
    assert re.search(r"^  skilled +2   eligible → ineligible: 1, incomplete → ineligible: 1$", out, re.M)
    assert re.search(r"^  working_holiday +0$", out, re.M)
    assert "  row 2 (c2)\n    skilled: eligible → ineligible\n      requirement language: met → failed" in out
    assert "row 4: cannot be read (fields: age)" in out  # by either rulebook: they ask the same (review8 #11)
    assert "abc" not in out and "HYPERLINK" not in out  # answers are not echoed


def test_the_command_json_and_limit(books: tuple[Path, Path, Path]) -> None:
    old, new, intake = books
    edit(new / "pathways.yaml", "english_clb >= 7", "english_clb >= 8")
    result = cli("rules", "diff", str(old), str(new), "--answers", str(intake), "--as-of", "2026-01-01", "--json")
    data = json.loads(result.stdout)
    assert data["changed_rows"] == 2 and data["pathways"]["skilled"]["changed"] == 2
    assert data["pathways"]["skilled"]["transitions"] == {"eligible -> ineligible": 1, "incomplete -> ineligible": 1}
    # no --id: the rows are named by the column that says who they are (client_id), as batch names them
    assert [(c["row"], c["label"]) for c in data["changes"]] == [(2, "c2"), (2, "c2"), (5, "c5")]
    limited = cli("rules", "diff", str(old), str(new), "--answers", str(intake), "--as-of", "2026-01-01",
                  "--limit", "1")
    assert "… and 1 more changed rows (--limit 0 shows all)" in limited.stdout
    assert "row 5" not in limited.stdout.split("Changes")[1]


@pytest.mark.parametrize(("args", "message"), [
    (["--answers", "missing.csv"], "missing.csv: no such file"),
    (["--answers", "{intake}", "--id", "client"], "--id: no column 'client' in"),
    (["--answers", "{intake}", "--as-of", "soon"], "--as-of: 'soon' is not a date (YYYY-MM-DD)"),
])
def test_mistakes_are_one_line_errors(books: tuple[Path, Path, Path], args: list[str], message: str) -> None:
    old, new, intake = books
    result = cli("rules", "diff", str(old), str(new), *[a.replace("{intake}", str(intake)) for a in args])
    assert result.exit_code != 0
    assert result.stderr.startswith("Error: ") and message in result.stderr.splitlines()[0]
    assert "Traceback" not in result.output


def test_a_broken_new_rulebook_is_reported_with_positions(books: tuple[Path, Path, Path]) -> None:
    old, new, intake = books
    edit(new / "pathways.yaml", "english_clb >= 7", "english_clbb >= 7")
    result = cli("rules", "diff", str(old), str(new), "--answers", str(intake))
    assert result.exit_code == 1
    assert "pathways.yaml:" in result.stderr and "did you mean 'english_clb'" in result.stderr


def test_the_comparison_reads_in_french(books: tuple[Path, Path, Path], tmp_path: Path) -> None:
    """`--lang fr`: the counts, headings, unreadable rows and the HTML page are French; ids and outcomes stay."""
    old, new, intake = books
    edit(new / "pathways.yaml", "english_clb >= 7", "english_clb >= 8")
    page = tmp_path / "impact.html"
    result = cli("rules", "diff", str(old), str(new), "--answers", str(intake), "--id", "client_id",
                 "--as-of", "2026-01-01", "--lang", "fr", "--html", str(page))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "5 lignes de" in out and nb("évaluées : 4, en erreur : 1 (voir ci-dessous); modifiées : 2") in out
    assert "Résultats" in out
    assert nb("  ligne 2 (c2)\n    skilled: eligible → ineligible\n      exigence language : met → failed") in out
    assert nb("ligne 4 : illisible (champs : age)") in out
    html = page.read_text(encoding="utf-8")
    assert '<html lang="fr">' in html and "Ce que fait la modification des règles" in html
    for english in ("rows of", "could not be read", "Outcomes", "What the rule change does", "people in",
                    "requirement language", "actual", "needed"):
        assert english not in out + html, english
