"""Every YAML test case of the shipped rulebook (rules/tests/*.yaml) as its own pytest item.

The same runner as `screener rules test`, so a case fails here exactly when it fails there, with
the same expected-vs-got lines and the requirements that decided it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from screener.errors import ScreenerError
from screener.rulebook import Rulebook, load_cases, load_rulebook
from screener.ruletests import failure_lines, run_case

RULES = Path(__file__).resolve().parent.parent / "rules"


def _cases() -> list[Any]:
    try:
        cases = load_cases(RULES)
    except ScreenerError as error:  # a malformed case file: one failing item that says why
        return [pytest.param(None, None, None, error, id="rules/tests (unreadable)")]
    return [pytest.param(file, case, position, None, id=f"{Path(file).name}::{case.name}")
            for file, case, position in cases]


@pytest.fixture(scope="module")
def rulebook() -> Rulebook:
    try:
        return load_rulebook(RULES)
    except ScreenerError as error:
        pytest.fail("\n".join([error.message, *error.details]), pytrace=False)


@pytest.mark.parametrize(("file", "case", "position", "load_error"), _cases())
def test_case(rulebook: Rulebook, file: Any, case: Any, position: Any, load_error: ScreenerError | None) -> None:
    if load_error is not None:
        pytest.fail("\n".join([load_error.message, *load_error.details]), pytrace=False)
    result = run_case(rulebook, file, case, position)
    if not result.passed:
        pytest.fail("\n".join([f"{position}: {case.name}", *failure_lines(result)]), pytrace=False)
