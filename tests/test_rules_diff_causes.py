"""review9 #6: `rules diff` names, for each flipped requirement, only the changed rules and table rows whose
value differs for that row under the old and the new rulebook, the most direct first: a new funds row is
not blamed on the pass mark, nor the pass mark on the funds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from lawyer_kit import cli, edit
from test_rules_diff_stream import FSW_68

RULES = Path(__file__).resolve().parent.parent / "rules"
PASS_MARK = ("    expr: 67\n    reference: IRPR s.76(2)\n", "    expr: 70\n    reference: IRPR s.76(2)\n")
FUNDS_ROW = ("      - {at: 1, funds: 15263, each_member_over_7: 0, effective_from: 2025-07-07}\n",
             "      - {at: 1, funds: 15263, each_member_over_7: 0, effective_from: 2025-07-07, effective_until: "
             "2026-11-30}\n      - {at: 1, funds: 15900, each_member_over_7: 0, effective_from: 2026-12-01}\n")
# A: 68 grid points and $20,000: only the pass mark of 70 turns her away. B: 76 points and $15,500: only the new
# $15,900 row does. Both hold a provincial nomination, whose `express_entry_program` reads both rules.
CLIENTS = {"A": {**FSW_68, "provincial_nomination": "yes"},
           "B": {**FSW_68, "provincial_nomination": "yes", "foreign_work_years": "6", "settlement_funds_cad": "15500",
                 **{f"french_nclc_{ability}": "5" for ability in ("reading", "writing", "listening", "speaking")}}}


@pytest.fixture
def books(tmp_path: Path) -> tuple[Path, Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(RULES, old)
    shutil.copytree(RULES, new)
    edit(new / "derived.yaml", *PASS_MARK)
    edit(new / "tables" / "funds.yaml", *FUNDS_ROW)
    intake = tmp_path / "intake.csv"
    rows = [",".join(["client_id", *FSW_68])] + [",".join([name, *(answers[k] for k in FSW_68)])
                                                 for name, answers in CLIENTS.items()]
    intake.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return old, new, intake


def run(books: tuple[Path, Path, Path], *extra: str) -> Any:
    old, new, intake = books
    result = cli("rules", "diff", str(old), str(new), "--answers", str(intake), "--id", "client_id",
                 "--as-of", "2027-03-01", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if "--json" in extra else result.stdout


def causes(data: Any, label: str, pathway: str) -> list[dict[str, Any]]:
    (change,) = [c for c in data["changes"] if c["label"] == label and c["id"] == pathway]
    return change["causes"]  # type: ignore[no-any-return]


def test_each_client_is_told_the_one_change_that_flipped_them(books: tuple[Path, Path, Path]) -> None:
    data = run(books, "--json")
    for label in CLIENTS:
        assert {c["id"]: (c["old"], c["new"]) for c in data["changes"] if c["kind"] == "pathway" and c["label"] == label
                } == {"express_entry_fsw": ("eligible", "ineligible"), "provincial_nominee": ("eligible", "ineligible")}
    program_a, = [c for c in causes(data, "A", "provincial_nominee") if c["kind"] == "requirement"]
    assert program_a["id"] == "express_entry_program"
    assert program_a["rules"] == [{"id": "fsw_pass_mark", "old": "67", "new": "70"}]
    assert [c for c in causes(data, "A", "provincial_nominee") if c["kind"] == "table"] == []  # her funds do
    program_b, table_b = causes(data, "B", "provincial_nominee")
    assert program_b["id"] == "express_entry_program" and "rules" not in program_b  # his 76 points pass both marks
    assert (table_b["id"], table_b["old_row"], table_b["new_row"], table_b["new"]) == ("ee_funds_2025", 1, 2, 15900)
    assert [c["id"] for c in causes(data, "A", "express_entry_fsw")] == ["selection_grid"]
    assert [c["id"] for c in causes(data, "B", "express_entry_fsw")] == ["settlement_funds", "ee_funds_2025"]


def test_the_text_blames_the_pass_mark_only_for_the_68_point_client(books: tuple[Path, Path, Path]) -> None:
    text = run(books)
    block_a, block_b = text.split("(A)\n", 1)[1].split("(B)\n")
    assert "fsw_pass_mark now 70, was 67" in block_a and "ee_funds_2025" not in block_a
    assert "fsw_pass_mark" not in block_b and "row 1 = 15,263 → row 2 = 15,900" in block_b


def test_the_most_direct_changed_rule_comes_first(books: tuple[Path, Path, Path]) -> None:
    """Two changed rules on one path: the grid's own condition (read by `fsw_meets_minimums`) before the pass
    mark it reads."""
    _old, new, _intake = books
    edit(new / "derived.yaml", "expr: fsw_points >= fsw_pass_mark", "expr: fsw_points >= fsw_pass_mark and age >= 0")
    data = run(books, "--json")
    (program,) = [c for c in causes(data, "A", "provincial_nominee") if c["kind"] == "requirement"]
    assert [rule["id"] for rule in program["rules"]] == ["fsw_selection_grid", "fsw_pass_mark"]
