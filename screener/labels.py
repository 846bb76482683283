"""Choice answers as people and forms write them: the value, the label the interview shows, or a known
spelling of it. One lookup for every path (interview replies, answer files, batch cells), so that
screener never rejects a label its own interview offers.

A reply matches a choice when, compared as `label_key` (case, accents, punctuation and spacing
ignored), it is the choice's value, its label, its label without the parenthesis or the part after
a comma ("Single" for "Single (never married, ...)"), one of its `aliases` in the rulebook
("Colombie-Britannique"), or else the first words of exactly one label ("Single (never married)").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from screener.model import Question

_NOT_WORD = re.compile(r"[^0-9a-z]+")


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


@dataclass(frozen=True)
class Lookup:
    exact: dict[str, tuple[str, ...]]  # key -> the values it names (two or more: ambiguous)
    labels: tuple[tuple[str, tuple[str, ...]], ...]  # (value, label words), for first-words matches


_CACHE: dict[int, tuple[Question, Lookup]] = {}


def lookup(question: Question) -> Lookup:
    """The question's spellings, built once per question."""
    cached = _CACHE.get(id(question))
    if cached is not None and cached[0] is question:
        return cached[1]
    exact: dict[str, tuple[str, ...]] = {}
    for choice in question.choices or []:
        forms = [choice.value, *(_heads(choice.label) if choice.label else []),
                 *(form for alias in choice.aliases for form in _heads(alias))]  # aliases hold other languages' labels
        for key in sorted({label_key(form) for form in forms} - {""}):
            exact[key] = (*exact.get(key, ()), choice.value)
    labels = tuple((choice.value, tuple(label_key(choice.label).split()))
                   for choice in question.choices or [] if choice.label)
    found = Lookup(exact, labels)
    _CACHE[id(question)] = (question, found)
    return found


def matching_choices(question: Question, text: str) -> list[str]:
    """The choices `text` may mean: one when it is clear, several when it is ambiguous, none otherwise."""
    key = label_key(text)
    if not key:
        return []
    table = lookup(question)
    if key in table.exact:
        return list(table.exact[key])
    words = key.split()
    return [value for value, label in table.labels if label[:len(words)] == tuple(words)]


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
