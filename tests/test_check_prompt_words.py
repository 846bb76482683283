"""Small things a person meets at the prompt (review6 #11): 1 and 0 at a yes/no question, long choice labels
that wrap, and the goal's help telling what the interview does."""

from __future__ import annotations

import os
import re
import shutil
import sys

import pexpect
from test_check_pty import FIXTURE, PROMPT, REAL, answer, spawn

from screener.rulebook import load_rulebook


def test_one_or_zero_at_a_yes_no_question_is_refused_with_a_hint() -> None:
    child = spawn()
    answer(child, "Are you already a Canadian citizen?", "no")
    answer(child, "Were you born in Canada?", "1")
    child.expect_exact("Sorry: please type yes or no, not a number. Please try again.")
    child.expect_exact(PROMPT)
    child.sendline("0")
    child.expect_exact("please type yes or no, not a number")
    child.expect_exact(PROMPT)
    child.sendline("no")
    child.expect_exact("When you were born, was either of your parents a Canadian citizen?")
    child.close(force=True)


def test_a_long_choice_label_wraps_under_itself() -> None:
    env = {**os.environ, "COLUMNS": "24", "LINES": "24", "NO_COLOR": "1"}
    env.pop("SCREENER_RULES", None)
    executable = shutil.which("screener") or sys.executable
    lead = [] if executable.endswith("screener") else ["-m", "screener"]
    child = pexpect.spawn(executable, [*lead, "check", "--rules", str(FIXTURE), "--as-of", "2026-11-25"],
                          env=env, encoding="utf-8", timeout=20, dimensions=(24, 24))
    child.expect_exact(PROMPT)
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).rstrip() for line in str(child.before).splitlines()]
    first = next(index for index, line in enumerate(lines) if line.startswith("  1. "))
    assert lines[first] == "  1. Yes, I am a"  # "Yes, I am a Canadian citizen" does not fit in 24 columns
    assert lines[first + 1].startswith("     Canadian")  # the rest hangs under the label, not at column 0
    assert lines[first + 2].startswith("  2. No")
    child.close(force=True)


def test_the_goal_help_says_what_the_interview_does() -> None:
    """The interview asks the goal's routes first and offers the others: the help must not say every route
    is checked anyway (in either language)."""
    book = load_rulebook(REAL)
    for lang, offer in (("en", "you can check the other routes too"), ("fr", "vous pouvez aussi vérifier les autres")):
        words = " ".join((book.in_language(lang).questions["goal"].help or "").split())
        assert offer in words
        assert "still checked" not in words and "quand même vérifiées" not in words
