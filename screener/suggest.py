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


def slip_of(word: str, candidates: Iterable[str]) -> str | None:
    """The one candidate `word` is a slip of the keys for (a letter added, dropped, changed, or two side by side
    swapped; two such slips in a name of 12 characters or more), with the same digits; None when no candidate,
    or more than one, is that close. Stricter than `closest`: "Q12" is not a slip for "Q13", nor "Your age"
    for "Your name", so a miss here is a clear typo, not another form's question."""
    digits = [char for char in word if char.isdigit()]
    allowed = 2 if len(word) >= 12 else 1
    found = {candidate for candidate in candidates if candidate != word
             and [char for char in candidate if char.isdigit()] == digits and _slips(word, candidate, allowed)}
    return found.pop() if len(found) == 1 else None


def _slips(first: str, second: str, most: int) -> bool:
    """Whether `first` becomes `second` in at most `most` edits (Damerau: insert, delete, change, swap two)."""
    if abs(len(first) - len(second)) > most:
        return False
    before: list[int] = []
    row = list(range(len(second) + 1))
    for i, a in enumerate(first, start=1):
        current = [i] + [0] * len(second)
        for j, b in enumerate(second, start=1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (a != b))
            if i > 1 and j > 1 and a == second[j - 2] and first[i - 2] == b:
                current[j] = min(current[j], before[j - 2] + 1)
        before, row = row, current
    return row[-1] <= most
