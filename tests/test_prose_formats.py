"""Numbers and dates a person reads are written the way their language writes them (review5 item 10):
`1,200` / `1 200` (no-break space), `25 June 2026` / `25 juin 2026`, `1er` for the first of a month;
ISO dates stay in machine outputs (JSON). Expected French is read from the catalog (screener.po), never
from the code under test; the score itself comes from the JSON report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from rich.console import Console
from typer.testing import CliRunner

import screener.render  # noqa: F401  (the renderers' wrapping rule)
from screener.cli import app

ROOT = Path(__file__).parent.parent
PO = ROOT / "screener" / "locale" / "fr" / "LC_MESSAGES" / "screener.po"
PERSONAS = ROOT / "tests" / "fixtures" / "personas"
AS_OF = "2026-11-25"
NBSP = "\u00a0"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def po(message: str, context: str | None = None) -> str:
    with PO.open("rb") as stream:
        found = read_po(stream, locale="fr").get(message, context=context)
    assert found is not None and found.string, message
    return str(found.string)


def french_date(day: int, month: int, year: int) -> str:
    """A date as the French catalog writes it (the first of a month as the catalog's `1`)."""
    words = po(f"{{day}} {MONTHS[month - 1]} {{year}}")
    return words.format(day=po("1", "first day of a month") if day == 1 else day, year=year)


def scientist(tmp_path: Path) -> Path:
    """The climate scientist with an ECA: FSW is open, so his CRS score and its rounds are shown."""
    answers = yaml.safe_load((PERSONAS / "climate_scientist.yaml").read_text())
    answers["education_assessed"] = True
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers))
    return path


def run(*args: str, lang: str = "en") -> str:
    result = CliRunner().invoke(app, [*args, "--rules", str(ROOT / "rules"), "--as-of", AS_OF, "--lang", lang],
                                env={"NO_COLOR": "1", "COLUMNS": "80", "SCREENER_RULES": ""})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def crs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    answers = scientist(tmp_path_factory.mktemp("crs"))
    report = json.loads(run("check", "--answers", str(answers), "--no-input", "--json"))
    return answers, report


def test_the_json_keeps_iso_dates_and_plain_numbers(crs: tuple[Path, dict]) -> None:
    _, report = crs
    assert report["rulebook"]["as_of"] == AS_OF
    details = report["score_details"]["crs_score"]
    assert details["max"] == 1200
    assert all(len(band["latest"]) == 10 and band["latest"][4] == "-" for band in details["recent_rounds"])


def test_the_score_out_of_its_maximum_is_grouped_in_english(crs: tuple[Path, dict]) -> None:
    answers, report = crs
    out = run("check", "--answers", str(answers), "--no-input", "--details")
    score = report["score_details"]["crs_score"]["value"]
    assert f"Your score: {score} out of 1,200" in out
    assert "out of 1200" not in out


def test_the_score_out_of_its_maximum_is_grouped_in_french(crs: tuple[Path, dict]) -> None:
    answers, report = crs
    out = run("check", "--answers", str(answers), "--no-input", "--details", lang="fr")
    score = report["score_details"]["crs_score"]["value"]
    assert po("Your score: {score} out of {most}").format(score=score, most=f"1{NBSP}200") in out


def test_round_dates_and_the_rules_date_are_words_in_both_languages(crs: tuple[Path, dict]) -> None:
    answers, report = crs
    latest = [band["latest"] for band in report["score_details"]["crs_score"]["recent_rounds"]]
    english = " ".join(run("check", "--answers", str(answers), "--no-input", "--details").split())
    french = " ".join(run("check", "--answers", str(answers), "--no-input", "--details", lang="fr").split())
    for iso in latest:
        assert iso not in english and iso not in french  # never ISO in prose
    year, month, day = (int(part) for part in latest[0].split("-"))
    assert f"latest {day} {MONTHS[month - 1]} {year})" in english
    assert " ".join(french_date(day, month, year).split()) in french
    assert f"in force on 25 November {2026} (“Can I move to Canada?”, version" in english
    footer = po("Based on the rules in force on {date} ({title}, version {version}).").split("{date}")[0]
    assert " ".join((footer + french_date(25, 11, 2026)).split()) in french
    assert AS_OF not in english and AS_OF not in french


def test_the_first_of_a_month_reads_as_each_language_writes_it() -> None:
    import datetime as dt

    from screener import i18n

    with i18n.language("en"):
        assert i18n.format_date(dt.date(2026, 7, 1)) == "1 July 2026"
    with i18n.language("fr"):
        assert i18n.format_date(dt.date(2026, 7, 1)) == french_date(1, 7, 2026)
        assert i18n.format_date(dt.date(2026, 7, 1)) != "1 July 2026"  # the catalog gives French words


def test_a_no_break_space_is_never_a_line_break() -> None:
    """rich breaks at U+00A0 (Textualize/rich#3545); the renderers keep `22 895 $` and `« mot »` whole."""
    console = Console(width=20, no_color=True)
    with console.capture() as captured:
        console.print(f"aaaaaaaaaaaaaaa 22{NBSP}895{NBSP}$ b «{NBSP}mot{NBSP}» c")
    lines = captured.get().splitlines()
    assert f"22{NBSP}895{NBSP}$" in "\n".join(lines)
    assert any(f"«{NBSP}mot{NBSP}»" in line for line in lines)


def us_engineer(tmp_path: Path) -> Path:
    """review10's US engineer (no offer, no English test): a study permit whose tuition is not yet answered."""
    lines = (ROOT / "tests" / "fixtures" / "check" / "us_developer_no_offer.yaml").read_text().splitlines()
    kept = [line for line in lines if not line.startswith(("#", "english_clb", "age", "foreign_work"))]
    path = tmp_path / "eng.yaml"  # edited as text: a YAML round trip would read the province `ON` as true
    path.write_text("\n".join([*kept, "age: 31", "foreign_work_years: 5", "english_test: none", ""]))
    return path


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_an_unknown_amount_is_never_glued_to_a_dollar_sign(tmp_path: Path, lang: str) -> None:
    """review10 item 4: `$not known until you answer …` / `… » $`: an amount not yet known reads as words."""
    text = " ".join(run("check", "--answers", str(us_engineer(tmp_path)), "--no-input", "--details",
                        lang=lang).replace(NBSP, " ").split())
    words = "an amount (" if lang == "en" else po("an amount ({unknown})").split("{")[0]
    assert text.count(words) >= 2  # living costs plus tuition, and the total
    assert "$not" not in text and "$ not" not in text and "$a" not in text
    assert "» $" not in text and ") $" not in text and "$ un" not in text
