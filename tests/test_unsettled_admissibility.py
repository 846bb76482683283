"""A flag that waits on an unanswered question is never reported as an all-clear (unknown is not no).

A criminal record with the conviction question unanswered is still flagged (canada-rules.md §9.1: any
arrest, charge or conviction), and while a flag is undecided the verdict, the JSON report and batch
letters never say "Nothing in your answers raises an admissibility concern"."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from screener.cli import app
from screener.i18n import in_sentence

RULES = Path(__file__).parent.parent / "rules"
AS_OF = "2026-11-25"
ALL_CLEAR = "Nothing in your answers raises an admissibility concern."
ALL_CLEAR_FR = "Rien dans vos réponses ne soulève"

RECORD_ONLY = {"criminal_record": "yes", "age": 41}  # the conviction question left unanswered
CLEAN = {"criminal_record": "no", "impaired_driving": "none", "misrepresentation": "no",
         "serious_health_condition": "no", "age": 41}

runner = CliRunner()


def words(text: str) -> str:
    return " ".join(text.split())


def flag_title(flag: str, lang: str = "en") -> str:
    if lang == "fr":
        return str(yaml.safe_load((RULES / "flags.fr.yaml").read_text(encoding="utf-8"))["flags"][flag]["title"])
    flags = yaml.safe_load((RULES / "flags.yaml").read_text(encoding="utf-8"))["flags"]
    return str(next(item["title"] for item in flags if item["id"] == flag))


def conviction_label() -> str:
    questions = yaml.safe_load((RULES / "questions" / "admissibility.yaml").read_text(encoding="utf-8"))
    return str(next(q["label"] for q in questions["questions"] if q["id"] == "criminal_conviction"))


def check(tmp_path: Path, answers: dict[str, object], *extra: str) -> str:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers), encoding="utf-8")
    result = runner.invoke(app, ["check", "--answers", str(path), "--no-input", "--as-of", AS_OF, *extra],
                           env={"NO_COLOR": "1", "COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_record_with_the_conviction_unanswered_is_flagged_and_never_all_clear(tmp_path: Path) -> None:
    shown = words(check(tmp_path, RECORD_ONLY, "--details"))
    assert flag_title("arrest_or_charge") in shown
    assert ALL_CLEAR not in shown
    assert in_sentence(conviction_label()) in shown  # the answer that could still raise a concern is named


def test_the_json_report_lists_the_undecided_flags(tmp_path: Path) -> None:
    report = json.loads(check(tmp_path, RECORD_ONLY, "--json"))
    assert [flag["id"] for flag in report["flags"]] == ["arrest_or_charge"]
    assert "criminality" in report["flags_undecided"]


def test_answered_conviction_no_and_yes_keep_their_flags(tmp_path: Path) -> None:
    no = json.loads(check(tmp_path, {**RECORD_ONLY, "criminal_conviction": "no"}, "--json"))
    yes = json.loads(check(tmp_path, {**RECORD_ONLY, "criminal_conviction": "yes"}, "--json"))
    assert [flag["id"] for flag in no["flags"]] == ["arrest_or_charge"]
    assert [flag["id"] for flag in yes["flags"]] == ["criminality"]


def test_a_settled_clean_history_still_reads_all_clear(tmp_path: Path) -> None:
    shown = words(check(tmp_path, CLEAN, "--details"))
    assert ALL_CLEAR in shown
    assert json.loads(check(tmp_path, CLEAN, "--json"))["flags_undecided"] == []


def test_nothing_answered_about_admissibility_is_not_all_clear(tmp_path: Path) -> None:
    shown = words(check(tmp_path, {"age": 41}, "--details"))
    assert ALL_CLEAR not in shown


def test_in_french_too(tmp_path: Path) -> None:
    shown = words(check(tmp_path, RECORD_ONLY, "--details", "--lang", "fr"))
    assert words(flag_title("arrest_or_charge", "fr")) in shown  # words(): as the screen is read
    assert ALL_CLEAR_FR not in shown


def test_batch_agrees_and_its_letter_is_not_all_clear(tmp_path: Path) -> None:
    source, target, letters = tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / "letters"
    source.write_text("id,criminal_record,age\nrecord,yes,41\n", encoding="utf-8")
    result = runner.invoke(app, ["batch", str(source), "-o", str(target), "--letters", str(letters),
                                 "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    with target.open(encoding="utf-8", newline="") as stream:
        row = next(csv.DictReader(stream))
    assert row["flags"] == "arrest_or_charge"
    (letter,) = letters.iterdir()
    text = words(letter.read_text(encoding="utf-8"))
    assert flag_title("arrest_or_charge").replace("'", "") in text.replace("\\", "").replace("'", "")
    assert ALL_CLEAR not in text


def test_the_intake_contract_documents_flags_undecided(tmp_path: Path) -> None:
    """A firm reading docs/intake.md learns the key `check --json` (and `batch --full`) writes."""
    report = json.loads(check(tmp_path, RECORD_ONLY, "--json"))
    doc = (Path(__file__).resolve().parent.parent / "docs" / "intake.md").read_text(encoding="utf-8")
    assert "flags_undecided" in report
    assert "`flags_undecided`" in doc
