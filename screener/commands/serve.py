"""`screener serve`: the screener behind a website (JSON API and web interview), with uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from screener import i18n
from screener.commands import LangOption, RulesOption
from screener.commands.help import HelpCommand
from screener.errors import ScreenerError
from screener.i18n import _

commands = typer.Typer()  # assembled into `screener` by screener/cli.py


@commands.command("serve", cls=HelpCommand, short_help="Serve the screener on the web: a JSON API and a web interview.")
def serve(
    host: Annotated[str, typer.Option(
        "--host", metavar="HOST", help="Address to listen on (0.0.0.0: every interface).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", metavar="PORT", min=0, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int | None, typer.Option(
        "--workers", metavar="N", min=1, max=64, help="Worker processes [default: one per core].",
        show_default=False)] = None,
    rules: RulesOption = None,
    lang: LangOption = None,
    access_log: Annotated[bool, typer.Option(
        "--access-log/--no-access-log", help="Log method, path, status and time of each request (never a body "
        "or query string).")] = True,
) -> None:
    """Serve the screener: POST /v1/screen, POST /v1/next-question, GET /v1/rules, GET /healthz,
    GET /openapi.json, and the web interview at /.

    Answers travel with each request and are never stored or logged. Needs the `serve` extra:
    pip install 'screener[serve]'.

    \b
    Examples:
        screener serve
        screener serve --host 0.0.0.0 --port 8080 --workers 2
    """
    try:
        import uvicorn
    except ImportError:
        raise ScreenerError(_("screener serve needs its extra: pip install 'screener[serve]'"), exit_code=1) from None
    from screener.rulebook import resolve_rules_path
    from screener.rulecache import load_rulebook_cached
    from screener.web.server import default_workers, factory_env, run

    root = resolve_rules_path(rules)
    load_rulebook_cached(root)  # a broken rulebook fails here, listed, before any worker starts
    factory_env(Path(root), i18n.current(), access_log)  # pages' default; ?lang= and Accept-Language win
    run(uvicorn, host, port, workers or default_workers())
