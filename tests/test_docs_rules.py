"""docs/rules.md runs: its worked example is a rulebook that validates and passes its tests, and the
outputs and error messages it shows are what screener prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lawyer_kit import cli, edit

from screener.source import load_yaml_text

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
TEXT = GUIDE.read_text(encoding="utf-8")
FENCE = re.compile(r"^```(\S*)([^\n]*)\n(.*?)^```$", re.M | re.S)
INTAKE = "client_id,age,english_clb,job_offer\nA-1,30,8,yes\nA-2,52,9,no\nA-3,,10,\n"


def blocks(language: str) -> list[tuple[str, str]]:
    return [(info.strip(), body) for lang, info, body in FENCE.findall(TEXT) if lang == language]


def build(folder: Path) -> Path:
    """The worked example: every `yaml example file=...` block written in order (later ones replace)."""
    examples = [(info, body) for info, body in blocks("yaml") if info.startswith("example")]
    assert len(examples) >= 5
    for info, body in examples:
        match = re.fullmatch(r"example file=(\S+)", info)
        assert match, f"malformed example tag: {info!r}"
        target = folder / match.group(1)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
    return folder


@pytest.fixture
def guide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return build(tmp_path / "guide")


def test_every_yaml_block_is_valid_yaml() -> None:
    found = blocks("yaml")
    assert len(found) > 10
    for _, body in found:
        load_yaml_text(body, "docs/rules.md")


def test_the_worked_example_validates_and_its_cases_pass(guide: Path) -> None:
    validated = cli("rules", "validate", "guide")
    assert validated.exit_code == 0, validated.output
    tested = cli("rules", "test", "guide")
    assert tested.exit_code == 0, tested.output
    assert tested.stdout.strip().endswith("3 passed, 0 failed (3 cases)")


def shown_output(command: str) -> list[str]:
    """The lines the guide shows after `$ command` in a text block."""
    for _, body in blocks("text"):
        if f"$ {command}\n" in body:
            after = body.split(f"$ {command}\n", 1)[1]
            return after.split("\n$ ", 1)[0].strip("\n").splitlines()
    raise AssertionError(f"the guide does not show `{command}`")


def test_the_threshold_walkthrough_prints_what_the_guide_shows(guide: Path) -> None:
    changed = Path("guide2")
    assert cli("rules", "init", str(changed), "--rules", "guide").exit_code == 0
    edit(changed / "pathways.yaml", "english_clb >= 7", "english_clb >= 9")
    Path("intake.csv").write_text(INTAKE, encoding="utf-8")
    tested = cli("rules", "test", "guide2")
    assert tested.exit_code == 1
    assert tested.stdout.strip().splitlines() == shown_output("screener rules test guide2")
    diffed = cli("rules", "diff", "guide", "guide2", "intake.csv", "--id", "client_id",
                 "--as-of", "2026-01-01")
    assert diffed.exit_code == 0, diffed.output
    command = "screener rules diff guide guide2 intake.csv --id client_id --as-of 2026-01-01"
    assert diffed.stdout.strip().splitlines() == shown_output(command)
    updated = cli("rules", "test", "guide2", "--update")
    assert updated.exit_code == 0 and cli("rules", "test", "guide2").exit_code == 0


MISTAKES = [  # (file, text, mistake, command, how the guide's table row starts)
    ("pathways.yaml", "        reference: Example Act s.2", "        refrence: Example Act s.2", "validate",
     "| `refrence: Example Act s.2`"),
    ("pathways.yaml", "condition: english_clb >= 7", "condition: englsh_clb >= 7", "validate",
     "| `condition: englsh_clb >= 7`"),
    ("pathways.yaml", "kind: permanent_residence", "kind: permanent", "validate", "| `kind: permanent`"),
    ("pathways.yaml", "condition: english_clb >= 7", "condition: english_clb >= 7 AND job_offer", "validate",
     "| `condition: age >= 18 AND job_offer`"),
    ("pathways.yaml", "condition: english_clb >= 7", "condition: job_offer == yes", "validate",
     "| `condition: job_offer == yes`"),
    ("tests/skilled_worker.yaml", "      age: 30\n", "      agee: 30\n", "test", "| a case answer `agee: 30`"),
    ("tests/skilled_worker.yaml", "      age: 30\n", "      age: two\n", "validate", "| a case answer `age: two`"),
    ("tests/skilled_worker.yaml", "skilled_worker: ineligible", "skiled_worker: ineligible", "test",
     "| a case expecting `skiled_worker: ineligible`"),
]


@pytest.mark.parametrize(("file", "old", "new", "command", "row"), MISTAKES, ids=[m[4] for m in MISTAKES])
def test_the_mistakes_table_quotes_real_messages(
    guide: Path, monkeypatch: pytest.MonkeyPatch, file: str, old: str, new: str, command: str, row: str
) -> None:
    edit(guide / file, old, new)
    monkeypatch.chdir(guide)
    result = cli("rules", command, ".")
    assert result.exit_code == 1
    [line] = [line for line in TEXT.splitlines() if line.startswith(row)]
    quoted = re.findall(r"`([^`]+)`", line.split(" | ", 1)[1])
    assert quoted
    for message in quoted:
        assert message in result.output, (message, result.output)


def test_explain_message_for_a_misspelled_pathway(guide: Path) -> None:
    rules = Path("rules")
    guide.rename(rules)
    result = cli("rules", "explain", "skiled_worker", "--rules", "rules")
    assert result.exit_code == 1
    assert "`Error: no pathway 'skiled_worker' in rules (did you mean 'skilled_worker'?)`" in TEXT
    assert result.stderr.splitlines()[0] == "Error: no pathway 'skiled_worker' in rules " \
                                            "(did you mean 'skilled_worker'?)"
