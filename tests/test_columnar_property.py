"""One semantics: `screener batch` (columnar, polars) agrees with `rulebook.evaluate` row by row.

Random profiles over every question of a rulebook — blanks, messy spellings, out-of-range and
misspelled cells included — are written to a CSV, screened by the real command, and each output row
is compared with what the one-person engine says for that row: outcomes, scores, flags, best pathway
and its title, leads, answer warnings, the answers that would decide the incomplete pathways (`missing`,
in order), and for unreadable rows the exact per-field reasons.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from screener.answers import AnswerError
from screener.cli import app
from screener.csvio import BLANK_ROW
from screener.model import Question
from screener.rulebook import Rulebook, load_rulebook

ROOT = Path(__file__).parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "batch" / "rules"
RULEBOOKS = {"fixture": FIXTURE, "rules": ROOT / "rules"}
_loaded: dict[str, Rulebook] = {}


def rulebook_named(name: str) -> Rulebook:
    """Loaded once per run; a rulebook that does not load fails the test loudly (never skipped)."""
    if name not in _loaded:
        _loaded[name] = load_rulebook(RULEBOOKS[name])
    return _loaded[name]


def messy(text: str) -> st.SearchStrategy[str]:
    """The same answer as people type it: other case, spaces around, space or hyphen for '_'."""
    return st.sampled_from([text, text.upper(), text.title(), f"  {text} ", text.replace("_", " "),
                            text.replace("_", "-")])


def cell(question: Question, with_bad: bool) -> st.SearchStrategy[str]:
    blank = st.sampled_from(["", "  "])
    if question.type == "yes_no":
        good = st.sampled_from(["yes", "no", "y", "n", "true", "false", "1", "0"]).flatmap(messy)
        bad = st.sampled_from(["maybe", "yess", "2", "oui"])
    elif question.type in ("int", "money"):
        low = int(question.min if question.min is not None else 0)
        high = int(question.max if question.max is not None else 200_000)
        numbers = st.integers(low, high)
        good = numbers.map(str) | numbers.map(lambda n: f" {n} ") | numbers.map(lambda n: f"{n}.0")  # 30.0 is 30
        if question.type == "money":
            good = good | numbers.map(lambda n: f"${n:,}") | numbers.map(lambda n: f"{n:,}.50")
        bad = st.sampled_from(["abc", "7.5", "1,23", "-"]) | st.integers(high + 1, high + 50).map(str)
        # not numbers on any path: NaN, infinities, exponents, and more digits than a float holds exactly
        bad = bad | st.sampled_from(["NaN", "nan", "inf", "-Infinity", "1e3", "3.0e1", "9" * 16, "9" * 5000,
                                     "999,999,999,999,999,999", "1000000000000000.0"])
        if question.type == "int":
            bad = bad | st.sampled_from(["+3", "٣", "²", "30.5"])  # legal for Python's int()/isdigit(): must agree
    elif question.type == "number":
        low = question.min if question.min is not None else 0.0
        high = question.max if question.max is not None else 1000.0
        halves = st.integers(int(low * 2), int(high * 2)).map(lambda n: n / 2)  # IELTS-like bands
        good = (halves.map(lambda x: f"{x:g}") | halves.map(lambda x: f" {x:.1f} ")
                | st.floats(low, high, allow_nan=False).map(lambda x: f"{x:.3f}"))
        bad = st.sampled_from(["nan", "inf", "-inf", "6,5", "1e3", "abc", ".5", "6.", "+", "²", "9" * 16,
                               "9" * 5000, "999999999999999.9999"]) | st.floats(
            high + 0.5, high + 50, allow_nan=False).map(lambda x: f"{x:.1f}")
    elif question.type == "choice":
        labels = [choice.label for choice in question.choices or [] if choice.label]
        heads = [label.split("(")[0] for label in labels]  # "Single (never married…)" as a form shortens it
        good = st.sampled_from([*question.choice_values, *labels, *heads]).flatmap(messy)
        bad = st.sampled_from(["phd", "other thing", "masterz", "yes please"])
    else:
        good = st.dates(dt.date(1950, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat)
        bad = st.sampled_from(["2024-02-30", "yesterday", "2024/01/01", "0000-01-01", "2024-1-5", "2020-13-45",
                               "20200101"])
    return st.one_of(blank, good, good, good, bad) if with_bad else st.one_of(blank, good, good, good)


def profile(rulebook: Rulebook, bad_rows: bool) -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries({qid: cell(q, bad_rows) for qid, q in rulebook.questions.items()})


def screen(rulebook: Rulebook, rows: list[dict[str, str]], tmp: Path, as_of: dt.date) -> list[dict[str, str]]:
    source, target = tmp / "intake.csv", tmp / "screened.csv"
    with source.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rulebook.questions))
        writer.writeheader()
        writer.writerows(rows)
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--rules", str(rulebook.path),
                                      "--as-of", as_of.isoformat()])
    with target.open(newline="", encoding="utf-8") as stream:
        out = list(csv.DictReader(stream))
    assert result.exit_code == (1 if any(row["error"] not in ("", BLANK_ROW) for row in out) else 0), result.output
    return out


def blank(row: dict[str, str]) -> bool:
    """A row with every cell empty: nobody (kept as a marked row between people, dropped after the last)."""
    return not any(row.values())


def expected_row(rulebook: Rulebook, row: dict[str, str], as_of: dt.date) -> dict[str, Any]:
    try:
        report = rulebook.evaluate(row, as_of=as_of)
    except AnswerError as error:
        return {"error": set(error.cells)}
    return {
        "outcomes": report.outcomes(),
        "scores": report.score_values(),
        "flags": [flag.id for flag in report.flags],
        "best": report.best_pathway or "",
        "best_title": report.pathways[report.best_pathway].title if report.best_pathway else "",
        "leads": [lead.id for lead in report.leads],
        "warnings": [warning.id for warning in report.warnings],
        "missing": report.missing,
    }


def check_rows(rulebook: Rulebook, rows: list[dict[str, str]], out: list[dict[str, str]], as_of: dt.date) -> None:
    while rows and blank(rows[-1]):
        rows = rows[:-1]
    assert len(out) == len(rows)
    for index, (row, got) in enumerate(zip(rows, out, strict=True)):
        for qid, text in row.items():  # input kept as it was, but a spreadsheet must not run it
            assert got[qid] == ("'" + text if text[:1] in ("=", "+", "-", "@") else text), (index, qid)
        if blank(row):
            assert got["error"] == BLANK_ROW and all(got[p] == "" for p in rulebook.pathways), index
            continue
        want = expected_row(rulebook, row, as_of)
        if "error" in want:
            assert set(got["error"].split("; ")) == want["error"], index
            assert all(got[p] == "" for p in rulebook.pathways), index
            continue
        assert got["error"] == "", (index, got["error"])
        assert {p: got[p] for p in rulebook.pathways} == want["outcomes"], index
        for score_id, value in want["scores"].items():
            assert (None if got[score_id] == "" else float(got[score_id])) == (
                None if value is None else float(value)), (index, score_id)
        assert (got["flags"].split(";") if got["flags"] else []) == want["flags"], index
        assert got["best_pathway"] == want["best"], index
        assert got["best_pathway_title"] == want["best_title"], index
        assert (got["leads"].split(";") if got["leads"] else []) == want["leads"], index
        assert (got["warnings"].split(";") if got["warnings"] else []) == want["warnings"], index
        assert (got["missing"].split(";") if got["missing"] else []) == want["missing"], (index, got["missing"])


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                          HealthCheck.too_slow])


@pytest.mark.parametrize("name", ["fixture", "rules"])
@SETTINGS
@given(data=st.data())
def test_batch_equals_evaluate_on_readable_rows(name: str, data: st.DataObject, tmp_path: Path) -> None:
    rulebook = rulebook_named(name)
    rows = data.draw(st.lists(profile(rulebook, bad_rows=False), min_size=1, max_size=25))
    as_of = data.draw(st.sampled_from([dt.date(2026, 11, 25), dt.date(2025, 3, 1), dt.date(2018, 6, 1),
                                         dt.date(2025, 3, 24), dt.date(2025, 3, 25), dt.date(2025, 7, 6),
                                         dt.date(2025, 7, 7), dt.date.today()]))
    check_rows(rulebook, rows, screen(rulebook, rows, tmp_path, as_of), as_of)


@pytest.mark.parametrize("name", ["fixture", "rules"])
@SETTINGS
@given(data=st.data())
def test_batch_equals_evaluate_with_unreadable_cells(name: str, data: st.DataObject, tmp_path: Path) -> None:
    rulebook = rulebook_named(name)
    rows = data.draw(st.lists(profile(rulebook, bad_rows=True), min_size=1, max_size=25))
    as_of = dt.date(2026, 11, 25)
    check_rows(rulebook, rows, screen(rulebook, rows, tmp_path, as_of), as_of)
