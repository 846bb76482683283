"""Every command explains itself (`--help` is its docstring) and is named in the README."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from french_kit import nb
from typer.main import get_command
from typer.testing import CliRunner

from screener.cli import app

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def commands() -> list[list[str]]:
    root = get_command(app)
    found: list[list[str]] = []
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        if subcommands:
            found += [[name, sub] for sub in subcommands]
        else:
            found.append([name])
    return found


@pytest.mark.parametrize("path", commands(), ids=" ".join)
def test_every_command_has_help_and_an_example_in_the_readme(path: list[str]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ")
    summary = result.stdout.split("\n\n")[1].strip()
    assert len(summary) > 20, summary  # a real sentence, not a placeholder
    assert f"screener {' '.join(path)}" in README


def test_all_command_families_are_there() -> None:
    names = {" ".join(path) for path in commands()}
    assert {"check", "batch", "rules validate", "rules test", "rules explain", "rules diff", "rules schema",
            "rules init"} <= names


def _summaries(output: str, heading: str) -> dict[str, str]:
    """The command list of a group's help: name -> its summary, wrapped lines joined."""
    rows: dict[str, str] = {}
    lines = output.split(heading, 1)[1].splitlines()[1:]
    for line in lines:
        if not line.strip():
            break
        name, _, text = line.strip().partition(" ")
        if line.startswith("  ") and not line.startswith("   "):  # a command's first line
            rows[name] = text.strip()
        else:  # the summary wrapped onto the next line
            last = list(rows)[-1]
            rows[last] += " " + line.strip()
    return rows


@pytest.mark.parametrize(("lang", "heading"), [("en", "Commands:"), ("fr", nb("Commandes :"))])
@pytest.mark.parametrize("group", [[], ["rules"], ["intake"]], ids=lambda group: " ".join(["screener", *group]))
def test_command_summaries_are_whole_at_80_columns(group: list[str], lang: str, heading: str) -> None:
    """A summary cut with "..." hides what the command does (French ones are longer): wrapped, never cut."""
    # a real process: CliRunner forces click's width to 80 columns, where an 80-column terminal gets 78
    env = {**os.environ, "COLUMNS": "80", "SCREENER_LANG": lang}
    result = subprocess.run([sys.executable, "-m", "screener", *group, "--help"], env=env, capture_output=True,
                            text=True, check=True)
    summaries = _summaries(result.stdout, heading)
    command = get_command(app)
    for name in group:
        command = command.commands[name]  # type: ignore[attr-defined]
    assert set(summaries) == set(command.commands)  # type: ignore[attr-defined]
    for name, summary in summaries.items():
        assert "..." not in summary and "…" not in summary, (name, summary)
        assert summary.endswith("."), (name, summary)  # the whole first sentence
        assert len(summary) > 20, (name, summary)
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert not [line for line in lines if line.strip().startswith((":", "»"))]  # French: no-break space before ":"
