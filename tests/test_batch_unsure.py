"""review9 #2: a cell that says "I don't know" is unknown (or the question's `unsure` choice), never an
error row; a map can say so with `null`; `34 years` and `CAD 40000` are read; a real misreading stays an
error row naming the field and what it expects, never the value.

Expected outcomes come from `rulebook.evaluate` on the same person with the cell left blank (or with the
`unsure` choice), never from the batch code.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from screen_kit import batch_csv as screen
from typer.testing import CliRunner

from screener.cli import app
from screener.rulebook import Rulebook, load_rulebook

ROOT = Path(__file__).parent.parent
AS_OF = dt.date(2026, 11, 25)
PERSON = {"Name": "Priya Raman", "goal": "live_permanently", "canadian_citizen": "no", "age": "31",
          "us_citizen": "yes", "in_us_now": "yes", "marital_status": "single", "dependent_children": "0",
          "education": "masters", "education_assessed": "yes", "english_clb_reading": "9",
          "english_clb_writing": "9", "english_clb_listening": "9", "english_clb_speaking": "9",
          "occupation_teer": "1", "foreign_work_years": "4", "canadian_work_years": "0", "continuous_year": "yes",
          "job_offer": "no", "settlement_funds_cad": "30000", "criminal_record": "no",
          "impaired_driving": "none", "misrepresentation": "no", "serious_health_condition": "no"}


@pytest.fixture(scope="module")
def rulebook() -> Rulebook:
    return load_rulebook(ROOT / "rules")


def outcomes(rulebook: Rulebook, answers: dict[str, str]) -> dict[str, str]:
    return rulebook.evaluate({k: v for k, v in answers.items() if k in rulebook.questions}, as_of=AS_OF).outcomes()


@pytest.mark.parametrize("word", ["not sure", "Not sure", "unsure", "don't know", "I don’t know", "N/A", "n/a",
                                  "?", "pas sûr", "Je ne sais pas", "unknown"])
def test_a_cell_saying_i_dont_know_is_unknown_and_the_person_is_screened(
        tmp_path: Path, rulebook: Rulebook, word: str) -> None:
    person = {**PERSON, "education_assessed": word, "age": word}
    code, out, stderr = screen(tmp_path, [person])
    assert code == 0, stderr
    row = out[0]
    assert row["error"] == ""
    blank = {**PERSON, "education_assessed": "", "age": ""}
    assert {p: row[p] for p in rulebook.pathways} == outcomes(rulebook, blank)
    assert "express_entry_fsw" in rulebook.pathways and row["express_entry_fsw"] == "incomplete"
    assert "education_assessed" in row["missing"].split(";")  # the row itself says what it waits for
    assert row["education_assessed"] == word  # the input cell is passed through unchanged
    assert "2 cells say" in stderr and "education_assessed (1)" in stderr and "age (1)" in stderr


def test_i_dont_know_picks_the_questions_own_unsure_choice(tmp_path: Path, rulebook: Rulebook) -> None:
    person = {**PERSON, "canadian_citizen": "je ne sais pas", "goal": "not sure"}
    code, out, stderr = screen(tmp_path, [person])
    assert code == 0, stderr
    assert out[0]["error"] == ""
    want = outcomes(rulebook, {**PERSON, "canadian_citizen": "unsure", "goal": "not_sure"})
    assert {p: out[0][p] for p in rulebook.pathways} == want
    assert "I don't know" not in stderr  # a real answer (the `unsure` choice), not an unknown cell


def test_a_map_value_null_makes_an_answer_unknown(tmp_path: Path, rulebook: Rulebook) -> None:
    (tmp_path / "map.yaml").write_text('values:\n  education_assessed:\n    "Pending": null\n    "Oui": yes\n'
                                       '  job_offer:\n    "Ask later": ~\n', encoding="utf-8")
    person = {**PERSON, "education_assessed": "Pending", "job_offer": "ask later"}
    code, out, stderr = screen(tmp_path, [person], "--map", str(tmp_path / "map.yaml"))
    assert code == 0, stderr
    assert out[0]["error"] == ""
    assert out[0]["education_assessed"] == "Pending"
    want = outcomes(rulebook, {**PERSON, "education_assessed": "", "job_offer": ""})
    assert {p: out[0][p] for p in rulebook.pathways} == want


def test_amounts_with_their_currency_and_years_with_their_unit_are_read(tmp_path: Path, rulebook: Rulebook) -> None:
    rows = [{**PERSON, "age": age, "settlement_funds_cad": money}
            for age, money in [("31 years", "CAD 30000"), ("31 ans", "30,000 CAD"), ("31 years old", "C$30,000")]]
    code, out, stderr = screen(tmp_path, rows)
    assert code == 0, stderr
    want = outcomes(rulebook, PERSON)
    missing = rulebook.evaluate({k: v for k, v in PERSON.items() if k != "Name"}, as_of=AS_OF).missing
    assert want != outcomes(rulebook, {**PERSON, "age": "", "settlement_funds_cad": ""})  # the test can fail
    for row in out:
        assert row["error"] == ""
        assert {p: row[p] for p in rulebook.pathways} == want
        assert row["missing"].split(";") == missing


def test_an_answer_that_cannot_be_read_stays_an_error_row_naming_the_field_not_the_value(tmp_path: Path) -> None:
    rows = [{**PERSON, "settlement_funds_cad": "€20.000"}, {**PERSON, "settlement_funds_cad": "USD 40000"},
            {**PERSON, "months_with_employer_last_3_years": "2 years"}, PERSON]
    code, out, stderr = screen(tmp_path, rows)
    assert code == 1, stderr
    assert out[0]["error"].startswith("Settlement funds (settlement_funds_cad): expected an amount")
    assert out[1]["error"].startswith("Settlement funds (settlement_funds_cad): expected an amount")
    assert "(months_with_employer_last_3_years): expected a whole number" in out[2]["error"]  # 2 years ≠ 2
    for row in out[:3]:
        assert "20.000" not in row["error"] and "40000" not in row["error"] and "2 years" not in row["error"]
        assert row["express_entry_fsw"] == ""
    assert out[3]["error"] == "" and out[3]["express_entry_fsw"] != ""


def test_an_answer_file_reads_i_dont_know_the_same_way(tmp_path: Path, rulebook: Rulebook) -> None:
    answers = tmp_path / "me.yaml"
    answers.write_text("age: not sure\ncanadian_citizen: pas sûr\ngoal: work\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--answers", str(answers), "--json", "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    assert rulebook.read_answers({"age": "not sure", "canadian_citizen": "pas sûr"}) == {"canadian_citizen": "unsure"}


def test_the_letter_o_in_a_yes_no_cell_is_yes_and_said_once_for_the_run(tmp_path: Path, rulebook: Rulebook) -> None:
    """review13 #11: `O` is French o/n's yes, but a letter O typed for the digit 0 (no) looks the same and flips
    an admissibility answer: the row is read as yes (as `check` reads it) and the run names the cells' fields."""
    rows = [{**PERSON, "criminal_record": "O", "serious_health_condition": "o"}, {**PERSON, "misrepresentation": "O"},
            PERSON]
    code, out, stderr = screen(tmp_path, rows)
    assert code == 0, stderr
    assert {p: out[0][p] for p in rulebook.pathways} == outcomes(
        rulebook, {**PERSON, "criminal_record": "yes", "serious_health_condition": "yes"})
    said = " ".join(stderr.split())
    assert ("3 yes/no cells are the letter O, read as yes (French o for oui); if a 0 (no) was meant, correct them: "
            "criminal_record (1), misrepresentation (1), serious_health_condition (1)") in said
    code, _, stderr = screen(tmp_path, [{**PERSON, "criminal_record": "oui"}, {**PERSON, "criminal_record": "0"}])
    assert code == 0 and "letter O" not in stderr  # the word and the digit are not in doubt
