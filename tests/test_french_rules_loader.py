"""The rules loader's rarer problems in French, at the same file:line:col as in English (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pytest
from french_kit import nb
from test_loader import COMPACT_HEADER, HEADER, PATHWAY

from screener import i18n
from screener.rulebook import RulebookError, load_rulebook

# The loader tests' demo rules, with a quoted number in the condition (a type error).
RULES = HEADER + PATHWAY.replace("condition: age >= 18", 'condition: age >= "18"')


def problems(folder: Path, text: str, lang: str) -> list[str]:
    (folder / "main.yaml").write_text(text, encoding="utf-8")
    with i18n.command_language(lang), pytest.raises(RulebookError) as caught:
        load_rulebook(folder)
    return caught.value.details


def test_a_type_error_in_a_condition_is_explained_in_french(tmp_path: Path) -> None:
    where = f"{tmp_path / 'main.yaml'}:32:27"
    assert problems(tmp_path, RULES, "en") == [
        f"{where}: cannot compare a number with the text \"18\": remove the quotes around the number"]
    assert problems(tmp_path, RULES, "fr") == [
        f"{where}: impossible de comparer un nombre avec le texte «\u00a018\u00a0»\u00a0: retirez les guillemets "
        "autour du nombre"]


DATED = COMPACT_HEADER + """\
derived:
  - id: limit
    versions:
      - expr: "35"
        effective_from: 2025-01-01
      - expr: "30"
        effective_from: 2026-07-07
pathways:
  - id: work
    title: Work
    kind: permanent_residence
    summary: s
    requirements:
      - {id: young, text: Young enough, condition: age <= limit}
"""


def test_overlapping_versions_are_explained_in_french(tmp_path: Path) -> None:
    file = tmp_path / "main.yaml"
    assert problems(tmp_path, DATED, "fr") == [
        f"{file}:10:9: la version 1 de «\u00a0limit\u00a0» ({file}:8:9) et la version 2 ({file}:10:9) sont en "
        + nb("vigueur en même temps à partir du 2026-07-07 : fermez la version 1 de «\u00a0limit\u00a0» avec ")
        + "`effective_until: 2026-07-06`"]


def test_a_gap_between_versions_is_explained_in_french(tmp_path: Path) -> None:
    file = tmp_path / "main.yaml"
    text = DATED.replace("effective_from: 2025-01-01\n",
                         "effective_from: 2025-01-01\n        effective_until: 2026-06-30\n")
    assert problems(tmp_path, text, "fr") == [
        f"{file}:11:9: la version 1 de «\u00a0limit\u00a0» ({file}:8:9) se termine le 2026-06-30 et la version 2 "
        f"({file}:11:9) "
        + nb("commence le 2026-07-07 : rien n'est en vigueur du 2026-07-01 au 2026-07-06; la valeur est donc inconnue "
             "pendant ces jours et chaque résultat qui la lit est incomplet : faites commencer la version 2 avec ")
        + "`effective_from: 2026-07-01` (le lendemain de la fin de l'autre)"]
    english = problems(tmp_path, text, "en")
    assert english[0].startswith(f"{file}:11:9: version 1 of 'limit' ({file}:8:9) ends on 2026-06-30 and version 2")


def test_table_and_topic_problems_are_explained_in_french(tmp_path: Path) -> None:
    text = RULES.replace("topic: about_you", "topic: about_yuo", 1).replace(
        'condition: age >= "18"', "condition: age >= bands(1)").replace("pathways:", """\
tables:
  - id: bands
    title: Bands
    key: number
    rows:
      - {at: 1, points: "$15,263"}
pathways:""")
    file = tmp_path / "main.yaml"
    assert problems(tmp_path, text, "fr") == [
        f"{file}:13:12: thème «\u00a0about_yuo\u00a0» inconnu (vouliez-vous dire «\u00a0about_you\u00a0»?); "
        + nb("les thèmes sont : about_you"),
        nb(f"{file}:29:25: «\u00a0points\u00a0» doit être un nombre simple : écrivez 15263 ")
        + "(sans «\u00a0$\u00a0» ni virgules)"]


@pytest.mark.parametrize(("old", "new", "french", "english"), [
    ('age >= "18"', "age >= 18 AND age < 99",
     nb("32:30: «\u00a0AND\u00a0» inattendu : écrivez «\u00a0and\u00a0» en minuscules"),
     "32:30: unexpected 'AND': write 'and' in lower case"),
    ("    prompt: How old are you?\n", "    prompt: How old are you?\n    prompt: Age?\n",
     "15:5: clé «\u00a0prompt\u00a0» en double", "15:5: duplicate key 'prompt'"),
])
def test_parse_advice_and_yaml_problems_are_explained_in_french(
        tmp_path: Path, old: str, new: str, french: str, english: str) -> None:
    text = RULES.replace(old, new)
    file = tmp_path / "main.yaml"
    assert problems(tmp_path, text, "fr") == [f"{file}:{french}"]
    assert problems(tmp_path, text, "en") == [f"{file}:{english}"]


def test_a_missing_required_translation_file_is_explained_in_french(tmp_path: Path) -> None:
    text = RULES.replace('  version: "1"\n', '  version: "1"\n  languages: {required: [fr]}\n').replace(
        'age >= "18"', "age >= 18")
    assert problems(tmp_path, text, "fr") == [
        f"{tmp_path / 'main.yaml'}:2:3: languages: required: fr, mais il n'y a aucun fichier de traduction en "
        "français (*.fr.yaml)"]


MODEL_PROBLEMS = """\
rulebook: {id: demo, title: Demo, version: "1", disclaimer: Not legal advice.}
topics: [{id: main, title: Main}]
questions:
  - {id: age, type: int, topic: main, prompt: Age?, min: abc}
  - {id: married, type: yes_no, topic: main, prompt: Married?, choices: [{value: a, label: A}]}
pathways:
  - {id: work, title: Work, kind: nomad, summary: s, requirements: []}
"""


def test_the_model_checks_and_pydantic_s_own_words_are_explained_in_french(tmp_path: Path) -> None:
    """A rule file's shape mistakes (our model checks and pydantic's type checks) read in the reader's
    language, at the same positions in both."""
    english = problems(tmp_path, MODEL_PROBLEMS, "en")
    french = problems(tmp_path, MODEL_PROBLEMS, "fr")
    assert [line.split(": ", 1)[0] for line in english] == [line.split(": ", 1)[0] for line in french]
    assert any(line.endswith("min: must be a number") for line in english)
    assert any(line.endswith("min: doit être un nombre") for line in french)
    assert any("only choice questions have 'choices' (this one is yes_no)" in line for line in english)
    assert any("seules les questions à choix ont des «\u00a0choices\u00a0» (celle-ci est de type yes_no)" in line
               for line in french)
    assert any("'nomad' is not allowed; use one of:" in line for line in english)
    assert any(nb("«\u00a0nomad\u00a0» n'est pas permis; utilisez l'une de ces valeurs :") in line for line in french)
