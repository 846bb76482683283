"""`screener rules explain` (the law as the rulebook reads it) and `screener rules init` (a copy to edit)."""

from __future__ import annotations

from pathlib import Path

from lawyer_kit import MINI, cli, copy_book, edit


def explain(*args: str) -> str:
    result = cli("rules", "explain", "--rules", str(MINI), "--as-of", "2026-01-01", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_markdown_lists_requirements_with_conditions_and_citations() -> None:
    text = explain("skilled", "--markdown")
    assert text.startswith("# Skilled worker (`skilled`)\n")
    assert "1. **CLB 7 or higher** (`language`)\n   - Condition: `english_clb >= 7`\n" in text
    assert "   - Law: Mini Act s.2\n" in text
    assert "- Advice when not met: Raise your English to CLB 7 (now {english_clb})." in text


def test_markdown_shows_the_tables_rows_and_dated_lines_it_relies_on() -> None:
    text = explain("skilled", "--markdown")
    assert "#### Points for age (`age_points`)" in text
    assert "| 2 | 18 to 35 | 12 |" in text and "| 1 | 17 or less | 0 |" in text and "| 4 | 47 or more | 0 |" in text
    assert "| 1 | = bachelors | 15 |" in text
    assert "| Job offer (`offer`) | `if(job_offer, 10, 0)` |  | until 2025-03-24 (not on 2026-01-01) |" in text
    assert "- `english_clb` — Your lowest English CLB level? (int 0–12)" in text
    assert "1. Create a profile. https://example.org/profile" in text
    # the working holiday uses no table: none is listed for it
    assert "## Tables" not in explain("working_holiday", "--markdown")


def test_past_due_data_is_marked(tmp_path: Path) -> None:
    book = copy_book(tmp_path)
    edit(book / "tables.yaml", "review_by: 2030-01-01", "review_by: 2020-01-01")
    result = cli("rules", "explain", "skilled", "--rules", str(book), "--markdown")
    assert "review by 2020-01-01 — **past due**" in result.stdout
    shown = cli("rules", "explain", "skilled", "--rules", str(book))
    # a reader of the law gets one line; the maintainer's `rules validate` lists each item
    assert ("warning: 1 item of the rules is past its review date (for the rules' maintainer: "
            "`screener rules validate` lists it)") in shown.stdout
    assert "was due for review on" not in shown.stdout
    validated = cli("rules", "validate", str(book))
    assert validated.exit_code == 0, validated.output
    assert "warning: Table 'age_points' (Points for age) was due for review on 1 January 2020" in validated.stdout


def test_terminal_output_and_the_pathway_list() -> None:
    assert "CLB 7 or higher" in explain("skilled") and "#" not in explain("skilled").splitlines()[0]
    listing = explain("--markdown")
    assert "| `skilled` | Skilled worker | permanent residence | 2 |" in listing


def test_unknown_pathway_suggests_the_right_one() -> None:
    result = cli("rules", "explain", "skiled", "--rules", str(MINI))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"Error: no pathway 'skiled' in {MINI} (did you mean 'skilled'?)"


def test_init_copies_a_rulebook_that_validates_and_is_selected_by_the_variable(tmp_path: Path) -> None:
    target = tmp_path / "mine"
    result = cli("rules", "init", str(target), "--rules", str(MINI))
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*.yaml")) == sorted(
        p.relative_to(MINI).as_posix() for p in MINI.rglob("*.yaml"))
    assert f"export SCREENER_RULES={target}" in result.stdout
    edit(target / "pathways.yaml", "english_clb >= 7", "english_clb >= 10")
    # SCREENER_RULES selects the copy in every rules command
    tested = cli("rules", "test", env={"SCREENER_RULES": str(target)})
    assert tested.exit_code == 1 and str(target / "tests" / "cases.yaml") in tested.stdout
    explained = cli("rules", "explain", "skilled", "--markdown", env={"SCREENER_RULES": str(target)})
    assert "`english_clb >= 10`" in explained.stdout
    assert "mine" in cli("rules", "validate", env={"SCREENER_RULES": str(target)}).stdout


def test_init_copies_the_default_rulebook_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "copy"
    assert cli("rules", "init", str(target)).exit_code == 0
    assert (target / "rulebook.yaml").is_file()
    again = cli("rules", "init", str(target))
    assert again.exit_code == 1
    assert again.stderr.strip() == f"Error: {target} already exists and is not empty; choose a new folder"
