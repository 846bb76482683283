"""Issue 14's done-when: the lawyer's four changes, scripted in a copy made by `rules init`.

1. new proof-of-funds amounts from 2026-07-07 — first falling into the overlap trap, then fixed;
2. a new Atlantic Immigration Program pathway with its question and test cases;
3. the IEC age limit lowered to 30 from 2027-01-01, and `rules diff` across that date;
4. deliberate mistakes, each answered by a message that names the fix.

Edits are made as the guide (docs/rules.md) tells a lawyer to make them; files are changed through
YAML so that the tests do not depend on the shipped files' exact wording, only on their ids.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from lawyer_kit import cli

from screener.rulebook import load_rulebook

FUNDS_2026 = {1: 16000, 2: 19900, 3: 24500, 4: 29700, 5: 33700, 6: 38000, 7: 42300}
ATLANTIC = """\
questions:
  - id: atlantic_job_offer
    type: yes_no
    topic: work
    prompt: Do you have a job offer from a designated employer in Atlantic Canada?
pathways:
  - id: atlantic_immigration
    title: Atlantic Immigration Program
    kind: permanent_residence
    rank: 45
    summary: Permanent residence with a job offer from a designated employer in Atlantic Canada.
    reference: "IRPA s.14.1; Ministerial Instructions: Atlantic Immigration Program"
    source: https://www.canada.ca/en/immigration-refugees-citizenship/services/immigrate-canada/atlantic-immigration.html
    requirements:
      - id: designated_offer
        text: A job offer from a designated Atlantic employer
        condition: atlantic_job_offer
        reference: "Ministerial Instructions: Atlantic Immigration Program, employer designation"
      - id: adult
        text: You are 18 or older
        condition: age >= 18
"""
ATLANTIC_CASES = """\
tests:
  - name: Atlantic offer, 30 years old
    source: Ministerial Instructions, Atlantic Immigration Program
    as_of: 2026-09-01
    answers: {atlantic_job_offer: yes, age: 30}
    expect:
      pathways: {atlantic_immigration: eligible}
  - name: No Atlantic offer
    source: Ministerial Instructions, Atlantic Immigration Program
    as_of: 2026-09-01
    answers: {atlantic_job_offer: no, age: 30}
    expect:
      pathways: {atlantic_immigration: ineligible}
"""


@pytest.fixture
def mine(tmp_path: Path) -> Path:
    book = tmp_path / "mine"
    result = cli("rules", "init", str(book))
    assert result.exit_code == 0, result.output
    return book


def item(book: Path, section: str, item_id: str) -> tuple[Path, dict[str, Any], dict[str, Any]]:
    """The file, its data and the item `item_id` of `section` (wherever the rulebook keeps it)."""
    for path in sorted(book.rglob("*.yaml")):
        if "tests" in path.relative_to(book).parts or path.name.endswith(".fr.yaml"):  # tests, translations
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for found in data.get(section) or []:
            if found.get("id") == item_id:
                return path, data, found
    raise AssertionError(f"no {section} item '{item_id}' in {book}")


def save(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=200), encoding="utf-8")


def validate(book: Path) -> tuple[int, str]:
    result = cli("rules", "validate", str(book))
    return result.exit_code, result.output


def add_funds_2026(book: Path, *, close_previous: bool, last_day: dt.date = dt.date(2026, 7, 6)) -> None:
    """The 2026 amounts as the recipe says: a new table, and a new version of the derived amount."""
    rows = [{"at": size, "funds": amount, "each_member_over_7": 0, "effective_from": dt.date(2026, 7, 7)}
            for size, amount in FUNDS_2026.items()]
    rows.append({"from": 8, "funds": 42300, "each_member_over_7": 4300, "effective_from": dt.date(2026, 7, 7)})
    save(book / "tables" / "ee_funds_2026.yaml", {"tables": [{
        "id": "ee_funds_2026", "title": "Express Entry settlement funds by family size (from 7 Jul 2026)",
        "reference": "IRPR s.76(1)(b)(i); IRCC proof-of-funds table, 2026", "key": "number",
        "columns": ["funds", "each_member_over_7"], "rows": rows}]})
    path, data, derived = item(book, "derived", "ee_funds_required")
    versions = derived["versions"]
    if close_previous:
        versions[-1]["effective_until"] = last_day
    versions.append({"expr": 'ee_funds_2026(family_size, "funds") + max(family_size - 7, 0) * '
                             'ee_funds_2026(family_size, "each_member_over_7")',
                     "effective_from": dt.date(2026, 7, 7), "reference": "IRCC proof-of-funds table, 2026"})
    save(path, data)


def funds_advice(book: Path, day: dt.date) -> str:
    report = load_rulebook(book).evaluate({"marital_status": "single", "dependent_children": 0,
                                           "settlement_funds_cad": 1, "work_authorized_in_canada": "no",
                                           "job_offer": "no"}, as_of=day)
    (funds,) = [r for r in report.pathways["express_entry_fsw"].requirements if r.id == "settlement_funds"]
    assert funds.status == "failed" and funds.advice
    return funds.advice


def test_new_funds_amounts_fall_into_the_overlap_trap_and_the_message_names_the_fix(mine: Path) -> None:
    add_funds_2026(mine, close_previous=False)
    code, output = validate(mine)
    assert code == 1
    (line,) = [line for line in output.splitlines() if "ee_funds_required" in line]
    assert "version 2 of 'ee_funds_required'" in line and "version 3" in line
    assert "close version 2 of 'ee_funds_required' with `effective_until: 2026-07-06`" in line


def test_new_funds_amounts_closed_a_day_too_early_leave_a_gap_and_the_message_names_the_fix(mine: Path) -> None:
    add_funds_2026(mine, close_previous=True, last_day=dt.date(2026, 7, 5))
    code, output = validate(mine)
    assert code == 1
    (line,) = [line for line in output.splitlines() if "ee_funds_required" in line]
    assert "neither is in force on 2026-07-06" in line
    assert "start version 3 with `effective_from: 2026-07-06`" in line


def test_new_funds_amounts_once_the_old_version_is_closed(mine: Path) -> None:
    add_funds_2026(mine, close_previous=True)
    code, output = validate(mine)
    assert code == 0, output
    assert "$15,263" in funds_advice(mine, dt.date(2026, 7, 6))  # the 2025 amount until the day before
    assert "$16,000" in funds_advice(mine, dt.date(2026, 7, 7))  # the new amount from 7 July 2026


def test_a_new_atlantic_pathway_with_its_question_and_cases(mine: Path, tmp_path: Path) -> None:
    (mine / "pathways" / "atlantic.yaml").write_text(ATLANTIC, encoding="utf-8")
    code, output = validate(mine)
    assert code == 0, output
    assert "pathway 'atlantic_immigration' has no test case" in output
    (mine / "tests" / "atlantic.yaml").write_text(ATLANTIC_CASES, encoding="utf-8")
    code, output = validate(mine)
    assert code == 0 and "has no test case" not in output, output
    tested = cli("rules", "test", str(mine), "-k", "atlantic")
    assert tested.exit_code == 0 and "2 passed" in tested.output, tested.output
    intake = tmp_path / "intake.csv"
    intake.write_text("Client ID;Age;US citizen\nA-1;30;yes\nA-2;40;no\n", encoding="utf-8")
    rules = str(Path(__file__).resolve().parent.parent / "rules")
    diffed = cli("rules", "diff", rules, str(mine), "--answers", str(intake), "--as-of", "2026-09-01", "--json")
    data = json.loads(diffed.stdout)
    assert data["new_pathways"] == {"atlantic_immigration": {"incomplete": 2}}
    assert data["changed_rows"] == 0  # a new pathway is not 2 "absent → incomplete" flips
    assert any("atlantic_job_offer" in warning for warning in data["warnings"])


def test_the_iec_age_limit_falls_to_30_from_2027(mine: Path, tmp_path: Path) -> None:
    path, data, pathway = item(mine, "pathways", "iec_working_holiday")
    requirements = pathway["requirements"]
    index = next(i for i, r in enumerate(requirements) if r["id"] == "age_at_most_35")
    old = requirements[index]
    old["effective_until"] = dt.date(2026, 12, 31)
    requirements.insert(index + 1, {**old, "id": "age_at_most_30", "text": "You are 30 or younger",
                                    "condition": "age <= 30", "effective_until": None,
                                    "effective_from": dt.date(2027, 1, 1)})
    del requirements[index + 1]["effective_until"]
    save(path, data)
    code, output = validate(mine)
    assert code == 0, output  # the copied advice still says 35: a warning names the fix
    assert "the advice of requirement 'age_at_most_30' says 18, 35 but its condition compares with 30" in output
    requirements[index + 1]["advice"] = "You are {age}; this route is for people aged 18 to 30."
    save(path, data)
    code, output = validate(mine)
    assert code == 0 and "age_at_most_30' says" not in output, output
    intake = tmp_path / "intake.csv"
    intake.write_text("client_id,age,us_citizen,canadian_citizen\nyoung,25,yes,no\nmiddle,32,yes,no\n"
                      "old,36,yes,no\n", encoding="utf-8")
    diffed = cli("rules", "diff", str(mine), str(mine), "--answers", str(intake), "--id", "client_id",
                 "--as-of", "2026-12-31", "--new-as-of", "2027-01-01", "--json")
    assert diffed.exit_code == 0, diffed.output
    changes = [c for c in json.loads(diffed.stdout)["changes"] if c["id"] == "iec_working_holiday"]
    assert [c["label"] for c in changes] == ["middle"]  # 25 still fits, 36 was already out
    causes = {cause["id"]: (cause["old"], cause["new"]) for cause in changes[0]["causes"]}
    assert causes["age_at_most_30"] == (None, "failed") and causes["age_at_most_35"][1] is None


MISTAKES = [  # (what the lawyer did to the Atlantic file, the words of the fix)
    (("text: You are 18 or older", "text: Note: you must be 18 or older"), "must be in quotes"),
    (("topic: work", "topic: employment"), "the topics are: about_you"),
    (("condition: age >= 18", 'condition: age >= "18"'), "remove the quotes around the number"),
    (("condition: atlantic_job_offer", 'condition: atlantic_job_offer == "yes"'), "write just `atlantic_job_offer`"),
    (("condition: age >= 18", "condition: age >= 18\n        effective_from: July 7, 2026"),
     "write the date as YYYY-MM-DD"),
    (("      - id: adult\n", "     - id: adult\n"), "indent this line like the one above"),
    (("condition: age >= 18", "condition: agge >= 18"), "did you mean 'age'?"),
]


@pytest.mark.parametrize(("change", "fix"), MISTAKES, ids=[m[1] for m in MISTAKES])
def test_each_deliberate_mistake_names_the_fix(mine: Path, change: tuple[str, str], fix: str) -> None:
    old, new = change
    assert old in ATLANTIC
    atlantic = mine / "pathways" / "atlantic.yaml"
    atlantic.write_text(ATLANTIC.replace(old, new, 1), encoding="utf-8")
    code, output = validate(mine)
    assert code == 1, output
    lines = [line for line in output.splitlines() if str(atlantic) in line]
    assert lines and any(fix in line for line in lines), output


def test_a_wrongly_typed_case_answer_and_a_duplicate_id_in_the_copy(mine: Path) -> None:
    (mine / "pathways" / "atlantic.yaml").write_text(ATLANTIC.replace("id: atlantic_immigration",
                                                                      "id: iec_working_holiday"), encoding="utf-8")
    code, output = validate(mine)
    assert code == 1
    (line,) = [line for line in output.splitlines() if "duplicate pathway id" in line]
    assert line.strip().startswith(str(mine / "pathways" / "atlantic.yaml"))  # the file just written is blamed
    assert "also defined at" in line and "temporary.yaml" in line
    (mine / "pathways" / "atlantic.yaml").write_text(ATLANTIC, encoding="utf-8")
    (mine / "tests" / "atlantic.yaml").write_text(ATLANTIC_CASES.replace("age: 30}", "age: two}", 1),
                                                 encoding="utf-8")
    code, output = validate(mine)
    assert code == 1
    assert "answer to 'age' (int): expected a whole number" in output
