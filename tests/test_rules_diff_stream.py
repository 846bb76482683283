"""`rules diff` reads the intake as batch does, keeps new pathways apart, and explains with data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lawyer_kit import cli, copy_book, edit

INTAKE = """client_id,age,english_clb,education,job_offer,criminal_record
c1,30,9,bachelors,no,no
c2,30,7,bachelors,no,no
c3,50,5,masters,,yes
c4,abc,7,,,
c5,,7,secondary,,
"""
ATLANTIC = """\
pathways:
  - id: atlantic
    title: Atlantic Immigration Program
    kind: permanent_residence
    rank: 5
    summary: A job offer from an Atlantic employer.
    requirements:
      - id: offer
        text: A job offer from a designated Atlantic employer
        condition: atlantic_offer
questions:
  - id: atlantic_offer
    type: yes_no
    topic: about_you
    prompt: Do you have a job offer from a designated Atlantic employer?
"""


@pytest.fixture
def books(tmp_path: Path) -> tuple[Path, Path, Path]:
    old, new = copy_book(tmp_path, "old"), copy_book(tmp_path, "new")
    intake = tmp_path / "intake.csv"
    intake.write_text(INTAKE, encoding="utf-8")
    return old, new, intake


def diff(old: Path, new: Path, intake: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    result = cli("rules", "diff", str(old), str(new), "--answers", str(intake), "--as-of", "2026-01-01",
                 "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_semicolons_and_spelled_out_headers_are_read_as_batch_reads_them(books: tuple[Path, Path, Path]) -> None:
    old, new, intake = books
    edit(new / "pathways.yaml", "english_clb >= 7", "english_clb >= 8")
    plain = diff(old, new, intake)
    other = intake.with_name("other.csv")
    lines = INTAKE.replace(",", ";").splitlines()
    lines[0] = "Client ID;Age;English CLB;Education;Job Offer;Criminal Record"
    other.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = diff(old, new, other, "--id", "client id")
    assert plain["changed_rows"] == 2
    assert found["changed_rows"] == plain["changed_rows"] and found["pathways"] == plain["pathways"]
    assert [c["label"] for c in found["changes"]] == ["c2", "c2", "c5"]


def test_a_new_pathway_is_counted_apart_and_its_missing_fields_are_named(books: tuple[Path, Path, Path]) -> None:
    old, new, intake = books
    (new / "atlantic.yaml").write_text(ATLANTIC, encoding="utf-8")
    data = diff(old, new, intake)
    assert "atlantic" not in data["pathways"]
    assert data["new_pathways"] == {"atlantic": {"incomplete": 4}}  # row 4 cannot be read
    assert data["changed_rows"] == 0 and data["changes"] == []  # no "absent → incomplete" flips
    assert any("atlantic_offer" in warning and "new rulebook" in warning for warning in data["warnings"])
    text = cli("rules", "diff", str(old), str(new), "--answers", str(intake), "--as-of", "2026-01-01").stdout
    assert re.search(r"^New pathways .*\n  atlantic +incomplete 4$", text, re.M), text
    assert "warning: 1 field of the new rulebook not in the intake" in text


def test_causes_are_data_with_the_amounts(books: tuple[Path, Path, Path]) -> None:
    old, new, intake = books
    edit(new / "pathways.yaml", "english_clb >= 7", "english_clb >= 8")
    edit(new / "tables.yaml", "{at: bachelors, points: 15}", "{at: bachelors, points: 18}")
    data = diff(old, new, intake, "--id", "client_id")
    first = data["changes"][0]
    assert (first["label"], first["kind"], first["id"], first["old"], first["new"]) == (
        "c1", "score", "grid", 37, 40)
    table = next(cause for cause in first["causes"] if cause["kind"] == "table")
    assert table == {"kind": "table", "id": "education_points", "key": "bachelors", "column": "points",
                     "old_row": 1, "old": 15, "new_row": 1, "new": 18}
    flip = next(c for c in data["changes"] if c["label"] == "c2" and c["id"] == "skilled")
    (requirement,) = flip["causes"]
    assert requirement["id"] == "language" and (requirement["old"], requirement["new"]) == ("met", "failed")
    assert requirement["new_actual"] == 7 and "8" in str(requirement["new_needed"])


def test_limit_applies_to_json_and_every_row_is_still_counted(books: tuple[Path, Path, Path]) -> None:
    old, new, intake = books
    edit(new / "pathways.yaml", "english_clb >= 7", "english_clb >= 8")
    data = diff(old, new, intake, "--limit", "1")
    assert data["changed_rows"] == 2 and data["pathways"]["skilled"]["changed"] == 2
    assert {c["row"] for c in data["changes"]} == {2}


def test_html_report_is_self_contained_and_escaped(books: tuple[Path, Path, Path], tmp_path: Path) -> None:
    old, new, intake = books
    edit(new / "pathways.yaml", "english_clb >= 7", "english_clb >= 8")
    intake.write_text(INTAKE.replace("c2,", "<script>alert(1)</script>,"), encoding="utf-8")
    report = tmp_path / "impact.html"
    result = cli("rules", "diff", str(old), str(new), "--answers", str(intake), "--as-of", "2026-01-01",
                 "--id", "client_id", "--html", str(report))
    assert result.exit_code == 0, result.output
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "requirement language: met → failed" in page
    assert not re.search(r"""(src|href)=["']?https?:""", page)  # nothing fetched from elsewhere


def test_a_cause_in_words_leaves_out_amounts_unknown_on_both_sides() -> None:
    from screener.impact import cause_text

    base = {"kind": "requirement", "id": "funds", "text": "Funds", "old": "met", "new": "failed"}
    funds = cause_text({**base, "old_actual": 15500, "old_needed": None, "new_actual": 15500, "new_needed": None})
    assert funds == "requirement funds: met → failed — Funds (actual 15,500)"  # no "needed unknown"
    raised = cause_text({**base, "old_actual": 8, "old_needed": 7, "new_actual": 8, "new_needed": 9})
    assert raised.endswith("(actual 8, needed 7 → actual 8, needed 9)")
    unanswered = cause_text({**base, "old_actual": 8, "old_needed": 7, "new_actual": None, "new_needed": 7})
    assert unanswered.endswith("(actual 8, needed 7 → actual unknown, needed 7)")


FSW_68 = {"canadian_citizen": "no", "born_in_canada": "no", "canadian_parent": "no", "age": "30", "us_citizen": "yes",
          "in_us_now": "yes", "criminal_record": "no", "impaired_driving": "none", "misrepresentation": "no",
          "serious_health_condition": "no", "marital_status": "single", "dependent_children": "0",
          "english_clb_reading": "9", "english_clb_writing": "9", "english_clb_listening": "9",
          "english_clb_speaking": "9", "french_nclc_reading": "0", "french_nclc_writing": "0",
          "french_nclc_listening": "0", "french_nclc_speaking": "0", "education": "bachelors",
          "education_assessed": "yes", "canadian_education": "none", "occupation_teer": "1",
          "foreign_work_years": "3", "canadian_work_years": "0", "continuous_year": "yes", "trade_occupation": "no",
          "trade_certificate": "no", "work_authorized_in_canada": "no", "intended_province": "ON", "job_offer": "no",
          "employer_canadian_affiliate": "no", "provincial_nomination": "no", "dli_acceptance": "no",
          "settlement_funds_cad": "20000", "fear_of_return": "no", "relative_in_canada": "no",
          "sibling_in_canada": "no"}


def test_a_pass_mark_raised_in_a_derived_value_is_explained_with_the_new_rule_not_the_stale_needed(
        tmp_path: Path) -> None:
    """review6 #10: FSW's pass mark 67 -> 70 in derived.yaml, `needed: "≥ 67"` left as it was: the flip of the
    68-point applicant is explained by the rule as the new rulebook reads it, the old one beside it, never
    by the stale "needed ≥ 67"."""
    import shutil

    rules = Path(__file__).parent.parent / "rules"
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(rules, old)
    shutil.copytree(rules, new)
    for book in (old, new):  # the pass mark written as a number, as before `fsw_pass_mark`
        edit(book / "derived.yaml", "expr: fsw_points >= fsw_pass_mark", "expr: fsw_points >= 67")
        edit(book / "pathways" / "express_entry.yaml", 'needed: "≥ {fsw_pass_mark}"', 'needed: "≥ 67"')
    edit(new / "derived.yaml", "expr: fsw_points >= 67", "expr: fsw_points >= 70")
    intake = tmp_path / "intake.csv"
    intake.write_text(",".join(["id", *FSW_68]) + "\n" + ",".join(["K2", *FSW_68.values()]) + "\n",
                      encoding="utf-8")
    result = cli("rules", "diff", str(old), str(new), "--answers", str(intake), "--as-of", "2026-11-25")
    assert result.exit_code == 0, result.output
    line = next(text for text in result.stdout.splitlines() if "requirement selection_grid" in text)
    assert "met → failed" in line
    assert "(actual 68; fsw_selection_grid now fsw_points >= 70, was fsw_points >= 67)" in line
    assert "needed" not in line
    data = diff(old, new, intake)  # as of 2026-01-01: the same rules in force
    [cause] = [cause for change in data["changes"] for cause in change["causes"] if cause["id"] == "selection_grid"]
    assert cause["rules"] == [{"id": "fsw_selection_grid", "old": "fsw_points >= 67", "new": "fsw_points >= 70"}]


def test_blank_rows_of_the_intake_are_nobody_in_a_diff(books: tuple[Path, Path, Path]) -> None:
    """A row of separators only between applicants (Excel's blank row) is neither counted nor unreadable."""
    old, new, intake = books
    lines = INTAKE.splitlines()
    intake.write_text("\n".join([*lines[:3], ",,,,,", *lines[3:]]) + "\n", encoding="utf-8")
    data = diff(old, new, intake)
    assert data["rows"] == 5
    assert [row["row"] for row in data["unreadable"]] == [5]  # c4's age, one row further down
