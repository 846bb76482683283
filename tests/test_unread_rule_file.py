"""One broken value or one unreadable rule file gives its own problem, not a cascade (review11 #3).

A value that cannot be read (`2025-13-07`) is one problem and its file is still read; a file that cannot be read
at all (a YAML syntax error, not text) is one problem, and what follows from it (the French texts of the items it
defined, the names it defined used elsewhere) is left out, with one line that says how many. A problem of its
own elsewhere is still listed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screener.cli import app
from screener.source import YamlSyntaxError, load_yaml_text

ROOT = Path(__file__).parent.parent
runner = CliRunner()


def copy_rules(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules, ignore=shutil.ignore_patterns("tests"))
    return rules


def edit(path: Path, old: str, new: str, *, line: int | None = None) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    if line is None:
        line = next(number for number, text in enumerate(lines, 1) if old in text)
    assert old in lines[line - 1], lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def problems(*args: str) -> tuple[list[str], list[str]]:
    """(the problem lines, the notes in brackets) of a rejected rulebook."""
    result = runner.invoke(app, list(args))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line.strip() for line in result.output.splitlines()[1:] if line.strip()]
    return [line for line in lines if not line.startswith("(")], [line for line in lines if line.startswith("(")]


def test_an_impossible_date_is_one_problem_and_keeps_the_file(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    edit(rules / "derived.yaml", "effective_from: 2025-07-07", "effective_from: 2025-13-07")
    for args in (["rules", "validate", str(rules)],
                 ["check", "--rules", str(rules), "--no-input", "--answers", str(ROOT / "tests/fixtures/personas/"
                                                                                  "climate_scientist.yaml")]):
        found, notes = problems(*args)
        assert len(found) == 1, found
        assert found[0].endswith("derived.yaml:327:25: not a valid date (month must be in 1..12)")
        assert notes == []  # nothing was left out: the file's ids were all read


def test_a_day_past_the_months_end_in_a_pathway_is_one_problem(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    edit(rules / "pathways" / "asylum.yaml", "2026-03-26", "2026-02-30", line=71)
    found, _notes = problems("rules", "validate", str(rules))
    assert [line.split(": ", 1)[1] for line in found] == ["not a valid date (day is out of range for month)"]
    assert "asylum.yaml:71:" in found[0]


def test_an_impossible_date_in_the_rulebook_section_is_not_also_a_missing_section(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    edit(rules / "rulebook.yaml", "review_by: 2027-05-31", "review_by: 2027-05-32")
    found, _notes = problems("rules", "validate", str(rules))
    assert len(found) == 1 and "not a valid date" in found[0], found


def test_a_yaml_syntax_error_leaves_out_what_follows_from_it_and_says_how_many(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    edit(rules / "pathways" / "temporary.yaml", "    summary: >", "  bad: [", line=8)
    edit(rules / "flags.yaml", "condition: criminal_record and", "condition: criminal_recrod and", line=9)
    found, notes = problems("rules", "validate", str(rules))
    assert len(found) == 2, found
    assert "pathways/temporary.yaml:8:" in found[1]  # the root cause
    assert "flags.yaml:9:16: unknown name 'criminal_recrod' (did you mean 'criminal_record'?)" in found[0]
    assert not any("English rules" in line for line in found)
    left_out = [note for note in notes if "temporary.yaml" in note]
    assert len(left_out) == 1 and "not being read, are left out" in left_out[0], notes
    count = int(left_out[0].split()[0].lstrip("("))
    french = (rules / "pathways" / "temporary.fr.yaml").read_text(encoding="utf-8")
    assert count >= sum(1 for line in french.splitlines() if line.startswith("  ") and line[2] != " ")


def test_names_a_file_not_read_would_define_are_left_out_but_other_unknown_names_are_listed(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    derived = rules / "derived.yaml"  # saved by an editor in Windows-1252: not UTF-8, but its ids are legible
    derived.write_bytes(derived.read_text(encoding="utf-8").replace("# ", "# \u00e9 ", 1).encode("cp1252",
                                                                                               errors="replace"))
    edit(rules / "flags.yaml", "condition: criminal_record and", "condition: criminal_recrod and", line=9)
    found, notes = problems("rules", "validate", str(rules))
    assert len(found) == 2, found
    assert found[0].endswith("derived.yaml:1:1: not UTF-8 text (invalid continuation byte)")
    assert found[1].endswith("flags.yaml:9:16: unknown name 'criminal_recrod' (did you mean 'criminal_record'?)")
    assert any("derived.yaml not being read" in note for note in notes), notes


def test_a_french_file_that_cannot_be_read_does_not_list_every_text_it_held_as_missing(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    edit(rules / "pathways" / "temporary.fr.yaml", "  cusma_professional:", "  cusma_professional: [", line=None)
    found, notes = problems("rules", "validate", str(rules))
    assert len(found) == 1 and "temporary.fr.yaml" in found[0], found
    assert any("temporary.fr.yaml not being read" in note for note in notes), notes


def test_a_value_problem_read_leniently_is_not_remembered_as_a_good_value() -> None:
    noted: list = []
    assert load_yaml_text("a: 2025-13-07\n", "x.yaml", value_problems=noted) == {"a": "2025-13-07"}
    assert [(str(position), message) for position, message in noted] == [
        ("x.yaml:1:4", "not a valid date (month must be in 1..12)")]
    with pytest.raises(YamlSyntaxError):  # read strictly again: still refused
        load_yaml_text("a: 2025-13-07\n", "x.yaml")
