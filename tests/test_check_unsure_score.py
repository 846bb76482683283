"""A score left unknown by an "I am not sure" answer (review11 #6): --details and --report name that answer
and the range the score can still take, never "Still to answer: ." with an empty list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screener.cli import app

ROOT = Path(__file__).parent.parent
# The reviewer's US software engineer: a TEER 1 job offer whose LMIA status they were not sure of.
ENGINEER = {
    "goal": "live_permanently", "canadian_citizen": "no", "intended_province": "ON", "marital_status": "single",
    "english_test": "ielts_general", "english_score_listening": 8, "english_score_reading": 8,
    "english_score_writing": 7, "english_score_speaking": 7.5, "occupation_teer": 1, "canadian_work_years": 0,
    "job_offer": "yes", "age": 31, "dependent_children": 0, "settlement_funds_cad": 25000, "sibling_in_canada": "no",
    "relative_in_canada": "no", "french_test": "none", "education": "masters", "education_assessed": "yes",
    "canadian_education": "none", "foreign_work_years": 6, "continuous_year": "yes", "job_offer_teer": 1,
    "job_offer_lmia": "unsure", "us_citizen": "yes", "trade_certificate": "no", "cusma_profession": "yes",
    "provincial_nomination": "no", "criminal_record": "no", "impaired_driving": "none", "misrepresentation": "no",
    "serious_health_condition": "no",
}
# FSW grid (IRPR s.79-83): IELTS 8/8/7/7.5 is CLB 9 or more in each ability -> 4 x 6 = 24, a master's with
# an ECA 23, six years abroad 15, age 31 -> 12: 74. Arranged employment adds 10, and 5 more as adaptability,
# only with an LMIA or an exemption: so 74 without it, 89 with it.
WORDS = {
    "en": ("Cannot be computed yet: between 74 and 89 on your answers. Still to answer: LMIA for the offer "
           "(you were not sure)."),
    "fr": ("Ne peut pas encore être calculée : entre 74 et 89 selon vos réponses. Reste à préciser : EIMT pour "
           "l'offre (vous n'en étiez pas sûr)."),
}


def check(tmp_path: Path, *args: str, lang: str = "en", given: dict[str, object] = ENGINEER) -> str:
    answers = tmp_path / "engineer.json"
    answers.write_text(json.dumps(given))
    result = CliRunner().invoke(app, ["check", "--rules", str(ROOT / "rules"), "--as-of", "2026-11-25", "--answers",
                                      str(answers), "--no-input", "--lang", lang, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_details_name_the_unsure_answer_and_the_range(tmp_path: Path, lang: str) -> None:
    text = " ".join(check(tmp_path, "--details", lang=lang).split())
    assert WORDS[lang] in text
    assert ": ." not in text and " : ." not in text  # never an empty list


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_report_file_keeps_the_unknown_grid(tmp_path: Path, lang: str) -> None:
    text = " ".join(check(tmp_path, "--report", "-", lang=lang).split())
    title = {"en": "## Federal Skilled Worker selection grid",
             "fr": "## Grille de sélection du Programme des travailleurs qualifiés (fédéral)"}[lang]
    assert f"{title} {WORDS[lang]}" in text


def test_an_lmia_left_unanswered_is_still_to_answer_without_a_mark(tmp_path: Path) -> None:
    unanswered = {key: value for key, value in ENGINEER.items() if key != "job_offer_lmia"}
    text = " ".join(check(tmp_path, "--details", given=unanswered).split())
    assert "between 74 and 89 on your answers. Still to answer: LMIA for the offer." in text
