"""How `screener serve` starts uvicorn: one worker per core unless told, the C parser and event loop when
installed, our access log instead of uvicorn's (no query strings), a container's CPU quota; and the
supervisor of the workers, started for real: SIGTERM stops it, SIGHUP reloads the rules."""

from __future__ import annotations

import contextlib
import gc
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
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


def test_serve_runs_one_worker_per_core_by_default(started: list[dict[str, Any]],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "cgroup_cpus", lambda: None)  # no container quota (tested below)
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


@pytest.mark.skipif(sys.platform != "linux", reason="SO_REUSEPORT sharing is the Linux path")
def test_a_port_held_by_a_server_that_shares_it_is_in_use_too() -> None:
    """Another `screener serve` listens with SO_REUSEPORT: joining it would split its connections (review13 #1)."""
    with socket.socket() as running:
        running.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        running.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        running.bind(("127.0.0.1", 0))
        running.listen()
        port = running.getsockname()[1]
        for count in (1, 2):
            with pytest.raises(ScreenerError, match=rf"cannot listen on 127.0.0.1:{port} \(Address already in use\)"):
                server.listening_sockets("127.0.0.1", port, count, 128)


@pytest.mark.skipif(sys.platform != "linux", reason="SO_REUSEPORT sharing is the Linux path")
def test_one_workers_socket_cannot_be_joined_by_another_process() -> None:
    sockets = server.listening_sockets("127.0.0.1", 0, 1, 128)
    try:
        with socket.socket() as joiner:
            joiner.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            joiner.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            with pytest.raises(OSError):
                joiner.bind(sockets[0].getsockname())
    finally:
        sockets[0].close()


def get(port: int, path: str) -> Any:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
        return json.load(response)


@contextlib.contextmanager
def serving(tmp_path: Path, rules: Path = REAL) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    """`screener serve --workers 2` on a free port, answering: (the supervisor, its port, its log file);
    killed at the end if still running."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log_path = tmp_path / "server.log"
    log = log_path.open("w")
    env = {**os.environ, "SCREENER_CACHE_DIR": str(tmp_path / "cache")}
    argv = [sys.executable, "-m", "screener", "serve", "--port", str(port), "--workers", "2", "--rules", str(rules),
            "--no-access-log"]
    process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        for _ in range(600):
            try:
                assert get(port, "/healthz")["status"] == "ok"
                break
            except OSError:
                assert process.poll() is None, log_path.read_text()
                time.sleep(0.2)
        else:
            pytest.fail("the server did not answer")
        yield process, port, log_path
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()


def workers_of(pid: int) -> list[str]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [child for child in children if "spawn_main" in Path(f"/proc/{child}/cmdline").read_text()]


def gone(pid: str) -> bool:
    return not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()


@pytest.mark.skipif(sys.platform != "linux", reason="balanced workers are the Linux path")
def test_two_workers_serve_and_stop_on_sigterm(tmp_path: Path) -> None:
    with serving(tmp_path) as (process, _port, _log):
        workers = workers_of(process.pid)
        assert len(workers) == 2
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        assert all(gone(pid) for pid in workers)  # stopped with their supervisor, not left serving


@pytest.mark.skipif(sys.platform != "linux", reason="the supervisor is the Linux path")
def test_sighup_reloads_the_rules_in_new_workers_and_keeps_serving_when_they_no_longer_load(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(REAL, rules)
    book = rules / "rulebook.yaml"
    with serving(tmp_path, rules) as (process, port, log_path):
        old = workers_of(process.pid)
        version = get(port, "/v1/rules")["rulebook"]["version"]
        book.write_text(book.read_text(encoding="utf-8").replace(f'version: "{version}"', 'version: "reloaded"', 1),
                        encoding="utf-8")
        os.killpg(process.pid, signal.SIGHUP)  # as a terminal's hangup: to the workers too, which ignore it
        for _ in range(900):  # both workers replaced, one at a time
            if "reloaded: 2 workers" in log_path.read_text():
                break
            assert process.poll() is None, log_path.read_text()
            time.sleep(0.2)
        else:
            pytest.fail(log_path.read_text())
        new = workers_of(process.pid)
        assert len(new) == 2 and not set(new) & set(old) and all(gone(pid) for pid in old)
        for _ in range(150):  # stopped gracefully, not hung up: each old worker's last line reaches the log
            finished = log_path.read_text()
            if all(f"Finished server process [{pid}]" in finished for pid in old):
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"an old worker did not finish gracefully ({old}):\n{finished}")
        assert {get(port, "/v1/rules")["rulebook"]["version"] for _ in range(8)} == {"reloaded"}

        book.write_text("rulebook: [not, a, rulebook\n", encoding="utf-8")  # no longer loads
        process.send_signal(signal.SIGHUP)
        for _ in range(900):
            if "reload stopped" in log_path.read_text():
                break
            time.sleep(0.2)
        else:
            pytest.fail(log_path.read_text())
        assert workers_of(process.pid) == new  # the running workers keep serving what they loaded
        assert {get(port, "/v1/rules")["rulebook"]["version"] for _ in range(8)} == {"reloaded"}
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0


def test_a_containers_cpu_quota_caps_the_default_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)))
    for quota, workers in ((None, 64), (1.5, 2), (0.5, 1), (4.0, 4), (100.0, 64)):
        monkeypatch.setattr(server, "cgroup_cpus", lambda quota=quota: quota)
        assert server.default_workers() == workers, quota


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_cgroup_v2_quota_is_the_smallest_of_the_group_and_its_parents(tmp_path: Path) -> None:
    own = tmp_path / "proc_cgroup"
    write(own, "0::/kube/pod/app\n")
    root = tmp_path / "cgroup"
    write(root / "cgroup.controllers", "cpu memory\n")
    write(root / "kube" / "pod" / "app" / "cpu.max", "max 100000\n")  # no limit of its own
    write(root / "kube" / "pod" / "cpu.max", "150000 100000\n")  # the pod: 1.5 CPUs
    write(root / "kube" / "cpu.max", "400000 100000\n")
    assert server.cgroup_cpus(root, own) == 1.5
    write(root / "kube" / "pod" / "cpu.max", "max 100000\n")
    assert server.cgroup_cpus(root, own) == 4.0
    write(root / "kube" / "cpu.max", "max 100000\n")
    assert server.cgroup_cpus(root, own) is None


def test_cgroup_v1_quota_and_no_cgroups(tmp_path: Path) -> None:
    own = tmp_path / "proc_cgroup"
    write(own, "4:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n")
    mount = tmp_path / "cgroup" / "cpu,cpuacct"
    for folder, quota in ((mount / "docker" / "abc", "-1"), (mount / "docker", "50000"), (mount, "-1")):
        write(folder / "cpu.cfs_quota_us", quota + "\n")
        write(folder / "cpu.cfs_period_us", "100000\n")
    assert server.cgroup_cpus(tmp_path / "cgroup", own) == 0.5
    assert server.cgroup_cpus(tmp_path / "cgroup", tmp_path / "no_such_file") is None
    write(own, "0::/\n")  # v2 named, but nothing mounted there
    assert server.cgroup_cpus(tmp_path / "nothing", own) is None


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


@pytest.mark.skipif(sys.platform != "linux", reason="the supervisor is the Linux path")
def test_a_second_serve_on_the_same_port_fails_and_the_first_keeps_every_connection(tmp_path: Path) -> None:
    """review13 #1: the second server used to start and take about half of the first one's connections."""
    with serving(tmp_path) as (process, port, log_path):
        assert f"Listening on http://127.0.0.1:{port} (2 workers)" in log_path.read_text()  # review13 #8
        env = {**os.environ, "SCREENER_CACHE_DIR": str(tmp_path / "cache")}
        second = subprocess.run([sys.executable, "-m", "screener", "serve", "--port", str(port), "--workers", "1",
                                 "--rules", str(REAL)], capture_output=True, text=True, env=env, timeout=120)
        assert second.returncode != 0
        lines = second.stderr.strip().splitlines()
        assert lines == [f"Error: cannot listen on 127.0.0.1:{port} (Address already in use)"], second.stderr
        assert workers_of(process.pid) and all(get(port, "/healthz")["status"] == "ok" for _ in range(8))
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0


@pytest.mark.skipif(sys.platform != "linux", reason="the supervisor is the Linux path")
def test_serve_on_port_0_says_which_port_it_took(tmp_path: Path) -> None:
    """review13 #8: uvicorn's own 'running on' line is not printed when it is handed its sockets."""
    env = {**os.environ, "SCREENER_CACHE_DIR": str(tmp_path / "cache")}
    process = subprocess.Popen([sys.executable, "-m", "screener", "serve", "--port", "0", "--workers", "1", "--rules",
                                str(REAL), "--no-access-log"], stderr=subprocess.PIPE, text=True, env=env,
                               start_new_session=True)
    try:
        assert process.stderr is not None
        first = process.stderr.readline()
        found = re.search(r"Listening on http://127\.0\.0\.1:([0-9]+) \(1 worker\)$", first.rstrip("\n"))
        assert found, first
        port = int(found.group(1))
        assert port != 0
        for _ in range(600):
            try:
                assert get(port, "/healthz")["status"] == "ok"
                break
            except OSError:
                assert process.poll() is None
                time.sleep(0.2)
        else:
            pytest.fail("the server did not answer on the port it named")
    finally:
        process.kill()
        process.wait()
        if process.stderr is not None:
            process.stderr.close()
