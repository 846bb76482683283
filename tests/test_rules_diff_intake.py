"""`rules diff` reads a firm's real intake exactly as `screener batch` does: Windows-1252, a form's own
headers and answers through the same `--map`, an .xlsx sheet, and the intake given as a plain argument."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from lawyer_kit import cli, copy_book, edit

# A form as a firm's Google Form exports it: its own headers and French answer labels, saved by Excel as
# Windows-1252. Nothing here is a field id: only the map says what each column holds.
FORM = [
    ["Horodateur", "Dossier", "Âge du client", "Niveau CLB (anglais)", "Études", "Casier judiciaire"],
    ["2026/12/01 9:14", "K1", "30", "7", "Baccalauréat", "Non"],
    ["2026/12/01 9:20", "K2", "30", "9", "Baccalauréat", "Non"],
    ["2026/12/01 9:31", "K3", "31", "7", "Maîtrise", "Non"],
]
MAP = """\
columns:
  "Âge du client": age
  "Niveau CLB (anglais)": english_clb
  "Études": education
  "Casier judiciaire": criminal_record
values:
  education:
    "Baccalauréat": bachelors
    "Maîtrise": masters
  criminal_record:
    "Non": no
    "Oui": yes
"""


def form_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("cp1252")


@pytest.fixture
def firm(tmp_path: Path) -> tuple[Path, Path, Path, Path]:
    """The rules now, a proposal raising the skilled pathway's English from CLB 7 to 8, the form and its map."""
    old, new = copy_book(tmp_path, "old"), copy_book(tmp_path, "new")
    edit(new / "pathways.yaml", "english_clb >= 7", "english_clb >= 8")
    form, mapping = tmp_path / "form.csv", tmp_path / "intake-map.yaml"
    form.write_bytes(form_csv(FORM))
    mapping.write_text(MAP, encoding="utf-8")
    return old, new, form, mapping


def diff(*args: str) -> dict:  # type: ignore[type-arg]
    result = cli("rules", "diff", *args, "--as-of", "2026-01-01", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_a_google_form_in_cp1252_is_diffed_through_the_same_map_as_batch(firm: tuple[Path, Path, Path, Path],
                                                                         tmp_path: Path) -> None:
    """Review 8 item 4: a form whose headers need the map could be screened but not diffed."""
    old, new, form, mapping = firm
    data = diff(str(old), str(new), str(form), "--map", str(mapping), "--id", "Dossier")
    assert data["rows"] == 3 and data["unreadable_rows"] == 0  # the labels were translated, not refused
    flips = {(c["label"], c["old"], c["new"]) for c in data["changes"] if c["id"] == "skilled"}
    assert flips == {("K1", "eligible", "ineligible"), ("K3", "eligible", "ineligible")}
    assert not any("not in the intake" in w and "education" in w for w in data["warnings"])
    # batch, with the same map, reads the same people the same way: K1 and K3 eligible under OLD
    out = tmp_path / "out.csv"
    screened = cli("batch", str(form), "-o", str(out), "--map", str(mapping), "--rules", str(old),
                   "--as-of", "2026-01-01")
    assert screened.exit_code == 0, screened.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [row["skilled"] for row in rows] == ["eligible", "eligible", "eligible"]


def test_the_map_is_checked_against_both_rulebooks(firm: tuple[Path, Path, Path, Path]) -> None:
    """A field only NEW has may be mapped (it is what the change is about); one neither has is a one-line
    error at its place in the map, and so is an answer mapped to a value the rulebook refuses."""
    old, new, form, mapping = firm
    (new / "extra.yaml").write_text(
        "questions:\n  - id: atlantic_offer\n    type: yes_no\n    topic: about_you\n"
        "    prompt: Do you have a job offer from a designated Atlantic employer?\n", encoding="utf-8")
    rows = [[*row, cell] for row, cell in zip(FORM, ["Offre atlantique", "Oui", "Non", "Non"], strict=True)]
    form.write_bytes(form_csv(rows))
    mapping.write_text(MAP.replace("values:", '  "Offre atlantique": atlantic_offer\nvalues:')
                       + '  atlantic_offer:\n    "Oui": yes\n    "Non": no\n', encoding="utf-8")
    data = diff(str(old), str(new), str(form), "--map", str(mapping))
    assert data["rows"] == 3 and data["unreadable_rows"] == 0
    mapping.write_text(MAP.replace("english_clb\n", "english_cbl\n"), encoding="utf-8")
    wrong = cli("rules", "diff", str(old), str(new), str(form), "--map", str(mapping))
    assert wrong.exit_code == 2, wrong.output
    assert wrong.stderr.startswith("Error: --map: ") and "intake-map.yaml:3:" in wrong.stderr
    assert "'english_cbl' is not a field" in wrong.stderr and "did you mean 'english_clb'" in wrong.stderr
    assert "Traceback" not in wrong.output


def test_an_xlsx_sheet_is_diffed_as_its_csv(firm: tuple[Path, Path, Path, Path], tmp_path: Path) -> None:
    import openpyxl

    old, new, form, mapping = firm
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    sheet = book.create_sheet("Réponses")
    for row in FORM:
        sheet.append([int(cell) if cell.isdigit() else cell for cell in row])
    workbook = tmp_path / "form.xlsx"
    book.save(workbook)
    from_csv = diff(str(old), str(new), str(form), "--map", str(mapping))
    from_xlsx = diff(str(old), str(new), str(workbook), "--map", str(mapping), "--sheet", "Réponses")
    assert from_xlsx["changes"] and from_xlsx["changes"] == from_csv["changes"]
    assert from_xlsx["pathways"] == from_csv["pathways"]
    wrong = cli("rules", "diff", str(old), str(new), str(form), "--sheet", "Réponses")
    assert wrong.exit_code == 2 and "--sheet: the input is not an .xlsx workbook" in wrong.stderr
    book.active = sheet  # in view when saved: read with no --sheet, and the diff says which sheet it read
    book.save(workbook)
    in_view = diff(str(old), str(new), str(workbook), "--map", str(mapping))
    assert in_view["changes"] == from_csv["changes"]
    assert any("read the sheet 'Réponses'" in line and "'Notes'" in line for line in in_view["warnings"])


def test_the_encoding_can_be_forced_as_in_batch(firm: tuple[Path, Path, Path, Path]) -> None:
    old, new, form, mapping = firm
    forced = diff(str(old), str(new), str(form), "--map", str(mapping), "--encoding", "cp1252")
    assert forced["changed_rows"] == 2
    wrong = cli("rules", "diff", str(old), str(new), str(form), "--encoding", "klingon")
    assert wrong.exit_code == 2 and wrong.stderr.startswith("Error: --encoding")


def test_the_intake_is_an_argument_or_the_answers_option(firm: tuple[Path, Path, Path, Path]) -> None:
    """`rules diff OLD NEW intake.csv` is what people type (review 8 item 11); `--answers` still works."""
    old, new, form, mapping = firm
    given = diff(str(old), str(new), str(form), "--map", str(mapping))
    assert given == diff(str(old), str(new), "--answers", str(form), "--map", str(mapping))
    assert given["changed_rows"] == 2
    none = cli("rules", "diff", str(old), str(new))
    assert none.exit_code == 2
    assert none.stderr.splitlines() == [
        "Error: no intake to compare on: give it after the two rulebooks, like `screener rules diff OLD NEW "
        "intake.csv`"]
    twice = cli("rules", "diff", str(old), str(new), str(form), "--answers", "other.csv")
    assert twice.exit_code == 2 and "give it once" in twice.stderr
    helped = cli("rules", "diff", "--help")
    assert "OLD NEW [INTAKE]" in helped.stdout and "--map FILE" in helped.stdout and "--sheet" in helped.stdout


def test_blank_and_unreadable_rows_are_counted_and_worded_as_batch_does(firm: tuple[Path, Path, Path, Path],
                                                                       tmp_path: Path) -> None:
    """Review 8 item 11: the same file, with a blank row and an age that is no number, gives the same counts
    (people, screened, with errors, blank) in batch and rules diff; a row both rulebooks refuse is said once."""
    import re

    old, new, form, mapping = firm
    rows = [*FORM[:2], [""] * len(FORM[0]), FORM[2], [*FORM[3][:2], "trente", *FORM[3][3:]]]
    form.write_bytes(form_csv(rows))
    screened = cli("batch", str(form), "-o", str(tmp_path / "out.csv"), "--map", str(mapping), "--rules", str(old),
                   "--as-of", "2026-01-01")
    assert screened.exit_code == 1, screened.output  # some rows are error rows
    assert "3 rows: 2 screened, 1 with errors" in screened.stderr
    assert "1 blank row (every cell empty)" in screened.stderr
    diffed = cli("rules", "diff", str(old), str(new), str(form), "--map", str(mapping), "--as-of", "2026-01-01")
    assert diffed.exit_code == 0, diffed.output
    out = diffed.stdout
    assert re.search(r"^3 rows of .*form\.csv: 2 screened, 1 with errors \(listed below\); 1 changed$", out, re.M), out
    assert "1 blank row (every cell empty), not screened" in out
    assert "row 4: cannot be read (fields: age)" in out and "under the" not in out
    assert "blank row" not in out.split("not screened")[1]  # never listed as a row that cannot be read
    data = diff(str(old), str(new), str(form), "--map", str(mapping))
    assert (data["rows"], data["screened_rows"], data["unreadable_rows"], data["blank_rows"]) == (3, 2, 1, 1)
    assert data["unreadable"] == [{"row": 4, "rulebook": "both", "fields": ["age"]}]
