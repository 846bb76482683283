"""The rules loader's rarer problems in French, at the same file:line:col as in English (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener import i18n
from screener.rulebook import RulebookError, load_rulebook

RULES = """\
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
pathways:
  - id: work
    title: Work
    kind: permanent_residence
    summary: A work route.
    requirements:
      - id: adult
        text: You are an adult
        condition: age >= "18"
"""


def problems(folder: Path, text: str, lang: str) -> list[str]:
    (folder / "main.yaml").write_text(text, encoding="utf-8")
    with i18n.command_language(lang), pytest.raises(RulebookError) as caught:
        load_rulebook(folder)
    return caught.value.details


def test_a_type_error_in_a_condition_is_explained_in_french(tmp_path: Path) -> None:
    where = f"{tmp_path / 'main.yaml'}:21:27"
    assert problems(tmp_path, RULES, "en") == [
        f"{where}: cannot compare a number with the text \"18\": remove the quotes around the number"]
    assert problems(tmp_path, RULES, "fr") == [
        f"{where}: impossible de comparer un nombre avec le texte « 18 » : retirez les guillemets autour du nombre"]
