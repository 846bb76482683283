"""The first screen fits an 80x24 terminal with its headline still on it (review10 item 2).

A terminal of 24 rows shows 23 printed lines and the row the cursor moves to after them, so a 24-line verdict
pushes its headline off the top. Two screens that did: the French US engineer (no English test; interactive
runs leave his US citizenship unknown) and a protection seeker who qualifies through the family exception,
whose safety lead (get advice in the United States now) is long. Safety leads and blocking problems stay;
lower-ranked detail goes. The headline, the lead titles and the route titles come from the JSON report."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import pexpect
import pytest
import yaml
from test_check_unsure_score import ENGINEER
from typer.testing import CliRunner

from screener.cli import app
from screener.render.verdict import SCREEN_LINES

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-25"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def engineer(tmp_path: Path, *, citizen: bool = True) -> Path:
    lines = (ROOT / "tests" / "fixtures" / "check" / "us_developer_no_offer.yaml").read_text().splitlines()
    dropped = ("#", "english_clb", "age", "foreign_work") + (() if citizen else ("us_citizen",))
    kept = [line for line in lines if not line.startswith(dropped)]
    path = tmp_path / "eng.yaml"  # edited as text: a YAML round trip would read the province `ON` as true
    path.write_text("\n".join([*kept, "age: 31", "foreign_work_years: 5", "english_test: none", ""]))
    return path


def family_exception(tmp_path: Path) -> Path:
    lines = (ROOT / "tests" / "fixtures" / "personas" / "honduran_in_us.yaml").read_text().splitlines()
    kept = ["own_family_in_canada_stca: yes" if line.startswith("own_family_in_canada_stca:") else line
            for line in lines if not line.startswith("in_us_now")]
    path = tmp_path / "family.yaml"
    path.write_text("\n".join([*kept, "entered_canada_over_a_year_ago: no", ""]))
    return path


def at_risk_minor(tmp_path: Path) -> Path:
    """review11 #9: 16, not a US citizen, in the US, would come overland: two safety leads, both whole."""
    minor = {"goal": "protection", "canadian_citizen": "no", "age": 16, "us_citizen": "no", "fear_of_return": "yes",
             "arrival_route": "land_from_us", "born_in_canada": "no", "canadian_parent": "no", "in_us_now": "yes",
             "own_family_in_canada_stca": "no", "holds_canadian_visa_or_permit": "no", "criminal_record": "no",
             "impaired_driving": "none", "misrepresentation": "no", "serious_health_condition": "no"}
    path = tmp_path / "minor.yaml"
    path.write_text(yaml.safe_dump(minor))
    return path


def minor_fear_skipped(tmp_path: Path) -> Path:
    """The at-risk minor seeking protection who skipped the fear question: the same two safety leads, both whole."""
    minor = yaml.safe_load(at_risk_minor(tmp_path).read_text())
    path = tmp_path / "minor_fear_skipped.yaml"
    path.write_text(yaml.safe_dump({**minor, "fear_of_return": None}))
    return path


def in_us_route_skipped(tmp_path: Path) -> Path:
    """review12 A1: fears return, in the US, skipped how they would come: the US-help lead speaks to them (a lawyer
    now, official crossings only), so the refugee-lawyer lead does not repeat it, and the --details line stays."""
    person = {"goal": "protection", "canadian_citizen": "no", "age": 29, "us_citizen": "no", "fear_of_return": "yes",
              "arrival_route": None, "born_in_canada": "no", "canadian_parent": "no", "in_us_now": "yes",
              "entered_canada_over_a_year_ago": None, "criminal_record": "no", "impaired_driving": "none",
              "misrepresentation": "no", "serious_health_condition": "no"}
    path = tmp_path / "in_us.yaml"
    path.write_text(yaml.safe_dump(person))
    return path


# review12 B1 (cus2.yaml): the US developer with an offer, 38 (too old for the working holiday), who skipped
# "is your job a CUSMA profession"
CUSMA_SKIPPED = {**ENGINEER, "age": 38, "cusma_profession": None}


def cusma_skipped(tmp_path: Path) -> Path:
    path = tmp_path / "cusma.yaml"
    path.write_text(yaml.safe_dump(CUSMA_SKIPPED))
    return path


def run(path: Path, lang: str, *extra: str) -> str:
    result = CliRunner().invoke(app, ["check", "--rules", str(ROOT / "rules"), "--answers", str(path),
                                      "--no-input", "--as-of", AS_OF, "--lang", lang, *extra],
                                env={"NO_COLOR": "1", "COLUMNS": "80", "LINES": "24", "SCREENER_RULES": ""})
    assert result.exit_code == 0, result.output
    return result.stdout


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


PERSONAS = {"engineer": engineer, "engineer_unknown_citizenship": lambda p: engineer(p, citizen=False),
            "family_exception": family_exception, "at_risk_minor": at_risk_minor,
            "in_us_route_skipped": in_us_route_skipped, "cusma_skipped": cusma_skipped,
            "minor_fear_skipped": minor_fear_skipped}


CASES = [(persona, lang) for persona in sorted(PERSONAS) for lang in ("en", "fr")
         # French: the whole US-help lead and the claim's whole first step (where to cross safely) take 25 lines;
         # for the minor (fear answered or skipped) the two whole safety leads alone take 25 of 29 (the US-help
         # paragraph is 10 lines in French, against 8 in English): they are never shortened, so the headline scrolls off
         if (persona, lang) not in {("family_exception", "fr"), ("at_risk_minor", "fr"), ("minor_fear_skipped", "fr")}]


@pytest.mark.parametrize(("persona", "lang"), CASES)
def test_the_first_screen_keeps_its_headline_on_an_80x24_terminal(tmp_path: Path, persona: str, lang: str) -> None:
    path = PERSONAS[persona](tmp_path)
    report = json.loads(run(path, lang, "--json"))
    screen = run(path, lang)
    assert len(screen.splitlines()) <= SCREEN_LINES - 1  # and the row the cursor moves to
    text = flat(screen)
    assert screen.strip() and not screen.startswith("\n")  # the headline is the first line
    safety = {lead["id"] for lead in yaml.safe_load((ROOT / "rules" / "leads.yaml").read_text())["leads"]
              if lead.get("safety")}
    for lead in report["leads"]:  # a safety lead is never fitted away
        if lead["id"] in safety:
            assert flat(lead["title"]) in text, lead["id"]
    for pathway in report["pathways"].values():  # every open route is named
        if pathway["outcome"] == "eligible":
            assert flat(pathway["title"]) in text


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_person_in_the_us_gets_the_lawyer_now_advice_once_and_the_way_to_details(tmp_path: Path, lang: str) -> None:
    """review12 A1: the US-help lead, whole; no second lawyer-now paragraph; the line naming --details kept."""
    path = in_us_route_skipped(tmp_path)
    report = json.loads(run(path, lang, "--json"))
    assert [lead["id"] for lead in report["leads"] if lead["id"] in {"us_asylum_help", "refugee_lawyer_now"}] == [
        "us_asylum_help"]
    screen = run(path, lang)
    [lead] = [lead for lead in report["leads"] if lead["id"] == "us_asylum_help"]
    assert flat(lead["text"]) in flat(screen)  # official crossings only, do not wait
    assert "--details" in flat(screen)


def the_cusma_list(lang: str) -> str:
    """The official list of CUSMA professions, as the rule files give it (English file, French translation)."""
    if lang == "en":
        questions = yaml.safe_load((ROOT / "rules" / "questions" / "offers_and_plans.yaml").read_text())["questions"]
        (question,) = [q for q in questions if q["id"] == "cusma_profession"]
    else:
        question = yaml.safe_load((ROOT / "rules" / "questions" / "offers_and_plans.fr.yaml").read_text()
                                  )["questions"]["cusma_profession"]
    return str(question["url"])


# the undecided route each person most needs to hear about: the one their skipped answer would decide
NEEDED = [("cusma_skipped", "cusma_professional"), ("in_us_route_skipped", "asylum_claim")]


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize(("persona", "route"), NEEDED)
def test_the_undecided_route_stays_on_the_first_screen_in_both_languages(tmp_path: Path, persona: str, route: str,
                                                                          lang: str) -> None:
    """review12 B1: at 80 columns the French screen dropped the whole "À déterminer" block that English showed
    (with the CUSMA list's address), on a screen with lines to spare. Other lines go first: the route stays named."""
    path = PERSONAS[persona](tmp_path)
    report = json.loads(run(path, lang, "--json"))
    assert report["pathways"][route]["outcome"] == "incomplete"
    screen = run(path, lang)
    assert len(screen.splitlines()) <= SCREEN_LINES - 1
    text = flat(screen)
    assert flat(report["pathways"][route]["title"]) in text
    assert "--details" in text  # and where the rest is
    if persona == "cusma_skipped":  # where to look the skipped answer up, whole on its line
        assert any(line.strip().endswith(the_cusma_list(lang)) for line in screen.splitlines())


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_french_names_the_undecided_routes_english_names(tmp_path: Path, persona: str) -> None:
    """The same answers in French: every undecided route the English first screen names is named in French too
    (a longer language costs detail, never a route)."""
    path = PERSONAS[persona](tmp_path)
    english, french = (json.loads(run(path, lang, "--json"))["pathways"] for lang in ("en", "fr"))
    on_screen = {lang: flat(run(path, lang)) for lang in ("en", "fr")}
    named = [route for route, pathway in english.items()
             if pathway["outcome"] == "incomplete" and flat(pathway["title"]) in on_screen["en"]]
    for route in named:
        assert flat(french[route]["title"]) in on_screen["fr"], route


def test_in_a_french_terminal_the_skipped_cusma_route_and_its_list_stay_on_screen(tmp_path: Path) -> None:
    """review12 B1 as a person meets it: the French interview at 24x80 with the rest of the answers in a file,
    every remaining question answered no or skipped; the verdict that ends it names the CUSMA route, the
    skipped answer and the list, and fits under its headline."""
    path = cusma_skipped(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("SCREENER_LANG", "LC_ALL", "LC_MESSAGES", "SCREENER_RULES")}
    env |= {"COLUMNS": "80", "LINES": "24", "NO_COLOR": "1", "PAGER": "cat", "LANG": "fr_CA.UTF-8"}
    executable = shutil.which("screener") or sys.executable
    lead = [] if executable.endswith("screener") else ["-m", "screener"]
    child = pexpect.spawn(executable, [*lead, "check", "--rules", str(ROOT / "rules"), "--as-of", AS_OF, "--answers",
                                       str(path)], env=env, encoding="utf-8", timeout=30, dimensions=(24, 80),
                          cwd=str(tmp_path))
    replies = 0
    while child.expect([re.escape("> "), pexpect.EOF]) == 0:
        replies += 1
        assert replies < 40, str(child.before)[-300:]
        shown = ANSI.sub("", str(child.before))
        if "Enregistrer vos réponses?" in flat(shown):
            child.sendline("")  # Entrée: nothing saved
        elif "(oui ou non)" in shown or "autres voies?" in shown:
            child.sendline("non")
        else:
            child.sendline("passer")
    child.close()
    assert child.exitstatus == 0
    output = ANSI.sub("", str(child.before)).replace("\r\n", "\n")
    headline = "Voie ouverte : Programme des travailleurs qualifiés (fédéral)"
    screen = output[output.replace("\u00a0", " ").index(headline):]
    assert len(screen.splitlines()) <= SCREEN_LINES - 1
    text = flat(screen)
    assert "Permis de travail de professionnel de l'ACEUM : profession de l'ACEUM (question passée)" in text
    assert any(line.strip().endswith(the_cusma_list("fr")) for line in screen.splitlines())
