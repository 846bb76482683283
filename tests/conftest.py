"""Test-wide settings: keep the rulebook cache out of the tester's home folder."""

from __future__ import annotations

import os
import tempfile

# Every test, and every `screener` process a test starts, caches rulebooks in a throwaway folder.
os.environ.setdefault("SCREENER_CACHE_DIR", tempfile.mkdtemp(prefix="screener-test-cache-"))
