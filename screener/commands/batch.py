"""`screener batch`: screen a whole CSV intake at once."""

from __future__ import annotations

from screener.cli import app  # noqa: F401
