"""Checking test cases against their rulebook before any case runs.

A case file is validated like a rule file: every answer to a question the rulebook lacks or would refuse,
and every pathway, score, score line, round category, flag, lead, warning and language a case expects that
the rulebook does not have, is a problem at the key or value that names it, with "did you mean". The
checks read the case as plain data (the YAML as loaded, or a cached case dumped), so a case whose shape
is wrong elsewhere is still checked here, and every problem of every file is listed in one run.

When the rule files are rejected there is no rulebook, but the ids they define can still be read as written
(`rulebook.written_names`): the case's names are checked against those, and only a kind whose ids cannot all
be read is left for the run after the rule files load.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from screener.i18n import _
from screener.suggest import did_you_mean
from screener.translations import LANGUAGE

if TYPE_CHECKING:
    from screener.model import Question
    from screener.rulebook import Rulebook

Path = tuple[str | int, ...]
Problem = tuple[Path, bool, str]  # where under the case, whether at the key (else at the value), message


@dataclass(frozen=True)
class CaseNames:
    """The ids a case may use, each kind in file order. None: a kind whose ids cannot all be known (a rule file
    that cannot be read), not checked. A question's model, when known, also checks the answer's value."""

    questions: Mapping[str, Question | None] | None
    pathways: Collection[str] | None
    scores: Collection[str] | None
    score_lines: Mapping[str, Collection[str]] | None  # score id -> its lines' ids
    categories: Mapping[str, Collection[str]] | None  # score id -> its round categories' ids
    flags: Collection[str] | None
    leads: Collection[str] | None
    warnings: Collection[str] | None
    languages: Collection[str]

    @classmethod
    def of(cls, rulebook: Rulebook) -> CaseNames:
        return cls(
            rulebook.questions, rulebook.pathways, rulebook.scores,
            {sid: list(dict.fromkeys(line.id for line in score.lines))  # a line's versions share its id
             for sid, score in rulebook.scores.items()},
            {sid: list(dict.fromkeys(category.id for category in score.cutoffs.categories)) if score.cutoffs else []
             for sid, score in rulebook.scores.items()},
            rulebook.flags, rulebook.leads, rulebook.answer_warnings, rulebook.languages)

    KEYS = ("answers", "pathways", "best_pathway", "scores", "score_lines", "categories", "flags", "leads",
            "warnings")  # the keys of a case that name ids, as a case file writes them

    @property
    def unchecked(self) -> list[str]:
        """The keys of a case whose names these cannot check."""
        known = (self.questions, self.pathways, self.pathways, self.scores, self.score_lines, self.categories,
                 self.flags, self.leads, self.warnings)
        return [key for key, ids in zip(self.KEYS, known, strict=True) if ids is None]


def case_problems(known: Rulebook | CaseNames, case: Any) -> list[Problem]:
    """Each problem of one case (a mapping as written) against a rulebook or the names its files define:
    (path, at_key, message). Many cases: build `CaseNames.of(rulebook)` once and pass that."""
    if not isinstance(case, Mapping):
        return []  # the case file's shape check says what is wrong
    names = known if isinstance(known, CaseNames) else CaseNames.of(known)
    found = list(_answers(names.questions, case.get("answers")))
    expect = case.get("expect")
    if isinstance(expect, Mapping):
        found += [(("expect", *where), at_key, message) for where, at_key, message in _expected(names, expect)]
    return found


def _unknown(message: str, word: str, pool: Collection[str], *, listed: bool = True) -> str:
    """`message` with "did you mean" when a name is close, else (when `listed`) the names allowed."""
    hint = did_you_mean(word, pool)
    if hint or not listed or not pool:
        return message + hint
    return message + _("; use one of: {names}").format(names=", ".join(pool))


def _answers(questions: Mapping[str, Question | None] | None, answers: Any) -> Iterator[Problem]:
    from screener.answers import Unsure, coerce, is_blank

    if questions is None or not isinstance(answers, Mapping):
        return
    for field_id, answer in answers.items():
        path: Path = ("answers", field_id)
        if str(field_id) not in questions:
            yield path, True, _unknown(_("'{id}' is not a question of this rulebook").format(id=field_id),
                                       str(field_id), questions, listed=False)
            continue
        question = questions[str(field_id)]
        if question is None or isinstance(answer, list | dict) or is_blank(answer):
            continue  # no model to read it with (the rule files were rejected), or the shape check's to report
        try:
            coerce(question, answer)
        except Unsure:
            continue  # unknown, as `read_answers` reads it
        except ValueError as error:
            yield path, False, _("answer to '{id}' ({type}): {error}").format(
                id=field_id, type=question.type, error=error)


def _ids(section: str, found: Any, known: Collection[str] | None, message: str, **values: str) -> Iterator[Problem]:
    """Each key of a mapping (or item of a list) that is not among `known` (None: not known, nothing checked)."""
    if known is None:
        return
    if isinstance(found, Mapping):
        keys: list[tuple[Path, bool, Any]] = [((section, key), True, key) for key in found]
    elif isinstance(found, list):
        keys = [((section, index), False, item) for index, item in enumerate(found)]
    else:
        return
    for path, at_key, name in keys:
        if isinstance(name, str) and name not in known:
            yield path, at_key, _unknown(message.format(id=name, **values), name, known)


def _expected(names: CaseNames, expect: Mapping[str, Any]) -> Iterator[Problem]:
    yield from _ids("pathways", expect.get("pathways"), names.pathways,
                    _("'{id}' is not a pathway of this rulebook"))
    yield from _ids("scores", expect.get("scores"), names.scores, _("'{id}' is not a score of this rulebook"))
    yield from _per_score(names.scores, "score_lines", expect.get("score_lines"), names.score_lines,
                          _("'{id}' is not a line of score '{score}'"))
    yield from _per_score(names.scores, "categories", expect.get("categories"), names.categories,
                          _("'{id}' is not a round category of score '{score}'"))
    for section, known, message in (
            ("flags", names.flags, _("'{id}' is not a flag of this rulebook")),
            ("leads", names.leads, _("'{id}' is not a lead of this rulebook")),
            ("warnings", names.warnings, _("'{id}' is not an answer warning of this rulebook"))):
        yield from _ids(section, expect.get(section), known, message)
    best = expect.get("best_pathway")
    if isinstance(best, str) and names.pathways is not None and best not in names.pathways:
        yield ("best_pathway",), False, _unknown(_("'{id}' is not a pathway of this rulebook").format(id=best),
                                                 best, names.pathways)
    texts = expect.get("texts")
    if isinstance(texts, Mapping):  # a key that is no language code at all is the shape check's to report
        yield from _ids("texts", {lang: None for lang in texts if isinstance(lang, str) and LANGUAGE.match(lang)},
                        names.languages, _("'{id}' is not a language of this rulebook"))


def _per_score(scores: Collection[str] | None, section: str, by_score: Any,
               ids_of: Mapping[str, Collection[str]] | None, message: str) -> Iterator[Problem]:
    """`score_lines:` or `categories:`: each score id, then each id under it among that score's (any version)."""
    yield from _ids(section, by_score, scores, _("'{id}' is not a score of this rulebook"))
    if not isinstance(by_score, Mapping) or scores is None or ids_of is None:
        return
    for score_id, inner in by_score.items():
        if isinstance(score_id, str) and score_id in scores and score_id in ids_of:
            for path, at_key, text in _ids(score_id, inner, ids_of[score_id], message, score=score_id):
                yield (section, *path), at_key, text
