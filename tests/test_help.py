"""Every command explains itself (`--help` is its docstring) and is named in the README."""

from __future__ import annotations

from pathlib import Path

import pytest
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
