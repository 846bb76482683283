"""Election-night surge: screenings per second through HTTP against the in-process rate.

Starts `screener serve` on 127.0.0.1 (loopback only, a free port), then an asyncio client with a fixed
number of keep-alive connections posts seeded random answers (bench/evaluate.py's profiles) to
POST /v1/screen for a bounded time (and at most --max-requests). Reports screenings/s, latency
p50/p95/p99, errors (any status but 200, or a broken connection), and the server's memory (RSS of
every server process) sampled each second; beside it, the same screening in-process on one core.

CPU per request is printed beside each rate because wall-clock throughput depends on whatever else
runs on the machine, while CPU time per request hardly does: the server's (every worker process, from
/proc), the client's, and the in-process screening's. A short GET /healthz surge first is the baseline
measured in the same run: the HTTP stack and framework with no screening. The server's configuration
(workers, event loop, HTTP parser, backlog, limits) is printed as `screener.web.server.settings` gives it.

The client is a minimal HTTP/1.1 writer/reader on asyncio streams (an HTTP library would spend more
CPU than the server on this 2-core machine, and it shares the cores with the server). Usage:

    python bench/serve.py [--seconds 60] [--connections 64] [--workers N] [--max-requests 1000000]
                          [--baseline-seconds 5] [--access-log] [--details | --outcomes-only]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from evaluate import profiles  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_pids(pid: int) -> list[int]:
    """The server and its worker processes (children and grandchildren, Linux /proc)."""
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(child) for child in children]
        for child in children:
            grand = Path(f"/proc/{child}/task/{child}/children")
            if grand.exists():
                pids += [int(g) for g in grand.read_text().split()]
    except OSError:
        pass
    return pids


def server_rss_mb(pid: int) -> float:
    """Resident memory of the server and all its worker processes, in MB."""
    total = 0
    for each in server_pids(pid):
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def server_cpu(pid: int) -> dict[int, float]:
    """CPU seconds (user + system) used so far by each server process."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for each in server_pids(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[each] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return used


def cpu_since(before: dict[int, float], after: dict[int, float]) -> dict[int, float]:
    return {pid: after[pid] - before.get(pid, 0.0) for pid in after}


def request_bytes(port: int, body: bytes, path: str) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def get_bytes(port: int, path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()


class Connection(asyncio.Protocol):
    """One keep-alive connection: write a request, read its response (the head, then Content-Length
    bytes), record the latency, write the next, until the deadline or the shared budget ends. A protocol
    rather than streams: no future per read, so the client takes less of the CPU it shares with the server."""

    def __init__(self, requests: list[bytes], offset: int, deadline: float, budget: list[int],
                 latencies: list[float], errors: list[str], closed: asyncio.Future[None]) -> None:
        self.requests, self.index, self.deadline, self.budget = requests, offset, deadline, budget
        self.latencies, self.errors, self.closed = latencies, errors, closed
        self.buffer = b""
        self.wanted = -1  # bytes of the whole response, once its head is read
        self.waiting = False
        self.started = 0.0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass, but is one
        self.send()

    def send(self) -> None:
        assert self.transport is not None
        if time.perf_counter() >= self.deadline or self.budget[0] <= 0:
            self.transport.close()
            return
        self.budget[0] -= 1
        self.buffer, self.wanted, self.waiting = b"", -1, True
        payload = self.requests[self.index % len(self.requests)]
        self.index += 1
        self.started = time.perf_counter()
        self.transport.write(payload)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.wanted < 0:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            length = 0
            for line in self.buffer[:end].split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            self.wanted = end + 4 + length
        if len(self.buffer) >= self.wanted:
            self.latencies.append(time.perf_counter() - self.started)
            self.waiting = False
            if self.buffer[9:12] != b"200":
                self.errors.append(self.buffer[9:12].decode())
            self.send()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.waiting:  # the server closed or broke the connection with a response owed
            self.errors.append(type(exc).__name__ if exc else "closed")
        if not self.closed.done():
            self.closed.set_result(None)


async def connection(port: int, requests: list[bytes], offset: int, deadline: float, budget: list[int],
                     latencies: list[float], errors: list[str]) -> None:
    loop = asyncio.get_running_loop()
    closed: asyncio.Future[None] = loop.create_future()
    try:
        await loop.create_connection(lambda: Connection(requests, offset, deadline, budget, latencies, errors,
                                                        closed), "127.0.0.1", port)
    except OSError as exc:
        errors.append(type(exc).__name__)
        return
    try:  # bounded in time even if the server stops answering
        await asyncio.wait_for(closed, deadline - time.perf_counter() + 30)
    except TimeoutError:
        errors.append("TimeoutError")


async def surge(port: int, requests: list[bytes], connections: int, seconds: float,
                max_requests: int) -> tuple[float, list[float], list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    budget = [max_requests]
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(connection(port, requests, n * 7, deadline, budget, latencies, errors)
                           for n in range(connections)))
    return time.perf_counter() - started, latencies, errors


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


QUERY = {"report": "", "details": "&details=true", "outcomes": "&outcomes_only=true"}  # the answer views


def in_process_cpu(rulebook: Any, people: list[dict[str, Any]], as_of: dt.date, view: str = "report") -> float:
    """CPU seconds per screening of the endpoint's own work without HTTP: read the answers, screen
    (the answer `view` of `screener.web.api.screen`), to JSON (best of three passes)."""
    from screener.web import api

    bodies = [json.dumps(person).encode() for person in people]
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for body in bodies:
            json.dumps(api.screen_raw(rulebook, api.parse_body(body), as_of, view=view))
        best = min(best, (time.process_time() - started) / len(bodies))
    return best


class Phase:
    """One surge against the running server: wall time, latencies, errors, and CPU of both sides."""

    def __init__(self, server_pid: int, port: int, requests: list[bytes], connections: int, seconds: float,
                 max_requests: int, memory: list[float] | None = None) -> None:
        before, client_before = server_cpu(server_pid), time.process_time()
        self.elapsed, self.latencies, self.errors = asyncio.run(
            self.run(server_pid, port, requests, connections, seconds, max_requests, memory))
        self.client_cpu = time.process_time() - client_before
        self.server_cpu = cpu_since(before, server_cpu(server_pid))
        self.done = len(self.latencies)

    @staticmethod
    async def run(server_pid: int, port: int, requests: list[bytes], connections: int, seconds: float,
                  max_requests: int, memory: list[float] | None) -> tuple[float, list[float], list[str]]:
        async def sample() -> None:
            while memory is not None:
                memory.append(server_rss_mb(server_pid))
                await asyncio.sleep(1.0)
        sampler = asyncio.create_task(sample())
        try:
            return await surge(port, requests, connections, seconds, max_requests)
        finally:
            sampler.cancel()
            if memory is not None:
                memory.append(server_rss_mb(server_pid))

    def per_request_ms(self, seconds: float) -> float:
        return seconds / max(1, self.done) * 1000

    def report(self, label: str) -> None:
        server_total = sum(self.server_cpu.values())
        workers = sorted((cpu for cpu in self.server_cpu.values() if cpu > 0.05 * server_total), reverse=True)
        shares = "/".join(f"{cpu / server_total:.0%}" for cpu in workers) if server_total else "-"
        print(f"{label:14s} {self.done / self.elapsed:8.0f} /s  ({self.done} requests, {len(self.errors)} errors"
              + (f": {sorted(set(self.errors))[:5]}" if self.errors else "") + ")")
        if self.latencies:
            print(f"{'':14s} latency p50 {percentile(self.latencies, 0.50) * 1000:.1f} ms, "
                  f"p95 {percentile(self.latencies, 0.95) * 1000:.1f} ms, "
                  f"p99 {percentile(self.latencies, 0.99) * 1000:.1f} ms, max {max(self.latencies) * 1000:.1f} ms")
        print(f"{'':14s} CPU per request: server {self.per_request_ms(server_total):.3f} ms "
              f"(busy processes' shares {shares}), client {self.per_request_ms(self.client_cpu):.3f} ms")


def client_loop() -> str:
    """The client's event loop: uvloop when installed (less CPU per response on the shared cores)."""
    try:
        import uvloop
    except ImportError:
        return "asyncio"
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    return "uvloop"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=None, help="server workers (default: serve's, one per core)")
    parser.add_argument("--max-requests", type=int, default=1_000_000)
    parser.add_argument("--baseline-seconds", type=float, default=5.0, help="GET /healthz first (0: skip)")
    parser.add_argument("--persons", type=int, default=400)
    parser.add_argument("--details", action="store_true", help="screen with ?details=true (the full report)")
    parser.add_argument("--outcomes-only", action="store_true",
                        help="screen with ?outcomes_only=true (outcomes and ids: no requirement or text rendered)")
    parser.add_argument("--access-log", action="store_true", help="keep the server's access log (to /dev/null)")
    parser.add_argument("--as-of", default="2026-11-25")
    args = parser.parse_args()
    view = "details" if args.details else "outcomes" if args.outcomes_only else "report"

    from screener.rulebook import load_rulebook
    from screener.web.server import default_workers, settings

    as_of = dt.date.fromisoformat(args.as_of)
    rulebook = load_rulebook(ROOT / "rules")
    people = profiles(rulebook, args.persons)
    in_process = in_process_cpu(rulebook, people, as_of, view)
    workers = args.workers or default_workers()
    loop = client_loop()

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "screener", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), "--rules", str(ROOT / "rules"),
         "--access-log" if args.access_log else "--no-access-log"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("the server did not start")
        time.sleep(1.0)  # every worker up
        baseline = None
        if args.baseline_seconds > 0:
            baseline = Phase(server.pid, port, [get_bytes(port, "/healthz")], args.connections,
                             args.baseline_seconds, args.max_requests)
        path = f"/v1/screen?as_of={as_of.isoformat()}" + QUERY[view]
        requests = [request_bytes(port, json.dumps(person).encode(), path) for person in people]
        memory: list[float] = []
        screening = Phase(server.pid, port, requests, args.connections, args.seconds, args.max_requests, memory)
    finally:
        server.terminate()
        server.wait(timeout=30)

    load = os.getloadavg()
    config = settings(workers)
    print(f"screener serve: {config['workers']} worker(s), loop {config['loop']}, http {config['http']}, "
          f"backlog {config['backlog']}, limit_concurrency {config['limit_concurrency']}/worker, access log "
          f"{'on' if args.access_log else 'off'}; Python {sys.version.split()[0]}")
    print(f"client ({loop}): {args.connections} keep-alive connections, {screening.elapsed:.1f} s, "
          f"{os.cpu_count()} cores (load average at the end: {load[0]:.1f}), "
          f"answer: {view}")
    if baseline is not None:
        baseline.report("GET /healthz")
    screening.report("POST /v1/screen")
    print(f"in-process:    {1 / in_process:8.0f} /s on one core ({in_process * 1000:.3f} ms CPU per screening: "
          f"read answers + {view} + JSON)")
    if screening.done:
        server_ms = screening.per_request_ms(sum(screening.server_cpu.values()))
        print(f"HTTP overhead: server CPU per screening is {server_ms / (in_process * 1000):.2f}x the in-process "
              f"screening's" + (f"; a /healthz costs {baseline.per_request_ms(sum(baseline.server_cpu.values())):.3f} "
                                f"ms" if baseline is not None and baseline.done else ""))
    if memory:
        third = max(1, len(memory) // 3)
        print(f"server memory: {memory[0]:.0f} MB at start, {statistics.mean(memory[:third]):.0f} MB first third, "
              f"{statistics.mean(memory[-third:]):.0f} MB last third, {max(memory):.0f} MB max ({len(memory)} samples)")


if __name__ == "__main__":
    main()
