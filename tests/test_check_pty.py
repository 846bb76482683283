"""`screener check` in a real terminal (pexpect): whole interviews, help, back, bad input, Ctrl-C."""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import sys
from pathlib import Path

import pexpect
import pytest

ROOT = Path(__file__).parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "check" / "rules"
REAL = ROOT / "rules"
PROMPT = "> "


def spawn(*args: str, rules: Path = FIXTURE, cwd: Path | None = None, env: dict[str, str] | None = None
          ) -> pexpect.spawn:
    env = env or {**os.environ, "COLUMNS": "100", "LINES": "50", "NO_COLOR": "1", "PAGER": "cat", "MANPAGER": "cat"}
    env.pop("SCREENER_RULES", None)
    executable = shutil.which("screener") or sys.executable
    lead = [] if executable.endswith("screener") else ["-m", "screener"]
    child = pexpect.spawn(executable, [*lead, "check", "--rules", str(rules), "--as-of", "2026-11-25", *args],
                          env=env, encoding="utf-8", timeout=20, dimensions=(50, 100), cwd=str(cwd or ROOT))
    return child


def answer(child: pexpect.spawn, question: str, reply: str) -> None:
    child.expect_exact(question)
    child.expect_exact(PROMPT)
    child.sendline(reply)


def converse(child: pexpect.spawn, replies: dict[str, str], default: str | None = None) -> list[str]:
    """Answer whatever is asked, in whatever order, from `replies` (prompt text -> reply); a question
    not in `replies` gets `default` (the test fails if there is none). Returns the questions asked."""
    asked: list[str] = []
    while child.expect([re.escape(PROMPT), pexpect.EOF]) == 0:
        screen = str(child.before)
        known = [prompt for prompt in replies if prompt in screen]
        if known:
            asked.append(known[0])
            child.sendline(replies[known[0]])
            continue
        assert default is not None, f"unexpected question: {screen[-300:]}"
        lines = [line for line in screen.splitlines() if line.strip().endswith("?")]
        asked.append(lines[0].strip() if lines else screen.strip())
        child.sendline(default)
    return asked


def finish(child: pexpect.spawn) -> str:
    """Everything printed until the command ends, without styles (NO_COLOR keeps bold and dim)."""
    child.expect(pexpect.EOF)
    child.close()
    return re.sub(r"\x1b\[[0-9;]*m", "", str(child.before))


def test_child_of_a_canadian_parent_is_done_in_three_questions() -> None:
    child = spawn()
    answer(child, "Are you already a Canadian citizen?", "3")
    answer(child, "Were you born in Canada?", "no")
    answer(child, "When you were born, was either of your parents a Canadian citizen?", "1")
    child.expect_exact("You are very likely Canadian already")
    rest = finish(child)
    assert child.exitstatus == 0
    assert "Apply for a citizenship certificate." in rest
    assert PROMPT not in rest  # no fourth question


def test_spouse_of_a_canadian_citizen() -> None:
    child = spawn()
    answer(child, "Are you already a Canadian citizen?", "no")
    answer(child, "Were you born in Canada?", "n")
    asked = converse(child, {
        "When you were born, was either of your parents a Canadian citizen?": "no",
        "How old are you today?": "34",
        "Have you ever been arrested": "no",
        "What is your marital status?": "2",
        "What is your spouse's or partner's status in Canada?": "1",
    }, default="skip")  # the skilled-worker questions are still asked, and declined here
    assert "What is your spouse's or partner's status in Canada?" in asked
    child.close()
    rest = re.sub(r"\x1b\[[0-9;]*m", "", str(child.before))
    assert "Open to you: Spousal sponsorship." in rest
    assert child.exitstatus == 0
    assert "Your spouse applies to sponsor you." in rest
    # the person chose not to keep the answers (review10 #8): no hint to save them
    assert "--save" not in rest
    assert "screener check --details says why" in " ".join(rest.split())


def test_scientist_of_45_with_a_job_offer_help_back_and_invalid_input(tmp_path: Path) -> None:
    saved = tmp_path / "scientist.yaml"
    child = spawn("--save", str(saved), "--details")
    answer(child, "Are you already a Canadian citizen?", "No")
    answer(child, "Were you born in Canada?", "no")
    answer(child, "When you were born, was either of your parents a Canadian citizen?", "3")
    answer(child, "How old are you today?", "forty-five")
    child.expect_exact("expected a whole number")
    child.expect_exact(PROMPT)
    child.sendline("450")
    child.expect_exact("must be between 0 and 120")
    child.expect_exact(PROMPT)
    child.sendline("?")
    child.expect_exact("Your age in whole years today.")
    child.expect_exact(PROMPT)
    child.sendline("54")  # a slip, corrected with back on the next question
    child.expect_exact(PROMPT)
    child.sendline("back")
    child.expect_exact("Going back to: How old are you today?")
    answer(child, "How old are you today?", "45")
    asked = converse(child, {
        "Have you ever been arrested": "no",
        "What is your marital status?": "single",
        "Your English reading level (CLB)?": "9",
        "Your English writing level (CLB)?": "9",
        "Your French reading level (NCLC)?": "0",
        "Your French writing level (NCLC)?": "0",
        "What is your highest completed education?": "4",
        "Years of skilled work outside Canada?": "10",
        "Do you have a job offer from a Canadian employer?": "yes",
    })
    # With a job offer the funds requirement is met, so the amount is never asked.
    child.close()
    rest = re.sub(r"\x1b\[[0-9;]*m", "", str(child.before))
    assert child.exitstatus == 0
    assert "Your best option: Work permit with a job offer (eligible" in rest
    assert "How much money" not in rest
    # The fixture grid: age 45 -> 2, English CLB 9 -> 24, doctoral 25, 10 years -> 15: one short of 67.
    assert "✗ Needed: 67 points on the FSW grid" in rest and "You have: 66" in rest
    # FSW is decided (closed) before French is asked, so the French questions, only for its CRS, are not.
    assert "Your French reading level (NCLC)?" not in asked
    assert "out of 1200" not in rest  # no Express Entry program is open: no CRS section
    assert stat.S_IMODE(os.stat(saved).st_mode) == 0o600
    text = saved.read_text()
    assert "age: 45" in text and 'job_offer: "yes"' in text


@pytest.mark.parametrize("no_color", [True, False])
def test_details_at_a_terminal_go_whole_through_the_pager(tmp_path: Path, no_color: bool) -> None:
    """review11 #1: the pager opened on an empty page and the verdict came after it, unpaged."""
    paged, less = tmp_path / "paged.txt", tmp_path / "less.txt"
    env = {key: value for key, value in os.environ.items() if key not in ("MANPAGER", "NO_COLOR", "LESS")}
    env.update(COLUMNS="100", LINES="50", PAGER=f'printf %s "$LESS" > {less}; cat > {paged}')
    if no_color:
        env["NO_COLOR"] = "1"
    persona = ROOT / "tests" / "fixtures" / "personas" / "climate_scientist.yaml"
    child = spawn("--answers", str(persona), "--details", "--no-input", rules=REAL, env=env)
    shown = finish(child)
    assert child.exitstatus == 0
    text = paged.read_text()
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    for heading in ("Your best option", "Why some pathways are closed", "What would change the outcome"):
        assert heading in plain
    assert len(plain.splitlines()) > 50  # the whole verdict, not its first screen
    assert "Why some pathways are closed" not in shown  # paged once, not printed again after the pager
    assert ("\x1b[" in text) is not no_color  # styles for less -R; none under NO_COLOR
    assert less.read_text() == "FRX"  # less shows the styles, and quits at once when the verdict fits


def interrupted_after_one_answer(tmp_path: Path) -> pexpect.spawn:
    """An interview with one answer given, stopped by Ctrl-C at the second question: at the save offer."""
    child = spawn(cwd=tmp_path)
    answer(child, "Are you already a Canadian citizen?", "no")
    child.expect_exact("Were you born in Canada?")
    child.expect_exact(PROMPT)
    child.sendintr()
    child.expect_exact("Interrupted.")
    child.expect_exact("Save your answers to continue later?")
    child.expect_exact(PROMPT)
    return child


def test_ctrl_c_offers_to_save_and_exits_130(tmp_path: Path) -> None:
    child = interrupted_after_one_answer(tmp_path)
    child.sendline("later.yaml")
    child.expect_exact("Continue with: screener check --answers later.yaml")
    rest = finish(child)
    assert child.exitstatus == 130
    assert "Traceback" not in rest
    saved = tmp_path / "later.yaml"
    assert stat.S_IMODE(os.stat(saved).st_mode) == 0o600
    assert 'canadian_citizen: "no"' in saved.read_text()


def test_ctrl_c_before_any_answer_just_exits() -> None:
    child = spawn()
    child.expect_exact(PROMPT)
    child.sendintr()
    child.expect_exact("Interrupted.")
    rest = finish(child)
    assert child.exitstatus == 130
    assert "Save your answers" not in rest and "Traceback" not in rest


def test_end_of_input_exits_cleanly() -> None:
    child = spawn()
    answer(child, "Are you already a Canadian citizen?", "no")
    child.expect_exact("Were you born in Canada?")
    child.expect_exact(PROMPT)
    child.sendeof()
    child.expect_exact("End of input")
    child.expect_exact("Save your answers to continue later?")
    child.expect_exact("> ")
    child.sendeof()
    rest = finish(child)
    assert child.exitstatus == 1
    assert "Traceback" not in rest


def test_answers_file_prefills_and_only_the_rest_is_asked(tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text('canadian_citizen: "no"\nborn_in_canada: no\ncanadian_parent: "no"\nage: 30\n')
    child = spawn("--answers", str(answers))
    child.expect_exact(PROMPT)
    assert "How old are you" not in str(child.before)
    assert "4 answered" in str(child.before)  # the resumed answers count
    child.sendintr()
    finish(child)
    assert child.exitstatus == 130


def test_answers_file_with_json_asks_nothing_even_at_a_terminal(tmp_path: Path) -> None:
    """A program's answers file and JSON: nobody is there to answer, so no interview starts (issue 12)."""
    answers = tmp_path / "a.yaml"
    answers.write_text('canadian_citizen: "no"\nage: 30\n')
    child = spawn("--answers", str(answers), "--json")
    out = finish(child)
    assert child.exitstatus == 0
    assert PROMPT not in out and "Answer each question" not in out
    assert out.lstrip().startswith("{") and '"outcome": "incomplete"' in out


@pytest.mark.parametrize("reply", ["1", "yes"])
def test_dual_citizen_on_the_real_rules_is_done_at_once(reply: str) -> None:
    child = spawn(rules=REAL)
    answer(child, "What do you want most?", "not sure")
    answer(child, "Are you already a Canadian citizen?", reply)
    rest = finish(child)
    assert "You are Canadian: get your proof of citizenship." in rest
    assert child.exitstatus == 0
    assert "passport" in rest


def test_child_of_a_canadian_parent_on_the_real_rules() -> None:
    child = spawn(rules=REAL)
    answer(child, "What do you want most?", "not sure")
    answer(child, "Are you already a Canadian citizen?", "3")
    answer(child, "Were you born in Canada?", "no")
    answer(child, "When you were born, was either of your parents a Canadian citizen?", "1")
    child.expect_exact("You are very likely Canadian already")
    rest = finish(child)
    assert child.exitstatus == 0
    assert "citizenship certificate" in rest


def test_a_hang_up_keeps_the_answers_and_exits_129(tmp_path: Path) -> None:
    """SIGHUP (the terminal window closed, an ssh session dropped) is handled like Ctrl-C, but nobody is
    left to ask: the answers go to --save, or else to an owner-only file the next interview names."""
    import signal

    cache = tmp_path / "cache"
    os.environ["SCREENER_CACHE_DIR"] = str(cache)
    try:
        child = spawn(cwd=tmp_path)
        answer(child, "Are you already a Canadian citizen?", "no")
        child.expect_exact("Were you born in Canada?")
        child.expect_exact(PROMPT)
        child.kill(signal.SIGHUP)
        rest = finish(child)
        assert child.exitstatus == 129, rest
        assert "Traceback" not in rest
        kept = cache / "interrupted-answers.yaml"
        assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600
        assert 'canadian_citizen: "no"' in kept.read_text()
        assert f"continue with screener check --answers {kept}" in rest
        again = spawn(cwd=tmp_path)
        again.expect_exact("An earlier interview was cut off")
        again.expect_exact(PROMPT)
        again.sendintr()
        finish(again)
    finally:
        del os.environ["SCREENER_CACHE_DIR"]

    child = spawn("--save", "mine.yaml", cwd=tmp_path)
    answer(child, "Are you already a Canadian citizen?", "no")
    child.expect_exact(PROMPT)
    child.kill(signal.SIGHUP)
    finish(child)
    assert child.exitstatus == 129
    assert 'canadian_citizen: "no"' in (tmp_path / "mine.yaml").read_text()


def test_test_scores_are_shown_back_as_levels(tmp_path: Path) -> None:
    """Language is asked as the test taken and its four scores (§13.29); "7.5" is read, and the scores are
    shown back in one line as the levels they convert to, so the person sees what their IELTS means."""
    scientist = (Path(__file__).parent / "fixtures" / "personas" / "climate_scientist.yaml").read_text()
    answers = tmp_path / "a.yaml"
    kept = [line for line in scientist.splitlines() if not line.startswith(("english_clb", "job_offer", "cusma"))]
    answers.write_text("\n".join(kept).replace("education_assessed: no", "education_assessed: yes")
                       + "\njob_offer: no\n")  # no CUSMA route, an ECA: his language decides FSW
    child = spawn("--answers", str(answers), rules=REAL)
    child.logfile_read = seen = io.StringIO()
    asked = converse(child, {
        "Which accepted English test": "1", "reading score on that test": "7.5", "writing score on that test": "7",
        "listening score on that test": "8", "speaking score on that test": "6.5",
        "Check the other routes too?": "no"}, default="skip")
    finish(child)
    out = " ".join(re.sub(r"\x1b\[[0-9;]*m", "", seen.getvalue()).split())
    assert child.exitstatus == 0
    assert asked[:5] == ["Which accepted English test", "listening score on that test", "reading score on that test",
                         "writing score on that test", "speaking score on that test"]  # as the test report lists them
    assert ("= IELTS General Training 8/7.5/7/6.5 = CLB 9/9/9/8: at least CLB 8 in every ability "
            "(lowest: English speaking score)") in out  # one line, after the last score
    assert out.count("in every ability") == 1 and "from that score" not in out
    assert out.count("(a number from 0 to 9 in steps of 0.5, like 6.5)") == 4  # IELTS's scale, not 0 to 90
    assert "0 to 90" not in out


@pytest.mark.parametrize(("reply", "kept"), [("yes", "my-answers.yaml"), ("oui", "my-answers.yaml"), ("no", None),
                                             ("non", None), ("", None)])
def test_ctrl_c_save_offer_reads_yes_and_no_like_the_end_of_interview_offer(
        tmp_path: Path, reply: str, kept: str | None) -> None:
    """review8 #8: "no" at Ctrl-C's offer wrote a file named `no`; yes/no now mean what they mean at the end."""
    child = interrupted_after_one_answer(tmp_path)
    child.sendline(reply)
    rest = finish(child)
    assert child.exitstatus == 130
    assert sorted(path.name for path in tmp_path.iterdir()) == ([kept] if kept else [])
    if kept:
        assert 'canadian_citizen: "no"' in (tmp_path / kept).read_text()
        assert f"Continue with: screener check --answers {kept}" in rest
