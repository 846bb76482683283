"""A route closed only by a test not taken yet (review6 #4): the interview keeps asking its other
questions, so the screen can say what taking the test would open."""

from __future__ import annotations

from pathlib import Path

from test_check_pty import REAL, converse, finish, spawn

# A US engineer who wants to live in Canada for good and has no English or French test.
NO_TEST = """\
goal: live_permanently
canadian_citizen: "no"
born_in_canada: "no"
intended_province: "ON"
marital_status: single
english_test: none
french_test: none
us_citizen: "yes"
job_offer: "no"
employer_canadian_affiliate: "no"
"""

REPLIES = {  # prompt text -> reply; the most specific first (the screen before a prompt may hold several)
    "Check the other routes too?": "no",
    "TEER": "1",
    "How old": "35",
    "highest completed education": "5",
    "ECA": "yes",
    "credential in Canada": "1",
    "continuous year": "yes",
    "brother or sister": "no",
    "another relative": "no",
    "skilled work have you done outside Canada": "5",
    "skilled work have you done in Canada": "0",
    "dependent children": "0",
    "could you bring": "30000",
    "nomination": "no",
    "arrested, charged": "no",
    "driving under": "1",
    "misrepresent": "no",
    "costly ongoing care": "no",
}


def test_no_language_test_still_asks_what_the_test_would_open(tmp_path: Path) -> None:
    answers = tmp_path / "eng.yaml"
    answers.write_text(NO_TEST)
    child = spawn("--answers", str(answers), rules=REAL)
    asked = converse(child, REPLIES, default="skip")
    screen = " ".join(str(child.before).split())  # the verdict, printed after the last question
    finish(child)
    assert child.exitstatus == 0
    assert {"How old", "highest completed education", "skilled work have you done outside Canada"} <= set(asked)
    assert "What could change this: English test" in screen
    assert "makes you eligible for Federal Skilled Worker Program (Express Entry) (FSW grid score: 70)" in screen


def test_a_route_closed_by_something_else_is_not_kept_open(tmp_path: Path) -> None:
    """Without a test and planning to live in Quebec, the federal programs stay closed (Quebec selects its
    own): the test would not open them, so their questions are not asked for them."""
    answers = tmp_path / "qc.yaml"
    answers.write_text(NO_TEST.replace('intended_province: "ON"', 'intended_province: "QC"'))
    child = spawn("--answers", str(answers), rules=REAL)
    asked = converse(child, REPLIES, default="skip")
    finish(child)
    assert child.exitstatus == 0
    assert "TEER" not in asked
