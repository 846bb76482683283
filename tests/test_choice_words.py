"""Typed choice labels (issue: "master" was refused while "single" and "IELTS" were taken): a label is
accepted without its possessive or apostrophe, or by an unambiguous start, in English and French, and no
shipped choice becomes unreachable or shares a spelling with another."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.interview import Answer, Back, Invalid, parse_reply
from screener.labels import _heads, label_key, lookup, matching_choices
from screener.model import Choice, Question
from screener.rulebook import Rulebook, load_rulebook

RULES = Path(__file__).parent.parent / "rules"


@pytest.fixture(scope="module", params=["en", "fr"])
def book(request: pytest.FixtureRequest) -> Rulebook:
    base = load_rulebook(RULES)
    return base if request.param == "en" else base.in_language(request.param)


@pytest.mark.parametrize(("lang", "typed"), [("en", "master"), ("en", "Master"), ("en", "master's"),
                                             ("en", "masters"), ("en", "mast"), ("fr", "maîtrise"),
                                             ("fr", "maitr"), ("fr", "Maîtrise")])
def test_the_masters_choice_is_reachable_as_people_type_it(lang: str, typed: str) -> None:
    base = load_rulebook(RULES)
    question = (base if lang == "en" else base.in_language(lang)).questions["education"]
    assert parse_reply(question, typed) == Answer("masters")


def test_french_elisions_and_word_starts() -> None:
    question = load_rulebook(RULES).in_language("fr").questions["education"]
    assert parse_reply(question, "diplôme d études secondaires") == Answer("secondary")
    assert parse_reply(question, "doct") == Answer("doctoral")
    found = parse_reply(question, "dip")  # Diplôme ... fits three choices: never a guess
    assert isinstance(found, Invalid)


def test_every_choice_is_reachable_and_no_spelling_names_two(book: Rulebook) -> None:
    checked = 0
    for qid, question in book.questions.items():
        for choice in question.choices or []:
            for spelling in (choice.value, choice.label):
                if spelling:
                    assert matching_choices(question, spelling) == [choice.value], (qid, spelling)
                    checked += 1
        written = [key for choice in question.choices or [] for key in {label_key(form) for form in (
            choice.value, *_heads(choice.label or ""), *(head for alias in choice.aliases for head in _heads(alias)))}]
        for key, values in lookup(question).exact.items():
            if len(values) > 1:  # only a head two labels share as written ("Yes, ..."), and it is never a guess
                assert written.count(key) > 1 and isinstance(parse_reply(question, key), Invalid), (qid, key)
    assert checked > 100


def test_a_written_spelling_of_another_choice_wins_over_a_variant() -> None:
    question = Question(id="q", type="choice", prompt="?", topic="t", choices=[
        Choice(value="master", label="Master (the ship's)"), Choice(value="masters", label="Master's degree")])
    assert matching_choices(question, "master") == ["master"]
    assert matching_choices(question, "master's") == ["masters"]


def test_a_command_word_is_never_read_as_the_start_of_a_label() -> None:
    question = Question(id="q", type="choice", prompt="?", topic="t", choices=[
        Choice(value="bg", label="Background check done"), Choice(value="none", label="None")])
    assert parse_reply(question, "back") == Back()
    assert matching_choices(question, "backg") == ["bg"]
    assert label_key("Master’s") == "masters"
