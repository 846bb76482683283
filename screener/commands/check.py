"""`screener check`: the interview and the verdict."""

from __future__ import annotations

from screener.cli import app  # noqa: F401
