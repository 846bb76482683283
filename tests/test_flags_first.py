"""Admissibility comes first (canada-rules.md §13.30), on every screen that shows routes.

review5 item 6: a medical flag (`serious_health_condition: yes`, severity "warning") appeared only in
`--details`. Every flag the report raises is on the first screen, before any route, in English and
French; the `--report` file and the web verdict page put it before the routes too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from screen_kit import check

from screener.i18n import after_colon, language

BASE = {"goal": "work", "canadian_citizen": "no", "age": 41, "us_citizen": "yes", "job_offer": "yes",
        "cusma_profession": "yes", "criminal_record": "no", "impaired_driving": "none", "misrepresentation": "no",
        "serious_health_condition": "no"}
CASES = {
    "medical": {"serious_health_condition": "yes"},
    "conviction_too_early": {"criminal_record": "yes", "criminal_conviction": "yes",
                             "years_since_sentence_completed": 2},
    "old_dui": {"impaired_driving": "before_2018_12_18", "years_since_sentence_completed": 12},
    "misrepresentation": {"misrepresentation": "yes", "serious_health_condition": "yes"},
}
ROUTE_HEADINGS = ("Open to you", "Undecided:", "Voie ouverte", "Voies ouvertes", "À déterminer")


def first_route_line(lines: list[str]) -> int:
    """The first line of the screen's route sections (the headline above them is not a route list)."""
    return next(n for n, line in enumerate(lines) if n > 0 and line.startswith(ROUTE_HEADINGS))


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_every_flag_is_on_the_first_screen_before_any_route(tmp_path: Path, case: str, lang: str) -> None:
    answers = {**BASE, **CASES[case]}
    flags = json.loads(check(tmp_path, answers, "--json", lang=lang))["flags"]
    assert flags, case  # each case raises at least one flag
    screen = check(tmp_path, answers, lang=lang)
    lines = screen.splitlines()
    text = " ".join(" ".join(lines[:first_route_line(lines)]).split())
    serious = any(flag["severity"] == "serious" for flag in flags)
    with language(lang):  # after « À régler d'abord : » and « Voir aussi : », French writes it in lower case
        titles = [after_colon(title) if serious else title for title in (" ".join(f["title"].split()) for f in flags)]
    for title in titles:
        assert title in text, (title, screen)


@pytest.mark.parametrize(("lang", "word"), [("en", "WARNING: "), ("fr", "AVERTISSEMENT : ")])
def test_a_medical_warning_is_marked_as_in_the_details(tmp_path: Path, lang: str, word: str) -> None:
    screen = check(tmp_path, {**BASE, **CASES["medical"]}, lang=lang)
    assert word in screen.replace("\u00a0", " ")
    assert "STOP" not in screen and "À régler d'abord" not in screen  # a warning is not a bar


def test_the_report_file_puts_every_flag_before_the_routes(tmp_path: Path) -> None:
    target = tmp_path / "verdict.md"
    check(tmp_path, {**BASE, **CASES["medical"]}, "--report", str(target))
    text = target.read_text(encoding="utf-8")
    assert text.index("A health condition may raise medical inadmissibility") < text.index("## Routes open to you")
