"""CRS category rounds (issue 12): a score is compared with the rounds of the categories a person is in
(rules/scores/crs.yaml `cutoffs.categories`), three-valued: a category the answers cannot show is a
"maybe", shown apart and never as a round the person could be invited in; one ruled out is left out."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from lawyer_kit import cli

from screener.model import Case
from screener.rulebook import Rulebook, load_rulebook
from screener.ruletests import run_case
from screener.source import Position

ROOT = Path(__file__).resolve().parent.parent
PERSONAS = ROOT / "tests" / "fixtures" / "personas"
AS_OF = "2026-11-25"


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook(ROOT / "rules")


def scientist(tmp_path: Path, **changes: Any) -> Path:
    """The climate scientist with an ECA (so FSW is open and his CRS is shown), changed as given."""
    answers = yaml.safe_load((PERSONAS / "climate_scientist.yaml").read_text())
    answers.update({"education_assessed": True, **changes})
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers))
    return path


def details(answers: Path, *more: str) -> str:
    result = cli("check", "--rules", str(ROOT / "rules"), "--answers", str(answers), "--as-of", AS_OF,
                 "--details", "--no-input", *more, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_no_french_and_no_canadian_work_leaves_those_rounds_out(tmp_path: Path) -> None:
    """The issue's scientist: never "above" the physicians' or French cut-offs; healthcare is a maybe."""
    out = details(scientist(tmp_path))
    assert "Physicians with Canadian work experience" not in out
    assert "French-language proficiency" not in out
    maybe = out.split("Rounds of categories you may be in (your answers cannot show it):")[1]
    assert maybe.startswith(" Healthcare and social services: cut-off 467–476 (3 rounds, latest 25 June 2026)")
    assert "Needs 12 months of work in the last 3 years in one eligible healthcare or social services" in maybe
    assert "Recent invitation rounds you could be invited in:" not in out  # no round he is known to be in


def test_french_at_nclc_7_is_compared_with_the_french_rounds(tmp_path: Path) -> None:
    levels = {f"french_nclc_{a}": 7 for a in ("reading", "writing", "listening", "speaking")}
    answers = scientist(tmp_path, french_test=None, **levels)
    out = details(answers)
    sure = out.split("Recent invitation rounds you could be invited in:")[1].split("Rounds of categories")[0]
    assert re.search(r"French-language proficiency: cut-off 397–400 \(3 rounds, latest 29 April 2026\) — your score "
                     r"is above it", sure)
    result = cli("check", "--rules", str(ROOT / "rules"), "--answers", str(answers), "--as-of", AS_OF, "--json")
    rounds = {r["type"]: r for r in json.loads(result.output)["score_details"]["crs_score"]["recent_rounds"]}
    assert rounds["French-language proficiency"]["you_may_be_invited"] is True
    assert rounds["Healthcare and social services"]["you_may_be_invited"] is None
    assert rounds["Physicians with Canadian work experience"]["you_may_be_invited"] is False
    assert "unchecked" not in rounds["CEC"]  # a program's own rounds: no category
    categories = json.loads(result.output)["score_details"]["crs_score"]["categories"]
    assert categories["french_language"] is True and categories["stem_2026"] is None


def test_the_maybe_rounds_are_in_french_for_a_french_reader(tmp_path: Path) -> None:
    out = details(scientist(tmp_path), "--lang", "fr")
    assert "Rondes des catégories dont vous pourriez faire partie" in out
    assert "Il faut 12 mois de travail au cours des 3 dernières années" in out
    assert "Needs " not in out and "NOC code" not in out and "Rounds of" not in out


def test_unknown_is_maybe_and_a_known_no_rules_a_category_out(book: Rulebook) -> None:
    as_of = dt.date(2026, 11, 25)
    unknown = book.evaluate({"age": 30}, as_of=as_of).scores["crs_score"].categories
    assert unknown["french_language"] is None and unknown["physicians_2026"] is None  # not known: never no
    french = {"french_nclc_reading": 6, "french_nclc_writing": 9, "french_nclc_listening": 9,
              "french_nclc_speaking": 9}
    known = book.evaluate({"age": 30, "canadian_work_years": 0, "provincial_nomination": True, **french},
                          as_of=as_of).scores["crs_score"].categories
    assert known["physicians_2026"] is False and known["french_language"] is False
    assert known["provincial_nominees"] is True
    before = book.evaluate({"age": 30}, as_of=dt.date(2025, 9, 1)).scores["crs_score"].categories
    assert "stem_2026" not in before and "healthcare_2025" in before and "healthcare_2026" not in before


def test_a_case_expecting_a_category_fails_with_what_was_found(book: Rulebook) -> None:
    case = Case.model_validate({"name": "n", "source": "s", "as_of": "2025-09-01", "answers": {"age": 30},
                                "expect": {"categories": {"crs_score": {"stem_2026": "maybe",
                                                                         "french_language": "no"}}}})
    result = run_case(book, "cases.yaml", case, Position("cases.yaml", 1, 1))
    found = {d.key: (d.expected, d.got) for d in result.differences}
    assert found[("categories", "crs_score", "stem_2026")] == ("maybe", "no such category in force")
    assert found[("categories", "crs_score", "french_language")] == ("no", "maybe")
    (why,) = next(d.why for d in result.differences if d.key == ("categories", "crs_score", "stem_2026"))
    assert why.startswith("categories in force on 2025-09-01: ") and "healthcare_2025" in why and "stem" not in why


def copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", target)
    return target


def test_overlapping_or_gapped_versions_of_a_category_are_errors(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    crs = rules / "scores" / "crs.yaml"
    text = crs.read_text()
    until = "          effective_until: 2026-02-17\n"  # the first: healthcare_2025's
    crs.write_text(text.replace(until, until.replace("02-17", "03-31"), 1))
    result = cli("rules", "validate", "--rules", str(rules))
    assert result.exit_code != 0
    assert re.search(r"crs\.yaml:\d+:\d+: category 'healthcare_2025' \(.*crs\.yaml:\d+:\d+\) and category "
                     r"'healthcare_2026' .* are both in force from 2026-02-18 to 2026-03-31", result.output)
    crs.write_text(text.replace(until, until.replace("02-17", "02-10"), 1))
    result = cli("rules", "validate", "--rules", str(rules))
    assert result.exit_code != 0
    assert "neither is in force from 2026-02-11 to 2026-02-17" in result.output
    assert "`effective_from: 2026-02-11`" in result.output


def test_a_category_condition_is_checked_like_any_condition(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    crs = rules / "scores" / "crs.yaml"
    text = crs.read_text()
    crs.write_text(text.replace("condition: french_min >= 7", "condition: french_min"))
    result = cli("rules", "validate", "--rules", str(rules))
    assert result.exit_code != 0
    assert re.search(r"crs\.yaml:\d+:\d+: a category's condition must be true/false", result.output)
    crs.write_text(text.replace("condition: french_min >= 7", "condition: french_minimum >= 7"))
    result = cli("rules", "validate", "--rules", str(rules))
    assert re.search(r"crs\.yaml:\d+:\d+: unknown name 'french_minimum'.*french_min", result.output)


def test_a_category_text_needs_its_french(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    french = rules / "scores" / "crs.fr.yaml"
    french.write_text(re.sub(r"      stem_2026: >-\n(        .*\n)+?(?=      transport_2026)", "", french.read_text()))
    result = cli("rules", "validate", "--rules", str(rules))
    assert result.exit_code != 0
    assert "category 'stem_2026'" in result.output


def test_below_every_maybe_round_is_a_long_shot_said_plainly(tmp_path: Path) -> None:
    """FSW open on a 413 with only category rounds he may be in (healthcare, 467 and up): a long shot, it goes
    after CUSMA (on every screen, review11 #8), and its line says so, never that no round invited the program."""
    result = cli("check", "--rules", str(ROOT / "rules"), "--answers", str(scientist(tmp_path)), "--as-of", AS_OF,
                 "--no-input", env={"COLUMNS": "80"})
    out = " ".join(result.output.split())
    assert "2. Federal Skilled Worker Program (Express Entry) Eligible, but your score 413 is below the recent " \
           "rounds of every category you may be in (lowest 467)." in out
    assert "no recent round invited" not in out
