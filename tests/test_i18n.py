"""French as a first-class language (issue 16, program side): choosing the language, complete catalogs,
French answers read the same everywhere, French output where a person reads it."""

from __future__ import annotations

import re
import string

import pytest
from catalog import TRANSLATED, compiled, extract, mo_path, read, untranslated
from typer.testing import CliRunner

from screener import i18n
from screener.answers import AnswerError, coerce, read_answers
from screener.cli import app
from screener.model import Question

NBSP, NNBSP = "\u00a0", "\u202f"


# ------------------------------------------------------------------------------------------ choosing


@pytest.mark.parametrize(("option", "environ", "expected"), [
    (None, {}, "en"),
    ("fr", {}, "fr"),
    ("FR", {}, "fr"),
    ("en", {"SCREENER_LANG": "fr", "LANG": "fr_CA.UTF-8"}, "en"),  # --lang first
    (None, {"SCREENER_LANG": "fr", "LANG": "en_CA.UTF-8"}, "fr"),  # then SCREENER_LANG
    (None, {"SCREENER_LANG": "en", "LANG": "fr_CA.UTF-8"}, "en"),
    (None, {"SCREENER_LANG": "", "LANG": "fr_CA.UTF-8"}, "fr"),  # empty is unset
    (None, {"LANG": "fr_CA.UTF-8"}, "fr"),
    (None, {"LANG": "fr_FR@euro"}, "fr"),
    (None, {"LANG": "fr"}, "fr"),
    (None, {"LC_MESSAGES": "fr_BE.UTF-8", "LANG": "en_US.UTF-8"}, "fr"),
    (None, {"LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "fr_CA.UTF-8", "LANG": "fr_CA.UTF-8"}, "en"),  # POSIX order
    (None, {"LC_ALL": "C", "LANG": "fr_CA.UTF-8"}, "en"),  # LC_ALL=C means C
    (None, {"LANG": "de_DE.UTF-8"}, "en"),  # a locale screener does not speak: English, quietly
    (None, {"LANG": "C.UTF-8"}, "en"),
])
def test_language_choice_follows_option_then_variable_then_locale(option, environ, expected):
    assert i18n.choose_language(option, environ) == expected


@pytest.mark.parametrize(("option", "environ"), [("de", {}), (None, {"SCREENER_LANG": "klingon"})])
def test_asking_for_an_unknown_language_is_a_usage_error(option, environ):
    with pytest.raises(i18n.ScreenerError) as caught:
        i18n.choose_language(option, environ)
    assert caught.value.exit_code == 2
    assert "en, fr" in caught.value.message


def test_the_language_is_per_context_and_restored():
    assert i18n.current() == "en"
    with i18n.language("fr"):
        assert i18n._("yes") == "oui"
        with i18n.language("en"):
            assert i18n._("yes") == "yes"
        assert i18n.current() == "fr"
    assert i18n._("yes") == "yes"


# ------------------------------------------------------------------------------------------ catalogs

PLACEHOLDER = string.Formatter()


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in PLACEHOLDER.parse(text) if name is not None}


@pytest.fixture(scope="module")
def template():
    return extract()


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_program_string_has_its_translation(template, lang):
    catalog = read(lang)
    wanted = {message.id for message in template if message.id}
    have = {message.id for message in catalog if message.id}
    assert not wanted - have, f"strings missing from {lang}.po (run python tests/catalog.py): {sorted(wanted - have)}"
    assert not have - wanted, f"strings no longer in the code (run python tests/catalog.py): {sorted(have - wanted)}"
    missing = [message.id for message in catalog if message.id and (untranslated(message) or message.fuzzy)]
    assert not missing, f"strings without a {lang} translation: {missing}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_the_placeholders(lang):
    for message in read(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert _placeholders(text) == _placeholders(ids[-1]), f"{lang}: placeholders differ for {ids[0]!r}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_shipped_compiled_catalog_is_current(lang):
    assert mo_path(lang).read_bytes() == compiled(read(lang)), "run python tests/catalog.py to recompile"


# ------------------------------------------------------------------------------------------ answers

YES_NO = Question(id="q", prompt="?", type="yes_no", topic="t")
BAND = Question(id="band", prompt="?", type="number", min=0, max=9, topic="t")
MONEY = Question(id="funds", prompt="?", type="money", topic="t")


@pytest.mark.parametrize(("raw", "value"), [("oui", True), ("Oui", True), (" OUI ", True), ("non", False),
                                            ("Non", False), ("yes", True), ("no", False)])
def test_oui_and_non_are_answers_whatever_the_language(raw, value):
    assert coerce(YES_NO, raw) is value
    with i18n.language("fr"):
        assert coerce(YES_NO, raw) is value


@pytest.mark.parametrize(("raw", "value"), [("6,5", 6.5), ("6.5", 6.5), ("7", 7), ("7,0", 7), ("0,5", 0.5)])
def test_a_decimal_comma_reads_as_a_band(raw, value):
    assert coerce(BAND, raw) == value


@pytest.mark.parametrize(("raw", "value"), [
    ("15 263 $", 15263), (f"15{NBSP}263{NBSP}$", 15263), (f"15{NNBSP}263{NNBSP}$", 15263), ("15263 $", 15263),
    ("15 263,50 $", 15263.5), ("15263,5", 15263.5), ("1 234 567 $", 1234567),
    ("$15,263", 15263), ("15,263", 15263), ("$15,263.50", 15263.5), ("15263", 15263),
])
def test_money_in_french_and_english_spellings(raw, value):
    assert coerce(MONEY, raw) == value


@pytest.mark.parametrize("raw", ["15 26 $", "15  263 $", "1 5 $", "15,263,5", "$ $15", "15 263 $ $", "6,5,5", "$1,23",
                                 "$15 263"])
def test_malformed_amounts_are_refused(raw):
    with pytest.raises(ValueError):
        coerce(MONEY, raw)


def test_reasons_are_french_and_never_repeat_the_value():
    with i18n.language("fr"), pytest.raises(AnswerError) as caught:
        read_answers({"band": BAND, "funds": MONEY}, {"band": "12,5", "funds": "beaucoup"})
    text = caught.value.message + "\n".join(caught.value.details)
    assert "2 réponses n'ont pas pu être lues" in text
    assert "band: doit être entre 0 et 9" in text
    assert "funds: un montant en dollars est attendu" in text
    assert "12,5" not in text and "beaucoup" not in text


def test_numbers_and_money_are_written_the_french_way():
    with i18n.language("fr"):
        assert i18n.format_number(6.5) == "6,5"
        assert i18n.format_money(15263) == f"15{NBSP}263{NBSP}$"
        assert i18n.format_money(1234.5) == f"1{NBSP}234,50{NBSP}$"
    assert i18n.format_money(15263) == "$15,263"
    assert i18n.format_number(6.5) == "6.5"


def test_a_route_title_in_a_sentence_follows_the_language_s_rule():
    """English writes a title inside a sentence in lower case unless it is a name ("opens study permit");
    French quotes it (« Permis d'études ») and keeps its capital, though a label there is lowered."""
    assert i18n.title_in_sentence("Study permit") == "study permit"
    assert i18n.title_in_sentence("Federal Skilled Worker Program") == "Federal Skilled Worker Program"
    with i18n.language("fr"):
        assert i18n.title_in_sentence("Permis d'études") == "Permis d'études"
        assert i18n.in_sentence("Permis d'études") == "permis d'études"


# ------------------------------------------------------------------------------------------ command line

runner = CliRunner()


def _error_line(result) -> str:
    return result.output.strip().splitlines()[-1]


def test_lang_option_on_a_command_speaks_french_in_errors():
    result = runner.invoke(app, ["check", "--lang", "fr", "--as-of", "demain"])
    assert result.exit_code == 2
    assert re.search(r"--as-of\s*: « demain » n'est pas une date", _error_line(result).replace(NBSP, " "))


def test_environment_chooses_french(monkeypatch):
    monkeypatch.setenv("SCREENER_LANG", "")
    monkeypatch.setenv("LANG", "fr_CA.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    result = runner.invoke(app, ["check", "--as-of", "demain"])
    assert "n'est pas une date" in result.output
    result = runner.invoke(app, ["check", "--lang", "en", "--as-of", "demain"])
    assert "is not a date" in result.output


def test_unknown_language_is_a_usage_error(monkeypatch):
    result = runner.invoke(app, ["rules", "validate", "--lang", "de"])
    assert result.exit_code == 2 and "en, fr" in result.output
    monkeypatch.setenv("SCREENER_LANG", "xx")
    result = runner.invoke(app, ["rules", "validate"])
    assert result.exit_code == 2 and "SCREENER_LANG" in result.output
