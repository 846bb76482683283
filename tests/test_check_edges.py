"""The rough edges of `screener check` off the main path: redirected output, scripts, --version, --help,
the resume hint, --report files."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import sys
from pathlib import Path

import pexpect
import pytest
from typer.testing import CliRunner

from screener.cli import app

HERE = Path(__file__).parent
RULES = HERE / "fixtures" / "check" / "rules"
PERSONAS = HERE / "fixtures" / "personas"
REAL = HERE.parent / "rules"
runner = CliRunner()


def screener_command() -> list[str]:
    executable = shutil.which("screener")
    return [executable] if executable else [sys.executable, "-m", "screener"]


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("screener ") and result.stdout.split()[1][0].isdigit()


def test_help_lists_each_command_in_a_whole_sentence() -> None:
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "80"})
    assert re.search(r"batch +Screen every row of an intake CSV: one output row per input row\.", result.stdout)
    assert "..." not in result.stdout.split("Commands:")[1]


def test_redirected_stdout_gets_the_verdict_and_the_terminal_gets_the_questions(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    command = " ".join(f"'{part}'" for part in screener_command())
    child = pexpect.spawn("/bin/sh", ["-c", f"{command} check --rules '{REAL}' --as-of 2026-11-25 > '{out}'"],
                          env={**os.environ, "NO_COLOR": "1", "COLUMNS": "80"}, encoding="utf-8", timeout=20)
    child.expect_exact("What do you want most?")
    child.expect_exact("> ")
    child.sendline("1")
    child.expect_exact("Are you already a Canadian citizen?")
    child.expect_exact("> ")
    child.sendline("yes")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = out.read_text()
    assert text.startswith("You are Canadian: get your proof of citizenship.")
    assert "Are you already" not in text and "> " not in text and "Answer each question" not in text


def test_ctrl_c_resume_hint_is_shell_quoted(tmp_path: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    child = pexpect.spawn(screener_command()[0], [*screener_command()[1:], "check", "--rules", str(RULES),
                                                  "--as-of", "2026-11-25"],
                          env=env, encoding="utf-8", timeout=20, cwd=str(tmp_path))
    child.expect_exact("Are you already a Canadian citizen?")
    child.expect_exact("> ")
    child.sendline("no")
    child.expect_exact("Were you born in Canada?")
    child.expect_exact("> ")
    child.sendintr()
    child.expect_exact("Save your answers to continue later?")
    child.expect_exact("> ")
    child.sendline("my answers.yaml")
    child.expect_exact("Continue with: screener check --answers 'my answers.yaml'")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert stat.S_IMODE(os.stat(tmp_path / "my answers.yaml").st_mode) == 0o600


def test_json_from_a_script_is_only_json_and_has_no_staleness_on_stdout(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", "--rules", str(REAL), "--answers", str(PERSONAS / "climate_scientist.yaml"),
                                 "--json", "--as-of", "2026-11-25"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["pathways"]["cusma_professional"]["outcome"] == "eligible"


def test_maintainer_warnings_never_reach_the_applicant() -> None:
    """Overdue tables show as one plain line, and only when a figure behind this verdict is overdue."""
    late = "2027-01-15"  # after the funds tables' and the CRS rounds' review dates, before the rulebook's
    barista = runner.invoke(app, ["check", "--rules", str(REAL), "--answers",
                                  str(PERSONAS / "barista_working_year.yaml"), "--no-input", "--as-of", late])
    assert "due for review" not in barista.stdout and "Table '" not in barista.stdout
    assert "may be out of date" not in barista.stdout  # a working holiday uses no overdue figure
    scientist = runner.invoke(app, ["check", "--rules", str(REAL), "--answers",
                                    str(PERSONAS / "lawyer_with_dui.yaml"), "--no-input", "--as-of", late,
                                    "--details"])
    assert "due for review" not in scientist.stdout and "Table '" not in scientist.stdout


def test_report_files_are_self_contained_escaped_and_owner_only(tmp_path: Path) -> None:
    for name in ("verdict.md", "verdict.html"):
        target = tmp_path / name
        result = runner.invoke(app, ["check", "--rules", str(REAL), "--answers",
                                     str(PERSONAS / "climate_scientist.yaml"), "--no-input", "--as-of", "2026-11-25",
                                     "--report", str(target)])
        assert result.exit_code == 0, result.output
        assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
        text = target.read_text()
        assert "CUSMA professional work permit" in text
        assert "Why the other routes are closed or undecided" in text
    page = (tmp_path / "verdict.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "src=" not in page
    bad = runner.invoke(app, ["check", "--rules", str(REAL), "--no-input", "--report", str(tmp_path / "x.pdf")])
    assert bad.exit_code == 2 and "must end in .md or .html" in bad.stderr


def test_markdown_escapes_rule_text() -> None:
    from screener.render.report_file import html_page, md

    assert md("<script>alert(1)</script> *x*") == r"\<script\>alert(1)\</script\> \*x\*"
    assert "<script>" not in html_page(md("<script>alert(1)</script>"))


def test_save_to_standard_output_with_json_is_a_usage_error(tmp_path: Path) -> None:
    """`--save -` would write the YAML answers into the JSON on standard output."""
    answers = tmp_path / "a.yaml"
    answers.write_text("age: 30\n")
    result = CliRunner().invoke(app, ["check", "--answers", str(answers), "--no-input", "--json", "--save", "-"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "--save -" in result.stderr


def test_report_to_standard_output_or_a_device() -> None:
    """`--report -` prints the full verdict as Markdown and nothing else on stdout; /dev/null has no suffix
    to go by and is written to as Markdown, never refused or replaced."""
    answers = ["--rules", str(REAL), "--answers", str(PERSONAS / "climate_scientist.yaml"), "--no-input",
               "--as-of", "2026-11-25"]
    result = runner.invoke(app, ["check", *answers, "--report", "-"], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Can I move to Canada? Your screening\n")
    assert "CUSMA professional work permit" in result.stdout
    assert "says why" not in result.stdout  # the short verdict ("… --details says why.") is not mixed in
    assert "-" not in result.stderr.split()  # no "written to -"
    if Path("/dev/null").exists():
        null = runner.invoke(app, ["check", *answers, "--report", "/dev/null"])
        assert null.exit_code == 0, null.output
        assert Path("/dev/null").is_char_device()


def test_answers_from_standard_input_ask_nothing() -> None:
    """`--answers -` reads the answers from standard input, as batch and rules diff read '-' (review11 #13);
    stdin then holds no replies, so nothing is asked, and an error names <stdin>, never the content."""
    persona = (PERSONAS / "climate_scientist.yaml").read_text(encoding="utf-8")
    args = ["check", "--rules", str(REAL), "--as-of", "2026-11-25", "--answers", "-"]
    piped = CliRunner().invoke(app, args, input=persona)
    named = CliRunner().invoke(app, [*args[:-1], str(PERSONAS / "climate_scientist.yaml"), "--no-input"])
    assert piped.exit_code == 0, piped.output
    flat = [" ".join(out.split()) for out in (piped.stdout, named.stdout)]
    assert flat[0].replace("--answers -", "--answers F") == flat[1].replace(
        f"--answers {PERSONAS / 'climate_scientist.yaml'}", "--answers F")  # the same verdict as from the file
    broken = CliRunner().invoke(app, args, input="age: [31\nsecret: Maria\n")
    assert broken.exit_code == 2 and "<stdin>:" in broken.stderr and "Maria" not in broken.stderr
    assert len(broken.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(("lang", "words"), [("en", "--save - with --report -: both would go to standard output"),
                                              ("fr", "--save - avec --report - : les deux iraient sur la sortie")])
def test_save_and_report_both_to_standard_output_is_a_usage_error(tmp_path: Path, lang: str, words: str) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("age: 30\n")
    result = CliRunner().invoke(app, ["check", "--answers", str(answers), "--no-input", "--save", "-", "--report", "-",
                                      "--lang", lang])
    assert result.exit_code == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and words in " ".join(result.stderr.split())
