"""'Did you mean …?' hints for misspelled names, keys and values."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from screener.i18n import _


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ready-to-append hint such as " (did you mean 'age'?)", or "" when nothing is close."""
    match = closest(word, candidates)
    return _(" (did you mean '{name}'?)").format(name=match) if match is not None else ""


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate `word` is most likely a misspelling of, or None when nothing is close."""
    pool = [str(candidate) for candidate in candidates]
    matches = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not matches:
        lowered = {candidate.lower(): candidate for candidate in pool}
        matches = [lowered[word.lower()]] if word.lower() in lowered else []
    return matches[0] if matches else None
