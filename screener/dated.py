"""Dated rules that overlap or leave a gap: the checks behind `rules validate` (canada-rules.md §13.27).

A lawyer changing the law on a date closes the old version and adds the new one. Forgetting to close it
(both in force: the earliest silently wins, or both count) or closing it days too early (a gap: the value
is unknown, every verdict that reads it `incomplete`) gives wrong verdicts while every test stays green.

Versions of a derived value and rows of a dated table are versions by construction: an overlap or a gap
between them is an error. Requirements, score lines and next steps have no "version of" link, so a later
item that reads like the earlier one with other numbers (`age <= 30` after `age <= 35`) is taken as its
replacement and an overlap or gap between the two is a warning. Pure functions: no positions, no files.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from screener.i18n import _

ONE_DAY = dt.timedelta(days=1)


class Dated(Protocol):
    @property
    def effective_from(self) -> dt.date | None: ...

    @property
    def effective_until(self) -> dt.date | None: ...


def dates_overlap(first: Dated, second: Dated) -> bool:
    """Whether some day is in both items' dates (both ends inclusive; no date means open-ended)."""
    start = max((d for d in (first.effective_from, second.effective_from) if d), default=None)
    end = min((d for d in (first.effective_until, second.effective_until) if d), default=None)
    return start is None or end is None or start <= end


def shared_days(first: Dated, second: Dated) -> str:
    """The days both are in force, in words: "from 2026-07-07 on", "from 2026-07-07 to 2026-12-31"."""
    start = max((d for d in (first.effective_from, second.effective_from) if d), default=None)
    end = min((d for d in (first.effective_until, second.effective_until) if d), default=None)
    if start and end:
        return _("from {start} to {end}").format(start=start, end=end)
    if start:
        return _("from {start} on").format(start=start)
    return _("from the start to {end}").format(end=end) if end else _("from the start on")


def overlap_fix(first: str, earlier: Dated, second: str, later: Dated) -> str:
    """The usual fix: close the item that starts first on the day before the other one starts."""
    if later.effective_from is not None and (
            earlier.effective_from is None or earlier.effective_from < later.effective_from):
        return _("close {name} with `effective_until: {date}`").format(
            name=first, date=(later.effective_from - ONE_DAY).isoformat())
    if earlier.effective_from is not None and (
            later.effective_from is None or later.effective_from < earlier.effective_from):
        return _("close {name} with `effective_until: {date}`").format(
            name=second, date=(earlier.effective_from - ONE_DAY).isoformat())
    return _("give {first} an `effective_until` and {second} an `effective_from` the day after").format(
        first=first, second=second)


def gap(old: Dated, new: Dated) -> tuple[dt.date, dt.date] | None:
    """The days between `old`'s end and `new`'s start when neither is in force, or None."""
    if old.effective_until is None or new.effective_from is None:
        return None
    first, last = old.effective_until + ONE_DAY, new.effective_from - ONE_DAY
    return (first, last) if first <= last else None


def gap_message(old_name: str, old_at: object, old: Dated, new_name: str, new_at: object, new: Dated,
                days: tuple[dt.date, dt.date], consequence: str) -> str:
    """Both ends, the missing days and the fix: start the new one the day after the old one ends."""
    first, last = days
    missing = (_("on {date}").format(date=first) if first == last
               else _("from {start} to {end}").format(start=first, end=last))
    return _("{old} ({old_at}) ends on {end} and {new} ({new_at}) starts on {start}: neither is in force "
             "{missing}{consequence}: start {new} with `effective_from: {date}` (the day after the other ends)"
             ).format(old=old_name, old_at=old_at, end=old.effective_until, new=new_name, new_at=new_at,
                      start=new.effective_from, missing=missing, consequence=consequence, date=first.isoformat())


def by_start(items: Sequence[Dated]) -> list[int]:
    """Indexes of `items` from the earliest start (no start first)."""
    return sorted(range(len(items)), key=lambda i: items[i].effective_from or dt.date.min)


def version_gaps(items: Sequence[Dated]) -> list[tuple[int, int, tuple[dt.date, dt.date]]]:
    """(earlier, later, missing days) for each pair of consecutive versions with days between them."""
    order = by_start(items)
    found = []
    for old, new in itertools.pairwise(order):
        days = gap(items[old], items[new])
        if days is not None:
            found.append((old, new, days))
    return found


_NUMBERS = re.compile(r"\d+(?:\.\d+)?")
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
_SPACE = re.compile(r"\s+")


def shape(text: str | None) -> str | None:
    """An expression or text with its numbers and quoted texts blanked: `age <= #`, `ee_funds_#(family_size)`.

    Two items of one shape say the same thing with other values: the later one is a new version.
    """
    if text is None:
        return None
    return _SPACE.sub(" ", _NUMBERS.sub("#", _QUOTED.sub("'…'", text))).strip().lower()


@dataclass(frozen=True)
class Replacement:
    """`new` reads like a later version of `old` and the two overlap (`days` is None) or leave `days` out."""

    old: int
    new: int
    days: tuple[dt.date, dt.date] | None


def replacements(items: Sequence[Dated], keys: Sequence[str | None]) -> list[Replacement]:
    """Pairs of items with the same key (a shape), the later one dated to start after the earlier,
    that overlap or leave a gap. Items whose key is None are never paired."""
    found = []
    order = by_start(items)
    for position, old in enumerate(order):
        for new in order[position + 1:]:
            start, previous = items[new].effective_from, items[old].effective_from
            if start is None or (previous is not None and previous >= start):
                continue
            same = keys[old]
            if same is None or same != keys[new]:
                continue
            if dates_overlap(items[old], items[new]):
                found.append(Replacement(old, new, None))
            elif (days := gap(items[old], items[new])) is not None and not any(
                    keys[other] == same and dates_overlap(items[other], _Day(days[0]))
                    for other in range(len(items))):
                found.append(Replacement(old, new, days))
            break  # only the next version of the same shape
    return found


@dataclass(frozen=True)
class _Day:
    """One day as a dated item, to ask whether anything is in force on it."""

    day: dt.date

    @property
    def effective_from(self) -> dt.date | None:
        return self.day

    @property
    def effective_until(self) -> dt.date | None:
        return self.day

