"""The short verdict shows, under an open Express Entry program, the CRS score and how it compares with
the recent cut-offs of the rounds the person could be invited in (canada-rules.md §4): the key fact for a
person abroad, not only under --details."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from screener.cli import app
from screener.render.verdict import SCREEN_LINES

ANSWERS = Path(__file__).parent / "fixtures" / "check" / "us_developer_no_offer.yaml"
runner = CliRunner()


def short_verdict(*extra: str) -> str:
    result = runner.invoke(app, ["check", "--answers", str(ANSWERS), "--no-input", *extra],
                           env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return result.output


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("lang", "score", "comparison"), [
    ("en", "Your CRS score: 469.", "No recent round was open to everyone or to this program; rounds of "
                                   "categories you may be in cut off at 467–476: your score is within the range."),
    ("fr", "Votre note SCG : 469.", "Aucune ronde récente n'était ouverte à tous ou à ce programme"),
])
def test_short_verdict_shows_the_crs_score_against_the_rounds(lang: str, score: str, comparison: str) -> None:
    output = short_verdict("--lang", lang)
    assert score in flat(output)
    assert comparison in flat(output)
    assert len(output.splitlines()) <= SCREEN_LINES


def test_the_score_line_sits_under_the_express_entry_program() -> None:
    lines = [line.strip() for line in short_verdict().splitlines()]
    program = next(i for i, line in enumerate(lines) if line.startswith("1. Federal Skilled Worker"))
    assert lines[program + 1].startswith("Your CRS score: 469.")
