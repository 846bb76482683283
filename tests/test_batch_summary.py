"""`screener batch --summary FILE` and `--format jsonl` as a firm uses them.

Every expected number is counted here from `rulebook.evaluate` (the one-person engine) on the rows this
test writes itself, never read from the batch code; the page is read back with `html.parser` (and, when
a headless Chromium is installed, rendered by it).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import shutil
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from screener.answers import AnswerError
from screener.cli import app
from screener.report import Report
from screener.rulebook import Rulebook, load_rulebook

ROOT = Path(__file__).parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "batch" / "rules"
AS_OF = dt.date(2026, 11, 25)
FIELDS = ["age", "citizen", "has_partner", "partner_kind", "education", "clb_a", "clb_b", "children", "funds",
          "offence_date", "years_abroad", "test_score"]


def intake(seed: int = 13, count: int = 60) -> list[dict[str, str]]:
    """People with a name and an email, some blanks, some bad cells: every count below is nonzero somewhere."""
    pick = random.Random(seed)
    people = []
    for number in range(count):
        person = {"Name": f"Zoë Lefèvre {number}", "Email": f"p{number}@example.fr",
                  "age": pick.choice(["", "16", "25", "30", "40", "abc"] if number % 17 == 5 else
                                     ["", "16", "25", "30", "40", "60"]),
                  "citizen": pick.choice(["", "yes", "no", "no"]),
                  "has_partner": pick.choice(["", "yes", "no"]),
                  "partner_kind": pick.choice(["", "local", "foreign"]),
                  "education": pick.choice(["", "secondary", "bachelors", "masters"]),
                  "clb_a": pick.choice(["", "4", "7", "9", "12"]), "clb_b": pick.choice(["", "2", "7", "9"]),
                  "children": pick.choice(["", "0", "1", "7"]), "funds": pick.choice(["", "$5,000", "40000"]),
                  "offence_date": pick.choice(["", "", "2015-03-01", "2020-06-01"]),
                  "years_abroad": pick.choice(["", "0", "4", "10"]), "test_score": pick.choice(["", "6.5", "8.5"])}
        people.append(person)
    return people


def csv_bytes(people: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, ["Name", "Email", *FIELDS], lineterminator="\n")
    writer.writeheader()
    writer.writerows(people)
    return buffer.getvalue().encode("utf-8")


def report_of(rulebook: Rulebook, person: dict[str, str]) -> Report | None:
    try:
        return rulebook.evaluate({key: value for key, value in person.items() if key in FIELDS}, as_of=AS_OF)
    except AnswerError:
        return None


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["batch", *args, "--as-of", AS_OF.isoformat()])
    return result.exit_code, result.stdout, result.stderr


class Page(HTMLParser):
    """The parts of the summary page a test reads: tables by caption, chart bars, sections, every tag."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.tables: dict[str, list[list[str]]] = {}
        self.bars: dict[str, int] = {}
        self.text: list[str] = []
        self.facts: dict[str, str] = {}  # the <dl> at the top: term -> value
        self._term: str | None = None
        self._where = ""
        self._caption: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_caption = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        self._where = tag
        if tag == "caption":
            self._in_caption, self._caption = True, ""
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "g" and found.get("class") == "bar":
            self.bars[found["data-range"] or ""] = int(found["data-rows"] or "-1")

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._in_caption = False
            assert self._caption is not None
            self.tables[self._caption] = []
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self._caption is not None:
            self.tables[self._caption].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._where == "dt":
            self._term = data
        elif self._where == "dd" and self._term is not None:
            self.facts[self._term] = data
            self._term = None
        if self._in_caption:
            self._caption = (self._caption or "") + data
        elif self._cell is not None:
            self._cell.append(data)

    def table(self, caption: str) -> dict[str, list[str]]:
        """Body rows keyed by their id column (the header row dropped)."""
        header, *rows = self.tables[caption]
        key = header.index("Id") if "Id" in header else header.index("Field") if "Field" in header else 0
        return {row[key]: row for row in rows if len(row) > 1}


@pytest.fixture(scope="module")
def fixture_rules() -> Rulebook:
    return load_rulebook(FIXTURE)


def test_the_summary_page_counts_what_the_engine_says_row_by_row(tmp_path: Path, fixture_rules: Rulebook) -> None:
    people = intake()
    source = tmp_path / "intake.csv"
    content = csv_bytes(people) + b"only,two" + b"," * (len(FIELDS) + 1) + b"\n"  # too many cells: an error row
    source.write_bytes(content)
    code, _, stderr = run(str(source), "-o", str(tmp_path / "out.csv"), "--rules", str(FIXTURE),
                          "--summary", str(tmp_path / "summary.html"))
    assert code == 1, stderr  # error rows: the output is complete, the summary is still written
    page = Page((tmp_path / "summary.html").read_text(encoding="utf-8"))

    reports = [report_of(fixture_rules, person) for person in people]
    readable = [report for report in reports if report is not None]
    errors = len(people) + 1 - len(readable)
    assert 0 < errors < 6 and len(readable) > 40  # the intake has both, as a firm's would

    facts = page.facts
    assert facts["Rows"] == str(len(people) + 1)
    assert facts["Screened"] == str(len(readable))
    assert facts["Error rows (see their error cell)"] == str(errors)
    assert facts["Rows with an admissibility flag"] == str(sum(1 for r in readable if r.flags))
    assert facts["Rules as of"] == "25 November 2026"  # prose; ISO stays in machine outputs
    assert "version 1" in facts["Rules"]

    outcomes = page.table("Outcomes per pathway")
    assert set(outcomes) == set(fixture_rules.pathways)
    for pathway_id, row in outcomes.items():
        counted = Counter(report.pathways[pathway_id].outcome for report in readable)
        assert row[0] == fixture_rules.pathways[pathway_id].title
        assert [int(cell) for cell in row[2:]] == [counted["eligible"], counted["ineligible"], counted["incomplete"]]

    best = {key: int(row[2]) for key, row in page.table("Best pathway per row").items()}
    assert best == dict(Counter(report.best_pathway or "none" for report in readable))

    missing = page.table("Most common missing answers")
    counted_missing = Counter(qid for report in readable for qid in report.missing)
    assert {qid: int(row[2]) for qid, row in missing.items()} == dict(counted_missing)  # < 15 fields: all shown
    assert all(row[0] == fixture_rules.questions[qid].prompt for qid, row in missing.items())  # the question text
    numbers = [int(row[2]) for row in missing.values()]
    assert numbers == sorted(numbers, reverse=True)  # most common first

    flags = page.table("Admissibility flags")
    raised = Counter(flag.id for report in readable for flag in report.flags)
    unsettled = Counter(fid for report in readable for fid in report.flags_undecided)
    assert {key: (int(row[2]), int(row[3])) for key, row in flags.items()} == {
        fid: (raised[fid], unsettled[fid]) for fid in {*raised, *unsettled}}
    assert raised and unsettled, "the intake should raise some flags and leave some open"
    assert facts["Rows whose admissibility is not settled (an unanswered question could raise a flag)"] == str(
        sum(1 for r in readable if r.flags_undecided))
    for caption, ids in (("Leads (routes worth exploring, no legal test)", lambda r: [lead.id for lead in r.leads]),
                         ("Answer warnings (answers to check)", lambda r: [w.id for w in r.warnings])):
        shown = {key: int(row[2]) for key, row in page.table(caption).items()}
        assert shown == dict(Counter(i for report in readable for i in ids(report))), caption
        assert shown, f"the intake should trigger some {caption}"

    # The score: each bar of the chart and each row of its table hold the rows whose score is in range.
    scores = [report.scores["crs_score"].value for report in readable]

    def in_band(label: str, value: float | None) -> bool:
        if label == "unknown":
            return value is None
        if value is None:
            return False
        low, _, high = label.replace("+", "–").partition("–")
        return int(low) <= value and (not high or value <= int(high))

    assert page.bars and set(page.bars) == {row[0] for row in page.tables[next(
        caption for caption in page.tables if caption.endswith("per range"))][1:]}
    for label, rows in page.bars.items():
        assert rows == sum(1 for value in scores if in_band(label, value)), label
    assert sum(page.bars.values()) == len(readable)
    assert page.bars["unknown"] > 0 and page.bars["0–299"] > 0

    assert "A test rulebook." in page.text  # the disclaimer
    assert "Zoë" not in "".join(page.text) and "example.fr" not in "".join(page.text)  # counts, never answers


def test_the_page_is_self_contained_and_escapes_every_text(tmp_path: Path) -> None:
    """Nothing to load (no script, no link, no image, a CSP that forbids it), and markup in rule texts or the
    input's name stays text."""
    rules = tmp_path / "rules"
    shutil.copytree(FIXTURE, rules)
    rulebook_file = rules / "rulebook.yaml"
    text = rulebook_file.read_text(encoding="utf-8")
    text = text.replace("title: Skilled\n", "title: \"Skilled <script>alert(1)</script> & <b>co</b>\"\n")
    text = text.replace("disclaimer: A test rulebook.", "disclaimer: \"A test rulebook <img src=x onerror=y>.\"")
    rulebook_file.write_text(text, encoding="utf-8")
    source = tmp_path / "<i>intake<i> & co.csv"
    source.write_bytes(csv_bytes(intake(count=5)))
    code, _, stderr = run(str(source), "-o", str(tmp_path / "out.csv"), "--rules", str(rules),
                          "--summary", str(tmp_path / "summary.html"))
    assert code in (0, 1), stderr
    html_text = (tmp_path / "summary.html").read_text(encoding="utf-8")
    page = Page(html_text)
    tags = {tag for tag, _ in page.tags}
    assert not tags & {"script", "img", "link", "iframe", "object", "embed", "b", "i"}
    assert not [attrs for _, attrs in page.tags if {"src", "href", "onerror"} & set(attrs)]
    csp = [attrs["content"] for tag, attrs in page.tags if tag == "meta" and attrs.get("http-equiv")]
    assert csp == ["default-src 'none'; style-src 'unsafe-inline'"]
    assert "Skilled <script>alert(1)</script> & <b>co</b>" in page.text
    assert "A test rulebook <img src=x onerror=y>." in page.text
    assert "<i>intake<i> & co.csv" in page.text
    assert "http://" not in html_text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html_text


def test_the_real_rulebook_summary_names_questions_and_keeps_staleness_visible(tmp_path: Path) -> None:
    rules = load_rulebook(ROOT / "rules")
    stale = rules.stale(AS_OF)
    assert stale, "the default rulebook has review dates past 2026-11-25 (issue 12: they stay visible)"
    fields = ["age", "us_citizen", "marital_status", "education", "english_clb_reading"]
    source = tmp_path / "intake.csv"
    source.write_text("Name," + ",".join(fields) + "\nZoë,29,no,single,masters,9\nJo,41,yes,,bachelors,\n",
                      encoding="utf-8")
    for name in ("summary.html", "summary.md"):
        code, _, stderr = run(str(source), "-o", str(tmp_path / "out.csv"), "--summary", str(tmp_path / name))
        assert code == 0, stderr
    page = Page((tmp_path / "summary.html").read_text(encoding="utf-8"))
    review = [tag for tag in page.tags if tag[1].get("id") == "review-due"]
    assert review and all(line in page.text for line in stale)
    assert any(line.startswith(f"{len(rules.questions) - len(fields)} fields not in the input") for line in page.text)
    reports = [rules.evaluate(dict(zip(fields, row, strict=True)), as_of=AS_OF)
               for row in (["29", "no", "single", "masters", "9"], ["41", "yes", "", "bachelors", ""])]
    top = Counter(qid for report in reports for qid in report.missing).most_common(1)[0]
    missing = page.table("Most common missing answers")
    assert missing[top[0]][0] == rules.questions[top[0]].prompt and int(missing[top[0]][2]) == top[1]
    assert rules.info.disclaimer in page.text
    markdown = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Batch screening summary")
    assert "## Rules due for review" in markdown and "<" not in markdown.replace("\\<", "")
    row = next(line for line in markdown.splitlines() if f"| {top[0].replace('_', chr(92) + '_')} |" in line)
    assert row.rstrip(" |").endswith(str(top[1]))


def test_summary_goes_to_stdout_or_a_device_and_never_onto_the_results(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("age,citizen\n30,no\n", encoding="utf-8")
    code, stdout, stderr = run(str(source), "-o", str(tmp_path / "out.csv"), "--rules", str(FIXTURE),
                               "--summary", "-")
    assert code == 0, stderr
    assert stdout.startswith("<!DOCTYPE html>") and stdout.rstrip().endswith("</html>")
    code, _, stderr = run(str(source), "-o", str(tmp_path / "out.csv"), "--rules", str(FIXTURE),
                          "--summary", "/dev/null")
    assert code == 0, stderr
    code, _, stderr = run(str(source), "-o", "-", "--rules", str(FIXTURE), "--summary", "-")
    assert code == 2 and "--summary -" in stderr and "Traceback" not in stderr
    (tmp_path / "out.csv").write_text("keep me", encoding="utf-8")
    code, _, stderr = run(str(source), "-o", str(tmp_path / "out.csv"), "--rules", str(FIXTURE),
                          "--summary", str(tmp_path / "out.csv"))
    assert code == 2 and "its own name" in stderr
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == "keep me"  # nothing written


def test_a_real_browser_renders_the_page_with_its_chart(tmp_path: Path, fixture_rules: Rulebook,
                                                        browser: Any) -> None:
    """Headless Chromium (the shared `browser` fixture; skipped, saying why, without one) draws every bar,
    tall for the largest band, and reports no console error (a CSP violation, a missing resource)."""
    from selenium.webdriver.common.by import By

    source = tmp_path / "intake.csv"
    people = intake(count=20)
    source.write_bytes(csv_bytes(people))
    code, _, stderr = run(str(source), "-o", str(tmp_path / "out.csv"), "--rules", str(FIXTURE),
                          "--summary", str(tmp_path / "summary.html"))
    assert code in (0, 1), stderr
    browser.get((tmp_path / "summary.html").as_uri())
    bars = {bar.get_attribute("data-range"): (int(bar.get_attribute("data-rows")),
                                              bar.find_element(By.TAG_NAME, "rect").size["height"])
            for bar in browser.find_elements(By.CSS_SELECTOR, "svg g.bar")}
    screened = sum(1 for p in people if report_of(fixture_rules, p) is not None)
    assert sum(rows for rows, _ in bars.values()) == screened
    largest = max(rows for rows, _ in bars.values())
    for rows, height in bars.values():
        assert (height > 100) if rows == largest else (height == 0) if rows == 0 else (0 < height < 200)
    tables = browser.find_elements(By.TAG_NAME, "table")
    assert tables and all(table.is_displayed() for table in tables)
    assert [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"] == []


# ---------------------------------------------------------------------------------------------- JSONL


def jsonl(tmp_path: Path, content: bytes, *extra: str,
          rules: Path = FIXTURE) -> tuple[int, list[dict[str, object]], str]:
    source, target = tmp_path / "in.csv", tmp_path / "out.jsonl"
    source.write_bytes(content)
    code, _, _ = run(str(source), "-o", str(target), "--format", "jsonl", "--rules", str(rules), *extra)
    text = target.read_text(encoding="utf-8")
    return code, [json.loads(line) for line in text.splitlines()], text


def test_compact_jsonl_has_a_header_then_one_joinable_record_per_row(tmp_path: Path,
                                                                    fixture_rules: Rulebook) -> None:
    people = intake(count=25)
    code, lines, text = jsonl(tmp_path, csv_bytes(people) + b"only,two" + b"," * (len(FIELDS) + 1) + b"\n")
    assert code == 1  # error rows
    header, rows = lines[0], lines[1:]
    assert header["type"] == "header"
    assert header["rulebook"] == {"id": "batch_fixture", "title": "Batch fixture", "version": "1",
                                  "as_of": "2026-11-25"}
    assert header["disclaimer"] == "A test rulebook." and text.count("A test rulebook.") == 1  # once
    assert header["fields"] == list(fixture_rules.questions)
    assert header["input"] == ["Name", "Email", *FIELDS] and header["id"] == ["Name", "Email"]
    assert header["pathways"]["skilled"] == {"title": "Skilled", "requirements": ["lang", "funds", "points"]}
    assert [row["type"] for row in rows] == ["row"] * (len(people) + 1)
    assert [row["row"] for row in rows] == list(range(1, len(people) + 2))
    for person, row in zip(people, rows, strict=False):
        assert row["id"] == {"Name": person["Name"], "Email": person["Email"]}  # joins back to the intake
        assert row["input"] == {key: value for key, value in person.items() if value}
        report = report_of(fixture_rules, person)
        if report is None:
            assert isinstance(row["error"], str) and row["error"] and "pathways" not in row
            continue
        assert row["error"] is None
        # the contract's keys, with the contract's meaning
        assert row["rulebook"] == {"version": "1", "as_of": "2026-11-25"}
        pathways = row["pathways"]
        assert isinstance(pathways, dict)
        for pathway_id, result in report.pathways.items():
            assert pathways[pathway_id]["outcome"] == result.outcome
            assert pathways[pathway_id]["requirements"] == [  # every key intake-fields.md names
                {"id": r.id, "status": r.status, "text": r.text, "actual": r.to_json()["actual"],
                 "needed": r.to_json()["needed"], "reference": r.reference} for r in result.requirements]
            assert pathways[pathway_id]["next_steps"] == [s.text + (f" ({s.url})" if s.url else "")
                                                          for s in result.next_steps]
        assert row["scores"] == {key: (None if value is None else int(value) if float(value).is_integer() else value)
                                 for key, value in report.score_values().items()}
        assert row["flags"] == [flag.id for flag in report.flags]
        assert row["leads"] == [lead.id for lead in report.leads]
        assert row["warnings"] == [warning.id for warning in report.warnings]
        assert row["best_pathway"] == report.best_pathway and row["missing"] == report.missing
    assert rows[-1] == {"type": "row", "row": len(people) + 1, "id": {"Name": "only", "Email": "two"},
                        "input": {"Name": "only", "Email": "two", FIELDS[-1]: ","},  # extra cells kept in the last
                        "error": f"row {len(people) + 1}, line {len(people) + 2} of the file: {len(FIELDS) + 3} "
                                 f"cells, expected {len(FIELDS) + 2} (the header's)"}


def test_full_jsonl_is_the_contract_report_per_line_with_the_row_id_and_input(
        tmp_path: Path, fixture_rules: Rulebook) -> None:
    people = intake(count=8)
    code, lines, _ = jsonl(tmp_path, csv_bytes(people), "--full", "--id", "Email")
    assert code in (0, 1)
    assert len(lines) == len(people)  # no header: every line is one row's report
    for number, (person, line) in enumerate(zip(people, lines, strict=True), start=1):
        report = report_of(fixture_rules, person)
        assert line["row"] == number and line["id"] == {"Email": person["Email"]}
        assert line["input"] == {key: value for key, value in person.items() if value}
        if report is None:
            assert set(line) == {"row", "id", "input", "error"}
        else:
            assert {k: v for k, v in line.items() if k not in ("row", "id", "input")} == report.to_json()


def test_full_without_jsonl_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_text("age\n30\n", encoding="utf-8")
    code, _, stderr = run(str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"), "--full")
    assert code == 2 and "--full goes with --format jsonl" in stderr


def test_compact_jsonl_is_a_fraction_of_the_full_report_on_the_real_rulebook(tmp_path: Path) -> None:
    """Issue 13: the full report was ~38 KB a row. The compact record keeps the outcomes, the contract's keys
    of each requirement, ids and cells, and leaves out what `--full` adds (titles, reasons, scores' lines,
    what-if, the disclaimer: those are in the header once)."""
    rules = load_rulebook(ROOT / "rules")
    fields = list(rules.questions)
    row = {"age": "29", "us_citizen": "no", "marital_status": "single", "education": "masters",
           "english_clb_reading": "9", "english_clb_writing": "8", "english_clb_listening": "9",
           "english_clb_speaking": "8", "foreign_work_years": "3", "criminal_record": "no"}
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([["Name", *fields],
                                                       *[[f"P{i}", *(row.get(f, "") for f in fields)]
                                                         for i in range(5)]])
    _, compact, _ = jsonl(tmp_path, buffer.getvalue().encode("utf-8"), rules=ROOT / "rules")
    _, full, _ = jsonl(tmp_path, buffer.getvalue().encode("utf-8"), "--full", rules=ROOT / "rules")
    compact_size = len(json.dumps(compact[1], ensure_ascii=False))
    full_size = len(json.dumps(full[0], ensure_ascii=False))
    assert compact_size * 2 < full_size, (compact_size, full_size)
    assert compact[1]["pathways"].keys() == full[0]["pathways"].keys()  # type: ignore[union-attr]


@pytest.mark.parametrize(("as_of", "requirements"), [("2020-06-01", ["lang", "funds"]),
                                                     ("2021-01-01", ["lang", "funds", "points"])])
def test_the_jsonl_header_lists_the_requirements_in_force_on_the_as_of_date(
        tmp_path: Path, as_of: str, requirements: list[str]) -> None:
    source, target = tmp_path / "in.csv", tmp_path / "out.jsonl"
    source.write_bytes(csv_bytes(intake(count=2)))
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--format", "jsonl",
                                      "--rules", str(FIXTURE), "--as-of", as_of])
    header = json.loads(target.read_text(encoding="utf-8").splitlines()[0])
    assert header["pathways"]["skilled"]["requirements"] == requirements, result.output
    assert header["rulebook"]["as_of"] == as_of


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_an_intake_without_history_questions_never_reads_as_no_flags(tmp_path: Path, lang: str) -> None:
    """Review 8 item 13: no criminal-record or health column, and the page said "Admissibility flags: none"
    while every letter said "not settled yet". Unknown is not no: the page counts, per flag, the rows that
    raise it and apart the rows that leave it open, in the reader's language."""
    rules = load_rulebook(ROOT / "rules")
    people = [["29", "no", "single", "masters"], ["41", "yes", "married", "bachelors"]]
    source, page_path = tmp_path / "intake.csv", tmp_path / "summary.md"
    source.write_text("age,us_citizen,marital_status,education\n" + "\n".join(",".join(p) for p in people) + "\n",
                      encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(tmp_path / "out.csv"), "--summary",
                                      str(page_path), "--as-of", AS_OF.isoformat()], env={"SCREENER_LANG": lang})
    assert result.exit_code == 0, result.stderr
    reports = [rules.evaluate(dict(zip(["age", "us_citizen", "marital_status", "education"], p, strict=True)),
                              as_of=AS_OF) for p in people]
    assert not any(report.flags for report in reports)
    unsettled = Counter(fid for report in reports for fid in report.flags_undecided)
    assert "criminality" in unsettled  # the intake never asks about a record
    text = page_path.read_text(encoding="utf-8")
    heading = "## Admissibility flags" if lang == "en" else "## Signalements d'interdiction de territoire"
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    assert "None." not in section and "Aucun" not in section
    row = next(line for line in section.splitlines() if "| criminality |" in line)
    assert [cell.strip() for cell in row.strip("| ").split("|")][-2:] == ["0", str(unsettled["criminality"])]
    fact = ("Rows whose admissibility is not settled" if lang == "en"
            else "Lignes dont l'admissibilité n'est pas réglée")
    assert any(line.startswith(f"- **{fact}") and line.endswith(f": {len(reports)}") for line in text.splitlines())
