"""`screener batch` and `screener check --json` agree on every outcome, score, flag, lead, warning, best
pathway and missing answer: the same random partially-unknown people, through both commands, on dates
around the law changes (before 2025-03-25, 2025-07-06/07) and today.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_columnar_property import profile, rulebook_named, screen
from typer.testing import CliRunner

from screener.cli import app
from screener.compiled import today

DATES = [dt.date(2018, 6, 1), dt.date(2025, 3, 24), dt.date(2025, 3, 25), dt.date(2025, 7, 6), dt.date(2025, 7, 7),
         today()]


def check_json(rules: Path, row: dict[str, str], as_of: dt.date, tmp: Path) -> dict[str, Any]:
    answers = tmp / "answers.json"
    answers.write_text(json.dumps({key: value for key, value in row.items() if value.strip()}), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--answers", str(answers), "--no-input", "--json", "--rules",
                                      str(rules), "--as-of", as_of.isoformat()])
    assert result.exit_code in (0, 1), result.output  # a verdict, not a usage or rulebook error
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def ids(items: list[Any]) -> list[str]:
    return [item["id"] if isinstance(item, dict) else item for item in items]


@pytest.mark.parametrize("name", ["fixture", "rules"])
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_batch_and_check_json_say_the_same(name: str, data: st.DataObject, tmp_path: Path) -> None:
    rulebook = rulebook_named(name)
    # a row of empty cells is no person to batch (test_columnar_property checks how it is marked)
    person = profile(rulebook, bad_rows=False).filter(lambda row: any(row.values()))
    rows = data.draw(st.lists(person, min_size=1, max_size=3))
    as_of = data.draw(st.sampled_from(DATES))
    out = screen(rulebook, rows, tmp_path, as_of)
    for index, (row, got) in enumerate(zip(rows, out, strict=True)):
        report = check_json(rulebook.path, row, as_of, tmp_path)
        assert {p: got[p] for p in rulebook.pathways} == {p: r["outcome"] for p, r in report["pathways"].items()}
        for score_id, value in report["scores"].items():
            assert (None if got[score_id] == "" else float(got[score_id])) == (
                None if value is None else float(value)), (index, score_id)
        assert (got["flags"].split(";") if got["flags"] else []) == ids(report["flags"]), index
        assert (got["leads"].split(";") if got["leads"] else []) == ids(report["leads"]), index
        assert (got["warnings"].split(";") if got["warnings"] else []) == ids(report["warnings"]), index
        assert got["best_pathway"] == (report["best_pathway"] or ""), index
        assert (got["missing"].split(";") if got["missing"] else []) == report["missing"], index
