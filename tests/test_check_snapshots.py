"""Snapshots of the first screen at 80 columns, without colour (NO_COLOR, or a pipe) and with colour
(FORCE_COLOR), reviewed by eye and committed: the fixture people and the six people of issue 12.

Regenerate deliberately with `SCREENER_UPDATE_SNAPSHOTS=1 pytest tests/test_check_snapshots.py`, then
read the diff before committing it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screener.cli import app

HERE = Path(__file__).parent
RULES = HERE / "fixtures" / "check" / "rules"
REAL = HERE.parent / "rules"
SNAPSHOTS = HERE / "snapshots"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
PERSONAS = {
    "child_of_canadian": {"canadian_citizen": "unsure", "born_in_canada": "no",
                          "canadian_parent": "born_or_naturalized"},
    "spouse_of_citizen": {"canadian_citizen": "no", "born_in_canada": "no", "canadian_parent": "no", "age": 34,
                          "criminal_record": "no", "marital_status": "married", "partner_status": "canadian_citizen"},
    "scientist_45_job_offer": {
        "canadian_citizen": "no", "born_in_canada": "no", "canadian_parent": "no", "age": 45, "criminal_record": "yes",
        "marital_status": "single", "english_clb_reading": 9, "english_clb_writing": 6, "french_nclc_reading": 0,
        "french_nclc_writing": 0, "education": "doctoral", "foreign_work_years": 10, "job_offer": "yes",
        "settlement_funds_cad": "$9,000"},
}
SIX = sorted(path.stem for path in (HERE / "fixtures" / "personas").glob("*.yaml"))


def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, env: dict[str, str]) -> str:
    monkeypatch.chdir(tmp_path)  # the screen names the answers file: keep its name the same every run
    if name in PERSONAS:
        Path("answers.json").write_text(json.dumps(PERSONAS[name]))
        answers, rules = "answers.json", RULES
    else:
        shutil.copy(HERE / "fixtures" / "personas" / f"{name}.yaml", f"{name}.yaml")
        answers, rules = f"{name}.yaml", REAL
    result = CliRunner().invoke(
        app, ["check", "--rules", str(rules), "--answers", answers, "--no-input", "--as-of", "2026-11-25"],
        env={"COLUMNS": "80", **env})
    assert result.exit_code == 0, result.output
    return result.stdout


def compare(name: str, screen: str) -> None:
    snapshot = SNAPSHOTS / name
    if os.environ.get("SCREENER_UPDATE_SNAPSHOTS"):
        snapshot.write_text(screen, encoding="utf-8")
    assert snapshot.exists(), f"no snapshot yet: run with SCREENER_UPDATE_SNAPSHOTS=1 and review {snapshot}"
    assert screen == snapshot.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(PERSONAS) + SIX)
def test_first_screen_without_colour(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    screen = run(tmp_path, monkeypatch, name, {"NO_COLOR": "1", "FORCE_COLOR": "1"})  # NO_COLOR wins
    assert "\x1b[" not in screen
    lines = screen.splitlines()
    assert len(lines) <= 24 and all(len(line) <= 80 and line == line.rstrip() for line in lines)
    compare(f"check_{name}.txt", screen)


@pytest.mark.parametrize("name", SIX)
def test_first_screen_with_colour(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    screen = run(tmp_path, monkeypatch, name, {"FORCE_COLOR": "1"})
    assert "\x1b[" in screen
    plain = (SNAPSHOTS / f"check_{name}.txt").read_text(encoding="utf-8")
    assert ANSI.sub("", screen) == plain  # colour adds emphasis, never words
    compare(f"check_{name}.color.txt", screen)
