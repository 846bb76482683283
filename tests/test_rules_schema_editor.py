"""Editor support: every key and value described, a schema that knows the rulebook's ids, and `rules init`
writing the VS Code settings whose globs match the copy — checked with a real validator (jsonschema)."""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path
from typing import Any

import jsonschema
from lawyer_kit import MINI, cli

from screener.rulebook import case_files, rule_files
from screener.schema import as_json_data, cases_schema, rulebook_schema
from screener.source import load_yaml_file, load_yaml_text


def errors(schema: dict[str, Any], data: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    found = []
    for error in validator.iter_errors(as_json_data(data)):
        found.append(error.message)
        found += [sub.message for sub in error.context or []]
    return found


def test_every_key_and_every_allowed_value_has_plain_words() -> None:
    for schema in (rulebook_schema(), cases_schema()):
        for model, definition in schema["$defs"].items():
            for key, prop in definition.get("properties", {}).items():
                assert prop.get("description"), f"{model}.{key} has no description"
    kind = rulebook_schema()["$defs"]["Pathway"]["properties"]["kind"]
    assert len(kind["enumDescriptions"]) == len(kind["enum"]) == 4
    question_type = rulebook_schema()["$defs"]["Question"]["properties"]["type"]
    assert dict(zip(question_type["enum"], question_type["enumDescriptions"], strict=True))["int"] == "A whole number."


def test_a_rulebook_schema_knows_its_ids(tmp_path: Path) -> None:
    out = tmp_path / "cases.schema.json"
    result = cli("rules", "schema", "--cases", "--rules", str(MINI), "-o", str(out))
    assert result.exit_code == 0, result.output
    schema = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    good = load_yaml_file(MINI / "tests" / "cases.yaml", "cases.yaml")
    assert errors(schema, good) == []
    bad = load_yaml_text("tests:\n  - name: n\n    source: s\n    answers: {agee: 30}\n"
                         "    expect: {pathways: {skiled: eligible}}\n", "bad.yaml")
    found = errors(schema, bad)
    assert any("'agee'" in message for message in found), found
    assert any("'skiled'" in message for message in found), found
    rules = json.loads(cli("rules", "schema", "--rules", str(MINI)).stdout)
    topic = rules["$defs"]["Question"]["properties"]["topic"]
    assert "about_you" in json.dumps(topic)
    wrong_topic = load_yaml_text("questions:\n  - {id: q, type: int, prompt: p, topic: employment}\n", "q.yaml")
    assert any("'employment'" in message for message in errors(rules, wrong_topic))
    assert "english_clb" in rules["$defs"]["Requirement"]["properties"]["condition"]["description"]


def test_rules_init_writes_settings_whose_globs_match_the_copy(tmp_path: Path) -> None:
    copy = tmp_path / "mine"
    result = cli("rules", "init", str(copy), "--rules", str(MINI))
    assert result.exit_code == 0, result.output
    settings = json.loads((copy / ".vscode" / "settings.json").read_text(encoding="utf-8"))["yaml.schemas"]

    def schema_for(path: Path) -> str:
        relative = path.relative_to(copy).as_posix()
        matched = [name for name, globs in settings.items()
                   if any(fnmatch.fnmatch(relative, g) for g in globs if not g.startswith("!"))
                   and not any(fnmatch.fnmatch(relative, g[1:]) for g in globs if g.startswith("!"))]
        assert len(matched) == 1, (relative, matched)
        return matched[0]

    for path in rule_files(copy):
        schema = json.loads((copy / schema_for(path)).read_text(encoding="utf-8"))
        assert schema_for(path).endswith("rulebook.schema.json")
        assert errors(schema, load_yaml_file(path, str(path))) == [], path
    for path in case_files(copy):
        assert schema_for(path).endswith("cases.schema.json")
        schema = json.loads((copy / schema_for(path)).read_text(encoding="utf-8"))
        assert errors(schema, load_yaml_file(path, str(path))) == [], path
    # a seeded mistake in the copy is caught by the copy's own schema
    cases = json.loads((copy / ".vscode" / "cases.schema.json").read_text(encoding="utf-8"))
    broken = (copy / "tests" / "cases.yaml").read_text(encoding="utf-8").replace("english_clb: 9", "englsh_clb: 9", 1)
    assert any("'englsh_clb'" in m for m in errors(cases, load_yaml_text(broken, "cases.yaml")))
    assert cli("rules", "validate", str(copy)).exit_code == 0  # the settings are not rule files


def test_a_rulebook_schema_names_a_misspelt_key_in_a_table_row(tmp_path: Path) -> None:
    rules = json.loads(cli("rules", "schema", "--rules", str(MINI)).stdout)
    jsonschema.Draft202012Validator.check_schema(rules)
    for path in rule_files(MINI):  # the rulebook's own files still satisfy it
        assert errors(rules, load_yaml_file(path, path.name)) == [], path
    misspelt = load_yaml_text("tables:\n  - id: age_points\n    title: T\n    key: number\n    rows:\n"
                              "      - {at: 1, ponts: 3, efective_from: 2026-01-01}\n", "t.yaml")
    found = errors(rules, misspelt)
    assert any("'ponts' is not one of" in message for message in found), found
    assert any("'efective_from' is not one of" in message for message in found), found
    another = load_yaml_text("tables:\n  - id: new_table\n    title: T\n    key: number\n    rows:\n"
                             "      - {at: 1, funds: 3}\n", "t.yaml")
    assert errors(rules, another) == []  # a table the rulebook does not have yet: any column
