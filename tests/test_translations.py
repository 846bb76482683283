"""Rules in two languages: translation files beside the rule files, checked text by text (issue 16)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from test_loader import COMPACT_HEADER

from screener.rulebook import RulebookError, load_rulebook

MAIN = """\
rulebook:
  id: demo
  title: Demo rules
  version: "1"
  disclaimer: A screening, not legal advice.
topics:
  - {id: about_you, title: About you}
questions:
  - id: age
    type: int
    topic: about_you
    prompt: How old are you?
    help: In whole years.
  - id: status
    type: choice
    topic: about_you
    prompt: Your status?
    choices:
      - {value: citizen, label: A citizen}
      - {value: other, label: Something else}
pathways:
  - id: work
    title: Work
    kind: permanent_residence
    summary: A work route.
    requirements:
      - id: adult
        text: "You are {age}; 18 or older"
        condition: age >= 18 and status == "other"
    next_steps:
      - text: Read the guide
        url: https://www.canada.ca/en/guide.html
"""

FRENCH = """\
rulebook:
  title: Règles de démonstration
  disclaimer: Une présélection, pas un avis juridique.
topics:
  about_you: À propos de vous
questions:
  age:
    prompt: Quel âge avez-vous?
    help: En années complètes.
  status:
    prompt: Votre statut?
    choices: {citizen: Un citoyen, other: Autre chose}
pathways:
  work:
    title: Travail
    summary: Une voie par le travail.
    requirements:
      adult: {text: "Vous avez {age} ans; 18 ans ou plus"}
    next_steps:
      - text: Lisez le guide
        url: https://www.canada.ca/fr/guide.html
"""


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def problems(folder: Path) -> list[str]:
    with pytest.raises(RulebookError) as caught:
        load_rulebook(folder)
    return caught.value.details


def warnings(folder: Path) -> list[str]:
    return [str(warning) for warning in load_rulebook(folder).warnings]


def test_a_french_rulebook_has_every_text_in_french_and_the_same_verdict(tmp_path: Path) -> None:
    rulebook = load_rulebook(write(tmp_path, {"main.yaml": MAIN, "main.fr.yaml": FRENCH}))
    assert rulebook.languages == ("en", "fr")
    french = rulebook.in_language("fr")
    assert french.info.title == "Règles de démonstration"
    assert french.topics[0].title == "À propos de vous"
    assert french.questions["age"].prompt == "Quel âge avez-vous?"
    assert [c.label for c in french.questions["status"].choices or []] == ["Un citoyen", "Autre chose"]
    assert french.questions["status"].choice_values == ["citizen", "other"]  # values never change
    report = french.evaluate({"age": 30, "status": "other"})
    english = rulebook.evaluate({"age": 30, "status": "other"})
    assert report.outcomes() == english.outcomes() == {"work": "eligible"}
    result = report.pathways["work"]
    assert result.title == "Travail"
    assert [r.text for r in result.requirements] == ["Vous avez 30 ans; 18 ans ou plus"]
    assert [(s.text, s.url) for s in result.next_steps] == [("Lisez le guide", "https://www.canada.ca/fr/guide.html")]
    assert english.pathways["work"].title == "Work"  # the English rulebook is untouched
    assert french.in_language("en") is rulebook and rulebook.in_language("fr") is french
    assert rulebook.in_language("de") is rulebook  # no German files: English


def test_a_missing_text_is_a_warning_at_the_english_text(tmp_path: Path) -> None:
    french = FRENCH.replace("    help: En années complètes.\n", "")
    found = warnings(write(tmp_path, {"main.yaml": MAIN, "main.fr.yaml": french}))
    assert found == [f"{tmp_path / 'main.yaml'}:13:11: no French (fr) text for question 'age' help"]
    assert load_rulebook(tmp_path).in_language("fr").questions["age"].help == "In whole years."  # English stands in


def test_a_missing_text_is_an_error_when_the_language_is_required(tmp_path: Path) -> None:
    main = MAIN.replace('  version: "1"\n', '  version: "1"\n  languages: {required: [fr]}\n')
    french = FRENCH.replace("    title: Travail\n", "")
    found = problems(write(tmp_path, {"main.yaml": main, "main.fr.yaml": french}))
    assert found == [f"{tmp_path / 'main.yaml'}:24:12: no French (fr) text for pathway 'work' title"]


def test_a_required_language_without_files_is_an_error(tmp_path: Path) -> None:
    main = MAIN.replace('  version: "1"\n', '  version: "1"\n  languages: {required: [fr]}\n')
    (message,) = problems(write(tmp_path, {"main.yaml": main}))
    assert message.startswith(f"{tmp_path / 'main.yaml'}:2:3: languages: required: fr but there is no French")


def test_extra_and_misspelt_ids_are_errors_with_did_you_mean(tmp_path: Path) -> None:
    french = FRENCH.replace("  status:\n", "  statut:\n").replace("      adult:", "      adults:")
    found = problems(write(tmp_path, {"main.yaml": MAIN, "main.fr.yaml": french}))
    assert found == [
        f"{tmp_path / 'main.fr.yaml'}:10:3: no question 'statut' in the English rules (did you mean 'status'?)",
        f"{tmp_path / 'main.fr.yaml'}:18:7: pathway 'work' has no requirement 'adults' (did you mean 'adult'?)",
    ]


def test_a_misspelt_choice_is_an_error_with_did_you_mean(tmp_path: Path) -> None:
    french = FRENCH.replace("{citizen: Un citoyen, other: Autre chose}", "{citizen: Un citoyen, othr: Autre chose}")
    (message,) = problems(write(tmp_path, {"main.yaml": MAIN, "main.fr.yaml": french}))
    assert message == (f"{tmp_path / 'main.fr.yaml'}:12:36: question 'status' has no choice 'othr' "
                       "(did you mean 'other'?)")


def test_an_unknown_key_in_a_translation_file_is_an_error(tmp_path: Path) -> None:
    french = FRENCH.replace("    help: En années", "    hlep: En années")
    (message,) = problems(write(tmp_path, {"main.yaml": MAIN, "main.fr.yaml": french}))
    assert message == f"{tmp_path / 'main.fr.yaml'}:9:5: unknown key 'hlep' (did you mean 'help'?)"


def test_an_unknown_key_hides_none_of_the_files_other_problems(tmp_path: Path) -> None:
    """review13 #13: `rules validate` lists the misspelt key and the misspelt choice and the placeholder in one
    run, as it does for an English file (the file's texts are checked with the key read as the one it
    misspells)."""
    from typer.testing import CliRunner

    from screener.cli import app

    french = (FRENCH.replace("    help: En années", "    hlep: En années")
              .replace("{citizen: Un citoyen, other: Autre chose}", "{citizen: Un citoyen, othr: Autre chose}")
              .replace("Vous avez {age} ans", "Vous avez {âge} ans"))
    folder = write(tmp_path, {"main.yaml": MAIN, "main.fr.yaml": french})
    result = CliRunner().invoke(app, ["rules", "validate", str(folder)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    said = result.stderr
    where = tmp_path / "main.fr.yaml"
    assert f"{where}:9:5: unknown key 'hlep' (did you mean 'help'?)" in said
    assert f"{where}:12:36: question 'status' has no choice 'othr' (did you mean 'other'?)" in said
    assert f"{where}:18:21: the {{placeholders}} differ from the English" in said
    assert "no French (fr) text" not in said  # the misspelt key's text counts as given


def test_placeholders_must_match(tmp_path: Path) -> None:
    french = FRENCH.replace("Vous avez {age} ans", "Vous avez {âge} ans")
    (message,) = problems(write(tmp_path, {"main.yaml": MAIN, "main.fr.yaml": french}))
    assert message == (f"{tmp_path / 'main.fr.yaml'}:18:21: the {{placeholders}} differ from the English: "
                       "French has {âge}, English has {age}")


def test_a_text_the_english_lacks_and_an_extra_next_step_are_errors(tmp_path: Path) -> None:
    french = (FRENCH.replace("    prompt: Votre statut?\n", "    prompt: Votre statut?\n    help: Inutile.\n")
              + "      - text: Une étape de trop\n")
    found = problems(write(tmp_path, {"main.yaml": MAIN, "main.fr.yaml": french}))
    assert found == [
        f"{tmp_path / 'main.fr.yaml'}:12:11: the English has no question 'status' help: remove this French text",
        f"{tmp_path / 'main.fr.yaml'}:23:9: pathway 'work' has only 1 next step(s) in English: remove this French text",
    ]


def test_english_translation_files_are_refused(tmp_path: Path) -> None:
    (message,) = problems(write(tmp_path, {"main.yaml": MAIN, "main.en.yaml": "topics: {about_you: About}\n"}))
    assert message.startswith(f"{tmp_path / 'main.en.yaml'}:1:1: the English texts are the rule files themselves")


def test_bad_language_code() -> None:
    rulebook = load_rulebook(None)
    with pytest.raises(ValueError, match="not a language code"):
        rulebook.in_language("french")


def test_the_rule_cache_keeps_the_translations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from screener.rulecache import load_rulebook_cached

    folder = tmp_path / "rules"
    folder.mkdir()
    write(folder, {"main.yaml": MAIN, "main.fr.yaml": FRENCH.replace("    help: En années complètes.\n", "")})
    monkeypatch.setenv("SCREENER_CACHE_DIR", str(tmp_path / "cache"))
    first = load_rulebook_cached(folder)
    second = load_rulebook_cached(folder)  # from the cache
    assert list((tmp_path / "cache").glob("rulebook-*.json"))
    for rulebook in (first, second):
        french = rulebook.in_language("fr")
        assert french.evaluate({"age": 30}).pathways["work"].requirements[0].text == "Vous avez 30 ans; 18 ans ou plus"
        assert [str(w) for w in rulebook.warnings] == [f"{folder / 'main.yaml'}:13:11: no French (fr) text for "
                                                        "question 'age' help"]
    (folder / "main.fr.yaml").write_text(textwrap.dedent(FRENCH).replace("Travail", "Emploi"), encoding="utf-8")
    assert load_rulebook_cached(folder).in_language("fr").pathways["work"].title == "Emploi"  # an edit is seen


# ------------------------------------------------------------------------------------ the shipped rules

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "rules"
SAME_IN_BOTH = {  # texts that read the same in French: names of tests and provinces, symbols
    "IELTS General Training", "CELPIP-General", "PTE Core", "TEF Canada", "TCF Canada", "Alberta", "Manitoba",
    "Nunavut", "Ontario", "Saskatchewan", "Yukon", "Canada", "CEC",
}


def test_the_shipped_rules_have_every_text_in_french() -> None:
    rulebook = load_rulebook(SHIPPED)
    assert rulebook.languages == ("en", "fr")
    assert rulebook.info.languages is not None and rulebook.info.languages.required == ["fr"]  # missing = error
    assert rulebook.translations["fr"].missing == 0
    assert [str(w) for w in rulebook.warnings] == []


def test_no_french_text_is_left_in_english() -> None:
    """A French text equal to its English is a copy waiting for its translation (names and symbols aside)."""
    from screener.translations import placeholders

    rulebook = load_rulebook(SHIPPED)
    english = {key: text for key, text in _texts(rulebook).items()}
    french = _texts(rulebook.in_language("fr"))
    assert english.keys() == french.keys()
    same = sorted(key for key, text in english.items()
                  if french[key] == text and text not in SAME_IN_BOTH and any(c.isalpha() for c in
                                                                               _without(text, placeholders(text))))
    assert same == []


def _without(text: str, names: list[str]) -> str:
    for name in names:
        text = text.replace("{" + name + "}", "")
    return text


def _texts(rulebook: object) -> dict[str, str]:
    """Every text a person reads, keyed by where it is (the same keys in every language)."""
    from screener.rulebook import Rulebook

    assert isinstance(rulebook, Rulebook)
    found: dict[str, str] = {"title": rulebook.info.title, "disclaimer": rulebook.info.disclaimer}
    found.update({f"topic:{t.id}": t.title for t in rulebook.topics})
    for qid, question in rulebook.questions.items():
        for key in ("prompt", "help", "label"):
            if getattr(question, key):
                found[f"question:{qid}:{key}"] = getattr(question, key)
        for choice in question.choices or []:
            if choice.label:
                found[f"question:{qid}:choice:{choice.value}"] = choice.label
    for did, value in rulebook.derived.items():
        if value.text:
            found[f"derived:{did}"] = value.text
    for tid, table in rulebook.tables.items():
        found[f"table:{tid}"] = table.title
    for sid, score in rulebook.scores.items():
        found[f"score:{sid}"] = score.title
        found.update({f"score:{sid}:group:{g.id}": g.title for g in score.groups})
        found.update({f"score:{sid}:line:{line.id}": line.text for line in score.lines})
        found.update({f"score:{sid}:round:{i}": r.type for i, r in enumerate(score.cutoffs.rounds if score.cutoffs
                                                                             else [])})
    for pid, pathway in rulebook.pathways.items():
        found[f"pathway:{pid}:title"] = pathway.title
        found[f"pathway:{pid}:summary"] = pathway.summary
        for requirement in pathway.requirements:
            found[f"pathway:{pid}:{requirement.id}:text"] = requirement.text
            if requirement.advice:
                found[f"pathway:{pid}:{requirement.id}:advice"] = requirement.advice
            if isinstance(requirement.needed, str):
                found[f"pathway:{pid}:{requirement.id}:needed"] = requirement.needed
        found.update({f"pathway:{pid}:step:{i}": s.text for i, s in enumerate(pathway.next_steps)})
        found.update({f"pathway:{pid}:note:{i}": note for i, note in enumerate(pathway.notes)})
    for kind, items in (("flag", rulebook.flags), ("lead", rulebook.leads), ("warning", rulebook.answer_warnings)):
        for item_id, item in items.items():
            found[f"{kind}:{item_id}:text"] = item.text
            if item.title:
                found[f"{kind}:{item_id}:title"] = item.title
            for i, step in enumerate(getattr(item, "next_steps", [])):
                found[f"{kind}:{item_id}:step:{i}"] = step.text
    return found


def test_a_citation_has_its_french_form_where_the_english_cites_and_only_there(tmp_path: Path) -> None:
    """A requirement that cites the law needs its French citation like any other text: missing, it is
    reported at the English citation (a warning, an error where French is required); where the English
    cites nothing, a French one is an error at its line."""
    main = MAIN.replace("        condition: age", "        reference: IRPR s.75(2)(a)\n        condition: age")
    french = FRENCH.replace('ou plus"}', 'ou plus", reference: "RIPR, al. 75(2)a)"}')
    rulebook = load_rulebook(write(tmp_path, {"main.yaml": main, "main.fr.yaml": french}))
    answers = {"age": 30, "status": "other"}
    cited = {lang: rulebook.in_language(lang).evaluate(answers).pathways["work"].requirements[0].reference
             for lang in ("fr", "en")}
    assert cited == {"fr": "RIPR, al. 75(2)a)", "en": "IRPR s.75(2)(a)"}
    assert not warnings(tmp_path)
    missing = [w for w in warnings(write(tmp_path, {"main.fr.yaml": FRENCH})) if "reference" in w]
    assert len(missing) == 1
    assert missing[0].startswith(f"{tmp_path / 'main.yaml'}:")
    assert missing[0].endswith("no French (fr) text for requirement 'adult' of 'work' reference")
    required = main.replace('  version: "1"\n', '  version: "1"\n  languages: {required: [fr]}\n')
    assert any(p.endswith("no French (fr) text for requirement 'adult' of 'work' reference")
               for p in problems(write(tmp_path, {"main.yaml": required})))
    extra = french.replace("    summary: Une voie par le travail.\n",
                           "    summary: Une voie par le travail.\n    reference: LIPR, art. 12\n")
    found = problems(write(tmp_path, {"main.yaml": main, "main.fr.yaml": extra}))
    assert found == [f"{tmp_path / 'main.fr.yaml'}:17:16: the English has no pathway 'work' reference: "
                     "remove this French text"]


def test_the_shipped_french_citations_name_the_french_acts() -> None:
    """Every pathway, requirement, flag, lead, warning, table, score and derived value (and each dated
    version) that cites the law has its French citation, and it cites the law as French readers know it
    (LIPR, RIPR, Loi sur la citoyenneté), never IRPA/IRPR."""
    english = load_rulebook(SHIPPED)
    french = english.in_language("fr")
    pairs = []
    for pid, pathway in english.pathways.items():
        pairs.append((pid, pathway.reference, french.pathways[pid].reference))
        pairs += [(f"{pid}.{r.id}", r.reference, f.reference)
                  for r, f in zip(pathway.requirements, french.pathways[pid].requirements, strict=True)]
    for kind in ("flags", "leads", "answer_warnings", "tables", "scores"):
        pairs += [(item_id, item.reference, getattr(french, kind)[item_id].reference)
                  for item_id, item in getattr(english, kind).items()]
    for did, value in english.derived.items():
        translated = french.derived[did]
        pairs.append((did, value.reference, translated.reference))
        pairs += [(f"{did} version {index}", version.reference, other.reference) for index, (version, other)
                  in enumerate(zip(value.versions or [], translated.versions or [], strict=True), start=1)]
    cited = [(where, en, fr) for where, en, fr in pairs if en]
    assert len(cited) >= 170
    assert [where for where, en, fr in cited if not fr or fr == en] == []
    for where, en, fr in cited:
        assert not re.search(r"IRPA|IRPR|Citizenship Act|\bs\.\s?\d", fr), (where, fr)
        assert ("IRPR" in en) <= ("RIPR" in fr) and ("IRPA" in en) <= ("LIPR" in fr), (where, fr)
        assert ("Citizenship Act" in en) <= ("Loi sur la citoyenneté" in fr), (where, fr)
    # the same section numbers and dates: a translation never drops or changes an article
    numbers = [(where, en, fr) for where, en, fr in cited
               if set(re.findall(r"\d+(?:\.\d+)?", en)) != set(re.findall(r"\d+(?:\.\d+)?", fr))]
    assert numbers == []


FRENCH_LINK = ("https://www.canada.ca/fr/immigration-refugies-citoyennete/", "https://www.quebec.ca/",
               "https://www.international.gc.ca/", "https://stepstojustice.ca/fr/")


def _french_and_english_steps() -> list[tuple[str, str | None, str | None]]:
    """(where, English url, French url) for every next step of every pathway and lead in the shipped rules."""
    rulebook = load_rulebook(SHIPPED)
    french = rulebook.in_language("fr")
    steps = []
    for english_items, french_items in ((rulebook.pathways, french.pathways), (rulebook.leads, french.leads)):
        assert english_items
        for item_id, item in english_items.items():
            for index, (english_step, step) in enumerate(
                    zip(item.next_steps, french_items[item_id].next_steps, strict=True), start=1):
                steps.append((f"{item_id} {index}", english_step.url, step.url))
    return steps


def test_french_links_are_french_canada_ca_pages_or_the_english_ones() -> None:
    """A French next step (pathway or lead) links to canada.ca/fr/... or keeps the English link; never a mix."""
    steps = _french_and_english_steps()
    assert len(steps) > 40
    for where, english_url, french_url in steps:
        assert french_url == english_url or (french_url or "").startswith(FRENCH_LINK), (where, french_url)
    assert sum(1 for _, english_url, french_url in steps if french_url != english_url) >= 25


def test_every_url_in_a_french_rule_file_is_a_french_address() -> None:
    """Read the .fr.yaml files themselves: any `url:` a translator writes is a French page, so an English or
    made-up address in a translation file is caught even where the loader would accept it."""
    import re

    found = []
    for path in sorted(SHIPPED.rglob("*.fr.yaml")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = re.match(r"\s*(?:-\s+)?url:\s*(?:&\w+\s+)?(\S+)", line)
            if match and not match.group(1).startswith("*"):  # an alias repeats an anchor checked where it is set
                found.append((f"{path.name}:{number}", match.group(1)))
    assert len(found) >= 25
    bad = [(where, url) for where, url in found
           if not url.startswith(FRENCH_LINK) or ("international.gc.ca" in url and "lang=fra" not in url)]
    assert not bad


def test_the_english_links_left_in_french_are_the_documented_ones() -> None:
    """docs/rules.md lists each canada.ca page the French rules still link in English (no French address could
    be confirmed); the list must be exactly what the rules do, so a new English link needs a decision."""
    import re

    docs = (SHIPPED.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    section = docs.split("<!-- english-links-in-french: begin -->")[1].split("<!-- english-links-in-french: end -->")[0]
    documented = set(re.findall(r"^- (https://\S+)", section, flags=re.M))
    kept = {english_url for _, english_url, french_url in _french_and_english_steps()
            if english_url and french_url == english_url and "canada.ca/en/" in english_url}
    assert documented == kept
    assert len(kept) <= 8


def test_every_case_has_the_same_results_in_french() -> None:
    """The language changes texts only: every YAML case gives the same outcomes, scores and ids in French."""
    from screener.evaluation import today
    from screener.guidance import rounds_for
    from screener.rulebook import load_cases

    rulebook = load_rulebook(SHIPPED)
    french = rulebook.in_language("fr")
    cases = load_cases(SHIPPED, rulebook)
    assert len(cases) > 50
    matched = 0
    for _, case, _ in cases:
        as_of = case.as_of or today()
        english_report, french_report = rulebook.evaluate(case.answers, as_of), french.evaluate(case.answers, as_of)
        assert english_report.outcomes() == french_report.outcomes(), case.name
        assert {s: r.value for s, r in english_report.scores.items()} == {
            s: r.value for s, r in french_report.scores.items()}, case.name
        assert [f.id for f in english_report.flags] == [f.id for f in french_report.flags], case.name
        assert [lead.id for lead in english_report.leads] == [lead.id for lead in french_report.leads], case.name
        for score_id, score in english_report.scores.items():  # the rounds shown against a score, too
            english_rounds = [(b.key, b.low, b.high) for b in rounds_for(english_report, score)]
            assert english_rounds == [(b.key, b.low, b.high)
                                      for b in rounds_for(french_report, french_report.scores[score_id])], case.name
            matched += bool(english_rounds)
    assert matched > 5  # some cases do show rounds: the comparison above is not vacuous


def test_every_shipped_translation_file_satisfies_its_schema() -> None:
    import jsonschema

    from screener.rulebook import translation_files
    from screener.schema import as_json_data, translation_schema
    from screener.source import load_yaml_file

    validator = jsonschema.Draft202012Validator(translation_schema())
    files = translation_files(SHIPPED)
    assert len(files) >= 25
    for path in files:
        assert [e.message for e in validator.iter_errors(as_json_data(load_yaml_file(path, str(path))))] == [], path


def test_rules_init_copies_the_translations(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from screener.cli import app

    copy = tmp_path / "mine"
    result = CliRunner().invoke(app, ["rules", "init", str(copy), "--rules", str(SHIPPED)])
    assert result.exit_code == 0, result.output
    assert (copy / "pathways" / "express_entry.fr.yaml").is_file()
    assert load_rulebook(copy).in_language("fr").pathways["express_entry_cec"].title == (
        "Catégorie de l'expérience canadienne (Entrée express)")
    assert "# languages: {required: [fr]}" in (copy / "rulebook.yaml").read_text(encoding="utf-8")  # a warning
    settings = (copy / ".vscode" / "settings.json").read_text(encoding="utf-8")
    assert "translation.schema.json" in settings


def test_a_case_asserting_a_text_in_a_language_the_rules_lack(tmp_path: Path) -> None:
    from screener.ruletests import run_cases

    write(tmp_path, {"main.yaml": MAIN, "main.fr.yaml": FRENCH})
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "t.yaml").write_text(textwrap.dedent("""\
        tests:
          - name: texts
            source: here
            answers: {age: 12, status: other}
            expect:
              pathways: {work: ineligible}
              texts: {en: ["You are 12"], fr: ["Vous avez 12 ans", "Vous avez 13 ans"], de: ["Sie sind 12"]}
        """), encoding="utf-8")
    (result,) = run_cases(load_rulebook(tmp_path)).results
    assert [(d.label, d.expected, d.got) for d in result.differences] == [
        ("texts.fr", "Vous avez 13 ans", "not shown"),
        ("texts.de", ["Sie sind 12"], "no such language"),
    ]
    (why,) = result.differences[0].why
    assert why.startswith("closest text shown: ") and why.endswith("vous avez 12 ans; 18 ans ou plus")


def test_a_label_in_either_language_is_read_in_both(tmp_path: Path) -> None:
    """Answer files, interview replies and CSV cells may use the French or the English label, whatever --lang."""
    rulebook = load_rulebook(SHIPPED)
    raw = {"marital_status": "Célibataire", "partner_status": "A Canadian citizen",
           "intended_province": "Colombie-Britannique", "canadian_citizen": "Non", "goal": "Travailler au Canada"}
    wanted = {"marital_status": "single", "partner_status": "canadian_citizen", "intended_province": "BC",
              "canadian_citizen": "no", "goal": "work"}
    assert rulebook.read_answers(raw) == wanted
    assert rulebook.in_language("fr").read_answers(raw) == wanted
    assert rulebook.in_language("fr").questions["marital_status"].choices[0].label.startswith("Célibataire")


DATED_CITED = COMPACT_HEADER + """\
derived:
  - id: limit
    text: The age limit
    versions:
      - {expr: "35", effective_until: 2026-07-06, reference: IRPR s.5}
      - {expr: "30", effective_from: 2026-07-07}
pathways:
  - {id: work, title: Work, kind: permanent_residence, summary: s,
     requirements: [{id: young, text: Young enough, condition: age <= limit}]}
"""
DATED_FRENCH = """\
rulebook: {title: Démo, disclaimer: Pas un avis juridique.}
topics: {main: Principal}
questions: {age: {prompt: Âge?}}
derived:
  limit:
    text: La limite d'âge
    versions:
      - reference: RIPR, art. 5
      - {}
pathways:
  work: {title: Travail, summary: s, requirements: {young: {text: Assez jeune}}}
"""


def test_a_dated_version_s_citation_is_translated_in_order_and_checked(tmp_path: Path) -> None:
    """`derived: {id: {versions: [...]}}` gives each dated version's citation, in the English order."""
    book = load_rulebook(write(tmp_path, {"main.yaml": DATED_CITED, "main.fr.yaml": DATED_FRENCH}))
    versions = book.in_language("fr").derived["limit"].versions or []
    assert [v.reference for v in versions] == ["RIPR, art. 5", None]
    assert [v.reference for v in book.derived["limit"].versions or []] == ["IRPR s.5", None]
    missing = DATED_FRENCH.replace("      - reference: RIPR, art. 5\n", "      - {}\n")
    assert any(w.endswith("no French (fr) text for derived value 'limit' version #1 reference")
               for w in warnings(write(tmp_path, {"main.fr.yaml": missing})))
    extra = DATED_FRENCH.replace("      - {}\n", "      - {}\n      - reference: RIPR, art. 6\n")
    found = problems(write(tmp_path, {"main.fr.yaml": extra}))
    assert found == [f"{tmp_path / 'main.fr.yaml'}:10:9: derived value 'limit' has only 2 version(s): "
                     "remove this French text"]
