"""An unknown value inside a rule's sentence (review5 item 9): the CRS score of someone who has not said
whether they hold a provincial nomination is never "(unknown)" (nor "(inconnu)", the wrong gender for
"note"): the step shows the score with each answer, computed by the JSON report's own engine for each
answer, and names the question. Expected French comes from the catalog, not from the code under test."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from screener.cli import app

ROOT = Path(__file__).parent.parent
PO = ROOT / "screener" / "locale" / "fr" / "LC_MESSAGES" / "screener.po"
PERSONAS = ROOT / "tests" / "fixtures" / "personas"
AS_OF = "2026-11-25"
NBSP = "\u00a0"


def po(message: str) -> str:
    with PO.open("rb") as stream:
        found = read_po(stream, locale="fr").get(message)
    assert found is not None and found.string, message
    return str(found.string)


def run(answers: Path, *args: str, lang: str = "en") -> str:
    result = CliRunner().invoke(app, ["check", "--rules", str(ROOT / "rules"), "--answers", str(answers),
                                      "--as-of", AS_OF, "--no-input", "--lang", lang, *args],
                                env={"NO_COLOR": "1", "COLUMNS": "80", "SCREENER_RULES": ""})
    assert result.exit_code == 0, result.output
    return result.output


def scientist(tmp_path: Path, **changes: object) -> Path:
    answers = yaml.safe_load((PERSONAS / "climate_scientist.yaml").read_text())
    answers.update({"education_assessed": True, **changes})
    answers = {k: v for k, v in answers.items() if v is not None}
    path = tmp_path / f"answers-{len(list(tmp_path.iterdir()))}.yaml"
    path.write_text(yaml.safe_dump(answers))
    return path


def test_the_crs_waiting_on_a_nomination_shows_both_values_in_both_languages(tmp_path: Path) -> None:
    unknown = scientist(tmp_path, provincial_nomination=None)
    scores = {answer: json.loads(run(scientist(tmp_path, provincial_nomination=answer), "--json"))
              ["score_details"]["crs_score"]["value"] for answer in (False, True)}
    assert json.loads(run(unknown, "--json"))["score_details"]["crs_score"]["value"] is None  # never guessed
    english = " ".join(run(unknown, "--details").split())
    assert (f"Compare your CRS score ({scores[False]} if you answer no to “Provincial nomination”, "
            f"{scores[True]:,} if yes)") in english
    assert "(unknown)" not in english
    french = " ".join(run(unknown, "--details", lang="fr").split())
    label = yaml.safe_load((ROOT / "rules" / "questions" / "offers_and_plans.fr.yaml").read_text())
    label = label["questions"]["provincial_nomination"]["label"]
    expected = po("{no} if you answer no to {question}, {yes} if yes").format(
        no=scores[False], yes=f"{scores[True]:,}".replace(",", NBSP), question=po("“{label}”").format(label=label))
    assert " ".join(expected.split()) in french
    assert "(inconnu)" not in french and "(unknown)" not in french


def test_an_unknown_that_waits_on_a_choice_names_the_answer(tmp_path: Path) -> None:
    """More than one yes/no away: no number at all, only the answers that would decide it."""
    unknown = scientist(tmp_path, provincial_nomination=None, sibling_in_canada=None)
    english = " ".join(run(unknown, "--details").split())
    assert "Compare your CRS score (not known until you answer “Sibling in Canada”, “Provincial nomination”)" in english
    assert "(unknown)" not in english
