"""review9 #11, #12, #9: what came from Excel goes back to Excel intact.

- A CSV saved by Excel (Windows-1252, or UTF-8 with a BOM) gives a CSV output with a BOM, so Excel shows
  "María" and not "MarÃ­a"; `--no-excel` / `--excel` still decide; standard output never gets one unasked.
- An .xlsx output holds each input cell as a string cell identical to the input text: no `'` added to a
  phone number, and a formula-looking text is a string (data_type 's'), never a formula.
- An .xlsx input's formula with no saved value keeps its text (escaped in CSV), reads as unknown, and is
  warned about once with its row and column and how to fix it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from screener.cli import app
from screener.rulebook import load_rulebook

ROOT = Path(__file__).parent.parent
BOM = b"\xef\xbb\xbf"
TEXT = "Name,Phone,Notes,age\nMaría José Hernández,+1 (555) 010-2000,=HYPERLINK(\"http://x\"),34\n" \
       "Zoë,-call back,@urgent,40\n"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["batch", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(("encoded", "extra", "bom"), [
    (TEXT.encode("cp1252"), [], True),
    (BOM + TEXT.encode("utf-8"), [], True),
    (TEXT.encode("utf-8"), [], False),
    (TEXT.encode("cp1252"), ["--no-excel"], False),
    (TEXT.encode("utf-8"), ["--excel"], True),
])
def test_a_csv_from_excel_goes_back_with_a_bom(tmp_path: Path, encoded: bytes, extra: list[str], bom: bool) -> None:
    (tmp_path / "in.csv").write_bytes(encoded)
    code, _, stderr = run(str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"), *extra)
    assert code == 0, stderr
    data = (tmp_path / "out.csv").read_bytes()
    assert data.startswith(BOM) == bom
    assert data.decode("utf-8-sig").startswith("Name,Phone,Notes,age,")
    assert "María José Hernández" in data.decode("utf-8-sig")


def test_standard_output_gets_no_bom_unless_asked(tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_bytes(TEXT.encode("cp1252"))
    code, stdout, stderr = run(str(tmp_path / "in.csv"), "-o", "-")
    assert code == 0, stderr
    assert stdout.startswith("Name,")


def test_xlsx_output_cells_are_the_input_text_as_strings_never_formulas(tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_text(TEXT, encoding="utf-8")
    code, _, stderr = run(str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.xlsx"))
    assert code == 0, stderr
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    rows = list(sheet.iter_rows(min_row=2, max_col=3))
    given = list(csv.reader(io.StringIO(TEXT)))[1:]
    for cells, want in zip(rows, given, strict=True):
        for cell, text in zip(cells, want[:3], strict=True):
            assert cell.value == text, cell.coordinate
            assert cell.data_type == "s", cell.coordinate  # a string never runs, whatever it starts with
    code, _, _ = run(str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"))
    written = list(csv.reader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8-sig"))))
    assert written[1][1:3] == ["'+1 (555) 010-2000", "'=HYPERLINK(\"http://x\")"]  # CSV keeps its defence


def test_an_xlsx_formula_with_no_saved_value_is_kept_unknown_and_warned_once(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "How old are you today?", "us_citizen"])
    sheet.append(["Ana", 34, "yes"])
    sheet.append(["Lucas", "=2026-1992", "yes"])  # written by a program: no saved value
    book.save(tmp_path / "in.xlsx")
    code, _, stderr = run(str(tmp_path / "in.xlsx"), "-o", str(tmp_path / "out.csv"))
    assert code == 0, stderr
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8-sig"))))
    assert rows[1]["How old are you today?"] == "'=2026-1992"  # kept, made inert
    assert rows[1]["error"] == "" and "age" in rows[1]["missing"].split(";")
    assert "age" not in rows[0]["missing"].split(";")
    book_rules = load_rulebook(ROOT / "rules")
    want = book_rules.evaluate({"us_citizen": "yes"}).outcomes()
    assert {p: rows[1][p] for p in book_rules.pathways} == want  # as if the age were blank
    assert stderr.count("no saved value") == 1
    assert "row 2, column 'How old are you today?'" in stderr and "open the workbook in Excel and save it" in stderr
