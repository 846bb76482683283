"""The language a person reads: chosen once at the command line boundary, used everywhere below it.

`choose_language` is the one rule (`--lang`, then `SCREENER_LANG`, then the locale: `LC_ALL`,
`LC_MESSAGES`, `LANG`; English otherwise). It is pure: the caller hands it the environment, so library
code never reads environment variables. The command line activates the chosen language for the length of a
command (`language(lang)`); a web server does the same per request, because the active language is a
`ContextVar`, not a process-wide setting.

Program strings go through stdlib gettext (`_`, `ngettext`) with the catalog compiled from
`screener/locale/<lang>/LC_MESSAGES/screener.po` (Babel extracts and compiles them; see README). Messages use
named `{placeholders}` filled after translation, so a translator can move them. Strings defined at import
time are marked with `N_` and translated where they are shown.

Numbers, money and dates are written the way each language writes them (`15 263 $`, `6,5` and `1er juin 2026`
in Canadian French; ISO dates stay in machine outputs: JSON, CSV columns, file names, `--as-of`);
reading them is language-independent (`screener.answers` accepts both), so a file means the same whatever
language is chosen.
"""

from __future__ import annotations

import datetime as dt
import gettext
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache, lru_cache
from pathlib import Path

from screener.errors import ScreenerError

LANGUAGES = ("en", "fr")
DEFAULT = "en"
DOMAIN = "screener"
LOCALE_DIR = Path(__file__).parent / "locale"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")  # POSIX order: the first one set decides
NBSP = "\u00a0"  # thousands separator and space before `$` in Canadian French (never a line break there)
NO_BREAK = "\u00a0\u202f\u2007"  # no-break, narrow no-break and figure spaces: never a line break
_BREAKABLE = re.compile(rf"[^\S{NO_BREAK}]+")
# French spacing: an ordinary space before `:` or `»`, or after `«`, becomes a no-break one, and so does one
# before the `$` after an amount (a digit or a `{placeholder}`) and one between the digit groups of that amount
# (`28 878 $`), and between the groups of any number written in groups (`1 560 heures`, not `CNP 2021 72`); a
# `{placeholder}` is matched first and kept as it is (its expression or format is not prose)
_FRENCH_SPACES = re.compile(r"(\{[^{}]*\})|[ \t]+(?=[:»])|(?<=«)[ \t]+|(?<=[\d}])[ \t]+(?=\$)"
                            r"|(?<=\d)[ \t]+(?=\d{3}(?:[ \t\u00a0]\d{3})*[ \t\u00a0]*\$)"
                            r"|(?:(?<=(?<![\d.,])\d)|(?<=(?<![\d.,])\d\d)|(?<=(?<![\d.,])\d{3}))[ \t]+(?=\d{3}(?!\d))")
# Where each change `_FRENCH_SPACES` makes begins (a placeholder it keeps as it is): a text with none of these, most
# of them, is left as it is after one quick scan (the full pattern took 8 ms of a rulebook's load).
_SPACING_NEEDED = re.compile(r"[ \t][:»$]|«[ \t]|\d[ \t]+\d")

_current: ContextVar[str] = ContextVar("screener_language")
_process = [DEFAULT]  # a command's language, for threads it starts (polars, writers): they start with no context


def N_(message: str) -> str:
    """Marks a string for the catalog where it is defined; `_()` translates it where it is shown."""
    return message


def choose_language(option: str | None, environ: Mapping[str, str]) -> str:
    """`--lang`, then `SCREENER_LANG`, then the locale; English when none of them names a known language.

    An unknown `--lang` or `SCREENER_LANG` is a usage error (someone asked for it explicitly); a locale
    in another language (`de_DE.UTF-8`, `C`) quietly means English.
    """
    for name, value in (("--lang", option), ("SCREENER_LANG", environ.get("SCREENER_LANG"))):
        if value is not None and value.strip():
            code = value.strip().lower()
            if code not in LANGUAGES:
                raise ScreenerError(
                    _("{name}: '{value}' is not a language screener speaks (use one of: {choices})").format(
                        name=name, value=value.strip()[:20], choices=", ".join(LANGUAGES)),
                    exit_code=2)
            return code
    for name in LOCALE_VARIABLES:
        value = environ.get(name, "")
        if value:
            code = value.split(".", 1)[0].split("@", 1)[0].split("_", 1)[0].split("-", 1)[0].lower()
            return code if code in LANGUAGES else DEFAULT
    return DEFAULT


def current() -> str:
    """The active language code: this context's, else the command's (in a thread the command started)."""
    return _current.get(_process[0])


def activate(lang: str, *, process: bool = False) -> None:
    """Make `lang` the active language from here on (in this context; with `process`, in new threads too)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    _current.set(lang)
    if process:
        _process[0] = lang


@contextmanager
def command_language(lang: str) -> Iterator[None]:
    """`lang` for the length of a command, in its threads too; then the previous language (tests run many
    commands in one process). Not for a server: requests would see each other's language (use `language`)."""
    previous = _process[0]
    try:
        with language(lang):
            _process[0] = lang
            yield
    finally:
        _process[0] = previous


@contextmanager
def language(lang: str) -> Iterator[None]:
    """`lang` for the length of a `with` block (a command, a web request), then the previous language."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


@lru_cache(maxsize=8192)
def french_spacing(text: str) -> str:
    """`text` with a no-break space (U+00A0) before each `:` and `»` and after each `«` that has an ordinary one,
    so a wrapped line never starts with `:` or `»` nor ends with `«` (Canadian usage, as the Bureau de la
    traduction writes it: a space before the colon, none before `;`, `!` and `?`); an amount keeps its `$` and
    its digit groups on one line (`28 878 $`, `{amount} $`), the same U+00A0 `format_money` writes, and so does any
    number written in groups (`1 560 heures`; `CNP 2021 72` is two numbers and keeps its space). Applied
    where French is read — the program's catalog (`translations`) and the rules' French texts
    (`screener.translations`) — so no translator has to type the no-break space for the screen to be right."""
    if _SPACING_NEEDED.search(text) is None:
        return text
    return _FRENCH_SPACES.sub(lambda match: match.group(1) or NBSP, text)


# Names that keep their capital inside a sentence: places, nationalities and languages (English capitalizes
# them), programs and agreements (IRCC writes them with a capital in both languages). A word with two capitals
# (an acronym: NCLC, CELPIP-General; a compound place: Colombie-Britannique) is a name without being listed.
PROPER_NAMES = {
    "en": ("Canada", "Canadian", "English", "French", "Mexican", "American", "Quebec", "Express Entry", "Alberta",
           "British Columbia", "Manitoba", "New Brunswick", "Newfoundland", "Northwest Territories", "Nova Scotia",
           "Nunavut", "Ontario", "Prince Edward Island", "Saskatchewan", "Yukon", "I", "Federal Skilled",
           "Provincial Nominee", "International Experience Canada"),
    "fr": ("Canada", "Québec", "Alberta", "Manitoba", "Ontario", "Saskatchewan", "Yukon", "Nunavut",
           "Territoires du Nord-Ouest", "États-Unis", "Mexique", "Entrée express", "Expérience internationale Canada",
           "Programme de", "Programme des", "Catégorie de l'expérience canadienne", "Entente sur les tiers pays sûrs",
           "Système de classement global", "Classification nationale des professions", "Arrima"),
}


@cache
def _named(lang: str) -> re.Pattern[str]:
    """`PROPER_NAMES` of `lang` as one pattern, compiled when a text is first put inside a sentence (a screen's,
    a report's: `check --json` and the loader never need it)."""
    return re.compile("(?:" + "|".join(re.escape(name) for name in PROPER_NAMES[lang]) + r")(?![\w-])")


_ELIDED = re.compile(r"[LD]['’]")  # French `L'Entente`, `D'abord`: the article is never part of the name


_UNTRANSLATED: set[str] = set()  # how English rule texts shown in another language begin (`shown_untranslated`)


def shown_untranslated(text: str) -> None:
    """Note that a rule's English `text` stands in for a translation not written yet (a warning when the rules
    load): in another language's output it keeps its case, as an English sentence (`in_sentence`), rather than
    read `Exigé : you are 35 or younger`. Its words before any {placeholder} are what is recognized."""
    head = text.split("{", 1)[0]
    if len(head.strip()) > 1:
        _UNTRANSLATED.add(head)


def in_sentence(text: str) -> str:
    """`text` (a question's label, a choice, a requirement) placed inside a sentence: its first letter in lower
    case (« Reste à préciser : âge, état matrimonial », "then it depends on marital status"), unless it begins
    with a name (`PROPER_NAMES`, an acronym, `Colombie-Britannique`), which keeps its capital, or it is an English
    rule text standing in for a missing translation (`shown_untranslated`)."""
    first = text.split(maxsplit=1)[0] if text.strip() else ""
    if _UNTRANSLATED and current() != "en" and text.startswith(tuple(_UNTRANSLATED)):
        return text
    if _ELIDED.match(text):
        return text[:1].lower() + text[1:]
    if not first[:1].isupper() or sum(char.isupper() for char in first) > 1 or _named(current()).match(text):
        return text
    return text[:1].lower() + text[1:]


_QUOTES_TITLES = frozenset({"fr"})  # the languages whose catalog puts a route's title in quotes


def title_in_sentence(title: str) -> str:
    """A route's title inside a sentence: `in_sentence` in English ("opens study permit", "makes you eligible
    for Federal Skilled Worker Program"); French quotes a title (ouvrirait la voie « Permis d'études »), and a
    quoted title keeps its capital."""
    return title if current() in _QUOTES_TITLES else in_sentence(title)


def after_colon(text: str) -> str:
    """`text` after a colon in a line (`Exigé : {text}`, `{label} : {answer}`): French writes the next word in
    lower case unless it is a name (Bureau de la traduction, Le guide du rédacteur 6.4.3; the notice words
    `Remarque :`, `Note :` are the exception, and their callers do not use this); English may start a full
    sentence there with a capital, and keeps the text as it is."""
    return in_sentence(text) if current() == "fr" else text


class FrenchCatalog(gettext.GNUTranslations):
    """The French catalog, each message given French spacing (`french_spacing`) as it is looked up."""

    def gettext(self, message: str) -> str:
        return french_spacing(super().gettext(message))

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return french_spacing(super().ngettext(msgid1, msgid2, n))

    def pgettext(self, context: str, message: str) -> str:
        return french_spacing(super().pgettext(context, message))

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return french_spacing(super().npgettext(context, msgid1, msgid2, n))


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of `lang` (English is the source language: no catalog)."""
    if lang == DEFAULT:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True,
                               class_=FrenchCatalog if lang == "fr" else None)


def _(message: str) -> str:
    """`message` in the active language."""
    return translations(current()).gettext(message)


def pgettext(context: str, message: str) -> str:
    """`message` in the active language, as meant in `context` (a word alone, e.g. a metavar in `--help`)."""
    return translations(current()).pgettext(context, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form of a message for `count`, in the active language."""
    return translations(current()).ngettext(singular, plural, count)


def is_one(count: float) -> bool:
    """Whether `count` takes the singular in the active language: 1 in English; 0 and 1 (below 2) in French,
    as gettext's French rule (`plural=(n > 1)`) and CLDR have it (« 0 personne », « 1,5 an »)."""
    if current() == "fr":
        return abs(count) < 2
    return count == 1


def one_line(text: str) -> str:
    """A text on one line: each run of breakable whitespace becomes one space, and no-break spaces stay, so
    `15 263 $` and `« mot »` still cannot be split when the line is wrapped (`" ".join(text.split())` would
    turn them into ordinary spaces)."""
    return _BREAKABLE.sub(" ", text).strip(" ")


def format_number(value: float | int, *, decimals: int | None = None, grouping: bool = True) -> str:
    """A number as the active language writes it: `1,234.5` / `1 234,5` (no trailing `.0`)."""
    group = "," if grouping else ""
    if decimals is not None:
        text = f"{value:{group}.{decimals}f}"
    elif float(value).is_integer():
        text = f"{int(value):{group}}"
    else:
        text = f"{value:{group}}"
    if current() == "fr":
        text = text.replace(",", NBSP).replace(".", ",")
    return text


def format_money(value: float | int) -> str:
    """An amount in Canadian dollars: `$15,263` / `15 263 $` (cents only when there are some)."""
    cents = None if float(value).is_integer() else 2
    number = format_number(abs(value), decimals=cents)
    sign = "-" if value < 0 else ""
    if current() == "fr":
        return f"{sign}{number}{NBSP}$"
    return f"{sign}${number}"


MONTHS = (N_("{day} January {year}"), N_("{day} February {year}"), N_("{day} March {year}"),
          N_("{day} April {year}"), N_("{day} May {year}"), N_("{day} June {year}"), N_("{day} July {year}"),
          N_("{day} August {year}"), N_("{day} September {year}"), N_("{day} October {year}"),
          N_("{day} November {year}"), N_("{day} December {year}"))  # whole patterns: the order is the language's


def format_date(value: dt.date) -> str:
    """A date in prose, as the rules write them: `1 June 2026` / `1er juin 2026` (never ISO in a sentence)."""
    day = pgettext("first day of a month", "1") if value.day == 1 else str(value.day)
    return _(MONTHS[value.month - 1]).format(day=day, year=value.year)
