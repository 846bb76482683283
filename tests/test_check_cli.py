"""`screener check` as people and scripts drive it: --answers, --no-input, --json, --save, errors."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from screener.cli import app
from screener.model import Case
from screener.rulebook import load_cases

ROOT = Path(__file__).parent.parent
RULES = Path(__file__).parent / "fixtures" / "check" / "rules"
SCIENTIST = {
    "canadian_citizen": "no", "born_in_canada": "no", "canadian_parent": "no", "age": 45,
    "criminal_record": "no", "marital_status": "single", "english_clb_reading": 9, "english_clb_writing": 6,
    "french_nclc_reading": 0, "french_nclc_writing": 0, "education": "doctoral", "foreign_work_years": 10,
    "job_offer": "yes", "settlement_funds_cad": "$9,000",
}
runner = CliRunner()


def write(path: Path, answers: dict[str, Any]) -> Path:
    path.write_text(json.dumps(answers))
    return path


def check(*args: str, rules: Path = RULES, input: str | None = None) -> Any:
    return runner.invoke(app, ["check", "--rules", str(rules), "--as-of", "2026-11-25", *args], input=input)


def test_json_report_of_answers_without_questions(tmp_path: Path) -> None:
    result = check("--answers", str(write(tmp_path / "a.json", SCIENTIST)), "--no-input", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["rulebook"] == {"id": "checkmini", "version": "9.1", "as_of": "2026-11-25"}
    outcomes = {pid: p["outcome"] for pid, p in data["pathways"].items()}
    assert outcomes == {"citizenship_by_descent": "ineligible", "spousal_sponsorship": "ineligible",
                        "express_entry_fsw": "ineligible", "work_permit": "eligible"}
    # fixture grid: age 45 -> 2, English min 6 -> 0, doctoral 25, 10 years -> 6*2+3 = 15
    assert data["scores"] == {"fsw_points": 42, "crs_score": 2 * 9 + 6 * 20 + 25 * 6}
    assert data["best_pathway"] == "work_permit"
    assert data["flags"] == []
    language = data["pathways"]["express_entry_fsw"]["requirements"][0]
    assert (language["status"], language["actual"]) == ("failed", 6)
    assert "what_if" not in data  # the contract's report only, unless asked
    with_suggestions = json.loads(check("--answers", str(write(tmp_path / "a.json", SCIENTIST)), "--no-input",
                                        "--json", "--what-if").stdout)
    gains = with_suggestions["what_if"]["gains"]
    assert any(g["answers"] == {"french_nclc_reading": 7, "french_nclc_writing": 7} for g in gains)


def test_json_stdout_holds_nothing_else_in_the_real_command(tmp_path: Path) -> None:
    answers = write(tmp_path / "a.json", SCIENTIST)
    done = subprocess.run(
        [sys.executable, "-m", "screener", "check", "--rules", str(RULES), "--answers", str(answers),
         "--no-input", "--json", "--as-of", "2026-11-25"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["best_pathway"] == "work_permit"


def test_missing_answers_stay_unknown_with_no_input(tmp_path: Path) -> None:
    partial = {k: v for k, v in SCIENTIST.items() if k != "english_clb_writing"}
    result = check("--answers", str(write(tmp_path / "a.json", partial)), "--no-input", "--json")
    data = json.loads(result.stdout)
    requirements = {r["id"]: r for r in data["pathways"]["express_entry_fsw"]["requirements"]}
    assert requirements["language"]["status"] == "unknown"  # never "failed": unknown is not no
    assert requirements["language"]["missing"] == ["english_clb_writing"]
    assert data["scores"]["crs_score"] is None
    assert data["scores"]["fsw_points"] is None
    # §13.25: age 2 + education 25 + work 15 = 42 known; English at best (CLB 9) adds 24: 66 < 67, so the grid
    # fails whatever the answer and FSW is ineligible (it was "incomplete" before partial knowledge).
    assert requirements["points"]["status"] == "failed"
    assert data["pathways"]["express_entry_fsw"]["outcome"] == "ineligible"


def test_yaml_answers_and_rules_from_the_environment(tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("canadian_citizen: unsure\nborn_in_canada: No\ncanadian_parent: by descent\n")
    result = runner.invoke(app, ["check", "--answers", str(answers), "--no-input", "--json"],
                           env={"SCREENER_RULES": str(RULES)})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["best_pathway"] == "citizenship_by_descent"


def test_bad_answers_are_one_line_per_field_without_other_answers(tmp_path: Path) -> None:
    answers = {**SCIENTIST, "age": "old", "educaton": "masters"}
    result = check("--answers", str(write(tmp_path / "a.json", answers)), "--no-input", "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Error: 2 answers could not be read" in result.stderr
    assert "age: expected a whole number, like 30" in result.stderr
    assert "old" not in result.stderr  # nor the unreadable one
    assert "educaton: not a question of this rulebook (did you mean 'education'?)" in result.stderr
    assert "doctoral" not in result.stderr and "9,000" not in result.stderr  # other answers never echoed
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("name", "content", "message"), [
    ("a.yaml", "age: [30\n", "--answers: "),
    ("a.json", "{\"age\": 30,}", "invalid JSON"),
    ("a.yaml", "- 30\n- 40\n", "must be a mapping of question id to answer"),
    ("a.yaml", "age:\n  years: 30\n", "'age' must be a single value"),
    ("a.yaml", "age: 30\nage: 31\n", "duplicate key 'age'"),
    ("a.json", "{\"age\": 30, \"age\": 31}", "a.json: 'age' is given twice: keep the one you mean"),  # not 31 silently
])
def test_unreadable_answer_files(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    result = check("--answers", str(path), "--no-input")
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_missing_answer_file_and_bad_date(tmp_path: Path) -> None:
    result = check("--answers", str(tmp_path / "nope.yaml"), "--no-input")
    assert result.exit_code == 2 and "no such file" in result.stderr
    result = runner.invoke(app, ["check", "--rules", str(RULES), "--as-of", "25/11/2026", "--no-input"])
    assert result.exit_code == 2 and "is not a date" in result.stderr


def test_save_is_owner_only_and_reads_back_to_the_same_report(tmp_path: Path) -> None:
    saved = tmp_path / "me.yaml"
    first = check("--answers", str(write(tmp_path / "a.json", SCIENTIST)), "--no-input", "--json",
                  "--save", str(saved))
    assert first.exit_code == 0, first.output
    assert stat.S_IMODE(os.stat(saved).st_mode) == 0o600
    assert "yes" in saved.read_text() and "Traceback" not in first.output
    second = check("--answers", str(saved), "--no-input", "--json")
    assert json.loads(second.stdout) == json.loads(first.stdout)


def test_save_replaces_a_readable_file_with_an_owner_only_one(tmp_path: Path) -> None:
    saved = tmp_path / "me.json"
    saved.write_text("old")
    saved.chmod(0o644)
    result = check("--answers", str(write(tmp_path / "a.json", SCIENTIST)), "--no-input", "--save", str(saved))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(saved).st_mode) == 0o600
    assert json.loads(saved.read_text())["age"] == 45


def test_partial_answers_without_a_terminal_are_not_an_interview(tmp_path: Path) -> None:
    """`--answers partial.yaml --json` from a script: no questions on stderr, only JSON on stdout."""
    answers = tmp_path / "a.yaml"
    answers.write_text('canadian_citizen: "no"\nborn_in_canada: no\ncanadian_parent: null\n')
    result = check("--answers", str(answers), "--json", input="34\n")
    assert result.exit_code == 0
    assert "How old are you" not in result.output
    assert result.stderr == ""  # a program's file and JSON: nothing is asked at all, so nothing to explain
    data = json.loads(result.stdout)  # nothing else on stdout
    assert data["pathways"]["citizenship_by_descent"]["outcome"] == "incomplete"  # the parent is unknown


def test_verdict_screen_when_piped(tmp_path: Path) -> None:
    answers = str(write(tmp_path / "a.json", SCIENTIST))
    result = check("--answers", answers, "--no-input")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Open to you: Work permit with a job offer."
    assert len(lines) <= 24
    assert all(len(line) <= 80 and line == line.rstrip() for line in lines)
    assert "\x1b[" not in result.stdout
    assert "Closed: 3 routes — screener check --answers" in result.stdout
    full = check("--answers", answers, "--no-input", "--details").stdout
    assert "✗ Needed: CLB 7 or higher in English" in full  # what is needed, never the rule's words alone
    assert "You answered: English reading (CLB): 9; English writing (CLB): 6" in full  # against what they said
    assert "You answered: Marital status: single" in full  # labels, never ids
    footer = "Based on the rules in force on 25 November 2026 (“Check test rulebook”, version 9.1)."
    assert footer in " ".join(full.split())  # the rulebook's title, never its id
    assert all(line == line.rstrip() for line in full.splitlines())


def _cases() -> list[Any]:
    params = []
    for rules in (RULES, ROOT / "rules"):
        try:
            cases = load_cases(rules)
        except Exception:  # a broken case file is the rules runner's failure to report, not this test's
            continue
        params += [pytest.param(rules, case, id=f"{rules.name}:{case.name}") for _, case, _ in cases]
    return params


@pytest.mark.parametrize(("rules", "case"), _cases())
def test_yaml_cases_through_the_command(tmp_path: Path, rules: Path, case: Case) -> None:
    answers = write(tmp_path / "answers.json", {k: v for k, v in case.answers.items() if v is not None})
    args = ["check", "--rules", str(rules), "--answers", str(answers), "--no-input", "--json"]
    if case.as_of:
        args += ["--as-of", case.as_of.isoformat()]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    expect = case.expect
    for pathway_id, outcome in expect.pathways.items():
        assert data["pathways"][pathway_id]["outcome"] == outcome, pathway_id
    for score_id, value in expect.scores.items():
        assert data["scores"][score_id] == value, score_id
    if expect.flags is not None:
        assert sorted(f["id"] for f in data["flags"]) == sorted(expect.flags)
    if "best_pathway" in expect.model_fields_set:
        assert data["best_pathway"] == expect.best_pathway
