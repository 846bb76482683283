"""review11 #12: what the lawyer's tools got wrong about French texts, dates, `rules diff` and `rules explain`."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from lawyer_kit import cli

from screener.stated import english_digits, limit_numbers, text_numbers

ROOT = Path(__file__).parent.parent
RULES = ROOT / "rules"
PERSON = ROOT / "tests" / "fixtures" / "personas" / "climate_scientist.yaml"


def init(tmp_path: Path) -> Path:
    """A firm's copy, as `screener rules init` makes it (a missing French text is a warning there)."""
    target = tmp_path / "my-rules"
    result = cli("rules", "init", str(target))
    assert result.exit_code == 0, result.output
    return target


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text in line)


def test_a_french_text_that_still_says_the_old_age_is_warned_about(tmp_path: Path) -> None:
    book = init(tmp_path)
    replace(book / "pathways" / "temporary.yaml", "condition: age <= 35", "condition: age <= 30")
    result = cli("rules", "validate", str(book))
    assert result.exit_code == 0, result.output
    french = book / "pathways" / "temporary.fr.yaml"
    where = f"{french}:{line_of(french, 'text: Vous avez 35 ans ou moins')}:"
    warned = [line for line in result.output.splitlines() if line.startswith(where)]
    assert len(warned) == 1 and "French text of requirement 'age_at_most_35' says 35" in warned[0], result.output
    assert "compares with 30" in warned[0]


def test_french_numbers_are_read_as_numbers() -> None:
    assert text_numbers(english_digits("2 500 $ et 6,5 points, 15\u00a0000 $", "fr")) == [2500, 6.5, 15000]
    assert limit_numbers("Vous avez 35 ans ou moins", "fr") == [35]
    assert limit_numbers("Au moins 67 points sur 100", "fr") == [67]
    assert english_digits("6,5", "en") == "6,5"  # English commas are thousands: left alone


def test_a_missing_french_requirement_text_shows_the_english_with_its_capital(tmp_path: Path) -> None:
    book = init(tmp_path)
    french = book / "pathways" / "temporary.fr.yaml"
    replace(french, "        text: Vous avez 35 ans ou moins\n", "")
    validated = cli("rules", "validate", str(book))
    assert validated.exit_code == 0, validated.output  # a translation may be staged: a warning, not an error
    assert "no French (fr) text for requirement 'age_at_most_35'" in validated.output
    answers = tmp_path / "older.yaml"
    answers.write_text("goal: work\nage: 40\nus_citizen: yes\n", encoding="utf-8")
    result = cli("check", "--rules", str(book), "--lang", "fr", "--details", "--no-input", "--answers", str(answers))
    assert result.exit_code == 0, result.output
    assert "Exigé : You are 35 or younger" in result.stdout.replace("\u00a0", " ").replace("\u202f", " ")
    assert "you are 35" not in result.stdout


def test_a_date_written_without_its_zeros_is_shown_with_them(tmp_path: Path) -> None:
    book = init(tmp_path)
    replace(book / "pathways" / "asylum.yaml", "effective_from: 2026-03-26", "effective_from: 2026-3-26")
    result = cli("rules", "validate", str(book))
    assert result.exit_code == 1
    assert "effective_from: write the date as YYYY-MM-DD: 2026-03-26" in result.output


def test_a_score_line_that_ends_counts_zero_and_rows_are_named_as_batch_names_them(tmp_path: Path) -> None:
    answers = yaml.safe_load(PERSON.read_text(encoding="utf-8"))
    cells = {"person": "climate_scientist",
             **{k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in answers.items()}}
    intake = tmp_path / "personas.csv"
    intake.write_text(",".join(cells) + "\n" + ",".join(cells.values()) + "\n", encoding="utf-8")
    result = cli("rules", "diff", str(RULES), str(RULES), str(intake), "--as-of", "2025-03-24",
                 "--new-as-of", "2025-03-25")
    assert result.exit_code == 0, result.output
    assert "row 1 (climate_scientist)" in result.output
    assert "line job_offer_points: 50 → 0 (not in force)" in result.output  # 263 → 213: the 50 points are gone


def test_explain_into_a_pipe_has_no_padding_and_whole_addresses() -> None:
    result = cli("rules", "explain", "asylum_claim", "--rules", str(RULES))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) > 100 and not [line for line in lines if line != line.rstrip()]
    markdown = cli("rules", "explain", "asylum_claim", "--rules", str(RULES), "--markdown").stdout
    addresses = set(re.findall(r"https://[^\s)]+[^\s).,;]", markdown))
    assert len(addresses) > 3
    assert all(address in result.stdout for address in addresses), addresses - set(result.stdout.split())
