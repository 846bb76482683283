"""`missing`: the answers that would decide the incomplete pathways, most decisive first (report and batch).

Each case states the expected list by hand from the rules below; batch (columnar bitmasks) and the
one-person engine must both give it, in the same order.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import textwrap
from pathlib import Path

import pytest
from lawyer_kit import cli

from screener.evaluation import outcomes
from screener.rulebook import Rulebook, load_rulebook

AS_OF = dt.date(2026, 11, 25)

RULES = """\
rulebook: {id: demo, title: Demo, version: "1", disclaimer: Not legal advice.}
topics: [{id: main, title: Main}]
questions:
  - {id: age, type: int, min: 0, max: 120, topic: main, prompt: Age?}
  - {id: citizen, type: yes_no, topic: main, prompt: Citizen?}
  - {id: english_test, type: yes_no, topic: main, prompt: Any English test?}
  - id: clb
    type: int
    min: 0
    max: 12
    topic: main
    prompt: CLB?
    relevant_if: english_test
    implied: {when: not english_test, value: 0}
  - {id: funds, type: money, min: 0, topic: main, prompt: Funds?}
  - {id: family, type: int, min: 1, max: 20, topic: main, prompt: Family size?}
  - {id: offer, type: yes_no, topic: main, prompt: Job offer?}
derived:
  - id: per_person
    expr: funds / (family - 1)
  - id: needed
    expr: if(offer, 10000, 10000)
pathways:
  - id: skilled
    title: Skilled
    kind: permanent_residence
    rank: 10
    summary: s
    requirements:
      - {id: age, text: Age, condition: age >= 18}
      - {id: language, text: Language, condition: clb >= 7}
      - {id: funds, text: Funds, condition: funds >= needed}
  - id: working_holiday
    title: Working holiday
    kind: temporary_residence
    rank: 20
    summary: s
    requirements:
      - {id: age, text: Age, condition: "age >= 18 and age <= 35"}
      - {id: not_citizen, text: Not a citizen, condition: citizen or offer}
  - id: shared
    title: Shared
    kind: temporary_residence
    rank: 30
    summary: s
    requirements:
      - {id: money, text: Money, condition: per_person > 100 or citizen}
"""


@pytest.fixture(scope="module")
def rulebook(tmp_path_factory: pytest.TempPathFactory) -> Rulebook:
    folder = tmp_path_factory.mktemp("missing")
    (folder / "rules.yaml").write_text(textwrap.dedent(RULES), encoding="utf-8")
    return load_rulebook(folder)


CASES = [
    # nothing answered: age, citizen and funds each keep two pathways open (interview order breaks the
    # tie); the implied level waits on itself and its gate; `needed` is 10000 whatever the offer (both
    # branches agree), so offer waits only in working_holiday (`citizen or offer`); family in shared
    ({}, ["age", "citizen", "funds", "english_test", "clb", "family", "offer"]),
    # 40: working holiday is decided (too old), so age is nowhere missing; funds still waits twice
    ({"age": "40"}, ["funds", "citizen", "english_test", "clb", "family"]),
    # no English test: clb is implied 0, skilled is ineligible; nothing waits on the gate
    ({"age": "30", "english_test": "no"}, ["citizen", "funds", "family", "offer"]),
    # a citizen: `citizen or offer` is true and shared is decided whatever the money says
    ({"age": "30", "citizen": "yes", "english_test": "yes"}, ["clb", "funds"]),
    # family 1: per_person divides by zero, unknown with nothing to ask; citizen alone could decide shared
    ({"age": "30", "english_test": "yes", "clb": "9", "funds": "500", "family": "1"}, ["citizen", "offer"]),
    ({"age": "30", "citizen": "no", "offer": "yes", "english_test": "yes", "clb": "9", "funds": "50000",
      "family": "2"}, []),
]


@pytest.mark.parametrize(("answers", "expected"), CASES)
def test_the_report_and_the_fast_path_rank_missing_answers(
    rulebook: Rulebook, answers: dict[str, str], expected: list[str]
) -> None:
    report = rulebook.evaluate(answers, as_of=AS_OF)
    assert report.missing == expected
    assert report.to_json()["missing"] == expected
    assert outcomes(rulebook, answers, as_of=AS_OF).missing == expected


def test_batch_gives_the_same_missing_column(rulebook: Rulebook, tmp_path: Path) -> None:
    fields = list(rulebook.questions)
    source = tmp_path / "in.csv"
    with source.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=["Client", *fields])  # named: "nothing answered" is a person
        writer.writeheader()
        writer.writerows({"Client": f"c{number}", **answers} for number, (answers, _) in enumerate(CASES))
    result = cli("batch", str(source), "-o", "-", "--rules", str(rulebook.path), "--as-of", AS_OF.isoformat())
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout), delimiter=","))
    assert [row["missing"] for row in rows] == [";".join(expected) for _, expected in CASES]
    header = result.stdout.splitlines()[0].split(",")
    assert header[-7:] == ["flags", "best_pathway", "best_pathway_title", "leads", "missing", "warnings", "error"]
    assert rows[-1]["best_pathway"] == "skilled" and rows[-1]["best_pathway_title"] == "Skilled"


def test_jsonl_rows_carry_the_same_keys(rulebook: Rulebook, tmp_path: Path) -> None:
    import json

    source = tmp_path / "in.csv"
    source.write_text("age,english_test\n40,\n", encoding="utf-8")
    result = cli("batch", str(source), "-o", "-", "--format", "jsonl", "--rules", str(rulebook.path),
                 "--as-of", AS_OF.isoformat())
    assert result.exit_code == 0, result.output
    [line] = [json.loads(text) for text in result.stdout.splitlines() if text.strip()][1:]  # after the header
    assert line["missing"] == ["funds", "citizen", "english_test", "clb", "family"]
    assert line["leads"] == [] and line["warnings"] == [] and line["best_pathway"] is None
    result = cli("batch", str(source), "-o", "-", "--format", "jsonl", "--full", "--rules", str(rulebook.path),
                 "--as-of", AS_OF.isoformat())
    [full] = [json.loads(text) for text in result.stdout.splitlines() if text.strip()]
    assert full["missing"] == line["missing"] and full["best_pathway_title"] is None
