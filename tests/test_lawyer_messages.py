"""Each mistake from issue 14's lawyer session gives a message that names the fix, at file:line:col."""

from __future__ import annotations

import os
from pathlib import Path

from lawyer_kit import cli, copy_book, edit


def rejected(book: Path) -> list[str]:
    result = cli("rules", "validate", str(book))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return [line.strip() for line in result.output.splitlines() if line.startswith("  ")]


def test_unknown_topic_lists_the_topics(tmp_path: Path) -> None:
    book = copy_book(tmp_path)
    edit(book / "rulebook.yaml", "    topic: about_you\n    prompt: Your lowest",
         "    topic: employment\n    prompt: Your lowest")
    (line,) = rejected(book)
    assert line.startswith(f"{book / 'rulebook.yaml'}:")
    assert "unknown topic 'employment'; the topics are: about_you" in line


def test_money_written_with_dollar_and_comma_is_one_message(tmp_path: Path) -> None:
    book = copy_book(tmp_path)
    edit(book / "tables.yaml", "{from: 18, to: 35, points: 12}", "{from: 18, to: 35, points: $15,721}")
    (line,) = rejected(book)  # no second, confusing "unknown column '721'"
    assert line == f"{book / 'tables.yaml'}:9:36: 'points' must be a plain number: write 15721 (no '$', no commas)"


def test_rows_are_counted_from_one_and_dates_in_words_say_the_format(tmp_path: Path) -> None:
    book = copy_book(tmp_path)
    edit(book / "tables.yaml", "{from: 18, to: 35, points: 12}", "{from: eighteen, to: 35, points: 12}")
    edit(book / "tables.yaml", "review_by: 2030-01-01", "review_by: January 1, 2030")
    lines = rejected(book)
    assert any(line.startswith(f"{book / 'tables.yaml'}:9:") and "rows #2 → from:" in line for line in lines), lines
    assert any("review_by: write the date as YYYY-MM-DD" in line for line in lines), lines
    assert not any("rows.1" in line for line in lines), lines


def test_comparisons_with_quoted_values_say_what_to_write(tmp_path: Path) -> None:
    book = copy_book(tmp_path)
    edit(book / "pathways.yaml", "condition: english_clb >= 7", 'condition: english_clb >= "7" and job_offer == "yes"')
    lines = rejected(book)
    assert any("remove the quotes around the number" in line for line in lines), lines
    assert any("write just `job_offer`" in line for line in lines), lines


def test_a_duplicate_id_is_blamed_on_the_file_just_edited_naming_both(tmp_path: Path) -> None:
    book = copy_book(tmp_path)
    original = book / "pathways.yaml"
    new = book / "atlantic.yaml"  # loads before pathways.yaml
    new.write_text("pathways:\n  - id: skilled\n    title: Atlantic\n    kind: permanent_residence\n"
                   "    summary: Atlantic route.\n    requirements:\n"
                   "      - {id: job, text: A job offer, condition: job_offer}\n", encoding="utf-8")
    stamp = original.stat().st_mtime_ns
    os.utime(original, ns=(stamp - 10**9, stamp - 10**9))
    os.utime(new, ns=(stamp, stamp))
    lines = rejected(book)
    (line,) = [line for line in lines if "duplicate" in line]
    assert line.startswith(f"{new}:2:9: duplicate pathway id 'skilled': also defined at {original}:2:9"), line
    assert "rename or remove one of them" in line


def test_validate_checks_test_case_answers_against_question_types(tmp_path: Path) -> None:
    book = copy_book(tmp_path)
    edit(book / "tests" / "cases.yaml", "      age: 30\n", "      age: two\n")
    lines = rejected(book)
    case_file = book / "tests" / "cases.yaml"
    (line,) = lines
    assert line.startswith(f"{case_file}:7:12: answer to 'age' (int):"), line
    assert "two" not in line.split("(int):")[1]  # what is expected, not the value


def test_validate_names_an_answer_to_no_question(tmp_path: Path) -> None:
    book = copy_book(tmp_path)
    edit(book / "tests" / "cases.yaml", "      age: 30\n", "      agee: 30\n")
    (line,) = rejected(book)
    where = book / "tests" / "cases.yaml"
    assert line == f"{where}:7:7: 'agee' is not a question of this rulebook (did you mean 'age'?)"


def test_a_changed_threshold_with_the_old_number_in_its_texts_is_a_warning(tmp_path: Path) -> None:
    book = copy_book(tmp_path)
    edit(book / "pathways.yaml", "condition: english_clb >= 7", "condition: english_clb >= 9")
    result = cli("rules", "validate", str(book))
    assert result.exit_code == 0, result.output  # a warning: the rulebook still loads
    lines = [line for line in result.output.splitlines() if "requirement 'language' says" in line]
    assert [line.split(": warning: ")[1].split(" of requirement")[0] for line in lines] == ["the text", "the advice"]
    assert lines[0].startswith(f"{book / 'pathways.yaml'}:10:")
    assert "says 7 but its condition compares with 9: update the text" in lines[0]
    edit(book / "pathways.yaml", "text: CLB 7 or higher", "text: CLB 9 or higher")
    edit(book / "pathways.yaml", "English to CLB 7", "English to CLB 9")
    assert "says" not in cli("rules", "validate", str(book)).output


def test_a_requirement_repeated_as_a_new_version_says_to_give_it_its_own_id(tmp_path: Path) -> None:
    book = copy_book(tmp_path)
    edit(book / "pathways.yaml", "        reference: Mini Act s.4\n",
         "        reference: Mini Act s.4\n        effective_until: 2026-12-31\n"
         "      - id: age\n        text: 18 to 30 years old\n        condition: age >= 18 and age <= 30\n"
         "        effective_from: 2027-01-01\n")
    (line,) = rejected(book)
    assert line.startswith(f"{book / 'pathways.yaml'}:34:13: duplicate requirement id 'age' in pathway "
                           f"'working_holiday' (also at {book / 'pathways.yaml'}:29:13): rename one"), line
    assert "a new version of a requirement gets its own id" in line
