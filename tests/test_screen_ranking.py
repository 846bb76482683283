"""The first screen ranks routes as --details and the JSON report do (review6 #2, #3).

Its best option comes first, every open route is named (a US engineer eligible for FSW and the working
holiday saw only the working holiday), and undecided routes serving the person's goal come before the
others. The expected titles come from the JSON report and the goals from the rule files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from screener.cli import app

RULES = Path(__file__).resolve().parent.parent / "rules"
AS_OF = "2026-11-25"
ENGINEER = {  # US engineer, CLB 9, wants to live in Canada: FSW (a long shot on the CRS) and IEC open
    "goal": "live_permanently", "age": 29, "canadian_citizen": "no", "born_in_canada": "no", "canadian_parent": "no",
    "us_citizen": "yes", "marital_status": "single", "dependent_children": 0,
    **{f"english_clb_{skill}": 9 for skill in ("reading", "writing", "listening", "speaking")},
    **{f"french_nclc_{skill}": 0 for skill in ("reading", "writing", "listening", "speaking")},
    "education": "bachelors", "education_assessed": "yes", "canadian_education": "none", "occupation_teer": 1,
    "foreign_work_years": 3, "canadian_work_years": 0, "continuous_year": "yes", "job_offer": "no",
    "settlement_funds_cad": 30000, "sibling_in_canada": "no", "intended_province": "ON", "criminal_record": "no",
    "impaired_driving": "none", "misrepresentation": "no", "serious_health_condition": "no",
    "provincial_nomination": "no", "relative_in_canada": "no", "trade_certificate": "no",
}
NURSE = {  # Mexican nurse with an offer who wants to work; skipped the CUSMA profession question
    "goal": "work", "canadian_citizen": "no", "us_citizen": "no", "job_offer": "yes", "mexican_citizen": "yes",
    "employer_canadian_affiliate": "no", "criminal_record": "no", "impaired_driving": "none",
    "misrepresentation": "no", "serious_health_condition": "no", "cusma_profession": None,
}


def run(tmp_path: Path, answers: dict[str, object], lang: str, *extra: str) -> str:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers))
    result = CliRunner().invoke(app, ["check", "--rules", str(RULES), "--answers", str(path), "--no-input",
                                      "--as-of", AS_OF, "--lang", lang, *extra],
                                env={"NO_COLOR": "1", "COLUMNS": "80", "LINES": "24"})
    assert result.exit_code == 0, result.output
    return result.stdout


def flat(text: str) -> str:
    return " ".join(text.split())  # titles wrapped over lines read as one


def goals() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in RULES.glob("pathways/*.yaml"):
        if not path.name.endswith(".fr.yaml"):
            found |= {p["id"]: p.get("goals", []) for p in yaml.safe_load(path.read_text())["pathways"]}
    return found


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_open_route_is_named_best_option_first(tmp_path: Path, lang: str) -> None:
    report = json.loads(run(tmp_path, ENGINEER, lang, "--json"))
    opened = [p["title"] for p in report["pathways"].values() if p["outcome"] == "eligible"]
    assert len(opened) >= 2 and report["best_pathway_title"] in opened
    screen = run(tmp_path, ENGINEER, lang)
    assert len(screen.splitlines()) <= 24
    text = flat(screen)
    assert all(flat(title) in text for title in opened)  # none hidden in a count
    first = min(text.index(flat(title)) for title in opened)
    assert text.index(flat(report["best_pathway_title"])) == first  # the best option --details names


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_undecided_routes_serving_the_goal_come_first(tmp_path: Path, lang: str) -> None:
    report = json.loads(run(tmp_path, NURSE, lang, "--json"))
    served = goals()
    text = flat(run(tmp_path, NURSE, lang))
    shown = sorted((text.index(flat(p["title"]) + " :" if lang == "fr" else flat(p["title"]) + ":"), pid)
                   for pid, p in report["pathways"].items() if p["outcome"] == "incomplete"
                   and (flat(p["title"]) + (" :" if lang == "fr" else ":")) in text)
    serving = [not served[pid] or NURSE["goal"] in served[pid] for _, pid in shown]
    assert serving[0] and any(not s for s in serving)  # the goal's routes, then the others
    assert serving == sorted(serving, reverse=True)
    cusma = report["pathways"]["cusma_professional"]
    assert cusma["outcome"] == "incomplete" and flat(cusma["title"]) in text  # the skipped answer decides it


# review11 #8: the reviewer's US engineer (a TEER 1 offer, CUSMA profession): FSW is eligible at a CRS below every
# round he could be in, and the CUSMA permit serves the same goal (live_permanently) today.
OFFERED = {**ENGINEER, "age": 31, "english_test": "ielts_general", "english_score_listening": 8,
           "english_score_reading": 8, "english_score_writing": 7, "english_score_speaking": 7.5,
           "education": "masters", "foreign_work_years": 6, "settlement_funds_cad": 25000, "job_offer": "yes",
           "job_offer_teer": 1, "job_offer_lmia": "unsure", "cusma_profession": "yes", "french_test": "none"}
for _skill in ("reading", "writing", "listening", "speaking"):
    del OFFERED[f"english_clb_{_skill}"], OFFERED[f"french_nclc_{_skill}"]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_long_shot_goes_after_a_route_that_works_today_on_every_screen(tmp_path: Path, lang: str) -> None:
    report = json.loads(run(tmp_path, OFFERED, lang, "--json"))
    fsw, cusma = report["pathways"]["express_entry_fsw"], report["pathways"]["cusma_professional"]
    assert fsw["outcome"] == cusma["outcome"] == "eligible"
    assert report["best_pathway"] == "express_entry_fsw"  # the contract's best: the lowest rank, unchanged
    rounds = report["score_details"]["crs_score"]["recent_rounds"]
    could_be_in = [band["low"] for band in rounds if band.get("you_may_be_invited", True) is not False]
    assert report["scores"]["crs_score"] < min(could_be_in)  # a long shot, as the rounds show
    screen = flat(run(tmp_path, OFFERED, lang))
    first = flat(cusma["title"])
    assert f"1. {first}" in screen  # the route that works today leads, with its first step
    assert screen.index(first) < screen.index(flat(fsw["title"]))
    details = flat(run(tmp_path, OFFERED, lang, "--details"))
    best = {"en": "Your best option: ", "fr": "Votre meilleure option : "}[lang]
    assert details.startswith(best + first) or details.startswith(best + first[0].lower() + first[1:])
    steps = details[details.index({"en": "What to do next", "fr": "Prochaines étapes"}[lang]):]
    assert steps.index(first) < steps.index(flat(fsw["title"]))
