"""Test-case files are validated like rule files (casecheck): before any case runs, every problem of every
case file is listed at the file:line:col of the key or value, with "did you mean", and the command exits 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from lawyer_kit import cli, copy_book, edit

BROKEN = """tests:
  - name: no source, a misspelled outcome, answer and keys
    as_of: 2026-01-01
    answers: {agee: 30, english_clb: nine}
    expect:
      pathways: {skilled: eligble}
      flgs: []
"""

MISNAMED = """tests:
  - name: every name misspelled
    source: s
    as_of: 2026-01-01
    answers: {age: 30}
    expect:
      pathways: {skiled: eligible}
      scores: {gird: 3}
      score_lines: {grid: {agee: 12}}
      categories: {grid: {french: yes}}
      flags: [criminallity]
      leads: [nothing_alike]
      best_pathway: working_holliday
      texts: {de: [Hallo], EN: [Hello]}
"""


def expected_lines(book: Path) -> list[str]:
    broken, misnamed = book / "tests" / "broken.yaml", book / "tests" / "misnamed.yaml"
    return [
        f"{broken}:2:5: missing required key 'source'",
        f"{broken}:4:15: 'agee' is not a question of this rulebook (did you mean 'age'?)",
        f"{broken}:4:38: answer to 'english_clb' (int): expected a whole number, like 6",
        f"{broken}:6:27: tests #1 → expect → pathways → skilled: 'eligble' is not allowed "
        "(did you mean 'eligible'?)",
        f"{broken}:7:7: unknown key 'flgs' (did you mean 'flags'?)",
        f"{misnamed}:7:18: 'skiled' is not a pathway of this rulebook (did you mean 'skilled'?)",
        f"{misnamed}:8:16: 'gird' is not a score of this rulebook (did you mean 'grid'?)",
        f"{misnamed}:9:28: 'agee' is not a line of score 'grid' (did you mean 'age'?)",
        f"{misnamed}:10:27: 'french' is not a round category of score 'grid'",
        f"{misnamed}:11:15: 'criminallity' is not a flag of this rulebook (did you mean 'criminality'?)",
        f"{misnamed}:12:15: 'nothing_alike' is not a lead of this rulebook",
        f"{misnamed}:13:21: 'working_holliday' is not a pathway of this rulebook (did you mean 'working_holiday'?)",
        f"{misnamed}:14:15: 'de' is not a language of this rulebook; use one of: en",
        f"{misnamed}:14:28: tests #1 → expect → texts → EN: 'EN' is not a language code: use two lowercase letters "
        "such as en or fr",
    ]


@pytest.fixture
def book(tmp_path: Path) -> Path:
    book = copy_book(tmp_path)
    (book / "tests" / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    (book / "tests" / "misnamed.yaml").write_text(MISNAMED, encoding="utf-8")
    return book


def problems(output: str) -> list[str]:
    return [line[2:] for line in output.splitlines() if line.startswith("  ")]


@pytest.mark.parametrize("command", ["test", "validate"])
def test_every_problem_of_every_case_file_is_listed_before_any_case_runs(book: Path, command: str) -> None:
    result = cli("rules", command, str(book))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.startswith("Error: the test cases were rejected: 14 problems\n")
    assert problems(result.output) == expected_lines(book)
    assert "passed" not in result.output and "FAIL" not in result.output  # no case ran


def test_the_heading_blames_the_cases_not_the_rules(book: Path) -> None:
    """Only case files are wrong: the rules loaded, so the heading names the test cases, in either language;
    a broken rule file beside them is the rulebook's rejection."""
    french = cli("rules", "test", str(book), "--lang", "fr")
    assert french.exit_code == 1
    assert french.output.replace("\u00a0", " ").startswith("Erreur : les cas de test ont été refusés : 14 problèmes\n")
    edit(book / "pathways.yaml", "    rank: 10\n", "    rnak: 10\n")
    both = cli("rules", "test", str(book))
    assert both.exit_code == 1 and both.output.startswith("Error: the rulebook was rejected: ")
    assert "unknown key 'rnak' (did you mean 'rank'?)" in both.output


def test_update_writes_nothing_when_a_case_file_is_broken(book: Path) -> None:
    before = {path: path.read_text(encoding="utf-8") for path in (book / "tests").iterdir()}
    result = cli("rules", "test", str(book), "--update")
    assert result.exit_code == 1 and problems(result.output) == expected_lines(book)
    assert {path: path.read_text(encoding="utf-8") for path in (book / "tests").iterdir()} == before


def test_cached_cases_are_checked_against_a_changed_rulebook(tmp_path: Path) -> None:
    """The case files are unchanged (their cache is used), the flag they expect was renamed: still an error
    at the case's line, not a case that runs and fails."""
    book = copy_book(tmp_path)
    assert cli("rules", "test", str(book)).exit_code == 0  # the cases are cached now
    edit(book / "pathways.yaml", "  - id: criminality\n", "  - id: criminal_past\n")
    result = cli("rules", "test", str(book))
    assert result.exit_code == 1
    assert problems(result.output) == [
        f"{book / 'tests' / 'cases.yaml'}:34:11: 'criminality' is not a flag of this rulebook "
        "(did you mean 'criminal_past'?)"]


def test_a_clean_book_still_runs_its_cases(book: Path) -> None:
    (book / "tests" / "broken.yaml").unlink()
    (book / "tests" / "misnamed.yaml").unlink()
    result = cli("rules", "test", str(book))
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "2 passed, 0 failed (2 cases)"


@pytest.mark.parametrize("command", ["test", "validate"])
def test_a_broken_rule_file_and_a_broken_case_file_are_listed_together(tmp_path: Path, command: str) -> None:
    """No rulebook to check the cases' names against, but their shape is checked: one run lists both."""
    book = copy_book(tmp_path)
    edit(book / "pathways.yaml", "        reference: Mini Act s.2\n", "        refrence: Mini Act s.2\n")
    edit(book / "tests" / "cases.yaml", "    source: Mini Act s.2\n", "")
    result = cli("rules", command, str(book))
    assert result.exit_code == 1
    assert problems(result.output) == [
        f"{book / 'pathways.yaml'}:12:9: unknown key 'refrence' (did you mean 'reference'?)",
        f"{book / 'tests' / 'cases.yaml'}:19:5: missing required key 'source'",
    ]


# ------------------------------------------------------------------- when a rule file is rejected too


def test_a_rejected_rule_file_still_lists_the_names_the_cases_misspell(book: Path) -> None:
    """The rule files say which ids they define even when one is rejected: a misspelled name in a case is
    listed in the same run, at its file:line:col with "did you mean", not on the run after the fix. Only an
    answer's value waits for the rules to load (no question to read it with)."""
    edit(book / "pathways.yaml", "    rank: 10\n", "    rnak: 10\n")
    result = cli("rules", "test", str(book))
    assert result.exit_code == 1 and result.output.startswith("Error: the rulebook was rejected: 14 problems\n")
    value = f"{book / 'tests' / 'broken.yaml'}:4:38: answer to 'english_clb' (int): expected a whole number, like 6"
    assert problems(result.output) == [f"{book / 'pathways.yaml'}:5:5: unknown key 'rnak' (did you mean 'rank'?)",
                                       *(line for line in expected_lines(book) if line != value)]
    assert "checked once the rule files load" not in result.output  # every name was checked


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_rule_file_that_cannot_be_read_leaves_the_cases_names_for_later_and_says_so(
        book: Path, lang: str) -> None:
    """A rule file that is no YAML could define any name: none is called a misspelling; the output says
    plainly when they will be checked. The case files' own shape problems are still listed."""
    edit(book / "scores.yaml", "scores:\n", "scores: [\n")
    result = cli("rules", "validate", str(book), "--lang", lang)
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = problems(result.output.replace("\u00a0", " "))
    assert lines[-1] == {
        "en": "(the names in the test cases are checked once the rule files load)",
        "fr": "(les noms employés dans les cas de test seront vérifiés une fois les fichiers de règles chargés)"}[lang]
    if lang == "en":  # the case files' shape, and the languages (the translation files' names say them)
        broken, misnamed = book / "tests" / "broken.yaml", book / "tests" / "misnamed.yaml"
        assert [line for line in lines if "/tests/" in line] == [
            f"{broken}:2:5: missing required key 'source'",
            f"{broken}:6:27: tests #1 → expect → pathways → skilled: 'eligble' is not allowed "
            "(did you mean 'eligible'?)",
            f"{broken}:7:7: unknown key 'flgs' (did you mean 'flags'?)",
            f"{misnamed}:14:15: 'de' is not a language of this rulebook; use one of: en",
            f"{misnamed}:14:28: tests #1 → expect → texts → EN: 'EN' is not a language code: use two lowercase "
            "letters such as en or fr"]


def test_a_kind_whose_ids_cannot_all_be_read_is_the_only_one_left_for_later(book: Path) -> None:
    """A flag written without an id: the flags a case expects wait for the rules to load, and the output
    names them; the case's other names are checked now."""
    edit(book / "pathways.yaml", "  - id: criminality\n", "  - idd: criminality\n")
    result = cli("rules", "validate", str(book))
    lines = problems(result.output)
    assert result.exit_code == 1
    assert not any("is not a flag" in line for line in lines)
    assert any("'skiled' is not a pathway of this rulebook (did you mean 'skilled'?)" in line for line in lines)
    assert any("'agee' is not a line of score 'grid' (did you mean 'age'?)" in line for line in lines)
    assert lines[-1] == "(the names the test cases give under flags are checked once the rule files load)"


def test_a_name_defined_only_in_a_rejected_item_is_no_misspelling(book: Path) -> None:
    """A pathway whose item is rejected (a misspelled key) still defines its id: a case naming it is right."""
    edit(book / "pathways.yaml", "    rank: 50\n", "    rnak: 50\n")
    (book / "tests" / "broken.yaml").unlink()
    (book / "tests" / "misnamed.yaml").unlink()
    result = cli("rules", "test", str(book))
    assert result.exit_code == 1
    assert [line for line in problems(result.output) if "/tests/" in line] == []
    assert "working_holiday" in (book / "tests" / "cases.yaml").read_text(encoding="utf-8")
