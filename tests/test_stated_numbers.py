"""review9 #5: the FSW pass mark is written once, so a dated change changes every text on its date; and
`rules validate` warns at a text, `needed` or score title that states a number its rule no longer compares
with, undated or from a date."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lawyer_kit import cli, edit

from screener.stated import limit_numbers

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
GUIDE = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(\S*)([^\n]*)\n(.*?)^```$", re.M | re.S)
PASS_MARK = """  - id: fsw_pass_mark
    text: The pass mark of the FSW selection grid (points out of 100)
    expr: 67
    reference: IRPR s.76(2)
    source: https://laws.justice.gc.ca/eng/regulations/SOR-2002-227/page-12.html
"""


def guide_block(tag: str) -> str:
    (body,) = [body for _lang, info, body in FENCE.findall(GUIDE) if info.strip() == tag]
    return body


def copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "my-rules"
    shutil.copytree(RULES, target)
    return target


def warnings(book: Path) -> list[str]:
    result = cli("rules", "validate", str(book))
    assert result.exit_code == 0, result.output
    return [line for line in result.output.splitlines() if ": warning: " in line and " says " in line]


def position(path: Path, text: str, value: str) -> str:
    """`file:line:col:` of `value` on the line holding `text`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return f"{path}:{number}:{line.index(value) + 1}:"
    raise AssertionError(text)


def numbers_in_the_texts(book: Path) -> None:
    """The rulebook as it was before the pass mark was written once: 67 in every text (`fsw_pass_mark` is
    left in place, unread)."""
    path = book / "pathways" / "express_entry.yaml"
    edit(path, "text: At least {fsw_pass_mark} of 100 points", "text: At least 67 of 100 points")
    edit(path, 'needed: "≥ {fsw_pass_mark}"', 'needed: "≥ 67"')
    edit(book / "pathways" / "express_entry.fr.yaml", "Au moins {fsw_pass_mark} points", "Au moins 67 points")
    edit(book / "derived.yaml", "text: Enough points on the FSW selection grid to reach its pass mark",
         "text: At least 67 points on the FSW selection grid")
    edit(book / "derived.yaml", "expr: fsw_points >= fsw_pass_mark", "expr: fsw_points >= 67")
    edit(book / "scores" / "fsw.yaml", "title: Federal Skilled Worker selection grid\n",
         "title: Federal Skilled Worker selection grid (pass mark 67)\n")


def test_the_shipped_rules_state_no_stale_number() -> None:
    assert warnings(RULES) == []


def test_the_pass_mark_is_written_once_in_the_shipped_rules() -> None:
    """No English or French text of the FSW grid says 67 itself: they read `fsw_pass_mark`, the one 67."""
    for name in ("pathways/express_entry.yaml", "pathways/express_entry.fr.yaml", "derived.yaml",
                 "derived.fr.yaml", "scores/fsw.yaml", "scores/fsw.fr.yaml"):
        text = (RULES / name).read_text(encoding="utf-8")
        assert len(re.findall(r"(?<![\d,.])67(?![\d,])", text)) == (name == "derived.yaml"), name
    assert PASS_MARK in (RULES / "derived.yaml").read_text(encoding="utf-8")


def test_the_guides_dated_pass_mark_changes_every_text_on_its_date(tmp_path: Path) -> None:
    """docs/rules.md's worked example: a `versions:` entry under `fsw_pass_mark` and two cases by `as_of`."""
    book = copy_rules(tmp_path)
    edit(book / "derived.yaml", PASS_MARK, guide_block("pass-mark"))
    (book / "tests" / "pass_mark_2027.yaml").write_text(guide_block("pass-mark-cases"), encoding="utf-8")
    assert warnings(book) == []
    tested = cli("rules", "test", str(book), "-k", "pass_mark_2027")
    assert tested.exit_code == 0, tested.output
    assert tested.stdout.strip().endswith("2 passed, 0 failed (2 cases)"), tested.output
    checked = cli("check", "--rules", str(book), "--answers", str(write_answers(tmp_path)), "--no-input",
                  "--as-of", "2027-02-01", "--details")
    assert "Needed: At least 70 of 100 points on the FSW selection grid" in " ".join(checked.stdout.split())


def write_answers(tmp_path: Path) -> Path:
    block = guide_block("pass-mark-cases")
    answers = block.split("answers: &fsw_68\n", 1)[1].split("    expect:", 1)[0]
    path = tmp_path / "fsw68.yaml"
    path.write_text(answers, encoding="utf-8")
    return path


def test_a_version_added_under_the_condition_warns_at_every_text_that_says_the_old_number(tmp_path: Path) -> None:
    """review9 #5: the review's edit (`versions:` under fsw_selection_grid, texts left saying 67): four
    warnings, each at its text, each naming the date and the new number; the guide quotes them."""
    book = copy_rules(tmp_path)
    numbers_in_the_texts(book)
    assert warnings(book) == []  # the old, undated rulebook: every text is right
    edit(book / "derived.yaml", "    expr: fsw_points >= 67\n", "    versions:\n"
         "      - {expr: fsw_points >= 67, effective_until: 2027-01-31}\n"
         "      - {expr: fsw_points >= 70, effective_from: 2027-02-01}\n")
    found = warnings(book)
    pathway, derived = book / "pathways" / "express_entry.yaml", book / "derived.yaml"
    score = book / "scores" / "fsw.yaml"
    assert [line.split(" warning: ")[0] for line in found] == [
        position(pathway, "text: At least 67 of 100", "At least"),
        position(pathway.with_suffix(".fr.yaml"), "text: Au moins 67 points", "Au moins"),  # review11 #12
        position(derived, "text: At least 67 points on", "At least"),
        position(score, "title: Federal", "Federal"),
        position(pathway, 'needed: "≥ 67"', '"≥ 67"'),
    ]
    assert all("says 67" in line and "from 2027-02-01" in line and "70" in line for line in found), found
    shown = guide_block("stale-pass-mark").splitlines()
    assert sorted(line.split(": warning: ", 1)[1] for line in found) == sorted(shown)


def test_an_undated_edit_warns_at_the_same_texts(tmp_path: Path) -> None:
    """mr-naive of review9: `fsw_points >= 70` in place; the requirement text, the derived text and the score
    title now warn as `needed` did."""
    book = copy_rules(tmp_path)
    numbers_in_the_texts(book)
    edit(book / "derived.yaml", "expr: fsw_points >= 67", "expr: fsw_points >= 70")
    found = warnings(book)
    assert [line.split(": warning: ")[1].split(" says ")[0] for line in found] == [
        "the text of requirement 'selection_grid'", "the French text of requirement 'selection_grid'",
        "the text of derived value 'fsw_selection_grid'", "the title of score 'fsw_points'",
        "'needed' of requirement 'selection_grid'"]
    assert not any("from 20" in line for line in found)


def test_the_right_number_in_a_dated_version_clears_the_warning(tmp_path: Path) -> None:
    """A text that names both numbers ("67, or 70 from 1 Feb 2027") is not stale on either date."""
    book = copy_rules(tmp_path)
    numbers_in_the_texts(book)
    edit(book / "scores" / "fsw.yaml", "(pass mark 67)", "(pass mark 67, or pass mark 70 from 2027-02-01)")
    edit(book / "derived.yaml", "    expr: fsw_points >= 67\n", "    versions:\n"
         "      - {expr: fsw_points >= 67, effective_until: 2027-01-31}\n"
         "      - {expr: fsw_points >= 70, effective_from: 2027-02-01}\n")
    assert not any("score 'fsw_points'" in line for line in warnings(book))


@pytest.mark.parametrize(("text", "limits"), [
    ("At least 67 of 100 points on the FSW selection grid", [67]),
    ("Federal Skilled Worker selection grid (pass mark 67)", [67]),
    ("You are 35 or younger", [35]),
    ("At least CLB 7 in all four abilities", [7]),
    ("At least one year (1,560 hours) of skilled work in the last 3 years", []),
    ("At least {fsw_pass_mark} of 100 points", []),
    ("A qualifying job offer (full-time, 1+ year, TEER 0–3)", []),
])
def test_only_numbers_stated_as_limits_are_checked_through_other_values(text: str, limits: list[float]) -> None:
    assert limit_numbers(text) == limits
