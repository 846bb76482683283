"""Shared helpers for the lawyer-tool tests: an editable copy of the mini rulebook, edits, the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner, Result

from screener.cli import app

MINI = Path(__file__).parent / "fixtures" / "lawyer" / "mini"


def copy_book(tmp_path: Path, name: str = "mini") -> Path:
    target = tmp_path / name
    shutil.copytree(MINI, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    """Replace `old` (which must be there: the fixture may not drift silently) by `new`."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def cli(*args: str, env: dict[str, str] | None = None) -> Result:
    """`screener ARGS` through typer's runner, with the same error boundary as the real command."""
    return CliRunner().invoke(app, list(args), env={"NO_COLOR": "1", "COLUMNS": "200", "SCREENER_RULES": "",
                                                    **(env or {})})
