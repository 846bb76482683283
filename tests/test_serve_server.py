"""How `screener serve` starts uvicorn: one worker per core unless told, the C parser and event loop when
installed, our access log instead of uvicorn's (no query strings). No server is started here."""

from __future__ import annotations

import contextlib
import gc
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("uvicorn", reason="the serve extra is not installed: pip install -e '.[serve,test]'")

from lawyer_kit import cli

from screener.errors import ScreenerError
from screener.web import server

REAL = Path(__file__).parent.parent / "rules"


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Calls to `server.run`, recorded instead of serving."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(server, "run", lambda uvicorn, host, port, workers: calls.append(
        {"host": host, "port": port, "workers": workers}))
    for name in (server.RULES_ENV, server.LANG_ENV, server.LOG_ENV):
        monkeypatch.delenv(name, raising=False)
    return calls


def test_serve_runs_one_worker_per_core_by_default(started: list[dict[str, Any]]) -> None:
    result = cli("serve", "--rules", str(REAL))
    assert result.exit_code == 0, result.output
    assert started == [{"host": "127.0.0.1", "port": 8000, "workers": len(os.sched_getaffinity(0))}]
    assert os.environ[server.RULES_ENV] == str(REAL.resolve())  # what each worker's factory loads


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


@pytest.mark.skipif(sys.platform != "linux", reason="SO_REUSEPORT spreads connections on Linux only")
def test_worker_sockets_share_one_port_and_the_kernel_spreads_connections() -> None:
    sockets = server.listening_sockets("127.0.0.1", 0, 2, 128)
    clients: list[socket.socket] = []
    try:
        port = sockets[0].getsockname()[1]
        assert port != 0 and sockets[1].getsockname()[1] == port
        clients = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(64)]
        accepted = []
        for sock in sockets:
            sock.setblocking(False)
            count = 0
            with contextlib.suppress(BlockingIOError):
                while True:
                    sock.accept()[0].close()
                    count += 1
            accepted.append(count)
        assert sum(accepted) == 64
        assert min(accepted) > 0  # one shared socket gave 64:0 here; by hash, 0 has odds of 2 in 2**64
    finally:
        for each in clients + sockets:
            each.close()


def test_a_port_in_use_is_one_error_naming_it() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ScreenerError, match=f"cannot listen on 127.0.0.1:{port}"):
            server.listening_sockets("127.0.0.1", port, 2, 128)


@pytest.mark.skipif(sys.platform != "linux", reason="balanced workers are the Linux path")
def test_two_workers_serve_and_stop_on_sigterm(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "screener", "serve", "--port", str(port), "--workers", "2",
                                "--rules", str(REAL), "--no-access-log"], stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(600):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    assert json.load(response)["status"] == "ok"
                    break
            except OSError:
                assert process.poll() is None, (tmp_path / "server.log").read_text()
                time.sleep(0.2)
        else:
            pytest.fail("the server did not answer")
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        workers = [pid for pid in children if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text()]
        assert len(workers) == 2
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        for pid in workers:  # stopped with their supervisor, not left serving
            assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()


def test_a_workers_app_is_kept_out_of_full_collections(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(server.RULES_ENV, str(REAL))
    monkeypatch.setenv(server.LOG_ENV, "0")
    assert gc.get_freeze_count() == 0
    try:
        app = server.make_app()
        assert callable(app)
        assert gc.get_freeze_count() > 10_000  # the rulebook and its compiled rules, in every language
    finally:
        gc.unfreeze()
