"""Dated values never overlap (§13.27): `rules validate` rejects two versions, or two rows for one key,
that are both in force on some day, naming both positions and the fix; every dated table has a start date."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path

import pytest
from lawyer_kit import cli
from test_loader import problems

from screener.evaluation import Evaluation
from screener.rulebook import load_rulebook

ROOT = Path(__file__).resolve().parent.parent

HEAD = """\
rulebook: {id: demo, title: Demo, version: "1", disclaimer: Not legal advice.}
topics: [{id: main, title: Main}]
questions:
  - {id: family_size, type: int, min: 1, max: 20, topic: main, prompt: Family size?}
  - {id: level, type: choice, choices: [low, high], topic: main, prompt: Level?}
pathways:
  - id: skilled
    title: Skilled
    kind: permanent_residence
    summary: s
    requirements:
      - {id: funds, text: Funds, condition: funds_needed > 0 and level_points(level) >= 0}
"""

DERIVED = """\
derived:
  - id: funds_needed
    versions:
      - expr: funds_2025(family_size)
        effective_from: 2025-07-07
      - expr: funds_2026(family_size)
        effective_from: 2026-07-07
"""

TABLES = """\
tables:
  - id: funds_2025
    title: Funds 2025
    key: number
    rows:
      - {at: 1, points: 15263, effective_from: 2025-07-07}
      - {from: 2, points: 19001, effective_from: 2025-07-07}
  - id: funds_2026
    title: Funds 2026
    key: number
    rows:
      - {at: 1, points: 16000, effective_from: 2026-07-07}
      - {from: 2, points: 20000, effective_from: 2026-07-07}
  - id: level_points
    title: Level points
    key: text
    rows:
      - {at: low, points: 1}
      - {in: [low, high], points: 2}
"""


def book(folder: Path, derived: str = DERIVED, tables: str = TABLES) -> Path:
    (folder / "rules.yaml").write_text(HEAD + textwrap.dedent(derived) + textwrap.dedent(tables), encoding="utf-8")
    return folder


def test_closed_versions_and_dated_rows_load(tmp_path: Path) -> None:
    derived = DERIVED.replace("        effective_from: 2025-07-07\n",
                              "        effective_from: 2025-07-07\n        effective_until: 2026-07-06\n")
    rulebook = load_rulebook(book(tmp_path, derived))
    state = Evaluation(rulebook, {"family_size": 1}, dt.date(2026, 7, 6))
    assert state.lookup("funds_needed")[0] == 15263
    assert Evaluation(rulebook, {"family_size": 1}, dt.date(2026, 7, 7)).lookup("funds_needed")[0] == 16000
    # an undated table keeps "first matching row wins" (level_points repeats `low` on purpose)
    assert rulebook.evaluate({"family_size": "1", "level": "low"}, as_of=dt.date(2026, 1, 1)).outcomes() == {
        "skilled": "eligible"}


def test_two_versions_in_force_on_one_day_are_an_error_with_both_positions(tmp_path: Path) -> None:
    found = problems(book(tmp_path))  # version 1 was never closed when version 2 was added
    file = tmp_path / "rules.yaml"
    assert found == [
        f"{file}:18:9: version 1 of 'funds_needed' ({file}:16:9) and version 2 ({file}:18:9) are both in force "
        "from 2026-07-07 on: close version 1 of 'funds_needed' with `effective_until: 2026-07-06`"]


def test_two_dated_rows_for_one_key_are_an_error(tmp_path: Path) -> None:
    tables = TABLES.replace("      - {from: 2, points: 19001, effective_from: 2025-07-07}\n",
                            "      - {from: 2, points: 19001, effective_from: 2025-07-07}\n"
                            "      - {at: 3, points: 23360, effective_from: 2025-01-01, effective_until: 2025-12-31}\n")
    derived = DERIVED.replace("        effective_from: 2025-07-07\n",
                              "        effective_from: 2025-07-07\n        effective_until: 2026-07-06\n")
    found = problems(book(tmp_path, derived, tables))
    file = tmp_path / "rules.yaml"
    # family size 3 matches `from: 2` and `at: 3`; both are in force from 2025-07-07 to 2025-12-31
    assert found == [
        f"{file}:28:9: row 2 of table 'funds_2025' ({file}:27:9) and row 3 ({file}:28:9) are both in force "
        "from 2025-07-07 to 2025-12-31 for the same key: close row 3 with `effective_until: 2025-07-06`"]


@pytest.mark.parametrize(("rows", "clash"), [
    ("[{at: 1, points: 1, effective_from: 2020-01-01}, {at: 2, points: 2, effective_from: 2020-01-01}]", False),
    ("[{at: 1, points: 1, effective_from: 2020-01-01}, {at: 1, points: 2, effective_from: 2021-01-01}]", True),
    ("[{to: 5, points: 1, effective_from: 2020-01-01}, {from: 6, points: 2, effective_from: 2020-01-01}]", False),
    ("[{to: 5, points: 1, effective_from: 2020-01-01}, {from: 5, points: 2, effective_from: 2020-01-01}]", True),
    ("[{in: [1, 2], points: 1, effective_from: 2020-01-01}, {from: 2.5, points: 2, effective_from: 2020-01-01}]",
     False),
    ("[{in: [1, 3], points: 1, effective_from: 2020-01-01}, {from: 2.5, points: 2, effective_from: 2020-01-01}]",
     True),
    ("[{points: 1, effective_from: 2020-01-01}, {at: 9, points: 2, effective_from: 2020-01-01}]", True),
    ("[{at: 1, points: 1, effective_from: 2020-01-01, effective_until: 2020-12-31},"
     " {at: 1, points: 2, effective_from: 2021-01-01}]", False),
    ("[{at: 1, points: 1, effective_from: 2020-01-01, effective_until: 2021-01-01},"
     " {at: 1, points: 2, effective_from: 2021-01-01}]", True),  # both ends are inclusive: one shared day
])
def test_which_rows_overlap(tmp_path: Path, rows: str, clash: bool) -> None:
    derived = "derived:\n  - {id: funds_needed, expr: extra(family_size)}\n"
    tables = TABLES + f"  - {{id: extra, title: Extra, key: number, rows: {rows}}}\n"
    folder = book(tmp_path, derived, tables)
    if clash:
        [found] = problems(folder)
        assert "are both in force" in found and "table 'extra'" in found
    else:
        load_rulebook(folder)


def test_text_keys_overlap(tmp_path: Path) -> None:
    tables = TABLES.replace("      - {at: low, points: 1}\n      - {in: [low, high], points: 2}\n",
                            "      - {at: high, points: 1, effective_from: 2020-01-01}\n"
                            "      - {in: [low, high], points: 2, effective_from: 2020-01-01}\n")
    derived = DERIVED.replace("        effective_from: 2025-07-07\n",
                              "        effective_from: 2025-07-07\n        effective_until: 2026-07-06\n")
    [found] = problems(book(tmp_path, derived, tables))
    assert "row 1 of table 'level_points'" in found and "from 2020-01-01 on" in found


def test_every_row_of_a_dated_table_has_a_start_date(tmp_path: Path) -> None:
    tables = TABLES.replace("      - {at: 1, points: 15263, effective_from: 2025-07-07}",
                            "      - {at: 1, points: 15263, effective_until: 2026-07-06}")
    derived = DERIVED.replace("        effective_from: 2025-07-07\n",
                              "        effective_from: 2025-07-07\n        effective_until: 2026-07-06\n")
    found = problems(book(tmp_path, derived, tables))
    assert found == [f"{tmp_path / 'rules.yaml'}:26:9: row 1 of table 'funds_2025' has no start date: in a table "
                     "with dated rows every row needs `effective_from`"]


def test_the_validate_command_lists_every_overlap(tmp_path: Path) -> None:
    tables = TABLES.replace("      - {at: low, points: 1}\n",
                            "      - {at: low, points: 1, effective_from: 2020-01-01}\n")
    result = cli("rules", "validate", str(book(tmp_path, DERIVED, tables)))
    assert result.exit_code == 1
    assert "version 1 of 'funds_needed'" in result.output
    assert "row 2 of table 'level_points' has no start date" in result.output
    assert "Traceback" not in result.output


def test_the_2024_funds_table_starts_on_28_may_2024() -> None:
    """canada-rules.md §3: the 2024 amounts; before they took effect the rulebook has none (not a guess)."""
    rulebook = load_rulebook(ROOT / "rules")
    values = rulebook.read_answers({"dependent_children": "0", "marital_status": "single"})

    def funds(day: dt.date) -> object:
        return Evaluation(rulebook, values, day).lookup("ee_funds_required")[0]

    assert funds(dt.date(2024, 5, 27)) is None
    assert funds(dt.date(2024, 5, 28)) == 14690
    assert funds(dt.date(2025, 7, 6)) == 14690
    assert funds(dt.date(2025, 7, 7)) == 15263


def test_the_guide_shows_the_real_overlap_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/rules.md's dated-change recipe: its mistake gives exactly the message it quotes."""
    guide = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    [mistake] = re.findall(r"```yaml overlap\n(.*?)```", guide, re.S)
    [message] = re.findall(r"```text overlap\n(.*?)\n```", guide, re.S)
    rules = tmp_path / "rules"
    rules.mkdir()
    head = HEAD.replace("funds_needed > 0", "ee_funds_required > 0")
    tables = TABLES.replace("funds_2025", "ee_funds_2025").replace("funds_2026", "ee_funds_2026")
    (rules / "main.yaml").write_text(head + textwrap.dedent(tables), encoding="utf-8")
    # the quoted positions are those of a derived.yaml where this block starts on line 13
    (rules / "derived.yaml").write_text("# derived values\n" * 12 + mistake, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli("rules", "validate", "rules")
    assert result.exit_code == 1
    assert message in result.output
