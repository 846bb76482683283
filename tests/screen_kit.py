"""Shared helper for the first-screen tests: `screener check` on a dict of answers, as a person's file."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from screener.cli import app

REAL = Path(__file__).parent.parent / "rules"
AS_OF = dt.date(2026, 11, 25)


def check(tmp_path: Path, answers: dict[str, Any], *extra: str, lang: str = "en") -> str:
    """stdout of `screener check --answers FILE --no-input` on the shipped rules at 80 columns, no colour."""
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--rules", str(REAL), "--answers", str(path), "--no-input",
                                      "--as-of", AS_OF.isoformat(), "--lang", lang, *extra],
                                env={"NO_COLOR": "1", "COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.stdout


def batch_csv(tmp_path: Path, rows: list[dict[str, str]], *extra: str) -> tuple[int, list[dict[str, str]], str]:
    """`screener batch` on `rows` written as a UTF-8 CSV: (exit code, the output rows, stderr)."""
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    with source.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(dict.fromkeys(k for row in rows for k in row)))
        writer.writeheader()
        writer.writerows(rows)
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF.isoformat(),
                                      *extra])
    with target.open(newline="", encoding="utf-8") as stream:
        return result.exit_code, list(csv.DictReader(stream)), result.stderr
