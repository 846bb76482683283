"""Numbers a text states, against the numbers its rule compares with, on every date the rule changes.

A threshold written in words ("At least 67 points", `needed: "≥ 67"`, a score titled "pass mark 67")
goes stale when the expression behind it changes: undated (`fsw_points >= 70`) or from a date (a derived
value's `versions:`, the documented way). The loader's warnings read the rule as it stands on each day a
version it reads (directly or through other derived values) starts or ends, so "67" beside a version in
force from 2027-02-01 that compares with 70 is found as surely as an undated edit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from screener import expressions as ex
from screener.compiled import PLACEHOLDER, Compiled, DerivedRule, Rules, in_force
from screener.i18n import _
from screener.model import DerivedVersion

Day = dt.date | None  # None: the undated versions (before any dated one starts)

_TEXT_NUMBER = re.compile(r"(?<![\w.$,])\d[\d,]*(?:\.\d+)?(?![\w$])")  # not the tail of `$15,263`
AMOUNT = re.compile(r"(?<![\w.$,])\$?\d[\d,]*(?:\.\d+)?(?![\w$])")  # amounts too: `needed` may say $15,263
_ORDERING = ("<", "<=", ">", ">=")
_NUMBER = r"(\d[\d,]*(?:\.\d+)?)(?![\w$])"
_LIMIT = re.compile(  # a number stated as a limit: "at least 67", "pass mark 67", "35 or younger"
    r"(?:\b(?:at (?:least|most)|minimum(?: of)?|maximum(?: of)?|pass mark(?: of)?|(?:no )?(?:more|less|fewer) than"
    r"|up to)\s+(?:(?:CLB|NCLC|CLB/NCLC)\s+)?|[≥≤]\s*|[<>]=?\s*)" + _NUMBER
    + r"|(?<![\w.$,])" + _NUMBER + r"\s*(?:or (?:more|higher|over|above|older|less|lower|under|below|younger|fewer)\b)",
    re.IGNORECASE)
_LIMIT_FR = re.compile(  # the same in French: "au moins 67", "note de passage de 67", "35 ans ou moins"
    r"(?:\b(?:au (?:moins|plus)|minimum(?: de)?|maximum(?: de)?|note de passage(?: de)?|(?:pas )?(?:plus|moins) de"
    r"|jusqu'à|jusqu’à)\s+(?:(?:CLB|NCLC|CLB/NCLC)\s+)?|[≥≤]\s*|[<>]=?\s*)" + _NUMBER
    + r"|(?<![\w.$,])" + _NUMBER + r"\s*(?:\w+\s+)?(?:ou (?:plus|moins|davantage)\b)",
    re.IGNORECASE)
_FRENCH_GROUP = re.compile(r"(?<=\d)[ \u00a0\u202f](?=\d{3}(?!\d))")  # 15 000, 2 500 $
_FRENCH_DECIMAL = re.compile(r"(?<=\d),(?=\d)")  # 6,5


def english_digits(text: str, lang: str) -> str:
    """A text's numbers written as English writes them (`15 000` -> `15000`, `6,5` -> `6.5` in French), so the
    same number rules read every language."""
    if lang != "fr":
        return text
    return _FRENCH_DECIMAL.sub(".", _FRENCH_GROUP.sub("", text))


def text_numbers(text: str, pattern: re.Pattern[str] = _TEXT_NUMBER) -> list[float]:
    """Numbers written in a text outside its {placeholders}, leaving out years and section numbers."""
    plain = PLACEHOLDER.sub(" ", text)
    found = []
    for match in pattern.finditer(plain):
        number = float(match.group().lstrip("$").replace(",", ""))
        if not 1900 <= number <= 2100:
            found.append(int(number) if number.is_integer() else number)
    return found


def limit_numbers(text: str, lang: str = "en") -> list[float]:
    """The numbers a text states as limits ("at least 67", "pass mark 67", "18 or older"), not the others
    ("in the last 10 years", "(1,560 hours)"), outside its {placeholders}: what a text checked against
    the comparisons of the values it reads (through other values, or as a title) may be wrong about.
    `lang`: the text's language (English or French; French numbers as `english_digits` reads them)."""
    plain = PLACEHOLDER.sub(" ", english_digits(text, lang))
    found = []
    for match in (_LIMIT_FR if lang == "fr" else _LIMIT).finditer(plain):
        number = float((match.group(1) or match.group(2)).replace(",", ""))
        if not 1900 <= number <= 2100:
            found.append(int(number) if number.is_integer() else number)
    return found


def states(said: Iterable[float], wanted: Iterable[float]) -> bool:
    """Whether a text that says `said` names one of the numbers `wanted`."""
    wanted = list(wanted)
    return any(ex.same_value(number, limit) for number in said for limit in wanted)


def _applies(version: DerivedVersion, day: Day) -> bool:
    """Whether a version is in force on `day`; on None (before any dated version starts), the undated one."""
    return version.effective_from is None if day is None else in_force(version, day)


def version_at(rule: DerivedRule, day: Day) -> Compiled | None:
    """The expression of a derived value in force on `day` (None: no version is)."""
    return next((compiled for version, compiled in rule.versions if version is None or _applies(version, day)),
                None)


def _read(nodes: Iterable[ex.Node], rules: Rules) -> set[str]:
    """The derived values the expressions read, directly or through one another (every version)."""
    found: set[str] = set()
    pending = list(nodes)
    while pending:
        for sub in ex.walk(pending.pop()):
            name = sub.name if isinstance(sub, ex.Name) else None
            if name in rules.derived and name not in found:
                found.add(name)
                pending += [compiled.node for _version, compiled in rules.derived[name].versions]
    return found


def days(nodes: Iterable[ex.Node], rules: Rules) -> list[Day]:
    """One day for each period in which the versions these expressions read stay the same, first to last.

    A day on which a dated value they read has no version in force (before its first, after its last) is
    left out: the value does not exist then, so no text can be wrong about it.
    """
    dated = [rules.derived[name] for name in sorted(_read(nodes, rules))
             if any(version is not None for version, _compiled in rules.derived[name].versions)]
    starts: set[dt.date] = set()
    for rule in dated:
        for version, _compiled in rule.versions:
            if version is not None and version.effective_from is not None:
                starts.add(version.effective_from)
            if version is not None and version.effective_until is not None:
                starts.add(version.effective_until + dt.timedelta(days=1))
    candidates: list[Day] = [None, *sorted(starts)]
    return [day for day in candidates if all(version_at(rule, day) is not None for rule in dated)]


def constant(node: ex.Node, rules: Rules, day: Day) -> float | None:
    """A number written in the rules: a literal, or a derived value whose version on `day` is one (or names
    one: `a: b`, `b: 67`); never loops, as a cycle of derived values is checked only later."""
    seen: set[str] = set()
    while isinstance(node, ex.Name) and node.name in rules.derived and node.name not in seen:
        seen.add(node.name)
        compiled = version_at(rules.derived[node.name], day)
        if compiled is None:
            return None
        node = compiled.node
    if isinstance(node, ex.Literal_) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        return float(node.value) if isinstance(node.value, float) else int(node.value)
    return None


def comparisons(node: ex.Node, rules: Rules, day: Day, *, through: bool = True) -> list[tuple[ex.Node, float]]:
    """(what is compared, the number) for each `<`, `<=`, `>`, `>=` of a condition with a number.

    `and`, `or` and `not` are read through, and (`through`) so is a derived value the condition names as it
    stands on `day` (`fsw_selection_grid` is `fsw_points >= fsw_pass_mark`, whose version that day is 67 or
    70). A value that is a number on `day` is that number either way.
    """
    found: list[tuple[ex.Node, float]] = []
    pending, seen = [node], set()
    while pending:
        current = pending.pop()
        if isinstance(current, ex.Logic):
            pending.extend(reversed(current.operands))
        elif isinstance(current, ex.Not):
            pending.append(current.operand)
        elif (through and isinstance(current, ex.Name) and current.name in rules.derived
              and current.name not in seen):
            seen.add(current.name)
            compiled = version_at(rules.derived[current.name], day)
            if compiled is not None:
                pending.append(compiled.node)
        elif isinstance(current, ex.Compare) and current.op in _ORDERING:
            for side, other in ((current.left, current.right), (current.right, current.left)):
                number = constant(other, rules, day)
                if number is not None and constant(side, rules, day) is None:
                    found.append((side, number))
    return found


def compared_numbers(node: ex.Node, rules: Rules, day: Day, *, through: bool = True) -> list[float]:
    """The numbers a condition compares an answer or value with on `day` (`age <= 35 and age >= 18`: 35, 18)."""
    return [number for _side, number in comparisons(node, rules, day, through=through)]


T = TypeVar("T")


def first_stale(periods: list[Day], stale: Callable[[Day], T | None]) -> tuple[str | None, T] | None:
    """What `stale` finds on the first of `periods` (`days`) where it finds something, and when: None when it
    finds something on every one (the text is wrong whatever the date), else "from 2027-02-01" or "until
    2025-07-06" for that first period."""
    found = [(index, result) for index, day in enumerate(periods) for result in [stale(day)] if result is not None]
    if not found:
        return None
    index, result = found[0]
    if len(found) == len(periods):
        return None, result
    day, following = periods[index], periods[index + 1] if index + 1 < len(periods) else None
    if day is None and following is not None:
        return _("until {date}").format(date=following - dt.timedelta(days=1)), result
    return _("from {date}").format(date=day), result


def stale_text(said: list[float], limits: list[float], node: ex.Node,
               rules: Rules) -> tuple[str | None, tuple[list[float], list[float]]] | None:
    """When a text's numbers are none of those its expression compares with (`first_stale`), with the text's
    numbers checked and the expression's.

    The expression's own comparisons are checked against every number the text says (`said`); when it
    has none, those of the derived values it reads are checked against the numbers the text states as
    limits (`limits`: "at least 67"), since such a text also names numbers of other kinds ("in the last
    10 years").
    """
    def stale(day: Day) -> tuple[list[float], list[float]] | None:
        wanted = compared_numbers(node, rules, day, through=False)
        if wanted:
            return (said, wanted) if said and not states(said, wanted) else None
        wanted = compared_numbers(node, rules, day)
        return (limits, wanted) if wanted and limits and not states(limits, wanted) else None

    return first_stale(days([node], rules), stale)


def numbers_used(node: ex.Node, rules: Rules, tables: Mapping[str, Any], day: Day) -> set[float]:
    """Every number an expression can compare with on `day`: its literals, digits in the names it reads
    (`canadian_work_years_last_3`), and the same for the versions on `day` of the derived values it reads
    and the cells of the tables it looks up."""
    found: set[float] = set()
    pending, seen = [node], set()
    while pending:
        for sub in ex.walk(pending.pop()):
            if isinstance(sub, ex.Literal_) and isinstance(sub.value, int | float) and not isinstance(sub.value, bool):
                found.add(sub.value)
            name = sub.name if isinstance(sub, ex.Name) else sub.function if isinstance(sub, ex.Call) else None
            if name is None or name in seen:
                continue
            seen.add(name)
            found.update(float(part) for part in name.split("_") if part.isdigit())
            if name in rules.derived:
                compiled = version_at(rules.derived[name], day)
                if compiled is not None:
                    pending.append(compiled.node)
            if name in tables:
                table = tables[name]
                cells = [table.default] + [value for row in table.rows for value in (
                    row.at, row.from_, row.to, *(row.in_ or []), *row.cells.values())]
                found.update(value for value in cells
                             if isinstance(value, int | float) and not isinstance(value, bool))
    return found
