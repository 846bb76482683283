"""Election-night surge: screenings per second through HTTP against the in-process rate.

Starts `screener serve` on 127.0.0.1 (loopback only, a free port), then an asyncio client with a fixed
number of keep-alive connections posts seeded random answers (bench/evaluate.py's profiles) to
POST /v1/screen for a bounded time (and at most --max-requests). Reports screenings/s, latency
p50/p95/p99, errors (any status but 200, or a broken connection), and the server's memory (RSS of
every server process) sampled each second; beside it, the same screening in-process on one core.

The client is a minimal HTTP/1.1 writer/reader on asyncio streams (an HTTP library would spend more
CPU than the server on this 2-core machine, and it shares the cores with the server). Usage:

    python bench/serve.py [--seconds 60] [--connections 64] [--workers 2] [--max-requests 1000000]
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from evaluate import profiles  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_rss_mb(pid: int) -> float:
    """Resident memory of the server and all its worker processes, in MB (Linux /proc)."""
    total = 0
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
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def request_bytes(port: int, body: bytes, path: str) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


async def connection(port: int, requests: list[bytes], offset: int, deadline: float, budget: list[int],
                     latencies: list[float], errors: list[str]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    index = offset
    try:
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            payload = requests[index % len(requests)]
            index += 1
            started = time.perf_counter()
            writer.write(payload)
            head = await reader.readuntil(b"\r\n\r\n")
            status = head[9:12]
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if status != b"200":
                errors.append(status.decode())
    except (OSError, asyncio.IncompleteReadError) as exc:
        errors.append(type(exc).__name__)
    finally:
        writer.close()


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


def in_process_rate(rulebook: Any, people: list[dict[str, Any]], as_of: dt.date) -> float:
    """The endpoint's own work without HTTP: read the answers, screen (compact report), to JSON."""
    from screener.answerfile import answer_entries
    from screener.web import api

    bodies = [json.dumps(person) for person in people]
    best = 0.0
    for _ in range(3):
        started = time.perf_counter()
        for body in bodies:
            values, _ = api.read(rulebook, answer_entries(json.loads(body)))
            json.dumps(api.screen(rulebook, values, as_of))
        best = max(best, len(bodies) / (time.perf_counter() - started))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-requests", type=int, default=1_000_000)
    parser.add_argument("--persons", type=int, default=400)
    parser.add_argument("--details", action="store_true", help="screen with ?details=true (the full report)")
    parser.add_argument("--as-of", default="2026-11-25")
    args = parser.parse_args()

    from screener.rulebook import load_rulebook

    as_of = dt.date.fromisoformat(args.as_of)
    rulebook = load_rulebook(ROOT / "rules")
    people = profiles(rulebook, args.persons)
    rate = in_process_rate(rulebook, people, as_of)

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "screener", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(args.workers), "--rules", str(ROOT / "rules")],
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
        path = f"/v1/screen?as_of={as_of.isoformat()}" + ("&details=true" if args.details else "")
        requests = [request_bytes(port, json.dumps(person).encode(), path) for person in people]
        memory: list[float] = []

        async def run() -> tuple[float, list[float], list[str]]:
            async def sample() -> None:
                while True:
                    memory.append(server_rss_mb(server.pid))
                    await asyncio.sleep(1.0)
            sampler = asyncio.create_task(sample())
            try:
                return await surge(port, requests, args.connections, args.seconds, args.max_requests)
            finally:
                sampler.cancel()
                memory.append(server_rss_mb(server.pid))

        elapsed, latencies, errors = asyncio.run(run())
    finally:
        server.terminate()
        server.wait(timeout=30)

    done = len(latencies)
    load = os.getloadavg()
    print(f"screener serve, {args.workers} worker(s), {args.connections} connections, {elapsed:.1f} s, "
          f"{os.cpu_count()} cores (load average before the end: {load[0]:.1f}), "
          f"{'full' if args.details else 'compact'} report")
    print(f"through HTTP:  {done / elapsed:8.0f} screenings/s  ({done} requests, {len(errors)} errors"
          + (f": {sorted(set(errors))[:5]}" if errors else "") + ")")
    if latencies:
        print(f"latency:       p50 {percentile(latencies, 0.50) * 1000:.1f} ms, "
              f"p95 {percentile(latencies, 0.95) * 1000:.1f} ms, p99 {percentile(latencies, 0.99) * 1000:.1f} ms, "
              f"max {max(latencies) * 1000:.1f} ms")
    print(f"in-process:    {rate:8.0f} screenings/s on one core (read answers + compact report + JSON)")
    if memory:
        third = max(1, len(memory) // 3)
        print(f"server memory: {memory[0]:.0f} MB at start, {statistics.mean(memory[:third]):.0f} MB first third, "
              f"{statistics.mean(memory[-third:]):.0f} MB last third, {max(memory):.0f} MB max ({len(memory)} samples)")


if __name__ == "__main__":
    main()
