"""`screener intake template` in French (issue 16): the data dictionary and the map a firm builds its form from
are French when the language is, while field ids, choice values and the CSV header stay the contract's.

Expected French comes from the rulebook's translation files (rules/**/*.fr.yaml) and the program's catalog
(screener.po), read here without the code under test; ids come from the English run."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from french_kit import nb
from test_french import _citations, _english_left, english, french, one_line
from typer.testing import CliRunner

from screener.cli import app

ROOT = Path(__file__).parent.parent
PO = ROOT / "screener" / "locale" / "fr" / "LC_MESSAGES" / "screener.po"
AS_OF = dt.date(2026, 11, 25).isoformat()
runner = CliRunner()


def po(message: str) -> str:
    """The French of a program string, as the catalog holds it."""
    with PO.open("rb") as stream:
        found = read_po(stream, locale="fr").get(message)
    assert found is not None and found.string, message
    return str(found.string)


def template(folder: Path, *args: str, env: dict[str, str | None] | None = None) -> dict[str, str]:
    result = runner.invoke(app, ["intake", "template", str(folder), *args], env=env)
    assert result.exit_code == 0, result.output
    return {path.name: path.read_text(encoding="utf-8") for path in folder.iterdir()}


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], dict[str, str]]:
    base = tmp_path_factory.mktemp("intake")
    return template(base / "en", "--lang", "en"), template(base / "fr", "--lang", "fr")


def test_the_dictionary_is_french_with_the_same_ids_values_and_types(
        both: tuple[dict[str, str], dict[str, str]]) -> None:
    en, fr = both
    assert fr["intake-header.csv"] == en["intake-header.csv"]  # the batch columns: ids in every language
    en_rows, fr_rows = rows(en["intake-dictionary.csv"]), rows(fr["intake-dictionary.csv"])
    assert fr_rows[0] == ["id", po("topic"), po("question"), po("type"), po("allowed values"), po("used by")]
    assert fr_rows[0] == ["id", "thème", "question", "type", "valeurs permises", "utilisé par"]
    assert [row[0] for row in fr_rows] [1:] == [row[0] for row in en_rows][1:]  # field ids, same order
    assert [row[3] for row in fr_rows][1:] == [row[3] for row in en_rows][1:]  # types are contract words
    questions = french("questions")
    topics = french("topics")
    by_id = {row[0]: row for row in fr_rows[1:]}
    asked = [one_line(question["prompt"]) for question in questions.values()]
    for qid, row in by_id.items():  # the question, or the label where another field asks it too (review9 #8)
        prompt = one_line(questions[qid]["prompt"])
        assert row[2] == (prompt if asked.count(prompt) == 1 else one_line(questions[qid]["label"])), qid
        assert row[1] in topics.values(), qid
    marital = french("questions")["marital_status"]["choices"]
    assert by_id["marital_status"][4] == "; ".join(f"{value} = {label}" for value, label in marital.items())
    assert "QC = Québec" in by_id["intended_province"][4]
    assert "BC = Colombie-Britannique" in by_id["intended_province"][4]
    assert by_id["age"][4] == "un nombre entier de 0 à 120"
    assert by_id["us_citizen"][4].startswith("oui / non")
    assert "6,5" in by_id["english_score_reading"][4]
    funds = by_id["settlement_funds_cad"][4]
    assert "25\u00a0000\u00a0$" in funds and "dollars canadiens" in funds  # with format_money's no-break spaces
    assert "signalement criminality" in by_id["criminal_record"][5].split(", ")
    assert "express_entry_fsw" in by_id["age"][5].split(", ")  # pathway ids unchanged
    markdown = fr["intake-dictionary.md"]
    title = one_line(yaml.safe_load((ROOT / "rules" / "rulebook.fr.yaml").read_text(encoding="utf-8"))
                     ["rulebook"]["title"])
    assert markdown.startswith(f"# Dictionnaire de données du fichier d'accueil ({title}, règles version ")
    assert "| id | question | type | valeurs permises | utilisé par |" in markdown
    assert one_line(english("questions")["age"]["prompt"]) not in markdown


def test_the_examples_in_the_french_dictionary_are_answers_screener_reads(
        both: tuple[dict[str, str], dict[str, str]]) -> None:
    from screener.answers import coerce
    from screener.rulebook import load_rulebook

    book = load_rulebook(ROOT / "rules")
    assert coerce(book.questions["settlement_funds_cad"], "25 000 $") == 25000
    assert coerce(book.questions["english_score_reading"], "6,5") == 6.5
    for word in ("oui", "o", "vrai"):
        assert coerce(book.questions["us_citizen"], word) is True
    for word in ("non", "faux"):
        assert coerce(book.questions["us_citizen"], word) is False


def test_no_english_sentence_is_left_in_the_french_dictionary_or_map(
        both: tuple[dict[str, str], dict[str, str]]) -> None:
    _en, fr = both
    citations = _citations()
    for name in ("intake-dictionary.md", "intake-dictionary.csv", "intake-map.yaml"):
        assert not _english_left(fr[name], citations), name


def test_the_french_map_has_french_comments_and_headers_and_works_in_both_languages(
        tmp_path: Path, both: tuple[dict[str, str], dict[str, str]]) -> None:
    en, fr = both
    text = fr["intake-map.yaml"]
    assert text.startswith("# Comment votre formulaire d'accueil correspond aux champs du recueil de règles")
    assert nb("# columns : l'en-tête de votre colonne -> l'identifiant du champ.") in text
    mapping, english_map = yaml.safe_load(text), yaml.safe_load(en["intake-map.yaml"])
    assert set(mapping) == {"columns", "values"}  # the keys a map is read by
    assert sorted(mapping["columns"].values()) == sorted(english_map["columns"].values())
    assert list(mapping["values"]) == list(english_map["values"])
    questions = french("questions")
    assert one_line(questions["age"]["prompt"]) in mapping["columns"]
    assert mapping["columns"][one_line(questions["age"]["prompt"])] == "age"
    # a form built from the French dictionary: French question texts as headers, French labels as answers;
    # screened with and without the map, in English and in French: the verdicts of the same answers by id
    person = {"age": "29", "us_citizen": "no", "marital_status": "single", "education": "masters",
              "education_assessed": "yes", "english_clb_reading": "9", "english_clb_writing": "8",
              "english_clb_listening": "9", "english_clb_speaking": "8", "foreign_work_years": "3",
              "intended_province": "BC", "settlement_funds_cad": "25000", "criminal_record": "no"}
    titles = {qid: header for header, qid in mapping["columns"].items()}
    labels = {"marital_status": questions["marital_status"]["choices"]["single"],
              "education": questions["education"]["choices"]["masters"],
              "intended_province": questions["intended_province"]["choices"]["BC"],
              "us_citizen": "non", "criminal_record": "non", "education_assessed": "oui",
              "settlement_funds_cad": "25 000 $"}
    french_form, by_id = tmp_path / "formulaire.csv", tmp_path / "ids.csv"
    with french_form.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["Nom", *(titles[qid] for qid in person)])
        writer.writerow(["Zoë", *(labels.get(qid, value) for qid, value in person.items())])
    with by_id.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["Nom", *person])
        writer.writerow(["Zoë", *person.values()])
    (tmp_path / "intake-map.yaml").write_text(text, encoding="utf-8")

    def screened(source: Path, *extra: str) -> tuple[dict[str, str], str]:
        target = tmp_path / "out.csv"
        result = runner.invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF, *extra])
        assert result.exit_code == 0, result.output
        return next(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8")))), result.stderr

    expected, _stderr = screened(by_id, "--lang", "en")
    outcomes = {key: value for key, value in expected.items() if key not in person and key != "Nom"}
    assert outcomes["express_entry_fsw"] in {"eligible", "incomplete", "ineligible"}
    for extra in ([], ["--map", str(tmp_path / "intake-map.yaml")]):
        for lang in ("en", "fr"):
            got, _stderr = screened(french_form, "--lang", lang, *extra)
            # outcomes, scores and `missing` alike: every French header and label was read
            assert {key: got[key] for key in outcomes if key != "best_pathway_title"} == \
                {key: value for key, value in outcomes.items() if key != "best_pathway_title"}, (lang, extra)


@pytest.mark.parametrize("env", [{"SCREENER_LANG": "fr"}, {"SCREENER_LANG": None, "LC_ALL": None, "LC_MESSAGES": None,
                                                              "LANG": "fr_CA.UTF-8"}])
def test_the_environment_alone_chooses_the_french_dictionary(tmp_path: Path, env: dict[str, str | None]) -> None:
    files = template(tmp_path / "t", env=env)
    assert files["intake-dictionary.md"].startswith("# Dictionnaire de données du fichier d'accueil")
    assert rows(files["intake-dictionary.csv"])[0][4] == "valeurs permises"


def test_allowed_values_follow_the_language_and_keep_the_values() -> None:
    from screener import i18n
    from screener.intake import allowed_values
    from screener.rulebook import load_rulebook

    book = load_rulebook(ROOT / "rules")
    with i18n.language("fr"):
        french_book = book.in_language("fr")
        marital = allowed_values(french_book.questions["marital_status"])
        funds = allowed_values(french_book.questions["settlement_funds_cad"])
    english_marital = allowed_values(book.questions["marital_status"])
    assert [part.split(" = ")[0] for part in marital.split("; ")] == \
        [part.split(" = ")[0] for part in english_marital.split("; ")]
    assert "single = " + french("questions")["marital_status"]["choices"]["single"] in marital
    assert funds.startswith(po("Canadian dollars{span} (25000, 25,000 or $25,000)").split("{span}")[0])
    assert allowed_values(book.questions["settlement_funds_cad"]).startswith("Canadian dollars")


def test_intake_doc_in_french_keeps_the_contract_words_and_leaves_no_english(tmp_path: Path) -> None:
    import re

    from screener.rulebook import load_rulebook

    book = load_rulebook(ROOT / "rules")
    result = runner.invoke(app, ["intake", "doc", "--lang", "fr", "-o", str(tmp_path / "accueil.md")])
    assert result.exit_code == 0, result.output
    doc = (tmp_path / "accueil.md").read_text(encoding="utf-8")
    english_doc = (ROOT / "docs" / "intake.md").read_text(encoding="utf-8")
    assert doc.startswith("# Spécification du fichier d'accueil\n")
    for heading in ("## L'entrée", "## La sortie", "## Lignes JSON (`--format jsonl`)", "## Les champs"):
        assert f"\n{heading}\n" in doc
    for qid in book.questions:
        assert f"| `{qid}` |" in doc
    for word in [*book.pathways, *book.scores, "eligible", "ineligible", "incomplete", "best_pathway", "missing",
                 "flags_undecided", "--results-first", "--letters-html", "intake-map.yaml"]:
        assert f"`{word}`" in english_doc and f"`{word}`" in doc, word  # the contract's words, not translated
    fences = re.compile(r"```json\n.*?```", re.S)
    assert fences.findall(doc) == fences.findall(english_doc)  # the JSON examples are the same records
    assert one_line(french("questions")["age"]["prompt"]) in doc
    prose = fences.sub(" ", doc)
    assert not _english_left(prose.replace("English CLB Reading", " "), _citations())
