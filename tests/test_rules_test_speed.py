"""`rules test` checks its cases against the rulebook from their fields (issue 15): `Case.model_dump` would
build pydantic's serializer for every case model and load pydantic's plugins, a fifth of the run's CPU."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from screener.model import Case
from screener.rulebook import load_cases, load_rulebook
from screener.rulecache import _as_written, load_cases_cached

RULES = Path(__file__).parent.parent / "rules"


def forbidden(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("a case dumped by pydantic")


@pytest.mark.parametrize("cache", ["off", "on"])
def test_cases_are_checked_without_dumping_them(cache: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCREENER_CACHE_DIR", "off" if cache == "off" else str(tmp_path))
    rulebook = load_rulebook(RULES)
    if cache == "on":
        load_cases_cached(RULES, rulebook)  # writes the entry (its JSON is a dump); the next load is a hit
    monkeypatch.setattr(Case, "model_dump", forbidden)
    assert len(load_cases_cached(RULES, rulebook)) > 100


def test_a_case_as_written_is_its_dump() -> None:
    cases = load_cases(RULES, load_rulebook(RULES))
    assert [_as_written(case) for _name, case, _at in cases] == [case.model_dump() for _name, case, _at in cases]
