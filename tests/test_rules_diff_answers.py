"""`rules diff --answers person.yaml`: one person's answer file, read as `check --answers` reads it, shows what a
dated change does to that person (review11 #7); an intake CSV or .xlsx is read as before. An answer file's
content is never repeated in an error."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from lawyer_kit import cli

ROOT = Path(__file__).parent.parent
RULES = str(ROOT / "rules")
PERSON = ROOT / "tests" / "fixtures" / "personas" / "climate_scientist.yaml"
DATED = ["--as-of", "2025-03-24", "--new-as-of", "2025-03-25"]  # the day job-offer points end (§13.28)


def diff(source: Path | str, *extra: str) -> dict:
    result = cli("rules", "diff", RULES, RULES, "--answers", str(source), *DATED, "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def crs_change(report: dict) -> tuple[object, object]:
    changes = [c for c in report["changes"] if c["id"] == "crs_score"]
    assert len(changes) == 1, report["changes"]
    return changes[0]["old"], changes[0]["new"]


def test_a_persons_yaml_answer_file_is_screened_under_both_dates() -> None:
    report = diff(PERSON)
    assert report["rows"] == 1 and report["unreadable_rows"] == 0
    assert crs_change(report) == (263, 213)  # 50 points for the job offer, no longer given from 25 March 2025
    assert {change["label"] for change in report["changes"]} == {"climate_scientist.yaml"}  # named by its file


def test_the_same_answers_as_json_or_with_no_suffix_read_the_same(tmp_path: Path) -> None:
    data = yaml.safe_load(PERSON.read_text(encoding="utf-8"))
    as_json = tmp_path / "person.json"
    as_json.write_text(json.dumps({k: v if isinstance(v, bool) else str(v) for k, v in data.items()}),
                       encoding="utf-8")
    plain = tmp_path / "person"
    plain.write_text(PERSON.read_text(encoding="utf-8"), encoding="utf-8")
    assert crs_change(diff(as_json)) == crs_change(diff(plain)) == (263, 213)


def test_as_intake_argument_too_and_text_output() -> None:
    result = cli("rules", "diff", RULES, RULES, str(PERSON), *DATED)
    assert result.exit_code == 0, result.output
    assert "crs_score: 263 → 213" in result.output


def test_an_answer_file_is_not_warned_about_the_fields_it_does_not_answer() -> None:
    """review13 #14: an answer file gives what the person answered; "43 fields not in the intake" is an intake's
    warning. And the header says "(listed below)" only when rows with errors are listed."""
    result = cli("rules", "diff", RULES, RULES, str(PERSON), *DATED)
    assert result.exit_code == 0, result.output
    assert "not in the intake" not in result.output
    assert "1 row of" in result.output and ": 1 screened, none with errors; 1 changed" in result.output
    assert "listed below" not in result.output
    assert diff(PERSON)["warnings"] == []


def test_an_answer_file_that_cannot_be_read_is_one_line_without_its_content(tmp_path: Path) -> None:
    broken = tmp_path / "person.yaml"
    broken.write_text("# Maria Gonzalez, English CLB 9\nage: [41\n", encoding="utf-8")
    result = cli("rules", "diff", RULES, RULES, "--answers", str(broken), *DATED)
    assert result.exit_code == 2, result.output
    assert "Maria" not in result.output and "CLB 9" not in result.output and "41" not in result.output
    assert "Traceback" not in result.output
    listed = tmp_path / "listed.yaml"
    listed.write_text("age: [41, 42]\n", encoding="utf-8")
    result = cli("rules", "diff", RULES, RULES, "--answers", str(listed), *DATED)
    assert result.exit_code == 2 and "'age'" in result.output and "41" not in result.output, result.output


def test_a_bad_answer_names_the_field_not_the_value(tmp_path: Path) -> None:
    person = tmp_path / "person.yaml"
    person.write_text(PERSON.read_text(encoding="utf-8").replace("age: 41", "age: forty-one"), encoding="utf-8")
    result = cli("rules", "diff", RULES, RULES, "--answers", str(person), *DATED)
    assert "forty" not in result.output
    report = diff(person)
    assert report["unreadable_rows"] == 1


def test_intake_only_options_are_refused_for_an_answer_file() -> None:
    for option in (["--map", "map.yaml"], ["--id", "client_id"], ["--encoding", "cp1252"], ["--sheet", "1"]):
        result = cli("rules", "diff", RULES, RULES, "--answers", str(PERSON), *DATED, *option)
        assert result.exit_code == 2, (option, result.output)
        assert f"{option[0]}: for an intake CSV or .xlsx" in result.output


def test_a_csv_intake_is_still_read_as_an_intake(tmp_path: Path) -> None:
    data = yaml.safe_load(PERSON.read_text(encoding="utf-8"))
    intake = tmp_path / "intake.csv"
    cells = {k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in data.items()}
    intake.write_text(",".join(cells) + "\n" + ",".join(cells.values()) + "\n", encoding="utf-8")
    assert crs_change(diff(intake)) == (263, 213)


def test_the_html_report_never_overwrites_the_answers_or_the_map(tmp_path: Path) -> None:
    """review13 #4: `--html` equal to the intake or the map wrote the report over it."""
    person = tmp_path / "person.yaml"
    person.write_bytes(PERSON.read_bytes())
    result = cli("rules", "diff", RULES, RULES, "--answers", str(person), "--html", str(person), *DATED)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"Error: --html: {person} is the input file; write to another file, the input is kept"]
    assert person.read_bytes() == PERSON.read_bytes()
    source, mapping = tmp_path / "form.csv", tmp_path / "m.yaml"
    source.write_text("Your age,us_citizen\n30,no\n", encoding="utf-8")
    mapping.write_text('columns:\n  "Your age": age\n', encoding="utf-8")
    result = cli("rules", "diff", RULES, RULES, str(source), "--map", str(mapping), "--html", str(mapping), *DATED)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"Error: --html: {mapping} is the --map file; write to another file, that file is kept"]
    assert mapping.read_text(encoding="utf-8") == 'columns:\n  "Your age": age\n'
