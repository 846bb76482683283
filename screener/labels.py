"""Choice answers as people and forms write them: the value, the label the interview shows, or a known
spelling of it. One lookup for every path (interview replies, answer files, batch cells), so that
screener never rejects a label its own interview offers.

A reply matches a choice when, compared as `label_key` (case, accents, punctuation and spacing
ignored), it is the choice's value, its label, its label without the parenthesis or the part after
a comma ("Single" for "Single (never married, ...)"), one of its `aliases` in the rulebook
("Colombie-Britannique"), or else the first words of exactly one label ("Single (never married)").
Apostrophes are dropped ("masters" for "Master's"), and a label may also be typed without an English
possessive `'s` ("master") or with a French elision as a word of its own ("d etudes"), unless that
spelling already names another choice. Failing all that, a last word of three letters or more may be
the start of the label's word ("maît" for "Maîtrise"), again only when it fits exactly one choice.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from screener.model import Question

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_POSSESSIVE = re.compile(r"['’]s\b", re.IGNORECASE)
_APOSTROPHE = re.compile(r"['’]")


def label_key(text: str) -> str:
    """How labels are compared: `Québec`, `QUEBEC ` and `quebec` are one; `common-law` is `common law`."""
    folded = unicodedata.normalize("NFKD", str(text).replace("’", "'").replace("'", ""))
    plain = "".join(char for char in folded if not unicodedata.combining(char)).lower()
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def _heads(label: str) -> list[str]:
    """A label and its shorter forms: before a parenthesis, before a comma."""
    forms = [label]
    for mark in ("(", ",", " - ", " – "):
        head = label.split(mark, 1)[0]
        if head.strip() and head != label:
            forms.append(head)
    return forms


def _variants(form: str) -> set[str]:
    """`label_key`s of a spelling without its English possessive and with French elisions split off."""
    return {label_key(_POSSESSIVE.sub("", form)), label_key(_APOSTROPHE.sub(" ", form))} - {""}


@dataclass(frozen=True)
class Lookup:
    """A question's choices by the words that name them (labels and aliases in every language)."""

    exact: dict[str, tuple[str, ...]]  # key -> the values it names (two or more: ambiguous)
    labels: tuple[tuple[str, tuple[str, ...]], ...]  # (value, label words), for first-words matches


_CACHE: dict[int, tuple[Question, Lookup]] = {}


def lookup(question: Question) -> Lookup:
    """The question's spellings, built once per question."""
    cached = _CACHE.get(id(question))
    if cached is not None and cached[0] is question:
        return cached[1]
    exact: dict[str, tuple[str, ...]] = {}
    variants: dict[str, tuple[str, ...]] = {}
    labels: list[tuple[str, tuple[str, ...]]] = []
    for choice in question.choices or []:
        forms = [choice.value, *(_heads(choice.label) if choice.label else []),
                 *(form for alias in choice.aliases for form in _heads(alias))]  # aliases hold other languages' labels
        for key in sorted({label_key(form) for form in forms} - {""}):
            exact[key] = (*exact.get(key, ()), choice.value)
        for key in sorted(set().union(*(_variants(form) for form in forms))):
            variants[key] = (*variants.get(key, ()), choice.value)
        if choice.label:
            labels += [(choice.value, tuple(key.split()))
                       for key in sorted({label_key(choice.label), *_variants(choice.label)})]
    for key, values in variants.items():  # never one that names another choice as written
        exact.setdefault(key, tuple(dict.fromkeys(values)))
    found = Lookup(exact, tuple(labels))
    _CACHE[id(question)] = (question, found)
    return found


def matching_choices(question: Question, text: str, *, prefixes: bool = True) -> list[str]:
    """The choices `text` may mean: one when it is clear, several when it is ambiguous, none otherwise.
    `prefixes=False` leaves out word starts (the interview, where "back" is a command, not "Background")."""
    key = label_key(text)
    if not key:
        return []
    table = lookup(question)
    if key in table.exact:
        return list(table.exact[key])
    words = tuple(key.split())
    found = dict.fromkeys(value for value, label in table.labels if label[:len(words)] == words)
    if not found and prefixes and len(words[-1]) >= 3 and words[-1].isalpha():
        found = dict.fromkeys(value for value, label in table.labels if len(label) >= len(words)
                              and label[:len(words) - 1] == words[:-1] and label[len(words) - 1].startswith(words[-1]))
    return list(found)


def choice_value(question: Question, text: str) -> str | None:
    """The one choice `text` means, or None."""
    found = matching_choices(question, text)
    return found[0] if len(found) == 1 else None


def choice_spellings(question: Question) -> list[str]:
    """Each choice's value, label (and its shorter forms) and aliases as written: the spellings a form
    most likely holds verbatim (batch reads these column-wise; anything else goes through `coerce`)."""
    found: list[str] = []
    for choice in question.choices or []:
        found += [choice.value, *(_heads(choice.label) if choice.label else []), *choice.aliases]
    return [form.strip() for form in found if form.strip()]


SHORT_LABEL = 60  # characters: a label longer than this is cut to its first words that name only its choice


def short_label(question: Question, value: str) -> str:
    """How an error cell names a choice: the shortest form of its label that is still read as that choice
    ("Single" for "Single (never married, ...)"), else its first words that are ("Yes, a parent born…"); the
    value itself when it has no label. Every form returned, typed into a cell, is read back as `value`."""
    choice = next((choice for choice in question.choices or [] if choice.value == value), None)
    if choice is None or not choice.label:
        return value
    forms = sorted((form.strip() for form in _heads(choice.label)), key=len)
    best = next((form for form in forms if form and matching_choices(question, form) == [value]), choice.label)
    if len(best) <= SHORT_LABEL:
        return best
    words = best.split()
    for count in range(2, len(words)):
        head = " ".join(words[:count]).rstrip(",;:")
        if len(head) >= SHORT_LABEL // 2 and matching_choices(question, head, prefixes=False) == [value]:
            return head + "…"
    return best
