"""Running the app under uvicorn: each worker process builds it from the environment (a factory),
so `--workers N` passes no Python objects between processes; every worker loads the same checked rulebook."""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from screener.web.app import ASGIApp, create_app

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
    return create_app(rulebook, lang=os.environ.get(LANG_ENV, "en"), access_log_enabled=os.environ.get(LOG_ENV) != "0")


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
    """Start uvicorn over the factory with `settings`."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, stream=sys.stderr)
    uvicorn.run("screener.web.server:make_app", factory=True, host=host, port=port, log_level="info",
                **settings(workers))
