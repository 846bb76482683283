"""A command the screen suggests is never broken across two lines (review8 item 14b).

At 80 columns "screener check --answers my-answers.yaml --details" used to wrap as "…my-answers.yaml" /
"--details". rich now moves the whole command to the next line (`render.console.whole`), and what is
written, so what a person copies, is the command with plain spaces. English and French.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import yaml
from screen_kit import AS_OF, REAL
from typer.testing import CliRunner

from screener import i18n
from screener.cli import app
from screener.render.console import JOIN, make_console
from screener.render.prompt import keep_answers

ANSWERS = {"goal": "live_permanently", "canadian_citizen": "no", "us_citizen": "no", "age": 31,
           "marital_status": "single", "english_test": "none", "french_test": "none", "job_offer": "no"}


def broken(output: str, command: str) -> bool:
    """`command` is in the output only across a line break (its words are all there, in order)."""
    flat = re.sub(r"\s+", " ", output)
    return command in flat and not any(command in line for line in output.splitlines())


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_rerun_command_stays_on_one_line_at_80_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           lang: str) -> None:
    monkeypatch.chdir(tmp_path)
    shown = 0
    for length in range(1, 30):  # file names of every length: the command falls on every column
        name = "a" * length + ".yaml"
        Path(name).write_text(yaml.safe_dump(ANSWERS), encoding="utf-8")
        command = f"screener check --answers {name} --details"
        for extra in ([], ["--details"]):
            result = CliRunner().invoke(app, ["check", "--rules", str(REAL), "--answers", name, "--no-input",
                                              "--as-of", AS_OF.isoformat(), "--lang", lang, *extra],
                                        env={"NO_COLOR": "1", "COLUMNS": "80"})
            assert result.exit_code == 0, result.output
            assert JOIN not in result.stdout
            assert not broken(result.stdout, command), result.stdout
            assert not broken(result.stdout, "screener check"), result.stdout
            shown += command in result.stdout
    assert shown >= 29  # the first screen names the command every time


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_save_offer_keeps_its_command_whole(monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    stream = io.StringIO()
    monkeypatch.setattr("sys.stdout", stream)
    monkeypatch.setenv("COLUMNS", "80")
    for length in range(1, 30):
        command = f"screener check --answers {'b' * length}.yaml --details"
        stream.seek(0)
        stream.truncate()
        with i18n.language(lang):
            keep_answers(make_console(), lambda: "", "x.yaml", command)
        written = stream.getvalue()
        assert JOIN not in written
        assert any(command in line for line in written.splitlines()), written


def test_a_command_longer_than_the_line_wraps_at_its_spaces_with_no_edge_spaces(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A command too long for one line (a long file path) leaves no line starting or ending with the space
    that joined its words, and no line over 80 columns (found by CI: a path that made the command 89 columns)."""
    monkeypatch.chdir(tmp_path)
    for length in range(40, 62):  # commands of 80 to 101 columns: each of its spaces falls on the edge once
        name = "d" * length + ".yaml"
        Path(name).write_text(yaml.safe_dump(ANSWERS), encoding="utf-8")
        result = CliRunner().invoke(app, ["check", "--rules", str(REAL), "--answers", name, "--no-input",
                                          "--as-of", AS_OF.isoformat()], env={"NO_COLOR": "1", "COLUMNS": "80"})
        assert result.exit_code == 0, result.output
        assert JOIN not in result.stdout
        assert all(line == line.rstrip() and len(line) <= 80 and not line.startswith(" ")
                   for line in result.stdout.splitlines()[-4:]), result.stdout
