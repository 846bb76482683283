"""`covers_from` and `review_by`: an as-of date before what the rulebook models, or after its own review date (the
law may have changed since), warns, one line, and never stops the run."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from lawyer_kit import cli, copy_book, edit

RULES = Path(__file__).resolve().parent.parent / "rules"


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
        "décembre"]


def shipped(key: str) -> str:
    info = yaml.safe_load((RULES / "rulebook.yaml").read_text(encoding="utf-8"))["rulebook"]
    return str(info[key])


def shipped_start() -> str:
    return shipped("covers_from")


def the_day_after(iso: str) -> str:
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=1)).isoformat()


def in_words(iso: str, lang: str) -> str:
    """A date as a sentence writes it: `1 June 2008` / `1er juin 2008` (never ISO in prose)."""
    year, month, day = (int(part) for part in iso.split("-"))
    if lang == "en":
        return f"{day} {MONTHS[month - 1]} {year}"
    return f"{'1er' if day == 1 else day} {MOIS[month - 1]} {year}"


def answers(tmp_path: Path) -> Path:
    path = tmp_path / "me.yaml"
    path.write_text("age: 30\ncanadian_citizen: 'no'\n", encoding="utf-8")
    return path


def warnings(stderr: str, label: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(label)]


@pytest.mark.parametrize(("lang", "label", "words"), [
    ("en", "warning:", "is before"), ("fr", "avertissement\u00a0:", "est antérieure au")])
def test_check_before_the_coverage_warns_once_and_still_answers(tmp_path: Path, lang: str, label: str,
                                                                  words: str) -> None:
    result = cli("check", "--answers", str(answers(tmp_path)), "--no-input", "--as-of", "2008-06-01",
                 "--lang", lang)
    assert result.exit_code == 0, result.output
    (line,) = [line for line in warnings(result.stderr, label) if words in line]
    flat = line.replace("\u00a0", " ")  # French dates may hold no-break spaces
    assert in_words("2008-06-01", lang) in flat and in_words(shipped_start(), lang) in flat
    assert "2008-06-01" not in line and shipped_start() not in line  # words, like the review warnings
    assert result.stdout.strip()  # the verdict is still shown


def test_the_first_covered_day_and_today_give_no_warning(tmp_path: Path) -> None:
    for day in (shipped_start(), None):
        args = ["--as-of", day] if day else []
        result = cli("check", "--answers", str(answers(tmp_path)), "--no-input", *args, "--lang", "en")
        assert result.exit_code == 0, result.output
        assert "earliest date" not in result.output


def test_json_lists_it_with_the_review_warnings(tmp_path: Path) -> None:
    result = cli("check", "--answers", str(answers(tmp_path)), "--json", "--as-of", "2008-06-01", "--lang", "en")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["rulebook"]["as_of"] == "2008-06-01"  # the machine's date stays ISO
    assert any(in_words("2008-06-01", "en") in line and in_words(shipped_start(), "en") in line
               for line in report["review_due"])
    day = cli("check", "--answers", str(answers(tmp_path)), "--json", "--as-of", shipped_start(), "--lang", "en")
    assert not any("earliest date" in line for line in json.loads(day.stdout)["review_due"])


def test_batch_warns_on_stderr(tmp_path: Path) -> None:
    intake = tmp_path / "intake.csv"
    intake.write_text("age,canadian_citizen\n30,no\n", encoding="utf-8")
    result = cli("batch", str(intake), "-o", str(tmp_path / "out.csv"), "--as-of", "2008-06-01", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert [line for line in warnings(result.stderr, "warning:") if "1 June 2008 is before" in line]


@pytest.mark.parametrize(("lang", "label", "words"), [
    ("en", "warning:", "the law may have changed"), ("fr", "avertissement\u00a0:", "le droit a pu changer")])
def test_check_after_the_rulebooks_review_date_warns_once(tmp_path: Path, lang: str, label: str, words: str) -> None:
    late = the_day_after(shipped("review_by"))
    result = cli("check", "--answers", str(answers(tmp_path)), "--no-input", "--as-of", late, "--lang", lang)
    assert result.exit_code == 0, result.output
    (line,) = [line for line in warnings(result.stderr, label) if words in line]
    flat = line.replace("\u00a0", " ")
    assert in_words(late, lang) in flat and in_words(shipped("review_by"), lang) in flat
    assert result.stdout.strip()


def test_the_review_date_itself_gives_no_late_warning(tmp_path: Path) -> None:
    result = cli("check", "--answers", str(answers(tmp_path)), "--no-input", "--as-of", shipped("review_by"),
                 "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "may have changed" not in result.output


def test_batch_warns_once_after_the_review_date(tmp_path: Path) -> None:
    intake = tmp_path / "intake.csv"
    intake.write_text("age,canadian_citizen\n30,no\n", encoding="utf-8")
    late = the_day_after(shipped("review_by"))
    result = cli("batch", str(intake), "-o", str(tmp_path / "out.csv"), "--as-of", late, "--lang", "en")
    assert result.exit_code == 0, result.output
    about_the_rulebook = [line for line in warnings(result.stderr, "warning:") if "rulebook" in line]
    assert len(about_the_rulebook) == 1 and "the law may have changed" in about_the_rulebook[0]


def test_a_lawyers_own_rulebook_sets_it_and_explain_warns(tmp_path: Path) -> None:
    book = copy_book(tmp_path)
    edit(book / "rulebook.yaml", "  review_by: 2030-01-01\n", "  review_by: 2030-01-01\n  covers_from: 2020-01-01\n")
    assert cli("rules", "validate", str(book)).exit_code == 0
    before = cli("rules", "explain", "--rules", str(book), "--as-of", "2019-12-31", "--lang", "en")
    assert before.exit_code == 0, before.output
    assert "31 December 2019 is before 1 January 2020" in " ".join(before.output.split())
    on = cli("rules", "explain", "--rules", str(book), "--as-of", "2020-01-01", "--lang", "en")
    assert "is before" not in on.output


def test_a_bad_date_is_a_validation_error_at_its_place(tmp_path: Path) -> None:
    book = copy_book(tmp_path)
    edit(book / "rulebook.yaml", "  review_by: 2030-01-01\n", "  review_by: 2030-01-01\n  covers_from: 1 May 2020\n")
    result = cli("rules", "validate", str(book))
    assert result.exit_code == 1
    assert f"{book / 'rulebook.yaml'}:7:" in result.output and "covers_from" in result.output
