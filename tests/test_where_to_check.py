"""A question whose answer can be looked up on an official page (`url`: CUSMA's list of professions) gives
that page to a person who skips it or is not sure: in the interview, on the first screen, in --details and on
the web page (review 11, item 13: "CUSMA profession (skipped)" and no link to the list)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from lawyer_kit import cli
from rich.console import Console

from screener import i18n
from screener.interview import Interview
from screener.render.prompt import run_interview
from screener.rulebook import load_rulebook

RULES = Path(__file__).resolve().parent.parent / "rules"
AS_OF = "2026-11-25"
# a 38-year-old US citizen with a job offer: too old for IEC, so CUSMA is what her offer can open
PERSON = {"goal": "work", "age": 38, "canadian_citizen": "no", "us_citizen": "yes", "job_offer": "yes"}


def the_list(lang: str) -> str:
    """The CUSMA list's address as the rule files give it (English list, French translation file)."""
    if lang == "en":
        questions = yaml.safe_load((RULES / "questions" / "offers_and_plans.yaml").read_text(encoding="utf-8"))
        (question,) = [q for q in questions["questions"] if q["id"] == "cusma_profession"]
    else:
        french = yaml.safe_load((RULES / "questions" / "offers_and_plans.fr.yaml").read_text(encoding="utf-8"))
        question = french["questions"]["cusma_profession"]
    url = question["url"]
    assert isinstance(url, str) and url.startswith("https://www.international.gc.ca/")
    return url


def answers_file(tmp_path: Path, **more: Any) -> Path:
    path = tmp_path / "me.yaml"
    path.write_text(yaml.safe_dump({**PERSON, **more}), encoding="utf-8")
    return path


@pytest.mark.parametrize(("lang", "words"), [("en", "Where to check"), ("fr", "Où vérifier")])
def test_the_first_screen_gives_the_list_beside_the_skipped_answer(tmp_path: Path, lang: str, words: str) -> None:
    # `null` in an answer file is a question the person skipped (a yes/no question's "not sure" is a skip)
    result = cli("check", "--answers", str(answers_file(tmp_path, cusma_profession=None)), "--no-input",
                 "--as-of", AS_OF, "--lang", lang)
    assert result.exit_code == 0, result.output
    (line,) = [line for line in result.stdout.splitlines() if the_list(lang) in line]
    assert words in line
    assert result.stdout.index("CUSMA" if lang == "en" else "ACEUM") < result.stdout.index(line)


@pytest.mark.parametrize(("lang", "unsure", "mark"), [("en", "unsure", "(you were not sure)"),
                                                     ("en", "I don't know", "(you were not sure)"),
                                                     ("fr", "je ne sais pas", "(vous n'en étiez pas sûr)")])
def test_not_sure_in_a_file_gives_the_list_and_says_not_sure(tmp_path: Path, lang: str, unsure: str,
                                                             mark: str) -> None:
    """review12 B2: "unsure" for a yes/no in an answers file (a paralegal writes it) is unknown as a skip is,
    with the list beside it on the first screen, and marked as not sure rather than as skipped."""
    result = cli("check", "--answers", str(answers_file(tmp_path, cusma_profession=unsure)), "--no-input",
                 "--as-of", AS_OF, "--lang", lang)
    assert result.exit_code == 0, result.output
    text = result.stdout.replace("\u00a0", " ")
    assert the_list(lang) in text
    assert " ".join(mark.split()) in " ".join(text.split())
    assert "skipped" not in text and "passée" not in text


def test_details_give_the_list_too(tmp_path: Path) -> None:
    result = cli("check", "--answers", str(answers_file(tmp_path, cusma_profession=None)), "--no-input",
                 "--details", "--as-of", AS_OF, "--lang", "en")
    assert result.exit_code == 0, result.output
    still = result.stdout[result.stdout.index("Still undecided"):]
    assert the_list("en") in still.split("\n\n")[0]  # in that section, not only under a pathway


def test_an_answered_question_needs_no_list(tmp_path: Path) -> None:
    result = cli("check", "--answers", str(answers_file(tmp_path, cusma_profession="yes")), "--no-input",
                 "--details", "--as-of", AS_OF, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Where to check" not in result.stdout  # the list is still a next step of the open CUSMA route


def test_the_interview_gives_it_when_the_person_skips_and_with_the_help() -> None:
    book = load_rulebook(RULES)
    interview = Interview.start(book, dt.date.fromisoformat(AS_OF), book.read_answers(PERSON), set())
    out = io.StringIO()
    console = Console(file=out, width=80, no_color=True)
    replies: list[str] = []
    seen = 0

    def read() -> str:
        nonlocal seen
        new, seen = out.getvalue()[seen:], len(out.getvalue())  # what was printed since the last reply
        assert len(replies) < 80
        if "Check the other routes too?" in new:
            reply = "no"
        elif "CUSMA list of professions" in new and "?" not in replies:
            reply = "?"  # help first, then skip, at the CUSMA question; every other one is skipped
        else:
            reply = "skip"
        replies.append(reply)
        return reply

    with i18n.language("en"):
        run_interview(interview, console, read)
    shown = out.getvalue()
    assert "?" in replies  # the CUSMA question was asked
    assert shown.count(the_list("en")) == 2  # with the help, then once skipped
    assert shown.count("Where to check") == 2  # and for no question without a page


def test_the_web_verdict_gives_the_list_as_a_link() -> None:
    pytest.importorskip("starlette", reason="the serve extra is not installed")
    pytest.importorskip("httpx2", reason="the test extra is not installed")
    from starlette.testclient import TestClient
    from test_serve_api import walk

    from screener.web.app import create_app

    client = TestClient(create_app(load_rulebook(RULES), as_of=dt.date.fromisoformat(AS_OF)))
    page, asked, _lines = walk(client, PERSON)
    assert "cusma_profession" in asked
    assert f'<a href="{the_list("en")}">' in page


def test_the_report_file_gives_it_on_the_requirement_that_waits_for_it(tmp_path: Path) -> None:
    report = tmp_path / "verdict.md"
    result = cli("check", "--answers", str(answers_file(tmp_path, cusma_profession=None)), "--no-input",
                 "--report", str(report), "--as-of", AS_OF, "--lang", "en")
    assert result.exit_code == 0, result.output
    (line,) = [line for line in report.read_text(encoding="utf-8").splitlines() if "Where to check" in line]
    assert "answer: CUSMA profession" in line and f"<{the_list('en')}>" in line
