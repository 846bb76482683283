"""An option read without typer's pydantic validator (`screener.commands.coercion`) reads exactly as typer reads it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from screener.cli import app, assemble
from screener.commands.coercion import _TYPER, typer_value


def _commands(command: Any) -> Iterator[Any]:
    yield command
    for sub in getattr(command, "commands", {}).values():
        yield from _commands(sub)


def test_every_option_value_read_without_typer_is_what_typer_makes_of_it(tmp_path: Path) -> None:
    readable = tmp_path / "answers.yaml"
    readable.write_text("age: 31\n", encoding="utf-8")
    values = [None, "", " ", "en", "fr", "2026-11-25", "12", "-", "true", str(readable), str(tmp_path),
              str(tmp_path / "missing" / "out.csv"), "~/me.yaml", "a\0b"]
    group = typer.main.get_command(assemble())
    read, left = 0, 0
    for command in _commands(group):
        ctx = command.context_class(command, info_name=command.name)
        for param in command.get_params(ctx):
            if not hasattr(param, "type_descriptor"):
                pytest.skip("this typer has no per-parameter coercion to stand in for")
            for value in values:
                found = typer_value(value, param)
                if found is _TYPER:
                    left += 1
                    continue
                param._runtime_param = None
                expected = param.get_runtime_param().coerce(value, param=param, ctx=ctx)
                assert (found, type(found)) == (expected, type(expected)), (command.name, param.name, value)
                read += 1
    assert read > 100 and left > 10  # both paths are exercised: plain values, and numbers, lists, NUL bytes


def test_what_the_shortcut_leaves_to_typer_typer_still_checks() -> None:
    """A number and its range are typer's: its validator is built for them and refuses as before."""
    runner = CliRunner()
    for args in (["serve", "--port", "two"], ["serve", "--port", "70000"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and "--port" in result.output, args
