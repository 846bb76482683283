"""`screener batch` as a firm drives it: real-world CSVs in, one output row per input row, never a crash.

Expected outcomes always come from `rulebook.evaluate` on the same answers (never from the batch code);
expected cells come from the input itself or Python's csv module.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screener import csvio
from screener.answers import AnswerError
from screener.cli import app
from screener.rulebook import Rulebook, load_rulebook

ROOT = Path(__file__).parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "batch" / "rules"
AS_OF = dt.date(2026, 11, 25)
PATHWAYS = ["citizenship_by_descent", "spousal_sponsorship", "express_entry_fsw", "express_entry_cec",
            "express_entry_fst", "provincial_nominee", "quebec_skilled_worker", "cusma_professional",
            "intra_company_transfer", "iec_working_holiday", "study_permit", "asylum_claim"]


@pytest.fixture(scope="module")
def rulebook() -> Rulebook:
    return load_rulebook(FIXTURE)


# intake-fields.md: after the scores, in this order, `error` last
CONTRACT_TAIL = ["flags", "best_pathway", "best_pathway_title", "leads", "missing", "warnings", "error"]


def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["batch", *args, "--as-of", AS_OF.isoformat()], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def batch_file(tmp_path: Path, content: bytes, *extra: str, rules: Path = FIXTURE) -> tuple[list[list[str]], str]:
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(content)
    code, _, stderr = run(str(source), "-o", str(target), "--rules", str(rules), *extra)
    text = target.read_text(encoding="utf-8-sig")  # an input from Excel gives an output with a BOM
    delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    errors = [row[rows[0].index("error")] for row in rows[1:]]
    assert code == (1 if any(errors) else 0), stderr  # 1: the output is complete, some rows are error rows
    return rows, stderr


def expected(rulebook: Rulebook, answers: dict[str, str]) -> dict[str, str]:
    """What the one-person engine says, in the batch output's terms."""
    try:
        report = rulebook.evaluate(answers, as_of=AS_OF)
    except AnswerError as error:
        return {"error": "; ".join(error.cells)}
    row = dict(report.outcomes())
    for score_id, value in report.score_values().items():
        row[score_id] = "" if value is None else str(int(value)) if float(value).is_integer() else str(value)
    row["flags"] = ";".join(flag.id for flag in report.flags)
    row["best_pathway"] = report.best_pathway or ""
    row["best_pathway_title"] = report.pathways[report.best_pathway].title if report.best_pathway else ""
    row["leads"] = ";".join(lead.id for lead in report.leads)
    row["missing"] = ";".join(report.missing)
    row["warnings"] = ";".join(warning.id for warning in report.warnings)
    row["error"] = ""
    return row


HOSTILE = (
    "\ufeffAge;Citizen;Has Partner;partner_kind;EDUCATION;clb_a;clb_b;children;funds;Notes\r\n"
    "30;yes;no;;masters;9;8;0;$25,000;ok\r\n"                       # 2: fine
    "31;yes;no;;masters\r\n"                                       # 3: short row: the rest empty
    "abc;no;no;;bachelors;7;7;1;1000;bad number\r\n"               # 4: bad number
    "40;no;yes;foreign;mastres;7;7;1;1000;typo\r\n"                # 5: misspelled choice
    "25;y;n;;doctoral;12;12;0;15,263;=HYPERLINK(\"http://x\")\r\n"  # 6: formula cell (and quotes inside)
    "26;yes;no;;\"masters;9;9;0;100;unterminated\r\n"              # 7: unterminated quote
    "27;no;no;;secondary;4;5;2;$3,000;after the broken line\r\n"   # 8: fine
    "130;maybe;no;;phd;9;9;0;-5;every cell wrong\r\n"              # 9: several bad cells
).encode("utf-8")


def test_a_hostile_file_comes_back_row_for_row_with_clear_errors(tmp_path: Path, rulebook: Rulebook) -> None:
    rows, _ = batch_file(tmp_path, HOSTILE)
    header, body = rows[0], rows[1:]
    assert header[:10] == ["Age", "Citizen", "Has Partner", "partner_kind", "EDUCATION", "clb_a", "clb_b",
                           "children", "funds", "Notes"]
    assert header[10:] == [*rulebook.pathways, "crs_score", "fsw_points", *CONTRACT_TAIL]
    assert len(body) == 8  # every input line, in order
    out = [dict(zip(header, row, strict=True)) for row in body]
    assert [row["Notes"] for row in out] == ["ok", "", "bad number", "typo", "'=HYPERLINK(\"http://x\")",
                                             "unterminated", "after the broken line", "every cell wrong"]

    def answers(row: dict[str, str]) -> dict[str, str]:
        names = {"Age": "age", "Citizen": "citizen", "Has Partner": "has_partner", "partner_kind": "partner_kind",
                 "EDUCATION": "education", "clb_a": "clb_a", "clb_b": "clb_b", "children": "children",
                 "funds": "funds"}
        return {field: row[column] for column, field in names.items()}

    for index in (0, 1, 4, 6):  # readable rows (the formula cell is not a field): exactly what the engine says
        want = expected(rulebook, answers(out[index]))
        assert {key: out[index][key] for key in want} == want
    # a short row (Excel leaves a row's empty cells out at its end): its missing cells are empty
    assert out[1]["Age"] == "31" and out[1]["EDUCATION"] == "masters" and out[1]["clb_a"] == out[1]["Notes"] == ""
    assert out[2]["error"] == "age: expected a whole number, like 30"
    assert out[3]["error"].startswith("education: expected one of none, secondary, bachelors")
    assert "(did you mean 'masters'?)" in out[3]["error"]
    assert out[5]["error"] == "row 6, line 7 of the file: unterminated quote"  # the summary's row, the file's line
    assert out[5]["Age"] == "26" and out[5]["Notes"] == "unterminated"  # its cells are kept
    assert out[7]["error"] == expected(rulebook, answers({**out[7], "funds": "-5"}))["error"]
    assert out[7]["error"].count(";") >= 3  # age, citizen, education and funds all named
    assert out[7]["funds"] == "'-5"
    for row in out:  # an error row has no verdict; a readable row has one for every pathway
        assert all(row[p] == "" for p in rulebook.pathways) == (row["error"] != "")


def test_header_names_match_ignoring_case_and_spaces_and_extra_columns_pass_through(
        tmp_path: Path, rulebook: Rulebook) -> None:
    content = b" AGE ,Citizen,has partner,CLB-A,clb_b,Funds,Firm ID\n33,yes,no,9,9,$100000,F-1\n"
    rows, stderr = batch_file(tmp_path, content)
    header = rows[0]
    row = dict(zip(header, rows[1], strict=True))
    assert header[:7] == [" AGE ", "Citizen", "has partner", "CLB-A", "clb_b", "Funds", "Firm ID"]
    assert row["Firm ID"] == "F-1"
    want = expected(rulebook, {"age": "33", "citizen": "yes", "has_partner": "no", "clb_a": "9", "clb_b": "9",
                               "funds": "$100000"})
    assert {key: row[key] for key in want} == want
    # one warning naming exactly the fields with no column
    warnings = [line for line in stderr.splitlines() if "not in the input" in line]
    assert len(warnings) == 1
    for field in ("partner_kind", "education", "children", "offence_date", "years_abroad"):
        assert field in warnings[0]
    assert "age," not in warnings[0].split(":", 1)[1]


def test_columns_map_translates_a_firms_own_headers(tmp_path: Path, rulebook: Rulebook) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("Applicant age: age\nHighest degree: education\n", encoding="utf-8")
    rows, _ = batch_file(tmp_path, b"Applicant Age,Highest degree\n29,Masters\n40,none\n",
                         "--columns", str(mapping))
    header = rows[0]
    for row in rows[1:]:
        got = dict(zip(header, row, strict=True))
        want = expected(rulebook, {"age": got["Applicant Age"], "education": got["Highest degree"]})
        assert {key: got[key] for key in want} == want
    assert rows[1][0] == "29" and rows[1][1] == "Masters"


def test_a_map_header_that_is_a_typo_for_an_unread_column_is_refused_before_any_row(tmp_path: Path) -> None:
    """review13 #6: "Your agee" for the form's "Your age" would leave age unknown on every row: exit 2, where
    the entry is in the map, the column meant, and no output written."""
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  Degree: education\n  Your agee: age\n", encoding="utf-8")
    (tmp_path / "in.csv").write_text("Your age,Degree\n29,masters\n", encoding="utf-8")
    code, _, stderr = run(str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"), "--rules", str(FIXTURE),
                          "--map", str(mapping))
    assert code == 2
    assert stderr == (f"Error: --map: {mapping}:3:3: the input has no column 'Your agee' (did you mean "
                      "'Your age'?): correct the map and run again\n")
    assert not (tmp_path / "out.csv").exists()


def test_a_map_header_the_form_lacks_with_no_column_like_it_is_a_warning(tmp_path: Path) -> None:
    """One map for several versions of a form: a header this version lacks is only warned about, when no
    column is a slip of it, or when the column like it is one the map names too (the other version's)."""
    mapping = tmp_path / "map.yaml"
    mapping.write_text("Applicant age: age\nApplicant agee: age\nAge of applicant: age\nDegree: education\n"
                       "Q12: children\n", encoding="utf-8")
    rows, stderr = batch_file(tmp_path, b"Applicant age,Degree,Q13\n29,masters,x\n", "--columns", str(mapping))
    said = " ".join(stderr.split())
    assert "--columns: the input has no column 'Age of applicant'" in said
    assert "--columns: the input has no column 'Q12'" in said
    assert "--columns: the input has no column 'Applicant agee' (did you mean 'Applicant age'?)" in said
    assert len(rows) == 2 and rows[1][0] == "29"


def test_a_columns_map_naming_an_unknown_field_is_one_clear_error(tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("Applicant age: agee\n", encoding="utf-8")
    (tmp_path / "in.csv").write_text("Applicant age\n30\n", encoding="utf-8")
    code, _, stderr = run(str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"), "--rules", str(FIXTURE),
                          "--columns", str(mapping))
    assert code == 2
    assert stderr.startswith(f"Error: --columns: {mapping}:1:16: 'agee' is not a field of the rulebook "
                             "(did you mean 'age'?)")
    assert "Traceback" not in stderr
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["missing.csv", "-o", "out.csv"], "missing.csv: no such file"),
    (["empty.csv", "-o", "out.csv"], "the input is empty"),
    (["in.csv", "-o", "out.csv", "--format", "xml"], "--format: 'xml' is not csv or jsonl"),
    (["in.csv", "-o", "no/such/folder/out.csv"], "does not exist"),
])
def test_bad_invocations_give_one_line_and_a_nonzero_exit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.csv").write_text("age\n30\n", encoding="utf-8")
    (tmp_path / "empty.csv").write_bytes(b"\xef\xbb\xbf")
    code, _, stderr = run(*args, "--rules", str(FIXTURE))
    assert code != 0
    assert stderr.startswith("Error: ") and message in stderr.splitlines()[0]
    assert "Traceback" not in stderr


def test_stdin_to_stdout(rulebook: Rulebook) -> None:
    code, stdout, _ = run("-", "-o", "-", "--rules", str(FIXTURE), stdin=b"age,citizen\n20,no\n,no\n")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(stdout)))
    assert len(rows) == 2
    for row in rows:
        want = expected(rulebook, {"age": row["age"], "citizen": row["citizen"]})
        assert {key: row[key] for key in want} == want


QUOTED = ["plain", "with, comma", 'say "hi"', "", "  padded  ", "x" * 200, "semi;colon", "@mention", '""']


@pytest.mark.parametrize(("block", "texts"), [
    (64, [*QUOTED, "two\nlines", "three\nshort\nlines"]),  # every record straddles a block boundary
    (None, QUOTED),  # well-formed quoted lines: polars' own reader
    (None, [*QUOTED, "two\nlines"]),  # a cell across lines: Python's recovery for that block
])
def test_quoted_cells_are_kept_exactly(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int | None, texts: list[str]) -> None:
    if block is not None:
        monkeypatch.setattr(csvio, "BLOCK_BYTES", block)
    records = [["age", "notes", "citizen"]] + [
        [str(20 + i % 50), text, "yes" if i % 2 else "no"] for i, text in enumerate(texts * 7)
    ]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(records)
    rows, _ = batch_file(tmp_path, buffer.getvalue().encode("utf-8"))
    assert len(rows) == len(records)
    for got, want in zip(rows[1:], records[1:], strict=True):
        assert got[:3] == [csvio.escape_formula(cell) for cell in want]
        assert got[-1] == ""


def test_an_interrupted_run_leaves_no_file_that_looks_complete(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from screener import batch

    monkeypatch.setattr(csvio, "BLOCK_BYTES", 64)
    calls = {"n": 0}
    real = batch.finished

    def flaky(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "finished", flaky)
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("age,citizen\n" + "".join(f"{20 + i},yes\n" for i in range(100)), encoding="utf-8")
    target.write_text("the previous results\n", encoding="utf-8")
    CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--rules", str(FIXTURE)])
    assert calls["n"] == 3
    assert target.read_text(encoding="utf-8") == "the previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def mode_of(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_outputs_summary_and_letters_are_owner_only_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    """They hold names and every answer: each file 0600, a letters folder it creates 0700."""
    source = tmp_path / "in.csv"
    source.write_text("name,age,citizen\nAda,30,no\nBo,31,no\n", encoding="utf-8")
    previous = os.umask(umask)
    try:
        at = f"{tmp_path}/"
        for extra in [["-o", at + "out.csv", "--summary", at + "s.html", "--letters", at + "deep/L"],
                      ["-o", at + "out.jsonl", "--format", "jsonl", "--summary", at + "s.md"],
                      ["-o", at + "out.xlsx", "--letters", at + "H", "--letters-html"]]:
            code, _, stderr = run(str(source), "--rules", str(FIXTURE), *extra)
            assert code == 0, stderr
    finally:
        os.umask(previous)
    files = ["out.csv", "out.jsonl", "out.xlsx", "s.html", "s.md"]
    letters = sorted((tmp_path / "deep" / "L").iterdir()) + sorted((tmp_path / "H").iterdir())
    assert len(letters) == 4
    assert {str(path): mode_of(path) for path in [*(tmp_path / name for name in files), *letters]} == \
        {str(path): 0o600 for path in [*(tmp_path / name for name in files), *letters]}
    assert (mode_of(tmp_path / "deep" / "L"), mode_of(tmp_path / "H")) == (0o700, 0o700)


def test_a_replaced_output_becomes_owner_only_and_an_existing_letters_folder_keeps_its_mode(tmp_path: Path) -> None:
    source, target, folder = tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / "L"
    source.write_text("name,age\nAda,30\n", encoding="utf-8")
    target.write_text("old results\n", encoding="utf-8")
    target.chmod(0o644)
    folder.mkdir()
    folder.chmod(0o750)  # the firm's choice for its own folder
    code, _, stderr = run(str(source), "-o", str(target), "--rules", str(FIXTURE), "--letters", str(folder))
    assert code == 0, stderr
    assert (mode_of(target), mode_of(folder)) == (0o600, 0o750)
    assert [mode_of(letter) for letter in folder.iterdir()] == [0o600]


def test_a_device_output_is_streamed_to_and_keeps_its_mode(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("age\n30\n", encoding="utf-8")
    before = mode_of(Path("/dev/null"))
    code, _, stderr = run(str(source), "-o", "/dev/null", "--rules", str(FIXTURE), "--summary", "/dev/null")
    assert code == 0, stderr
    assert mode_of(Path("/dev/null")) == before and stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_jsonl_full_writes_the_full_report_per_row_in_order(tmp_path: Path, rulebook: Rulebook) -> None:
    source, target = tmp_path / "in.csv", tmp_path / "out.jsonl"
    source.write_text("age,education,citizen\n30,masters,no\n31,phd,no\n32,masters,no,x\n,,no\n", encoding="utf-8")
    code, _, stderr = run(str(source), "-o", str(target), "--format", "jsonl", "--full", "--rules", str(FIXTURE))
    assert code == 1, stderr  # rows 2 and 3 are error rows; the output is still complete
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [line["row"] for line in lines] == [1, 2, 3, 4]
    first = rulebook.evaluate({"age": "30", "education": "masters", "citizen": "no"}, as_of=AS_OF).to_json()
    assert {key: value for key, value in lines[0].items() if key not in ("row", "id", "input")} == first
    assert lines[0]["input"] == {"age": "30", "education": "masters", "citizen": "no"}
    assert lines[1] == {"row": 2, "id": {}, "input": {"age": "31", "education": "phd", "citizen": "no"},
                        "error": expected(rulebook, {"age": "31", "education": "phd", "citizen": "no"})["error"]}
    assert lines[2] == {"row": 3, "id": {}, "input": {"age": "32", "education": "masters", "citizen": "no,x"},
                        "error": "row 3, line 4 of the file: 4 cells, expected 3 (the header's)"}
    assert lines[3]["pathways"].keys() == rulebook.pathways.keys()


def test_summary_on_stderr_counts_rows_errors_and_outcomes(tmp_path: Path, rulebook: Rulebook) -> None:
    content = b"age,citizen,has_partner,partner_kind\n20,no,yes,local\n20,no,yes,local\n99,maybe,no,\n"
    _, stderr = batch_file(tmp_path, content)
    assert "3 rows: 2 screened, 1 with errors" in stderr
    want = expected(rulebook, {"age": "20", "citizen": "no", "has_partner": "yes", "partner_kind": "local"})
    family_line = next(line for line in stderr.splitlines() if "family_route" in line)
    counts = [int(cell) for cell in family_line.replace("│", " ").split()[1:]]
    position = ["eligible", "ineligible", "incomplete"].index(want["family_route"])
    assert counts[position] == 2 and sum(counts) == 2
    assert "crs_score distribution" in stderr.replace("\n", " ")


def test_the_real_rulebook_gives_exactly_the_contract_columns(tmp_path: Path) -> None:
    """rules/ must load (a broken rulebook fails here loudly) and batch must emit the contract's columns."""
    rules = load_rulebook(ROOT / "rules")
    fields = list(rules.questions)
    values = {"age": "30", "us_citizen": "yes", "education": "Bachelors", "settlement_funds_cad": "$20,000"}
    content = io.StringIO()
    csv.writer(content).writerows([fields, [values.get(f, "") for f in fields]])
    rows, stderr = batch_file(tmp_path, content.getvalue().encode("utf-8"), rules=ROOT / "rules")
    assert "not in the input" not in stderr
    assert rows[0] == [*fields, *rules.pathways, "crs_score", "fsw_points", *CONTRACT_TAIL]
    assert set(rules.pathways) == set(PATHWAYS)
    got = dict(zip(rows[0], rows[1], strict=True))
    want = expected(rules, {f: values.get(f, "") for f in fields})
    assert {key: got[key] for key in want} == want


def test_the_real_command_runs_end_to_end(tmp_path: Path) -> None:
    """The installed `screener` entry point, as a firm would run it."""
    source = tmp_path / "intake.csv"
    source.write_text("age;us_citizen\r\n30;yes\r\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "screener", "batch", str(source), "-o", "-",
                             "--as-of", "2026-11-25"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[0].split(";")
    assert header[:2] == ["age", "us_citizen"] and header[-1] == "error"
    assert "Traceback" not in result.stderr


def test_a_progress_bar_only_when_stderr_is_a_terminal(tmp_path: Path) -> None:
    """A large file on a terminal shows progress; piped, stderr holds only the summary."""
    import pexpect

    source = tmp_path / "big.csv"
    row = "30,yes,no,,masters,9,8,0,\"$25,000\"," + "x" * 200 + "\n"
    source.write_text("age,citizen,has_partner,partner_kind,education,clb_a,clb_b,children,funds,notes\n"
                      + row * 30_000, encoding="utf-8")
    command = [sys.executable, "-m", "screener", "batch", str(source), "-o", str(tmp_path / "out.csv"),
               "--rules", str(FIXTURE), "--as-of", "2026-11-25"]
    child = pexpect.spawn(command[0], command[1:], timeout=120, encoding="utf-8", dimensions=(40, 120))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Screening" in (child.before or "")
    piped = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "Screening" not in piped.stderr and "30,000 rows: 30,000 screened, 0 with errors" in piped.stderr


def test_gate_questions_are_not_missing_when_the_file_gives_what_they_imply(tmp_path: Path) -> None:
    """A CSV with the partner's language levels needs no "does your partner have a test?" gate column.

    (english_test and french_test are contract fields since issue 11: the test whose raw scores are
    given, read by the rules that convert them, so they are no longer pure gates.)
    """
    levels = [f"partner_clb_{a}" for a in ("reading", "writing", "listening", "speaking")]
    header = ",".join(["age", *levels]).encode()
    _, stderr = batch_file(tmp_path, header + b"\n30,9,9,9,9\n", rules=ROOT / "rules")
    assert "not in the input" in stderr and "english_test" in stderr  # a contract field, read by rules
    assert "partner_language_test" not in stderr
    _, stderr = batch_file(tmp_path, b"age\n30\n", rules=ROOT / "rules")
    assert "partner_language_test" in stderr


def test_python_side_work_runs_in_a_thread_of_its_own_beside_polars(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15: reading, coercion and letters run in `screener-prepare`, not in polars' worker threads
    (run there, they held one of its threads and the whole batch used about one core)."""
    import threading

    from screener.batch import run_batch

    monkeypatch.setattr(csvio, "BLOCK_BYTES", 256)
    seen: list[tuple[int, str]] = []

    def each_row(number: int, answers: dict[str, str | None], ids: list[str | None]) -> None:
        seen.append((number, threading.current_thread().name))

    content = "age,citizen\n" + "".join(f"{20 + i % 50},{'yes' if i % 3 else 'no'}\n" for i in range(300))
    sink = io.BytesIO()
    summary = run_batch(load_rulebook(FIXTURE), io.BytesIO(content.encode()), sink, as_of=AS_OF, each_row=each_row)
    assert summary.rows == 300
    assert [number for number, _ in seen] == list(range(1, 301))
    assert {name for _, name in seen} == {"screener-prepare"}
    rows = list(csv.reader(io.StringIO(sink.getvalue().decode())))
    assert [row[0] for row in rows[1:]] == [str(20 + i % 50) for i in range(300)]  # one row per row, in order


def test_preparing_waits_for_room_in_full_blocks_and_never_for_ever(monkeypatch: pytest.MonkeyPatch) -> None:
    """The flow control between preparing and polars: a short last block does not wait for the room of
    its own few rows, and when nothing comes out (polars holds every block in flight until it gets
    another), one more block is let in instead of waiting again and again."""
    import threading

    from screener import batch

    def fresh(room: int) -> batch.Blocks:
        blocks = batch.Blocks(None, None, {}, {}, None, [], None)  # type: ignore[arg-type]
        blocks.room = room
        return blocks

    monkeypatch.setattr(batch, "FLOW_TIMEOUT", 0.01)
    stuck = fresh(room=3)
    for _ in range(3):
        stuck.wait_for_room(100)
    assert stuck.room == 3  # three blocks in flight: no wait
    stuck.wait_for_room(100)  # a fourth, nothing written: after FLOW_TIMEOUT it is let in, and room stays
    assert stuck.room == 4 and stuck.in_flight == 400

    short = fresh(room=3)
    for _ in range(3):
        short.wait_for_room(100)
    short.done(100)
    short.wait_for_room(5)  # a short last block fits beside two full blocks
    assert short.room == 3 and short.in_flight == 205

    monkeypatch.setattr(batch, "FLOW_TIMEOUT", 60.0)
    flowing = fresh(room=2)
    flowing.wait_for_room(100)
    flowing.wait_for_room(100)
    threading.Timer(0.05, flowing.done, args=(100,)).start()
    flowing.wait_for_room(100)  # waits until a block is written, then goes on
    assert flowing.room == 2 and flowing.in_flight == 200


def test_input_cells_are_joined_back_row_for_row_whatever_polars_batches() -> None:
    """The input cells stay out of the polars query; each batch it returns (which may merge or split the
    blocks) gets the next rows' cells, blank as empty and formulas made inert."""
    import polars as pl

    from screener import batch

    blocks = batch.Blocks(None, None, {}, {}, None, [], None)  # type: ignore[arg-type]
    for start, size in ((0, 3), (3, 4), (7, 2)):
        raw = pl.DataFrame({"c0": [str(i) for i in range(start, start + size)],
                            "c1": ["=x" if i == 4 else "" for i in range(start, start + size)]})
        blocks.inputs.append(batch.output_cells(raw, ["c0", "c1"]))
    got = [blocks.input_cells(rows, 2) for rows in (5, 0, 1, 3)]
    assert [frame.columns for frame in got] == [["in0", "in1"]] * 4
    assert [frame["in0"].to_list() for frame in got] == [["0", "1", "2", "3", "4"], [], ["5"], ["6", "7", "8"]]
    assert got[0]["in1"].to_list() == [None, None, None, None, "'=x"]
    assert not blocks.inputs


def test_blocks_of_lines_and_of_cells_in_one_batch_are_all_written_as_lines(tmp_path: Path) -> None:
    """A batch polars returns may join a read of the plain fast path (its input cells as CSV lines) and one
    that took another path (cells): the cells are made lines, written as Python's csv module reads them
    back, the summary's naming cells (`kept`) kept beside them."""
    import polars as pl

    from screener import batch

    reader = csvio.CsvReader(io.BytesIO(b"a,b,c\n"))
    blocks = batch.Blocks(reader, None, {}, {}, None, [], None, lines=True, kept=[0])  # type: ignore[arg-type]
    plain = pl.DataFrame({"c0": ["Ann", "=cmd", ""], "c1": ["1", "2", ""], "c2": ["x", "", ""],
                          csvio.TEXT: ["Ann,1,x", "=cmd,2,", ",,"]})
    blocks.inputs.append(batch.input_lines(plain, ["c0", "c1", "c2"], {"c1"}, ",", [0]))
    quoted = pl.DataFrame({"c0": ["Bob", 'say "hi"'], "c1": ["a,b", "line\nbreak"], "c2": ["", "-1"]})
    blocks.inputs.append(batch.output_cells(quoted, ["c0", "c1", "c2"]))
    got = blocks.input_cells(5, 3)
    assert got.columns == [batch.INPUT, "in0"]
    assert blocks.input_columns(got) == [batch.INPUT, "in0"]
    assert got["in0"].to_list() == ["Ann", "'=cmd", None, "Bob", 'say "hi"']
    results = got.with_columns(pl.Series("outcome", ["eligible", None, "x;y", 'a "b"', ""]))
    sink = io.BytesIO()
    batch.CsvRows(sink, ",", results=["outcome"]).write(results.select(batch.INPUT, "outcome"))
    assert list(csv.reader(io.StringIO(sink.getvalue().decode("utf-8")))) == [
        ["Ann", "1", "x", "eligible"], ["'=cmd", "2", "", ""], ["", "", "", "x;y"],
        ["Bob", "a,b", "", 'a "b"'], ['say "hi"', "line\nbreak", "'-1", ""]]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_a_cell_joined_into_a_line_is_written_as_polars_writes_it(delimiter: str) -> None:
    """`csv_field` quotes exactly as polars' `write_csv` (which `CsvRows` uses for cells): a polars upgrade
    that changes its quoting fails here, not silently in the lines `CsvRows` writes whole."""
    import random

    import polars as pl

    rng = random.Random(15)
    alphabet = ["a", " ", ",", ";", "\t", '"', "\n", "\r", "'", "=", "é", "#", "\u2028"]
    cells = [None, "", *("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 4))) for _ in range(3000))]
    frame = pl.DataFrame({"a": cells, "b": cells[::-1]}, schema={"a": pl.String, "b": pl.String})
    expected, got = io.BytesIO(), io.BytesIO()
    frame.write_csv(expected, include_header=False, separator=delimiter)
    frame.select(csvio.csv_line(["a", "b"], delimiter)).write_csv(got, include_header=False, quote_style="never")
    assert got.getvalue() == expected.getvalue()


def test_result_columns_written_as_they_are_are_those_never_quoted_nor_empty() -> None:
    """`CsvRows` writes the columns of `unquoted_results` without `csv_field`: ids joined with `;` only when `;` is
    not the delimiter, the best pathway's title only when no title would be quoted."""
    from types import SimpleNamespace

    from screener import batch, columnar

    rules = load_rulebook(ROOT / "rules")
    compiled = columnar.compile_rulebook(rules, dt.date(2026, 11, 25))
    ids = {"flags", "best_pathway", "leads", "missing", "warnings"}
    comma = batch.unquoted_results(rules, compiled, ",")
    assert comma == {*compiled.pathways, *compiled.scores, *ids, "best_pathway_title"}
    assert batch.unquoted_results(rules, compiled, ";") == comma - ids
    for mark in (",", '"', "\n", "\r"):  # a rulebook with one title that `write_csv` quotes
        titled = SimpleNamespace(pathways={**rules.pathways, "other": SimpleNamespace(title=f"A {mark} title")})
        assert "best_pathway_title" not in batch.unquoted_results(titled, compiled, ","), mark  # type: ignore[arg-type]
    titled = SimpleNamespace(pathways={**rules.pathways, "other": SimpleNamespace(title="A, title")})
    assert "best_pathway_title" in batch.unquoted_results(titled, compiled, ";")  # type: ignore[arg-type]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_ids_and_titles_holding_the_delimiter_or_quotes_read_back_as_the_engine_says(
        tmp_path: Path, delimiter: str) -> None:
    """Flags, leads and missing answers joined with `;`, and a title with the delimiter and quotes: each cell
    reads back whole in a file of any delimiter (the plain lines' path: every input line written as read)."""
    folder = tmp_path / "rules"
    folder.mkdir()
    text = (FIXTURE / "rulebook.yaml").read_text(encoding="utf-8")
    (folder / "rulebook.yaml").write_text(text.replace("    title: Anyone\n",
                                                       "    title: 'Anyone; \"quoted\", and\ttabbed'\n"),
                                          encoding="utf-8")
    rules = load_rulebook(folder)
    assert rules.pathways["anyone"].title == 'Anyone; "quoted", and\ttabbed'
    fields = ["age", "citizen", "has_partner", "partner_kind", "education", "clb_a", "clb_b", "children", "funds",
              "offence_date", "test_score"]
    people = [["30", "yes", "no", "", "masters", "9", "9", "9", "100", "2020-01-01", "8"],
              ["70", "no", "yes", "local", "masters", "10", "10", "0", "5", "", ""],
              ["", "", "yes", "", "", "", "", "", "", "", ""]]
    body = "".join(delimiter.join(row) + "\n" for row in [fields, *people])
    (tmp_path / "in.csv").write_text(body, encoding="utf-8")
    code, _, stderr = run(str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"), "--rules", str(folder))
    assert code == 0, stderr
    rows = list(csv.reader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8")), delimiter=delimiter))
    out = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    for person, got in zip(people, out, strict=True):
        want = expected(rules, dict(zip(fields, person, strict=True)))
        assert {key: got[key] for key in want} == want
    assert out[0]["best_pathway_title"] == rules.pathways["anyone"].title
    assert [(row["flags"], row["leads"], row["missing"][:20]) for row in out] == [  # several ids in a cell
        ("recent_offence;many_children", "strong_language", "partner_kind;years_a"),
        ("", "try_family;strong_language", ""), ("", "", "age;citizen;children")]


def test_a_plain_line_is_written_as_read_unless_a_cell_needs_escaping(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The plain fast path keeps each line's text (CR of CRLF dropped) and batch writes it as it came; a line
    with a formula cell, or a lone CR inside a cell, is written from its cells, escaped and quoted."""
    from screener import batch

    escaped: list[int] = []  # rows whose every cell was escaped (not only the naming cells `kept`)
    output_cells = batch.output_cells

    def counted(frame: object, columns: list[str], inert: object = (), indexes: object = None) -> object:
        if indexes is None:
            escaped.append(frame.height)  # type: ignore[attr-defined]
        return output_cells(frame, columns, inert, indexes)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "output_cells", counted)
    names = ["Name", "age", "Notes"]
    lines = ["Ann,34,fine", "-Zoe,29,x", "Bob,41, =1+2", "Eve,30,a\rb", ",,", "Max,,"]
    reader = csvio.CsvReader(io.BytesIO(("\r\n".join([",".join(names), *lines]) + "\r\n").encode()), lines=True)
    frame = next(iter(reader.chunks())).frame
    assert frame[csvio.TEXT].to_list() == lines
    (tmp_path / "in.csv").write_bytes(("\r\n".join([",".join(names), *lines]) + "\r\n").encode())
    code, _, stderr = run(str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"), "--rules", str(FIXTURE))
    assert code == 0, stderr
    rows = list(csv.reader(io.StringIO((tmp_path / "out.csv").read_bytes().decode("utf-8"), newline="")))
    assert [row[:3] for row in rows[1:]] == [["Ann", "34", "fine"], ["'-Zoe", "29", "x"], ["Bob", "41", "' =1+2"],
                                            ["Eve", "30", "a\rb"], ["", "", ""], ["Max", "", ""]]
    assert escaped == [3]  # -Zoe, Bob and Eve: the fast path took the other lines as they were read
    text = (tmp_path / "out.csv").read_bytes()
    assert b"\nAnn,34,fine," in text and b'\nEve,30,"a\rb",' in text


def test_a_quoted_block_is_its_cells_joined_when_no_cell_holds_a_quote_or_the_delimiter(tmp_path: Path) -> None:
    """A well-formed quoted block's lines (csvio.TEXT) are their cells joined, quotes taken off, when that is
    what `write_csv` writes for them: none when a cell holds the delimiter or a quote. The output is the
    same whichever way the cells were quoted in the input."""
    data = (b'Name,age,Notes\r\n"Ann","34","fine"\r\n"Bo","","6"\r\n"x,y","2","3"\r\n"q""r","2",""\r\n'
            b'"","",""\r\n7,"8",9\r\n"""","a","=b"\r\n')

    def texts(content: bytes) -> list[str] | None:
        frame = next(iter(csvio.CsvReader(io.BytesIO(content), lines=True).chunks())).frame
        return frame[csvio.TEXT].to_list() if csvio.TEXT in frame.columns else None

    assert texts(data) is None
    assert texts(data.replace(b'"x,y"', b"xy").replace(b'"q""r"', b"qr").replace(b'""""', b"q")) == [
        "Ann,34,fine", "Bo,,6", "xy,2,3", "qr,2,", ",,", "7,8,9", "q,a,=b"]
    outputs = []
    simple = b"\r\n".join(line for line in data.split(b"\r\n") if b'""' not in line and b'"x,y"' not in line)
    for name, content in (("quoted.csv", simple), ("bare.csv", simple.replace(b'"', b""))):  # the same cells
        (tmp_path / name).write_bytes(content + b"\r\n")
        code, _, stderr = run(str(tmp_path / name), "-o", str(tmp_path / f"out-{name}"), "--rules", str(FIXTURE))
        assert code == 0, stderr
        outputs.append((tmp_path / f"out-{name}").read_bytes())
    assert outputs[0] == outputs[1]
    (tmp_path / "all.csv").write_bytes(data)
    code, _, stderr = run(str(tmp_path / "all.csv"), "-o", str(tmp_path / "out.csv"), "--rules", str(FIXTURE))
    assert code == 1, stderr  # the last row's age 'a' is an error row
    rows = list(csv.reader(io.StringIO((tmp_path / "out.csv").read_bytes().decode("utf-8"), newline="")))
    assert [row[:3] for row in rows[1:]] == [["Ann", "34", "fine"], ["Bo", "", "6"], ["x,y", "2", "3"],
                                            ['q"r', "2", ""], ["", "", ""], ["7", "8", "9"], ['"', "a", "'=b"]]


def test_a_read_is_cut_into_about_equal_query_blocks() -> None:
    """Issue 15: reading, coercion and escaping work on reads of several query blocks (their per-block
    set-up costs less that way); each read is cut into blocks of at most the query's rows, with no short
    remainder, every row in exactly one block, in order."""
    from screener.batch import pieces

    for height in (1, 2, 3_749, 3_750, 3_751, 7_500, 7_501, 12_345):
        cut = pieces(height, 3_750)
        assert [start for start, _ in cut] == [sum(rows for _, rows in cut[:i]) for i in range(len(cut))]
        assert sum(rows for _, rows in cut) == height
        assert max(rows for _, rows in cut) <= 3_750
        assert max(rows for _, rows in cut) - min(rows for _, rows in cut) <= 1
    assert pieces(7_500, 3_750) == [(0, 3_750), (3_750, 3_750)]
    assert pieces(7_501, 3_750) == [(0, 2_501), (2_501, 2_500), (5_001, 2_500)]
    assert pieces(0, 3_750) == []


def test_reading_runs_at_most_one_block_ahead() -> None:
    """The reader thread parses the next block while one is prepared, never more (a read holds tens of
    MB of text cells): when the consumer holds item k, the producer has taken at most item k + 1."""
    import threading
    import time

    from screener.batch import prefetched

    taken: list[int] = []

    def items() -> Iterator[int]:
        for number in range(6):
            taken.append(number)
            yield number

    got = []
    for item in prefetched(items()):
        time.sleep(0.02)  # the producer would run ahead now if it could
        assert max(taken) <= item + 1
        got.append(item)
    assert got == list(range(6))
    assert not [t for t in threading.enumerate() if t.name == "screener-reader"]


def test_blocks_shrink_as_polars_threads_grow_and_hold_rows_not_bytes() -> None:
    """Memory stays about flat on any machine (fewer rows a block as polars' threads grow), and a fully
    quoted file gets blocks of as many rows as the plain one (polars' cost is per block, not per byte)."""
    from screener import batch
    from screener.batch import block_bytes

    sizes = [block_bytes(threads, 300.0) for threads in range(1, 33)]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > sizes[-1]
    assert max(sizes) <= batch.PIECES * csvio.BLOCK_BYTES
    assert block_bytes(2, 450.0) / 450 == block_bytes(2, 300.0) / 300  # same rows, longer (quoted) lines
    assert block_bytes(2, None) == csvio.BLOCK_BYTES  # unknown line length
    assert block_bytes(2, 10_000.0) == batch.PIECES * csvio.BLOCK_BYTES  # very long lines
    plain = b"age,citizen\n" + b"30,yes\n" * 1000
    assert csvio.CsvReader(io.BytesIO(plain)).line_bytes() == 7.0


# ------------------------------------------------------------------------------ output over the input, re-screening


@pytest.mark.parametrize("how", ["itself", "symlink", "hard link", "summary"])
def test_writing_over_the_input_is_refused_and_the_intake_kept(tmp_path: Path, how: str) -> None:
    source = tmp_path / "same.csv"
    content = b"name,age,citizen\nAda,30,no\n"
    source.write_bytes(content)
    other = tmp_path / "other.csv"
    if how == "symlink":
        other.symlink_to(source)
    elif how == "hard link":
        os.link(source, other)
    target = str(source if how in ("itself", "summary") else other)
    args = ["-o", str(tmp_path / "out.csv"), "--summary", target] if how == "summary" else ["-o", target]
    code, _, stderr = run(str(source), *args, "--rules", str(FIXTURE))
    assert code == 2
    errors = [line for line in stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and "is the input file" in errors[0], stderr
    assert ("--summary" if how == "summary" else "--output") in errors[0]
    assert source.read_bytes() == content and not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("how", ["output", "summary", "letters", "symlink", "columns"])
def test_writing_over_the_map_is_refused_and_the_map_kept(tmp_path: Path, how: str) -> None:
    """review13 #4: `-o m.yaml --map m.yaml` wrote the CSV over the firm's hand-made map."""
    source, mapping = tmp_path / "form.csv", tmp_path / "m.yaml"
    source.write_bytes(b"Name,Your age,citizen\nAda,30,no\n")
    content = b'columns:\n  "Your age": age\n'
    mapping.write_bytes(content)
    target = mapping
    if how == "symlink":
        target = tmp_path / "link.yaml"
        target.symlink_to(mapping)
    out = str(tmp_path / "out.csv")
    option = {"summary": "--summary", "letters": "--letters"}.get(how, "--output")
    args = ["-o", out, option, str(target)] if option != "--output" else ["-o", str(target)]
    code, _, stderr = run(str(source), *args, "--columns" if how == "columns" else "--map", str(mapping),
                          "--rules", str(FIXTURE))
    assert code == 2
    errors = [line for line in stderr.splitlines() if line.strip()]
    given = "--columns" if how == "columns" else "--map"
    assert errors == [f"Error: {option}: {target} is the {given} file; write to another file, that file is kept"]
    assert mapping.read_bytes() == content and not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("first", [[], ["--results-first"]])
def test_re_screening_a_screened_file_replaces_its_results_no_column_twice(
        tmp_path: Path, rulebook: Rulebook, first: list[str]) -> None:
    source, screened, again = tmp_path / "in.csv", tmp_path / "screened.csv", tmp_path / "again.csv"
    source.write_text("name,age,citizen,education\nAda,30,no,masters\nBo,31,no,secondary\n", encoding="utf-8")
    code, _, stderr = run(str(source), "-o", str(screened), "--rules", str(FIXTURE), *first)
    assert code == 0, stderr
    once = list(csv.reader(io.StringIO(screened.read_text(encoding="utf-8"))))
    once[1][once[0].index("age")] = "45"  # an answer corrected in the screened file: the results must follow it
    with screened.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, lineterminator="\n").writerows(once)
    code, _, stderr = run(str(screened), "-o", str(again), "--rules", str(FIXTURE), *first)
    assert code == 0, stderr
    assert stderr.count("already has") == 1 and "screened before" in stderr
    twice = list(csv.reader(io.StringIO(again.read_text(encoding="utf-8"))))
    assert twice[0] == once[0] and len(set(twice[0])) == len(twice[0])
    assert len(twice) == 3
    rows = [dict(zip(twice[0], row, strict=True)) for row in twice[1:]]
    assert [row["name"] for row in rows] == ["Ada", "Bo"]
    for row, answers in zip(rows, [{"age": "45", "citizen": "no", "education": "masters"},
                                   {"age": "31", "citizen": "no", "education": "secondary"}], strict=True):
        want = expected(rulebook, answers)
        assert {key: row[key] for key in want} == want


def test_a_firms_own_column_named_like_a_result_is_kept_under_another_name(tmp_path: Path) -> None:
    """Not a screened file (no best_pathway, no error): the firm's 'flags' column is theirs, kept and renamed."""
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("name,age,flags\nAda,30,call back\n", encoding="utf-8")
    code, _, stderr = run(str(source), "-o", str(target), "--rules", str(FIXTURE))
    assert code == 0, stderr
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0][:3] == ["name", "age", "flags (input)"] and rows[0].count("flags") == 1
    assert rows[1][:3] == ["Ada", "30", "call back"]
    assert "flags (input)" in stderr and stderr.count("name of a result column") == 1


@pytest.mark.parametrize("tail", [b"", b'33,"no"\n', b'34,"no\n'])  # split by polars; quoted; Python's recovery
def test_a_row_with_its_trailing_empty_cells_left_out_is_read_with_them_empty(
        tmp_path: Path, rulebook: Rulebook, tail: bytes) -> None:
    """Excel and Google Sheets leave a row's empty cells out at its end: `30,yes` under four columns is a
    person with education and notes empty, not an error row. More cells than the header's stay an error."""
    content = b"age,citizen,education,notes\n30,yes\n31,no,masters\n32,yes,secondary,ok\n35,no,,a,b\n" + tail
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(content)
    code, _, stderr = run(str(source), "-o", str(target), "--rules", str(FIXTURE))
    assert code == 1, stderr  # the long row
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    out = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    given = [("30", "yes", ""), ("31", "no", "masters"), ("32", "yes", "secondary")]
    for row, (age, citizen, education) in zip(out, given, strict=False):
        want = expected(rulebook, {"age": age, "citizen": citizen, "education": education})
        assert {key: row[key] for key in want} == want
    assert [row["notes"] for row in out[:3]] == ["", "", "ok"]
    assert out[3]["error"] == "row 4, line 5 of the file: 5 cells, expected 4 (the header's)"
    if tail == b'33,"no"\n':
        assert out[4]["error"] == "" and out[4]["citizen"] == "no"
