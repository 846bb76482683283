"""Hostile answers, driven as people and firms drive screener (issue 9: answers, privacy, output).

Each attack is a real command (`screener check --answers F --no-input --json`, `screener batch`) or
a real interview reply, and each test asserts the exit code, a one-line error naming the field, that
the value given appears nowhere in what screener printed, and that JSON output is strict JSON.
The property tests at the end throw random text at every question type through the answer-file,
interview and batch readers and require the same accept/reject (and value) from all of them.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import pexpect
import polars as pl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from screener.answerfile import read_answer_file
from screener.answers import Unsure, coerce, is_blank
from screener.cli import app
from screener.columnar import Coercion
from screener.errors import ScreenerError
from screener.interview import Answer, Back, Help, Invalid, Skip, parse_reply
from screener.model import Question

ROOT = Path(__file__).parent.parent
REAL = ROOT / "rules"
FIXTURE = Path(__file__).parent / "fixtures" / "batch" / "rules"  # every question type, a date included
INTERVIEW = Path(__file__).parent / "fixtures" / "check" / "rules"
PROMPT = "> "
SECRET = "SECRET-7c1f0e"
runner = CliRunner()


def strict_json(text: str) -> Any:
    """json.loads that refuses NaN and infinities, which Python's own json would accept."""
    def refuse(name: str) -> Any:
        raise AssertionError(f"not strict JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def check_file(tmp: Path, name: str, content: str, rules: Path = FIXTURE) -> Any:
    path = tmp / name
    path.write_text(content, encoding="utf-8")
    return runner.invoke(app, ["check", "--answers", str(path), "--no-input", "--json", "--rules", str(rules),
                               "--as-of", "2026-11-25"])


def assert_one_line_error(result: Any, field: str, expected: str, *absent: str, code: int = 1) -> None:
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines == [f"Error: {field}: {expected}"], result.stderr
    assert "Traceback" not in result.output and "internal error" not in result.output
    for value in absent:
        assert value not in result.output


NUMBER = "expected a whole number, like 30"
AMOUNT = "expected an amount in dollars, like 15263 or $15,263"
DIGITS = "expected a number of at most 15 digits"
A_DATE = "expected a real date as YYYY-MM-DD, like 2024-01-31"

# ------------------------------------------------------------------------------- answer files


@pytest.mark.parametrize(("name", "content", "field", "expected", "secret"), [
    # past Python's 4,300-digit int() limit, in YAML and in JSON
    ("a.yaml", "age: " + "9" * 5000 + "\n", "age", DIGITS, "9" * 20),
    ("a.json", '{"age": ' + "9" * 5000 + "}", "age", DIGITS, "9" * 20),
    ("a.yaml", "funds: " + "8" * 400 + "\n", "funds", DIGITS, "8" * 20),  # float() would make it infinite
    ("a.json", '{"funds": 1' + "0" * 400 + ".5}", "funds", DIGITS, "0" * 20),
    # impossible dates: YAML would build a date and fail inside the parser
    ("a.yaml", "offence_date: 2020-13-45\n", "offence_date", A_DATE, "2020-13-45"),
    ("a.yaml", "offence_date: 2023-02-29\n", "offence_date", A_DATE, "2023-02-29"),
    ("a.yaml", "age: 2020-13-45\n", "age", NUMBER, "2020-13-45"),
    ("a.json", '{"offence_date": "2020-13-45"}', "offence_date", A_DATE, "2020-13-45"),
    # NaN and infinities are not numbers, whatever the parser thinks
    ("a.yaml", "funds: .nan\n", "funds", AMOUNT, ".nan"),
    ("a.yaml", "funds: .NaN\n", "funds", AMOUNT, "NaN"),
    ("a.yaml", "funds: .inf\n", "funds", AMOUNT, ".inf"),
    ("a.yaml", "funds: -.Inf\n", "funds", AMOUNT, "Inf"),
    ("a.json", '{"funds": NaN}', "funds", AMOUNT, "NaN"),
    ("a.json", '{"funds": -Infinity}', "funds", AMOUNT, "Infinity"),
    ("a.yaml", "age: .nan\n", "age", NUMBER, ".nan"),
    ("a.yaml", "age: 30.5\n", "age", NUMBER, "30.5"),
    ("a.yaml", "age: 3.0e+1\n", "age", NUMBER, "3.0e+1"),  # exponents are refused on every path
    # the value given is never echoed: not a number, out of range, a bad choice, not yes/no
    ("a.yaml", f"age: {SECRET}\n", "age", NUMBER, SECRET),
    ("a.yaml", "age: 987654321\n", "age", "must be between 0 and 120", "987654321"),
    ("a.json", '{"age": -424242}', "age", "must be between 0 and 120", "424242"),
    ("a.yaml", f"education: {SECRET}\n", "education",
     "expected one of none, secondary, bachelors, masters, doctoral", SECRET),
    ("a.yaml", f"citizen: {SECRET}\n", "citizen", "expected yes or no", SECRET),
    ("a.yaml", f"offence_date: '{SECRET}'\n", "offence_date", A_DATE, SECRET),
    ("a.yaml", "age: \"\u00b2\"\n", "age", NUMBER, "\u00b2"),
])
def test_unreadable_answer_file_values(tmp_path: Path, name: str, content: str, field: str, expected: str,
                                       secret: str) -> None:
    assert_one_line_error(check_file(tmp_path, name, content), field, expected, secret)


def test_the_real_rulebook_refuses_nan_settlement_funds(tmp_path: Path) -> None:
    """The issue's own attack: `.nan` was accepted and `--json` printed bare NaN."""
    for name, content in (("a.yaml", "settlement_funds_cad: .nan\n"), ("a.json", '{"settlement_funds_cad": NaN}'),
                          ("a.yaml", "settlement_funds_cad: .inf\n")):
        result = check_file(tmp_path, name, content, rules=REAL)
        assert_one_line_error(result, "settlement_funds_cad", AMOUNT, "nan", "NaN", "inf")


CENTS = ("expected an amount in Canadian dollars, with ',' for thousands and at most two decimals for cents, "
         "like $15,263 or $15,263.50")
FSW_PERSON = {"goal": "live_permanently", "canadian_citizen": "no", "born_in_canada": "no", "canadian_parent": "no",
              "age": "30", "us_citizen": "yes", "in_us_now": "yes", "criminal_record": "no", "impaired_driving": "none",
              "misrepresentation": "no", "serious_health_condition": "no", "marital_status": "single",
              "dependent_children": "0", "english_clb_reading": "9", "english_clb_writing": "9",
              "english_clb_listening": "9", "english_clb_speaking": "9", "french_test": "none",
              "education": "masters", "education_assessed": "yes", "canadian_education": "none",
              "occupation_teer": "1", "foreign_work_years": "5", "canadian_work_years": "0",
              "continuous_year": "yes", "job_offer": "no", "provincial_nomination": "no"}


@pytest.mark.parametrize("amount", ["40.000", "15.263", "$40.000,00"])
def test_forty_thousand_written_with_a_dot_is_refused_in_check_and_batch(tmp_path: Path, amount: str) -> None:
    """review13 #2: `40.000` was read as $40, and FSW closed for lack of funds with no error anywhere."""
    person = {**FSW_PERSON, "settlement_funds_cad": amount}
    result = check_file(tmp_path, "a.yaml", "".join(f"{key}: '{value}'\n" for key, value in person.items()), REAL)
    assert_one_line_error(result, "settlement_funds_cad", CENTS, amount)
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    with source.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(person)
        writer.writerows([person.values(), {**person, "settlement_funds_cad": "$40,000.00"}.values()])
    result = runner.invoke(app, ["batch", str(source), "-o", str(target), "--rules", str(REAL)])
    assert result.exit_code == 1, result.output  # an error row
    with target.open(newline="", encoding="utf-8") as stream:
        refused, read = csv.DictReader(stream)
    assert refused["error"] == f"Settlement funds (settlement_funds_cad): {CENTS}"
    assert refused["express_entry_fsw"] != "ineligible" and read["error"] == ""
    assert amount not in result.output


def test_several_problems_are_listed_one_per_field_without_values(tmp_path: Path) -> None:
    result = check_file(tmp_path, "a.yaml", f"age: {SECRET}\nfunds: .nan\noffence_date: 2020-13-45\n")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines() == ["Error: 3 answers could not be read", f"  age: {NUMBER}",
                                          f"  funds: {AMOUNT}", f"  offence_date: {A_DATE}"]
    assert SECRET not in result.output and "2020-13-45" not in result.output


@pytest.mark.parametrize("spelling", ["30.0", "30.00", "'30.0'", "30"])
def test_a_zero_fraction_is_a_whole_number_in_answer_files(tmp_path: Path, spelling: str) -> None:
    """One rule for answer files, batch cells and the interview: 30.0 is 30 (docs/architecture.md)."""
    base = "citizen: no\nfunds: 12000.0\nclb_a: 9.0\nclb_b: 8\n"
    plain = check_file(tmp_path, "plain.yaml", base + "age: 30\n")
    result = check_file(tmp_path, "a.yaml", base + f"age: {spelling}\n")
    assert result.exit_code == 0, result.output
    assert strict_json(result.stdout) == strict_json(plain.stdout)
    as_json = check_file(tmp_path, "a.json", json.dumps({"citizen": "no", "funds": 12000.0, "clb_a": 9.0,
                                                         "clb_b": 8, "age": 30.0}))
    assert strict_json(as_json.stdout) == strict_json(plain.stdout)


def test_hostile_field_names_are_printable_and_short(tmp_path: Path) -> None:
    key = "\x1b[31m" + SECRET * 50
    result = check_file(tmp_path, "a.json", json.dumps({key: "1"}))
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert "\x1b" not in result.stderr and len(line) < 160
    assert line.startswith("Error: ?[31mSECRET") and "not a question of this rulebook" in line


def test_deeply_nested_json_is_one_line_not_a_recursion_error(tmp_path: Path) -> None:
    result = check_file(tmp_path, "a.json", '{"age": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"Error: --answers: {tmp_path / 'a.json'}: invalid JSON "
                                                  "(nested too deeply)"]


def test_saved_answers_read_back_the_same(tmp_path: Path) -> None:
    """Answers read as text still save and read back to the same report."""
    source = check_file(tmp_path, "a.yaml", "age: 30.0\nfunds: 1234.5\noffence_date: 2001-02-03\ncitizen: yes\n")
    assert source.exit_code == 0, source.output
    saved = tmp_path / "saved.yaml"
    runner.invoke(app, ["check", "--answers", str(tmp_path / "a.yaml"), "--no-input", "--json", "--rules",
                        str(FIXTURE), "--as-of", "2026-11-25", "--save", str(saved)])
    again = runner.invoke(app, ["check", "--answers", str(saved), "--no-input", "--json", "--rules", str(FIXTURE),
                                "--as-of", "2026-11-25"])
    assert again.exit_code == 0, again.output
    assert strict_json(again.stdout) == strict_json(source.stdout)


# ------------------------------------------------------------------------------------- batch

HOSTILE_CELLS = [  # (age, funds, offence_date, education): each row unreadable for the first bad cell
    ("9" * 5000, "", "", ""),
    ("30", "NaN", "", ""),
    ("30", "inf", "", ""),
    ("30", "8" * 400, "", ""),
    ("30", "", "2020-13-45", ""),
    (SECRET, "", "", ""),
    ("30", "", "", SECRET),
    ("\u00b2", "", "", ""),
    ("987654321", "", "", ""),
]


def batch(tmp: Path, rows: list[tuple[str, ...]], *extra: str) -> tuple[Any, Path]:
    source, target = tmp / "in.csv", tmp / ("out.jsonl" if "jsonl" in extra else "out.csv")
    with source.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["age", "funds", "offence_date", "education"])
        writer.writerows(rows)
    result = runner.invoke(app, ["batch", str(source), "-o", str(target), "--rules", str(FIXTURE),
                                 "--as-of", "2026-11-25", *extra])
    return result, target


def test_batch_error_cells_name_the_field_and_keep_the_cell_not_a_copy(tmp_path: Path) -> None:
    rows = [*HOSTILE_CELLS, ("30.0", "12000.0", "2001-02-03", "masters"), ("30", "12000", "2001-02-03", "masters")]
    result, target = batch(tmp_path, rows)
    assert result.exit_code == 1, result.output  # error rows: exit 1, output complete
    assert "Traceback" not in result.output and "internal error" not in result.output
    for secret in (SECRET, "9" * 20, "NaN", "2020-13-45", "\u00b2", "987654321"):
        assert secret not in result.output  # stderr carries counts only
    with target.open(newline="", encoding="utf-8") as stream:
        out = list(csv.DictReader(stream))
    assert [row["age"] for row in out] == [row[0] for row in rows]  # cells passed through unchanged
    assert [row["error"] for row in out[:-2]] == [
        f"age: {DIGITS}", f"funds: {AMOUNT}", f"funds: {AMOUNT}", f"funds: {DIGITS}", f"offence_date: {A_DATE}",
        f"age: {NUMBER}", "education: expected one of none, secondary, bachelors, masters, doctoral",
        f"age: {NUMBER}", "age: must be between 0 and 120"]
    zero_fraction, plain = out[-2], out[-1]
    assert zero_fraction["error"] == "" and plain["error"] == ""
    assert {k: v for k, v in zero_fraction.items() if k not in ("age", "funds")} == {
        k: v for k, v in plain.items() if k not in ("age", "funds")}


def test_batch_jsonl_is_strict_json_and_never_echoes(tmp_path: Path) -> None:
    result, target = batch(tmp_path, [*HOSTILE_CELLS, ("30.0", "12000.0", "2001-02-03", "masters")],
                           "--format", "jsonl")
    assert result.exit_code == 1, result.output  # error rows: exit 1, output complete
    lines = target.read_text(encoding="utf-8").splitlines()
    header, *records = [strict_json(line) for line in lines]
    assert header["type"] == "header"
    assert [r["row"] for r in records] == list(range(1, len(HOSTILE_CELLS) + 2))
    assert all(r["error"] for r in records[:-1]) and records[-1]["error"] is None
    # the cells come back only as the row's own `input` (to join it to the intake), never in a message
    assert SECRET not in json.dumps([{k: v for k, v in r.items() if k != "input"} for r in records])
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------------- interview

AGE = Question(id="age", type="int", min=0, max=120, prompt="Age?", topic="you")
FUNDS = Question(id="funds", type="money", min=0, prompt="Funds?", topic="you")
OFFER = Question(id="offer", type="yes_no", prompt="Offer?", topic="you")
STATUS = Question(id="status", type="choice", choices=["single", "common_law", "married"], prompt="?", topic="you")
BORN = Question(id="born", type="date", prompt="Born?", topic="you")
BOUNDLESS = Question(id="count", type="int", prompt="Count?", topic="you")
SCORE = Question(id="score", type="number", min=0, max=9, prompt="IELTS band?", topic="you")


@pytest.mark.parametrize(("question", "reply", "expected"), [
    (STATUS, "\u00b2", Invalid("type a number from 1 to 3")),  # isdigit() is true, int() refuses it
    (STATUS, "\u0663", Invalid("type a number from 1 to 3")),
    (STATUS, "\uff12", Invalid("type a number from 1 to 3")),  # fullwidth 2
    (STATUS, "9" * 5000, Invalid("type a number from 1 to 3")),
    (STATUS, "0" * 5000 + "2", Answer("common_law")),  # leading zeros count for nothing, as in coerce
    (STATUS, "2", Answer("common_law")),
    (AGE, "\u00b2", Invalid(NUMBER)),
    (AGE, "9" * 5000, Invalid(DIGITS)),
    (AGE, "NaN", Invalid(NUMBER)),
    (AGE, "30.0", Answer(30)),
    (AGE, SECRET, Invalid(NUMBER)),
    (AGE, "987654321", Invalid("must be between 0 and 120")),
    (SCORE, "nan", Invalid("expected a number, like 6.5")),
    (SCORE, "6.5", Answer(6.5)),
    (SCORE, "9" * 5000, Invalid(DIGITS)),
    (SCORE, "\u00b2", Invalid("expected a number, like 6.5")),
    (FUNDS, "inf", Invalid(AMOUNT)),
    (FUNDS, "8" * 400, Invalid(DIGITS)),
    (BORN, "2020-13-45", Invalid(A_DATE)),
    (OFFER, SECRET, Invalid("expected yes or no")),
    (STATUS, SECRET, Invalid("type a number from 1 to 3")),  # the menu's numbers, never the choices' ids
])
def test_interview_replies(question: Question, reply: str, expected: Any) -> None:
    assert parse_reply(question, reply) == expected


def test_interview_at_a_terminal_survives_hostile_digits() -> None:
    """The menu and a number question in a real terminal: a `Sorry` line, never a traceback."""
    env = {**os.environ, "COLUMNS": "100", "LINES": "50", "NO_COLOR": "1"}
    child = pexpect.spawn(sys.executable, ["-m", "screener", "check", "--rules", str(INTERVIEW), "--as-of",
                                           "2026-11-25"], env=env, encoding="utf-8", timeout=20,
                          dimensions=(50, 100), cwd=str(ROOT))

    def answer(question: str, reply: str) -> None:
        child.expect_exact(question)
        child.expect_exact(PROMPT)
        child.sendline(reply)

    answer("Are you already a Canadian citizen?", "\u00b2")
    child.expect_exact("Sorry: type a number from 1 to 3. Please try again.")
    child.expect_exact(PROMPT)
    child.sendline("no")
    answer("Were you born in Canada?", "no")
    answer("When you were born, was either of your parents a Canadian citizen?", "3")
    answer("How old are you today?", "9" * 40)
    child.expect_exact(f"Sorry: {DIGITS}. Please try again.")
    child.expect_exact(PROMPT)
    child.sendline("NaN")
    child.expect_exact(f"Sorry: {NUMBER}. Please try again.")
    child.expect_exact(PROMPT)
    child.sendintr()
    if child.expect([pexpect.EOF, r"Save your answers to continue later\?"]) == 1:  # the offer to save: no
        child.sendline("")
        child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in str(child.before) and "internal error" not in str(child.before)


# ------------------------------------------------------------------------------ property tests

QUESTIONS = [AGE, FUNDS, OFFER, STATUS, BORN, BOUNDLESS, SCORE,
             Question(id="capped", type="money", min=10, max=5000, prompt="?", topic="you"),
             Question(id="decimal", type="number", prompt="?", topic="you"),
             Question(id="band", type="number", min=0, max=9, step=0.5, prompt="?", topic="you"),  # IELTS halves
             Question(id="fives", type="int", min=0, max=100, step=5, prompt="?", topic="you"),
             Question(id="cents", type="money", step=0.01, prompt="?", topic="you")]
SPECIAL = ["NaN", "nan", "-nan", "inf", "-Infinity", ".nan", ".inf", "1e3", "3.0e1", "30.0", "-0.0", "+7", "0x1F",
           "1_000", "\u00b2", "\u0663", "\uff13", "9" * 16, "9" * 5000, "0" * 5000 + "1", "999,999,999,999,999",
           "999,999,999,999,999.9999", "1,000,000,000,000,000", "$ 1,234.50", "40.000", "15.263", "$15,263.500",
           "15263.05", "40,5", "40 000 $", "1.000.000", "2020-13-45", "2024-02-29",
           "20240229", "2024-W01-1", "yes", "No", "common law", "Common-Law", "  ", "", "\x00", "7\x00"]
numberish = st.from_regex(r"\A ?[+-]?\$?[0-9,]{0,22}(\.[0-9]{0,18})?([eE][+-]?[0-9]{1,3})? ?\Z", fullmatch=True)
texts = st.one_of(st.text(max_size=25), st.sampled_from(SPECIAL), numberish,
                  st.integers(-10**20, 10**20).map(str),
                  st.floats(allow_nan=True, allow_infinity=True).map(str),
                  st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat))
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def one(question: Question, text: Any) -> tuple[bool, Any]:
    """(accepted, value) or (refused, reason) from `answers.coerce`; any other exception fails the test."""
    try:
        value = coerce(question, text)
    except Unsure:  # "I don't know" ("DONT KNOW"): read, as unknown
        return True, None
    except ValueError as error:
        return False, str(error)
    return True, value


def same_value(question: Question, python: Any, batch_value: Any) -> bool:
    if question.type in ("int", "money"):
        return isinstance(batch_value, float) and math.isfinite(batch_value) and float(python) == batch_value
    return bool(python == batch_value)


@PROPERTY
@given(cells=st.lists(texts, min_size=1, max_size=12))
@example(cells=["?", " ?? ", "n/a", "pas sûr", "I don't know"])  # "I don't know" is unknown in both readers
@example(cells=["6.3", "6.5", "7", "12", "15", "0.1", "2.005", "$1,234.56", "1234.567"])  # on and off a step
def test_batch_coercion_accepts_and_refuses_exactly_what_answers_coerce_does(cells: list[str]) -> None:
    frame = pl.DataFrame({f"c{i}": cells for i in range(len(QUESTIONS))}, schema={
        f"c{i}": pl.String for i in range(len(QUESTIONS))})
    typed, reasons = Coercion(QUESTIONS, {q.id: f"c{i}" for i, q in enumerate(QUESTIONS)})(frame)
    for row, text in enumerate(cells):
        found = set((reasons[row] or "").split("; ")) - {""}
        for question in QUESTIONS:
            accepted, value = one(question, text)
            if is_blank(text):
                assert typed[question.id][row] is None and question.id not in {r.split(":")[0] for r in found}
                continue
            if accepted and value is None:
                assert typed[question.id][row] is None, (question.id, text)
            elif accepted:
                assert same_value(question, value, typed[question.id][row]), (question.id, text)
            else:  # the same reason, which is one of a few fixed sentences: the cell is never in it
                assert typed[question.id][row] is None, (question.id, text)
                assert f"{question.id}: {value}" in found, (question.id, text, found)
        assert len(found) == sum(not is_blank(text) and not one(q, text)[0] for q in QUESTIONS)


def test_batch_refuses_an_amount_with_more_decimals_than_cents_as_answers_coerce_does() -> None:
    """review13 #2: the fast path read `40.000` as $40, as coerce did; both refuse it now, with one reason."""
    cells = ["40.000", "15.263", "$15,263.500", "15263.05", "$40,000", "1.5"]
    typed, reasons = Coercion([FUNDS], {"funds": "cell"})(pl.DataFrame({"cell": cells}))
    assert typed["funds"].to_list() == [None, None, None, 15263.05, 40000.0, 1.5]
    cents = ("funds: expected an amount in Canadian dollars, with ',' for thousands and at most two decimals for "
             "cents, like $15,263 or $15,263.50")
    assert reasons.to_list() == [cents, cents, cents, None, None, None]
    for cell, value in zip(cells, typed["funds"].to_list(), strict=True):
        assert one(FUNDS, cell) == ((True, value) if value is not None else (False, cents.split(": ", 1)[1]))


@PROPERTY
@given(text=texts)
@example(text="0")
@example(text=" 1 ")
def test_interview_replies_agree_with_answers_coerce(text: str) -> None:
    """Any reply: an answer, a command or a reason, never an exception; answers are coerce's own."""
    for question in QUESTIONS:
        reply = parse_reply(question, text)
        assert isinstance(reply, Answer | Help | Back | Skip | Invalid)
        if question.type == "choice" or isinstance(reply, Help | Back | Skip) or not text.strip():
            continue
        if question.type == "yes_no" and text.strip().lower() in ("0", "1"):  # files take 1/0; at the prompt
            assert isinstance(reply, Invalid), (question.id, text)  # a person may mean a menu: asked again
            continue
        accepted, value = one(question, text.strip())
        assert reply == (Answer(value) if accepted else Invalid(value)), (question.id, text)


YAML_TOKEN = st.from_regex(r"\A[0-9+\-.$,eEnaNAifI_ ]{1,20}\Z", fullmatch=True).filter(
    lambda t: t.strip() and t.strip()[0] not in ",-" and not t.strip().startswith("- "))


@PROPERTY
@given(token=st.one_of(YAML_TOKEN, st.sampled_from([s for s in SPECIAL if s.strip() and "\x00" not in s]),
                       st.integers(-10**20, 10**20).map(str)))
def test_answer_files_read_a_plain_value_as_the_batch_cell_with_the_same_text(token: str) -> None:
    """`age: 30.0` in a YAML file, `{"age": 30.0}` in JSON and the cell `30.0` are one and the same answer."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.yaml"
        path.write_text("".join(f"{q.id}: {token}\n" for q in QUESTIONS), encoding="utf-8")
        try:
            raw = read_answer_file(path).answers
        except ScreenerError:
            return  # not a plain scalar in YAML (e.g. a flow indicator): refused whole, with a position
        for question in QUESTIONS:
            if question.id not in raw:  # `null`-like words mean "I don't know" in an answer file
                assert token.strip().lower() in ("null", "~", "")
                continue
            assert one(question, raw[question.id]) == one(question, token.strip()), (question.id, token)
        if _json_number(token):
            path = Path(folder) / "a.json"
            path.write_text(f'{{"age": {token.strip()}}}', encoding="utf-8")
            assert one(AGE, read_answer_file(path).answers["age"]) == one(AGE, token.strip())


def _json_number(token: str) -> bool:
    try:
        json.loads(token.strip())
    except ValueError:
        return False
    return token.strip() not in ("true", "false", "null")


@PROPERTY
@given(amount=st.one_of(st.floats(0, 10**15, exclude_max=True), st.sampled_from([0.00001, 1e-9, 1234.5, 0.1 + 0.2])),
       suffix=st.sampled_from([".yaml", ".json"]))
def test_saved_amounts_read_back_as_the_same_amount(amount: float, suffix: str) -> None:
    """`--save` writes numbers as plain decimals (never `1e-05`), so they read back by the same rule."""
    from screener.answerfile import write_answer_file

    value = coerce(FUNDS, amount)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"saved{suffix}"
        write_answer_file(path, {"funds": value, "offer": True, "age": 30})
        raw = read_answer_file(path).answers
        if suffix == ".json":
            strict_json(path.read_text(encoding="utf-8"))
    assert coerce(FUNDS, raw["funds"]) == value
    assert coerce(OFFER, raw["offer"]) is True and coerce(AGE, raw["age"]) == 30


def test_every_common_spelling_of_a_word_is_read_by_the_fast_path_as_coerce_reads_it() -> None:
    """Issue 15: yes/no and choice cells are looked up by polars (an Enum of the spellings), not Python.
    Every spelling `_spellings` lists for the shipped rulebook's word questions comes out of the fast path
    with coerce's own value, and any other text is left to coerce (null)."""
    from screener.answers import FALSE_WORDS, TRUE_WORDS
    from screener.columnar import _spellings
    from screener.labels import choice_spellings
    from screener.rulebook import load_rulebook

    rulebook = load_rulebook(Path(__file__).parent.parent / "rules")
    words = [q for q in rulebook.questions.values() if q.type in ("yes_no", "choice")]
    assert {q.type for q in words} == {"yes_no", "choice"}
    others = ["", "maybe", " yes", "YES!", "=yes", "x" * 30]
    for question in words:
        listed = sorted(TRUE_WORDS | FALSE_WORDS) if question.type == "yes_no" else choice_spellings(question)
        spellings = list(_spellings(question, listed))
        got = pl.DataFrame({"cell": spellings + others}).select(
            Coercion([question], {question.id: "cell"}).values)[question.id].to_list()
        assert got[:len(spellings)] == [coerce(question, cell) for cell in spellings], question.id
        assert got[len(spellings):] == [None] * len(others), question.id


def test_everyday_numbers_are_read_by_the_fast_path_as_coerce_reads_them() -> None:
    """Issue 15: plain numbers within a question's bounds and step are read by polars, not Python: the fast
    path alone (`Coercion.values`) gives coerce's value for them, bounds included, and leaves every other
    cell (out of range, off the step, more than 15 digits, spellings only coerce reads) to coerce (null)."""
    cases: dict[str, tuple[list[str], list[str]]] = {
        "age": (["0", "120", "30", "007", "+5", "-0"], ["121", "-1", "30.5", " 30", "1e3", "9" * 16, "30 years"]),
        "count": (["999999999999999", "-999999999999999", "0"], ["1000000000000000", "-1000000000000000"]),
        "score": (["0", "9", "6.5", "9.0", "0.000000000000001"], ["9.5", ".5", "6.", "1e0", " 6", "-0", "6,5"]),
        "funds": (["0", "$1,234.56", "1,000", "$5", "999999999999999.9", "12345"],
                  ["1,00", "$-5", "1000000000000000", "$ 5", "5$", "1,0000"]),
        "capped": (["10", "5000", "$5,000.00", "$4,999.99"], ["9.99", "5000.01", "$10,000"]),
        "decimal": (["999999999999999.9", "0.5"], ["1000000000000000", "-0.5"]),
        "band": (["6.5", "0", "9"], ["6.3", "9.5"]),
        "fives": (["15", "100", "0"], ["12", "101"]),
        "cents": (["$1.25", "3"], ["1.255", "$0.001"]),
    }
    by_id = {question.id: question for question in QUESTIONS}
    for qid, (read, left) in cases.items():
        question = by_id[qid]
        got = pl.DataFrame({"cell": read + left}).select(
            Coercion([question], {qid: "cell"}).values)[qid].to_list()
        assert got[:len(read)] == [float(coerce(question, cell)) for cell in read], qid
        assert got[len(read):] == [None] * len(left), qid


def test_a_cell_repeated_in_a_file_is_read_by_coerce_once_with_the_same_answer_each_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15: `answers.coerce` decides each distinct odd cell of a field once per run (a misspelt choice's
    did-you-mean hint costs ~0.7 ms); every row holding it gets the same value or reason, in every block,
    and each "I don't know" still counts once per cell for the run's warning."""
    from screener import columnar

    calls: list[tuple[str, str]] = []

    def counted(question: Question, raw: Any) -> Any:
        calls.append((question.id, raw))
        return coerce(question, raw)

    monkeypatch.setattr(columnar, "coerce", counted)
    questions = [AGE, STATUS, OFFER, SCORE]
    cells = ["abc", "Common Law", "not sure", "abc", "?", "not sure", "30 years", "Common Law", "yes please", "abc"]
    frame = pl.DataFrame({f"c{i}": cells for i in range(len(questions))})
    coercion = Coercion(questions, {q.id: f"c{i}" for i, q in enumerate(questions)})
    calls.clear()  # (building the spelling tables calls coerce too)
    first, first_reasons = coercion(frame)
    again, again_reasons = coercion(frame)  # the next block: nothing decided twice
    assert sorted(calls) == sorted({(q.id, cell) for q in questions for cell in cells
                                    if cell not in ("Common Law",) or q is not STATUS})
    assert first.equals(again) and first_reasons.equals(again_reasons)
    assert first_reasons.is_null().arg_true().to_list() == [2, 4, 5] and first["status"][1] == "common_law"
    for row, text in enumerate(cells):  # what each cell alone gives
        alone, reasons = Coercion(questions, {q.id: f"c{i}" for i, q in enumerate(questions)})(frame.slice(row, 1))
        assert alone.row(0) == first.row(row) and reasons[0] == first_reasons[row], text
    assert coercion.unsure == {q.id: 2 * 3 for q in questions}  # "not sure" twice, "?" once, in each read


def test_a_score_a_hair_off_its_step_is_the_steps_value_in_check_and_batch(tmp_path: Path) -> None:
    """review13 #3: Excel's 6.499999999999999 (an average) matched no row of the IELTS tables (6.5, 6.0, ...), so
    the language level was silently unknown. Row engine and batch now both read it as 6.5, a value on no step
    of any test's scale (6.4) as before."""
    from screener.rulebook import load_rulebook

    question = load_rulebook(REAL).questions["english_score_reading"]
    halves = Question(id="band", type="number", min=0, max=9, step=0.5, prompt="?", topic="you")
    cells = ["6.499999999999999", "6.5000000001", "6.5", "6.4", "7.000000000000001", "7"]
    for asked, expected in ((question, [6.5, 6.5, 6.5, 6.4, 7, 7]), (halves, [6.5, 6.5, 6.5, None, 7, 7])):
        python = [one(asked, cell) for cell in cells]
        assert [value if accepted else None for accepted, value in python] == expected
        assert python[0][1] == 6.5 and type(python[4][1]) is int  # exactly 6.5; 7, as "7" is
        typed, reasons = Coercion([asked], {asked.id: "cell"})(pl.DataFrame({"cell": cells}))
        assert typed[asked.id].to_list() == [None if value is None else float(value) for value in expected]
        assert [reason is None for reason in reasons.to_list()] == [value is not None for value in expected]
    score = "english_test: ielts_general\n" + "".join(f"english_score_{ability}: 6.499999999999999\n" for ability in
                                                      ("reading", "writing", "listening", "speaking"))
    result = check_file(tmp_path, "a.yaml", score, REAL)
    language = [r for r in strict_json(result.stdout)["pathways"]["express_entry_fsw"]["requirements"]
                if r["id"] == "language"]
    assert [r["status"] for r in language] == ["met"]
