"""Snapshots of the verdict screen at 80 columns without colour, reviewed by eye and committed.

Regenerate deliberately with `SCREENER_UPDATE_SNAPSHOTS=1 pytest tests/test_check_snapshots.py`, then
read the diff before committing it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screener.cli import app

HERE = Path(__file__).parent
RULES = HERE / "fixtures" / "check" / "rules"
SNAPSHOTS = HERE / "snapshots"
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


@pytest.mark.parametrize("name", sorted(PERSONAS))
def test_verdict_screen(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the screen names the answers file: keep its name the same every run
    Path("answers.json").write_text(json.dumps(PERSONAS[name]))
    result = CliRunner().invoke(
        app, ["check", "--rules", str(RULES), "--answers", "answers.json", "--no-input", "--as-of", "2026-11-25"],
        env={"NO_COLOR": "1", "COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    screen = "\n".join(line.rstrip() for line in result.stdout.splitlines()) + "\n"
    assert "\x1b[" not in screen
    assert max(len(line) for line in screen.splitlines()) <= 80
    snapshot = SNAPSHOTS / f"check_{name}.txt"
    if os.environ.get("SCREENER_UPDATE_SNAPSHOTS"):
        snapshot.write_text(screen, encoding="utf-8")
    assert snapshot.exists(), f"no snapshot yet: run with SCREENER_UPDATE_SNAPSHOTS=1 and review {snapshot}"
    assert screen == snapshot.read_text(encoding="utf-8")
