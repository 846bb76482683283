"""Unknown is not no (canada-rules.md §13.16, §13.20), on the first screen and in the interview.

review5 items 1 and 2: an "I am not sure" or a skipped answer made every route it touched read as
*closed* on the short screen, while `--json` said `incomplete`, and the interview stopped asking the
questions that could still decide the person's goal. A route whose outcome is `incomplete` is never
counted with the closed ones; the screen names what is unknown (the unsure or skipped answer), and
the interview goes on asking the other questions (never the one declined again)."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pexpect
import pytest
from screen_kit import AS_OF, REAL, check

PROMPT = "> "
ANSI = re.compile(r"\x1b\[[0-9;]*m")

UNSURE_CITIZEN = {"goal": "join_family", "canadian_citizen": "unsure", "born_in_canada": "no",
                  "canadian_parent": "no", "age": 30}
SKIPPED_PARTNER = {"goal": "join_family", "canadian_citizen": "no", "marital_status": "married",
                   "partner_status": "canadian_pr", "partner_lives_in_canada": None, "age": 30}


def closed_on_screen(screen: str) -> int:
    """How many routes the first screen counts as closed ("Closed: 3 routes", "…, 2 closed"), in EN or FR."""
    words = " ".join(screen.split())
    found = re.search(r"Closed: (\d+)", words) or re.search(r"(\d+) (?:closed|voies? fermées?|fermées?)\b", words)
    return int(found.group(1)) if found else 0


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("answers", [UNSURE_CITIZEN, SKIPPED_PARTNER], ids=["unsure_citizen", "skipped_partner"])
def test_the_screen_counts_as_closed_only_what_the_report_closes(tmp_path: Path, answers: dict[str, Any],
                                                                 lang: str) -> None:
    report = json.loads(check(tmp_path, answers, "--json"))
    ineligible = sum(p["outcome"] == "ineligible" for p in report["pathways"].values())
    screen = check(tmp_path, answers, lang=lang)
    assert closed_on_screen(screen) == ineligible
    assert "No route is open to you" not in screen and "Aucune voie ne vous est ouverte" not in screen


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["is open yet", "Canadian citizen (you were not sure)"]),
    ("fr", ["n'est encore ouverte", "(vous n'en étiez pas sûr)"]),
])
def test_an_unsure_citizen_is_told_what_is_unknown(tmp_path: Path, lang: str, words: list[str]) -> None:
    """`canadian_citizen: unsure` leaves all twelve routes undecided: the screen says so and names it."""
    screen = " ".join(check(tmp_path, UNSURE_CITIZEN, lang=lang).split())
    for word in words:
        assert word in screen, (word, screen)


@pytest.mark.parametrize(("lang", "title", "mark"), [
    ("en", "Sponsorship by your Canadian spouse or partner", "(skipped)"),
    ("fr", "Parrainage par votre époux ou conjoint de fait canadien", "(question passée)"),
])
def test_a_skipped_question_leaves_the_goal_route_undecided_on_screen(tmp_path: Path, lang: str, title: str,
                                                                       mark: str) -> None:
    """The spouse of a permanent resident who skipped "does your partner live in Canada" sees sponsorship
    among the undecided routes, with the skipped question named."""
    report = json.loads(check(tmp_path, SKIPPED_PARTNER, "--json"))
    assert report["pathways"]["spousal_sponsorship"]["outcome"] == "incomplete"
    screen = " ".join(check(tmp_path, SKIPPED_PARTNER, lang=lang).split())
    assert title in screen, screen
    line = screen[screen.index(title):]
    assert mark in line[:len(title) + 80], line[:200]


def test_details_name_the_unsure_answer(tmp_path: Path) -> None:
    """The full detail says which answer keeps the routes undecided (it has no unanswered question)."""
    text = " ".join(check(tmp_path, UNSURE_CITIZEN, "--details").split())
    assert "Canadian citizen (you were not sure)" in text
    assert "Why some pathways are closed" not in text


# ------------------------------------------------------------------------------------- the interview


def spawn(lang: str) -> pexpect.spawn:
    env = {k: v for k, v in os.environ.items() if k not in ("SCREENER_LANG", "LC_ALL", "LC_MESSAGES", "SCREENER_RULES")}
    env |= {"COLUMNS": "80", "LINES": "24", "NO_COLOR": "1", "PAGER": "cat", "LANG": "en_CA.UTF-8"}
    executable = shutil.which("screener") or sys.executable
    lead = [] if executable.endswith("screener") else ["-m", "screener"]
    return pexpect.spawn(executable, [*lead, "check", "--rules", str(REAL), "--as-of", AS_OF.isoformat(),
                                      "--lang", lang], env=env, encoding="utf-8", timeout=30, dimensions=(24, 80))


def converse(child: pexpect.spawn, replies: list[tuple[str, str]]) -> list[str]:
    """Answer each question by the first prompt text of `replies` it shows (in that order, each once); a
    yes/no question gets no, any other skip (unknown), and "Check the other routes too?" no. Returns what
    was on screen at each prompt."""
    asked: list[str] = []
    pending = list(replies)
    while child.expect([re.escape(PROMPT), pexpect.EOF]) == 0:
        assert len(asked) < 150, asked[-5:]  # a reply read as invalid would ask forever
        screen = ANSI.sub("", str(child.before))
        lines = [line.strip() for line in screen.splitlines() if line.strip()]
        asked.append(" ".join(lines))  # the question, its choices and hint (a long prompt wraps at 80 columns)
        match = next((pair for pair in pending if pair[0] in screen), None)
        if match is not None:
            pending.remove(match)
            child.sendline(match[1])
        elif lines[-1:] in (["(yes or no)"], ["(oui ou non)"]) or "other routes too?" in screen \
                or "autres voies?" in screen:
            child.sendline("no")
        else:
            child.sendline("skip")
    assert not pending, (pending, asked)
    return asked


def finish(child: pexpect.spawn) -> str:
    child.close()
    return ANSI.sub("", str(child.before))


@pytest.mark.parametrize(("lang", "replies", "expected"), [
    ("en", [("What do you want most?", "4"), ("Are you already a Canadian citizen?", "3"),
            ("Were you born in Canada?", "no"), ("was either of your parents", "3"), ("How old", "30"),
            ("What is your marital status?", "2"), ("partner's status", "1"), ("live in Canada now?", "yes")],
     "Sponsorship by your Canadian spouse or partner: Canadian citizen (you were not sure)"),
    ("fr", [("Que souhaitez-vous le plus", "4"), ("Êtes-vous déjà citoyen canadien", "3"),
            ("Êtes-vous né au Canada", "non"), ("l'un de vos parents", "3"), ("Quel âge", "30"),
            ("état matrimonial", "2"), ("statut de votre époux", "1"), ("vit-il actuellement au Canada", "oui")],
     "Parrainage par votre époux ou conjoint de fait canadien : citoyen canadien (vous n'en étiez pas sûr)"),
], ids=["en", "fr"])
def test_not_sure_of_citizenship_still_asks_what_decides_the_family_routes(lang: str, replies: list[tuple[str, str]],
                                                                             expected: str) -> None:
    """review5 item 1: after "I am not sure" to "Are you a citizen?", the family routes are undecided, not
    closed, so the interview asks the marital status and the partner's questions (`converse` fails when
    one is not asked), never the citizenship question again; the screen shows sponsorship waiting on
    the one thing the person does not know."""
    child = spawn(lang)
    asked = converse(child, replies)
    screen = " ".join(finish(child).split()).replace("\u00a0", " ")
    citizen = replies[1][0]
    assert sum(citizen in question for question in asked) == 1, asked
    assert expected in screen, screen


@pytest.mark.parametrize(("lang", "replies", "returning"), [
    ("en", [("What do you want most?", "4"), ("Are you already a Canadian citizen?", "no"), ("How old", "31"),
            ("What is your marital status?", "2"), ("partner's status", "1"), ("live in Canada now?", "skip")],
     "move back to live in Canada"),
    ("fr", [("Que souhaitez-vous le plus", "4"), ("Êtes-vous déjà citoyen canadien", "non"), ("Quel âge", "31"),
            ("état matrimonial", "2"), ("statut de votre époux", "1"), ("vit-il actuellement au Canada", "passer")],
     "reviendra"),
], ids=["en", "fr"])
def test_skipping_where_the_partner_lives_still_asks_whether_they_will_return(
        lang: str, replies: list[tuple[str, str]], returning: str) -> None:
    """review5 item 2: skipping "does your partner live in Canada" leaves the relevance of "will they move
    back" unknown; nothing else can settle it, so that deciding question is asked."""
    child = spawn(lang)
    asked = converse(child, replies)
    finish(child)
    assert any(returning in question for question in asked), asked
