"""The `screener` command's entry point: the command line's modules are imported with the collector paused.

Importing typer, pydantic and screener's own modules creates some 10^5 objects that live until the process
ends; meanwhile the cyclic garbage collector would walk them again and again for nothing (~6 ms of a
~170 ms `check --json`). So the entry point imports `screener.cli` with collection paused, freezes what
exists then (later collections skip it) and runs the command with collection as usual
(`screener.commands.start_up` manages it from there). Importing `screener.cli` from a program changes nothing.
"""

from __future__ import annotations

import gc
from typing import NoReturn


def main() -> NoReturn:
    enabled = gc.isenabled()
    gc.disable()
    try:
        from screener.cli import main as run
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
    run()
