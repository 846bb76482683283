"""`rules test` into a pipe writes its warnings and a passing run's summary without rich (~20 ms of its start),
byte for byte as rich writes them; at a terminal rich writes them, in colour."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

ROOT = Path(__file__).parent.parent
RULES = ROOT / "rules"
# Runs `screener ARGS`, then says on stderr whether rich was imported; RICH_PATH makes every line look unfit for
# plain writing, so rich writes all of it (what the command wrote before the plain path existed).
RUN = """
import atexit, os, runpy, sys
if os.environ.get("RICH_PATH"):
    import screener.plain
    screener.plain.as_is = lambda *args, **kwargs: False
atexit.register(lambda: sys.stderr.write(f"\\nrich imported: {'rich' in sys.modules}\\n"))
sys.argv = ["screener", *sys.argv[1:]]
runpy.run_module("screener", run_name="__main__")
"""


def _env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("COLUMNS", "NO_COLOR", "FORCE_COLOR", "SCREENER_RULES", "SCREENER_LANG")}
    return {**env, **extra}


def _run(*args: str, **extra: str) -> tuple[bytes, bool]:
    """(stdout, whether rich was imported) of `screener ARGS` into a pipe."""
    result = subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, env=_env(**extra), cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout, b"rich imported: True" in result.stderr


def test_a_passing_run_into_a_pipe_imports_no_rich() -> None:
    out, imported = _run("rules", "test", str(RULES))
    assert not imported
    assert b"passed, 0 failed" in out.splitlines()[-1]
    assert b"warning: " in out  # the shipped rules are past some review dates: their warnings are plain too


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("columns", [None, "200", "20", "12", "wide", "-5"])  # not digits: ignored, as rich does
def test_the_plain_lines_are_the_bytes_rich_writes(lang: str, columns: str | None) -> None:
    """The same bytes with and without rich, in both languages (French's no-break spaces), at widths where the
    summary fits and where rich would wrap it (then rich writes it)."""
    extra = {"COLUMNS": columns} if columns else {}
    args = ("rules", "test", str(RULES), "-k", "CLB", "--lang", lang)
    plain, imported = _run(*args, **extra)
    rich, _ = _run(*args, RICH_PATH="1", **extra)
    assert plain == rich
    assert plain.endswith(b")\n")
    assert (b"avertissement" if lang == "fr" else b"warning: ") in plain  # the warnings are plain lines too
    assert imported == (columns in ("20", "12"))  # `43 passed, 0 failed (43 cases)` is 30 cells: rich wraps it


def test_colour_asked_for_is_written_by_rich() -> None:
    """FORCE_COLOR into a pipe: rich writes the summary in bold green."""
    out, imported = _run("rules", "test", str(RULES), "-k", "CLB", FORCE_COLOR="1")
    assert imported
    assert out.splitlines()[-1].startswith(b"\x1b[1;32m")


def test_at_a_terminal_rich_writes_the_summary_in_colour() -> None:
    """At a terminal nothing is written plain: the same bytes as rich alone, the summary in bold green."""
    outputs = []
    for rich_path in ("", "1"):
        child = pexpect.spawn(sys.executable, ["-c", RUN, "rules", "test", str(RULES), "-k", "CLB"],
                              env=_env(RICH_PATH=rich_path, TERM="xterm"), cwd=str(ROOT), timeout=60,
                              dimensions=(50, 100))
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
        outputs.append(child.before)
    assert outputs[0] == outputs[1]
    assert b"\x1b[1;32m" in outputs[0] and b"rich imported: True" in outputs[0]
