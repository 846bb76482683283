"""How `screener serve` starts uvicorn: one worker per core unless told, the C parser and event loop when
installed, our access log instead of uvicorn's (no query strings). No server is started here."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("uvicorn", reason="the serve extra is not installed: pip install -e '.[serve,test]'")

from lawyer_kit import cli

from screener.web import server

REAL = Path(__file__).parent.parent / "rules"


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Calls to uvicorn.run, recorded instead of serving."""
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append({"app": app, **options}))
    for name in (server.RULES_ENV, server.LANG_ENV, server.LOG_ENV):
        monkeypatch.delenv(name, raising=False)
    return calls


def test_serve_runs_one_worker_per_core_by_default(started: list[dict[str, Any]]) -> None:
    result = cli("serve", "--rules", str(REAL))
    assert result.exit_code == 0, result.output
    [call] = started
    assert call["workers"] == len(os.sched_getaffinity(0))
    assert call["factory"] is True and call["app"] == "screener.web.server:make_app"


def test_serve_workers_option_wins(started: list[dict[str, Any]]) -> None:
    assert cli("serve", "--rules", str(REAL), "--workers", "3").exit_code == 0
    assert started[0]["workers"] == 3
    assert cli("serve", "--rules", str(REAL), "--workers", "0").exit_code != 0
    assert len(started) == 1


def test_settings_take_the_fast_parser_and_loop_when_installed() -> None:
    options = server.settings(2)
    assert options["http"] == ("httptools" if importlib.util.find_spec("httptools") else "h11")
    assert options["loop"] == ("uvloop" if importlib.util.find_spec("uvloop") else "asyncio")
    assert options["access_log"] is False  # ours logs the path without the query string
    assert options["backlog"] >= 1024 and options["limit_concurrency"] >= 1000
