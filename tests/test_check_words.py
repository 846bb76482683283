"""What `screener check` tells one person, in words that match their answers (issue 12): next steps only
when their condition holds, failed requirements as what the person has against what is needed.

Run through the command (CliRunner) on the real rules, from the persona files of tests/fixtures/personas/.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from screener.cli import app

HERE = Path(__file__).parent
PERSONAS = HERE / "fixtures" / "personas"
REAL = HERE.parent / "rules"
AS_OF = dt.date(2026, 11, 25)


def person(name: str, **changes: Any) -> dict[str, Any]:
    loaded = yaml.safe_load((PERSONAS / f"{name}.yaml").read_text())
    assert isinstance(loaded, dict)
    loaded.update(changes)
    return loaded


def run(tmp_path: Path, answers: dict[str, Any], *extra: str) -> str:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--rules", str(REAL), "--answers", str(path), "--no-input",
                                      "--as-of", AS_OF.isoformat(), *extra], env={"NO_COLOR": "1", "COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_person_with_test_results_and_an_eca_is_not_told_to_get_them(tmp_path: Path) -> None:
    """The issue: "CLB 10 with an ECA is told to take a test and get an ECA"."""
    report = json.loads(run(tmp_path, person("climate_scientist", education_assessed="yes"), "--json"))
    fsw = report["pathways"]["express_entry_fsw"]
    assert fsw["outcome"] == "eligible"
    steps = " ".join(fsw["next_steps"])
    assert "Express Entry profile" in steps  # the steps that still apply are there
    assert "language test" not in steps and "Educational Credential Assessment" not in steps
