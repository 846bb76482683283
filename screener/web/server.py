"""Running the app under uvicorn: each worker process builds it from the environment (a factory),
so `--workers N` passes no Python objects between processes; every worker loads the same checked rulebook."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from types import ModuleType

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


def run(uvicorn: ModuleType, host: str, port: int, workers: int, access_log: bool) -> None:
    """Start uvicorn: our own access log (no query strings), uvicorn's off; bounded concurrency, so a
    surge beyond capacity gets quick 503s instead of an ever-growing queue."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, stream=sys.stderr)
    uvicorn.run("screener.web.server:make_app", factory=True, host=host, port=port, workers=workers,
                access_log=False, log_level="info", limit_concurrency=2000, backlog=2048,
                timeout_keep_alive=5, timeout_graceful_shutdown=5, server_header=False, date_header=True,
                h11_max_incomplete_event_size=16 * 1024, proxy_headers=False)
