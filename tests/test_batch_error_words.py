"""review9 #16: a batch error cell speaks the intake's words, in the run's language.

A paralegal's cells hold labels ("Work in Canada"), so the cell names the field by its label (and its id,
which the form's column or a map names) and lists the choices as labels, never the value typed. Every
label the cell offers, typed into a cell, is read: the test screens them again rather than trusting the
message. The labels are the rulebook's (read here in English and French), never the batch code's.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screener import i18n
from screener.answers import AnswerError
from screener.cli import app
from screener.labels import label_key
from screener.rulebook import Rulebook, load_rulebook

ROOT = Path(__file__).parent.parent
AS_OF = dt.date(2026, 11, 25)
PERSON = {"Name": "Priya Raman", "goal": "Work in Canada", "age": "31", "marital_status": "Single",
          "education": "masters"}
QUOTED = {"en": re.compile(r'"([^"]+)"'), "fr": re.compile(r"«\s([^»]+?)\s»")}  # French spaces are no-break
OR_IDS = {"en": "(or their ids)", "fr": "(ou leurs identifiants)"}


@pytest.fixture(scope="module")
def rulebooks() -> dict[str, Rulebook]:
    english = load_rulebook(ROOT / "rules")
    return {"en": english, "fr": english.in_language("fr")}


def screen(tmp_path: Path, rows: list[dict[str, str]], *extra: str) -> tuple[int, list[dict[str, str]], str]:
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    with source.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(dict.fromkeys(k for row in rows for k in row)))
        writer.writeheader()
        writer.writerows(rows)
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF.isoformat(),
                                      *extra])
    with target.open(newline="", encoding="utf-8") as stream:
        return result.exit_code, list(csv.DictReader(stream)), result.stderr


def reasons(cell: str) -> dict[str, str]:
    """The cell's reasons by the field id in their parenthesis."""
    found = {}
    for part in cell.split("; "):
        match = re.match(r"^(.+?) \(([a-z_0-9]+)\)\s?: (.*)$", part)
        assert match is not None, part
        found[match.group(2)] = (match.group(1), match.group(3))
    return found


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_choice_error_names_the_field_by_its_label_and_lists_the_labels(
        tmp_path: Path, rulebooks: dict[str, Rulebook], lang: str) -> None:
    rulebook = rulebooks[lang]
    person = {**PERSON, "goal": "retire early", "marital_status": "Maried"}
    code, out, stderr = screen(tmp_path, [person], "--lang", lang, "--summary", str(tmp_path / "s.md"))
    assert code == 1, stderr
    cell = out[0]["error"]
    found = reasons(cell)
    assert set(found) == {"goal", "marital_status"}
    assert "retire" not in cell and "Maried" not in cell  # never the person's value
    for qid, (label, reason) in found.items():
        question = rulebook.questions[qid]
        assert label == question.label  # the question's label in the run's language
        assert OR_IDS[lang] in reason
        offered = QUOTED[lang].findall(reason.split(OR_IDS[lang])[0])
        assert len(offered) == len(question.choice_values)
        assert [value for value in question.choice_values if "_" in value and value in reason] == []  # no ids
        for word, choice in zip(offered, question.choices or [], strict=True):  # a label of the run's language
            assert label_key(choice.label or "").startswith(label_key(word)), (word, choice.label)
        assert len(reason) < 400  # short enough for a cell
    married = rulebook.questions["marital_status"].choice_values.index("married")
    hint = QUOTED[lang].findall(found["marital_status"][1].split(OR_IDS[lang])[1])
    assert hint == [QUOTED[lang].findall(found["marital_status"][1])[married]]  # did you mean: its label
    assert cell in (tmp_path / "s.md").read_text(encoding="utf-8").replace("\\_", "_")  # the summary's reason


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_label_the_cell_offers_is_read(tmp_path: Path, rulebooks: dict[str, Rulebook], lang: str) -> None:
    rulebook = rulebooks[lang]
    questions = ["goal", "marital_status", "education", "canadian_parent", "job_offer_lmia", "ict_role"]
    bad = {**PERSON, **dict.fromkeys(questions, "zzz")}
    code, out, stderr = screen(tmp_path, [bad], "--lang", lang)
    assert code == 1, stderr
    found = reasons(out[0]["error"])
    assert set(found) == set(questions)
    rows, meant = [], []
    for qid in questions:
        offered = QUOTED[lang].findall(found[qid][1].split(OR_IDS[lang])[0])
        for word, choice in zip(offered, rulebook.questions[qid].choices or [], strict=True):
            rows.append({**PERSON, qid: word})
            meant.append({**PERSON, qid: choice.value})
    code, out, stderr = screen(tmp_path, rows, "--lang", lang)
    assert code == 0, [row["error"] for row in out if row["error"]]
    for row, person in zip(out, meant, strict=True):  # each label read as the choice it is the label of
        answers = {k: v for k, v in person.items() if k in rulebook.questions}
        want = rulebook.evaluate(answers, as_of=AS_OF)
        assert {p: row[p] for p in rulebook.pathways} == want.outcomes(), person
        assert row["missing"] == ";".join(want.missing), person


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_row_engine_and_the_columns_say_the_same(tmp_path: Path, rulebooks: dict[str, Rulebook], lang: str) -> None:
    person = {**PERSON, "goal": "retire", "age": "thirty", "education": "phd-ish"}
    code, out, stderr = screen(tmp_path, [person], "--lang", lang)
    assert code == 1, stderr
    with i18n.command_language(lang), pytest.raises(AnswerError) as caught:
        rulebooks[lang].evaluate({k: v for k, v in person.items() if k != "Name"}, as_of=AS_OF)
    assert set(out[0]["error"].split("; ")) == set(caught.value.cells)
    code, _, stderr = screen(tmp_path, [person], "--lang", lang, "--format", "jsonl")
    record = [json.loads(line) for line in (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()][1]
    assert record["error"] == out[0]["error"]


def test_answer_files_and_programs_keep_the_ids(tmp_path: Path) -> None:
    """An answer file is written with ids (as `--save` writes it): its error lists the ids."""
    answers = tmp_path / "me.yaml"
    answers.write_text("goal: retire\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--answers", str(answers), "--no-input"])
    assert result.exit_code != 0
    assert "goal: expected one of live_permanently, work" in result.output.replace("\n", " ")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_rules_diff_still_names_the_field_ids_of_an_unreadable_row(tmp_path: Path, rulebooks: dict[str, Rulebook],
                                                                  lang: str) -> None:
    """`rules diff` reads the intake as batch does and lists the unreadable fields by id, even when a label
    has its own parenthesis ("Partner's reading (CLB)")."""
    label = rulebooks[lang].questions["partner_clb_reading"].label or ""
    assert "(" in label  # the case this test is about
    source = tmp_path / "in.csv"
    source.write_text("Name,age,partner_clb_reading,goal\nA,31,lots,work\nB,30,7,Work in Canada\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["rules", "diff", str(ROOT / "rules"), str(ROOT / "rules"), str(source),
                                      "--json", "--as-of", AS_OF.isoformat(), "--lang", lang])
    assert result.exit_code == 0, result.output
    unreadable = json.loads(result.stdout)["unreadable"]
    assert unreadable == [{"row": 1, "rulebook": "both", "fields": ["partner_clb_reading"]}]
