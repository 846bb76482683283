"""Reading answers the way people and spreadsheets write them.

`"Yes"`, `" 7 "`, `"$15,263"` and `"Common law"` are all fine; what cannot be read gets one clear
sentence naming the field, never the person's other answers. An empty answer is *unknown*, not no.
The batch path (`screener.columnar`) implements the same rules on whole columns; a property test
keeps the two in step.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

from screener.errors import ScreenerError
from screener.model import Question
from screener.suggest import did_you_mean

TRUE_WORDS = frozenset({"yes", "y", "true", "1"})
FALSE_WORDS = frozenset({"no", "n", "false", "0"})
MONEY = re.compile(r"^\$?\s*([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(\.[0-9]+)?$")  # ASCII digits only
INTEGER = re.compile(r"^[+-]?[0-9]+$")
DECIMAL = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")  # 6.5, 7, -1.25; never nan, inf or 1e3


class AnswerError(ScreenerError):
    """Some answers could not be read; `problems` maps field id -> one-line reason."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        count = len(self.problems)
        super().__init__(
            f"{count} answer{'s' if count != 1 else ''} could not be read",
            details=[f"{field}: {reason}" for field, reason in self.problems.items()],
        )


def normalize_choice(text: str) -> str:
    """How choice values are compared: case, surrounding space, and space/hyphen vs underscore."""
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def coerce(question: Question, raw: Any) -> Any:
    """The typed value of one non-blank answer; raises ValueError with a reason a person understands."""
    if question.type == "yes_no":
        return _yes_no(raw)
    if question.type == "int":
        return _in_range(question, _integer(raw))
    if question.type == "number":
        return _in_range(question, _decimal(raw))
    if question.type == "money":
        return _in_range(question, _money(raw))
    if question.type == "choice":
        return _choice(question, raw)
    return _date(raw)


def _yes_no(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"'{_clip(raw)}' is not yes or no")


def _integer(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError("expected a whole number, not yes/no")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    text = str(raw).strip()
    if INTEGER.match(text):
        return int(text)
    raise ValueError(f"'{_clip(raw)}' is not a whole number")


def _decimal(raw: Any) -> int | float:
    """A number that may have a decimal point (a test score such as IELTS 6.5); whole ones stay int."""
    if isinstance(raw, bool):
        raise ValueError("expected a number, not yes/no")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValueError("expected a number")
        number = raw
    else:
        text = str(raw).strip()
        if not DECIMAL.match(text):
            raise ValueError(f"'{_clip(raw)}' is not a number (like 6.5)")
        number = float(text)
    return int(number) if number.is_integer() else number


def _money(raw: Any) -> int | float:
    if isinstance(raw, bool):
        raise ValueError("expected an amount of money, not yes/no")
    if isinstance(raw, int | float):
        number: float = float(raw)
    else:
        match = MONEY.match(str(raw).strip())
        if match is None:
            raise ValueError(f"'{_clip(raw)}' is not an amount in dollars (like 15263 or $15,263)")
        number = float(match.group(1).replace(",", "") + (match.group(2) or ""))
    return int(number) if number.is_integer() else number


def _in_range(question: Question, value: int | float) -> int | float:
    low, high = question.min, question.max
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            bounds = f"between {_number(low)} and {_number(high)}"
        else:
            bounds = f"at least {_number(low)}" if low is not None else f"at most {_number(high)}"
        raise ValueError(f"must be {bounds} (got {_number(value)})")
    return value


def _choice(question: Question, raw: Any) -> str:
    values = question.choice_values
    if isinstance(raw, bool):
        raw = "yes" if raw else "no"
    wanted = normalize_choice(str(raw))
    for value in values:
        if normalize_choice(value) == wanted:
            return value
    hint = did_you_mean(wanted, values)
    raise ValueError(f"'{_clip(raw)}' is not one of {', '.join(values)}{hint}")


def _date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ValueError(f"'{_clip(raw)}' is not a date (YYYY-MM-DD)") from None


def _number(value: float | int | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _clip(raw: Any, width: int = 40) -> str:
    text = str(raw)
    return text if len(text) <= width else text[: width - 1] + "…"


def read_answers(
    questions: Mapping[str, Question], raw: Mapping[str, Any], *, allow_unknown_fields: bool = False
) -> dict[str, Any]:
    """Coerce every answer; raise AnswerError listing every problem. Blank answers are left out."""
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for field, answer in raw.items():
        question = questions.get(field)
        if question is None:
            if not allow_unknown_fields:
                problems[field] = "not a question of this rulebook" + did_you_mean(field, questions)
            continue
        if is_blank(answer):
            continue
        try:
            values[field] = coerce(question, answer)
        except ValueError as exc:
            problems[field] = str(exc)
    if problems:
        raise AnswerError(problems)
    return values
