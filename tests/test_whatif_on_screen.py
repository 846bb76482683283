"""The most useful what-if on the first screen when nothing is open (review5 item 7).

A US engineer with no language test was told only "No route is open yet; 2 could be: IEC, Study
permit"; that a language test could open Express Entry was in `--details` alone. With nothing open,
the first screen now names the one change that would open the most realistic route, and what that
route would then depend on, in English and French; with a route open it stays off the screen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from screen_kit import check

ENGINEER = {"goal": "live_permanently", "canadian_citizen": "no", "intended_province": "ON",
            "marital_status": "single", "english_test": "none", "french_test": "none", "us_citizen": "yes",
            "job_offer": "no", "employer_canadian_affiliate": "no", "criminal_record": "no",
            "impaired_driving": "none", "misrepresentation": "no", "serious_health_condition": "no"}


@pytest.mark.parametrize(("lang", "lead"), [("en", "What could change this: "), ("fr", "Ce qui changerait cela : ")])
def test_a_language_test_that_would_open_express_entry_is_on_the_first_screen(tmp_path: Path, lang: str,
                                                                               lead: str) -> None:
    report = json.loads(check(tmp_path, ENGINEER, "--json", "--what-if", lang=lang))
    assert report["best_pathway"] is None
    flips = report["what_if"]["flips"]
    screen = check(tmp_path, ENGINEER, lang=lang)
    lines = screen.splitlines()
    assert len(lines) <= 24 and all(len(line) <= 80 for line in lines)
    text = " ".join(screen.replace("\u00a0", " ").split())
    assert lead in text, screen
    shown = text[text.index(lead):]
    flip = next(f for f in flips if " ".join(f["change"].split()) in shown)  # one of the report's own changes
    title = " ".join(report["pathways"][flip["pathway"]]["title"].split())
    assert title in shown
    assert any(word in flip["change"] for word in ("English test", "French test", "Test d'anglais", "Test de français"))


def test_no_what_if_on_the_first_screen_when_a_route_is_open(tmp_path: Path) -> None:
    answers = {**ENGINEER, "job_offer": "yes", "cusma_profession": "yes"}
    screen = check(tmp_path, answers)
    assert screen.startswith("Open to you: ")
    assert "What could change this" not in screen
