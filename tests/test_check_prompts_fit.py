"""A question in the words that fit the person (review6 #11): a single person is not asked about a partner's
brother or sister, in English or French; a person with a partner still is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_check_pty import REAL, converse, spawn

from screener.interview import Interview
from screener.rulebook import load_rulebook

SINGLE = {"goal": "live_permanently", "canadian_citizen": "no", "born_in_canada": "no", "marital_status": "single",
          "intended_province": "ON", "english_test": "none", "french_test": "none", "us_citizen": "no"}


def test_a_single_person_is_asked_about_their_own_brother_or_sister_at_the_terminal(tmp_path: Path) -> None:
    answers = tmp_path / "single.yaml"
    answers.write_text("".join(f'{key}: "{value}"\n' for key, value in SINGLE.items()))
    child = spawn("--answers", str(answers), rules=REAL)
    asked = converse(child, {"Check the other routes too?": "no", "Save your answers?": "",
                             "Do you have a brother or sister": "no",
                             "Do you or your partner have a brother or sister": "no"}, default="skip")
    child.close()
    assert "Do you have a brother or sister" in asked
    assert "Do you or your partner have a brother or sister" not in asked


@pytest.mark.parametrize(("lang", "single", "couple"), [
    ("en", "Do you have a brother or sister", "Do you or your partner have a brother or sister"),
    ("fr", "Avez-vous un frère ou une sœur", "Vous-même ou votre époux ou conjoint avez-vous un frère"),
])
def test_the_words_follow_the_marital_status(lang: str, single: str, couple: str) -> None:
    book = load_rulebook(REAL).in_language(lang)
    question = book.questions["sibling_in_canada"]
    for status, words in (("single", single), ("married", couple), (None, couple)):  # unknown: the general words
        answers = book.read_answers({**SINGLE, "marital_status": status} if status else SINGLE)
        if status is None:
            answers.pop("marital_status")
        interview = Interview.start(book, dt.date(2026, 11, 25), answers)
        assert interview.asked(question).prompt.startswith(words), (lang, status)
