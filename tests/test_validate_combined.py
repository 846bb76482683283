"""`screener rules validate` with several problems in one file: each at its true place, none hidden, none derived.

A rejected item must not shift the positions of the items after it, its expressions are still checked,
and what uses it (its French texts) reports nothing more.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screener.cli import app

ROOT = Path(__file__).parent.parent
FILE = Path("pathways") / "temporary.yaml"
runner = CliRunner()


@dataclass(frozen=True)
class Edit:
    """Replace `old` by `new` in the `occurrence`-th line (0-based) containing `old`; the problem is expected at
    the column where `mark` starts within the edited line (or at `at_line`/`at_column` relative to it)."""

    old: str
    new: str
    mark: str
    occurrence: int = 0
    mark_occurrence: int = 0

    def apply(self, lines: list[str]) -> tuple[int, int]:
        """Edit `lines` in place; the (line, column), 1-based, of the mark."""
        hits = [number for number, line in enumerate(lines) if self.old in line]
        number = hits[self.occurrence]
        lines[number] = lines[number].replace(self.old, self.new, 1)
        starts = [match.start() for match in re.finditer(re.escape(self.mark), lines[number])]
        return number + 1, starts[self.mark_occurrence] + 1


def item_start(lines: list[str], item_id: str) -> tuple[int, int]:
    """Where the pathway `item_id` begins (the mapping after '- ')."""
    for number, line in enumerate(lines):
        if line == f"  - id: {item_id}":
            return number + 1, 5
    raise AssertionError(item_id)


def validate(tmp_path: Path, edits: list[Edit]) -> tuple[Path, list[tuple[int, int]], list[str]]:
    """A copy of the shipped rules with `edits` made to temporary.yaml: (its path, marks, output lines with
    file names relative to the copy)."""
    copy = tmp_path / "rules"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(ROOT / "rules", copy)
    path = copy / FILE
    lines = path.read_text(encoding="utf-8").split("\n")
    marks = [edit.apply(lines) for edit in edits]
    path.write_text("\n".join(lines), encoding="utf-8")
    result = runner.invoke(app, ["rules", "validate", str(copy)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return path, marks, result.output.replace(f"{copy}{'/'}", "").splitlines()  # file names as in the rulebook


def problems(output: list[str]) -> list[str]:
    """The `file:line:col: message` lines of a rejection."""
    return [line.strip() for line in output[1:] if line.startswith("  ")]


def positions(output: list[str]) -> set[str]:
    return {line.split(": ", 1)[0] for line in problems(output)}


TITLE = Edit("    title: CUSMA professional work permit", "    tilte: CUSMA professional work permit", "tilte")
REFERENCE = Edit("        reference: Citizenship Act s.3", "        refrence: Citizenship Act s.3", "refrence")
OR_OR = Edit("condition: us_citizen or mexican_citizen", "condition: us_citizen or or mexican_citizen", "or",
             mark_occurrence=1)
NAME = Edit("condition: months_with_employer_last_3_years >= 12", "condition: months_with_employr_last_3_years >= 12",
            "months_with_employr")


def test_combined_problems_are_each_listed_at_their_own_place(tmp_path: Path) -> None:
    edited, (title, reference, or_or, name), output = validate(tmp_path, [TITLE, REFERENCE, OR_OR, NAME])
    pathway = item_start(edited.read_text(encoding="utf-8").split("\n"), "cusma_professional")
    path = FILE
    assert output[0] == "Error: the rulebook was rejected: 5 problems"
    assert problems(output) == [
        f"{path}:{pathway[0]}:{pathway[1]}: missing required key 'title'",
        f"{path}:{title[0]}:{title[1]}: unknown key 'tilte' (did you mean 'title'?)",
        f"{path}:{reference[0]}:{reference[1]}: unknown key 'refrence' (did you mean 'reference'?)",
        f"{path}:{or_or[0]}:{or_or[1]}: 'or' cannot stand here",
        f"{path}:{name[0]}:{name[1]}: unknown name 'months_with_employr_last_3_years' "
        "(did you mean 'months_with_employer_last_3_years'?)",
    ]
    assert name[0] > 60  # the second pathway's requirement, not the first one's with the same index


def test_an_item_beyond_repair_still_has_its_expressions_parsed_and_no_derived_errors(tmp_path: Path) -> None:
    rank = Edit("    rank: 50", "    rank: fifty", "fifty")
    _edited, (rank_at, or_or, name), output = validate(tmp_path, [rank, OR_OR, NAME])
    path = FILE
    assert [line.split(": ", 1)[0] for line in problems(output)] == [
        f"{path}:{rank_at[0]}:{rank_at[1]}", f"{path}:{or_or[0]}:{or_or[1]}", f"{path}:{name[0]}:{name[1]}"]
    assert not any("temporary.fr.yaml" in line for line in output)  # its French texts are no second problem


EARLIER = {  # unrelated problems in the file's first pathway, before every problem below
    "misspelled key": [TITLE, REFERENCE],
    "wrong value": [Edit("    rank: 50", "    rank: fifty", "fifty")],
    "unknown key": [Edit("    goals: [work, live_permanently]", "    golas: [work, live_permanently]", "golas")],
}
LATER = {  # one problem each, in a later pathway
    "unknown name": NAME,
    "parse error": Edit("condition: age >= 18", "condition: age >= >= 18", ">=", mark_occurrence=1),
    "unknown key": Edit("        text: You are a US citizen", "        txet: You are a US citizen", "txet"),
    "wrong value": Edit("    rank: 70", "    rank: seventy", "seventy"),
    "placeholder": Edit("advice: You are {age};", "advice: You are {agee};", "advice"),
}


@pytest.mark.parametrize("later", LATER, ids=list(LATER))
@pytest.mark.parametrize("earlier", EARLIER, ids=list(EARLIER))
def test_a_problem_is_found_where_it_is_alone_whatever_comes_before_it(tmp_path: Path, earlier: str,
                                                                       later: str) -> None:
    _path, _marks, alone = validate(tmp_path / "alone", [LATER[later]])
    _path, _marks, before = validate(tmp_path / "before", EARLIER[earlier])
    _path, _marks, both = validate(tmp_path / "both", [*EARLIER[earlier], LATER[later]])
    assert len(positions(alone)) >= 1
    assert positions(both) == positions(alone) | positions(before)
    assert set(problems(both)) == set(problems(alone)) | set(problems(before))
