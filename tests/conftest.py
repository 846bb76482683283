"""Test-wide settings: keep the rulebook cache out of the tester's home folder."""

from __future__ import annotations

import os
import tempfile

# Every test, and every `screener` process a test starts, caches rulebooks in a throwaway folder.
os.environ.setdefault("SCREENER_CACHE_DIR", tempfile.mkdtemp(prefix="screener-test-cache-"))

# Tests read English unless they ask for French: the tester's own locale (LANG=fr_CA.UTF-8) must not change
# what the assertions see. Tests of language choice pass their own environment or override this.
os.environ["SCREENER_LANG"] = "en"
