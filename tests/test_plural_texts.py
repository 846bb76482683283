"""A number with a noun in a rule text (review7: « Pour une famille de 1 », "1 years"): a placeholder may give
a wording for one and one for more, `{count | one person | a family of %}`, in each language; `rules validate`
checks the wordings and the number (docs/rules.md). The shipped texts are checked in both languages by
rules/tests/texts_both_languages.yaml (a family of one and of two, a sentence that ended 1 year ago)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lawyer_kit import cli, edit

from screener.i18n import is_one, language

RULES = Path(__file__).parent.parent / "rules"
REHAB = "Your sentence ended {years_since_sentence_completed | % year | % years} ago"


@pytest.fixture()
def copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(RULES, tmp_path / "rules"))


@pytest.mark.parametrize(("lang", "ones", "others"), [("en", [1, 1.0], [0, 2, 1.5, 21]), ("fr", [0, 1, 1.5], [2, 21])])
def test_one_is_what_each_language_says_it_is(lang: str, ones: list[float], others: list[float]) -> None:
    with language(lang):
        assert [is_one(n) for n in ones] == [True] * len(ones)
        assert [is_one(n) for n in others] == [False] * len(others)


def test_a_placeholder_with_three_wordings_is_refused_where_it_is(copy: Path) -> None:
    edit(copy / "flags.yaml", REHAB, REHAB.replace("% years}", "% years | %s}"))
    result = cli("rules", "validate", str(copy))
    assert result.exit_code == 1
    assert "flags.yaml:" in result.output and "gives 3 wordings: a placeholder with wordings gives two" in result.output


def test_the_number_that_chooses_a_wording_must_be_a_number(copy: Path) -> None:
    edit(copy / "flags.yaml", REHAB, REHAB.replace("years_since_sentence_completed", "marital_status"))
    edit(copy / "flags.fr.yaml", "{years_since_sentence_completed | % an | % ans}", "{marital_status | % an | % ans}")
    result = cli("rules", "validate", str(copy))
    assert result.exit_code == 1
    assert "a placeholder with wordings for one and more must be a number" in " ".join(result.output.split())


def test_each_language_may_give_wordings_or_not_but_the_expression_must_match(copy: Path) -> None:
    file = copy / "flags.fr.yaml"
    edit(file, "{years_since_sentence_completed | % an | % ans}", "{years_since_sentence_completed} an(s)")
    assert cli("rules", "validate", str(copy)).exit_code == 0
    edit(file, "{years_since_sentence_completed} an(s)", "{age | % an | % ans}")
    result = cli("rules", "validate", str(copy))
    assert result.exit_code == 1
    assert "French has {age}, English has {years_since_sentence_completed}" in result.output
