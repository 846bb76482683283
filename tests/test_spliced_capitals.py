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
from screener.i18n import after_colon, in_sentence, language

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
