"""The YAML case runner (screener.ruletests): what it reports when a case passes and when it does not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lawyer_kit import copy_book, edit

from screener.rulebook import load_cases, load_rulebook
from screener.ruletests import CaseRun, failure_lines, run_cases


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return copy_book(tmp_path)


def run(book: Path) -> CaseRun:
    return run_cases(load_rulebook(book))


def write_case(book: Path, body: str) -> None:
    (book / "tests" / "extra.yaml").write_text(body)


def test_the_shipped_fixture_passes(book: Path) -> None:
    result = run(book)
    assert [r.name for r in result.results] == ["Young graduate, CLB 9", "Older, weak English"]
    assert result.ok and not result.failed


def test_raised_threshold_names_the_deciding_requirement(book: Path) -> None:
    edit(book / "pathways.yaml", "condition: english_clb >= 7", "condition: english_clb >= 10")
    result = run(book)
    [failed] = result.failed
    assert failed.name == "Young graduate, CLB 9"
    [difference] = [d for d in failed.differences if d.key == ("pathways", "skilled")]
    assert (difference.expected, difference.got) == ("eligible", "ineligible")
    assert any(line.startswith("language: failed") and "actual 9" in line and "≥ 10" in line
               for line in difference.why)
    lines = failure_lines(failed)
    assert lines[0] == "pathways.skilled: expected eligible, got ineligible"
    # best_pathway moves too: it is listed, with the eligible pathways as the reason
    best = next(d for d in failed.differences if d.key == ("best_pathway",))
    assert (best.expected, best.got) == ("skilled", "working_holiday")


def test_a_changed_table_row_shows_the_score_breakdown(book: Path) -> None:
    edit(book / "tables.yaml", "{at: bachelors, points: 15}", "{at: bachelors, points: 18}")
    [failed] = run(book).failed
    score = next(d for d in failed.differences if d.key == ("scores", "grid"))
    assert (score.expected, score.got) == (37, 40)
    assert "education: 18" in score.why
    line = next(d for d in failed.differences if d.key == ("score_lines", "grid", "education"))
    assert (line.expected, line.got) == (15, 18)


def test_unknown_is_reported_with_the_missing_answers(book: Path) -> None:
    write_case(book, """tests:
  - name: Nothing answered
    source: none
    as_of: 2026-01-01
    answers: {}
    expect:
      pathways: {skilled: eligible}
      scores: {grid: 0}
""")
    [failed] = run(book).failed
    outcome, score = failed.differences
    assert outcome.got == "incomplete"
    assert any("language: unknown" in why and "needs an answer: english_clb" in why for why in outcome.why)
    assert score.got is None and any("needs an answer: age" in why for why in score.why)
    assert failure_lines(failed)[0] == "pathways.skilled: expected eligible, got incomplete"


def test_best_pathway_null_is_checked_but_absent_is_not(book: Path) -> None:
    answers = "age: 30\n      english_clb: 9\n      education: bachelors\n      criminal_record: no"
    write_case(book, f"""tests:
  - name: null means none
    source: s
    as_of: 2026-01-01
    answers:
      {answers}
    expect:
      best_pathway: null
  - name: absent means unchecked
    source: s
    as_of: 2026-01-01
    answers:
      {answers}
    expect:
      flags: []
""")
    failed = run(book).failed
    assert [f.name for f in failed] == ["null means none"]
    assert failed[0].differences[0].got == "skilled"


def test_flags_are_compared_as_a_set(book: Path) -> None:
    write_case(book, """tests:
  - name: flag expected but not shown
    source: s
    as_of: 2026-01-01
    answers: {criminal_record: no}
    expect:
      flags: [criminality]
""")
    [failed] = run(book).failed
    [difference] = failed.differences
    assert (difference.expected, difference.got) == (["criminality"], [])
    assert difference.why == ("not shown: criminality",)


def test_mistakes_in_a_case_are_failures_not_crashes(book: Path) -> None:
    write_case(book, """tests:
  - name: typo in an answer
    source: s
    answers: {agee: 30}
    expect: {pathways: {skilled: eligible}}
  - name: typo in a pathway and a line
    source: s
    as_of: 2026-01-01
    answers: {age: 30}
    expect:
      pathways: {skiled: eligible}
      score_lines: {grid: {offer: 0}}
""")
    typo_answer, typo_ids = run(book).failed
    assert typo_answer.error == "agee: not a question of this rulebook (did you mean 'age'?)"
    assert failure_lines(typo_answer)[0] == "could not run: agee: not a question of this rulebook (did you mean 'age'?)"
    pathway, line = typo_ids.differences
    assert pathway.got == "no such pathway" and not pathway.updatable
    assert line.got == "no such line in force" and "offer" not in line.why[0].split(": ", 1)[1]


def test_the_case_date_selects_the_rules_in_force(book: Path) -> None:
    write_case(book, """tests:
  - name: before the offer line ended
    source: s
    as_of: 2025-01-01
    answers: {age: 30, english_clb: 9, education: bachelors, job_offer: yes}
    expect:
      scores: {grid: 47}
      score_lines: {grid: {offer: 10}}
""")
    result = run(book)
    assert result.ok, [failure_lines(r) for r in result.failed]


def test_cases_keep_their_file_and_line(book: Path) -> None:
    cases = load_cases(book)
    result = run_cases(load_rulebook(book), cases)
    assert [(r.file.endswith("cases.yaml"), r.position.line) for r in result.results] == [(True, 3), (True, 19)]


def test_every_verdict_carries_past_due_warnings(book: Path) -> None:
    edit(book / "tables.yaml", "review_by: 2030-01-01", "review_by: 2026-06-30")
    rulebook = load_rulebook(book)
    before = rulebook.evaluate({"age": 30}, as_of=dt.date(2026, 6, 30))
    after = rulebook.evaluate({"age": 30}, as_of=dt.date(2026, 7, 1))
    assert before.review_due == []
    assert after.review_due == ["Table 'age_points' (Points for age) was due for review on 30 June 2026"]
    assert after.to_json()["review_due"] == after.review_due


def test_a_case_passes_without_the_full_report_only_when_the_report_agrees() -> None:
    """A passing case is decided on the fast outcomes (no texts); every wrong expectation still fails,
    with the full report's explanation. Each shipped case, and the same case made wrong in each way."""
    from screener.model import Case
    from screener.ruletests import run_case

    rulebook = load_rulebook(Path(__file__).resolve().parent.parent / "rules")
    wrong_outcome = {"eligible": "ineligible", "ineligible": "incomplete", "incomplete": "eligible"}
    for file, case, position in load_cases(rulebook.path):
        assert run_case(rulebook, file, case, position).passed, case.name
        expect = case.expect
        variants = []
        for pathway_id, outcome in list(expect.pathways.items())[:1]:
            variants.append({"pathways": {**expect.pathways, pathway_id: wrong_outcome[outcome]}})
        for score_id, points in list(expect.scores.items())[:1]:
            variants.append({"scores": {**expect.scores, score_id: 1 if points is None else None}})
        for score_id, lines in list(expect.score_lines.items())[:1]:
            line_id, points = next(iter(lines.items()))
            variants.append({"score_lines": {score_id: {**lines, line_id: 1 if points is None else points + 1}}})
        for score_id, categories in list(expect.categories.items())[:1]:
            category_id, word = next(iter(categories.items()))
            variants.append({"categories": {score_id: {**categories, category_id: "no" if word != "no" else "yes"}}})
        variants.append({"flags": [*(expect.flags or []), "no_such_flag"]})
        if "best_pathway" in expect.model_fields_set:
            variants.append({"best_pathway": None if expect.best_pathway else "express_entry_fsw"})
        for change in variants:
            wrong = Case.model_validate({**case.model_dump(), "expect": {**expect.model_dump(exclude_unset=True),
                                                                         **change}})
            result = run_case(rulebook, file, wrong, position)
            assert not result.passed and result.differences, (case.name, change)


def test_every_expectation_key_is_checked_alike_on_the_fast_outcomes_and_the_full_report() -> None:
    """One `compare` serves both: each key of `Expectation`, made wrong, fails on the fast outcomes and on
    the full report with the same differences. A key added to `Expectation` fails here until it has its
    check in `CHECKS` and a wrong value below (so it cannot be silently ignored by either path)."""
    from screener.model import Case, Expectation
    from screener.ruletests import CHECKS, Fast, compare

    rulebook = load_rulebook(Path(__file__).resolve().parent.parent / "rules")
    _file, shipped, _position = next(item for item in load_cases(rulebook.path) if item[1].expect.categories)
    fast = Fast(rulebook, shipped.answers, shipped.as_of or dt.date(2026, 11, 25))
    full = fast.full()
    score_id = next(iter(shipped.expect.categories))
    line_id, points = next(iter(full.lines(score_id).items()))
    category_id, member = next(iter(full.categories(score_id).items()))
    words = {True: "yes", False: "no", None: "maybe"}
    right = {
        "pathways": dict(full.pathways), "scores": dict(full.scores), "score_lines": {score_id: {line_id: points}},
        "categories": {score_id: {category_id: words[member]}}, "flags": list(full.flags),
        "leads": list(full.leads), "warnings": list(full.warnings), "best_pathway": full.best_pathway,
        "texts": {"en": [full.report.pathways[next(iter(full.pathways))].title]},
    }
    some_pathway = next(iter(full.pathways))
    wrong = {
        "pathways": {some_pathway: "incomplete" if full.pathways[some_pathway] != "incomplete" else "eligible"},
        "scores": {score_id: -1},
        "score_lines": {score_id: {line_id: -1}},
        "categories": {score_id: {category_id: "maybe" if member is not None else "yes"}},
        "flags": [*full.flags, "no_such_flag"],
        "leads": [*full.leads, "no_such_lead"],
        "warnings": [*full.warnings, "no_such_warning"],
        "best_pathway": "no_such_pathway",
        "texts": {"en": ["a text no report shows"]},
    }
    assert set(CHECKS) == set(Expectation.model_fields) == set(right) == set(wrong)

    def case(expect: dict[str, object]) -> Case:
        return Case.model_validate({**shipped.model_dump(), "expect": expect})

    assert compare(case(right), fast) == [] and compare(case(right), full) == []
    for key in Expectation.model_fields:
        made_wrong = case({**right, key: wrong[key]})
        on_fast = [difference.label for difference in compare(made_wrong, fast)]
        on_full = [difference.label for difference in compare(made_wrong, full)]
        assert on_fast and on_fast == on_full, key
        assert all(label.split(".")[0] == key for label in on_full), (key, on_full)
