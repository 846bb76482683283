"""Checking test cases against their rulebook before any case runs.

A case file is validated like a rule file: every answer to a question the rulebook lacks or would refuse,
and every pathway, score, score line, round category, flag, lead, warning and language a case expects that
the rulebook does not have, is a problem at the key or value that names it, with "did you mean". The
checks read the case as plain data (the YAML as loaded, or a cached case dumped), so a case whose shape
is wrong elsewhere is still checked here, and every problem of every file is listed in one run.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from screener.i18n import _
from screener.suggest import did_you_mean

if TYPE_CHECKING:
    from screener.model import Score
    from screener.rulebook import Rulebook

Path = tuple[str | int, ...]
Problem = tuple[Path, bool, str]  # where under the case, whether at the key (else at the value), message


def case_problems(rulebook: Rulebook, case: Any) -> list[Problem]:
    """Each problem of one case (a mapping as written) against `rulebook`: (path, at_key, message)."""
    if not isinstance(case, Mapping):
        return []  # the case file's shape check says what is wrong
    found = list(_answers(rulebook, case.get("answers")))
    expect = case.get("expect")
    if isinstance(expect, Mapping):
        found += [(("expect", *where), at_key, message) for where, at_key, message in _expected(rulebook, expect)]
    return found


def _unknown(message: str, word: str, pool: Collection[str], *, listed: bool = True) -> str:
    """`message` with "did you mean" when a name is close, else (when `listed`) the names allowed."""
    hint = did_you_mean(word, pool)
    if hint or not listed or not pool:
        return message + hint
    return message + _("; use one of: {names}").format(names=", ".join(pool))


def _answers(rulebook: Rulebook, answers: Any) -> Iterator[Problem]:
    from screener.answers import Unsure, coerce, is_blank

    if not isinstance(answers, Mapping):
        return
    for field_id, answer in answers.items():
        path: Path = ("answers", field_id)
        question = rulebook.questions.get(str(field_id))
        if question is None:
            yield path, True, _unknown(_("'{id}' is not a question of this rulebook").format(id=field_id),
                                       str(field_id), rulebook.questions, listed=False)
            continue
        if isinstance(answer, list | dict) or is_blank(answer):
            continue  # a list or mapping is the shape check's to report
        try:
            coerce(question, answer)
        except Unsure:
            continue  # unknown, as `read_answers` reads it
        except ValueError as error:
            yield path, False, _("answer to '{id}' ({type}): {error}").format(
                id=field_id, type=question.type, error=error)


def _ids(section: str, found: Any, known: Collection[str], message: str, **values: str) -> Iterator[Problem]:
    """Each key of a mapping (or item of a list) that is not among `known`."""
    if isinstance(found, Mapping):
        keys: list[tuple[Path, bool, Any]] = [((section, key), True, key) for key in found]
    elif isinstance(found, list):
        keys = [((section, index), False, item) for index, item in enumerate(found)]
    else:
        return
    for path, at_key, name in keys:
        if isinstance(name, str) and name not in known:
            yield path, at_key, _unknown(message.format(id=name, **values), name, known)


def _expected(rulebook: Rulebook, expect: Mapping[str, Any]) -> Iterator[Problem]:
    yield from _ids("pathways", expect.get("pathways"), rulebook.pathways,
                    _("'{id}' is not a pathway of this rulebook"))
    yield from _ids("scores", expect.get("scores"), rulebook.scores, _("'{id}' is not a score of this rulebook"))
    yield from _per_score(rulebook, "score_lines", expect.get("score_lines"),
                          lambda score: [line.id for line in score.lines],
                          _("'{id}' is not a line of score '{score}'"))
    yield from _per_score(rulebook, "categories", expect.get("categories"),
                          lambda score: [category.id for category in score.cutoffs.categories] if score.cutoffs else [],
                          _("'{id}' is not a round category of score '{score}'"))
    for section, known, message in (
            ("flags", rulebook.flags, _("'{id}' is not a flag of this rulebook")),
            ("leads", rulebook.leads, _("'{id}' is not a lead of this rulebook")),
            ("warnings", rulebook.answer_warnings, _("'{id}' is not an answer warning of this rulebook"))):
        yield from _ids(section, expect.get(section), known, message)
    best = expect.get("best_pathway")
    if isinstance(best, str) and best not in rulebook.pathways:
        yield ("best_pathway",), False, _unknown(_("'{id}' is not a pathway of this rulebook").format(id=best),
                                                 best, rulebook.pathways)
    yield from _ids("texts", expect.get("texts"), rulebook.languages,
                    _("'{id}' is not a language of this rulebook"))


def _per_score(rulebook: Rulebook, section: str, by_score: Any, ids_of: Callable[[Score], list[str]],
               message: str) -> Iterator[Problem]:
    """`score_lines:` or `categories:`: each score id, then each id under it among that score's (any version)."""
    yield from _ids(section, by_score, rulebook.scores, _("'{id}' is not a score of this rulebook"))
    if not isinstance(by_score, Mapping):
        return
    for score_id, inner in by_score.items():
        if isinstance(score_id, str) and score_id in rulebook.scores:
            known = list(dict.fromkeys(ids_of(rulebook.scores[score_id])))  # a line's versions share its id
            for path, at_key, text in _ids(score_id, inner, known, message,
                                           score=score_id):
                yield (section, *path), at_key, text
