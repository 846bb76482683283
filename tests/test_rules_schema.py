"""The JSON Schema of the rulebook format: the shipped rules satisfy it, and it catches typing mistakes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from screener.rulebook import case_files, rule_files
from screener.schema import as_json_data, cases_schema, rulebook_schema
from screener.source import load_yaml_file, load_yaml_text

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
MINI = Path(__file__).parent / "fixtures" / "lawyer" / "mini"
RULE_FILES = rule_files(RULES) + rule_files(MINI)
CASE_FILES = case_files(RULES) + case_files(MINI)


def problems(schema: dict[str, Any], data: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(as_json_data(data))]


def test_the_schemas_are_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(rulebook_schema())
    jsonschema.Draft202012Validator.check_schema(cases_schema())


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_rule_file_satisfies_the_schema(path: Path) -> None:
    assert problems(rulebook_schema(), load_yaml_file(path, str(path))) == []


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_case_file_satisfies_the_schema(path: Path) -> None:
    assert problems(cases_schema(), load_yaml_file(path, str(path))) == []


@pytest.mark.parametrize(("yaml_text", "complaint"), [
    ("pathways:\n  - {id: a, title: A, kind: permanent_residence, summary: s,\n"
     "     requirements: [{id: r, text: t, condition: x, refrence: y}]}\n", "'refrence' was unexpected"),
    ("tables:\n  - {id: t, title: T, key: number, rows: [{at: 1, points: lots}]}\n", "'lots' is not of type 'number'"),
    ("tables:\n  - {id: t, title: T, key: number, rows: [{at: 1, points: 1, efective_from: 2026-01-01}]}\n",
     "'efective_from' is not valid under any of the given schemas"),
    ("tables:\n  - {id: t, title: T, key: number, rows: [{at: 1, points: 1, effective_untill: 2026-01-01}]}\n",
     "'effective_untill' is not valid under any of the given schemas"),
    ("questions:\n  - {id: q, type: integer, prompt: p, topic: t}\n", "'integer' is not one of"),
    ("flags:\n  - {id: f, severity: serious, title: T, condition: c, text: t, effective_from: soon}\n",
     "'soon' is not a 'date'"),
])
def test_the_schema_flags_what_a_lawyer_might_mistype(yaml_text: str, complaint: str) -> None:
    validator = jsonschema.Draft202012Validator(rulebook_schema(), format_checker=jsonschema.FormatChecker())
    found = [error.message for error in validator.iter_errors(as_json_data(load_yaml_text(yaml_text, "x.yaml")))]
    # anyOf branches report in their context; flatten them
    found += [sub.message for error in validator.iter_errors(as_json_data(load_yaml_text(yaml_text, "x.yaml")))
              for sub in error.context or []]
    assert any(complaint in message for message in found), found


def test_plain_choices_and_table_cells_are_accepted() -> None:
    data = load_yaml_text("questions:\n  - {id: q, type: choice, choices: [a, b], prompt: p, topic: t}\n"
                          "tables:\n  - {id: t, title: T, key: text, columns: [x, y], rows: [{at: a, x: 1, y: 2.5}]}\n",
                          "x.yaml")
    assert problems(rulebook_schema(), data) == []


def test_the_command_prints_and_writes_the_schema(tmp_path: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "screener", "rules", "schema"], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.returncode == 0
    assert json.loads(done.stdout) == rulebook_schema()
    target = tmp_path / "cases.schema.json"
    done = subprocess.run([sys.executable, "-m", "screener", "rules", "schema", "--cases", "-o", str(target)],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0 and json.loads(target.read_text()) == cases_schema()
