"""Test-wide settings (the rulebook cache out of the tester's home folder) and shared fixtures (`browser`)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

# Every test, and every `screener` process a test starts, caches rulebooks in a throwaway folder.
os.environ.setdefault("SCREENER_CACHE_DIR", tempfile.mkdtemp(prefix="screener-test-cache-"))

# Tests read English unless they ask for French: the tester's own locale (LANG=fr_CA.UTF-8) must not change
# what the assertions see. Tests of language choice pass their own environment or override this.
os.environ["SCREENER_LANG"] = "en"


BROWSER_HELP = "install one: apt-get install chromium chromium-driver (Debian), and pip install selenium"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless chromium driven by selenium (one per test session), for tests of HTML pages.

    Skips, saying why, when selenium, chromium or its driver is missing. Browser console errors
    (a Content-Security-Policy violation, a missing file) can be read with
    `browser.get_log("browser")`.
    """
    try:
        from selenium import webdriver
    except ImportError:
        pytest.skip(f"no selenium: {BROWSER_HELP}")
    binary = next((found for name in ("chromium", "chromium-browser", "google-chrome")
                   if (found := shutil.which(name))), None)
    driver_path = shutil.which("chromedriver")
    if binary is None or driver_path is None:
        pytest.skip(f"no headless browser ({'chromedriver' if binary else 'chromium'} not found): {BROWSER_HELP}")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--disable-extensions", "--no-first-run", "--window-size=1024,900"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:  # the driver is given, so selenium never tries to download one
        driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=driver_path))
    except Exception as exc:  # a browser that cannot start here (no display libraries, a broken install)
        pytest.skip(f"chromium did not start ({type(exc).__name__}): {BROWSER_HELP}")
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
