"""A "no" to "Are you already a Canadian citizen?" (canada-rules.md §13.24; review8 item 5).

An explicit no is never overridden: it leaves the citizenship route undecided (for a lawyer) only when
the person was born in Canada or to a Canadian parent, and closes it when neither. So after a no the
interview still asks those two questions (it used to stop before them and leave the route "undecided,
still to answer: Born in Canada, Canadian parent" with no way to answer), and no text says the person
did not answer "no". A skipped birth question stays unknown: the route stays undecided and says so.
"""

from __future__ import annotations

import csv
import html
from pathlib import Path
from typing import Any

import pytest
from screen_kit import AS_OF, REAL, check
from typer.testing import CliRunner

from screener.cli import app
from screener.interview import Answer, Interview, parse_reply
from screener.rulebook import Rulebook, load_rulebook

US_ENGINEER = {  # review8's persona 1 (p1c.yaml): says no, never asked about birth
    "goal": "live_permanently", "canadian_citizen": "no", "intended_province": "undecided",
    "marital_status": "single", "english_test": "none", "french_test": "none", "occupation_teer": 1,
    "canadian_work_years": 0, "job_offer": "no", "age": 31, "dependent_children": 0,
    "settlement_funds_cad": 40000, "sibling_in_canada": "no", "relative_in_canada": "no",
    "education": "bachelors", "education_assessed": "yes", "canadian_education": "none",
    "foreign_work_years": 6, "continuous_year": "yes", "employer_canadian_affiliate": "no",
    "provincial_nomination": "no", "criminal_record": "no", "impaired_driving": "none",
    "misrepresentation": "no", "serious_health_condition": "no",
}
BORN_ABROAD = {**US_ENGINEER, "born_in_canada": "no", "canadian_parent": "no"}
BORN_HERE = {**US_ENGINEER, "born_in_canada": "yes"}
SKIPPED_BIRTH = {**US_ENGINEER, "born_in_canada": None}
CONTRADICTIONS = ('not answer "no"', "pas répondu « non »", "pas répondu « non »")  # plain and no-break
TITLE = {"en": "Canadian citizenship (proof of citizenship)", "fr": "Citoyenneté canadienne (preuve de citoyenneté)"}


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook(REAL)


def interview_of(book: Rulebook, replies: dict[str, Any]) -> tuple[Interview, list[str]]:
    """The goal's questions only (the person declines "check the other routes"), answered from `replies`
    (a question not in it is skipped): the interview and the ids asked."""
    interview = Interview.start(book, AS_OF)
    asked: list[str] = []
    while (question := interview.next_question()) is not None and not interview.offer_others():
        asked.append(question.id)
        assert len(asked) < 60
        reply = None if replies.get(question.id) is None else parse_reply(question, str(replies[question.id]))
        if isinstance(reply, Answer):
            interview.answer(question, reply.value)
        else:
            interview.decline(question)
    return interview, asked


def test_after_a_no_the_interview_asks_about_birth_and_the_route_is_decided(book: Rulebook) -> None:
    interview, asked = interview_of(book, BORN_ABROAD)
    assert "born_in_canada" in asked and "canadian_parent" in asked
    assert asked.index("canadian_citizen") < asked.index("born_in_canada")
    report = book.evaluate(interview.answers, AS_OF)
    assert report.pathways["citizenship_by_descent"].outcome == "ineligible"


def test_born_in_canada_after_a_no_is_for_a_lawyer_and_not_asked_further(book: Rulebook) -> None:
    interview, asked = interview_of(book, BORN_HERE)
    assert "canadian_parent" not in asked  # irrelevant once born in Canada
    report = book.evaluate(interview.answers, AS_OF)
    citizenship = report.pathways["citizenship_by_descent"]
    assert citizenship.outcome == "incomplete"
    assert citizenship.reason.startswith("Not decided: A citizenship lawyer's review, if you said you are not")
    assert [lead.id for lead in report.leads if lead.id == "citizenship_answer_review"]


def test_a_skipped_birth_question_stays_unknown_and_is_not_asked_again(book: Rulebook) -> None:
    interview, asked = interview_of(book, SKIPPED_BIRTH)
    assert asked.count("born_in_canada") == 1
    assert "born_in_canada" not in interview.answers
    report = book.evaluate(interview.answers, AS_OF)
    assert report.pathways["citizenship_by_descent"].outcome == "incomplete"


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_surface_contradicts_the_no(tmp_path: Path, lang: str) -> None:
    """First screen, --details, --report, the batch letter: closed when born abroad to non-citizens,
    undecided for a lawyer when born in Canada, and never 'you did not answer "no"'."""
    for answers in (BORN_ABROAD, BORN_HERE, SKIPPED_BIRTH, US_ENGINEER):
        report = tmp_path / "report.md"
        shown = [check(tmp_path, answers, lang=lang), check(tmp_path, answers, "--details", lang=lang),
                 (check(tmp_path, answers, "--report", str(report), lang=lang), report.read_text("utf-8"))[1],
                 letter(tmp_path, answers, lang)]
        for text in shown:
            assert not any(bad in words(text) for bad in CONTRADICTIONS), text
    assert TITLE[lang] not in words(check(tmp_path, BORN_ABROAD, lang=lang))  # closed: counted, not listed
    skipped = {"en": "born in Canada (skipped)", "fr": "né au Canada (question passée)"}[lang]  # in a sentence
    assert skipped in words(check(tmp_path, SKIPPED_BIRTH, "--details", lang=lang))  # unknown, still not no


def letter(tmp_path: Path, answers: dict[str, Any], lang: str) -> str:
    """The batch letter of one row with these answers (a skipped answer is an empty cell)."""
    source, target, letters = tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / f"letters-{lang}"
    with source.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", *answers])
        writer.writerow(["p1", *("" if v is None else v for v in answers.values())])
    for old in letters.glob("*") if letters.exists() else ():
        old.unlink()
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--letters", str(letters),
                                      "--rules", str(REAL), "--as-of", AS_OF.isoformat(), "--lang", lang],
                                env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    (found,) = letters.iterdir()
    return found.read_text(encoding="utf-8")


def test_the_web_interview_asks_about_birth_after_a_no() -> None:
    pytest.importorskip("httpx2", reason="the test extra is not installed: pip install -e '.[serve,test]'")
    from starlette.testclient import TestClient
    from test_serve_api import walk

    from screener.web.app import create_app

    client = TestClient(create_app(load_rulebook(REAL), as_of=AS_OF))
    page, asked, _ = walk(client, {key: str(value) for key, value in BORN_ABROAD.items()})  # walk reads 1 as True
    assert "born_in_canada" in asked and "canadian_parent" in asked
    assert TITLE["en"] not in html.unescape(page).split("Details: every route and why")[0]
