"""Rules in other languages: translation files beside the rule files, checked against the English.

A lawyer keeps the English in `express_entry.yaml` and the French in `express_entry.fr.yaml` beside it,
keyed by the same ids, holding texts only, so an English edit and a French edit never touch the same
lines. The loader (`screener.rulebook`) reads every `*.<xx>.yaml`, validates it with the models of
`screener.translation_format`, and `check_translation` compares it text by text with the English: a
missing text, an extra id (with "did you mean"), a `{placeholder}` that differs. `apply_translation`
then builds the same rulebook with its texts in that language, sharing every compiled expression, the
graph and the types.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from screener.compiled import (
    PLACEHOLDER,
    CategoryRule,
    LineRule,
    PathwayRule,
    RequirementRule,
    Rules,
    ScoreRule,
    ShownRule,
    StepRule,
    Template,
)
from screener.i18n import N_, _, french_spacing, shown_untranslated
from screener.model import Choice, NextStep, Question
from screener.source import Position
from screener.suggest import did_you_mean

if TYPE_CHECKING:
    from screener.rulebook import Rulebook

ENGLISH = "en"
LANGUAGE = re.compile(r"^[a-z]{2}$")
TRANSLATION_FILE = re.compile(r"\.([a-z]{2})\.yaml$")
LANGUAGE_NAMES = {"en": N_("English"), "fr": N_("French")}

Path_ = tuple[int | str, ...]


def translation_language(file_name: str) -> str | None:
    """`fr` for `express_entry.fr.yaml`; None for a rule file."""
    found = TRANSLATION_FILE.search(file_name)
    return found.group(1) if found else None


def language_name(lang: str) -> str:
    return _(LANGUAGE_NAMES[lang]) if lang in LANGUAGE_NAMES else lang


# ----------------------------------------------------------------------------- one checked language


@dataclass
class Translation:
    """One language's texts, merged over its files and checked; keys are the English ids."""

    lang: str
    texts: dict[Path_, str] = field(default_factory=dict)  # ("questions", "age", "prompt") -> text
    templates: dict[Path_, Template] = field(default_factory=dict)  # texts with {placeholders}, compiled
    missing: int = 0
    lengths: dict[Path_, int] = field(default_factory=dict)  # how many next steps or notes each list has

    def get(self, *path: int | str) -> str | None:
        return self.texts.get(path)


class Problems:
    """Where the checker reports: errors always, missing texts as errors or warnings."""

    def __init__(self, error: Callable[[Position, str], None], warn: Callable[[Position, str], None],
                 missing_is_error: bool, broken: Container[str] = frozenset(),
                 unread: Container[str] = frozenset()) -> None:
        self.error = error
        self.warn = warn
        self.missing_is_error = missing_is_error
        self.broken = broken  # ids of rule items rejected (and reported) on their own, or in a file not read
        self.unread = unread  # ids whose texts may be in a translation file of this language that was not read

    def missing(self, position: Position, message: str, item: int | str | None = None) -> None:
        """A text not given (for the item with id `item`): not reported when an unread file may hold it."""
        if item is not None and item in self.unread:
            return
        (self.error if self.missing_is_error else self.warn)(position, message)


class Positioner(Protocol):
    def __call__(self, file: str, path: Path_, *, at_key: bool = False) -> Position: ...
TemplateMaker = Callable[[str, str, Path_], Template]


def placeholders(text: str) -> list[str]:
    """The expressions of a text's placeholders; the wordings of `{count | one | other}` are each language's own."""
    if "{" not in text:  # most texts: a load compares two thousand of them
        return []
    return sorted(" ".join(match.group(1).split("|")[0].split()) for match in PLACEHOLDER.finditer(text))


def check_translation(
    lang: str,
    files: list[tuple[str, dict[str, Any]]],
    english: Mapping[str, Mapping[str, tuple[Any, str, Path_]]],
    info: tuple[Any, str] | None,
    topics: Mapping[str, tuple[Any, str, Path_]],
    position: Positioner,
    template: TemplateMaker,
    problems: Problems,
) -> Translation:
    """Compare one language's files with the English, text by text; report every difference."""
    found = Translation(lang)
    name = language_name(lang)
    where_fr: dict[Path_, tuple[str, Path_]] = {}  # english-keyed path -> (translation file, its path there)
    first_file: dict[str, str] = {}  # section:id -> the translation file that has it

    def merge(file: str, section: str, item_id: str) -> bool:
        key = f"{section}:{item_id}"
        if key in first_file:
            problems.error(position(file, (section, item_id), at_key=True),
                           _("{language} texts of {section} '{id}' given twice (also in {file})").format(
                               language=name, section=section, id=item_id, file=first_file[key]))
            return False
        first_file[key] = file
        return True

    # 1. gather, reporting ids the English lacks
    for file, model in files:
        if model.get("rulebook") is not None and merge(file, "rulebook", "rulebook"):
            for key in ("title", "disclaimer", "jurisdiction"):
                value = model["rulebook"].get(key)
                if value is not None:
                    found.texts[("rulebook", key)] = value
                    where_fr[("rulebook", key)] = (file, ("rulebook", key))
        for tid, title in model.get("topics", {}).items():
            if tid not in topics:
                if tid in problems.broken:
                    continue
                problems.error(position(file, ("topics", tid), at_key=True),
                               _("no topic '{id}' in the English rules").format(id=tid) + did_you_mean(tid, topics))
            elif merge(file, "topics", tid):
                found.texts[("topics", tid, "title")] = title
                where_fr[("topics", tid, "title")] = (file, ("topics", tid))
        for section in ("questions", "derived", "tables", "scores", "pathways", "flags", "leads", "warnings"):
            for item_id, item in model.get(section, {}).items():
                here: Path_ = (section, item_id)
                if item_id not in english[section]:
                    if item_id in problems.broken:  # its own problems are reported: a missing English is no news
                        continue
                    problems.error(position(file, here, at_key=True), _(_ABSENT[section]).format(id=item_id)
                                   + did_you_mean(item_id, english[section]))
                    continue
                if not merge(file, section, item_id):
                    continue
                _gather(found, where_fr, file, here, item, english[section][item_id][0], position, problems, name)

    if lang == "fr":  # French spacing: no line break before `:` or `»`, nor after `«` (`i18n.french_spacing`)
        found.texts = {key: text if key[-1] == "url" else french_spacing(text) for key, text in found.texts.items()}

    # 2. every English text has its translation, with the same placeholders
    def need(english_text: str | None, key: Path_, en_file: str, en_path: Path_, what: str,
             *, is_template: bool = False, optional: bool = False) -> None:
        if english_text is None:
            if key in found.texts:
                file, fr_path = where_fr[key]
                problems.error(position(file, fr_path), _("the English has no {what}: remove this {language} "
                                                          "text").format(what=what, language=name))
                del found.texts[key]
            return
        text = found.texts.get(key)
        if text is None and optional:
            return
        if text is None:
            found.missing += 1
            problems.missing(position(en_file, en_path), _("no {language} ({lang}) text for {what}").format(
                language=name, lang=lang, what=what), key[1] if len(key) > 1 else None)
            return
        file, fr_path = where_fr[key]
        if placeholders(text) != placeholders(english_text):
            problems.error(position(file, fr_path),
                           _("the {{placeholders}} differ from the English: {language} has {found}, English has "
                             "{english}").format(language=name, found=_list(placeholders(text)),
                                                 english=_list(placeholders(english_text))))
            del found.texts[key]
            return
        if is_template:
            found.templates[key] = template(text, file, fr_path)

    if info is not None:
        model, file = info
        for key in ("title", "disclaimer", "jurisdiction"):
            need(getattr(model, key), ("rulebook", key), file, ("rulebook", key),
                 _("the rulebook {key}").format(key=key))
    for tid, (topic, file, path) in topics.items():
        need(topic.title, ("topics", tid, "title"), file, (*path, "title"), _("topic '{id}' title").format(id=tid))
    for qid, (question, file, path) in english["questions"].items():
        base = ("questions", qid)
        for key in ("prompt", "help", "label", "url"):
            need(getattr(question, key), (*base, key), file, (*path, key),
                 _("question '{id}' {key}").format(id=qid, key=key), optional=key == "url")
        need(question.what_if if isinstance(question.what_if, str) else None, (*base, "what_if"), file,
             (*path, "what_if"), _("question '{id}' what-if group").format(id=qid))
        for index, choice in enumerate(question.choices or []):
            need(choice.label, (*base, "choices", choice.value), file, (*path, "choices", index, "label"),
                 _("question '{id}' choice '{value}'").format(id=qid, value=choice.value))
        for index, asked in enumerate(question.prompts):
            need(asked.prompt, (*base, "prompts", index), file, (*path, "prompts", index, "prompt"),
                 _("question '{id}' prompt #{number}").format(id=qid, number=index + 1))
        _extra_items(found, where_fr, (*base, "prompts"), len(question.prompts), position, problems, name,
                     _("question '{id}' has only {count} other prompt(s)").format(id=qid, count=len(question.prompts)))
    for did, (value, file, path) in english["derived"].items():
        need(value.text, ("derived", did, "text"), file, (*path, "text"),
             _("derived value '{id}' text").format(id=did))
        need(value.reference, ("derived", did, "reference"), file, (*path, "reference"),
             _("derived value '{id}' reference").format(id=did))
        for index, version in enumerate(value.versions or []):
            need(version.reference, ("derived", did, "versions", index, "reference"), file,
                 (*path, "versions", index, "reference"),
                 _("derived value '{id}' version #{number} reference").format(id=did, number=index + 1))
        _extra_items(found, where_fr, ("derived", did, "versions"), len(value.versions or []), position, problems,
                     name, _("derived value '{id}' has only {count} version(s)").format(
                         id=did, count=len(value.versions or [])))
    for tid, (table, file, path) in english["tables"].items():
        need(table.title, ("tables", tid, "title"), file, (*path, "title"), _("table '{id}' title").format(id=tid))
        need(table.reference, ("tables", tid, "reference"), file, (*path, "reference"),
             _("table '{id}' reference").format(id=tid))
    for sid, (score, file, path) in english["scores"].items():
        base = ("scores", sid)
        need(score.title, (*base, "title"), file, (*path, "title"), _("score '{id}' title").format(id=sid))
        need(score.short_title, (*base, "short_title"), file, (*path, "short_title"),
             _("score '{id}' short title").format(id=sid))
        need(score.reference, (*base, "reference"), file, (*path, "reference"),
             _("score '{id}' reference").format(id=sid))
        for index, group in enumerate(score.groups):
            need(group.title, (*base, "groups", group.id), file, (*path, "groups", index, "title"),
                 _("score '{id}' group '{part}'").format(id=sid, part=group.id))
        seen_lines: set[str] = set()
        for index, line in enumerate(score.lines):
            if line.id not in seen_lines:
                seen_lines.add(line.id)
                need(line.text, (*base, "lines", line.id), file, (*path, "lines", index, "text"),
                     _("score '{id}' line '{part}'").format(id=sid, part=line.id))
        seen_types: set[str] = set()
        cutoffs = score.cutoffs
        typed = [] if cutoffs is None else [  # a round type is named by rounds and by categories
            *(("rounds", index, round_.type) for index, round_ in enumerate(cutoffs.rounds)),
            *(("categories", index, category.type) for index, category in enumerate(cutoffs.categories))]
        for where, index, type_ in typed:
            if type_ not in seen_types:
                seen_types.add(type_)
                need(type_, (*base, "round_types", type_), file, (*path, "cutoffs", where, index, "type"),
                     _("score '{id}' round type '{part}'").format(id=sid, part=type_))
        for index, category in enumerate(cutoffs.categories if cutoffs else []):
            need(category.unchecked, (*base, "categories", category.id), file,
                 (*path, "cutoffs", "categories", index, "unchecked"),
                 _("score '{id}' category '{part}'").format(id=sid, part=category.id))
    for pid, (pathway, file, path) in english["pathways"].items():
        base = ("pathways", pid)
        for key in ("title", "summary", "reference"):
            value = getattr(pathway, key)
            if isinstance(value, list):  # dated wordings of the summary: one text each, in order
                for index, version in enumerate(value):
                    need(version.text, (*base, key, index), file, (*path, key, index, "text"),
                         _("pathway '{id}' summary version #{number}").format(id=pid, number=index + 1))
                _extra_items(found, where_fr, (*base, key), len(value), position, problems, name,
                             _("pathway '{id}' has only {count} summary version(s)").format(id=pid, count=len(value)))
                continue
            need(value, (*base, key), file, (*path, key), _("pathway '{id}' {key}").format(id=pid, key=key))
        for index, requirement in enumerate(pathway.requirements):
            rbase = (*base, "requirements", requirement.id)
            rpath = (*path, "requirements", index)
            what = {key: _("requirement '{id}' of '{pathway}' {key}").format(id=requirement.id, pathway=pid, key=key)
                    for key in ("text", "advice", "reference", "needed")}
            need(requirement.text, (*rbase, "text"), file, (*rpath, "text"), what["text"], is_template=True)
            need(requirement.advice, (*rbase, "advice"), file, (*rpath, "advice"), what["advice"], is_template=True)
            need(requirement.reference, (*rbase, "reference"), file, (*rpath, "reference"), what["reference"])
            needed = requirement.needed if isinstance(requirement.needed, str) else None
            need(needed, (*rbase, "needed"), file, (*rpath, "needed"), what["needed"], is_template=True,
                 optional=needed is not None and not _has_words(needed))  # "≤ 3" may stay as it is
        _need_steps(pathway.next_steps, base, file, path, _("pathway '{id}'").format(id=pid), need, found, where_fr,
                    position,
                    problems, name)
        for index, note in enumerate(pathway.notes):
            need(note, (*base, "notes", index), file, (*path, "notes", index),
                 _("pathway '{id}' note #{number}").format(id=pid, number=index + 1), is_template=True)
        _extra_items(found, where_fr, (*base, "notes"), len(pathway.notes), position, problems, name,
                     _("pathway '{id}' has only {count} note(s)").format(id=pid, count=len(pathway.notes)))
    for section, kind in (("flags", N_("flag '{id}' {key}")), ("leads", N_("lead '{id}' {key}")),
                          ("warnings", N_("warning '{id}' {key}"))):
        for item_id, (item, file, path) in english[section].items():
            base = (section, item_id)
            title = item.title
            need(title, (*base, "title"), file, (*path, "title"), _(kind).format(id=item_id, key="title"))
            need(item.text, (*base, "text"), file, (*path, "text"), _(kind).format(id=item_id, key="text"),
                 is_template=True)
            need(item.reference, (*base, "reference"), file, (*path, "reference"),
                 _(kind).format(id=item_id, key="reference"))
            if section == "leads":
                _need_steps(item.next_steps, base, file, path, _("lead '{id}'").format(id=item_id), need, found,
                            where_fr,
                            position, problems, name)
    return found


_ABSENT = {"questions": N_("no question '{id}' in the English rules"),
           "derived": N_("no derived value '{id}' in the English rules"),
           "tables": N_("no table '{id}' in the English rules"), "scores": N_("no score '{id}' in the English rules"),
           "pathways": N_("no pathway '{id}' in the English rules"), "flags": N_("no flag '{id}' in the English rules"),
           "leads": N_("no lead '{id}' in the English rules"),
           "warnings": N_("no warning '{id}' in the English rules")}


def _named_parts(english: Any, key: str) -> tuple[list[str], str] | None:
    """The ids a translated item may name under `key`, and the message for one the English item lacks."""
    cutoffs = getattr(english, "cutoffs", None)
    if key == "choices":
        return list(english.choice_values), N_("question '{owner}' has no choice '{id}'")
    if key == "groups":
        return [group.id for group in english.groups], N_("score '{owner}' has no group '{id}'")
    if key == "lines":
        return [line.id for line in english.lines], N_("score '{owner}' has no line '{id}'")
    if key == "categories":
        return ([category.id for category in cutoffs.categories] if cutoffs else [],
                N_("score '{owner}' has no round category '{id}'"))
    if key == "round_types":
        types = {round_.type for round_ in cutoffs.rounds} | {category.type for category in cutoffs.categories} \
            if cutoffs else set()
        return sorted(types), N_("score '{owner}' has no round of type '{id}'")
    if key == "requirements":
        return [requirement.id for requirement in english.requirements], \
            N_("pathway '{owner}' has no requirement '{id}'")
    return None


def _has_words(text: str) -> bool:
    """`needed: "≤ 3"` reads the same in every language; `needed: 1 continuous year` does not."""
    return any(char.isalpha() for char in PLACEHOLDER.sub("", text))


def _list(items: list[str]) -> str:
    return ", ".join("{" + item + "}" for item in items) or "none"


def _gather(found: Translation, where_fr: dict[Path_, tuple[str, Path_]], file: str, here: Path_, item: Any,
            english: Any, position: Positioner, problems: Problems, name: str) -> None:
    """Flatten one translated item into `found.texts`, reporting sub-ids the English item lacks."""

    def put(key: Path_, value: str | None, fr_path: Path_) -> None:
        if value is not None:
            found.texts[key] = value
            where_fr[key] = (file, fr_path)

    for key, value in item.items():
        if isinstance(value, str) or value is None:
            put((*here, key), value, (*here, key))
        elif (named := _named_parts(english, key)) is not None:
            ids, lacks = named
            for part_id, text in value.items():
                if part_id not in ids:
                    problems.error(position(file, (*here, key, part_id), at_key=True),
                                   _(lacks).format(owner=english.id, id=part_id) + did_you_mean(part_id, ids))
                elif key == "requirements":  # a requirement's own texts: text, needed, actual, ...
                    for part, words in text.items():
                        put((*here, key, part_id, part), words, (*here, key, part_id, part))
                else:
                    put((*here, key, part_id), text, (*here, key, part_id))
        elif key == "next_steps":
            found.lengths[(*here, key)] = len(value)
            for index, step in enumerate(value):
                put((*here, key, index, "text"), step.get("text"), (*here, key, index, "text"))
                put((*here, key, index, "url"), step.get("url"), (*here, key, index, "url"))
        elif key == "versions":  # a derived value's dated versions, matched by their order
            found.lengths[(*here, key)] = len(value)
            for index, version in enumerate(value):
                put((*here, key, index, "reference"), version.get("reference"), (*here, key, index, "reference"))
        elif key in ("notes", "summary", "prompts"):
            found.lengths[(*here, key)] = len(value)
            for index, note in enumerate(value):
                put((*here, key, index), note, (*here, key, index))


def _need_steps(steps: list[NextStep], base: Path_, file: str, path: Path_, what: str,
                need: Callable[..., None], found: Translation, where_fr: dict[Path_, tuple[str, Path_]],
                position: Positioner, problems: Problems, name: str) -> None:
    for index, step in enumerate(steps):
        need(step.text, (*base, "next_steps", index, "text"), file, (*path, "next_steps", index, "text"),
             _("{what} next step #{number}").format(what=what, number=index + 1), is_template=True)
        url_key = (*base, "next_steps", index, "url")
        if step.url is None and url_key in found.texts:
            fr_file, fr_path = where_fr[url_key]
            problems.error(position(fr_file, fr_path), _("the English next step #{number} of {what} has no "
                                                         "url").format(number=index + 1, what=what))
            del found.texts[url_key]
    _extra_items(found, where_fr, (*base, "next_steps"), len(steps), position, problems, name,
                 _("{what} has only {count} next step(s) in English").format(what=what, count=len(steps)))


def _extra_items(found: Translation, where_fr: dict[Path_, tuple[str, Path_]], base: Path_, count: int,
                 position: Positioner, problems: Problems, name: str, message: str) -> None:
    """List items beyond the English ones (next steps, notes are matched by their order)."""
    for index in range(count, found.lengths.get(base, 0)):
        keys = [key for key in ((*base, index), (*base, index, "text"), (*base, index, "url"),
                                (*base, index, "reference")) if key in found.texts]
        if keys:
            file, fr_path = where_fr[keys[0]]
            problems.error(position(file, fr_path[:len(base) + 1]),
                           _("{problem}: remove this {language} text").format(problem=message, language=name))
        for key in keys:
            del found.texts[key]


# ----------------------------------------------------------------------------- the law in French

_JUSTICE_LAWS = (  # compiled when a French text first asks (`re`'s cache keeps it)
    r"^(?P<site>https?://laws-lois\.justice\.gc\.ca)/eng/(?:acts/(?P<act>[A-Za-z0-9.-]+)"
    r"|regulations/SOR-(?P<regulation>\d{4}-\d+))/(?P<page>|index\.html|FullText\.html|page-\d+\.html"
    r"|section-[0-9.]+\.html)$")


def law_page(source: str | None, lang: str) -> str | None:
    """`source` as readers of `lang` open it: the French page of an English Justice Laws address, else as written.

    The Justice Laws site publishes every act and regulation in French at a parallel address: `/eng/acts/I-2.5/`
    is `/fra/lois/I-2.5/`, `/eng/regulations/SOR-2002-227/` is `/fra/reglements/DORS-2002-227/`, `FullText.html`
    is `TexteComplet.html`, and `index.html`, `page-N.html` and `section-N.html` keep their names (the two
    languages are cut into the same pages). Only these forms are rewritten; any other address (another site,
    an anchor, a dated version of a section) stays as the lawyer wrote it. See docs/rules.md.
    """
    if source is None or lang != "fr" or (found := re.match(_JUSTICE_LAWS, source.strip())) is None:
        return source
    page = "TexteComplet.html" if found["page"] == "FullText.html" else found["page"]
    book = f"lois/{found['act']}" if found["act"] else f"reglements/DORS-{found['regulation']}"
    return f"{found['site']}/fra/{book}/{page}"


# ----------------------------------------------------------------------------- French typography

_GUILLEMETS = re.compile("[«»]")
_SPACE_OR_NOTHING = ("", " ", "\t")  # what may not stand inside a guillemet (a line break reads as nothing here)


def guillemet_problems(lines: list[str]) -> Iterator[tuple[int, int, str]]:
    """(line, column, message) of each « followed, and each » preceded, by an ordinary space or nothing.

    French writes `« mot »` with no-break spaces (U+00A0) inside the guillemets, so a wrapped line never
    ends with « or starts with »; an ordinary space, or a line break in a folded YAML text, lets it. Read on
    the file's own lines, so the column is the guillemet's; `«)` (the character named) is not a problem.
    """
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith("#"):
            continue
        for match in _GUILLEMETS.finditer(line):
            at = match.start()
            if match.group() == "«" and line[at + 1:at + 2] in _SPACE_OR_NOTHING:
                yield number, at + 1, _("« must be followed by a no-break space (U+00A0), not by an ordinary space "
                                        "or a line break, so that it never ends a line away from its word")
            elif match.group() == "»" and line[max(at - 1, 0):at] in _SPACE_OR_NOTHING:
                yield number, at + 1, _("» must come after a no-break space (U+00A0), not after an ordinary space "
                                        "or a line break, so that it never starts a line away from its word")


_LOOSE_COLON = re.compile(r"\{[^{}]*\}|(?:[ \t]+|\n[ \t]*):")  # a {placeholder} is skipped, not prose


def colon_problems(text: str) -> Iterator[tuple[int, int, str]]:
    """(line, column, message) of each `:` in a French text that comes after an ordinary space or starts a
    line of a folded text: Canadian French writes `Exigé : être…` with a no-break space (U+00A0) before the
    colon, so a wrapped line never starts with it. The file's YAML tokens tell a text from the syntax (`key:`,
    comments), so only the colons of texts are read, and the column is the colon's own."""
    import yaml

    starts = [0, *(at + 1 for at, char in enumerate(text) if char == "\n")]
    try:
        tokens = [token for token in yaml.scan(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
                  if isinstance(token, yaml.ScalarToken)]
    except yaml.YAMLError:  # the loader reports the syntax error itself
        return
    for token in tokens:
        begin = token.start_mark.index
        for match in _LOOSE_COLON.finditer(text, begin, token.end_mark.index):
            if match.group().endswith(":"):
                at = match.end() - 1
                line = bisect.bisect_right(starts, at)
                yield line, at - starts[line - 1] + 1, _(
                    "':' must come after a no-break space (U+00A0), not after an ordinary space or a line break, so "
                    "that it never starts a line away from its word")


# ----------------------------------------------------------------------------- the rulebook in a language


def with_other_labels(questions: Mapping[str, Question], translations: list[Translation]) -> dict[str, Question]:
    """The English questions with each choice's labels in the other languages added to its `aliases`, so
    `screener.labels` reads `Célibataire` as `single` whatever language the interview or the CSV is in."""
    result: dict[str, Question] = {}
    for qid, question in questions.items():
        if not question.choices:
            result[qid] = question
            continue
        choices = []
        for choice in question.choices:
            extra = [label for t in translations
                     if (label := t.texts.get(("questions", qid, "choices", choice.value))) is not None
                     and label != choice.label and label not in choice.aliases]
            choices.append(choice.model_copy(update={"aliases": [*choice.aliases, *extra]}) if extra else choice)
        result[qid] = question.model_copy(update={"choices": choices})
    return result



def apply_translation(rulebook: Rulebook, translation: Translation) -> Rulebook:
    """The same rulebook with its texts in `translation.lang` (English where a text is missing).

    Only texts change: compiled expressions, the dependency graph, types and ids are shared, so the
    verdict cannot depend on the language.
    """
    t = translation

    def text(default: str, *path: int | str) -> str:
        found = t.texts.get(path)
        if found is None:  # the English stands in (a warning said so): it keeps its case in a sentence
            shown_untranslated(default)
            return default
        return found

    def maybe(default: str | None, *path: int | str) -> str | None:
        return default if default is None else text(default, *path)

    def tmpl(default: Template, *path: int | str) -> Template:
        found = t.templates.get(path)
        if found is None:
            shown_untranslated(default.text)
            return default
        return found

    def tmpl_maybe(default: Template | None, *path: int | str) -> Template | None:
        return None if default is None else tmpl(default, *path)

    info = rulebook.info.model_copy(update={
        "title": text(rulebook.info.title, "rulebook", "title"),
        "disclaimer": text(rulebook.info.disclaimer, "rulebook", "disclaimer"),
        "jurisdiction": maybe(rulebook.info.jurisdiction, "rulebook", "jurisdiction")})
    topics = [topic.model_copy(update={"title": text(topic.title, "topics", topic.id, "title")})
              for topic in rulebook.topics]
    questions = {}
    for qid, question in rulebook.questions.items():
        base = ("questions", qid)
        choices = None if question.choices is None else [
            _in_language(choice, maybe(choice.label, *base, "choices", choice.value)) for choice in question.choices]
        questions[qid] = question.model_copy(update={
            "prompt": text(question.prompt, *base, "prompt"), "help": maybe(question.help, *base, "help"),
            "url": maybe(question.url, *base, "url"),
            "label": maybe(question.label, *base, "label"), "choices": choices,
            "prompts": [asked.model_copy(update={"prompt": text(asked.prompt, *base, "prompts", index)})
                        for index, asked in enumerate(question.prompts)],
            "what_if": maybe(question.what_if, *base, "what_if") if isinstance(question.what_if, str)
            else question.what_if})
    derived = {did: value.model_copy(update={
        "text": maybe(value.text, "derived", did, "text"),
        "reference": maybe(value.reference, "derived", did, "reference"), "source": law_page(value.source, t.lang),
        "versions": None if value.versions is None else [
            version.model_copy(update={"reference": maybe(version.reference, "derived", did, "versions", index,
                                                          "reference"),
                                       "source": law_page(version.source, t.lang)})
            for index, version in enumerate(value.versions)]})
        for did, value in rulebook.derived.items()}
    tables = {tid: table.model_copy(update={"title": text(table.title, "tables", tid, "title"),
                                            "reference": maybe(table.reference, "tables", tid, "reference"),
                                            "source": law_page(table.source, t.lang)})
              for tid, table in rulebook.tables.items()}

    rules = Rules(questions=rulebook.rules.questions, derived=rulebook.rules.derived)
    line_models: dict[int, Any] = {}
    scores = {}
    for sid, score in rulebook.scores.items():
        base = ("scores", sid)
        lines = []
        for line in score.lines:
            copy = line.model_copy(update={"text": text(line.text, *base, "lines", line.id)})
            line_models[id(line)] = copy
            lines.append(copy)
        cutoffs = None if score.cutoffs is None else score.cutoffs.model_copy(update={"rounds": [
            round_.model_copy(update={"type": text(round_.type, *base, "round_types", round_.type)})
            for round_ in score.cutoffs.rounds], "categories": [
            category.model_copy(update={"type": text(category.type, *base, "round_types", category.type),
                                        "unchecked": maybe(category.unchecked, *base, "categories", category.id),
                                        "source": law_page(category.source, t.lang)})
            for category in score.cutoffs.categories]})
        scores[sid] = score.model_copy(update={
            "title": text(score.title, *base, "title"), "lines": lines, "cutoffs": cutoffs,
            "short_title": maybe(score.short_title, *base, "short_title"),
            "reference": maybe(score.reference, *base, "reference"), "source": law_page(score.source, t.lang),
            "groups": [group.model_copy(update={"title": text(group.title, *base, "groups", group.id)})
                       for group in score.groups]})
    for sid, score_rule in rulebook.rules.scores.items():
        translated_score = scores.get(sid, score_rule.model)
        categories = translated_score.cutoffs.categories if translated_score.cutoffs else []
        rules.scores[sid] = ScoreRule(translated_score, tuple(
            LineRule(line_models.get(id(line.model), line.model), line.points) for line in score_rule.lines),
            tuple(CategoryRule(model, rule.condition) for model, rule in zip(categories, score_rule.categories,
                                                                               strict=True)))

    renamed: dict[int, RequirementRule] = {}
    pathways = {}
    for pid, rule in rulebook.rules.pathways.items():
        base = ("pathways", pid)
        pathway = rulebook.pathways.get(pid, rule.model)
        requirements = []
        for requirement in rule.requirements:
            rbase = (*base, "requirements", requirement.model.id)
            changed = requirement.model.model_copy(update={
                "text": text(requirement.model.text, *rbase, "text"),
                "advice": maybe(requirement.model.advice, *rbase, "advice"),
                "reference": maybe(requirement.model.reference, *rbase, "reference"),
                "source": law_page(requirement.model.source, t.lang),
                "needed": (text(requirement.model.needed, *rbase, "needed")
                           if isinstance(requirement.model.needed, str) else requirement.model.needed)})
            new = dataclasses.replace(requirement, model=changed, text=tmpl(requirement.text, *rbase, "text"),
                                      advice=tmpl_maybe(requirement.advice, *rbase, "advice"),
                                      needed=tmpl_maybe(requirement.needed, *rbase, "needed"))
            renamed[id(requirement)] = new
            requirements.append(new)
        steps = _steps(rule.steps, base, t)
        notes = tuple(tmpl(note, *base, "notes", index) for index, note in enumerate(rule.notes))
        translated = pathway.model_copy(update={
            "title": text(pathway.title, *base, "title"),
            "summary": text(pathway.summary, *base, "summary") if isinstance(pathway.summary, str) else [
                version.model_copy(update={"text": text(version.text, *base, "summary", index)})
                for index, version in enumerate(pathway.summary)],
            "reference": maybe(pathway.reference, *base, "reference"), "source": law_page(pathway.source, t.lang),
            "requirements": [r.model for r in requirements],
            "next_steps": [s.model for s in steps],
            "notes": [text(note, *base, "notes", index) for index, note in enumerate(pathway.notes)]})
        rules.pathways[pid] = PathwayRule(translated, tuple(requirements), steps, notes)
        pathways[pid] = translated
    for section, target in (("flags", rules.flags), ("leads", rules.leads), ("warnings", rules.warnings)):
        for item_id, shown in getattr(rulebook.rules, section).items():
            base = (section, item_id)
            update: dict[str, Any] = {"title": maybe(shown.model.title, *base, "title"),
                                      "text": text(shown.model.text, *base, "text")}
            steps = _steps(shown.steps, base, t)
            update["reference"] = maybe(shown.model.reference, *base, "reference")
            update["source"] = law_page(shown.model.source, t.lang)
            if section == "leads":
                update["next_steps"] = [s.model for s in steps]
            target[item_id] = ShownRule(shown.model.model_copy(update=update), shown.condition,
                                        tmpl(shown.text, *base, "text"), steps)

    def models(section: str, originals: Mapping[str, Any]) -> dict[str, Any]:
        compiled = getattr(rules, section)
        return {key: compiled[key].model if key in compiled else value for key, value in originals.items()}

    graph = rulebook.graph
    graph = dataclasses.replace(graph, on_scores=frozenset(renamed.get(id(r), r) for r in graph.on_scores))
    return dataclasses.replace(
        rulebook, info=info, topics=topics, questions=questions, derived=derived, tables=tables, scores=scores,
        pathways={**rulebook.pathways, **pathways}, flags=models("flags", rulebook.flags), rules=rules, graph=graph,
        leads=models("leads", rulebook.leads), answer_warnings=models("warnings", rulebook.answer_warnings),
        language=t.lang, english=rulebook, translations=rulebook.translations, _slices={}, _languages={},
        _readings={})  # answers read in this language's labels


def _in_language(choice: Choice, label: str | None) -> Choice:
    """The choice with its label in this language; its label in the rule files becomes one of its aliases (the
    English rulebook already holds this language's label among them)."""
    if label == choice.label:
        return choice
    aliases = [alias for alias in choice.aliases if alias != label]
    if choice.label is not None and choice.label not in aliases:
        aliases.append(choice.label)
    return choice.model_copy(update={"label": label, "aliases": aliases})


def _steps(steps: Iterable[StepRule], base: Path_, t: Translation) -> tuple[StepRule, ...]:
    result = []
    for index, step in enumerate(steps):
        key = (*base, "next_steps", index)
        model = step.model.model_copy(update={"text": t.texts.get((*key, "text"), step.model.text),
                                              "url": t.texts.get((*key, "url"), step.model.url)})
        result.append(StepRule(model, t.templates.get((*key, "text"), step.text), step.only_if))
    return tuple(result)
