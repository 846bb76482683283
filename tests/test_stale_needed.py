"""`rules validate` warns when a requirement's `needed:` writes a number its condition no longer uses."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lawyer_kit import cli, edit

RULES = Path(__file__).resolve().parent.parent / "rules"
GRID = "expr: fsw_points >= 67"


def copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "my-rules"
    shutil.copytree(RULES, target)
    # a changed `needed` has no French yet: make that a warning, as while a lawyer drafts
    edit(target / "rulebook.yaml", "  languages: {required: [fr]}", "  languages: {required: []}")
    # the pass mark written as a number where the shipped rules read `fsw_pass_mark` (an older copy)
    edit(target / "derived.yaml", "expr: fsw_points >= fsw_pass_mark", GRID)
    edit(target / "pathways" / "express_entry.yaml", 'needed: "≥ {fsw_pass_mark}"', 'needed: "≥ 67"')
    return target


def needed_warnings(book: Path, lang: str = "en") -> list[str]:
    result = cli("rules", "validate", str(book), "--lang", lang)
    assert result.exit_code == 0, result.output
    word = "'needed'" if lang == "en" else "«\u00a0needed\u00a0»"
    return [line for line in result.output.splitlines() if word in line]


def position_of(path: Path, text: str) -> str:
    """`file:line:col` of the value after `needed: ` on the line holding `text`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return f"{path}:{number}:{line.index('needed: ') + len('needed: ') + 1}:"
    raise AssertionError(text)


def test_the_shipped_rules_give_no_such_warning(tmp_path: Path) -> None:
    assert needed_warnings(RULES) == []
    assert needed_warnings(copy_rules(tmp_path)) == []


@pytest.mark.parametrize(("lang", "words"), [("en", "says 67"), ("fr", "indique 67")])
def test_raising_the_fsw_grid_to_70_flags_the_needed_line_once(tmp_path: Path, lang: str, words: str) -> None:
    book = copy_rules(tmp_path)
    edit(book / "derived.yaml", GRID, "expr: fsw_points >= 70")
    (line,) = needed_warnings(book, lang)
    assert line.startswith(position_of(book / "pathways" / "express_entry.yaml", 'needed: "≥ 67"')), line
    assert words in line and "70" in line and "selection_grid" in line


def test_updating_needed_with_the_condition_clears_it(tmp_path: Path) -> None:
    book = copy_rules(tmp_path)
    edit(book / "derived.yaml", GRID, "expr: fsw_points >= 70")
    edit(book / "pathways" / "express_entry.yaml", 'needed: "≥ 67"', 'needed: "≥ 70"')
    assert needed_warnings(book) == []


def test_numbers_in_a_derived_value_read_through_another_are_followed(tmp_path: Path) -> None:
    """`skilled_occupation` is `occupation_teer <= 3`: a needed of "≤ 2" beside it is stale."""
    book = copy_rules(tmp_path)
    path = book / "pathways" / "express_entry.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count('needed: "≤ 3"') == 2
    path.write_text(text.replace('needed: "≤ 3"', 'needed: "≤ 2"'), encoding="utf-8")
    lines = needed_warnings(book)
    assert len(lines) == 2 and all("says 2" in line and "uses 3" in line for line in lines), lines


@pytest.mark.parametrize(("needed", "when"), [("$15,263 for one person", "does not use until 2025-07-06"),
                                              ("$15,264 for one person", "never uses")])
def test_a_table_the_condition_looks_up_lends_its_cells(tmp_path: Path, needed: str, when: str) -> None:
    """Settlement funds read `ee_funds_required`, a lookup in the funds tables: their amounts count, those of
    the table of the version in force on each date (the 2025 table's $15,263 from 2025-07-07 only)."""
    book = copy_rules(tmp_path)
    edit(book / "pathways" / "express_entry.yaml", "        actual: settlement_funds_cad\n",
         f"        actual: settlement_funds_cad\n        needed: \"{needed}\"\n")
    (line,) = needed_warnings(book)
    assert "settlement_funds" in line and needed.split()[0].lstrip("$") in line and when in line, line


def test_a_number_beside_a_score_is_checked_against_the_condition_only(tmp_path: Path) -> None:
    """`fsw_points` is a score: its lines' points are not thresholds, so "12 points" is flagged."""
    book = copy_rules(tmp_path)
    edit(book / "pathways" / "express_entry.yaml", 'needed: "≥ 67"', 'needed: "≥ 67, with 12 for age"')
    (line,) = needed_warnings(book)
    assert "says 12" in line
