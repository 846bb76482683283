"""`screener rules validate` as a lawyer runs it, and the error boundary of the command line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screener.cli import app

ROOT = Path(__file__).parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "engine"
runner = CliRunner()


def test_valid_rulebook_exits_zero_with_a_summary() -> None:
    result = runner.invoke(app, ["rules", "validate", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output and "Engine fixture, version 0.1" in result.output
    assert "6 questions" in result.output and "3 pathways" in result.output


def test_the_shipped_rulebook_validates() -> None:
    result = runner.invoke(app, ["rules", "validate", str(ROOT / "rules")])
    assert result.exit_code == 0, result.output
    assert "12 pathways" in result.output


def test_broken_rulebook_lists_every_problem_and_exits_one(tmp_path: Path) -> None:
    copy = tmp_path / "rules"
    shutil.copytree(FIXTURE, copy)
    path = copy / "rulebook.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("condition: age >= 18 and age <= 40", "condition: agee >= 18 and age <= 40")
    text = text.replace('condition: education in ["bachelors", "masters"]', 'condition: education == "phd"')
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["rules", "validate", str(copy)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "Error: the rulebook was rejected: 2 problems"
    assert any(f"{path}:" in line and "unknown name 'agee' (did you mean 'age'?)" in line for line in lines)
    assert any("'phd' is not a choice of education" in line for line in lines)
    assert "Traceback" not in result.output


def test_rules_option_and_environment_variable_select_the_rulebook() -> None:
    result = runner.invoke(app, ["rules", "validate", "--rules", str(FIXTURE)])
    assert result.exit_code == 0 and "Engine fixture" in result.output
    result = runner.invoke(app, ["rules", "validate"], env={"SCREENER_RULES": str(FIXTURE)})
    assert result.exit_code == 0 and "Engine fixture" in result.output


def test_real_command_prints_one_line_errors_not_tracebacks(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "screener", "rules", "validate", str(tmp_path / "missing")],
        capture_output=True, text=True,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("Error: the rulebook was rejected: 1 problem")
    assert "Traceback" not in result.stderr + result.stdout


def test_usage_errors_exit_two() -> None:
    result = subprocess.run([sys.executable, "-m", "screener", "no-such-command"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_system_errors_are_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk or a folder without permission: the system's words on one line, never a traceback."""
    import screener.rulebook

    def full_disk(path: object) -> None:
        raise OSError(28, "No space left on device", "/var/out.csv")

    monkeypatch.setattr(screener.rulebook, "load_rulebook", full_disk)
    result = runner.invoke(app, ["rules", "validate", str(FIXTURE)])
    assert result.exit_code == 1
    assert result.stderr == "Error: /var/out.csv: No space left on device\n"


def test_an_internal_error_never_shows_the_answers(tmp_path: Path) -> None:
    """A bug must not dump personal data: no traceback, no message, no locals; exit 70."""
    answers = tmp_path / "a.json"
    answers.write_text('{"age": 41}', encoding="utf-8")
    code = (
        "import sys, screener.evaluation as e\n"
        "def boom(*a, **k): raise ValueError('SECRET age=41')\n"
        "e.evaluate = boom\n"
        f"sys.argv = ['screener', 'check', '--rules', {str(FIXTURE)!r}, '--answers', {str(answers)!r},"
        " '--no-input', '--json', '--as-of', '2026-03-01']\n"  # inside the fixture's review date: no warning
        "from screener.cli import main\n"
        "main()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={k: v for k, v in os.environ.items() if k != "SCREENER_DEBUG"})
    assert result.returncode == 70
    assert "SECRET" not in result.stderr + result.stdout and "Traceback" not in result.stderr
    assert result.stderr.strip() == "screener: internal error (ValueError); rerun with SCREENER_DEBUG=1"
