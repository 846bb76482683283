"""French reaches every command (issue 16): the chosen language's rule texts in check, batch, rules explain
and serve, while ids, outcomes and the batch contract's columns stay the same in both languages.

Expected French texts are read from the rulebook's own translation files (rules/**/*.fr.yaml)."""

from __future__ import annotations

import csv
import datetime as dt
import html
import importlib.util
import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import yaml
from french_kit import nb
from typer.testing import CliRunner

from screener.cli import app

HERE = Path(__file__).parent
RULES = HERE.parent / "rules"
PERSONAS = HERE / "fixtures" / "personas"
AS_OF = "2026-11-25"

runner = CliRunner()


def french(section: str) -> dict[str, Any]:
    """Every item of a section (pathways, questions, …) across the French translation files."""
    found: dict[str, Any] = {}
    for path in sorted(RULES.rglob("*.fr.yaml")):
        found.update((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(section) or {})
    return found


def english(section: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for path in sorted(RULES.rglob("*.yaml")):
        if path.name.endswith(".fr.yaml") or "tests" in path.parts:
            continue
        items = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(section)
        if isinstance(items, list):
            found.update((item["id"], item) for item in items if isinstance(item, dict) and "id" in item)
        elif isinstance(items, dict):
            found.update(items)
    return found


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_check_in_french_shows_the_french_rule_texts() -> None:
    result = runner.invoke(app, ["check", "--lang", "fr", "--as-of", AS_OF, "--no-input",
                                 "--answers", str(PERSONAS / "climate_scientist.yaml")])
    assert result.exit_code == 0, result.output
    shown = one_line(result.stdout)
    title = french("pathways")["cusma_professional"]["title"]
    assert title in shown
    assert english("pathways")["cusma_professional"]["title"] not in shown


def test_the_locale_alone_chooses_french_rule_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SCREENER_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "fr_CA.UTF-8")
    result = runner.invoke(app, ["check", "--as-of", AS_OF, "--no-input",
                                 "--answers", str(PERSONAS / "climate_scientist.yaml")])
    assert french("pathways")["cusma_professional"]["title"] in one_line(result.stdout)


def _batch(tmp_path: Path, lang: str, *extra: str) -> list[dict[str, str]]:
    source = tmp_path / "in.csv"
    if not source.exists():
        rows = []
        for path in sorted(PERSONAS.glob("*.yaml")):
            answers = yaml.safe_load(path.read_text(encoding="utf-8"))
            rows.append({"id": path.stem, **{k: ("yes" if v is True else "no" if v is False else v)
                                             for k, v in answers.items()}})
        names = sorted({name for row in rows for name in row})
        with source.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, names)
            writer.writeheader()
            writer.writerows(rows)
    target = tmp_path / f"out-{lang}.csv"
    result = runner.invoke(app, ["batch", str(source), "-o", str(target), "--lang", lang, "--as-of", AS_OF, *extra])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))


def test_batch_in_french_keeps_the_contract_and_writes_french_titles(tmp_path: Path) -> None:
    en, fr = _batch(tmp_path, "en"), _batch(tmp_path, "fr", "--letters", str(tmp_path / "lettres"))
    assert list(en[0]) == list(fr[0])  # the same columns, with the same ids
    titles = french("pathways")
    for row_en, row_fr in zip(en, fr, strict=True):
        assert {k: v for k, v in row_en.items() if k != "best_pathway_title"} == \
            {k: v for k, v in row_fr.items() if k != "best_pathway_title"}
        if row_fr["best_pathway"] in titles:
            assert row_fr["best_pathway_title"] == titles[row_fr["best_pathway"]]["title"]
    letter = next((tmp_path / "lettres").glob("*climate-scientist*")).read_text(encoding="utf-8")
    assert titles["cusma_professional"]["title"] in letter


@pytest.mark.parametrize(("content", "french"), [
    (b"", nb("l'entrée est vide : la première ligne doit nommer les colonnes")),
    (b"\n\n", "l'entrée n'a que des lignes vides"),
])
def test_an_unreadable_intake_is_refused_in_french(tmp_path: Path, content: bytes, french: str) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(content)
    result = runner.invoke(app, ["batch", str(source), "-o", str(tmp_path / "out.csv"), "--lang", "fr"])
    assert result.exit_code == 2
    (error,) = [line for line in result.output.splitlines() if line.startswith("Erreur")]  # after review warnings
    assert error.startswith(nb("Erreur : ")) and french in error, result.output
    assert "Traceback" not in result.output


def test_a_missing_answer_file_is_refused_in_french(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", "--answers", str(tmp_path / "absent.yaml"), "--json", "--lang", "fr"])
    assert result.exit_code == 2
    assert "--answers : fichier introuvable : " in one_line(result.output), result.output


def test_rules_explain_in_french() -> None:
    result = runner.invoke(app, ["rules", "explain", "express_entry_fsw", "--lang", "fr", "--markdown"])
    assert result.exit_code == 0, result.output
    pathway = french("pathways")["express_entry_fsw"]
    assert pathway["title"] in result.stdout
    assert one_line(pathway["summary"]) in one_line(result.stdout)
    assert "(`express_entry_fsw`)" in result.stdout  # ids stay


# ------------------------------------------------------------------------------------------ serve

def _client() -> Any:
    pytest.importorskip("starlette")
    pytest.importorskip("httpx2")
    from starlette.testclient import TestClient

    from screener.rulebook import load_rulebook
    from screener.web.app import create_app
    return TestClient(create_app(load_rulebook(RULES), as_of=dt.date.fromisoformat(AS_OF), access_log_enabled=False))


def test_serve_pages_follow_the_query_and_accept_language() -> None:
    client = _client()
    goal = french("questions")["goal"]
    for response in (client.get("/?lang=fr"), client.get("/", headers={"accept-language": "fr-CA,fr;q=0.9"})):
        assert '<html lang="fr">' in response.text
        assert goal["prompt"] in response.text.replace("&#x27;", "'")
        assert 'action="/interview?lang=fr"' in response.text
    english_page = client.get("/", headers={"accept-language": "en-CA"})
    assert '<html lang="en">' in english_page.text and goal["prompt"] not in english_page.text
    answered = client.post("/interview?lang=fr", data={"q": "goal", "action": "next", "answer": "work"})
    assert '<html lang="fr">' in answered.text
    second = french("questions")
    assert any(q.get("prompt") and q["prompt"] in answered.text.replace("&#x27;", "'") for q in second.values())


def test_serve_api_titles_in_french_ids_unchanged() -> None:
    client = _client()
    answers = yaml.safe_load((PERSONAS / "climate_scientist.yaml").read_text(encoding="utf-8"))
    en = client.post("/v1/screen?details=true", json=answers).json()
    fr = client.post("/v1/screen?details=true&lang=fr", json=answers).json()
    assert fr["pathways"].keys() == en["pathways"].keys()
    assert {k: v["outcome"] for k, v in fr["pathways"].items()} == {k: v["outcome"] for k, v in en["pathways"].items()}
    assert fr["pathways"]["cusma_professional"]["title"] == french("pathways")["cusma_professional"]["title"]
    assert fr["disclaimer"] != en["disclaimer"]
    asked = client.post("/v1/next-question", json={}, headers={"accept-language": "fr"}).json()
    assert french("questions")["goal"]["prompt"] in str(asked)


def test_amounts_are_written_the_way_each_language_writes_them(tmp_path: Path) -> None:
    """French output writes `9 000 $` and `15 263 $` (what-if and rule texts), English `$9,000`."""
    answers = tmp_path / "a.yaml"
    answers.write_text("canadian_citizen: 'no'\nborn_in_canada: no\ncanadian_parent: 'no'\nage: 45\n"
                       "criminal_record: no\nmarital_status: single\neducation: doctoral\neducation_assessed: yes\n"
                       "english_clb_reading: 9\nenglish_clb_writing: 9\nenglish_clb_listening: 9\n"
                       "english_clb_speaking: 9\nforeign_work_years: 10\noccupation_teer: 1\njob_offer: no\n"
                       "settlement_funds_cad: 9 000 $\ndependent_children: 0\n", encoding="utf-8")
    shown = {}
    for lang in ("fr", "en"):
        result = runner.invoke(app, ["check", "--lang", lang, "--answers", str(answers), "--no-input", "--details",
                                     "--as-of", AS_OF], env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        shown[lang] = one_line(result.stdout.replace("\u00a0", " "))
    assert "9 000 $ → " in shown["fr"] and "vous avez 9 000 $" in shown["fr"]
    assert "$9,000 → $" in shown["en"] and "have $9,000" in shown["en"]
    assert "$9,000" not in shown["fr"] and "9 000 $" not in shown["en"]


# ------------------------------------------------------------------------------------------ no English left

ENGLISH_WORDS = re.compile(r"\b(the|you|your|and|is|are|not|with|this|of|to|or|be|has|have|will|can|from|by|if|was|"
                           r"were|yet|any|who|what|should|must|more|answered|eligible)\b")


def _citations() -> set[str]:
    """Legal citations and source links: kept as the rule files write them (laws are cited in English there)."""
    from screener.rulebook import load_rulebook

    book = load_rulebook(RULES)
    items: list[Any] = [*book.pathways.values(), *book.flags.values(), *book.tables.values(), *book.scores.values(),
                        *book.derived.values()]
    items += [r for p in book.pathways.values() for r in p.requirements]
    items += [v for d in book.derived.values() for v in d.versions or []]
    return {" ".join(str(value).split()) for item in items for name in ("reference", "source")
            if (value := getattr(item, name, None))}


def _english_left(text: str, citations: set[str]) -> list[str]:
    flat = " ".join(text.replace("\u00a0", " ").replace("\\", "").split())
    for citation in sorted(citations, key=len, reverse=True):
        flat = flat.replace(citation, " ")
    flat = re.sub(r"https?://\S+|`[^`]*`|\((?:yes/no|int|number|money|choice|date)[^)]*\)", " ", flat)
    return [flat[max(0, m.start() - 40):m.end() + 40] for m in ENGLISH_WORDS.finditer(flat)]


def test_no_english_reaches_a_french_reader(tmp_path: Path) -> None:
    """Every screen, report, letter, summary and explanation in French: no English sentence is left in it
    (citations of the law and links are the rule files' own; ids and expressions are code)."""
    outputs: dict[str, str] = {}
    for path in sorted(PERSONAS.glob("*.yaml")):
        for extra in ([], ["--details"], ["--report", str(tmp_path / f"{path.stem}.md")]):
            result = runner.invoke(app, ["check", "--lang", "fr", "--answers", str(path), "--no-input",
                                         "--as-of", AS_OF, *extra], env={"COLUMNS": "400"})
            assert result.exit_code == 0, result.output
            outputs[f"{path.stem} {extra[:1]}"] = result.stdout
        outputs[f"{path.stem} report"] = (tmp_path / f"{path.stem}.md").read_text(encoding="utf-8")
    _batch(tmp_path, "fr", "--summary", str(tmp_path / "sommaire.md"), "--letters", str(tmp_path / "lettres"))
    outputs["summary"] = (tmp_path / "sommaire.md").read_text(encoding="utf-8")
    outputs.update({letter.name: letter.read_text(encoding="utf-8") for letter in (tmp_path / "lettres").iterdir()})
    for pathway in ("express_entry_fsw", "citizenship_by_descent", "asylum_claim", "study_permit"):
        result = runner.invoke(app, ["rules", "explain", pathway, "--lang", "fr", "--markdown", "--as-of", AS_OF])
        outputs[f"explain {pathway}"] = result.stdout
    outputs.update(_web_verdicts())
    citations = _citations()
    left = {name: found for name, text in outputs.items() if (found := _english_left(text, citations))}
    assert not left, left


def _web_verdicts() -> dict[str, str]:
    """The web verdict page of every person, in French, as text (tags removed)."""
    if importlib.util.find_spec("starlette") is None or importlib.util.find_spec("httpx2") is None:
        return {}
    client = _client()
    pages = {}
    for path in sorted(PERSONAS.glob("*.yaml")):
        answers = yaml.safe_load(path.read_text(encoding="utf-8"))
        form = [(f"a:{k}", "yes" if v is True else "no" if v is False else str(v)) for k, v in answers.items()]
        form += [("q", "goal"), ("action", "next"), ("answer", str(answers["goal"]))]
        response = client.post("/interview?lang=fr", content=urlencode(form),
                               headers={"content-type": "application/x-www-form-urlencoded"})
        assert response.status_code == 200 and '<html lang="fr">' in response.text
        pages[f"web {path.stem}"] = html.unescape(re.sub(r"<[^>]+>", " ", response.text))
    return pages


# ------------------------------------------------------------------------------------------ --help


def _help_paths() -> list[list[str]]:
    from typer.main import get_command

    root = get_command(app)
    paths: list[list[str]] = [[]]
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        paths.append([name])
        paths += [[name, sub] for sub in getattr(command, "commands", {})]
    return paths


@pytest.mark.parametrize("path", _help_paths(), ids=lambda path: " ".join(path) or "screener")
def test_help_speaks_french_with_no_english_left(path: list[str]) -> None:
    """`SCREENER_LANG=fr screener … --help`: the description, the options' help, the metavars, the
    `[default: …]` notes, the usage line and the headings are French; the option names stay (they are code)."""
    english_help = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "400", "SCREENER_LANG": "en"})
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "400", "SCREENER_LANG": "fr"})
    assert result.exit_code == 0 and english_help.exit_code == 0
    text = result.stdout
    assert text.startswith(nb("Utilisation : ")) and nb("Options :") in text
    assert "Afficher ce message et quitter." in text
    assert english_help.stdout.startswith("Usage: ") and "Show this message and exit." in english_help.stdout
    words = re.sub(r"(?<![\w-])--?[\w-]+|\$\w+|'[^']*'|\"[^\"]*\"|# .*", " ", text)  # options, variables, examples
    assert _english_left(words, set()) == []
    for english_word in ("Usage", "Commands", "default:", "required", "<path>", "<str>", "FILE", "COMMAND"):
        assert not re.search(rf"(?<!\w){re.escape(english_word)}(?!\w)", text), english_word


def test_the_locale_and_lang_option_choose_french_help_too() -> None:
    by_locale = runner.invoke(app, ["check", "--help"], env={"LANG": "fr_CA.UTF-8", "SCREENER_LANG": ""})
    by_option = runner.invoke(app, ["check", "--lang", "fr", "--help"], env={"LANG": "en_CA.UTF-8"})
    for result in (by_locale, by_option):
        assert result.exit_code == 0
        assert "Répondez à quelques questions" in result.stdout or "Puis-je immigrer" in result.stdout
        assert "--answers FICHIER" in result.stdout and "Answer a few" not in result.stdout


def test_every_command_formats_its_help_through_the_catalog() -> None:
    """A command added without the translating class would show English help: every one has it."""
    from typer.main import get_command

    from screener.commands.help import HelpCommand, HelpGroup

    root = get_command(app)
    assert isinstance(root, HelpGroup)
    for command in root.commands.values():  # type: ignore[attr-defined]
        assert isinstance(command, HelpCommand | HelpGroup), command.name
        for sub in getattr(command, "commands", {}).values():
            assert isinstance(sub, HelpCommand), sub.name


# ------------------------------------------------------------------------------------------ rules tools


def test_the_rules_tools_speak_french(tmp_path: Path) -> None:
    """`rules init`, `validate`, `test` (its failures too) and `explain`'s errors for a French lawyer."""
    copy = tmp_path / "regles"
    outputs = {"init": runner.invoke(app, ["rules", "init", str(copy), "--lang", "fr"])}
    outputs["validate"] = runner.invoke(app, ["rules", "validate", str(copy), "--lang", "fr"], env={"COLUMNS": "200"})
    case = copy / "tests" / "asylum_claim.yaml"
    broken = case.read_text(encoding="utf-8").replace('asylum_claim: "eligible"', 'asylum_claim: "ineligible"', 1)
    case.write_text(broken, encoding="utf-8")
    outputs["test"] = runner.invoke(app, ["rules", "test", str(copy), "-k", "air", "--coverage", "--lang", "fr"],
                                    env={"COLUMNS": "200"})
    outputs["explain"] = runner.invoke(app, ["rules", "explain", "express_entry_fws", "--lang", "fr"])
    assert outputs["init"].exit_code == 0 and outputs["validate"].exit_code == 0
    assert outputs["test"].exit_code == 1 and outputs["explain"].exit_code == 1
    assert "attendu ineligible, obtenu eligible" in outputs["test"].stdout
    assert "ÉCHEC" in outputs["test"].stdout and nb("en échec : 1") in outputs["test"].stdout
    assert "aucune voie «\u00a0express_entry_fws\u00a0»" in outputs["explain"].output
    assert "fichiers de règles et d'essais copiés" in outputs["init"].stdout
    assert "valeurs dérivées" in outputs["validate"].stdout
    assert "Puis-je immigrer au Canada?" in outputs["validate"].stdout
    for name, result in outputs.items():
        text = result.output.replace("Non-US citizen arriving by air who fears return: may claim", " ")  # its name
        text = re.sub(r"(?<![\w-])--?[\w-]+|\S*/\S*|`[^`]*`|\$\w+|(attendu|obtenu) \w+", " ", text)  # code, outcome ids
        assert not _english_left(text, _citations()), name


def test_a_rejected_rulebook_is_explained_in_french(tmp_path: Path) -> None:
    """The loader's most common problems (an unknown name or key, a missing key) and the error line itself."""
    import shutil

    copy = shutil.copytree(RULES, tmp_path / "regles")
    pathway = copy / "pathways" / "express_entry.yaml"
    pathway.write_text(pathway.read_text(encoding="utf-8").replace("condition: ", "condition: agee >= 18 and ", 1),
                       encoding="utf-8")
    questions = copy / "questions" / "about_you.yaml"
    questions.write_text(questions.read_text(encoding="utf-8").replace("    prompt:", "    promt:", 1),
                         encoding="utf-8")
    french_texts = copy / "questions" / "about_you.fr.yaml"
    french_texts.write_text(french_texts.read_text(encoding="utf-8").replace("\n  goal:", "\n  gaol:", 1),
                            encoding="utf-8")
    results = {lang: runner.invoke(app, ["rules", "validate", str(copy), "--lang", lang]) for lang in ("fr", "en")}
    assert results["fr"].exit_code == results["en"].exit_code == 1
    french, english = (one_line(results[lang].stderr.replace("\u00a0", " ")) for lang in ("fr", "en"))
    assert french.startswith("Erreur : le recueil de règles a été refusé : ") and english.startswith("Error: the ")
    for expected in ("nom « agee » inconnu (vouliez-vous dire « age »?)", "clé « promt » inconnue",
                     "clé obligatoire « prompt » manquante", "aucune question « gaol » dans les règles en anglais"):
        assert expected in french
    assert "« goal » dans les règles" not in french  # the question is rejected already: its texts are no news
    assert "unknown name 'agee' (did you mean 'age'?)" in english


# keys whose values are code, addresses or citations, not words a person reads
NOT_READ = {"reference", "source", "url", "condition", "expr", "only_if", "points", "actual", "when", "relevant_if",
            "id", "value", "date", "type"}
CITATION = re.compile(r"(?<=[\w.])\(\w{1,4}\)")  # s.5(4), 87(2)d): a section's number, not a bracket


def _bracket_depth(text: str) -> int:
    depth = deepest = 0
    for char in CITATION.sub("", text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        deepest = max(deepest, depth)
    return deepest


def _read_texts(node: Any, where: str) -> list[tuple[str, str]]:
    if isinstance(node, dict):
        return [found for key, value in node.items() if key not in NOT_READ
                for found in _read_texts(value, f"{where}.{key}")]
    if isinstance(node, list):
        return [found for index, value in enumerate(node) for found in _read_texts(value, f"{where}.{index}")]
    return [(where, node)] if isinstance(node, str) else []


def test_no_text_a_person_reads_nests_brackets() -> None:
    """"(Programme de sélection des travailleurs qualifiés (PSTQ), par Arrima)" is hard to follow (review 11,
    item 13): summaries, requirements, help and steps, in both languages, keep brackets one level deep. Tables'
    titles are the lawyer's (rules explain), so they are left out."""
    texts = [(f"{path.relative_to(RULES)}:{where}", text) for path in sorted(RULES.rglob("*.yaml"))
             if "tests" not in path.parts
             for section, items in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items()
             if section != "tables" for where, text in _read_texts(items, section)]
    assert len(texts) > 500  # both languages' texts were read
    assert any("PSTQ" in text for _where, text in texts)
    assert [where for where, text in texts if _bracket_depth(text) > 1] == []
