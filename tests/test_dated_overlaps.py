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
    # closed a day too early: the guide's gap message, at the same positions
    [gap] = re.findall(r"```text gap\n(.*?)\n```", guide, re.S)
    closed = mistake.replace("effective_from: 2025-07-07\n",
                             "effective_from: 2025-07-07\n        effective_until: 2026-07-05\n")
    assert closed != mistake
    (rules / "derived.yaml").write_text("# derived values\n" * 12 + closed, encoding="utf-8")
    result = cli("rules", "validate", "rules")
    assert result.exit_code == 1
    assert gap in result.output


CLOSED_EARLY = DERIVED.replace("        effective_from: 2025-07-07\n",
                               "        effective_from: 2025-07-07\n        effective_until: 2026-07-05\n")


def test_a_day_between_two_versions_is_an_error_with_both_positions_and_the_fix(tmp_path: Path) -> None:
    found = problems(book(tmp_path, CLOSED_EARLY))  # closed on 07-05, the new amounts start on 07-07
    file = tmp_path / "rules.yaml"
    assert found == [
        f"{file}:19:9: version 1 of 'funds_needed' ({file}:16:9) ends on 2026-07-05 and version 2 ({file}:19:9) "
        "starts on 2026-07-07: neither is in force on 2026-07-06, so the value is unknown then and every verdict "
        "that reads it incomplete: start version 2 with `effective_from: 2026-07-06` (the day after the other ends)"]


def test_versions_given_out_of_order_leave_no_gap_when_they_meet(tmp_path: Path) -> None:
    derived = """\
derived:
  - id: funds_needed
    versions:
      - {expr: funds_2026(family_size), effective_from: 2026-07-07}
      - {expr: funds_2025(family_size), effective_from: 2025-07-07, effective_until: 2026-07-06}
"""
    load_rulebook(book(tmp_path, derived))


@pytest.mark.parametrize(("rows", "gap"), [
    ("[{at: 1, points: 1, effective_from: 2020-01-01, effective_until: 2020-12-30},"
     " {at: 1, points: 2, effective_from: 2021-01-01}]", "on 2020-12-31"),
    ("[{from: 1, points: 1, effective_from: 2020-01-01, effective_until: 2020-12-31},"
     " {at: 1, points: 2, effective_from: 2021-03-01}, {from: 2, points: 2, effective_from: 2021-01-01}]",
     "from 2021-01-01 to 2021-02-28"),  # size 1 has no row in Jan–Feb 2021
    ("[{at: 1, points: 1, effective_from: 2020-01-01, effective_until: 2020-12-31},"
     " {at: 1, points: 2, effective_from: 2021-01-01}]", None),
    ("[{at: 1, points: 1, effective_from: 2020-01-01, effective_until: 2020-12-31},"
     " {at: 2, points: 2, effective_from: 2022-01-01}]", None),  # another key: a row that ended, not a gap
])
def test_a_gap_between_dated_rows_for_one_key(tmp_path: Path, rows: str, gap: str | None) -> None:
    derived = "derived:\n  - {id: funds_needed, expr: extra(family_size)}\n"
    folder = book(tmp_path, derived, TABLES + f"  - {{id: extra, title: Extra, key: number, rows: {rows}}}\n")
    if gap is None:
        load_rulebook(folder)
        return
    [found] = problems(folder)
    assert f"neither is in force {gap} for the same key" in found and "row 1 of table 'extra'" in found, found
    assert "start row 2 with `effective_from:" in found


REPLACED = """\
rulebook: {id: demo, title: Demo, version: "1", disclaimer: Not legal advice.}
topics: [{id: main, title: Main}]
questions:
  - {id: age, type: int, min: 0, max: 120, topic: main, prompt: Age?}
pathways:
  - id: holiday
    title: Working holiday
    kind: temporary_residence
    summary: s
    requirements:
      - {id: adult, text: 18 or older, condition: age >= 18}
      - {id: age_at_most_35, text: 35 or younger, condition: age <= 35, effective_until: 2026-12-31}
      - {id: age_at_most_30, text: 30 or younger, condition: age <= 30, effective_from: 2027-01-01}
    next_steps:
      - {text: Pay the $161 fee., effective_until: 2026-12-31}
      - {text: Pay the $175 fee., effective_from: 2027-01-01}
scores:
  - id: grid
    title: Grid
    lines:
      - {id: age, text: Age, points: "if(age <= 35, 10, 0)", effective_until: 2026-12-31}
      - {id: age_2027, text: Age, points: "if(age <= 30, 12, 0)", effective_from: 2027-01-01}
"""


def warnings_of(folder: Path) -> list[str]:
    return [f"{warning.position}: {warning.message}" for warning in load_rulebook(folder).warnings
            if "new version" in warning.message]


def test_replacements_that_meet_give_no_warning(tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_text(REPLACED, encoding="utf-8")
    assert warnings_of(tmp_path) == []


def test_a_replaced_requirement_left_open_is_a_warning_naming_both_and_the_fix(tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_text(REPLACED.replace(", effective_until: 2026-12-31}\n      - {id: age_at_most_30",
                                                          "}\n      - {id: age_at_most_30"), encoding="utf-8")
    file = tmp_path / "rules.yaml"
    assert warnings_of(tmp_path) == [
        f"{file}:13:9: requirement 'age_at_most_30' ({file}:13:9) reads like a new version of requirement "
        f"'age_at_most_35' ({file}:12:9) (the same condition with other values), but both are in force from "
        "2027-01-01 on: if it replaces it, close requirement 'age_at_most_35' with `effective_until: 2026-12-31`"]


def test_a_score_line_and_a_step_closed_too_early_leave_a_gap(tmp_path: Path) -> None:
    text = REPLACED.replace("10, 0)\", effective_until: 2026-12-31", "10, 0)\", effective_until: 2026-11-30")
    text = text.replace("$161 fee., effective_until: 2026-12-31", "$161 fee., effective_until: 2026-12-30")
    (tmp_path / "rules.yaml").write_text(text, encoding="utf-8")
    found = warnings_of(tmp_path)
    assert len(found) == 2, found
    step, line = sorted(found, key=lambda w: "'grid'" in w)
    assert "next step 2 of 'holiday'" in step and "neither is in force on 2026-12-31" in step
    assert "start next step 2 of 'holiday' with `effective_from: 2026-12-31`" in step
    assert "line 'age_2027' of 'grid'" in line and "from 2026-12-01 to 2026-12-31" in line
    assert "start line 'age_2027' of 'grid' with `effective_from: 2026-12-01`" in line


def test_the_validate_command_shows_replacement_warnings_and_accepts_the_rulebook(tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_text(REPLACED.replace("effective_from: 2027-01-01}\n    next_steps",
                                                          "effective_from: 2027-02-01}\n    next_steps"),
                                         encoding="utf-8")
    result = cli("rules", "validate", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "warning: requirement 'age_at_most_30' reads like a new version of requirement 'age_at_most_35' " \
           "(the same condition with other values), but requirement 'age_at_most_35'" in result.output
    assert "neither is in force from 2027-01-01 to 2027-01-31" in result.output


def test_a_flag_replaced_on_a_date_and_left_open_is_a_warning(tmp_path: Path) -> None:
    flags = """\
flags:
  - {id: old_age_limit, severity: info, title: Over the limit, text: t, condition: age > 35}
  - {id: new_age_limit, severity: info, title: Over the limit, text: t, condition: age > 30,
     effective_from: 2027-01-01}
"""
    (tmp_path / "rules.yaml").write_text(REPLACED + flags, encoding="utf-8")
    [found] = warnings_of(tmp_path)
    assert "flag 'new_age_limit'" in found and "reads like a new version of flag 'old_age_limit'" in found
    assert "close flag 'old_age_limit' with `effective_until: 2026-12-31`" in found
