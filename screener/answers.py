"""Reading answers the way people and spreadsheets write them.

`"Yes"`, `" 7 "`, `"30.0"`, `"$15,263"` and `"Common law"` are all fine; what cannot be read gets one
clear sentence naming the field and what is expected. Answers are personal data, so a reason never
repeats the value given (see "Personal data" in docs/architecture.md). An empty answer is *unknown*,
not no. The batch path (`screener.columnar`) implements the same rules on whole columns; a property
test keeps the two in step.

One rule for numbers, whoever wrote them (answer file, interview, CSV cell): ASCII digits, an
optional sign, for a whole number an optional zero fraction (`30.0` is 30, `30.5` is not whole), at
most `MAX_DIGITS` digits; NaN and infinities are never numbers.

English and French (Canadian) spellings are both read, whatever language the person chose, so a file
means the same in every language: `oui`/`non`; a test score `6,5`; money `15 263 $`, `15 263,50 $` (the
spaces may be ordinary, no-break or narrow no-break spaces) as well as `$15,263.50`. A comma followed by
exactly three digits groups thousands (`$15,263`); otherwise, in a number or an amount, it is the
decimal comma (`6,5`, `15,50 $`). An amount has at most two decimals, its cents: `40.000` or `15.263` (a dot
grouping thousands, as much of Europe and Latin America writes forty thousand) is refused, never read as
$40 or $15.263 (`AMBIGUOUS_MONEY`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, NoReturn

from screener.errors import ScreenerError
from screener.i18n import _, format_number
from screener.labels import choice_value, label_key, short_label
from screener.model import Question
from screener.suggest import closest, did_you_mean

TRUE_WORDS = frozenset({"yes", "y", "true", "1", "oui", "o", "vrai"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", "non", "faux"})
MONEY = re.compile(r"^\$?\s*([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(\.[0-9]{1,2})?$")  # ASCII digits only; cents
# An amount with a dot followed by three digits or more (`40.000`, `15.263`, `1.000.000`, `15.263,00`): thousands
# grouped with dots, or more decimals than cents; either way not an amount of Canadian dollars to guess at.
AMBIGUOUS_MONEY = re.compile(r"^\$?\s*[0-9][0-9,.\s]*\.[0-9]{3}[0-9,.\s]*\$?$")
# French: 15 263 $, 15 263,50 $ (space, no-break space U+00A0, narrow no-break U+202F, thin space U+2009)
# (the sign after the amount, as French writes it; `$1,23` stays an English typo, refused)
MONEY_FR = re.compile(r"^([0-9]{1,3}(?:[ \u00a0\u202f\u2009][0-9]{3})+|[0-9]+)(,[0-9]{1,2})?\s*\$?$")
# Canadian dollars said in words: `CAD 40000`, `40,000 CAD`, `C$40,000`, `40 000 $ CA` (any other currency is refused)
CAD_BEFORE = re.compile(r"^(?:cad\s*\$?|can\s*\$|ca\s*\$|c\s*\$)\s*", re.IGNORECASE)
CAD_AFTER = re.compile(r"\s*(?:cad|can|\$\s*cad?|\$\s*can|ca\s*\$)$", re.IGNORECASE)
# A number of years said with its unit (`34 years`, `34 years old`, `5 yrs`, `34 ans`), read only for a
# question that counts years (`age`, an id with `years` and no `month`), so `2 years` is never 2 months.
YEARS_UNIT = re.compile(r"^(.*?[0-9])\s*(?:years?|yrs?|ans?|années?)(?:\s+old)?$", re.IGNORECASE)
YEARS_FIELD = re.compile(r"(?:^|_)(?:age|years)(?:_|$)")
INTEGER = re.compile(r"^([+-]?)([0-9]+)(?:\.0+)?$")  # a zero fraction is still a whole number
DECIMAL = re.compile(r"^[+-]?([0-9]+)([.,][0-9]+)?$")  # 6.5, 6,5, 7, -1.25; never nan, inf or 1e3
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# Numbers stay below 10**15 in size: every whole number there is exact as a 64-bit float, so the batch
# path (polars Float64) and the one-person path (Python int) hold the same value, and no arithmetic in a
# rule can overflow. No income, fund or count a person could state comes near it.
MAX_DIGITS = 15
LIMIT = 10**MAX_DIGITS
NAME_WIDTH = 40
CHOICES_WIDTH = 360  # the longest choice list an error cell shows with its ids (every rulebook list fits today)
# What a worried person or a paralegal writes for "I don't know", in either language, at the interview's
# prompt or in a cell: the question's own "I am not sure" choice where it has one (UNSURE_CHOICES), else
# unknown (canada-rules.md §13.16, §13.20: unknown is never no). One list for every reader.
UNSURE_WORDS = frozenset({"don't know", "dont know", "do not know", "i don't know", "i dont know", "i do not know",
                          "idk", "dunno", "not sure", "unsure", "i'm not sure", "im not sure", "i am not sure",
                          "no idea", "unknown", "n/a", "n.a.", "je ne sais pas", "je sais pas", "sais pas", "jsp",
                          "pas sûr", "pas sur", "pas sûre", "pas sure", "je ne suis pas sûr", "je ne suis pas sûre",
                          "aucune idée", "inconnu", "inconnue", "s.o.", "s/o"})
UNSURE_CHOICES = ("unsure", "not_sure")  # the contract's "I am not sure" choices (the goal's is not_sure)


class AnswerError(ScreenerError):
    """Some answers could not be read; `problems` maps field id -> one-line reason (never the value).

    `lines` are the problems as `field: reason`. One problem is the whole message (one line on the
    terminal); several are listed as detail lines under a count. `cells` are the same problems as a
    batch error cell says them (`cell_problem`: the intake's words), one per field.
    """

    def __init__(self, problems: Mapping[str, str], cells: Mapping[str, str] | None = None) -> None:
        self.problems = dict(problems)
        self.lines = [f"{field_name(field)}: {reason}" for field, reason in self.problems.items()]
        self.cells = [(cells or {}).get(field, line) for field, line in zip(self.problems, self.lines, strict=True)]
        count = len(self.lines)
        if count == 1:
            super().__init__(self.lines[0])
        else:
            super().__init__(_("{count} answers could not be read").format(count=count), details=self.lines)


def field_name(name: str) -> str:
    """A field id as it may be shown: printable and short, since a hostile file chooses its keys."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(name))
    return text if len(text) <= NAME_WIDTH else text[: NAME_WIDTH - 1] + "…"


class NotAChoice(ValueError):
    """A choice answer that names none of the choices. Its message lists the values (the words of answer files
    and programs); `in_words` lists the labels (the words of the intake a paralegal fills in)."""

    def __init__(self, question: Question, near: str | None) -> None:
        self.question, self.near = question, near
        hint = _(" (did you mean '{name}'?)").format(name=near) if near is not None else ""
        super().__init__(_("expected one of {values}").format(values=", ".join(question.choice_values)) + hint)

    def in_words(self) -> str:
        """What is expected as the labels in the rulebook's language, shortened (`short_label`), each with its
        id where the label is not already read as that id (`"Alberta" (AB)`), so a program's author sees the
        ids too; a list too long for a cell with them (over CHOICES_WIDTH) shows the labels only."""
        words = {value: short_label(self.question, value) for value in self.question.choice_values}
        if all(label == value for value, label in words.items()):  # no labels: the values are the words
            return str(self)
        hint = "" if self.near is None else _(" (did you mean \"{label}\"?)").format(
            label=short_label(self.question, self.near))
        with_ids = ", ".join(_("\"{label}\"").format(label=label) if normalize_choice(label) == value
                             else _("\"{label}\" ({id})").format(label=label, id=value)
                             for value, label in words.items())
        labels = with_ids if len(with_ids) <= CHOICES_WIDTH else ", ".join(
            _("\"{label}\"").format(label=label) for label in words.values())
        return _("expected one of {labels}").format(labels=labels) + hint


def cell_problem(question: Question, error: ValueError) -> str:
    """One answer problem as a batch error cell says it: the field by its label, with its id (what a form's
    column or a map names), and what is expected in the intake's words; never the value given."""
    reason = error.in_words() if isinstance(error, NotAChoice) else str(error)
    if not question.label:
        return f"{question.id}: {reason}"
    return _("{label} ({id}): {reason}").format(label=question.label, id=question.id, reason=reason)


class Unsure(ValueError):
    """The answer says "I don't know" and the question has no "not sure" choice: it is unknown, like a blank
    (readers of whole answers, `read_answers` and batch, leave it out; a prompt takes it as a skip)."""

    def __init__(self) -> None:
        super().__init__(_("not sure: left unanswered (unknown, never no)"))


def says_unsure(raw: Any) -> bool:
    """A reply or a cell that says "I don't know": one of UNSURE_WORDS (any case, any apostrophe, a final
    `.` or `!` left out), or question marks only (a cell's `?`; at the prompt `?` asks for help first)."""
    if not isinstance(raw, str):
        return False
    text = " ".join(raw.strip().lower().replace("\u2019", "'").split()).rstrip(".!")
    return text in UNSURE_WORDS or (text + ".") in UNSURE_WORDS or (text != "" and set(text) == {"?"})


def normalize_choice(text: str) -> str:
    """How choice values are compared: case, surrounding space, and space/hyphen vs underscore."""
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def coerce(question: Question, raw: Any) -> Any:
    """The typed value of one non-blank answer; raises ValueError saying what is expected (never the value),
    `Unsure` when it says "I don't know" and the question has no choice for that (then it is unknown)."""
    try:
        return _typed(question, raw)
    except ValueError:
        if says_unsure(raw):
            raise Unsure() from None
        raise


def _typed(question: Question, raw: Any) -> Any:
    if question.type == "yes_no":
        return _yes_no(raw)
    if question.type == "int":
        if isinstance(raw, str) and YEARS_FIELD.search(question.id) and "month" not in question.id:
            raw = YEARS_UNIT.sub(r"\1", raw.strip())
        return _in_range(question, _integer(raw, _whole_example(question)))
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
    raise ValueError(_("expected yes or no"))


def _whole_example(question: Question) -> int:
    """A whole number the question accepts, for its error message: 30 (an age), else the middle of its range
    (a TEER of 0 to 5 is never shown "like 30")."""
    low, high = question.min, question.max
    if (low is None or low <= 30) and (high is None or high >= 30):
        return 30
    if low is not None and high is not None:
        return math.ceil(low) + (math.floor(high) - math.ceil(low)) // 2
    return math.ceil(low) if low is not None else math.floor(high or 0)


def _integer(raw: Any, example: int = 30) -> int:
    if isinstance(raw, bool):
        raise ValueError(_("expected a whole number, not yes/no"))
    if isinstance(raw, int):
        return _sized(raw)
    if isinstance(raw, float):
        if math.isfinite(raw) and raw.is_integer():
            return _sized(int(raw))
        raise ValueError(_("expected a whole number, like {example}").format(example=example))
    match = INTEGER.match(str(raw).strip())
    if match is None:
        raise ValueError(_("expected a whole number, like {example}").format(example=example))
    sign, digits = match.groups()
    digits = digits.lstrip("0") or "0"
    if len(digits) > MAX_DIGITS:  # before int(): Python refuses to convert very long digit strings
        _too_long()
    return int(sign + digits)


def _decimal(raw: Any) -> int | float:
    """A number that may have a decimal point (a test score such as IELTS 6.5); whole ones stay int."""
    if isinstance(raw, bool):
        raise ValueError(_("expected a number, not yes/no"))
    if isinstance(raw, int):
        return _sized(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValueError(_("expected a number, like 6.5"))
        number = raw
    else:
        text = str(raw).strip()
        match = DECIMAL.match(text)
        if match is None:
            raise ValueError(_("expected a number, like 6.5"))
        if len(match.group(1).lstrip("0")) > MAX_DIGITS:  # before float(): a long enough string is infinity
            _too_long()
        number = float(text.replace(",", "."))
    if abs(number) >= LIMIT:
        _too_long()
    return int(number) if number.is_integer() else number


def _money(raw: Any) -> int | float:
    if isinstance(raw, bool):
        raise ValueError(_("expected an amount of money, not yes/no"))
    if isinstance(raw, int):
        number: float = float(_sized(raw))
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValueError(_("expected an amount in dollars, like 15263 or $15,263"))
        number = round(raw, 2)  # to the cent, as an amount written is (0.1 + 0.2 is $0.30; saved, it reads back)
    else:
        text = CAD_AFTER.sub("", CAD_BEFORE.sub("", str(raw).strip()))
        match = MONEY.match(text) or MONEY_FR.match(text)
        if match is None and AMBIGUOUS_MONEY.match(text):
            raise ValueError(_("expected an amount in Canadian dollars, with ',' for thousands and at most two "
                               "decimals for cents, like $15,263 or $15,263.50"))
        if match is None:
            raise ValueError(_("expected an amount in dollars, like 15263 or $15,263"))
        whole = re.sub(r"[^0-9]", "", match.group(1))
        if len(whole.lstrip("0")) > MAX_DIGITS:  # before float(): a long enough string is infinity
            _too_long()
        number = float(whole + (match.group(2) or "").replace(",", "."))
    if abs(number) >= LIMIT:  # 999999999999999.9999 rounds up to 10**15
        _too_long()
    return int(number) if number.is_integer() else number


def _sized(value: int) -> int:
    return value if -LIMIT < value < LIMIT else _too_long()


def _too_long() -> NoReturn:
    raise ValueError(_("expected a number of at most {count} digits").format(count=MAX_DIGITS))


def _in_range(question: Question, value: int | float) -> int | float:
    low, high = question.min, question.max
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            message = _("must be between {low} and {high}")
        else:
            message = _("must be at least {low}") if low is not None else _("must be at most {high}")
        raise ValueError(message.format(low=_number(low), high=_number(high)))
    step = question.step
    if step is not None and not _multiple(value, step):
        if step == 1:
            raise ValueError(_("must be a whole number"))
        raise ValueError(_("must be a multiple of {step}").format(step=_number(step)))
    grid = answer_step(question) if isinstance(value, float) else None
    if grid is not None and _multiple(value, grid):  # a hair off (a computed
        return _on_step(value, grid)  # 6.499999999999999) is the step's value, which conversion tables hold
    return value


def answer_step(question: Question) -> float | None:
    """The step a question's answers are multiples of wherever they come from: its own, else the one each of
    its scales' steps is a multiple of (IELTS's 0.5 beside CELPIP's and PTE's 1), since a file or a cell is
    read before the scale is known; None when there is none."""
    if question.step is not None:
        return question.step
    steps = [scale.step for scale in question.scales]
    if not steps or any(step is None for step in steps):
        return None
    finest = min(step for step in steps if step is not None)
    if all(_multiple(step, finest) for step in steps if step is not None):
        return finest
    return None


def _multiple(value: float, step: float) -> bool:
    """Whether `value` is a whole number of `step`s, to within float noise (a billionth of a step)."""
    return abs(value / step - round(value / step)) <= 1e-9


def _on_step(value: float, step: float) -> int | float:
    """round(value / step) * step, rounded to the step's decimals (3 * 0.1 is 0.3, 13 * 0.5 is exactly 6.5);
    whole ones as int, as `_decimal` gives them."""
    exponent = Decimal(repr(float(step))).as_tuple().exponent
    snapped = round(round(value / step) * step, max(0, -exponent) if isinstance(exponent, int) else 0)
    return int(snapped) if snapped.is_integer() else snapped


def _choice(question: Question, raw: Any) -> str:
    """A choice value; the did-you-mean hint names only an allowed value, never what was given."""
    values = question.choice_values
    if isinstance(raw, bool):
        raw = "yes" if raw else "no"
    wanted = normalize_choice(str(raw))
    for value in values:
        if normalize_choice(value) == wanted:
            return value
    labelled = choice_value(question, str(raw))  # the interview's label, or a known spelling of it
    if labelled is not None:
        return labelled
    unsure = [value for value in UNSURE_CHOICES if value in values]
    if unsure and says_unsure(raw):
        return unsure[0]
    near = closest(wanted, values)
    if near is None:  # a misspelt label: the choice it is closest to
        labels = {label_key(short_label(question, value)): value for value in values}
        found = closest(label_key(str(raw)), labels)
        near = None if found is None else labels[found]
    raise NotAChoice(question, near)


def _date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip()
    try:
        if DATE.match(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass  # shaped like a date but not one (2020-13-45)
    raise ValueError(_("expected a real date as YYYY-MM-DD, like 2024-01-31"))


def _number(value: float | int | None) -> str:
    if value is None:
        return ""
    return format_number(value, grouping=False)


def read_answers(
    questions: Mapping[str, Question], raw: Mapping[str, Any], *, allow_unknown_fields: bool = False
) -> dict[str, Any]:
    """Coerce every answer; raise AnswerError listing every problem. Blank and "I don't know" answers are left
    out (unknown)."""
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    cells: dict[str, str] = {}
    for field, answer in raw.items():
        question = questions.get(field)
        if question is None:
            if not allow_unknown_fields:
                problems[field] = _("not a question of this rulebook") + did_you_mean(str(field), questions)
            continue
        if is_blank(answer):
            continue
        try:
            values[field] = coerce(question, answer)
        except Unsure:
            continue  # "I don't know": unknown, like a blank
        except ValueError as exc:
            problems[field] = str(exc)
            cells[field] = cell_problem(question, exc)
    if problems:  # in the rulebook's question order, as the batch's columns list them; unknown fields last
        rank = {field: index for index, field in enumerate(questions)}
        problems = dict(sorted(problems.items(), key=lambda item: rank.get(item[0], len(rank))))
        raise AnswerError(problems, cells)
    return values
