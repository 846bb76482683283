"""review9 #8: a form built straight from `screener intake template`'s data dictionary is read whole.

English and French tests ask the same interview question for their scores ("What was your listening
score on that test?"). A form whose column titles are those questions loses the scores unless the test
column stands on their left. The dictionary therefore gives every field a title of its own (a shared
question gives way to the field's label), and the template's map has exactly the dictionary's titles.
Expected verdicts come from the same answers given with field ids, never from the batch code.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from screener.cli import app
from screener.labels import label_key
from screener.rulebook import load_rulebook

ROOT = Path(__file__).parent.parent
AS_OF = dt.date(2026, 11, 25).isoformat()
SCORES = [f"{lang}_score_{ability}" for lang in ("english", "french")
          for ability in ("listening", "reading", "writing", "speaking")]
PERSON = {"age": "31", "goal": "live_permanently", "us_citizen": "yes", "marital_status": "single",
          "dependent_children": "0", "education": "masters", "education_assessed": "yes", "occupation_teer": "1",
          "foreign_work_years": "4", "canadian_work_years": "0", "continuous_year": "yes", "job_offer": "no",
          "settlement_funds_cad": "30000", "criminal_record": "no", "impaired_driving": "none",
          "english_test": "ielts_general", "english_score_listening": "8", "english_score_reading": "7",
          "english_score_writing": "7", "english_score_speaking": "7.5", "french_test": "tef_canada",
          "french_score_listening": "300", "french_score_reading": "250", "french_score_writing": "350",
          "french_score_speaking": "350", "canadian_citizen": "no", "born_in_canada": "no", "canadian_parent": "no",
          "intended_province": "BC", "provincial_nomination": "no", "canadian_education": "none",
          "trade_certificate": "no", "sibling_in_canada": "no"}


def dictionary(folder: Path, lang: str) -> tuple[dict[str, str], dict[str, str]]:
    """The template's dictionary (field id -> question text) and its map's columns (header -> field id)."""
    result = CliRunner().invoke(app, ["intake", "template", str(folder), "--lang", lang])
    assert result.exit_code == 0, result.output
    text = (folder / "intake-dictionary.csv").read_text(encoding="utf-8")
    entries = list(csv.reader(io.StringIO(text)))[1:]
    mapping = yaml.safe_load((folder / "intake-map.yaml").read_text(encoding="utf-8"))
    return {row[0]: row[2] for row in entries}, mapping["columns"]


def screened(tmp_path: Path, name: str, header: list[str], cells: list[str], *extra: str) -> tuple[
        dict[str, str], str]:
    source, target = tmp_path / name, tmp_path / f"{name}.out.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerow(cells)
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF, *extra])
    assert result.exit_code == 0, result.output
    with target.open(encoding="utf-8", newline="") as stream:
        return next(csv.DictReader(stream)), result.stderr


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_dictionary_gives_every_field_a_title_of_its_own(tmp_path: Path, lang: str) -> None:
    questions, columns = dictionary(tmp_path / "t", lang)
    keys = [label_key(text) for text in questions.values()]
    assert len(set(keys)) == len(keys)  # no two fields share a title
    rulebook = load_rulebook(ROOT / "rules").in_language(lang)
    prompts = {qid: label_key(q.prompt) for qid, q in rulebook.questions.items()}
    assert prompts["english_score_listening"] == prompts["french_score_listening"]  # the case this is about
    for qid, text in questions.items():  # the interview's question, unless another field asks it too
        shared = sum(prompt == prompts[qid] for prompt in prompts.values()) > 1
        assert label_key(text) == (label_key(rulebook.questions[qid].label or "") if shared else prompts[qid]), qid
    assert {label_key(header): qid for header, qid in columns.items()} == \
        {label_key(text): qid for qid, text in questions.items()}  # the map has the dictionary's titles


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_form_built_from_the_dictionary_reads_its_scores_in_any_column_order(tmp_path: Path, lang: str) -> None:
    questions, _columns = dictionary(tmp_path / "t", lang)
    fields = list(questions)  # every question of the dictionary, as a form built from it asks
    random.Random(8).shuffle(fields)  # no test column to a score's left: the titles alone must say
    assert any(fields[fields.index(score) - 1] not in ("english_test", "french_test", *SCORES) for score in SCORES)
    answers = [PERSON.get(f, "") for f in fields]
    by_id, _stderr = screened(tmp_path, "ids.csv", ["Name", *fields], ["Zoë", *answers])
    assert by_id["crs_score"] != "" and by_id["error"] == ""  # the scores decide it: unknown without them
    header = ["Timestamp", *(questions[f] for f in fields)]  # a Google Form's responses sheet
    cells = ["2026/12/07 10:00:00", *answers]
    for extra in ([], ["--map", str(tmp_path / "t" / "intake-map.yaml")]):
        got, stderr = screened(tmp_path, "form.csv", header, cells, "--lang", lang, *extra)
        assert "--map" not in stderr, stderr  # every column of the map is in the form
        assert not any(questions[score] in stderr for score in SCORES), stderr  # no score column left unread
        assert not any(score in got["missing"].split(";") for score in SCORES)
        results = [key for key in by_id if key not in ("Name", *questions, "best_pathway_title")]
        assert {key: got[key] for key in results} == {key: by_id[key] for key in results}, extra
