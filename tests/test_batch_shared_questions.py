"""A Google Form built from the interview titles the English and the French scores with the same questions
("What was your listening score on that test?"). Batch and rules diff read such a column as the field its
neighbours decide (the test column to its left), else warn and read it as nothing (review 8 item 4)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screener.cli import app
from screener.rulebook import Rulebook, load_rulebook

ROOT = Path(__file__).parent.parent
AS_OF = "2026-11-25"
COMMON = {"canadian_citizen": "no", "us_citizen": "no", "occupation_teer": "1", "continuous_year": "yes",
          "job_offer": "no", "intended_province": "ON", "dependent_children": "0", "canadian_work_years": "0",
          "canadian_education": "none", "sibling_in_canada": "no", "relative_in_canada": "no",
          "provincial_nomination": "no", "criminal_record": "no", "misrepresentation": "no",
          "serious_health_condition": "no", "fear_of_return": "no"}
PEOPLE = [
    {"Name": "Zoë Lefèvre", "goal": "live_permanently", "age": "31", "marital_status": "single", "education": "masters",
     "education_assessed": "yes", "foreign_work_years": "6", "settlement_funds_cad": "25000",
     "english_test": "ielts_general", "english_score_listening": "7.5", "english_score_reading": "7",
     "english_score_writing": "6.5", "english_score_speaking": "7",
     "french_test": "tef_canada", "french_score_listening": "450", "french_score_reading": "420",
     "french_score_writing": "400", "french_score_speaking": "410"},
    {"Name": "Ravi Menon", "goal": "live_permanently", "age": "28", "marital_status": "single",
     "education": "bachelors", "education_assessed": "yes", "foreign_work_years": "3",
     "settlement_funds_cad": "20000", "english_test": "celpip_general", "english_score_listening": "10",
     "english_score_reading": "9", "english_score_writing": "9", "english_score_speaking": "10",
     "french_test": "none"},
]
PEOPLE = [{**COMMON, **person} for person in PEOPLE]
SCORES = [f"{language}_score_{skill}" for language in ("english", "french")
          for skill in ("listening", "reading", "writing", "speaking")]


@pytest.fixture(scope="module")
def rulebook() -> Rulebook:
    return load_rulebook(ROOT / "rules")


def answer(rulebook: Rulebook, qid: str, value: str) -> str:
    question = rulebook.questions[qid]
    return question.choice_label(value) if value and question.type == "choice" else value


def form(rulebook: Rulebook, order: list[str] | None = None, extra: dict[int, str] | None = None) -> list[list[str]]:
    """The Google Form: the interview's own question texts as headers (the rulebook's order unless `order`),
    its labels as answers; `extra` inserts a column with no field (a note) before the given position."""
    fields = order or list(rulebook.questions)
    titles = [" ".join(rulebook.questions[qid].prompt.split()) for qid in fields]
    rows = [["Timestamp", "Full name", *titles]]
    rows += [["2026/12/01 9:14", person["Name"], *[answer(rulebook, qid, person.get(qid, "")) for qid in fields]]
             for person in PEOPLE]
    for position, title in sorted((extra or {}).items(), reverse=True):
        for number, row in enumerate(rows):
            row.insert(position + 2, title if number == 0 else "")
    return rows


def by_ids(rulebook: Rulebook) -> list[list[str]]:
    fields = list(rulebook.questions)
    return [["Full name", *fields]] + [[person["Name"], *[person.get(q, "") for q in fields]] for person in PEOPLE]


def batch(tmp_path: Path, name: str, rows: list[list[str]]) -> tuple[list[dict[str, str]], str]:
    source, target = tmp_path / name, tmp_path / f"{name}.out.csv"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    source.write_bytes(buffer.getvalue().encode("cp1252"))  # as Excel saves a downloaded form
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF])
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8")))), result.stderr


def results(rulebook: Rulebook, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    keep = [*rulebook.pathways, "crs_score", "fsw_points", "flags", "best_pathway", "leads", "missing", "error"]
    return [{key: row[key] for key in keep} for row in rows]


def unread(stderr: str) -> list[str]:
    """The columns a run says it cannot read (their header, as quoted in the warning)."""
    return [line.split("'")[1] for line in stderr.splitlines() if "is the question of" in line]


def test_the_score_columns_after_each_test_column_are_read_as_that_tests_scores(
        tmp_path: Path, rulebook: Rulebook) -> None:
    layout = list(rulebook.questions)
    english, french = layout.index("english_test"), layout.index("french_test")
    assert layout[english + 1:english + 5] == SCORES[:4] and layout[french + 1:french + 5] == SCORES[4:]
    got, stderr = batch(tmp_path, "form.csv", form(rulebook))
    assert unread(stderr) == []
    assert not any(score in line for line in stderr.splitlines() if "not in the input" in line for score in SCORES)
    plain, _ = batch(tmp_path, "ids.csv", by_ids(rulebook))
    assert results(rulebook, got) == results(rulebook, plain)  # read exactly as if headed by the field ids
    assert [row["express_entry_fsw"] for row in got] == ["eligible", "eligible"]  # the test scores count
    assert all(row["fsw_points"] for row in got)


def test_the_four_scores_in_another_order_still_follow_their_test(tmp_path: Path, rulebook: Rulebook) -> None:
    layout = [q for q in rulebook.questions if q not in SCORES]
    at = layout.index("english_test") + 1
    layout[at:at] = ["english_score_speaking", "english_score_writing", "english_score_listening",
                     "english_score_reading"]
    at = layout.index("french_test") + 1
    layout[at:at] = SCORES[4:]
    got, stderr = batch(tmp_path, "form.csv", form(rulebook, layout))
    assert unread(stderr) == []
    plain, _ = batch(tmp_path, "ids.csv", by_ids(rulebook))
    assert results(rulebook, got) == results(rulebook, plain)


@pytest.mark.parametrize("case", ["scores first", "a note between", "scores twice"])
def test_neighbours_that_do_not_decide_leave_the_warning(tmp_path: Path, rulebook: Rulebook, case: str) -> None:
    """No field column to the left (scores first), a column that is no field in between, or two sets of
    scores after one test column: nothing is guessed, every such column is named and read as nothing."""
    listening = "What was your listening score on that test?"
    layout = list(rulebook.questions)
    extra: dict[int, str] = {}
    if case == "scores first":
        layout = SCORES[:4] + [q for q in layout if q not in SCORES[:4]]
        expected = 4
    elif case == "a note between":
        extra = {layout.index("english_test") + 1: "Notes on the test"}
        expected = 4
    else:
        layout = [q for q in layout if q not in ("french_test", *SCORES[4:])]
        at = layout.index("english_test") + 1
        layout[at:at] = SCORES[4:]  # French scores right after the English ones, no French test column
        expected = 8
    got, stderr = batch(tmp_path, "form.csv", form(rulebook, layout, extra))
    names = unread(stderr)
    assert len(names) == expected and listening in names
    assert "english_score_listening" in got[0]["missing"]  # not read: the warning is true


def test_rules_diff_reads_the_form_as_batch_does(tmp_path: Path, rulebook: Rulebook) -> None:
    source = tmp_path / "form.csv"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(form(rulebook))
    source.write_text(buffer.getvalue(), encoding="utf-8")
    rules = str(ROOT / "rules")
    result = CliRunner().invoke(app, ["rules", "diff", rules, rules, str(source), "--as-of", AS_OF, "--json"])
    assert result.exit_code == 0, result.output
    warnings = json.loads(result.stdout)["warnings"]
    assert not any("is the question of" in line for line in warnings)
    assert not any(score in line for line in warnings for score in SCORES)
