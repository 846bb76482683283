"""The most useful what-if on the first screen when nothing is open (review5 item 7).

A US engineer with no language test was told only "No route is open yet; 2 could be: IEC, Study
permit"; that a language test could open Express Entry was in `--details` alone. With nothing open,
the first screen now names the one change that would open the most realistic route, and what that
route would then depend on, in English and French; with a route open it stays off the screen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from screen_kit import REAL, check

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
    def on_screen(change: str) -> bool:  # French lowers the first letter after a colon (« : test d'anglais »)
        words = " ".join(change.split())
        return words in shown or (lang == "fr" and words[:1].lower() + words[1:] in shown)

    flip = next(f for f in flips if on_screen(f["change"]))  # one of the report's own changes
    title = " ".join(report["pathways"][flip["pathway"]]["title"].split())
    assert title in shown
    assert any(word in flip["change"] for word in ("English test", "French test", "Test d'anglais", "Test de français"))


def test_no_what_if_on_the_first_screen_when_a_route_is_open(tmp_path: Path) -> None:
    answers = {**ENGINEER, "job_offer": "yes", "cusma_profession": "yes"}
    screen = check(tmp_path, answers)
    assert screen.startswith("Open to you: ")
    assert "What could change this" not in screen


# review8 #3: the same engineer as the interview leaves them (citizenship of the US never asked, ECA,
# 6 years of work abroad, $40,000): nothing is open, so a lead (compare provincial streams) fills the
# first screen, and the language test that would open Express Entry must still be on it.
REVIEWED = {**{k: v for k, v in ENGINEER.items() if k != "us_citizen"}, "intended_province": "undecided",
            "occupation_teer": 1, "canadian_work_years": 0, "age": 31, "dependent_children": 0,
            "settlement_funds_cad": 40000, "sibling_in_canada": "no", "relative_in_canada": "no",
            "education": "bachelors", "education_assessed": "yes", "canadian_education": "none",
            "foreign_work_years": 6, "continuous_year": "yes", "provincial_nomination": "no"}


@pytest.mark.parametrize(("lang", "lead", "words"), [
    # IRCC's chart: CLB 8 is IELTS General Training 6.5 in reading, writing and speaking, 7.5 in listening
    # never "6.5 in each ability, 7.5 for listening" (review11: it contradicts itself): the exception, then the others
    ("en", "What could change this: ", "English test at CLB 8 or higher in every ability (IELTS General Training: "
                                       "7.5 for English listening score, 6.5 in each other ability): makes you "
                                       "eligible"),
    ("fr", "Ce qui changerait cela : ", "test d'anglais avec NCLC 8 ou plus dans chaque compétence (IELTS General "
                                        "Training : résultat en compréhension de l'oral (anglais) : 7,5, 6,5 dans "
                                        "chaque autre compétence) : vous rendrait"),
])
def test_the_language_test_shows_beside_a_lead(tmp_path: Path, lang: str, lead: str, words: str) -> None:
    report = json.loads(check(tmp_path, REVIEWED, "--json", "--what-if", lang=lang))
    assert report["best_pathway"] is None and report["leads"]  # nothing open; a lead to act on
    lead_title = " ".join(report["leads"][0]["title"].split())
    fsw = " ".join(report["pathways"]["express_entry_fsw"]["title"].split())
    screen = check(tmp_path, REVIEWED, lang=lang)
    lines = screen.splitlines()
    assert len(lines) <= 24 and all(len(line) <= 80 or "https://" in line for line in lines)
    text = " ".join(screen.replace("\u00a0", " ").split())
    assert lead + words in text, screen
    assert fsw in text[text.index(lead):]
    assert text.index(lead) < text.index(lead_title)  # what opens the goal's route comes before the lead
    assert "lowest" not in text and "la plus faible" not in text and "→" not in text  # no "lowest 0 → all at least 8"


def test_a_test_already_taken_says_the_lowest_level_now(tmp_path: Path) -> None:
    """Raised from CLB 6 in one ability (7 in the others), the change names the level to reach and the
    lowest now, in words, never "lowest 6 → all at least 8"."""
    answers = {**{k: v for k, v in REVIEWED.items() if k != "english_test"}, "english_clb_listening": 6,
               "english_clb_reading": 7, "english_clb_writing": 7, "english_clb_speaking": 7}
    flips = json.loads(check(tmp_path, answers, "--json", "--what-if"))["what_if"]["flips"]
    changes = [flip["change"] for flip in flips]
    assert any(c.startswith("English test at CLB ") and "(IELTS General Training: " in c
               and c.endswith("(your lowest is CLB 6 now)") for c in changes), changes


def chart_minimum(table: str, level: int) -> float:
    """The lowest score a conversion table of the rulebook gives `level` (or more) for, read from its YAML."""
    tables = yaml.safe_load((REAL / "tables" / "language_tests.yaml").read_text(encoding="utf-8"))["tables"]
    rows = next(t["rows"] for t in tables if t["id"] == table)
    return min(row["from"] for row in rows if row["points"] >= level and "from" in row
               and "effective_until" not in row)


@pytest.mark.parametrize("level", [7, 9])
def test_each_level_is_also_said_as_the_test_scores_that_give_it(tmp_path: Path, level: int) -> None:
    """The level of a group change is said as IELTS scores from the rulebook's own tables, so CLB needs no
    lookup: at CLB 7 IELTS is 6.0 in every ability; at CLB 9 listening needs more than the others."""
    abilities = ("listening", "reading", "writing", "speaking")
    answers = {k: v for k, v in REVIEWED.items() if k != "english_test"}
    answers |= {f"english_clb_{a}": level - 1 for a in abilities}
    report = json.loads(check(tmp_path, answers, "--json", "--what-if"))
    said = [c["change"] for c in (*report["what_if"]["flips"], *report["what_if"]["gains"])
            if c["change"].startswith(f"English test at CLB {level} or higher")]
    assert said, report["what_if"]
    scores = {a: chart_minimum(f"ielts_general_clb_{a}", level) for a in abilities}
    common = max(scores.values(), key=list(scores.values()).count)
    assert list(scores.values()).count(common) > 1  # the chart: the levels tested here share a score
    exceptions = [f"{score:g} for English {ability} score" for ability, score in scores.items() if score != common]
    expected = ("(IELTS General Training: " + ", ".join([*exceptions, f"{common:g} in each other ability"]) + ")"
                if exceptions else f"(IELTS General Training: {common:g} in each ability)")
    assert all(expected in text for text in said), (expected, said)


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("form", ["--details", "--report"])
def test_every_change_is_said_once_with_all_it_does(tmp_path: Path, lang: str, form: str) -> None:
    """review11: the climate scientist's --details listed "Canadian credential or ECA: no → yes" three times (it
    opens FSW, and adds CRS and FSW grid points); the French test read "434 in each ability, 428 for writing"."""
    persona = yaml.safe_load((REAL.parent / "tests" / "fixtures" / "personas" / "climate_scientist.yaml").read_text())
    report = json.loads(check(tmp_path, persona, "--json", "--what-if", lang=lang))["what_if"]
    changes = {c["change"] for c in (*report["flips"], *report["gains"])}
    repeated = [c for c in changes if sum(c == item["change"] for item in (*report["flips"], *report["gains"])) > 1]
    assert repeated  # the ECA: this person's what-if has a change doing more than one thing
    out = check(tmp_path, persona, *(["--details"] if form == "--details" else ["--report", "-"]), lang=lang)
    text = " ".join(out.split())
    for change in changes:  # French lowers the first letter after a colon; either way, once
        words = " ".join(change.split())
        assert text.lower().count(words.lower()) == 1, change
    each, other = {"en": ("in each ability", "in each other ability"),
                   "fr": ("dans chaque compétence)", "dans chaque autre compétence")}[lang]
    tef = [change for change in changes if "TEF Canada" in change]
    assert tef and all(other in change and each not in change for change in tef)
