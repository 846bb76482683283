"""A score's `short_title` ("CRS", "SCG" in French): the name the verdict uses in a sentence ("Your CRS
score: 469."), written in the rules, never read out of the title."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_loader import COMPACT_HEADER
from test_translations import FRENCH, MAIN, problems, warnings, write
from test_verdict_score_line import flat, short_verdict

from screener import i18n
from screener.rulebook import RulebookError, load_rulebook

RULES = Path(__file__).parent.parent / "rules"

SCORE = """\
scores:
  - id: points
    title: Demo points grid (DPG)
    short_title: DPG
    lines:
      - {id: age, text: Age, points: age}
"""
SCORE_FR = """\
scores:
  points:
    title: Grille de points de démonstration (GPD)
    short_title: GPD
    lines: {age: Âge}
"""


def test_the_shipped_scores_name_themselves_in_both_languages() -> None:
    rulebook = load_rulebook(RULES)
    assert rulebook.scores["crs_score"].short_title == "CRS"
    assert rulebook.in_language("fr").scores["crs_score"].short_title == "SCG"
    report = rulebook.in_language("fr").evaluate({})
    assert report.scores["crs_score"].short_title == "SCG"


def test_a_short_title_is_translated_and_a_missing_french_one_is_reported(tmp_path: Path) -> None:
    rulebook = load_rulebook(write(tmp_path, {"main.yaml": MAIN + SCORE, "main.fr.yaml": FRENCH + SCORE_FR}))
    assert rulebook.evaluate({"age": 30}).scores["points"].short_title == "DPG"
    assert rulebook.in_language("fr").evaluate({"age": 30}).scores["points"].short_title == "GPD"
    write(tmp_path, {"main.fr.yaml": FRENCH + SCORE_FR.replace("    short_title: GPD\n", "")})
    line = (MAIN + SCORE).splitlines().index("    short_title: DPG") + 1
    assert warnings(tmp_path) == [f"{tmp_path / 'main.yaml'}:{line}:18: no French (fr) text for score 'points' "
                                  "short title"]


def test_a_french_short_title_without_an_english_one_is_an_error(tmp_path: Path) -> None:
    main = MAIN + SCORE.replace("    short_title: DPG\n", "")
    line = (FRENCH + SCORE_FR).splitlines().index("    short_title: GPD") + 1
    assert problems(write(tmp_path, {"main.yaml": main, "main.fr.yaml": FRENCH + SCORE_FR})) == [
        f"{tmp_path / 'main.fr.yaml'}:{line}:18: the English has no score 'points' short title: remove this "
        "French text"]


@pytest.mark.parametrize(("lang", "message"), [
    ("en", "short_title: must be at most 20 characters"),
    ("fr", "short_title: doit avoir au plus 20 caractères"),
])
def test_a_short_title_that_is_a_whole_title_is_refused_at_its_line(tmp_path: Path, lang: str, message: str) -> None:
    text = COMPACT_HEADER + SCORE.replace("short_title: DPG", "short_title: Demo points grid of the example")
    (tmp_path / "main.yaml").write_text(text, encoding="utf-8")
    with i18n.command_language(lang), pytest.raises(RulebookError) as caught:
        load_rulebook(tmp_path)
    line = text.splitlines().index("    short_title: Demo points grid of the example") + 1
    assert caught.value.details == [f"{tmp_path / 'main.yaml'}:{line}:18: {message}"]


def _rules_with(tmp_path: Path, english: str | None, french: str | None) -> Path:
    """The shipped rules, with the CRS score's short title in each language replaced (None: left out)."""
    copy = tmp_path / "rules"
    shutil.copytree(RULES, copy)
    for name, old, new in (("crs.yaml", "    short_title: CRS\n", english),
                           ("crs.fr.yaml", "    short_title: SCG\n", french)):
        path = copy / "scores" / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, "" if new is None else f"    short_title: {new}\n"), encoding="utf-8")
    return copy


@pytest.mark.parametrize(("lang", "expected"), [("en", "Your EE score: 469."), ("fr", "Votre note EE : 469.")])
def test_the_verdict_names_the_score_by_its_short_title(tmp_path: Path, lang: str, expected: str) -> None:
    rules = _rules_with(tmp_path, "EE", "EE")
    assert expected in flat(short_verdict("--lang", lang, "--rules", str(rules)))


@pytest.mark.parametrize(("lang", "expected", "not_there"), [
    ("en", "Your score: 469.", "CRS score"), ("fr", "Votre note : 469.", "note SCG")])
def test_without_a_short_title_the_verdict_does_not_guess_one_from_the_title(
        tmp_path: Path, lang: str, expected: str, not_there: str) -> None:
    rules = _rules_with(tmp_path, None, None)  # the titles still say "(CRS)" / "(SCG)"
    output = flat(short_verdict("--lang", lang, "--rules", str(rules)))
    assert expected in output
    assert not_there not in output
