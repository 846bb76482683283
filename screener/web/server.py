"""Running the app under uvicorn: each worker process builds it from the environment (a factory),
so `--workers N` passes no Python objects between processes; every worker loads the same checked rulebook.
Several workers each accept on their own SO_REUSEPORT socket (`Workers`), so a surge's connections are
spread evenly over the cores."""

from __future__ import annotations

import gc
import importlib.util
import logging
import multiprocessing
import multiprocessing.process
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from screener.errors import ScreenerError
from screener.web.app import ASGIApp, create_app

multiprocessing.allow_connection_pickling()  # a worker is handed its listening socket
SPAWN = multiprocessing.get_context("spawn")  # a fresh interpreter per worker, as uvicorn's own workers

RULES_ENV = "SCREENER_SERVE_RULES"
LANG_ENV = "SCREENER_SERVE_LANG"
LOG_ENV = "SCREENER_SERVE_ACCESS_LOG"
LOG_FORMAT = "%(asctime)s %(name)s %(message)s"


def factory_env(rules: Path, lang: str, access_log: bool) -> None:
    os.environ[RULES_ENV] = str(rules.resolve())
    os.environ[LANG_ENV] = lang
    os.environ[LOG_ENV] = "1" if access_log else "0"


def make_app() -> ASGIApp:
    """uvicorn's factory: the app over the rulebook named in the environment."""
    from screener.rulecache import load_rulebook_cached

    if not logging.getLogger().handlers:  # a worker process starts with no logging set up
        logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, stream=sys.stderr)
    rulebook = load_rulebook_cached(os.environ.get(RULES_ENV) or None)
    app = create_app(rulebook, lang=os.environ.get(LANG_ENV, "en"), access_log_enabled=os.environ.get(LOG_ENV) != "0")
    settle_memory()
    return app


def settle_memory() -> None:
    """Move everything loaded so far (the rulebook in every language, compiled rules: ~50,000 objects that
    live as long as the worker) out of the garbage collector's sight. Without this, each full collection
    walks them all: measured here as pauses of 0.2 s every few thousand requests, more than the whole
    p99 budget of a surge. Requests' own garbage is still collected as before."""
    gc.collect()
    gc.freeze()


def default_workers() -> int:
    """One worker per core this process may use (2 on the 2-core development machine): each worker is a
    process with its own event loop, and screening is CPU work, so more workers than cores only queue."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def settings(workers: int) -> dict[str, Any]:
    """uvicorn's options for a surge: the C HTTP parser (httptools) and event loop (uvloop) when installed,
    a deep listen backlog so a burst of new connections waits in the kernel rather than being refused,
    bounded concurrency per worker (beyond it quick 503s, not an ever-growing queue), short keep-alive,
    our own access log (no query strings) instead of uvicorn's."""
    return {
        "workers": workers,
        "loop": "uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
        "http": "httptools" if importlib.util.find_spec("httptools") else "h11",
        "backlog": 4096, "limit_concurrency": 2000, "timeout_keep_alive": 5, "timeout_graceful_shutdown": 5,
        "access_log": False, "server_header": False, "date_header": True, "proxy_headers": False,
        "h11_max_incomplete_event_size": 16 * 1024,
    }


def run(uvicorn: ModuleType, host: str, port: int, workers: int) -> None:
    """Start uvicorn over the factory with `settings`: one process, or `workers` balanced ones."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, stream=sys.stderr)
    options = settings(workers)
    if workers > 1 and sys.platform == "linux":
        Workers(host, port, options).run()
        return
    uvicorn.run(APP, factory=True, host=host, port=port, log_level="info", **options)


APP = "screener.web.server:make_app"
STARTUP_SECONDS = 10.0  # a worker that ends sooner failed to start: starting it again would fail the same way
log = logging.getLogger("screener.web")


class Workers:
    """N uvicorn worker processes, each accepting on its own listening socket.

    uvicorn's own `--workers` gives every worker one shared socket, and whichever worker wakes first
    takes the new connections: on this machine 64 keep-alive connections often all landed on one of two
    workers, so one core screened while the other idled, and latency doubled. Here the sockets share the
    port with SO_REUSEPORT (Linux), so the kernel spreads connections evenly over the workers. The
    sockets are bound here, before any worker starts (a port in use is one error, at once), and stay
    open: a worker that dies is started again on the same socket without losing its queued connections.
    SIGINT/SIGTERM stop every worker gracefully."""

    def __init__(self, host: str, port: int, options: dict[str, Any]) -> None:
        self.options = {key: value for key, value in options.items() if key != "workers"}
        self.sockets = listening_sockets(host, port, options["workers"], options["backlog"])
        self.stopping = threading.Event()

    def run(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: self.stopping.set())
        processes = [self.start(sock) for sock in self.sockets]
        try:
            while not self.stopping.wait(0.5):
                for index, (process, started) in enumerate(processes):
                    if process.is_alive():
                        continue
                    if time.monotonic() - started < STARTUP_SECONDS:
                        raise ScreenerError(f"a worker stopped while starting (exit code {process.exitcode}); "
                                            "see the log above")
                    log.error("worker %s ended (exit code %s); starting another", process.pid, process.exitcode)
                    processes[index] = self.start(self.sockets[index])
        finally:
            for process, _ in processes:
                process.terminate()
            for process, _ in processes:
                process.join(self.options["timeout_graceful_shutdown"] + 5)
                if process.is_alive():
                    process.kill()
            for sock in self.sockets:
                sock.close()

    def start(self, sock: socket.socket) -> tuple[multiprocessing.process.BaseProcess, float]:
        process = SPAWN.Process(target=serve_socket, args=(self.options, sock), daemon=False)
        process.start()
        return process, time.monotonic()


def listening_sockets(host: str, port: int, count: int, backlog: int) -> list[socket.socket]:
    """`count` sockets listening on one port with SO_REUSEPORT (port 0: the first one's free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(family, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
            port = sock.getsockname()[1]
            sock.listen(backlog)
            sock.set_inheritable(True)
    except OSError as exc:
        for sock in sockets:
            sock.close()
        raise ScreenerError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None
    return sockets


def serve_socket(options: dict[str, Any], sock: socket.socket) -> None:
    """One worker process: uvicorn over the factory, accepting on the socket it was given."""
    import uvicorn

    config = uvicorn.Config(APP, factory=True, log_level="info", **options)
    uvicorn.Server(config).run(sockets=[sock])
