"""A label or a rule text placed inside a sentence loses its capital (issue 16, review 7): « Reste à préciser :
province visée », « Exigé : vous avez 35 ans ou moins », "then it depends on marital status"; a name keeps
it (Colombie-Britannique, Entrée express, NCLC 7, Québec). French writes the word after a colon in lower case
(Bureau de la traduction); English may start a sentence after a colon with a capital, so only its label lists
change. One helper does it (`screener.i18n.in_sentence`, `after_colon`); these tests read what a person sees."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screener.cli import app
from screener.i18n import after_colon, french_spacing, in_sentence, language

PERSONAS = Path(__file__).parent / "fixtures" / "personas"
NBSP = "\u00a0"


@pytest.mark.parametrize(("text", "shown"), [
    ("État matrimonial", "état matrimonial"), ("Je ne sais pas", "je ne sais pas"),
    ("L'Entente sur les tiers pays sûrs ne s'applique pas", "l'Entente sur les tiers pays sûrs ne s'applique pas"),
    ("Colombie-Britannique", "Colombie-Britannique"), ("Île-du-Prince-Édouard", "Île-du-Prince-Édouard"),
    ("Québec", "Québec"), ("Ontario", "Ontario"), ("NCLC 7 ou plus", "NCLC 7 ou plus"),
    ("CELPIP-General", "CELPIP-General"), ("Entrée express", "Entrée express"),
    ("Programme des candidats des provinces", "Programme des candidats des provinces"),
    ("Canadaville", "canadaville"),  # a name is a whole word, not a prefix
])
def test_french_lowers_the_first_letter_unless_a_name_begins_the_text(text: str, shown: str) -> None:
    with language("fr"):
        assert in_sentence(text) == shown
        assert after_colon(text) == shown


@pytest.mark.parametrize(("text", "shown"), [
    ("Marital status", "marital status"), ("First-year tuition", "first-year tuition"),
    ("Canadian citizen", "Canadian citizen"), ("English test", "English test"), ("US citizen", "US citizen"),
    ("LMIA for the offer", "LMIA for the offer"),
])
def test_english_lowers_a_label_in_a_sentence_but_keeps_proper_words(text: str, shown: str) -> None:
    with language("en"):
        assert in_sentence(text) == shown
        assert after_colon(text) == text  # "Needed: You are…" may start a sentence after the colon


def details(name: str, lang: str) -> list[str]:
    result = CliRunner().invoke(app, ["check", "--lang", lang, "--answers", str(PERSONAS / f"{name}.yaml"),
                                      "--no-input", "--details", "--as-of", "2026-11-25"],
                                env={"COLUMNS": "400", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return result.stdout.replace(NBSP, " ").splitlines()


def after(marker: str, lines: list[str]) -> list[str]:
    """The text after each `marker` in the lines (`Exigé : `), and after each `; ` of an answers line."""
    found = [line.split(marker, 1)[1] for line in lines if marker in line]
    return [part for text in found for part in text.split("; ")] if marker.startswith("Vos") else found


def test_a_french_requirement_and_the_answers_behind_it_are_written_in_lower_case() -> None:
    lines = details("honduran_in_us", "fr") + details("barista_working_year", "fr")
    needed = after("Exigé : ", lines)
    assert len(needed) > 20
    assert "l'Entente sur les tiers pays sûrs ne s'applique pas à vous" in " ".join(needed)
    assert any(text.startswith("NCLC 7") for text in needed)  # an acronym keeps its capitals
    assert [text for text in needed if text[0].isupper() and not text.startswith(("NCLC", "CNP"))] == []
    answers = after("Vos réponses : ", lines)
    assert "état matrimonial : célibataire" in answers and "test de français : aucun de ceux-ci" in answers
    assert "province visée : Colombie-Britannique" in answers  # a province is a name
    assert [part for part in answers if part[0].isupper()] == []
    assert "Remarque : Les États-Unis" in " ".join(lines)  # after « Remarque : » a capital (Bureau 6.4.3)


def test_a_serious_flag_reads_as_a_sentence_after_its_colon_in_french() -> None:
    result = CliRunner().invoke(app, ["check", "--lang", "fr", "--answers", str(PERSONAS / "lawyer_with_dui.yaml"),
                                      "--no-input", "--as-of", "2026-11-25"], env={"COLUMNS": "400", "NO_COLOR": "1"})
    shown = result.stdout.replace(NBSP, " ")
    assert "À régler d'abord : la conduite avec facultés affaiblies" in shown
    assert "Voir aussi : vous pouvez demander la réadaptation criminelle" in shown


def test_english_label_lists_are_in_lower_case_and_english_requirements_keep_their_capital() -> None:
    lines = details("barista_working_year", "en")
    assert any(re.search(r"Needed: [A-Z]", line) for line in lines)
    result = CliRunner().invoke(app, ["check", "--lang", "en", "--answers", str(PERSONAS / "married_to_canadian.yaml"),
                                      "--no-input", "--as-of", "2026-11-25"], env={"COLUMNS": "400", "NO_COLOR": "1"})
    assert "Canadian Experience Class (Express Entry): intended province, TEER of your occupation" in result.stdout


def first_screen(path: Path, lang: str, *options: str) -> str:
    result = CliRunner().invoke(app, ["check", "--lang", lang, "--answers", str(path), "--no-input",
                                      "--as-of", "2026-11-25", *options], env={"COLUMNS": "400", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return result.stdout.replace(NBSP, " ")


def test_a_route_title_after_a_french_colon_is_lowered_and_a_name_keeps_its_capital() -> None:
    married = first_screen(PERSONAS / "married_to_canadian.yaml", "fr")
    assert "Voie ouverte : parrainage par votre époux" in married
    assert "Open to you: Sponsorship by your Canadian" in first_screen(PERSONAS / "married_to_canadian.yaml", "en")
    scientist = first_screen(PERSONAS / "climate_scientist.yaml", "fr", "--details")
    assert "Votre meilleure option : permis de travail de professionnel de l'ACEUM" in scientist
    english = first_screen(PERSONAS / "climate_scientist.yaml", "en", "--details")
    assert "Your best option: CUSMA professional" in english
    barista = first_screen(PERSONAS / "barista_working_year.yaml", "fr")
    assert "Voie ouverte : Expérience internationale Canada" in barista  # a program's name


def test_the_change_that_would_open_a_route_reads_as_a_sentence(tmp_path: Path) -> None:
    """The US engineer with no language test (review 10): the what-if line after « Ce qui changerait cela : »,
    and a route title inside an English sentence ("opens study permit", but "Federal Skilled Worker Program")."""
    lines = (Path(__file__).parent / "fixtures" / "check" / "us_developer_no_offer.yaml").read_text().splitlines()
    kept = [line for line in lines if not line.startswith(("english_clb", "foreign_work", "age:"))]
    engineer = tmp_path / "eng.yaml"
    engineer.write_text("\n".join([*kept, "age: 31", "foreign_work_years: 5", "english_test: none", ""]))
    french = first_screen(engineer, "fr")
    assert "Ce qui changerait cela : test d'anglais avec NCLC 8" in french
    english = first_screen(engineer, "en")
    assert "What could change this: English test at CLB 8" in english
    assert "makes you eligible for Federal Skilled Worker Program" in english
    details = first_screen(PERSONAS / "honduran_in_us.yaml", "en", "--details")
    assert "opens study permit, then it depends on" in details and "opens Study permit" not in details
    assert "« Permis d'études »" in first_screen(PERSONAS / "honduran_in_us.yaml", "fr", "--details")


def test_a_french_batch_warning_reads_as_a_sentence_after_its_colon(tmp_path: Path) -> None:
    table = tmp_path / "one.csv"
    table.write_text("age\n30\n")
    result = CliRunner().invoke(app, ["batch", str(table), "-o", str(tmp_path / "out.csv"), "--lang", "fr",
                                      "--as-of", "2026-11-25"], env={"COLUMNS": "400", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.replace(NBSP, " ").splitlines() if line.startswith("avertissement : ")]
    # batch says past-review data in one line (e09747c); `rules validate` below names each item
    assert any("éléments des règles ont dépassé leur date de révision" in line for line in warnings), warnings
    assert [line for line in warnings if line.removeprefix("avertissement : ")[0].isupper()] == []
    validate = CliRunner().invoke(app, ["rules", "validate", "--lang", "fr"], env={"COLUMNS": "400", "NO_COLOR": "1"})
    said = [line for line in validate.output.replace(NBSP, " ").splitlines() if "avertissement : " in line]
    assert any("avertissement : le tableau « ee_funds_2025 »" in line for line in said)
    assert [line for line in said if line.split("avertissement : ", 1)[1][0].isupper()] == []


def test_french_digit_groups_are_held_together_by_a_no_break_space() -> None:
    result = CliRunner().invoke(app, ["check", "--lang", "fr", "--answers", str(PERSONAS / "barista_working_year.yaml"),
                                      "--no-input", "--details", "--as-of", "2026-11-25"],
                                env={"COLUMNS": "400", "NO_COLOR": "1"})
    assert f"1{NBSP}560 heures" in result.stdout and "1 560" not in result.stdout
    with language("fr"):
        assert french_spacing("(1 560 heures), CNP 2021 72, 22 895 000 $") == (
            f"(1{NBSP}560 heures), CNP 2021 72, 22{NBSP}895{NBSP}000{NBSP}$")  # `2021 72` is two numbers
