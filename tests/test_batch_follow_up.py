"""review9 #3: the partner's summary names the rows that were not screened (row, name, reason), in English
and French, and says they get no letter, so someone follows them up.

The expected rows and reasons come from the input written here and from `rulebook.evaluate` (never from the
batch code); a reason names the field and what it expects, never the value.
"""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

from french_kit import nb
from typer.testing import CliRunner

from screener.answers import AnswerError
from screener.cli import app
from screener.rulebook import load_rulebook

ROOT = Path(__file__).parent.parent
PEOPLE = [
    {"Client ID": "C-101", "Name": "Ana Ruiz", "Email": "ana@example.com", "age": "34", "education_assessed": "yes"},
    {"Client ID": "C-102", "Name": "Bo Li", "Email": "bo@example.com", "age": "thirty-four",
     "education_assessed": "yes"},
    {"Client ID": "", "Name": "", "Email": "", "age": "", "education_assessed": ""},  # blank: nobody, not listed
    {"Client ID": "C-104", "Name": "Cy Dee", "Email": "cy@example.com", "age": "40", "education_assessed": "maybe"},
]


def run(tmp_path: Path, summary: str, *extra: str) -> tuple[int, str, str]:
    source = tmp_path / "in.csv"
    with source.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(PEOPLE[0]))
        writer.writeheader()
        writer.writerows(PEOPLE)
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(tmp_path / "out.csv"), "--summary",
                                      str(tmp_path / summary), "--letters", str(tmp_path / "letters"), *extra])
    return result.exit_code, (tmp_path / summary).read_text(encoding="utf-8"), result.stderr


def reason(row: dict[str, str]) -> str:
    """What the one-person engine says is wrong with a row (its field and what it expects)."""
    book = load_rulebook(ROOT / "rules")
    try:
        book.read_answers({k: v for k, v in row.items() if k in book.questions})
    except AnswerError as error:
        return "; ".join(error.cells)
    raise AssertionError("the row was meant to be unreadable")


def section(page: str) -> str:
    found = re.search(r'<section class="warn" id="not-screened">(.*?)</section>', page, re.S)
    assert found, page[:2000]
    return html.unescape(found.group(1))


def test_the_summary_lists_each_error_row_with_its_name_and_reason_and_says_no_letter(tmp_path: Path) -> None:
    code, page, stderr = run(tmp_path, "summary.html")
    assert code == 1, stderr
    listed = section(page)
    rows = re.findall(r"<tr><td class=\"n\">(\d+)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", listed)
    assert rows == [("2", "C-102", "Bo Li", reason(PEOPLE[1])), ("4", "C-104", "Cy Dee", reason(PEOPLE[3]))]
    assert "age" in rows[0][3] and "thirty" not in listed and "maybe" not in listed
    assert "ana@example.com" not in page and "bo@example.com" not in page  # contact details never listed
    assert "no letter" in listed
    letters = sorted(path.name for path in (tmp_path / "letters").iterdir())
    assert [name[:5] for name in letters] == ["00001"]  # the listed rows indeed got none
    assert "Not screened, so no letters: rows 2, 4" in stderr


def test_the_markdown_summary_lists_them_too_and_the_french_page_in_french(tmp_path: Path) -> None:
    code, markdown, _ = run(tmp_path, "summary.md")
    assert code == 1
    assert "## Rows not screened: to follow up" in markdown
    assert "| 2 | C-102 | Bo Li | " + reason(PEOPLE[1]) + " |" in markdown
    code, page, stderr = run(tmp_path, "resume.html", "--lang", "fr")
    assert code == 1
    listed = section(page)
    assert "Lignes non examinées" in listed and "aucune lettre" in listed
    assert "Bo Li" in listed and "Cy Dee" in listed and "Ana Ruiz" not in listed
    assert nb("Non examinées, donc sans lettre : lignes 2, 4") in stderr


def test_no_section_when_every_row_was_screened(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("Name,age\nAna,34\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(tmp_path / "o.csv"), "--summary",
                                      str(tmp_path / "s.html")])
    assert result.exit_code == 0, result.output
    assert 'id="not-screened"' not in (tmp_path / "s.html").read_text(encoding="utf-8")
