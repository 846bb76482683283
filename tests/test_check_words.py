"""What `screener check` tells one person, in words that match their answers (issue 12): next steps only
when their condition holds, failed requirements as what the person has against what is needed.

Run through the command (CliRunner) on the real rules, from the persona files of tests/fixtures/personas/.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from screener.cli import app

HERE = Path(__file__).parent
PERSONAS = HERE / "fixtures" / "personas"
REAL = HERE.parent / "rules"
AS_OF = dt.date(2026, 11, 25)


def person(name: str, **changes: Any) -> dict[str, Any]:
    loaded = yaml.safe_load((PERSONAS / f"{name}.yaml").read_text())
    assert isinstance(loaded, dict)
    loaded.update(changes)
    return loaded


def run(tmp_path: Path, answers: dict[str, Any], *extra: str) -> str:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--rules", str(REAL), "--answers", str(path), "--no-input",
                                      "--as-of", AS_OF.isoformat(), *extra], env={"NO_COLOR": "1", "COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_person_with_test_results_and_an_eca_is_not_told_to_get_them(tmp_path: Path) -> None:
    """The issue: "CLB 10 with an ECA is told to take a test and get an ECA"."""
    report = json.loads(run(tmp_path, person("climate_scientist", education_assessed="yes"), "--json"))
    fsw = report["pathways"]["express_entry_fsw"]
    assert fsw["outcome"] == "eligible"
    steps = " ".join(fsw["next_steps"])
    assert "Express Entry profile" in steps  # the steps that still apply are there
    assert "language test" not in steps and "Educational Credential Assessment" not in steps


def test_closed_routes_say_what_is_needed_against_what_the_person_answered(tmp_path: Path) -> None:
    """The issue: "✗ You are not a US citizen" shown to a US citizen, "✗ You are 35 or younger" to a
    41-year-old, a doctorate without an ECA shown as "you: less than secondary"."""
    text = " ".join(run(tmp_path, person("climate_scientist"), "--details").split())
    assert "✗ Needed: You are not a US citizen" in text and "You answered: US citizen: yes" in text
    assert "✗ Needed: You are 35 or younger You answered: Age: 41" in text
    assert "You answered: Education: Doctorate; Canadian credential or ECA: no" in text
    assert "less than secondary" not in text and "less_than_secondary" not in text
    assert "You answered: Intended province: British Columbia" in text  # a label, not "BC"
    assert "You answered: Marital status: Single" in text


def test_every_advice_is_under_its_own_route(tmp_path: Path) -> None:
    """Each failed requirement's advice is printed in the section of the route it belongs to (the report's
    Markdown, one `###` section per route), never under another route."""
    for name in ("climate_scientist", "barista_working_year", "lawyer_with_dui", "honduran_in_us"):
        answers = person(name)
        report = json.loads(run(tmp_path, answers, "--json"))
        run(tmp_path, answers, "--report", str(tmp_path / "r.md"))
        sections = (tmp_path / "r.md").read_text(encoding="utf-8").replace("\\", "").split("\n### ")

        def heading(section: str) -> str:
            return section.split("\n", 1)[0]

        def advices(pathway: dict[str, Any]) -> list[str]:
            return [" ".join(r["advice"].split())[:60] for r in pathway["requirements"] if r.get("advice")]

        for pathway in report["pathways"].values():
            mine = {heading(s) for s in sections if heading(s).startswith(pathway["title"])}
            assert mine, (name, pathway["title"])
            for advice in advices(pathway):
                owners = {p["title"] for p in report["pathways"].values() if advice in advices(p)}
                found = {heading(s) for s in sections if advice in " ".join(s.split())}
                assert found & mine, (name, pathway["title"], advice)
                assert all(any(h.startswith(title) for title in owners) for h in found), (name, advice, found)


def test_a_link_on_the_first_screen_is_never_cut(tmp_path: Path) -> None:
    """Nothing of the first screen is cut: a long official link is printed whole (the terminal folds it),
    and the 24-line budget counts the rows it folds over."""
    answers = {k: v for k, v in person("climate_scientist").items()
               if not k.startswith(("english_clb", "job_offer", "cusma"))}
    lines = run(tmp_path, {**answers, "job_offer": "no"}).splitlines()
    url = "https://www.canada.ca/en/immigration-refugees-citizenship/services/immigrate-canada/provincial-nominees.html"
    assert any(line.strip() == url for line in lines)
    assert not any(line.endswith("…") for line in lines)
    assert sum(max(1, -(-len(line) // 80)) for line in lines) <= 24


def test_the_staleness_line_only_for_a_figure_that_decided_something(tmp_path: Path) -> None:
    """One plain line when a figure a *decided* result used is past its review date: the Express Entry
    funds table behind an eligible FSW says so; the same table read by a still-undecided requirement
    (funds not given) has decided nothing, so the spouse of a Canadian is not told."""
    line = "may be out of date"
    assert line in run(tmp_path, person("climate_scientist", education_assessed="yes"))  # FSW open: funds met
    spouse = person("married_to_canadian")
    assert "settlement_funds_cad" not in spouse
    assert line not in " ".join(run(tmp_path, spouse).split())


def test_a_route_no_answer_can_open_is_not_offered_as_undecided(tmp_path: Path) -> None:
    """After "No" to "Are you a citizen?" the citizenship route can only close (§13.24): the first screen
    does not list it among the routes that answers would decide, but counts it with the undecided ones,
    never with the closed (its outcome is incomplete: unknown is not no)."""
    answers = {"goal": "work", "canadian_citizen": "no", "age": 41, "us_citizen": "yes", "job_offer": "yes",
               "cusma_profession": "yes", "criminal_record": "no", "impaired_driving": "none",
               "misrepresentation": "no", "serious_health_condition": "no"}
    screen = " ".join(run(tmp_path, answers).split())
    report = json.loads(run(tmp_path, answers, "--json"))
    assert report["pathways"]["citizenship_by_descent"]["outcome"] == "incomplete"  # unknown is not no
    assert screen.startswith("Open to you: CUSMA professional work permit")
    assert report["pathways"]["citizenship_by_descent"]["title"] not in screen
    closed = sum(p["outcome"] == "ineligible" for p in report["pathways"].values())
    undecided = sum(p["outcome"] == "incomplete" for p in report["pathways"].values())
    assert f"{closed} closed" in screen and f"{closed + 1} closed" not in screen
    listed = screen.count(" • ")  # the undecided routes an answer could open, each on a line of its own
    assert f"{undecided - listed} undecided" in screen


def test_an_amount_reads_as_money(tmp_path: Path) -> None:
    """An amount the person gave reads as money, once: the funds advice says it ("you have $1,500"), so no
    "You have:" line repeats it."""
    honduran = person("honduran_in_us")
    assert honduran["settlement_funds_cad"] == 1500
    text = " ".join(run(tmp_path, honduran, "--details").split())
    assert "you have $1,500." in text and "1500" not in text
    assert "You have: $1,500" not in text
