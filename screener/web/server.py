"""Running the app under uvicorn: each worker process builds it from the environment (a factory),
so `--workers N` passes no Python objects between processes; every worker loads the same checked rulebook.
Several workers each accept on their own SO_REUSEPORT socket (`Workers`), so a surge's connections are
spread evenly over the cores."""

from __future__ import annotations

import gc
import importlib.util
import logging
import math
import multiprocessing
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
from screener.i18n import _
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
    process with its own event loop, and screening is CPU work, so more workers than cores only queue.
    The cores are those of its CPU affinity, and no more than a container's CPU quota allows (`cgroup_cpus`,
    rounded up): a container given 1.5 CPUs of a 64-core host runs 2 workers, not 64."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    quota = cgroup_cpus()
    if quota is not None:
        cores = min(cores, math.ceil(quota))
    return max(1, cores)


CGROUP_ROOT = Path("/sys/fs/cgroup")


def cgroup_cpus(root: Path = CGROUP_ROOT, own: Path = Path("/proc/self/cgroup")) -> float | None:
    """The CPUs the cgroup quotas of this process allow (None: no quota, or no cgroups): the smallest of its
    own group's and its parents' — cgroup v2 `cpu.max` ("max 100000" or "150000 100000"), v1
    `cpu.cfs_quota_us` / `cpu.cfs_period_us` (-1: none)."""
    try:
        lines = own.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    limits: list[float] = []
    for line in lines:
        fields = line.split(":", 2)  # hierarchy id, controllers, path
        if len(fields) != 3:
            continue
        hierarchy, controllers, path = fields
        if hierarchy == "0" and not controllers:  # v2 (pure, or "unified" beside v1)
            mounts = [root, root / "unified"]
            read = _v2_quota
        elif "cpu" in controllers.split(","):
            mounts = [root / controllers, root / "cpu"]
            read = _v1_quota
        else:
            continue
        mount = next((folder for folder in mounts if folder.is_dir()), None)
        if mount is None:
            continue
        folder = mount / path.strip("/")
        while True:  # the group and each parent up to the mount (inside a container: its own limit)
            found = read(folder)
            if found is not None:
                limits.append(found)
            if folder == mount:
                break
            folder = folder.parent
    return min(limits) if limits else None


def _v2_quota(folder: Path) -> float | None:
    try:
        quota, period = (folder / "cpu.max").read_text(encoding="utf-8").split()
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError, ZeroDivisionError):
        return None


def _v1_quota(folder: Path) -> float | None:
    try:
        quota = int((folder / "cpu.cfs_quota_us").read_text(encoding="utf-8"))
        period = int((folder / "cpu.cfs_period_us").read_text(encoding="utf-8"))
        return quota / period if quota > 0 and period > 0 else None
    except (OSError, ValueError):
        return None


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
    """Start uvicorn over the factory with `settings`: under our supervisor on Linux (`Workers`: balanced
    sockets, restarts, SIGHUP reloads), else uvicorn's own."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, stream=sys.stderr)
    options = settings(workers)
    if sys.platform == "linux":
        Workers(host, port, options).run()
        return
    uvicorn.run(APP, factory=True, host=host, port=port, log_level="info", **options)


APP = "screener.web.server:make_app"
STARTUP_SECONDS = 10.0  # a worker that ends sooner failed to start: starting it again would fail the same way
READY_SECONDS = 120.0  # how long a reload waits for a new worker to build its app
log = logging.getLogger("screener.web")


class Worker:
    """One worker process, when it was started, and the event it sets once its app is built."""

    def __init__(self, options: dict[str, Any], sock: socket.socket) -> None:
        self.ready = SPAWN.Event()
        self.process = SPAWN.Process(target=serve_socket, args=(options, sock, self.ready), daemon=False)
        self.process.start()
        self.started = time.monotonic()

    def stop(self, grace: float) -> None:
        """SIGTERM (uvicorn finishes the requests in flight), then SIGKILL after `grace` seconds."""
        self.process.terminate()
        self.wait(grace)

    def wait(self, grace: float) -> None:
        self.process.join(grace)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


class Workers:
    """N uvicorn worker processes, each accepting on its own listening socket.

    uvicorn's own `--workers` gives every worker one shared socket, and whichever worker wakes first
    takes the new connections: on this machine 64 keep-alive connections often all landed on one of two
    workers, so one core screened while the other idled, and latency doubled. Here the sockets share the
    port with SO_REUSEPORT (Linux), so the kernel spreads connections evenly over the workers. The
    sockets are bound here, before any worker starts (a port in use is one error, at once), and stay
    open: a worker that dies is started again on the same socket without losing its queued connections.
    SIGINT/SIGTERM stop every worker gracefully. SIGHUP reloads (`reload`): new workers read the rules
    again, and replace the old ones without refusing a connection."""

    def __init__(self, host: str, port: int, options: dict[str, Any]) -> None:
        self.options = {key: value for key, value in options.items() if key != "workers"}
        self.sockets = listening_sockets(host, port, options["workers"], options["backlog"])
        self.stopping = threading.Event()
        self.reloading = threading.Event()
        self.grace = self.options["timeout_graceful_shutdown"] + 5

    def run(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: self.stopping.set())
        signal.signal(signal.SIGHUP, lambda *_: self.reloading.set())
        host, port = self.sockets[0].getsockname()[:2]  # the port given, or the free one port 0 found
        count = len(self.sockets)
        log.info("Listening on %s (%d %s)", url(host, port), count, "worker" if count == 1 else "workers")
        workers = [Worker(self.options, sock) for sock in self.sockets]
        try:
            while not self.stopping.wait(0.5):
                if self.reloading.is_set():
                    self.reloading.clear()
                    self.reload(workers)
                for index, worker in enumerate(workers):
                    if worker.process.is_alive():
                        continue
                    if time.monotonic() - worker.started < STARTUP_SECONDS:
                        raise ScreenerError(_("a worker stopped while starting (exit code {code}); see the log "
                                              "above").format(code=worker.process.exitcode))
                    log.error("worker %s ended (exit code %s); starting another", worker.process.pid,
                              worker.process.exitcode)
                    workers[index] = Worker(self.options, self.sockets[index])
        finally:
            for worker in workers:
                worker.process.terminate()
            for worker in workers:
                worker.wait(self.grace)
            for sock in self.sockets:
                sock.close()

    def reload(self, workers: list[Worker]) -> None:
        """Replace each worker, one at a time, by a new one on the same socket: the old one stops (finishing
        its requests) only once the new one has built its app, so connections are never refused, and rules
        that no longer load leave the running workers serving, with the error in the log."""
        log.info("SIGHUP: reloading the rules in new workers")
        for index, old in enumerate(workers):
            new = Worker(self.options, self.sockets[index])
            deadline = time.monotonic() + READY_SECONDS
            while not new.ready.wait(0.2):
                if not new.process.is_alive() or self.stopping.is_set() or time.monotonic() > deadline:
                    log.error("reload stopped: a new worker could not start (exit code %s); the running workers "
                              "keep serving the rules they loaded", new.process.exitcode)
                    new.stop(self.grace)
                    return
            old.stop(self.grace)
            workers[index] = new
        log.info("reloaded: %d workers", len(workers))


def listening_sockets(host: str, port: int, count: int, backlog: int) -> list[socket.socket]:
    """`count` sockets listening on one port (port 0: a free one), with SO_REUSEPORT when there are several.

    A port already in use is refused, even when its server shares it (another `screener serve` sets
    SO_REUSEPORT too, and the kernel would let this one join it and take half its connections): a probe
    bound first without SO_REUSEPORT fails on any socket listening there. One socket gets no SO_REUSEPORT,
    so no other process can join it at all."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sockets: list[socket.socket] = []
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # an earlier run's closed connections
            probe.bind((host, port))
            port = probe.getsockname()[1]
        for _index in range(count):
            sock = socket.socket(family, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if count > 1:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
            sock.listen(backlog)
            sock.set_inheritable(True)
    except OSError as exc:
        for sock in sockets:
            sock.close()
        raise ScreenerError(_("cannot listen on {address} ({reason})").format(
            address=f"{host}:{port}", reason=exc.strerror or exc)) from None
    return sockets


def url(host: str, port: int) -> str:
    """The address a browser opens: http://127.0.0.1:8000, http://[::1]:8000."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def serve_socket(options: dict[str, Any], sock: socket.socket, ready: Any = None) -> None:
    """One worker process: uvicorn over the factory, accepting on the socket it was given; `ready` is set
    once the app (the rulebook) is built, before the first request is accepted."""
    import uvicorn

    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # a hangup of the whole group: the supervisor replaces us
    config = uvicorn.Config(APP, factory=True, log_level="info", **options)
    config.load()  # what uvicorn.Server would do first: a rulebook that does not load ends the worker here
    if ready is not None:
        ready.set()
    uvicorn.Server(config).run(sockets=[sock])
