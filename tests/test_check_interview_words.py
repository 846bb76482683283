"""The interview's own words on the real rules: a test's scores shown back in one line (§13.29), and the
topic heading, whose part numbers never go backwards although questions are chosen across topics."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from lawyer_kit import cli

from screener.i18n import language
from screener.interview import Answer, Interview, Invalid, hint, parse_reply
from screener.rulebook import Rulebook, load_rulebook
from screener.web.api import next_question

HERE = Path(__file__).parent
AS_OF = dt.date(2026, 11, 25)
ABILITIES = ("listening", "reading", "writing", "speaking")  # as IELTS, CELPIP, TEF and TCF reports list them


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook(HERE.parent / "rules")


def scores_shown(book: Rulebook, test_question: str, test: str, scores: list[float]) -> list[list[str]]:
    """What is shown back after each of the four scores of `test`."""
    prefix = test_question.replace("_test", "_score_")
    session = Interview.start(book, AS_OF, {test_question: test})
    shown = []
    for ability, score in zip(ABILITIES, scores, strict=True):
        question = book.questions[prefix + ability]
        session.answer(question, score)
        shown.append(session.shown_back(question))
    return shown


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_scores_are_asked_in_the_order_of_the_test_report(book: Rulebook, lang: str) -> None:
    """Listening, reading, writing, speaking: the order of IELTS, CELPIP, TEF and TCF reports and of IRCC's
    forms, so a person reads them off the report top to bottom (the ids keep their names)."""
    from test_personas import interview, person

    answers = {**person("climate_scientist"), "english_test": "ielts_general", "french_test": "tcf_canada",
               "marital_status": "married", "partner_status": "foreign", "partner_accompanying": "yes",
               "partner_language_test": "yes"}
    for ability in ABILITIES:
        answers |= {f"english_score_{ability}": 7, f"partner_clb_{ability}": 7,
                    f"french_score_{ability}": 12 if ability in ("writing", "speaking") else 400}
    with language(lang):
        asked = interview(book.in_language(lang), answers)
    for prefix in ("english_score_", "french_score_", "partner_clb_"):
        group = [question for question in asked if question.startswith(prefix)]
        assert group == [prefix + ability for ability in ABILITIES]
        start = asked.index(group[0])
        assert asked[start:start + 4] == group  # one after the other, as on the report
    order = [question.id for question in book.question_order()]
    for prefix in ("english_clb_", "french_nclc_"):  # a firm's template lists the levels in the same order
        assert [qid for qid in order if qid.startswith(prefix)] == [prefix + ability for ability in ABILITIES]


def test_equal_levels_read_as_one_line_after_the_last_score(book: Rulebook) -> None:
    shown = scores_shown(book, "english_test", "ielts_general", [8, 7, 7, 7])
    assert shown[:3] == [[], [], []]  # nothing until the test is complete
    assert shown[3] == ["IELTS General Training 8/7/7/7 = CLB 9 in every ability"]


def test_different_levels_name_the_lowest_ability(book: Rulebook) -> None:
    shown = scores_shown(book, "english_test", "ielts_general", [8, 7.5, 7, 6.5])
    assert shown[3] == ["IELTS General Training 8/7.5/7/6.5 = CLB 9/9/9/8: at least CLB 8 in every ability "
                        "(lowest: English speaking score)"]


def test_french_tests_use_nclc_and_french_words(book: Rulebook) -> None:
    assert scores_shown(book, "french_test", "tcf_canada", [470, 460, 10, 11])[3] == [
        "TCF Canada 470/460/10/11 = NCLC 7 in every ability"]
    with language("fr"):
        shown = scores_shown(book.in_language("fr"), "english_test", "ielts_general", [8, 7.5, 7, 7])
    assert shown[3] == ["IELTS General Training 8/7,5/7/7 = NCLC 9 dans chaque compétence"]


def test_french_rule_texts_say_nclc_for_english_levels_too(book: Rulebook) -> None:
    """IRCC's French says NCLC for both languages; CLB appears only where the English name is explained."""
    assert book.in_language("fr").questions["english_clb_reading"].label == "Anglais, compréhension de l'écrit (NCLC)"
    rules = Path(__file__).parent.parent / "rules"
    for path in sorted(rules.glob("**/*.fr.yaml")):
        text = re.sub(r"Canadian Language Benchmarks ou CLB|l'échelle CLB", "", path.read_text(encoding="utf-8"))
        assert not re.search(r"\bCLB\b", text), path.relative_to(rules)


def test_a_skipped_score_shows_the_known_levels_one_by_one(book: Rulebook) -> None:
    session = Interview.start(book, AS_OF, {"english_test": "celpip_general"})
    for ability in ABILITIES[:3]:
        session.answer(book.questions[f"english_score_{ability}"], 9)
    last = book.questions["english_score_speaking"]
    session.decline(last)
    reading = book.questions["english_score_reading"]
    shown = session.shown_back(reading)
    assert len(shown) == 3 and all(line.endswith(": 9") for line in shown)
    assert not any("every ability" in line for line in shown)  # not a claim about a score not given


def headings(book: Rulebook, answers: dict[str, Any]) -> list[tuple[str, int, int]]:
    """Each topic heading the terminal shows (at every change of topic), with its part numbers."""
    typed = book.read_answers(answers)
    session = Interview.start(book, AS_OF)
    shown: list[tuple[str, int, int]] = []
    last = None
    while (question := session.next_question()) is not None:
        if session.offer_others():
            session.offered = True
            continue
        progress = session.progress()
        if question.topic != last:
            shown.append((progress.heading(), progress.part, progress.parts))
            last = question.topic
        if question.id in typed:
            session.answer(question, typed[question.id])
        else:
            session.decline(question)
    return shown


@pytest.mark.parametrize("name", ["climate_scientist", "lawyer_with_dui", "honduran_in_us", "married_to_canadian"])
def test_part_numbers_never_go_backwards(book: Rulebook, name: str) -> None:
    answers = yaml.safe_load((HERE / "fixtures" / "personas" / f"{name}.yaml").read_text())
    shown = headings(book, answers)
    parts = [part for _, part, _ in shown]
    totals = [total for _, _, total in shown]
    assert parts == sorted(parts) and totals == sorted(totals, reverse=True)
    assert all(1 <= part <= total <= len(book.topics) for _, part, total in shown)
    titles = [heading.split(" (part")[0] for heading, _, _ in shown]
    again = [t for i, t in enumerate(titles) if t.endswith(", continued")]
    assert again, "these people meet a topic again: the heading must say so"
    for title in again:  # "continued" only for a topic met before
        assert title.removesuffix(", continued") in titles[:titles.index(title)]


@pytest.mark.parametrize(("question", "test", "hint_text", "refused", "accepted"), [
    ("english_score_reading", "ielts_general", "a number from 0 to 9 in steps of 0.5, like 6.5", "65", "7.5"),
    ("english_score_writing", "celpip_general", "a whole number from 1 to 12", "7.5", "12"),
    ("english_score_speaking", "pte_core", "a whole number from 10 to 90", "9", "65"),
    ("french_score_reading", "tef_canada", "a whole number from 0 to 699", "700", "450"),
    ("french_score_writing", "tcf_canada", "a whole number from 0 to 20", "450", "14"),
    ("french_score_listening", "tcf_canada", "a whole number from 0 to 699", "699.5", "699"),
])
def test_each_test_is_asked_on_its_own_scale(book: Rulebook, question: str, test: str, hint_text: str,
                                             refused: str, accepted: str) -> None:
    chosen = "english_test" if question.startswith("english") else "french_test"
    session = Interview.start(book, AS_OF, {chosen: test})
    asked = session.asked(book.questions[question])
    assert hint(asked) == hint_text
    assert isinstance(parse_reply(asked, refused), Invalid)
    assert parse_reply(asked, accepted) == Answer(float(accepted))
    assert hint(book.questions[question]) != hint_text  # the question as written keeps the widest range


def test_the_scale_hint_in_french_and_through_the_web_api(book: Rulebook) -> None:
    session = Interview.start(book, AS_OF, {"english_test": "ielts_general"})
    asked = session.asked(book.questions["english_score_reading"])
    assert parse_reply(asked, "6.7") == Invalid("must be a multiple of 0.5")
    with language("fr"):
        assert hint(asked) == "un nombre de 0 à 9 par pas de 0,5, par exemple 6,5"
    answers = yaml.safe_load((HERE / "fixtures" / "personas" / "climate_scientist.yaml").read_text())
    answers = {k: v for k, v in answers.items() if not k.startswith(("english_clb", "job_offer", "cusma"))} | {
        "english_test": "ielts_general", "education_assessed": True, "job_offer": False}  # his English decides FSW
    shown = next_question(Interview.start(book, AS_OF, book.read_answers(answers)))["question"]
    assert shown["id"].startswith("english_score_") and (shown["min"], shown["max"]) == (0, 9)
    assert shown["hint"] == "a number from 0 to 9 in steps of 0.5, like 6.5"


def test_a_scale_condition_is_checked_with_its_position(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(HERE.parent / "rules", rules)
    language_file = rules / "questions" / "language.yaml"
    language_file.write_text(language_file.read_text().replace('when: english_test == "pte_core"',
                                                               "when: english_test", 1))
    result = cli("rules", "validate", "--rules", str(rules))
    assert result.exit_code != 0
    assert re.search(r"language\.yaml:\d+:\d+: a scale's when must be true/false", result.output)
