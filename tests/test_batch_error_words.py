"""review9 #16: a batch error cell speaks the intake's words, in the run's language.

A paralegal's cells hold labels ("Work in Canada"), so the cell names the field by its label (and its id,
which the form's column or a map names) and lists the choices as labels, never the value typed. Every
label the cell offers, typed into a cell, is read: the test screens them again rather than trusting the
message. The labels are the rulebook's (read here in English and French), never the batch code's.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import pytest
from screen_kit import batch_csv as screen
from typer.testing import CliRunner

from screener import answers, i18n
from screener.answers import AnswerError, normalize_choice
from screener.cli import app
from screener.labels import label_key
from screener.rulebook import Rulebook, load_rulebook

ROOT = Path(__file__).parent.parent
AS_OF = dt.date(2026, 11, 25)
PERSON = {"Name": "Priya Raman", "goal": "Work in Canada", "age": "31", "marital_status": "Single",
          "education": "masters"}
QUOTED = {"en": re.compile(r'"([^"]+)"'), "fr": re.compile(r"«\s([^»]+?)\s»")}  # French spaces are no-break
HINT = {"en": " (did you mean ", "fr": " (vouliez-vous dire "}
PROMISE = ("(or their ids)", "(ou leurs identifiants)")  # review10 #6: promised ids, never listed


@pytest.fixture(scope="module")
def rulebooks() -> dict[str, Rulebook]:
    english = load_rulebook(ROOT / "rules")
    return {"en": english, "fr": english.in_language("fr")}


def offered(reason: str, lang: str) -> list[tuple[str, str | None]]:
    """The choices a reason lists, before its did-you-mean: each label with the id after it, if any."""
    listed = reason.split(HINT[lang])[0]
    pattern = {"en": r'"([^"]+)"(?: \(([^)]+)\))?', "fr": r"«\s([^»]+?)\s»(?: \(([^)]+)\))?"}[lang]
    return [(label, value or None) for label, value in re.findall(pattern, listed)]


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
        assert not any(promise in reason for promise in PROMISE)  # nothing promised that the cell does not show
        listed = offered(reason, lang)
        assert len(listed) == len(question.choice_values)
        for (word, value), choice in zip(listed, question.choices or [], strict=True):
            assert label_key(choice.label or "").startswith(label_key(word)), (word, choice.label)  # its language
            assert value in (None, choice.value)  # the id, right after its own label
            if value is None:  # no id shown: the label is read as the id
                assert normalize_choice(word) == choice.value, word
        assert len(reason) < 450  # short enough for a cell
    married = rulebook.questions["marital_status"].choice_values.index("married")
    hint = QUOTED[lang].findall(found["marital_status"][1].split(HINT[lang])[1])
    assert hint == [offered(found["marital_status"][1], lang)[married][0]]  # did you mean: its label
    assert cell in (tmp_path / "s.md").read_text(encoding="utf-8").replace("\\_", "_")  # the summary's reason


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_label_the_cell_offers_is_read(tmp_path: Path, rulebooks: dict[str, Rulebook], lang: str) -> None:
    rulebook = rulebooks[lang]
    questions = ["goal", "marital_status", "education", "canadian_parent", "job_offer_lmia", "ict_role",
                 "intended_province"]
    bad = {**PERSON, **dict.fromkeys(questions, "zzz")}
    code, out, stderr = screen(tmp_path, [bad], "--lang", lang)
    assert code == 1, stderr
    found = reasons(out[0]["error"])
    assert set(found) == set(questions)
    rows, meant = [], []
    for qid in questions:
        for (word, value), choice in zip(offered(found[qid][1], lang), rulebook.questions[qid].choices or [],
                                         strict=True):
            for typed in [word] if value is None else [word, value]:  # the label, and the id the cell shows
                rows.append({**PERSON, qid: typed})
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
    """review10 #6: the same row gives the same cell, word for word and in the same order, in CSV, JSONL, xlsx,
    the partner's summary and the row engine: the rulebook's question order, whatever the input's column order."""
    person = {"Name": "Ann Secret", "intended_province": "Quebek", "us_citizen": "maybe", "marital_status": "singel",
              "goal": "retire", "age": "thirty", "education": "phd-ish", "settlement_funds_cad": "lots"}
    code, out, stderr = screen(tmp_path, [person], "--lang", lang, "--summary", str(tmp_path / "s.md"))
    assert code == 1, stderr
    cell = out[0]["error"]
    order = list(rulebooks[lang].questions)
    fields = list(reasons(cell))
    assert sorted(fields, key=order.index) == fields and set(fields) == set(person) - {"Name"}
    assert fields != [column for column in person if column != "Name"]  # not the input's order
    for value in person.values():
        assert value not in cell  # never the person's value
    with i18n.command_language(lang), pytest.raises(AnswerError) as caught:
        rulebooks[lang].evaluate({k: v for k, v in person.items() if k != "Name"}, as_of=AS_OF)
    assert cell.split("; ") == caught.value.cells
    assert cell in (tmp_path / "s.md").read_text(encoding="utf-8").replace("\\_", "_")
    code, _, stderr = screen(tmp_path, [person], "--lang", lang, "--format", "jsonl")
    record = [json.loads(line) for line in (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()][1]
    assert record["error"] == cell
    target = tmp_path / "out.xlsx"
    result = CliRunner().invoke(app, ["batch", str(tmp_path / "in.csv"), "-o", str(target), "--as-of",
                                      AS_OF.isoformat(), "--lang", lang])
    assert result.exit_code == 1, result.output
    rows = list(openpyxl.load_workbook(target, read_only=True).worksheets[0].values)
    assert rows[1][rows[0].index("error")] == cell


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


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_list_too_long_for_a_cell_with_its_ids_shows_the_labels_only(
        rulebooks: dict[str, Rulebook], lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    question = rulebooks[lang].questions["intended_province"]
    with i18n.command_language(lang):
        full = answers.NotAChoice(question, "QC").in_words()
        monkeypatch.setattr(answers, "CHOICES_WIDTH", len(full) // 2)
        short = answers.NotAChoice(question, "QC").in_words()
    assert "(AB)" in full and "(QC)" in full
    assert [value for value in question.choice_values if f"({value})" in short] == []  # no id shown...
    assert not any(promise in short for promise in PROMISE)  # ...and none promised
    assert [label for label, _ in offered(short, lang)] == [label for label, _ in offered(full, lang)]
    assert short.endswith(full.split(HINT[lang])[1])  # the same did-you-mean
