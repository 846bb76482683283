"""`screener batch` on the files law firms really have: Excel's cp1252 CSV, UTF-16 "Unicode text" with
tabs, .xlsx workbooks, extra name/email/phone columns. Each must give every row screened, with the
same outcomes as the clean UTF-8 CSV of the same intake, and the names exactly as typed.

Expected outcomes come from `rulebook.evaluate` (the one-person engine) on the clean answers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from screener.cli import app
from screener.rulebook import Rulebook, load_rulebook

ROOT = Path(__file__).parent.parent
RULES = ROOT / "rules"
AS_OF = dt.date(2026, 11, 25)

PEOPLE = [
    {"Name": "Zoë Lefèvre", "Email": "zoe@example.fr", "Phone": "+33 6 12 34 56 78",
     "age": "29", "us_citizen": "no", "marital_status": "single", "education": "masters",
     "education_assessed": "yes", "english_clb_reading": "9", "english_clb_writing": "8",
     "english_clb_listening": "9", "english_clb_speaking": "8", "foreign_work_years": "3",
     "intended_province": "ON", "settlement_funds_cad": "$25,000", "criminal_record": "no"},
    {"Name": "José Müller-Øberg", "Email": "jose@example.com", "Phone": "(555) 010-2030",
     "age": "41", "us_citizen": "yes", "marital_status": "married", "education": "bachelors",
     "english_clb_reading": "10", "english_clb_writing": "10", "english_clb_listening": "10",
     "english_clb_speaking": "10", "job_offer": "yes", "intended_province": "BC", "criminal_record": "no"},
    {"Name": "Anaïs Ç. Dupré", "Email": "anais@example.ca", "Phone": "514-555-0199",
     "age": "17", "us_citizen": "no", "marital_status": "single", "education": "secondary",
     "intended_province": "QC", "fear_of_return": "no"},
    {"Name": "Mary O'Brien", "Email": "mary@example.ie", "Phone": "=1+1",
     "age": "33", "us_citizen": "no", "marital_status": "common_law", "education": "doctoral",
     "french_nclc_reading": "7", "french_nclc_writing": "7", "french_nclc_listening": "7",
     "french_nclc_speaking": "7", "settlement_funds_cad": "12000", "intended_province": "undecided"},
]
IDENTITY = ["Name", "Email", "Phone"]


@pytest.fixture(scope="module")
def rulebook() -> Rulebook:
    return load_rulebook(RULES)


def header(rulebook: Rulebook) -> list[str]:
    """Identity columns, then every field, in a firm's order (not the rulebook's)."""
    return [*IDENTITY, *reversed(list(rulebook.questions))]


def table(rulebook: Rulebook) -> list[list[str]]:
    names = header(rulebook)
    return [names] + [[person.get(name, "") for name in names] for person in PEOPLE]


def csv_text(rows: list[list[str]], delimiter: str = ",", newline: str = "\n") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return buffer.getvalue()


def screen(tmp_path: Path, name: str, content: bytes, *extra: str) -> tuple[list[dict[str, str]], str, str]:
    """Rows of the output (read back with Python's csv module), stderr, and the output's delimiter."""
    source, target = tmp_path / name, tmp_path / f"{name}.out.csv"
    source.write_bytes(content)
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF.isoformat(),
                                      *extra])
    assert result.exit_code == 0, result.stderr
    text = target.read_text(encoding="utf-8-sig")  # from Excel: a BOM
    first = text.splitlines()[0]
    delimiter = max(",;\t", key=first.count)
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter)), result.stderr, delimiter


def verdicts(rulebook: Rulebook, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    keep = [*rulebook.pathways, "crs_score", "fsw_points", "flags", "best_pathway", "best_pathway_title", "leads",
            "missing", "warnings", "error"]
    return [{key: row[key] for key in keep} for row in rows]


def engine(rulebook: Rulebook) -> list[dict[str, str]]:
    """What the one-person engine says of each person (outcomes only; the reference for every file)."""
    answers = [{qid: person.get(qid, "") for qid in rulebook.questions} for person in PEOPLE]
    return [dict(rulebook.evaluate(person, as_of=AS_OF).outcomes()) for person in answers]


def assert_same_as_clean(rulebook: Rulebook, rows: list[dict[str, str]], clean: list[dict[str, str]]) -> None:
    assert len(rows) == len(PEOPLE)
    assert all(row["error"] == "" for row in rows), [row["error"] for row in rows]
    assert verdicts(rulebook, rows) == verdicts(rulebook, clean)
    assert [row["Name"] for row in rows] == [person["Name"] for person in PEOPLE]  # names intact
    assert [row["Email"] for row in rows] == [person["Email"] for person in PEOPLE]
    assert [row["Phone"] for row in rows][1:3] == [person["Phone"] for person in PEOPLE][1:3]
    assert rows[0]["Phone"] == "'+33 6 12 34 56 78" and rows[3]["Phone"] == "'=1+1"  # inert in a spreadsheet


@pytest.fixture(scope="module")
def clean(rulebook: Rulebook, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, str]]:
    rows, _, _ = screen(tmp_path_factory.mktemp("clean"), "clean.csv", csv_text(table(rulebook)).encode("utf-8"))
    expected = engine(rulebook)
    assert [{p: row[p] for p in rulebook.pathways} for row in rows] == expected
    assert {row["express_entry_fsw"] for row in rows} != {"incomplete"}  # the intake decides something
    return rows


def test_excel_cp1252_csv_with_accents_semicolons_and_crlf(
        tmp_path: Path, rulebook: Rulebook, clean: list[dict[str, str]]) -> None:
    content = csv_text(table(rulebook), delimiter=";", newline="\r\n").encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")  # really not UTF-8
    rows, _, delimiter = screen(tmp_path, "excel.csv", content)
    assert delimiter == ";"
    assert_same_as_clean(rulebook, rows, clean)


def test_excel_sep_line_is_skipped_and_names_the_separator(
        tmp_path: Path, rulebook: Rulebook, clean: list[dict[str, str]]) -> None:
    """review13 #9: Excel writes and honours a first line `sep=;`; it is no header, and its separator is the
    file's, even where the header alone would look comma-separated."""
    rows = table(rulebook)
    rows[0][0] = "Name, as on the passport, in full"  # more commas than semicolons in the header line
    content = ("sep=;\r\n" + csv_text(rows, delimiter=";", newline="\r\n")).encode("cp1252")
    got, _, delimiter = screen(tmp_path, "excel.csv", content)
    assert delimiter == ";"
    assert [row["Name, as on the passport, in full"] for row in got] == [person["Name"] for person in PEOPLE]
    assert verdicts(rulebook, got) == verdicts(rulebook, clean)


def test_a_sep_line_naming_a_separator_screener_does_not_read_is_one_clear_error(tmp_path: Path) -> None:
    source = tmp_path / "pipes.csv"
    source.write_bytes(b"sep=|\nName|age\nA|30\n")
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(tmp_path / "out.csv")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.startswith("Error: line 1: the file's first line says its separator is '|'")
    assert not (tmp_path / "out.csv").exists()


def test_a_person_named_in_two_rows_is_said_by_row_number_only(tmp_path: Path, rulebook: Rulebook) -> None:
    """review13 #10: the same person twice (a form sent twice) is screened twice, and the run says which rows,
    by number and column header, never by name; case and spaces do not hide it, a blank row is nobody."""
    rows = table(rulebook)
    again = [cell.upper() + " " if name in IDENTITY else cell for name, cell in zip(rows[0], rows[1], strict=True)]
    got, stderr, _ = screen(tmp_path, "twice.csv", csv_text([*rows, [""] * len(rows[0]), again, rows[2]]).encode())
    assert len(got) == len(PEOPLE) + 3
    said = " ".join(stderr.split())
    assert ("2 people are named in more than one row (the same Name): rows 1, 6; 2, 7; forms sent "
            "twice? Each row is screened and counted") in said
    assert "Zo" not in stderr and "José" not in stderr
    _, stderr, _ = screen(tmp_path, "once.csv", csv_text(rows).encode())
    assert "more than one row" not in stderr


def test_utf16_unicode_text_with_tabs(tmp_path: Path, rulebook: Rulebook, clean: list[dict[str, str]]) -> None:
    content = csv_text(table(rulebook), delimiter="\t", newline="\r\n").encode("utf-16")  # with its BOM
    rows, _, delimiter = screen(tmp_path, "unicode.txt", content)
    assert delimiter == "\t"
    assert_same_as_clean(rulebook, rows, clean)


def test_utf8_with_bom_and_tabs(tmp_path: Path, rulebook: Rulebook, clean: list[dict[str, str]]) -> None:
    content = b"\xef\xbb\xbf" + csv_text(table(rulebook), delimiter="\t").encode("utf-8")
    rows, _, _ = screen(tmp_path, "bom.tsv", content)
    assert_same_as_clean(rulebook, rows, clean)


def test_latin1_file_forced_with_encoding(tmp_path: Path, rulebook: Rulebook, clean: list[dict[str, str]]) -> None:
    content = csv_text(table(rulebook)).encode("latin-1", errors="strict") if all(
        ord(ch) < 256 for ch in csv_text(table(rulebook))) else b""
    assert content
    rows, _, _ = screen(tmp_path, "latin.csv", content, "--encoding", "latin-1")
    assert_same_as_clean(rulebook, rows, clean)


def workbook_bytes(rows: list[list[str]], sheet: str = "Responses", *, shown: bool = False) -> bytes:
    """An .xlsx as Excel saves it: numbers as numbers, yes/no as text, blanks as empty cells; a "Notes" sheet
    first, and in view when saved unless `shown` (then the intake's sheet is)."""
    import openpyxl

    book = openpyxl.Workbook()
    first = book.active
    first.title = "Notes"
    first.append(["this sheet is not the intake"])
    sheet_ = book.create_sheet(sheet)
    for row in rows:
        sheet_.append([None if cell == "" else int(cell) if cell.isdigit() else cell for cell in row])
    if shown:
        book.active = sheet_
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_input_with_a_named_sheet(tmp_path: Path, rulebook: Rulebook, clean: list[dict[str, str]]) -> None:
    rows = table(rulebook)
    rows = [rows[0]] + [[cell if not cell.startswith("=") else "'" + cell for cell in row] for row in rows[1:]]
    got, _, _ = screen(tmp_path, "intake.xlsx", workbook_bytes(rows), "--sheet", "Responses")
    assert len(got) == len(PEOPLE)
    assert all(row["error"] == "" for row in got)
    assert verdicts(rulebook, got) == verdicts(rulebook, clean)
    assert [row["Name"] for row in got] == [person["Name"] for person in PEOPLE]


def test_xlsx_input_reads_the_sheet_in_view_and_says_so(
        tmp_path: Path, rulebook: Rulebook, clean: list[dict[str, str]]) -> None:
    """review13 #5: the data behind an "Instructions" sheet, in view when saved, is read with no --sheet; the
    run says which sheet it read and names the other one."""
    rows = table(rulebook)
    rows = [rows[0]] + [[cell if not cell.startswith("=") else "'" + cell for cell in row] for row in rows[1:]]
    got, stderr, _ = screen(tmp_path, "intake.xlsx", workbook_bytes(rows, shown=True))
    assert verdicts(rulebook, got) == verdicts(rulebook, clean)
    said = " ".join(stderr.split())
    assert "read the sheet 'Responses'" in said and "the sheet 'Notes': choose a sheet with --sheet NAME" in said


def test_xlsx_input_whose_sheet_in_view_is_not_the_data_names_the_other_sheets(
        tmp_path: Path, rulebook: Rulebook) -> None:
    rows = table(rulebook)
    rows = [rows[0]] + [[cell if not cell.startswith("=") else "'" + cell for cell in row] for row in rows[1:]]
    source = tmp_path / "intake.xlsx"
    source.write_bytes(workbook_bytes(rows))  # "Notes" in view, the data in "Responses"
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(tmp_path / "out.csv")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Error: none of the input's 1 column is a field")
    assert "read the sheet 'Notes'" in lines[1] and "'Responses': choose a sheet with --sheet NAME" in lines[1]
    assert not (tmp_path / "out.csv").exists()


def test_blank_rows_are_kept_and_marked_the_same_in_a_workbook_and_its_csv(
        tmp_path: Path, rulebook: Rulebook, clean: list[dict[str, str]]) -> None:
    """A blank row between people (a workbook's empty row; `,,,` in the CSV Excel saves) keeps its place, so
    output rows line up with the sheet's, but is nobody: every cell empty, no outcome, its error cell says it
    is blank. Blank rows after the last person (Excel's used range running past the data) are no rows."""
    import openpyxl
    from openpyxl.styles import PatternFill

    from screener.csvio import BLANK_ROW

    rows = table(rulebook)
    rows = [rows[0]] + [[cell if not cell.startswith("=") else "'" + cell for cell in row] for row in rows[1:]]
    blank = [""] * len(rows[0])
    gappy = [rows[0], rows[1], blank, blank, *rows[2:]]
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(gappy)))
    for column in range(1, 4):  # a formatted but empty row after the data: in the sheet's used range
        book["Responses"].cell(row=len(gappy) + 2, column=column).fill = PatternFill("solid", fgColor="FFFF00")
    buffer = io.BytesIO()
    book.save(buffer)
    from_book, _, _ = screen(tmp_path, "gaps.xlsx", buffer.getvalue(), "--sheet", "Responses")
    from_csv, _, _ = screen(tmp_path, "gaps.csv", csv_text([*gappy, blank, blank]).encode("utf-8"))
    assert b"\n,,,," in csv_text(gappy).encode("utf-8")  # Excel's blank row: separators only
    assert from_book == from_csv
    assert [row["Name"] for row in from_book] == [PEOPLE[0]["Name"], "", "", *(p["Name"] for p in PEOPLE[1:])]
    people = [row for index, row in enumerate(from_book) if index not in (1, 2)]
    assert verdicts(rulebook, people) == verdicts(rulebook, clean)
    for row in from_book[1:3]:
        assert row["error"] == BLANK_ROW
        assert all(value == "" for key, value in row.items() if key != "error"), row


def test_a_blank_row_gets_no_letter_and_is_not_counted_as_a_person(tmp_path: Path, rulebook: Rulebook) -> None:
    """Exit 0 (a blank row is not an error row), letters numbered by output row with none for the blank one,
    and the summary page counts people and error rows without it, and says how many rows were blank."""
    rows = table(rulebook)[:3]
    lines = csv_text(rows).splitlines()
    source, target, folder = tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / "letters"
    source.write_text("\n".join([lines[0], lines[1], ",,", lines[2], ",,,"]) + "\n", encoding="utf-8")
    page = tmp_path / "summary.md"
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF.isoformat(),
                                      "--letters", str(folder), "--summary", str(page)])
    assert result.exit_code == 0, result.stderr
    out = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [row["error"] != "" for row in out] == [False, True, False]
    assert sorted(path.name[:5] for path in folder.iterdir()) == ["00001", "00003"]
    assert "2 rows: 2 screened, 0 with errors" in result.stderr
    assert "1 blank row (every cell empty) kept as a row, not screened" in result.stderr
    text = page.read_text(encoding="utf-8")
    assert "**Rows**: 2" in text and "**Screened**: 2" in text
    assert "**Blank rows (every cell empty, not screened)**: 1" in text


def test_stderr_and_the_summary_page_count_the_same_rows(tmp_path: Path, rulebook: Rulebook) -> None:
    """Review 8 item 11: stderr said "4 rows screened, 1 with errors" where the page said "Screened 3".
    Both now say people (blank rows apart), how many were screened and how many could not be read."""
    rows = table(rulebook)[:4]
    rows[2] = ["not a number" if name == "age" else cell for name, cell in zip(rows[0], rows[2], strict=True)]
    lines = csv_text(rows).splitlines()
    source, target, page = tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / "summary.md"
    source.write_text("\n".join([lines[0], lines[1], ",,", *lines[2:]]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF.isoformat(),
                                      "--summary", str(page)])
    assert result.exit_code == 1, result.stderr  # the unreadable row
    assert "3 rows: 2 screened, 1 with errors" in result.stderr
    assert "1 blank row" in result.stderr
    text = page.read_text(encoding="utf-8")
    assert "**Rows**: 3" in text and "**Screened**: 2" in text
    assert "**Error rows (see their error cell)**: 1" in text
    assert "**Blank rows (every cell empty, not screened)**: 1" in text


def test_xlsx_output_when_the_output_name_says_so(tmp_path: Path, rulebook: Rulebook,
                                                  clean: list[dict[str, str]]) -> None:
    import openpyxl

    source, target = tmp_path / "in.csv", tmp_path / "screened.xlsx"
    source.write_text(csv_text(table(rulebook)), encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.stderr
    sheet = openpyxl.load_workbook(target, read_only=True).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    names = list(values[0])
    assert names[-1] == "error" and names[:3] == IDENTITY
    got = [{name: ("" if cell is None else str(cell)) for name, cell in zip(names, row, strict=True)}
           for row in values[1:]]
    assert [row["Name"] for row in got] == [person["Name"] for person in PEOPLE]
    for row, want in zip(got, clean, strict=True):
        assert {p: row[p] for p in rulebook.pathways} == {p: want[p] for p in rulebook.pathways}
        crs = values[1 + got.index(row)][names.index("crs_score")]
        assert (crs is None) == (want["crs_score"] == "")
        if crs is not None:
            assert isinstance(crs, int | float) and crs == float(want["crs_score"])  # a number, not text


def test_excel_flag_starts_the_output_with_a_bom(tmp_path: Path, rulebook: Rulebook) -> None:
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(csv_text(table(rulebook)), encoding="utf-8")
    for extra, bom in (([], False), (["--excel"], True)):
        result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), *extra])
        assert result.exit_code == 0, result.stderr
        data = target.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") == bom
        assert "Zoë Lefèvre" in data.decode("utf-8-sig")


@pytest.mark.parametrize(("content", "extra", "message"), [
    ("age,name\n30,Zoë\n".encode() + "31,Zoë\n".encode("cp1252"), [], "mixes UTF-8 with another encoding"),
    ("age,name\n30,Zoë\n".encode("cp1252"), ["--encoding", "utf-8"], "not UTF-8 text"),
    (b"age,name\n30,x\n", ["--encoding", "klingon"], "--encoding: 'klingon' is not an encoding"),
    (b"PK\x03\x04rest of a zip", [], "not a readable .xlsx workbook"),
])
def test_a_file_that_cannot_be_decoded_is_refused_whole(
        tmp_path: Path, content: bytes, extra: list[str], message: str) -> None:
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(content)
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF.isoformat(),
                                      *extra])
    assert result.exit_code == 2
    first = next(line for line in result.stderr.splitlines() if not line.startswith("warning: "))
    assert first.startswith("Error: ") and message in first
    assert "Zo" not in result.stderr  # never the applicant's text
    assert not target.exists()  # no half file of error rows


def test_a_mixed_file_past_the_first_block_is_refused_with_its_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from screener import csvio

    monkeypatch.setattr(csvio, "BLOCK_BYTES", 64)
    lines = ["age,name"] + [f"{20 + i},Zoë" for i in range(30)]
    content = ("\n".join(lines) + "\n").encode("utf-8") + "55,Zoë\n".encode("cp1252")
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(content)
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 2
    assert "line 32 is not UTF-8 text" in result.stderr
    assert "--encoding" in result.stderr
    assert not target.exists()


def refused(tmp_path: Path, text: str, *extra: str) -> Result:
    """`screener batch` on a CSV holding `text`, whose first row names no field: refused whole (exit 2), with
    no output written."""
    source = tmp_path / "form.csv"
    source.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(tmp_path / "out.csv"), "--as-of",
                                      AS_OF.isoformat(), *extra])
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "out.csv").exists()
    return result


def test_a_form_whose_headers_match_no_field_gets_one_clear_error(tmp_path: Path) -> None:
    result = refused(tmp_path, "Timestamp,How old are you?,Email address\n2026/11/01 10:00,30,a@b.c\n")
    lines = [line for line in result.stderr.splitlines() if not line.startswith("warning: ")]
    assert lines[0] == "Error: none of the input's 3 columns is a field of the rulebook, so there is nothing to screen"
    assert any("'How old are you?'" in line and "'age'" in line for line in lines)
    assert any("map" in line for line in lines)
    assert "internal error" not in result.stderr and "a@b.c" not in result.stderr


PERSON = ["Maria Gonzalez", "34", "yes", "married", "maria@example.com", "555-0100"]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_file_without_its_header_row_is_said_so_and_no_cell_is_echoed(tmp_path: Path, lang: str) -> None:
    """A CSV exported without its header row: the first row is a person, so none of it reaches the terminal."""
    result = refused(tmp_path, ",".join(PERSON) + "\n" + "Bo Lee,40,no,single,bo@example.com,555-0101\n",
                     "--lang", lang)
    said = result.stderr.lower()
    for cell in [*PERSON, "Bo Lee", "bo@example.com", "Maria", "Gonzalez"]:
        assert cell.lower() not in said, cell
    words = {"en": ("does not look like a header row", "none of its 6 cells", "export it again with the header row"),
             "fr": ("ne ressemble pas à une ligne d'en-tête", "aucune de ses 6 cellules", "exportez-le de nouveau")}
    assert all(word in result.stderr for word in words[lang]), result.stderr
    assert "--map" in result.stderr and "looks like the field" not in result.stderr


def test_only_a_column_close_to_a_field_is_named_with_its_text_the_others_by_nothing(tmp_path: Path) -> None:
    """A real header with a typo is named (by position and text); a far-off cell is never suggested or echoed."""
    result = refused(tmp_path, "Maria Gonzalez,Englsh test,Martial status\nx,y,z\n")
    assert "column 2 ('Englsh test') looks like the field 'english_test'" in result.stderr
    assert "column 3 ('Martial status') looks like the field 'marital_status'" in result.stderr
    assert "Maria" not in result.stderr and "'goal'" not in result.stderr
    assert "does not look like a header row" not in result.stderr  # it does: two of its cells are near-headers


# ------------------------------------------------------------------------------ forms as they are


def form_answer(rulebook: Rulebook, qid: str, value: str) -> str:
    """The answer as a Google Form built from the interview shows it: the choice's label, Yes/No."""
    question = rulebook.questions[qid]
    if value == "":
        return ""
    if question.type == "choice":
        return question.choice_label(value)
    if question.type == "yes_no":
        return {"yes": "Yes", "no": "No"}[value]
    return value


def google_form(rulebook: Rulebook) -> list[list[str]]:
    """A Google Forms export: Timestamp first, question texts as headers, label answers, identity columns."""
    fields = list(rulebook.questions)
    prompts = [" ".join(rulebook.questions[qid].prompt.split()) for qid in fields]
    # A question text two fields share ("What was your reading score on that test?", English and French)
    # names neither: a form gives those their label ("English reading score") to tell them apart.
    titles = [prompt if prompts.count(prompt) == 1 else rulebook.questions[qid].short_label
              for qid, prompt in zip(fields, prompts, strict=True)]
    assert len(set(titles)) == len(titles)
    header = ["Timestamp", "Email address", "Full name", "Phone number", *titles]
    rows = [header]
    for number, person in enumerate(PEOPLE):
        rows.append([f"2026/11/0{number + 1} 10:1{number}:00 AM GMT-5", person["Email"], person["Name"],
                     person["Phone"], *[form_answer(rulebook, qid, person.get(qid, "")) for qid in fields]])
    return rows


def test_a_google_forms_export_with_question_headers_and_label_answers(
        tmp_path: Path, rulebook: Rulebook, clean: list[dict[str, str]]) -> None:
    rows = google_form(rulebook)
    assert "Single (never married, not in a common-law relationship)" in rows[1]  # labels, not values
    assert "Ontario" in rows[1] and "Quebec" in rows[3]
    got, stderr, _ = screen(tmp_path, "form.csv", csv_text(rows).encode("utf-8"))
    assert "not in the input" not in stderr  # every question text was recognised
    assert all(row["error"] == "" for row in got), [row["error"] for row in got]
    assert verdicts(rulebook, got) == verdicts(rulebook, clean)
    assert [row["Full name"] for row in got] == [person["Name"] for person in PEOPLE]
    assert [row["Email address"] for row in got] == [person["Email"] for person in PEOPLE]


def test_a_firms_own_form_with_a_map_for_its_headers_and_answers(
        tmp_path: Path, rulebook: Rulebook, clean: list[dict[str, str]]) -> None:
    """French headers and answer wording the rulebook cannot know: named in --map."""
    own = {"age": "Âge du demandeur", "marital_status": "État civil", "us_citizen": "Citoyen américain ?",
           "intended_province": "Province visée"}
    words = {"marital_status": {"single": "Célibataire", "married": "Marié(e)", "common_law": "Conjoint de fait"},
             "us_citizen": {"yes": "Oui", "no": "Non"}}
    rows = table(rulebook)
    header = [own.get(name, name) for name in rows[0]]
    body = [[words.get(name, {}).get(cell, cell) for name, cell in zip(rows[0], row, strict=True)] for row in rows[1:]]
    body[0][rows[0].index("intended_province")] = "ontario"
    body[2][rows[0].index("intended_province")] = "Québec"  # accents and case: no map needed
    mapping = tmp_path / "intake-map.yaml"
    mapping.write_text(
        "columns:\n" + "".join(f"  \"{text}\": {qid}\n" for qid, text in own.items())
        + "values:\n  marital_status:\n    célibataire: single\n    \"Marié(e)\": married\n"
        + "    Conjoint de fait: common_law\n  us_citizen:\n    Oui: yes\n    Non: no\n", encoding="utf-8")
    got, _, _ = screen(tmp_path, "own.csv", csv_text([header, *body]).encode("utf-8"), "--map", str(mapping))
    assert all(row["error"] == "" for row in got), [row["error"] for row in got]
    assert verdicts(rulebook, got) == verdicts(rulebook, clean)
    assert [row["État civil"] for row in got] == ["Célibataire", "Marié(e)", "Célibataire", "Conjoint de fait"]


def test_a_map_with_a_value_the_rulebook_refuses_is_rejected_before_reading(tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  Statut: marital_status\n  Âge: agee\nvalues:\n  marital_status:\n"
                       "    Pacsé: civil_union\n", encoding="utf-8")
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("Statut,Âge\nPacsé,30\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--map", str(mapping),
                                      "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 2
    assert "Error: --map: 2 problems in the map" in result.stderr
    assert "'agee' is not a field of the rulebook (did you mean 'age'?)" in result.stderr
    assert "values: marital_status: 'Pacsé' -> 'civil_union'" in result.stderr
    assert not target.exists()


@pytest.mark.parametrize(("qid", "written", "value"), [
    ("intended_province", "Quebec", "QC"),
    ("intended_province", "QUÉBEC", "QC"),
    ("intended_province", "british columbia", "BC"),
    ("intended_province", "Colombie-Britannique", "BC"),
    ("intended_province", "Île-du-Prince-Édouard", "PE"),
    ("marital_status", "Single (never married)", "single"),
    ("marital_status", "Single (never married, not in a common-law relationship)", "single"),
    ("marital_status", "Common-law", "common_law"),
    ("education", "Master's", "masters"),
    ("education", "Doctorate (PhD)", "doctoral"),
])
def test_labels_and_common_spellings_are_read_the_same_everywhere(
        rulebook: Rulebook, qid: str, written: str, value: str) -> None:
    """The answers reader, the interview and batch all take the rulebook's labels (one lookup)."""
    from screener.answers import coerce
    from screener.interview import Answer, parse_reply

    question = rulebook.questions[qid]
    assert coerce(question, written) == value
    assert parse_reply(question, written) == Answer(value)


def test_an_ambiguous_label_is_refused_not_guessed(rulebook: Rulebook) -> None:
    from screener.answers import coerce

    with pytest.raises(ValueError):
        coerce(rulebook.questions["canadian_parent"], "Yes")  # two choices start with "Yes, a parent ..."


# ------------------------------------------------------------------------------ intake template and docs


def test_intake_template_writes_a_header_a_dictionary_and_a_map_that_works(
        tmp_path: Path, rulebook: Rulebook, clean: list[dict[str, str]]) -> None:
    folder = tmp_path / "intake"
    result = CliRunner().invoke(app, ["intake", "template", str(folder)])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["intake-header.csv", "intake-dictionary.md", "intake-dictionary.csv", "intake-map.yaml"])
    header = next(csv.reader(io.StringIO((folder / "intake-header.csv").read_text(encoding="utf-8"))))
    assert sorted(header) == sorted(rulebook.questions)
    entries = list(csv.DictReader(io.StringIO((folder / "intake-dictionary.csv").read_text(encoding="utf-8"))))
    by_id = {entry["id"]: entry for entry in entries}
    assert set(by_id) == set(rulebook.questions)
    assert by_id["marital_status"]["type"] == "choice"
    assert "single = Single (never married" in by_id["marital_status"]["allowed values"]
    assert "express_entry_fsw" in by_id["age"]["used by"].split(", ")
    assert by_id["age"]["question"] == " ".join(rulebook.questions["age"].prompt.split())
    markdown = (folder / "intake-dictionary.md").read_text(encoding="utf-8")
    assert "| `intended_province` |" in markdown and "QC = Quebec" in markdown
    # the map as written works: a file whose headers are the question texts, screened with it
    import yaml

    mapping = yaml.safe_load((folder / "intake-map.yaml").read_text(encoding="utf-8"))
    assert set(mapping["columns"].values()) == set(rulebook.questions)
    renamed = {qid: f"Q{index}. {text}" for index, (text, qid) in enumerate(mapping["columns"].items())}
    mapping["columns"] = {text: qid for qid, text in renamed.items()}
    (folder / "intake-map.yaml").write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    rows = table(rulebook)
    rows[0] = [renamed.get(name, name) for name in rows[0]]
    got, stderr, _ = screen(tmp_path, "numbered.csv", csv_text(rows).encode("utf-8"),
                            "--map", str(folder / "intake-map.yaml"))
    assert "not in the input" not in stderr
    assert verdicts(rulebook, got) == verdicts(rulebook, clean)
    again = CliRunner().invoke(app, ["intake", "template", str(folder)])
    assert again.exit_code == 2 and "--force" in again.stderr  # a firm's edits are never overwritten


def test_docs_intake_md_is_generated_from_the_rules_and_current(rulebook: Rulebook) -> None:
    from screener.intake import intake_doc

    committed = (ROOT / "docs" / "intake.md").read_text(encoding="utf-8")
    assert committed == intake_doc(rulebook), "docs/intake.md is stale: run `screener intake doc -o docs/intake.md`"
    for qid in rulebook.questions:
        assert f"| `{qid}` |" in committed
    for pathway in rulebook.pathways:
        assert f"`{pathway}`" in committed


# ------------------------------------------------------------------------------ triage and exit codes


def test_results_first_puts_outcomes_right_after_the_id_columns(
        tmp_path: Path, rulebook: Rulebook, clean: list[dict[str, str]]) -> None:
    content = csv_text(table(rulebook)).encode("utf-8")
    got, _, _ = screen(tmp_path, "first.csv", content, "--results-first")
    source = tmp_path / "first.csv"
    header = next(csv.reader(io.StringIO(source.with_name("first.csv.out.csv").read_text(encoding="utf-8"))))
    results = [*rulebook.pathways, "crs_score", "fsw_points"]
    assert header[:3] == IDENTITY  # the columns that are not fields: who the row is
    assert header[3:3 + len(results)] == results
    assert header.index("error") < header.index("age")  # the answers come after the verdict
    assert sorted(header) == sorted(clean[0].keys())  # the same columns, only moved
    assert verdicts(rulebook, got) == verdicts(rulebook, clean)
    got, _, _ = screen(tmp_path, "first.csv", content, "--results-first", "--id", "email")
    header = list(got[0].keys())
    assert header[:2] == ["Email", next(iter(rulebook.pathways))]
    assert [row["Name"] for row in got] == [person["Name"] for person in PEOPLE]


def test_exit_code_is_1_when_some_rows_are_error_rows_and_the_output_is_still_complete(
        tmp_path: Path, rulebook: Rulebook) -> None:
    rows = table(rulebook)
    rows[2][rows[0].index("age")] = "forty"
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(csv_text(rows), encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 1
    out = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert len(out) == len(PEOPLE)
    assert [bool(row["error"]) for row in out] == [False, True, False, False]
    assert "forty" not in result.stderr  # never an applicant's answer on stderr


def test_letters_are_named_by_row_and_name_column_never_email_notes_or_formulas(
        tmp_path: Path, rulebook: Rulebook) -> None:
    rows = [[*row, note] for row, note in zip(table(rulebook), [
        "Notes", "café crème", '=HYPERLINK("http://evil.example","click")', "x", "y"], strict=True)]
    rows[0][0] = "Client name"
    rows[2][0] = '=HYPERLINK("http://evil.example","click")'  # a formula where the name goes: left out
    rows[3][0] = "Anaïs " + "Ç" * 80  # long: cut
    source, target, folder = tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / "letters"
    source.write_text(csv_text(rows), encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF.isoformat(),
                                      "--letters", str(folder)])
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["00001-Zoe-Lefevre.md", "00002.md", f"00003-Anais-{'C' * 18}.md", "00004-Mary-O-Brien.md"]
    rows[0][:3] = ["Nom", "Courriel", "Téléphone"]  # French headers
    source.write_text(csv_text(rows), encoding="utf-8")
    for given, first in [((), "00001-Zoe-Lefevre.md"), (("--id", "Courriel"), "00001-zoe-example-fr.md")]:
        for letter in folder.iterdir():
            letter.unlink()
        result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF.isoformat(),
                                          "--letters", str(folder), *given])
        assert sorted(p.name for p in folder.iterdir())[0] == first, result.stderr  # --id: the firm's choice


def test_letters_one_verdict_per_readable_row_named_by_the_id_column(
        tmp_path: Path, rulebook: Rulebook) -> None:
    from screener.render.report_file import markdown
    from screener.render.verdict import Context

    rows = table(rulebook)
    rows[2][rows[0].index("age")] = "forty"  # an error row gets no letter
    source, target, folder = tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / "letters"
    source.write_text(csv_text(rows), encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF.isoformat(),
                                      "--letters", str(folder), "--id", "Name"])
    assert result.exit_code == 1, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["00001-Zoe-Lefevre.md", "00003-Anais-C-Dupre.md",
                                                        "00004-Mary-O-Brien.md"]
    person = {qid: PEOPLE[0].get(qid, "") for qid in rulebook.questions}
    report = rulebook.evaluate(person, as_of=AS_OF)
    typed = rulebook.read_answers({k: v for k, v in person.items() if v})
    assert (folder / "00001-Zoe-Lefevre.md").read_text(encoding="utf-8") == markdown(
        report, None, Context(rulebook.questions, typed))  # the text of check --report
    html_folder = tmp_path / "html"
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF.isoformat(),
                                      "--letters", str(html_folder), "--letters-html"])
    names = sorted(p.name for p in html_folder.iterdir())
    assert len(names) == 3 and all(name.endswith(".html") and "/" not in name for name in names)
    assert "<script" not in (html_folder / names[0]).read_text(encoding="utf-8")


def test_letter_names_keep_the_ids_case_and_ids_differing_only_in_case_stay_apart(tmp_path: Path) -> None:
    """`--id` K2 names `00001-K2.md` (a firm's file number as written); K2 and k2 on two rows give two
    letters whose names differ beyond case (the row number), so a case-insensitive file system keeps both."""
    source, target, folder = tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / "letters"
    source.write_text("File,Name,age\nK2,Ann Lee,30\nk2,Bo Ng,40\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF.isoformat(),
                                      "--letters", str(folder), "--id", "File", "--id", "Name"])
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["00001-K2-Ann-Lee.md", "00002-k2-Bo-Ng.md"]
    assert len({name.casefold() for name in names}) == 2


def test_field_columns_the_fast_path_reads_whole_skip_the_formula_test(rulebook: Rulebook) -> None:
    """Issue 15: the formula test is the dearest thing done to an input cell, so a column whose every cell
    the fast path read (yes/no and choice words, plain numbers, amounts, dates) skips it for that block.
    An `int` column never does (polars reads "+5"), nor a column with a cell Python had to read."""
    import polars as pl

    from screener.columnar import Coercion

    fields = {"us_citizen": "c0", "education": "c1", "settlement_funds_cad": "c2", "age": "c3", "marital_status": "c4"}
    coercion = Coercion(list(rulebook.questions.values()), fields)
    raw = pl.DataFrame({"c0": ["yes", "No", None], "c1": ["masters", "", "Secondary"], "c2": ["$25,000", "100", "7"],
                        "c3": ["29", "41", "17"], "c4": ["single", "married ", "married"]})
    _, reasons, inert = coercion.read(raw)
    assert reasons.to_list() == [None, None, None]
    assert inert == {"c0", "c1", "c2"}  # not age (int), not marital_status ("married " went to answers.coerce)


@pytest.mark.parametrize(("column", "cell"), [("age", "+29"), ("age", "-0"), ("us_citizen", "=yes"),
                                              ("settlement_funds_cad", "-5"), ("education", "@masters")])
def test_field_cells_a_spreadsheet_would_run_are_still_escaped(
        tmp_path: Path, rulebook: Rulebook, column: str, cell: str) -> None:
    """Whether a field's cell is read as an answer or refused, the output never holds it unescaped."""
    rows = [["age", "us_citizen", "settlement_funds_cad", "education"], ["30", "no", "1000", "masters"]]
    rows[1][rows[0].index(column)] = cell
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(csv_text(rows), encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF.isoformat()])
    assert result.exit_code in (0, 1), result.stderr  # 1: the cell was refused (an error row)
    got = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert got[0][column] == "'" + cell


def test_a_mapped_answer_is_escaped_as_it_was_written(tmp_path: Path) -> None:
    """A map's `values:` turn the written cell into the rulebook's word before the fast path reads it: the
    cell written out is the original, so its column is escaped whatever the fast path read."""
    mapping = tmp_path / "map.yaml"
    mapping.write_text('values:\n  us_citizen:\n    "+oui": "yes"\n', encoding="utf-8")
    rows = [["age", "us_citizen"], ["30", "+oui"], ["31", "no"]]
    got, _, _ = screen(tmp_path, "in.csv", csv_text(rows).encode("utf-8"), "--map", str(mapping))
    assert [row["us_citizen"] for row in got] == ["'+oui", "no"]
    assert [row["error"] for row in got] == ["", ""]


def test_a_question_two_fields_share_is_warned_about_never_dropped_in_silence(tmp_path: Path) -> None:
    """Review 8 item 4: a Google Form titled with the interview's own question, which the English and the
    French score share, matched nothing and said nothing. Batch and rules diff now name the column, the
    fields it could be and how to name it; a map that names it reads it and the warning goes."""
    question = "What was your listening score on that test?"
    source, target = tmp_path / "form.csv", tmp_path / "out.csv"
    source.write_text(f'age,"{question}",english_test\n31,7.5,ielts_general\n', encoding="utf-8")  # undecided
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.stderr
    line = next(line for line in result.stderr.splitlines() if question in line)
    assert "english_score_listening" in line and "french_score_listening" in line and "--map" in line
    unread = next(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert "english_score_listening" in unread["missing"]  # not read: the warning is not idle
    diffed = CliRunner().invoke(app, ["rules", "diff", str(ROOT / "rules"), str(ROOT / "rules"),
                                      "--answers", str(source), "--as-of", AS_OF.isoformat()])
    assert diffed.exit_code == 0, diffed.stderr
    assert any(question in line and "english_score_listening" in line
               for line in (diffed.stdout + diffed.stderr).splitlines())
    mapping = tmp_path / "map.yaml"
    mapping.write_text(f'columns:\n  "{question}": english_score_listening\n', encoding="utf-8")
    mapped = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF.isoformat(),
                                      "--map", str(mapping)])
    assert mapped.exit_code == 0, mapped.stderr
    assert question not in mapped.stderr
    row = next(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert "english_score_listening" not in (row["missing"] or "")


@pytest.mark.parametrize(("given", "option"), [("out.xlsx", "--output"), ("in.xlsx", "in.xlsx")])
def test_without_openpyxl_an_xlsx_is_refused_up_front_in_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: str, option: str) -> None:
    """Before the rules load and any row is read: one line naming the extra to install, nothing written."""
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # `import openpyxl` raises ImportError
    source = tmp_path / ("in.xlsx" if given == "in.xlsx" else "in.csv")
    source.write_bytes(b"PK\x03\x04not really a workbook" if given == "in.xlsx" else b"age\n30\n")
    target = tmp_path / ("out.xlsx" if given == "out.xlsx" else "out.csv")
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"Error: {option if option == '--output' else source}: reading and writing .xlsx needs openpyxl: "
        "pip install 'screener[xlsx]'"]
    assert not target.exists()


def test_rules_past_review_are_one_line_after_the_run_never_above_an_error(tmp_path: Path) -> None:
    """The default rules have data past its review date on AS_OF: a paralegal's run says so in one line
    pointing to `rules validate` (which lists them), after the run; an error that stops the run stands alone."""
    stale = load_rulebook(ROOT / "rules").stale(AS_OF)
    assert len(stale) > 1  # else this test proves nothing
    source = tmp_path / "in.csv"
    source.write_text("age,us_citizen\n30,no\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(tmp_path / "out.csv"), "--as-of",
                                      AS_OF.isoformat()])
    assert result.exit_code == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "review" in line]
    assert len(lines) == 1 and "`screener rules validate`" in lines[0], lines
    assert not any(line in result.stderr for line in stale)
    assert result.stderr.index("review") > result.stderr.index("fields not in the input")  # after the run's own
    source.write_text("Maria Gonzalez,34\n", encoding="utf-8")  # no header row: an error
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(tmp_path / "out.csv"), "--as-of",
                                      AS_OF.isoformat()])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and "review" not in result.stderr


def test_a_workbooks_computed_amount_is_read_as_excel_shows_it(tmp_path: Path, rulebook: Rulebook,
                                                               clean: list[dict[str, str]]) -> None:
    """A money cell computed in Excel (`=40000*1.1`, 44000.00000000001) is the amount Excel shows, to 15
    significant digits: not refused as an amount with more decimals than cents (review13 #2)."""
    import openpyxl

    from screener.workbook import cell_text

    assert [cell_text(value) for value in (44000.00000000001, 0.1 + 0.2, 6.499999999999999, 2.5, 1e-05)] == [
        "44000", "0.3", "6.5", "2.5", "1e-05"]
    rows = table(rulebook)
    funds = rows[0].index("settlement_funds_cad")
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append([12000.000000000002 if index == funds and cell == "12000" else
                            None if cell == "" else int(cell) if cell.isdigit() else
                            "'" + cell if cell.startswith("=") else cell for index, cell in enumerate(row)])
    buffer = io.BytesIO()
    book.save(buffer)
    got, _, _ = screen(tmp_path, "computed.xlsx", buffer.getvalue())
    assert all(row["error"] == "" for row in got), [row["error"] for row in got]
    assert verdicts(rulebook, got) == verdicts(rulebook, clean)
