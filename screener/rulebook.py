"""Loading a rulebook folder: every file read, every problem found, nothing run.

`load_rulebook(path)` reads all YAML files, validates them against `screener.model`, parses and
type-checks every expression against the questions, and either returns a `Rulebook` or raises
`RulebookError` listing *every* problem as `file:line:col: message`. Evaluation lives in
`screener.evaluation`; this module only builds the checked, compiled form.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import os
import re
import stat
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError

from screener import expressions as ex
from screener import i18n
from screener.compiled import (
    PLACEHOLDER,
    CategoryRule,
    Compiled,
    DerivedRule,
    Graph,
    LineRule,
    PathwayRule,
    QuestionRules,
    RequirementRule,
    Rules,
    ScoreRule,
    ShownRule,
    Slice,
    StaleItem,
    StepRule,
    Template,
    build_graph,
    in_force,
    review_due,
    slice_at,
)
from screener.errors import ScreenerError
from screener.i18n import N_, _, format_date, format_number, ngettext
from screener.model import (
    NUMERIC_TYPES,
    AnswerWarning,
    Case,
    CaseFile,
    Dated,
    Derived,
    Flag,
    Lead,
    Pathway,
    Question,
    Requirement,
    RulebookInfo,
    RuleFile,
    RuleProblem,
    Score,
    Table,
    TableRow,
    Topic,
)
from screener.program import BoundsFn, Fn, Program, WhyFn, lower, lower_bounds, lower_why, program_of
from screener.source import (
    DuplicateKeyError,
    LocatedDict,
    LocatedList,
    Position,
    YamlSyntaxError,
    decode_text,
    load_yaml_file,
    load_yaml_text,
    position_of,
    read_file_bytes,
    read_file_text,
)
from screener.suggest import closest, did_you_mean
from screener.translations import (
    ENGLISH,
    LANGUAGE,
    Problems,
    Translation,
    apply_translation,
    check_translation,
    colon_problems,
    guillemet_problems,
    language_name,
    translation_language,
    with_other_labels,
)

if TYPE_CHECKING:
    from screener.casecheck import CaseNames
    from screener.report import Report

TESTS_FOLDER = "tests"
M = TypeVar("M", bound=BaseModel)
EXPRESSION_KEYS = frozenset(("when", "relevant_if", "expr", "points", "condition", "actual", "only_if"))
"""The keys whose values are expressions (`model.Expression`), wherever they appear."""


@dataclass(frozen=True, order=True)
class LoadError:
    """A problem (or warning) of a rulebook, at its file:line:column."""

    position: Position
    message: str

    def __str__(self) -> str:
        return f"{self.position}: {self.message}"


class RulebookError(ScreenerError):
    """The rulebook was rejected; `errors` lists every problem found. `cases`: the problems are all in its
    test-case files (the rules themselves loaded), and the heading says so rather than blame the rules."""

    def __init__(self, errors: Iterable[LoadError], *, cases: bool = False, notes: Sequence[str] = ()) -> None:
        self.errors = sorted(set(errors), key=lambda e: (e.position.file, e.position.line, e.position.column))
        self.notes = list(notes)  # lines after the problems, e.g. how many problems a file not read hides
        count = len(self.errors)
        heading = (ngettext("the test cases were rejected: {count} problem",
                            "the test cases were rejected: {count} problems", count) if cases else
                   ngettext("the rulebook was rejected: {count} problem", "the rulebook was rejected: {count} problems",
                            count))
        super().__init__(heading.format(count=count), details=[*(str(error) for error in self.errors), *self.notes])


def default_rules_path() -> Path:
    """The rulebook shipped with screener: inside the installed package, or beside it in a checkout."""
    packaged = Path(__file__).parent / "_default_rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "rules"


def resolve_rules_path(path: str | os.PathLike[str] | None) -> Path:
    """An explicit path, else $SCREENER_RULES, else the default rulebook."""
    if path is not None and str(path) != "":
        return Path(path)
    from_env = os.environ.get("SCREENER_RULES")
    return Path(from_env) if from_env else default_rules_path()


def yaml_entries(folder: Path) -> list[tuple[Path, str | None]]:
    """Every `*.yaml` under `folder`, sorted, each with why it cannot be read (None: a regular file).

    A dangling link, FIFO, socket or device named `*.yaml` is reported, not skipped and never opened;
    linked folders are not followed; the walk keeps its own stack, so deep folders need no recursion.
    """
    found: list[tuple[Path, str | None]] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as entries:
                listed = list(entries)
        except OSError:
            continue
        for entry in listed:
            path = Path(entry.path)
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(path)
                    continue
                if not entry.name.endswith(".yaml"):
                    continue
                mode = entry.stat(follow_symlinks=True).st_mode
            except FileNotFoundError:
                found.append((path, _("broken link")))
                continue
            except OSError as error:
                found.append((path, _("cannot read ({reason})").format(reason=error.strerror or error)))
                continue
            if stat.S_ISREG(mode):
                found.append((path, None))
            elif not stat.S_ISDIR(mode):  # a link to a folder is simply not followed
                found.append((path, _("not a regular file")))
    return sorted(found)


def _rule_entries(root: Path) -> list[tuple[Path, str | None]]:
    return [(p, problem) for p, problem in yaml_entries(root) if TESTS_FOLDER not in p.relative_to(root).parts[:-1]]


def rule_files(root: Path) -> list[Path]:
    """The readable rule files (not tests, not translation files)."""
    return [path for path, problem in _rule_entries(root)
            if problem is None and translation_language(path.name) is None]


def translation_files(root: Path) -> list[Path]:
    """The readable translation files (`*.fr.yaml`...) beside the rule files."""
    return [path for path, problem in _rule_entries(root) if problem is None and translation_language(path.name)]


def case_files(root: Path) -> list[Path]:
    tests = root / TESTS_FOLDER
    return [path for path, problem in yaml_entries(tests) if problem is None] if tests.is_dir() else []


def _display(root: Path, path: Path) -> str:
    return str(root / path.relative_to(root)) if path.is_relative_to(root) else str(path)


# ----------------------------------------------------------------------------------- compiled form


_UNREAD: Any = object()
_BLANK: Any = object()


@dataclass
class Rulebook:
    """A loaded, fully checked rulebook. Evaluate answers with `evaluate`."""

    path: Path
    info: RulebookInfo
    topics: list[Topic]
    questions: dict[str, Question]
    derived: dict[str, Derived]
    tables: dict[str, Table]
    scores: dict[str, Score]
    pathways: dict[str, Pathway]
    flags: dict[str, Flag]
    rules: Rules  # the compiled form: every expression and text template, typed by what it belongs to
    graph: Graph  # who reads what, computed once
    types: dict[str, ex.Type]
    review_items: list[StaleItem]
    content_hash: str
    implied: dict[str, Any] = field(default_factory=dict)  # question id -> its implied answer (typed)
    find_warnings: Callable[[], list[LoadError]] | None = field(default=None, repr=False, compare=False)
    leads: dict[str, Lead] = field(default_factory=dict)  # routes worth exploring, shown when true
    answer_warnings: dict[str, AnswerWarning] = field(default_factory=dict)  # the `warnings:` section
    translations: dict[str, Translation] = field(default_factory=dict, repr=False)  # checked texts per language
    language: str = ENGLISH  # the language of this rulebook's texts
    english: Rulebook | None = field(default=None, repr=False, compare=False)  # set on a translated rulebook
    _slices: dict[dt.date, Slice] = field(default_factory=dict, repr=False, compare=False)
    _languages: dict[str, Rulebook] = field(default_factory=dict, repr=False, compare=False)
    _lowered: dict[int, Fn] = field(default_factory=dict, repr=False, compare=False)  # id(Compiled) -> closure
    _bounded: dict[int, BoundsFn] = field(default_factory=dict, repr=False, compare=False)  # the same for bounds
    _whys: dict[int, WhyFn] = field(default_factory=dict, repr=False, compare=False)  # and for blockers
    _readings: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False, compare=False)  # read_answers
    _warnings: list[LoadError] | None = field(default=None, repr=False, compare=False)

    @property
    def warnings(self) -> list[LoadError]:
        """What the loader's checks warn about (nothing that rejects a rulebook), found when first asked.

        Only `rules validate` shows them, and finding them (French typography, numbers a text states) costs a
        fifth of a load: a `check` or a batch never pays for it. `find_warnings` is then let go.
        """
        if self.english is not None:
            return self.english.warnings
        if self._warnings is None:
            self._warnings = self.find_warnings() if self.find_warnings is not None else []
            self.find_warnings = None
        return self._warnings

    @property
    def languages(self) -> tuple[str, ...]:
        """English first, then every language this rulebook has translation files for."""
        return (ENGLISH, *sorted(self.translations))

    def in_language(self, lang: str) -> Rulebook:
        """This rulebook with every text a person reads in `lang` (ids, values, expressions unchanged).

        English for "en" and for a language without translation files; built once per language.
        """
        if not LANGUAGE.match(lang):
            raise ValueError("not a language code: use two lowercase letters such as en or fr")
        base = self.english or self
        if lang == ENGLISH or lang not in base.translations:
            return base
        found = base._languages.get(lang)
        if found is None:
            found = base._languages[lang] = apply_translation(base, base.translations[lang])
        return found

    @property
    def version(self) -> str:
        return self.info.version

    @property
    def ranks(self) -> dict[str, int]:
        return {pathway_id: pathway.rank for pathway_id, pathway in self.pathways.items()}

    @property
    def order(self) -> tuple[str, ...]:
        """Derived values and scores, dependencies first."""
        return self.graph.order

    def at(self, as_of: dt.date) -> Slice:
        """The rules in force on `as_of` (computed once per date)."""
        found = self._slices.get(as_of)
        if found is None:
            if len(self._slices) > 64:
                self._slices.clear()
            found = self._slices[as_of] = slice_at(self.rules, self.tables, as_of)
        return found

    def program(self, as_of: dt.date) -> Program:
        """The slice in force on `as_of` as closures (`screener.program`), built once per slice."""
        rules = self.at(as_of)
        found: Program | None = rules.programs.get("program")
        if found is None:
            found = rules.programs["program"] = program_of(self, rules)
        return found

    def function(self, compiled: Compiled) -> Fn:
        """The closure computing an expression's value (lowered once per rulebook)."""
        found = self._lowered.get(id(compiled))
        if found is None:
            found = self._lowered[id(compiled)] = lower(compiled.node, self.tables)
        return found

    def why_function(self, compiled: Compiled) -> WhyFn:
        """The closure giving what keeps an expression unknown (lowered once per rulebook)."""
        found = self._whys.get(id(compiled))
        if found is None:
            found = self._whys[id(compiled)] = lower_why(compiled.node, self.tables)
        return found

    def bounds_function(self, compiled: Compiled) -> BoundsFn:
        """The closure computing an expression's bounds (lowered once per rulebook)."""
        found = self._bounded.get(id(compiled))
        if found is None:
            found = self._bounded[id(compiled)] = lower_bounds(compiled.node, self.types, self.tables)
        return found

    @functools.cached_property
    def short_labels(self) -> dict[str, str]:
        """Each question's short label, in file order: reports name missing answers in words with it (one map
        per rulebook and language, shared by every report, never rebuilt per person)."""
        return {qid: question.short_label for qid, question in self.questions.items()}

    @functools.cached_property
    def table_lookups(self) -> dict[str, tuple[str, ...]]:
        """Numeric question -> the derived values that pass it straight to a table (`ielts_clb(score)`): the
        interview shows a score back as its level with them, and what-if finds the lowest scores of a level."""
        if self.english is not None:  # ids and expressions are the same in every language
            return self.english.table_lookups
        found: dict[str, dict[str, None]] = {}
        for derived_id, rule in self.rules.derived.items():
            for _version, compiled in rule.versions:
                for node in ex.walk(compiled.node):
                    if not (isinstance(node, ex.Call) and node.function in self.tables):
                        continue
                    for arg in node.args:
                        question = self.questions.get(arg.name) if isinstance(arg, ex.Name) else None
                        if question is not None and question.type in ("int", "number"):
                            found.setdefault(question.id, {})[derived_id] = None
        return {question_id: tuple(ids) for question_id, ids in found.items()}

    @functools.cached_property
    def question_rank(self) -> dict[str, int]:
        """Each question's place in the interview (topics, then file order)."""
        return {question.id: index for index, question in enumerate(self.question_order())}

    def question_order(self) -> list[Question]:
        rank = {topic.id: index for index, topic in enumerate(self.topics)}
        indexed = list(enumerate(self.questions.values()))
        indexed.sort(key=lambda pair: (rank.get(pair[1].topic, len(rank)), pair[0]))
        return [question for _, question in indexed]

    def coverage(self, as_of: dt.date) -> list[str]:
        """A warning when `as_of` is outside the dates the rules model: before the earliest (`covers_from`),
        where rules that began later would be applied, or after the rulebook's own `review_by`, when the law
        may have changed since they were written. Never an error, since lawyers look back (and ahead) on
        purpose. A sentence, so its dates are words like the review warnings beside it (`1 June 2008`); ISO
        stays in `as_of`."""
        start, end = self.info.covers_from, self.info.review_by
        if start is not None and as_of < start:
            return [_("{date} is before {start}, the earliest date the rulebook '{title}' models: rules that began "
                      "later are applied to it").format(date=format_date(as_of), start=format_date(start),
                                                        title=self.info.title)]
        if end is not None and as_of > end:
            return [_("{date} is after {end}, when the rulebook '{title}' was due for review: the law may have "
                      "changed since its rules were written").format(date=format_date(as_of), end=format_date(end),
                                                                     title=self.info.title)]
        return []

    def stale(self, as_of: dt.date) -> list[str]:
        """Warnings about the rulebook's data on `as_of`: a date outside its coverage (which says when the
        rulebook itself is past review), and time-sensitive data in force then whose review date has passed."""
        return self.coverage(as_of) + [_("{what} was due for review on {date}").format(
            what=self._review_name(item), date=format_date(item.review_by))
            for item in review_due(self.review_items, as_of)]

    def _review_name(self, item: StaleItem) -> str:
        """What is due for review, in this rulebook's language (its own titles)."""
        if item.kind == "table" and item.item in self.tables:
            return _("Table '{id}' ({title})").format(id=item.item, title=self.tables[item.item].title)
        if item.kind == "derived":
            return _("Derived value '{id}' (version {number})").format(id=item.item, number=item.version)
        if item.kind == "cutoffs":
            return _("Recent rounds of '{id}'").format(id=item.item)
        return item.what

    # Evaluation is implemented in screener.evaluation; these are thin conveniences.
    def evaluate(self, answers: Mapping[str, Any], as_of: dt.date | None = None) -> Report:
        from screener.evaluation import evaluate

        return evaluate(self, answers, as_of=as_of)

    def open_questions(
        self, answers: Mapping[str, Any], as_of: dt.date | None = None, skip: Iterable[str] = ()
    ) -> list[Question]:
        from screener.evaluation import open_questions

        return open_questions(self, answers, as_of=as_of, skip=skip)

    @functools.cached_property
    def _whole_numbers(self) -> dict[str, tuple[float, float]]:
        """Each number question's range, within the digits answers may have (`answers.LIMIT`)."""
        from screener.answers import LIMIT

        return {qid: (max(-LIMIT + 1, -math.inf if q.min is None else q.min),
                      min(LIMIT - 1, math.inf if q.max is None else q.max))
                for qid, q in self.questions.items() if q.type in NUMERIC_TYPES}

    def read_answers(self, raw: Mapping[str, Any], *, allow_unknown_fields: bool = False) -> dict[str, Any]:
        """`answers.read_answers`, remembering how each yes/no and choice text reads (few spellings, read often)."""
        readings, whole, questions = self._readings, self._whole_numbers, self.questions
        values: dict[str, Any] = {}
        for field_id, answer in raw.items():
            if type(answer) is str:
                found = readings.get((field_id, answer), _UNREAD)  # a yes/no or choice text read before
                if found is not _UNREAD:
                    if found is not _BLANK:
                        values[field_id] = found
                    continue
            elif type(answer) is int and (span := whole.get(field_id)) is not None and span[0] <= answer <= span[1]:
                values[field_id] = answer  # what `coerce` gives a whole number within the question's range
                continue
            question = questions.get(field_id)
            if question is None:
                return self._read_every_answer(raw, allow_unknown_fields)
            from screener.answers import coerce, is_blank  # only for an answer not read before: no import per person

            if is_blank(answer):
                value = _BLANK
            else:
                try:
                    value = values[field_id] = coerce(question, answer)
                except ValueError:  # every problem, listed the usual way
                    return self._read_every_answer(raw, allow_unknown_fields)
            if type(answer) is str and question.type in ("yes_no", "choice"):
                if len(readings) > 50_000:
                    readings.clear()
                readings[(field_id, answer)] = value
        return values

    def _read_every_answer(self, raw: Mapping[str, Any], allow_unknown_fields: bool) -> dict[str, Any]:
        from screener.answers import read_answers

        return read_answers(self.questions, raw, allow_unknown_fields=allow_unknown_fields)


# ---------------------------------------------------------------------------------------- loading


class Unreported(Container[str]):
    """The names whose problems a load does not report where they are used: the ids of items rejected and
    reported on their own (`broken`), and the ids written in a rule file that could not be read (`unread`,
    its file name -> those ids, None when even they cannot be read, as in a file that is not text).

    A name asked about is one a check would have reported as unknown; one the unread files may define is
    counted as a problem left out (`left_out`, by file), so the list says how many the unread files hide."""

    def __init__(self, broken: set[str]) -> None:
        self.broken = broken
        self.unread: dict[str, frozenset[str] | None] = {}
        self.left_out: dict[str, int] = {}

    def __contains__(self, name: object) -> bool:
        if name in self.broken:
            return True
        for file, ids in self.unread.items():
            if ids is None or name in ids:
                self.left_out[file] = self.left_out.get(file, 0) + 1
                return True
        return False

    def notes(self) -> list[str]:
        """One line for each unread file whose consequences were left out."""
        return [ngettext("(1 more problem, which follows from {file} not being read, is left out)",
                         "({count} more problems, which follow from {file} not being read, are left out)",
                         count).format(count=count, file=file) for file, count in self.left_out.items() if count]


_WRITTEN_ID = re.compile(r"""^[ \t-]*id:[ \t]*["']?([A-Za-z_][A-Za-z0-9_]*)["']?[ \t]*(?:#.*)?$""", re.MULTILINE)


def _written_keys(text: str) -> frozenset[str]:
    """The ids a translation file's text gives texts for: its keys indented once (`  age:` under `questions:`)."""
    return frozenset(re.findall(r"^  ([A-Za-z_][A-Za-z0-9_]*)[ \t]*:", text, re.MULTILINE))


def _written_ids(text: str) -> frozenset[str]:
    """The ids written in a rule file's text, line by line (for a file that is not valid YAML); its top-level
    sections are counted as ids too, so `rulebook:` and `topics:` mark what a missing file held."""
    return frozenset(_WRITTEN_ID.findall(text)) | frozenset(re.findall(r"^([a-z_]+):", text, re.MULTILINE))


class RulebookLoader:
    def __init__(self, root: Path, rules_hash: str | None = None) -> None:
        self.root = root
        self.rules_hash = rules_hash  # `content_hash(root)` when the caller has computed it already
        self.errors: list[LoadError] = []
        self.lines: dict[str, list[str]] = {}
        self.raw: dict[str, LocatedDict] = {}
        self.broken: set[str] = set()
        self.unreported = Unreported(self.broken)
        self.unread_texts: dict[str, Unreported] = {}  # language -> its translation files that could not be read
        self.rulebook_rejected = False
        self.bad_values: dict[Position, LoadError] = {}  # a value that could not be read (a bad date): reported once
        self.indices: dict[tuple[str, str], list[int]] = {}  # (file, section) -> file index of each valid item
        # Warnings as the checks meet them; a check too slow for a load that shows none leaves a function that
        # finds its warnings when `Rulebook.warnings` is asked (`noted`).
        self.load_warnings: list[LoadError | Callable[[], list[LoadError]]] = []
        self.translation_entries: list[tuple[Path, str]] = []  # (path, display name) of each *.xx.yaml
        self.listed: list[tuple[Path, str | None]] | None = None  # the rule folder's files, as read
        self.file_bytes: dict[Path, bytes] = {}  # what each file held when read: its content hash needs no second read
        self.parsed: dict[str, ex.Node] = {}  # each expression text's tree (a third of a rulebook's are repeats)

    def error(self, position: Position, message: str) -> None:
        self.errors.append(LoadError(position, message))

    def read_text(self, path: Path, name: str) -> str:
        """`read_file_text`, keeping the bytes for the content hash (`read_hash`)."""
        data = self.file_bytes[path] = read_file_bytes(path, name)
        return decode_text(data, name)

    def read_hash(self) -> str:
        """`content_hash(self.root)` from the bytes this load read, when it read every file (a clean load does)."""
        entries = self.listed
        if entries is None or any(problem is not None or path not in self.file_bytes for path, problem in entries):
            return content_hash(self.root)
        return _entries_hash(self.root, entries, self.file_bytes)

    # -- reading and schema validation

    def read_files(self) -> list[tuple[str, RuleFile]]:
        entries = self.listed = _rule_entries(self.root)
        if not entries:
            self.error(Position(str(self.root), 1, 1), _("no rule files (*.yaml) found in this folder"))
        parsed: list[tuple[str, RuleFile]] = []
        for path, problem in entries:
            name = _display(self.root, path)
            if problem is not None:
                self.error(Position(name, 1, 1), problem)
                if translation_language(path.name) is None:
                    self.unreported.unread[name] = None
                continue
            if translation_language(path.name) is not None:
                self.translation_entries.append((path, name))
                continue
            text = None
            try:
                text = self.read_text(path, name)
                self.lines[name] = text.splitlines()
                data = self.read_yaml(text, name)
            except (YamlSyntaxError, DuplicateKeyError) as exc:
                self.error(exc.position, str(exc))
                if text is None and path in self.file_bytes:  # not UTF-8: its ids are most likely still legible
                    text = self.file_bytes[path].decode("utf-8", errors="replace")
                self.unreported.unread[name] = None if text is None else _written_ids(text)
                continue
            if data is None:
                continue
            if not isinstance(data, LocatedDict):
                self.error(Position(name, 1, 1), _("a rule file must be a mapping of sections ({sections})").format(
                    sections=", ".join(RuleFile.model_fields)))
                self.unreported.unread[name] = _written_ids(text)
                continue
            self.raw[name] = data
            parsed.append((name, self.validate_sections(data, name)))
        return parsed

    def read_yaml(self, text: str, name: str) -> Any:
        """`load_yaml_text`, a value that cannot be read (`2025-13-07`) reported without losing the file: it is
        read as its text, which the item's validation then rejects (`bad_values` keeps that from a second line)."""
        found: list[tuple[Position, str]] = []
        data = load_yaml_text(text, name, value_problems=found)
        for position, message in found:
            self.error(position, message)
            self.bad_values[position] = self.errors[-1]
        return data

    def read_translations(self) -> list[tuple[str, str, dict[str, Any]]]:
        """Every `*.<lang>.yaml` (read after `read_files`): (display name, language, validated texts as data)."""
        from screener.quickvalid import quick_data
        from screener.translation_format import TranslationFile

        found: list[tuple[str, str, dict[str, Any]]] = []
        for path, name in self.translation_entries:
            lang = translation_language(path.name)
            assert lang is not None
            try:
                text = self.read_text(path, name)
                self.lines[name] = text.splitlines()
                data = self.read_yaml(text, name)
            except (YamlSyntaxError, DuplicateKeyError) as exc:
                self.error(exc.position, str(exc))
                self.unread_texts.setdefault(lang, Unreported(set())).unread[name] = (
                    None if name not in self.lines else _written_keys("\n".join(self.lines[name])))
                continue
            if lang == "fr":  # French typography: « mot » and `mot :` with no-break spaces
                self.load_warnings.append(functools.partial(_typography, name, text, self.lines[name]))
            if data is None:
                continue
            if not isinstance(data, LocatedDict):
                self.error(Position(name, 1, 1), _("a translation file must be a mapping of sections ({sections})"
                                                    ).format(sections=", ".join(TranslationFile.model_fields)))
                self.unread_texts.setdefault(lang, Unreported(set())).unread[name] = _written_keys(text)
                continue
            self.raw[name] = data
            texts = quick_data(TranslationFile, data)  # plain data from here on: the rule cache stores it as JSON
            if texts is None:
                model = validate_model(TranslationFile, data, name, self.errors)
                if model is None and (salvaged := _salvaged(TranslationFile, data)) is not None:
                    # a misspelled or unknown key (reported) hides none of the file's other problems
                    model, self.raw[name] = salvaged
                texts = None if model is None else model.model_dump(mode="json", exclude_unset=True)
            if texts is not None:
                found.append((name, lang, texts))
        return found

    def validate_sections(self, data: LocatedDict, file: str) -> RuleFile:
        """Validate item by item, so one broken item does not hide the problems of the others."""
        fields = RuleFile.model_fields
        sections: dict[str, Any] = {}
        for section, value in data.items():
            if section not in fields:
                self.error(data.key_positions[section], _("unknown section '{section}'").format(section=section)
                           + did_you_mean(section, fields)
                           + _("; sections are: {sections}").format(sections=", ".join(fields)))
                continue
            item_model = _inner_model(fields[section].annotation)
            if section == "rulebook" or not isinstance(value, LocatedList):
                checked = validate_model(RuleFile, LocatedDict_of(data, section), file, self.errors)
                if checked is not None:
                    sections[section] = getattr(checked, section)
                elif section == "rulebook":
                    self.rulebook_rejected = True  # its problems are listed: not also "no 'rulebook' section"
                continue
            good = []
            kept: list[int] = []  # each good item's index in the file: positions are looked up by it
            for index, item in enumerate(value):
                model = validate_model(item_model, item, file, self.errors)
                if model is None:
                    model = self.salvage(item_model, value, index)
                if model is not None:
                    good.append(model)
                    kept.append(index)
                else:
                    self.parse_rejected(file, (section, index), item)
                    if isinstance(item, dict) and isinstance(item.get("id"), str):
                        self.broken.add(item["id"])  # already reported: spare its users a second error
            sections[section] = good
            self.indices[(file, section)] = kept
        return RuleFile.model_construct(**sections)

    def salvage(self, model: type[M], items: LocatedList, index: int) -> M | None:
        """A rejected item (its problems already reported) with misspelled keys corrected and unknown keys
        dropped, so its expressions are still checked and nothing that uses it reports a second error.

        The corrected item replaces the raw one (keeping every position), so later problems point into
        the file as written. None when the item has other problems: it stays out, as `broken`.
        """
        found = _salvaged(model, items[index])
        if found is None:
            return None
        items[index] = found[1]
        return found[0]

    def parse_rejected(self, file: str, path: tuple[int | str, ...], data: Any) -> None:
        """Parse the expressions of an item too broken to salvage, so their syntax errors are listed as well
        (their names and types cannot be checked without the item)."""
        pending = [(path, data)]
        while pending:
            here, node = pending.pop()
            if isinstance(node, LocatedDict):
                for key, value in node.items():
                    if key in EXPRESSION_KEYS and isinstance(value, str) and value.strip():
                        self.compile(value, file, (*here, key))
                    elif key != "rows":  # table cells are named by their columns, never expressions
                        pending.append(((*here, key), value))
            elif isinstance(node, LocatedList):
                pending.extend(((*here, index), value) for index, value in enumerate(node))

    def entries(self, file: str, model: RuleFile, section: str) -> Iterator[tuple[int, Any]]:
        """The valid items of one section, each with its index in the file (not among the valid ones)."""
        found = getattr(model, section)
        return zip(self.indices.get((file, section), range(len(found))), found, strict=True)

    def position(self, file: str, path: tuple[int | str, ...], *, at_key: bool = False) -> Position:
        return position_of(self.raw[file], path, Position(file, 1, 1), at_key=at_key)

    # -- expressions

    def compile(self, source: str, file: str, path: tuple[int | str, ...]) -> Compiled | None:
        position = self.position(file, path)
        node = self.parsed.get(source)
        if node is None:  # a tree is immutable: the same text shares one
            try:
                node = self.parsed[source] = ex.parse(source)
            except ex.ExpressionError as exc:
                self.error(self.at_offset(position, source, exc.offset), _parse_advice(exc.message))
                return None
        return Compiled(node, source, position)

    def at_offset(self, position: Position, source: str, offset: int) -> Position:
        """Where character `offset` of an expression sits in the file, when the value is on one line."""
        lines = self.lines.get(position.file, [])
        if 0 < position.line <= len(lines):
            line = lines[position.line - 1]
            start = position.column - 1
            if line.startswith(source, start):
                return Position(position.file, position.line, position.column + offset)
            if line[start:start + 1] in "\"'" and line.startswith(source, start + 1):
                return Position(position.file, position.line, position.column + 1 + offset)
        return position

    def type_errors(self, compiled: Compiled, context: ex.TypeContext) -> ex.Type | None:
        context.errors = []
        found = ex.check(compiled.node, context)
        for problem in context.errors:
            self.error(self.at_offset(compiled.position, compiled.source, problem.offset),
                       _name_advice(problem.message, compiled.node))
        return found

    # -- the whole rulebook

    def load(self) -> Rulebook:
        files = self.read_files()
        info: RulebookInfo | None = None
        info_position: Position | None = None
        topics: list[Topic] = []
        names: dict[str, Position] = {"as_of": Position("(built in)", 1, 1)}
        items: dict[str, dict[str, tuple[Any, str, tuple[int | str, ...]]]] = {
            section: {} for section in (
                "questions", "derived", "tables", "scores", "pathways", "flags", "leads", "warnings", "topics")
        }
        for file, model in files:
            if model.rulebook is not None:
                here = self.position(file, ("rulebook",))
                if info is not None and info_position is not None:
                    self.error(here, _("a second 'rulebook' section (the first is at {position})").format(
                        position=info_position))
                info, info_position = model.rulebook, here
            for section in items:
                for index, item in self.entries(file, model, section):
                    path: tuple[int | str, ...] = (section, index)
                    here = self.position(file, (*path, "id"))
                    previous = items[section].get(item.id)
                    if previous is not None:
                        first = self.position(previous[1], (*previous[2], "id"))
                        newer, older = (first, here) if _edited_later(previous[1], file) else (here, first)
                        self.error(newer, _("duplicate {section} id '{id}': also defined at {position}; rename or "
                                            "remove one of them").format(
                            section=section[:-1] if section != "derived" else "derived", id=item.id, position=older))
                        continue
                    if section in ("questions", "derived", "tables", "scores"):
                        if item.id in names:
                            self.error(here, _("'{id}' is already a name (defined at {position})").format(
                                id=item.id, position=names[item.id]))
                            continue
                        names[item.id] = here
                    items[section][item.id] = (item, file, path)
            topics.extend(model.topics)
        if info is None and files and not self.rulebook_rejected and "rulebook" not in self.unreported:
            self.error(Position(str(self.root), 1, 1), _("no 'rulebook' section (id, title, version, disclaimer)"))

        questions = {k: v[0] for k, v in items["questions"].items()}
        derived = {k: v[0] for k, v in items["derived"].items()}
        tables = {k: v[0] for k, v in items["tables"].items()}
        scores = {k: v[0] for k, v in items["scores"].items()}
        pathways = {k: v[0] for k, v in items["pathways"].items()}
        flags = {k: v[0] for k, v in items["flags"].items()}
        leads = {k: v[0] for k, v in items["leads"].items()}
        answer_warnings = {k: v[0] for k, v in items["warnings"].items()}
        topic_ids = [t.id for t in topics]

        for qid, (question, file, path) in items["questions"].items():
            if question.topic not in topic_ids and question.topic not in self.unreported:
                self.error(self.position(file, (*path, "topic")),
                           _("unknown topic '{topic}'").format(topic=question.topic)
                           + did_you_mean(question.topic, topic_ids) + _("; the topics are: {topics}").format(
                               topics=", ".join(topic_ids) or _("(none: add them under `topics:`)")))
            if question.type == "choice" and len(set(question.choice_values)) != len(question.choice_values):
                self.error(self.position(file, (*path, "choices")),
                           _("question '{id}' repeats a choice").format(id=qid))

        signatures = {tid: self.check_table(table, *items["tables"][tid][1:]) for tid, table in tables.items()}
        for table, file, path in items["tables"].values():
            self.check_table_dates(table, file, path)
        for value, file, path in items["derived"].values():
            self.check_versions(value, file, path)
        rules = Rules()
        implied: dict[str, Any] = {}
        review: list[StaleItem] = []
        for tid, table in tables.items():
            if table.review_by:
                starts = [row.effective_from for row in table.rows]
                ends = [row.effective_until for row in table.rows]
                review.append(StaleItem(f"Table '{tid}' ({table.title})", table.review_by,
                                        None if None in starts else min(d for d in starts if d),
                                        None if None in ends else max(d for d in ends if d), kind="table", item=tid))

        def add(source: str | None, file: str, path: tuple[int | str, ...]) -> Compiled | None:
            return None if source is None else self.compile(str(source), file, path)

        def template(text: str, file: str, path: tuple[int | str, ...]) -> Template:
            parts: list[tuple[str, Compiled | None]] = []
            forms: list[tuple[str, str] | None] = []
            last = 0
            for match in PLACEHOLDER.finditer(text):
                parts.append((text[last:match.start()], None))
                forms.append(None)
                source, *wordings = (" ".join(piece.split()) for piece in match.group(1).split("|"))
                if wordings and len(wordings) != 2:
                    self.error(self.position(file, path), _(
                        "{{{placeholder}}} gives {count} wordings: a placeholder with wordings gives two, for one "
                        "and for more, with % for the number, e.g. {{family_size | one person | % people}}").format(
                            placeholder=" | ".join([source, *wordings]), count=len(wordings)))
                    wordings = []
                compiled = self.compile(source, file, path)
                if compiled is not None:
                    parts.append(("", compiled))
                    forms.append((wordings[0], wordings[1]) if wordings else None)
                last = match.end()
            parts.append((text[last:], None))
            forms.append(None)
            return Template(text, tuple(parts), tuple(forms) if any(forms) else ())

        for qid, (question, file, path) in items["questions"].items():
            when = None
            if question.implied is not None:
                when = add(question.implied.when, file, (*path, "implied", "when"))
                implied[qid] = self.implied_value(question, file, path)
            scales = []
            for index, scale in enumerate(question.scales):
                compiled = add(scale.when, file, (*path, "scales", index, "when"))
                if compiled is not None:
                    scales.append((scale, compiled))
            prompts = []
            for index, asked in enumerate(question.prompts):
                compiled = add(asked.when, file, (*path, "prompts", index, "when"))
                if compiled is not None:
                    prompts.append((index, compiled))
            rules.questions[qid] = QuestionRules(
                add(question.relevant_if, file, (*path, "relevant_if")), when,
                implied.get(qid) if when is not None else None, tuple(scales), tuple(prompts))
        for did, (value, file, path) in items["derived"].items():
            versions: list[tuple[Any, Compiled]] = []
            plain = add(value.expr, file, (*path, "expr"))
            if plain is not None:
                versions.append((None, plain))
            for index, version in enumerate(value.versions or []):
                compiled = add(version.expr, file, (*path, "versions", index, "expr"))
                if compiled is not None:
                    versions.append((version, compiled))
                if version.review_by:
                    review.append(StaleItem(f"Derived value '{did}' (version {index + 1})", version.review_by,
                                            version.effective_from, version.effective_until, kind="derived",
                                            item=did, version=index + 1))
            rules.derived[did] = DerivedRule(value, tuple(versions))
        for sid, (score, file, path) in items["scores"].items():
            self.check_score(score, file, path)
            lines = []
            for index, line in enumerate(score.lines):
                points = add(line.points, file, (*path, "lines", index, "points"))
                if points is not None:
                    lines.append(LineRule(line, points))
            categories = []
            for index, category in enumerate(score.cutoffs.categories if score.cutoffs else []):
                condition = add(category.condition, file, (*path, "cutoffs", "categories", index, "condition"))
                categories.append(CategoryRule(category, condition))
            self.check_categories(score, file, path)
            rules.scores[sid] = ScoreRule(score, tuple(lines), tuple(categories))
            self.load_warnings.append(functools.partial(self.score_replacements, score, file, path))
            if score.cutoffs and score.cutoffs.review_by:
                review.append(StaleItem(f"Recent rounds of '{sid}'", score.cutoffs.review_by, kind="cutoffs", item=sid))
        for pid, (pathway, file, path) in items["pathways"].items():
            seen: dict[str, int] = {}
            requirements = []
            for index, requirement in enumerate(pathway.requirements):
                rpath = (*path, "requirements", index)
                if requirement.id in seen:
                    first = self.position(file, (*path, "requirements", seen[requirement.id], "id"))
                    self.error(self.position(file, (*rpath, "id")),
                               _("duplicate requirement id '{id}' in pathway '{pathway}' (also at {position}): "
                                 "rename one; a new version of a requirement gets its own id (e.g. '{id}_2027') "
                                 "and the old one an `effective_until`").format(
                                   id=requirement.id, pathway=pid, position=first))
                seen.setdefault(requirement.id, index)
                condition = add(requirement.condition, file, (*rpath, "condition"))
                actual = add(requirement.actual, file, (*rpath, "actual"))
                advice = None if requirement.advice is None else template(requirement.advice, file, (*rpath, "advice"))
                needed = (template(requirement.needed, file, (*rpath, "needed"))
                          if isinstance(requirement.needed, str) else None)
                text = template(requirement.text, file, (*rpath, "text"))
                if condition is not None:
                    requirements.append(RequirementRule(requirement, condition, text, actual, advice, needed))
                    self.load_warnings.append(functools.partial(self.check_text_numbers, requirement, condition,
                                                                rules, file, rpath))
            steps = []
            for index, step in enumerate(pathway.next_steps):
                spath = (*path, "next_steps", index)
                only_if = add(step.only_if, file, (*spath, "only_if"))
                steps.append(StepRule(step, template(step.text, file, (*spath, "text")), only_if))
            notes = tuple(template(note, file, (*path, "notes", index)) for index, note in enumerate(pathway.notes))
            rules.pathways[pid] = PathwayRule(pathway, tuple(requirements), tuple(steps), notes)
            self.check_summary(pathway, file, path)
            self.load_warnings.append(functools.partial(self.pathway_replacements, pathway, file, path))
            for score_id in pathway.scores:
                if score_id not in scores and score_id not in self.unreported:
                    self.error(self.position(file, (*path, "scores")),
                               _("unknown score '{id}'").format(id=score_id) + did_you_mean(score_id, scores))
        for section in ("flags", "leads", "warnings"):
            shown = list(items[section].values())
            self.load_warnings.append(functools.partial(self.shown_replacements, section, shown))
        for fid, (flag, file, path) in items["flags"].items():
            condition = add(flag.condition, file, (*path, "condition"))
            if condition is not None:
                rules.flags[fid] = ShownRule(flag, condition, template(flag.text, file, (*path, "text")))
        for lid, (lead, file, path) in items["leads"].items():
            condition = add(lead.condition, file, (*path, "condition"))
            steps = []
            for index, step in enumerate(lead.next_steps):
                spath = (*path, "next_steps", index)
                only_if = add(step.only_if, file, (*spath, "only_if"))
                steps.append(StepRule(step, template(step.text, file, (*spath, "text")), only_if))
            if condition is not None:
                rules.leads[lid] = ShownRule(lead, condition, template(lead.text, file, (*path, "text")), tuple(steps))
        for wid, (warning, file, path) in items["warnings"].items():
            condition = add(warning.condition, file, (*path, "condition"))
            if condition is not None:
                rules.warnings[wid] = ShownRule(warning, condition, template(warning.text, file, (*path, "text")))

        translations: dict[str, Translation] = {}
        required = set(info.languages.required) if info is not None and info.languages is not None else set()
        by_language: dict[str, list[tuple[str, dict[str, Any]]]] = {lang: [] for lang in sorted(required)}
        for name, lang, texts in self.read_translations():
            by_language.setdefault(lang, []).append((name, texts))
        if info is not None and info_position is not None:
            for lang, texts_files in by_language.items():
                if lang == ENGLISH:
                    for name, _lang in texts_files:
                        self.error(Position(name, 1, 1), _("the English texts are the rule files themselves: "
                                                           "an .en.yaml translation file is not read"))
                    continue
                if not texts_files:
                    self.error(info_position, _("languages: required: {lang} but there is no {language} translation "
                                                "file (*.{lang}.yaml)").format(lang=lang, language=language_name(lang)))
                    continue
                problems = Problems(self.error, lambda p, m: self.load_warnings.append(LoadError(p, m)),
                                    lang in required, self.unreported,
                                    self.unread_texts.get(lang, Unreported(set())))
                translations[lang] = self.translation(
                    lang, texts_files, items, (info, next(f for f, m in files if m.rulebook is not None)),
                    {topic.id: (topic, file, ("topics", index)) for file, model in files
                     for index, topic in self.entries(file, model, "topics")},
                    template, problems)

        self.load_warnings.append(functools.partial(  # found when the warnings are asked for, in this place
            self.check_translated_numbers, translations,
            {lang: [name for name, _texts in texts_files] for lang, texts_files in by_language.items()}, rules))
        self.check_implied(questions, rules)
        order = self.dependency_order(items, rules, names)
        self.check_nesting(rules, order)
        types = self.infer_types(questions, signatures, rules, order)

        if self.errors:
            raise self.rejected()
        assert info is not None
        if translations:  # a label in any language is accepted as an answer in every language
            questions = with_other_labels(questions, list(translations.values()))
        rules_hash = self.rules_hash or self.read_hash()
        self.file_bytes.clear()  # the lazy warnings (`warnings_later`) keep this loader: not the files' bytes
        return Rulebook(
            path=self.root, info=info, topics=topics, questions=questions, derived=derived, tables=tables,
            scores=scores, pathways=pathways, flags=flags, rules=rules, graph=build_graph(rules, questions, order),
            types=types, review_items=review, content_hash=rules_hash,
            implied=implied, find_warnings=self.warnings_later(items, rules),
            leads=leads, answer_warnings=answer_warnings, translations=translations,
        )

    def rejected(self) -> RulebookError:
        """The load's problems, as one error: a value that could not be read is reported once (not again by
        its item's validation), and a line says how many problems an unread rule file hides."""
        return RulebookError([error for error in self.errors if self.bad_values.get(error.position, error) == error],
                             notes=[*self.unreported.notes(),
                                    *(note for texts in self.unread_texts.values() for note in texts.notes())])

    def translation(self, lang: str, files: list[tuple[str, dict[str, Any]]],
                    items: Mapping[str, Mapping[str, tuple[Any, str, tuple[int | str, ...]]]],
                    info: tuple[Any, str], topics: Mapping[str, tuple[Any, str, tuple[int | str, ...]]],
                    template: Callable[[str, str, tuple[int | str, ...]], Template], problems: Problems) -> Translation:
        """One language's texts, checked against the English (`translations.check_translation`)."""
        return check_translation(lang, files, items, info, topics, self.position, template, problems)

    def implied_value(self, question: Question, file: str, path: tuple[int | str, ...]) -> Any:
        """The `implied.value`, read as an answer to the question would be."""
        from screener.answers import coerce

        assert question.implied is not None
        try:
            return coerce(question, question.implied.value)
        except ValueError as error:
            self.error(self.position(file, (*path, "implied", "value")),
                       _("implied value: {problem}").format(problem=error))
            return None

    def check_implied(self, questions: Mapping[str, Question], rules: Rules) -> None:
        """An implied answer may depend only on questions that are asked, never on computed values."""
        for qid in questions:
            compiled = rules.questions[qid].implied_when if qid in rules.questions else None
            if compiled is None:
                continue
            for name in sorted(compiled.names):
                target = questions.get(name)
                if target is None or target.implied is not None:
                    self.error(compiled.position, _("implied: 'when' may read only questions without an implied "
                                                    "answer, not '{name}'").format(name=name))

    def warnings_later(self, items: Mapping[str, Mapping[str, tuple[Any, str, tuple[int | str, ...]]]],
                       rules: Rules) -> Callable[[], list[LoadError]]:
        """`warnings_found`, to be run when `Rulebook.warnings` is first asked, in the language of this load."""
        return _in_language(i18n.current(), functools.partial(self.warnings_found, items, rules))

    def warnings_found(self, items: Mapping[str, Mapping[str, tuple[Any, str, tuple[int | str, ...]]]],
                       rules: Rules) -> list[LoadError]:
        """Every warning of a clean load: what nothing reads, then what the checks noted on the way."""
        return (self.unused(items, rules) + self.noted() + self.check_stated_numbers(items, rules)
                + self.stale_needed(items, rules))

    def noted(self) -> list[LoadError]:
        """The warnings noted during the load, in order, those left for later found now."""
        return [found for entry in self.load_warnings
                for found in ([entry] if isinstance(entry, LoadError) else entry())]

    def stale_needed(self, items: Mapping[str, Mapping[str, tuple[Any, str, tuple[int | str, ...]]]],
                     rules: Rules) -> list[LoadError]:
        """A warning at `needed:` when it writes a number its condition never uses.

        `needed: "≥ 67"` beside `condition: fsw_selection_grid` goes stale when the derived value becomes
        `fsw_points >= 70`: `rules diff` would then explain a flip with the old number. The condition's
        numbers are its literals, those of the derived values it reads (the version of the day), digits in the
        names it reads (`canadian_work_years_last_3`), and the cells of any table it looks up, on each day
        the versions of those derived values change (`stated.days`): a version from 2027-02-01 that compares
        with 70 leaves "≥ 67" stale from that day.
        """
        from screener import stated  # the numbers texts state: only the warnings read them

        tables = {tid: entry[0] for tid, entry in items["tables"].items()}
        found = []
        for pid, (pathway, file, path) in items["pathways"].items():
            compiled = {id(rule.model): rule for rule in rules.pathways[pid].requirements} if pid in rules.pathways \
                else {}
            for index, requirement in enumerate(pathway.requirements):
                rule = compiled.get(id(requirement))
                if rule is None or requirement.needed is None or isinstance(requirement.needed, bool):
                    continue
                said = (stated.text_numbers(requirement.needed, stated.AMOUNT) if isinstance(requirement.needed, str)
                        else [requirement.needed])
                node = rule.condition.node

                def stale(day: dt.date | None, said: list[float] = said,
                          node: ex.Node = node) -> tuple[list[float], set[float]] | None:
                    used = stated.numbers_used(node, rules, tables, day)
                    missing = [number for number in said if not stated.states([number], used)]
                    return (missing, used) if missing else None

                found_stale = stated.first_stale(stated.days([node], rules), stale)
                if found_stale is not None:
                    when, (missing, used) = found_stale
                    found.append(LoadError(self.position(file, (*path, "requirements", index, "needed")), _(
                        _STALE_MESSAGES["needed"][when is not None]).format(
                            id=requirement.id, said=", ".join(map(_number, missing)), when=when,
                            used=", ".join([*map(_number, sorted(used)[:8]), "…"][:min(len(used), 9)]) or "-")))
        return found

    def unused(self, items: Mapping[str, Mapping[str, tuple[Any, str, tuple[int | str, ...]]]],
               rules: Rules) -> list[LoadError]:
        """Questions, derived values and tables nothing reads: often a misspelling, or a rule left behind."""
        used: set[str] = set()
        for compiled in rules.all_expressions():
            used |= compiled.names
        found = []
        for section, what in (("questions", N_("question '{id}' is never used")),
                              ("derived", N_("derived value '{id}' is never used")),
                              ("tables", N_("table '{id}' is never used"))):
            for item_id, (_item, file, path) in items[section].items():
                if item_id not in used:
                    found.append(LoadError(self.position(file, (*path, "id")), _(what).format(id=item_id)))
        return found

    def check_table(self, table: Table, file: str, path: tuple[int | str, ...]) -> ex.TableSignature:
        columns = tuple(table.columns) if table.columns else ("points",)
        text_values: set[str] = set()
        for index, row in enumerate(table.rows):
            rpath = (*path, "rows", index)
            cells = _rejoin_thousands(row.cells)
            for cell, value in cells.items():
                if isinstance(value, str) and _plain_number(value) is not None:
                    self.error(self.position(file, (*rpath, cell)),
                               _("'{cell}' must be a plain number: write {number} (no '$', no commas)").format(
                                   cell=cell, number=_plain_number(value)))
                elif cell not in columns:
                    hint = did_you_mean(cell, [*columns, "at", "in", "from", "to", "effective_from",
                                                "effective_until"])
                    self.error(self.position(file, (*rpath, cell), at_key=True),
                               _("unknown column '{cell}'").format(cell=cell) + hint)
                elif isinstance(value, bool) or not isinstance(value, int | float):
                    self.error(self.position(file, (*rpath, cell)), _("'{cell}' must be a number").format(cell=cell))
                elif _out_of_range(value):
                    self.error(self.position(file, (*rpath, cell)), _(
                        "'{cell}' must be a finite number below 10^{digits} in size (as in expressions)").format(
                            cell=cell, digits=ex.MAX_DIGITS))
            for column in columns:
                if column not in row.cells:
                    self.error(self.position(file, rpath),
                               _("row has no value for column '{column}'").format(column=column))
            keys = [k for k in (row.at,) if k is not None] + list(row.in_ or [])
            for key in keys:
                if table.key == "number" and (isinstance(key, bool) or not isinstance(key, int | float)):
                    self.error(self.position(file, rpath), _("table '{id}' has number keys, not '{key}'").format(
                        id=table.id, key=key))
                elif table.key == "number" and _out_of_range(key):
                    self.error(self.position(file, rpath), _(
                        "a key must be a finite number below 10^{digits} in size (as in expressions)").format(
                            digits=ex.MAX_DIGITS))
                elif table.key == "text":
                    if not isinstance(key, str):
                        self.error(self.position(file, rpath), _("table '{id}' has text keys; quote '{key}'").format(
                            id=table.id, key=key))
                    text_values.add(str(key))
            if table.key == "text" and (row.from_ is not None or row.to is not None):
                self.error(self.position(file, rpath), _("from/to ranges need a number key"))
            if row.at is not None and row.in_ is not None:
                self.error(self.position(file, rpath), _("a row matches by 'at' or 'in', not both"))
        key_type = ex.Type("text", frozenset(text_values)) if table.key == "text" else ex.NUMBER
        return ex.TableSignature(key=key_type, columns=columns)

    def check_table_dates(self, table: Table, file: str, path: tuple[int | str, ...]) -> None:
        """A dated table: every row has a start date, and no two rows for one key are in force on one day.

        Undated tables keep "first matching row wins" (a catch-all row last is a normal pattern); once
        rows carry dates, a second row for the same key must be a *new version* with its own dates, or
        a lawyer adding next year's amounts without closing this year's would silently get the old ones.
        """
        from screener import dated

        if not any(row.effective_from or row.effective_until for row in table.rows):
            return
        for index, row in enumerate(table.rows):
            if row.effective_from is None:
                self.error(self.position(file, (*path, "rows", index)),
                           _("row {number} of table '{id}' has no start date: in a table with dated rows every "
                             "row needs `effective_from`").format(number=index + 1, id=table.id))
        text = table.key == "text"
        for later_index, later in enumerate(table.rows):
            for earlier_index, earlier in enumerate(table.rows[:later_index]):
                if _keys_overlap(earlier, later, text=text) and dated.dates_overlap(earlier, later):
                    self.overlap(_("row {number} of table '{id}'").format(number=earlier_index + 1, id=table.id),
                                 earlier, self.position(file, (*path, "rows", earlier_index)),
                                 _("row {number}").format(number=later_index + 1), later,
                                 self.position(file, (*path, "rows", later_index)), _("for the same key"))
        for old_index, old in enumerate(table.rows):
            if old.effective_until is None:
                continue
            after = old.effective_until + dated.ONE_DAY
            starts_later = [i for i, row in enumerate(table.rows) if (row.effective_from or dt.date.min) > after
                            and _keys_overlap(old, row, text=text)]
            uncovered = [i for i in starts_later if not any(
                in_force(row, after) and _keys_overlap(row, table.rows[i], text=text) for row in table.rows)]
            if uncovered:
                new_index = min(uncovered, key=lambda i: table.rows[i].effective_from or dt.date.min)
                days = dated.gap(old, table.rows[new_index])
                assert days is not None
                here = self.position(file, (*path, "rows", new_index))
                self.error(here, dated.gap_message(
                    _("row {number} of table '{id}'").format(number=old_index + 1, id=table.id),
                    self.position(file, (*path, "rows", old_index)), old,
                    _("row {number}").format(number=new_index + 1), here, table.rows[new_index], days,
                    _(" for the same key, so the table has no value for it then")))

    def check_versions(self, value: Derived, file: str, path: tuple[int | str, ...]) -> None:
        """Two versions of a derived value in force on the same day are an error, never "earliest wins"."""
        from screener import dated

        versions = value.versions or []
        for later_index, later in enumerate(versions):
            for earlier_index, earlier in enumerate(versions[:later_index]):
                if dated.dates_overlap(earlier, later):
                    self.overlap(_("version {number} of '{id}'").format(number=earlier_index + 1, id=value.id),
                                 earlier, self.position(file, (*path, "versions", earlier_index)),
                                 _("version {number}").format(number=later_index + 1), later,
                                 self.position(file, (*path, "versions", later_index)), "")
        if any(dated.dates_overlap(a, b) for i, a in enumerate(versions) for b in versions[:i]):
            return  # the overlaps are the problem to fix first
        for old, new, days in dated.version_gaps(versions):
            here = self.position(file, (*path, "versions", new))
            self.error(here, dated.gap_message(
                _("version {number} of '{id}'").format(number=old + 1, id=value.id),
                self.position(file, (*path, "versions", old)), versions[old],
                _("version {number}").format(number=new + 1), here, versions[new], days,
                _(", so the value is unknown then and every verdict that reads it incomplete")))

    def positions(self, file: str, path: tuple[int | str, ...], count: int) -> list[Position]:
        """Where each of the `count` items of the list at `path` starts."""
        return [self.position(file, (*path, index)) for index in range(count)]

    # A dated item that reads like a new version of an earlier one is only a warning: the loader notes where
    # to look for them (`load_warnings`) and looks when the warnings are asked for (`rules validate`).

    def score_replacements(self, score: Score, file: str, path: tuple[int | str, ...]) -> list[LoadError]:
        from screener import dated

        lines = score.lines
        return self.check_replacements(
            lines, [_("line '{line}' of '{score}'").format(line=line.id, score=score.id) for line in lines],
            [dated.shape(line.points) for line in lines], self.positions(file, (*path, "lines"), len(lines)),
            _("the same points with other values"))

    def pathway_replacements(self, pathway: Pathway, file: str, path: tuple[int | str, ...]) -> list[LoadError]:
        from screener import dated

        requirements, steps = pathway.requirements, pathway.next_steps
        return self.check_replacements(
            requirements, [_("requirement '{id}'").format(id=r.id) for r in requirements],
            [dated.shape(r.condition) for r in requirements],
            self.positions(file, (*path, "requirements"), len(requirements)),
            _("the same condition with other values"),
        ) + self.check_replacements(
            steps, [_("next step {number} of '{id}'").format(number=i + 1, id=pathway.id) for i in range(len(steps))],
            [f"{dated.shape(step.text)} if {dated.shape(step.only_if)}" for step in steps],
            self.positions(file, (*path, "next_steps"), len(steps)), _("the same text with other numbers"))

    def shown_replacements(self, section: str, shown: list[tuple[Any, str, tuple[int | str, ...]]]) -> list[LoadError]:
        from screener import dated

        return self.check_replacements([item for item, _f, _p in shown],
                                       [_(_SHOWN_NAMES[section]).format(id=item.id) for item, _f, _p in shown],
                                       [dated.shape(item.condition) for item, _f, _p in shown],
                                       [self.position(file, path) for _i, file, path in shown],
                                       _("the same condition with other values"))

    def check_replacements(self, items: Sequence[Dated], names: Sequence[str], keys: Sequence[str | None],
                           positions: Sequence[Position], alike: str) -> list[LoadError]:
        """A warning when a dated item reads like a new version of an earlier one (`alike`) and the two
        overlap (both count) or leave days between them (neither counts)."""
        from screener import dated

        warnings = []
        for found in dated.replacements(items, keys):
            old, new = items[found.old], items[found.new]
            old_at, here = positions[found.old], positions[found.new]
            old_name, new_name = names[found.old], names[found.new]
            if found.days is None:
                message = _("{new} ({new_at}) reads like a new version of {old} ({old_at}) ({alike}), but both "
                            "are in force {days}: if it replaces it, {fix}").format(
                    new=new_name, new_at=here, old=old_name, old_at=old_at, alike=alike,
                    days=dated.shared_days(old, new), fix=dated.overlap_fix(old_name, old, new_name, new))
            else:
                message = _("{new} reads like a new version of {old} ({alike}), but ").format(
                    new=new_name, old=old_name, alike=alike) + dated.gap_message(
                    old_name, old_at, old, new_name, here, new, found.days, "")
            warnings.append(LoadError(here, message))
        return warnings

    def check_text_numbers(self, requirement: Requirement, condition: Compiled, rules: Rules, file: str,
                           path: tuple[int | str, ...], lang: str = ENGLISH,
                           texts: Mapping[str, str] | None = None) -> list[LoadError]:
        """A warning when a requirement's text or advice names numbers, none of them the condition's, on some day.

        Changing `age <= 35` to `age <= 30` and forgetting "You are 35 or younger" (or the advice beside
        it) would show people the old law; so would a `versions:` entry from a date under a derived value the
        condition reads. A number written once, as a dated derived value, and used as `{placeholder}` in the
        text cannot drift. With `lang` and `texts` (key -> text), the same for a translation's texts ("Vous
        avez 35 ans ou moins"), at `file` and `path` in its translation file.
        """
        from screener import stated  # the numbers texts state: only the warnings read them

        warnings: list[LoadError] = []
        for key in ("text", "advice"):
            text = getattr(requirement, key) if texts is None else texts.get(key)
            plain = stated.english_digits(text, lang) if text else ""
            said = stated.text_numbers(plain) if plain else []
            found = (stated.stale_text(said, stated.limit_numbers(text, lang), condition.node, rules)
                     if text and said else None)
            if found is None:
                continue
            when, (said, wanted) = found
            numbers = {"id": requirement.id, "said": ", ".join(map(_number, said)), "when": when,
                       "wanted": ", ".join(map(_number, wanted)), "its_id": "{its_id}"}
            if texts is None:
                message = _(_TEXT_NUMBER_WARNINGS[key] if when is None else _DATED_TEXT_NUMBER_WARNINGS[key])
            else:
                message = _(_TRANSLATED_NUMBER_WARNINGS[key][when is not None])
                numbers["language"] = language_name(lang)
            warnings.append(LoadError(self.position(file, (*path, key)), message.format(**numbers)))
        return warnings

    def check_translated_numbers(self, translations: Mapping[str, Translation], files: Mapping[str, list[str]],
                                 rules: Rules) -> list[LoadError]:
        """`check_text_numbers` for each translated requirement text and advice, at its place in the translation
        file (`files`: language -> its translation files, by name). Run only when the warnings are asked for
        (`noted`): a load that shows none never looks up a requirement's translated texts."""
        warnings: list[LoadError] = []
        for lang, translation in translations.items():
            for pid, pathway in rules.pathways.items():
                for requirement in pathway.requirements:
                    rid = requirement.model.id
                    where = ("pathways", pid, "requirements", rid)
                    texts = {key: text for key in ("text", "advice")
                             if (text := translation.get(*where, key)) is not None}
                    if not texts:  # nothing translated here: no file to look for
                        continue
                    file = next((name for name in files.get(lang, []) if _holds(self.raw.get(name), where)), None)
                    if file is not None:
                        warnings += self.check_text_numbers(requirement.model, requirement.condition, rules, file,
                                                            where, lang, texts)
        return warnings

    def check_stated_numbers(self, items: Mapping[str, Mapping[str, tuple[Any, str, tuple[int | str, ...]]]],
                             rules: Rules) -> list[LoadError]:
        """Warnings at a derived value's text and a score's title that name a number the rules no longer use.

        "At least 67 points" as the text of `fsw_points >= 70`, or a score titled "pass mark 67" that a
        version in force from 2027-02-01 compares with 70: neither text has versions, so it would show the
        old number on the new date.
        """
        from screener import stated  # the numbers texts state: only the warnings read them

        def numbers(said: Iterable[float]) -> str:
            return ", ".join(map(_number, said))

        found: list[LoadError] = []
        for did, (value, file, path) in items["derived"].items():
            said = stated.limit_numbers(value.text) if value.text else []
            stale = stated.stale_text(said, said, ex.Name(did, 0), rules) if said and did in rules.derived else None
            if stale is not None:
                when, (_said, wanted) = stale
                found.append(LoadError(self.position(file, (*path, "text")), _(
                    _STALE_MESSAGES["derived"][when is not None]).format(
                        id=did, said=numbers(said), when=when, wanted=numbers(wanted), its_id="{its_id}")))
        sources: list[tuple[ex.Node, str]] = [(ex.Name(did, 0), _("derived value '{id}'").format(id=did))
                                              for did in rules.derived]
        sources += [(requirement.condition.node, _("requirement '{id}' of '{pathway}'").format(
            id=requirement.model.id, pathway=pid)) for pid, pathway in rules.pathways.items()
            for requirement in pathway.requirements]
        for sid, (score, file, path) in items["scores"].items():
            limits = {score.max, *(group.max for group in score.groups)}
            said = [number for number in stated.limit_numbers(score.title) if number not in limits]
            compared = self.score_stale(sid, said, sources, rules) if said else None
            if compared is not None:
                when, (where, number) = compared
                found.append(LoadError(self.position(file, (*path, "title")), _(
                    _STALE_MESSAGES["title"][when is not None]).format(
                        id=sid, said=numbers(said), when=when, where=where, wanted=_number(number), its_id="{its_id}")))
        return found

    @staticmethod
    def score_stale(score_id: str, said: list[float], sources: list[tuple[ex.Node, str]],
                    rules: Rules) -> tuple[str | None, tuple[str, float]] | None:
        """The first rule that compares the score with a number its title does not say, and when."""
        from screener import stated  # the numbers texts state: only the warnings read them

        for node, where in sources:
            def stale(day: dt.date | None, node: ex.Node = node, where: str = where) -> tuple[str, float] | None:
                return next(((where, number) for side, number in stated.comparisons(node, rules, day)
                             if isinstance(side, ex.Name) and side.name == score_id
                             and not stated.states(said, [number])), None)

            found = stated.first_stale(stated.days([node], rules), stale)
            if found is not None:
                return found
        return None

    def overlap(self, first: str, earlier: Dated, first_at: Position, second: str, later: Dated,
                second_at: Position, what: str) -> None:
        """One error at the second item naming both positions, the days they share and the fix."""
        from screener import dated

        self.error(second_at, _("{first} ({first_at}) and {second} ({second_at}) are both in force {days}: {fix}"
                                ).format(first=first, first_at=first_at, second=second, second_at=second_at,
                                         days=dated.shared_days(earlier, later) + (" " + what if what else ""),
                                         fix=dated.overlap_fix(first, earlier, second, later)))

    def check_categories(self, score: Score, file: str, path: tuple[int | str, ...]) -> None:
        """Round categories: unique ids, and two versions of one round type never in force on the same day
        (the rounds would be compared under either); a gap between versions is an error too."""
        categories = score.cutoffs.categories if score.cutoffs else []
        where = (*path, "cutoffs", "categories")
        seen: dict[str, int] = {}
        for index, category in enumerate(categories):
            if category.id in seen:
                self.error(self.position(file, (*where, index, "id")),
                           _("duplicate category id '{id}' in score '{score}' (also at {position}): rename one"
                             ).format(id=category.id, score=score.id,
                                      position=self.position(file, (*where, seen[category.id], "id"))))
            seen.setdefault(category.id, index)
        by_type: dict[str, list[int]] = {}
        for index, category in enumerate(categories):
            by_type.setdefault(category.type, []).append(index)
        for indexes in by_type.values():
            self.check_dated_versions([categories[i] for i in indexes],
                                      [_("category '{id}'").format(id=categories[i].id) for i in indexes],
                                      [self.position(file, (*where, i)) for i in indexes],
                                      _("for rounds of type '{type}'").format(type=categories[indexes[0]].type),
                                      _(", so its rounds are compared with nobody's score then"))

    def check_summary(self, pathway: Pathway, file: str, path: tuple[int | str, ...]) -> None:
        """Dated wordings of a summary: exactly one in force on every date (no overlap, no gap, the first
        without a start and the last without an end), so every verdict has one."""
        from screener import dated

        if isinstance(pathway.summary, str):
            return
        versions = pathway.summary
        names = [_("summary version {number} of '{id}'").format(number=index + 1, id=pathway.id)
                 for index in range(len(versions))]
        positions = self.positions(file, (*path, "summary"), len(versions))
        if not self.check_dated_versions(versions, names, positions, "", _(", so the pathway has no summary then")):
            return
        order = dated.by_start(versions)
        first, last = order[0], max(order, key=lambda i: versions[i].effective_until or dt.date.max)
        if versions[first].effective_from is not None:
            self.error(positions[first], _("{name} starts on {date}: no summary is in force before it; remove its "
                                           "`effective_from` (the first wording covers every earlier date)").format(
                                             name=names[first], date=versions[first].effective_from))
        if versions[last].effective_until is not None:
            self.error(positions[last], _("{name} ends on {date}: no summary is in force after it; remove its "
                                          "`effective_until` (the last wording covers every later date)").format(
                                            name=names[last], date=versions[last].effective_until))

    def check_dated_versions(self, versions: Sequence[Dated], names: Sequence[str], positions: Sequence[Position],
                             what: str, consequence: str) -> bool:
        """Versions of one thing never in force on the same day, and no days between them: errors naming
        both positions and the fix. True when there is neither."""
        from screener import dated

        clash = False
        for later, newer in enumerate(versions):
            for earlier, older in enumerate(versions[:later]):
                if dated.dates_overlap(older, newer):
                    clash = True
                    self.overlap(names[earlier], older, positions[earlier], names[later], newer, positions[later],
                                 what)
        if clash:
            return False
        gaps = dated.version_gaps(versions)
        for old, new, days in gaps:
            self.error(positions[new], dated.gap_message(names[old], positions[old], versions[old], names[new],
                                                         positions[new], versions[new], days, consequence))
        return not gaps

    def check_score(self, score: Score, file: str, path: tuple[int | str, ...]) -> None:
        group_ids = [g.id for g in score.groups]
        for index, group in enumerate(score.groups):
            if group_ids.count(group.id) > 1 and group_ids.index(group.id) != index:
                self.error(self.position(file, (*path, "groups", index, "id")),
                           _("duplicate group '{id}'").format(id=group.id))
            if group.parent is not None and group.parent not in group_ids:
                self.error(self.position(file, (*path, "groups", index, "parent")),
                           _("unknown group '{id}'").format(id=group.parent) + did_you_mean(group.parent, group_ids))
        line_ids: set[str] = set()
        for index, line in enumerate(score.lines):
            if line.id in line_ids:
                self.error(self.position(file, (*path, "lines", index, "id")),
                           _("duplicate line id '{id}'").format(id=line.id))
            line_ids.add(line.id)
            if line.group is not None and line.group not in group_ids:
                self.error(self.position(file, (*path, "lines", index, "group")),
                           _("unknown group '{id}'").format(id=line.group) + did_you_mean(line.group, group_ids))

    def dependency_order(
        self,
        items: Mapping[str, Mapping[str, tuple[Any, str, tuple[int | str, ...]]]],
        rules: Rules,
        names: Mapping[str, Position],
    ) -> list[str]:
        """Derived values and scores in an order where every dependency comes first; reports cycles."""
        depends: dict[str, set[str]] = {}
        for did, value in rules.derived.items():
            depends[did] = {name for _, compiled in value.versions for name in compiled.names}
        for sid, score in rules.scores.items():
            depends[sid] = {name for line in score.lines for name in line.points.names}
        computed = set(items["derived"]) | set(items["scores"])
        for name in computed:
            depends.setdefault(name, set())
        order: list[str] = []
        state: dict[str, int] = {}  # 1 visiting, 2 done
        reported: set[frozenset[str]] = set()
        for root in sorted(computed):  # depth first with an explicit stack: a long chain needs no recursion
            if state.get(root) == 2:
                continue
            state[root] = 1
            trail = [root]
            pending = [iter(sorted(depends[root] & computed))]
            while pending:
                following = next(pending[-1], None)
                if following is None:
                    pending.pop()
                    done = trail.pop()
                    state[done] = 2
                    order.append(done)
                elif state.get(following) == 1:
                    cycle = [*trail[trail.index(following):], following]
                    members = frozenset(cycle)
                    if members not in reported:
                        reported.add(members)
                        self.broken.update(members)  # their types cannot be inferred: no follow-on errors
                        self.error(names[following], _("cycle among derived values: {cycle}").format(
                            cycle=" → ".join(cycle)))
                elif state.get(following) != 2:
                    state[following] = 1
                    trail.append(following)
                    pending.append(iter(sorted(depends[following] & computed)))
        return order

    def check_nesting(self, rules: Rules, order: list[str]) -> None:
        """Reject expressions that, with the derived values and scores they read, nest too deeply to evaluate.

        Evaluating a derived value evaluates the ones it reads inside it, so their nesting adds up; each
        step to another value counts as two levels. The limit is `expressions.MAX_DEPTH`.
        """
        reach: dict[str, int] = {}  # levels needed to evaluate a derived value or score, its readings included

        def levels(compiled: Compiled) -> int:
            read = [reach.get(name, 0) for name in compiled.names]
            return ex.depth(compiled.node) + max(read, default=0)

        def report(compiled: Compiled) -> None:  # once, where the limit is first passed
            if all(reach.get(name, 0) <= ex.MAX_DEPTH for name in compiled.names):
                self.error(compiled.position, _("expression nested too deeply (limit {limit}), counting the "
                                                "derived values it reads").format(limit=ex.MAX_DEPTH))

        for qid, question in rules.questions.items():  # an implied answer reads only plain questions
            if question.implied_when is not None:
                reach[qid] = 2 + ex.depth(question.implied_when.node)
        by_name: dict[str, list[Compiled]] = {did: [compiled for _, compiled in value.versions]
                                              for did, value in rules.derived.items()}
        by_name.update({sid: [line.points for line in score.lines] for sid, score in rules.scores.items()})
        for name in order:
            if name in self.broken:
                continue
            needed = [(levels(compiled), compiled) for compiled in by_name.get(name, [])]
            for count, compiled in needed:
                if count > ex.MAX_DEPTH:
                    report(compiled)
            reach[name] = 2 + max((count for count, _ in needed), default=0)
        computed = {id(compiled) for expressions in by_name.values() for compiled in expressions}
        for compiled in rules.all_expressions():
            if id(compiled) not in computed and levels(compiled) > ex.MAX_DEPTH:
                report(compiled)

    def infer_types(
        self,
        questions: Mapping[str, Question],
        signatures: Mapping[str, ex.TableSignature],
        rules: Rules,
        order: list[str],
    ) -> dict[str, ex.Type]:
        types: dict[str, ex.Type] = {"as_of": ex.DATE}
        for qid, question in questions.items():
            types[qid] = question_type(question)
        for sid in rules.scores:
            types[sid] = ex.NUMBER
        context = ex.TypeContext(types, signatures, ignored=self.unreported)
        for name in order:
            if name in rules.derived:
                versions = [compiled for _, compiled in rules.derived[name].versions]
                found: list[ex.Type] = []
                for compiled in versions:
                    kind = self.type_errors(compiled, context)
                    if kind is not None:
                        found.append(kind)
                if found:
                    merged = found[0]
                    for other in found[1:]:
                        if other.kind != merged.kind:
                            self.error(versions[-1].position,
                                       _("versions of '{name}' differ in type").format(name=name))
                        elif merged.kind == "text":
                            merged = ex.Type("text", None if merged.values is None or other.values is None
                                             else merged.values | other.values)
                    types[name] = merged
            elif name in rules.scores:
                for line in rules.scores[name].lines:
                    self.expect(line.points, context, "number", _("score line points"))
        for score_rule in rules.scores.values():
            for category in score_rule.categories:
                if category.condition is not None:
                    self.expect(category.condition, context, "bool", _("a category's condition"))
        for asked in rules.questions.values():
            if asked.relevant_if is not None:
                self.expect(asked.relevant_if, context, "bool", "relevant_if")
            if asked.implied_when is not None:
                self.expect(asked.implied_when, context, "bool", "implied: when")
            for _scale, scale_when in asked.scales:
                self.expect(scale_when, context, "bool", _("a scale's when"))
            for _index, prompt_when in asked.prompts:
                self.expect(prompt_when, context, "bool", _("a prompt's when"))
        for pathway in rules.pathways.values():
            for requirement in pathway.requirements:
                self.expect(requirement.condition, context, "bool", _("a condition"))
                if requirement.actual is not None:
                    self.type_errors(requirement.actual, context)
            for step in pathway.steps:
                if step.only_if is not None:
                    self.expect(step.only_if, context, "bool", "only_if")
        for shown in [*rules.flags.values(), *rules.leads.values(), *rules.warnings.values()]:
            self.expect(shown.condition, context, "bool", _("a condition"))
            for step in shown.steps:
                if step.only_if is not None:
                    self.expect(step.only_if, context, "bool", "only_if")
        for template in rules.templates():
            counted = set(map(id, template.counted()))
            for placeholder in template.expressions():
                if id(placeholder) in counted:  # its number chooses the wording
                    self.expect(placeholder, context, "number", _("a placeholder with wordings for one and more"))
                else:
                    self.type_errors(placeholder, context)
        return types

    def expect(self, compiled: Compiled, context: ex.TypeContext, kind: ex.Kind, what: str) -> None:
        found = self.type_errors(compiled, context)
        if found is not None and found.kind != kind:
            self.error(compiled.position, _("{what} must be {kind}, but this is {found}").format(
                what=what, kind=ex.Type(kind), found=found))


def _written_date(value: Any) -> str | None:
    """A date written year first in another shape (`2025-7-7`, `2025/07/07`) as YYYY-MM-DD, when it is one."""
    match = re.fullmatch(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*", value) if isinstance(value, str) else None
    if match is None:
        return None
    try:
        return dt.date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


def _holds(data: Any, path: tuple[str, ...]) -> bool:
    """Whether a file's data has every key of `path`, one inside the other."""
    for key in path:
        if not isinstance(data, Mapping) or key not in data:
            return False
        data = data[key]
    return True


def _keys_overlap(first: TableRow, second: TableRow, *, text: bool) -> bool:
    """Whether some key would match both rows (as `program.row_matches` matches them)."""
    def values(row: TableRow) -> list[Any] | None:  # None: a range (or everything)
        found = [row.at] if row.at is not None else row.in_
        if found is None:
            return None
        return [str(v).lower() if text else v for v in found]

    def in_range(row: TableRow, value: Any) -> bool:
        if isinstance(value, str | bool):
            return row.from_ is None and row.to is None
        return (row.from_ is None or value >= row.from_) and (row.to is None or value <= row.to)

    left, right = values(first), values(second)
    if left is not None and right is not None:
        return any(ex.same_value(a, b) for a in left for b in right)
    if left is not None:
        return any(in_range(second, value) for value in left)
    if right is not None:
        return any(in_range(first, value) for value in right)
    low = max((v for v in (first.from_, second.from_) if v is not None), default=None)
    high = min((v for v in (first.to, second.to) if v is not None), default=None)
    return low is None or high is None or low <= high


_TEXT_NUMBER_WARNINGS = {
    "text": N_("the text of requirement '{id}' says {said} but its condition compares with {wanted}: update the "
               "text (or write the number once, as a derived value with dated versions, and use {its_id} in both)"),
    "advice": N_("the advice of requirement '{id}' says {said} but its condition compares with {wanted}: update the "
                 "advice (or write the number once, as a derived value with dated versions, and use {its_id} in "
                 "both)"),
}
_TRANSLATED_NUMBER_WARNINGS = {  # (undated, from or until a date)
    "text": (N_("the {language} text of requirement '{id}' says {said} but its condition compares with {wanted}: "
                "update the text"),
             N_("the {language} text of requirement '{id}' says {said} but {when} its condition compares with "
                "{wanted}: a text has no versions, so write the number once, as a derived value with dated versions, "
                "and use {its_id} in the text of every language")),
    "advice": (N_("the {language} advice of requirement '{id}' says {said} but its condition compares with "
                  "{wanted}: update the advice"),
               N_("the {language} advice of requirement '{id}' says {said} but {when} its condition compares with "
                  "{wanted}: advice has no versions, so write the number once, as a derived value with dated "
                  "versions, and use {its_id} in the advice of every language")),
}
_DATED_TEXT_NUMBER_WARNINGS = {
    "text": N_("the text of requirement '{id}' says {said} but {when} its condition compares with {wanted}: a "
               "text has no versions, so write the number once, as a derived value with dated versions, and use "
               "{its_id} in the text"),
    "advice": N_("the advice of requirement '{id}' says {said} but {when} its condition compares with {wanted}: "
                 "advice has no versions, so write the number once, as a derived value with dated versions, and "
                 "use {its_id} in the advice"),
}
_STALE_MESSAGES = {  # (undated, from or until a date) warnings of a text that names a number its rule does not use
    "needed": (N_("'needed' of requirement '{id}' says {said}, a number its condition never uses (it uses {used}): "
                  "update 'needed', or write it as a {{placeholder}} of a value"),
               N_("'needed' of requirement '{id}' says {said}, a number its condition does not use {when} (it then "
                  "uses {used}): write it as a {{placeholder}} of a value with dated versions, so that it changes on "
                  "its date")),
    "derived": (N_("the text of derived value '{id}' says {said} but its expression compares with {wanted}: update "
                   "the text"),
                N_("the text of derived value '{id}' says {said} but {when} its version in force compares with "
                   "{wanted}: a text has no versions, so leave the number out of it (a requirement's text can say "
                   "it as {its_id})")),
    "title": (N_("the title of score '{id}' says {said} but {where} compares the score with {wanted}: update the "
                 "title"),
              N_("the title of score '{id}' says {said} but {when} {where} compares the score with {wanted}: a title "
                 "has no versions, so leave the number out of it (a requirement's text can say it as {its_id})")),
}
_SHOWN_NAMES = {"flags": N_("flag '{id}'"), "leads": N_("lead '{id}'"), "warnings": N_("warning '{id}'")}
def _typography(name: str, text: str, lines: list[str]) -> list[LoadError]:
    """The French typography warnings of one translation file (its « » and `:` spacing), in file order."""
    return [LoadError(Position(name, line, column), message) for line, column, message
            in sorted([*guillemet_problems(lines), *colon_problems(text)])]


def _in_language(lang: str, find: Callable[[], list[LoadError]]) -> Callable[[], list[LoadError]]:
    """`find` run in `lang`, the language of the load: warnings are said in the language of the command that
    loaded the rulebook, whenever they are asked for."""
    def found() -> list[LoadError]:
        with i18n.language(lang):
            return find()
    return found


def _parse_advice(message: str) -> str:
    """`AND`, `Or`, `TRUE`: the words of the language are written in lower case."""
    shouted = re.escape(_("unexpected '{text}'")).replace(re.escape("{text}"), "(and|or|not|true|false)")
    match = re.fullmatch(shouted, message, re.IGNORECASE)
    if match and match.group(1) != match.group(1).lower():
        return _("{message}: write '{word}' in lower case").format(message=message, word=match.group(1).lower())
    return message


def _name_advice(message: str, node: ex.Node) -> str:
    """`job_offer == yes`: a yes/no question is a condition by itself, never compared with yes or no."""
    for found in ex.walk(node):
        if not (isinstance(found, ex.Compare) and found.op in ("==", "!=")):
            continue
        for name, other in ((found.left, found.right), (found.right, found.left)):
            if (isinstance(name, ex.Name) and isinstance(other, ex.Name) and other.name.lower() in ("yes", "no")
                    and message.startswith(_("unknown name '{name}'").format(name=other.name))):
                negate = (other.name.lower() == "no") != (found.op == "!=")
                return _("unknown name '{name}': for a yes/no question write just `{expression}` instead of "
                         "comparing it with {name}").format(name=other.name,
                                                           expression=f"{'not ' if negate else ''}{name.name}")
    return message


def _number(value: float) -> str:
    """`15,263` / `15 263`, `6.5` / `6,5`: as the reader's language writes numbers."""
    return format_number(value)


def _edited_later(first: str, second: str) -> bool:
    """Whether file `first` was saved after `second`: a duplicate is blamed on the copy just edited.

    Within one file, or when the times tie, the later-loaded copy is the new one.
    """
    if first == second:
        return False
    try:
        return os.stat(first).st_mtime_ns > os.stat(second).st_mtime_ns
    except OSError:
        return False


def _plain_number(text: str) -> str | None:
    """`$15,721` or `15,721.50` as the plain number YAML needs (15721, 15721.50); None if not a number."""
    plain = text.strip().lstrip("$").replace(",", "").replace(" ", "").rstrip("$")
    return plain if plain != text.strip() and re.fullmatch(r"-?\d+(\.\d+)?", plain) else None


def _rejoin_thousands(cells: Mapping[str, object]) -> dict[str, object]:
    """Undo YAML's split of `{points: $15,721}` into `points: $15` and a column '721' with no value.

    In a `{...}` row a comma separates cells, so a thousands separator makes a phantom column; the
    person wrote one number, and should hear about one number.
    """
    joined: dict[str, object] = {}
    last: str | None = None
    for cell, value in cells.items():
        previous = joined.get(last) if last is not None else None
        if (value is None and cell.isdigit() and last is not None
                and isinstance(previous, str | int) and not isinstance(previous, bool)):
            joined[last] = f"{previous},{cell}"
            continue
        joined[cell] = value
        last = cell
    return joined


def _out_of_range(value: Any) -> bool:
    """A table number the batch engine's 64-bit floats cannot hold exactly (or at all)."""
    if isinstance(value, int):
        return bool(abs(value) >= 10**ex.MAX_DIGITS)
    return isinstance(value, float) and not (math.isfinite(value) and abs(value) < 10**ex.MAX_DIGITS)


def LocatedDict_of(data: LocatedDict, key: str) -> LocatedDict:
    """A one-key copy of `data` that keeps the positions."""
    single = LocatedDict({key: data[key]})
    single.position = data.position
    single.key_positions = {key: data.key_positions[key]}
    single.value_positions = {key: data.value_positions[key]}
    return single


def question_type(question: Question) -> ex.Type:
    if question.type == "yes_no":
        return ex.BOOL
    if question.type in NUMERIC_TYPES:
        return ex.NUMBER
    if question.type == "date":
        return ex.DATE
    return ex.Type("text", frozenset(question.choice_values))


# ------------------------------------------------------------------------ pydantic errors -> lines


def validate_model(model: type[M], data: Any, file: str, errors: list[LoadError]) -> M | None:
    """Validate `data`; on failure append one LoadError per problem, positioned and worded for people.

    Plainly valid data is built without pydantic's validators (`quickvalid`); pydantic reads the rest."""
    from screener.quickvalid import quick  # a cached load validates nothing

    found = quick(model, data)
    if found is not None:
        return found
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for problem in exc.errors(include_url=False):
            loc = tuple(problem["loc"])
            of_key = loc[-1:] == ("[key]",)  # pydantic's step for a mapping's key: point at the key itself
            loc = loc[:-1] if of_key else loc
            position = position_of(data, loc, getattr(data, "position", Position(file, 1, 1)),
                                   at_key=of_key or problem["type"] == "extra_forbidden")
            errors.append(LoadError(position, _describe(model, problem, loc)))
        return None


def _salvaged(model: type[M], data: Any) -> tuple[M, Any] | None:
    """`data` validated once its misspelled keys are corrected and its unknown keys dropped (`_repaired`), with
    the data so repaired; None when it has problems of another kind."""
    try:
        return model.model_validate(data), data
    except ValidationError as exc:
        repaired = _repaired(model, data, exc.errors(include_url=False))
    if repaired is None:
        return None
    try:
        return model.model_validate(repaired), repaired
    except ValidationError:
        return None


def _repaired(model: type[BaseModel], data: Any, problems: Sequence[Mapping[str, Any]]) -> Any | None:
    """A copy of `data` with each unknown key renamed to the allowed key it misspells, or dropped when it
    misspells none, positions kept; None when a problem is of another kind or a required key stays missing.
    """
    extra: dict[tuple[Any, ...], list[str]] = {}
    missing: dict[tuple[Any, ...], list[str]] = {}
    for problem in problems:
        loc = tuple(problem["loc"])
        if not loc or problem["type"] not in ("extra_forbidden", "missing"):
            return None
        found = extra if problem["type"] == "extra_forbidden" else missing
        found.setdefault(loc[:-1], []).append(str(loc[-1]))
    copy = _located_copy(data)
    for parent in extra.keys() | missing.keys():
        node = copy
        for step in parent:
            inside = (isinstance(node, LocatedDict) and isinstance(step, str) and step in node) or (
                isinstance(node, LocatedList) and isinstance(step, int) and 0 <= step < len(node))
            if not inside:
                return None
            node = node[step]
        if not isinstance(node, LocatedDict):
            return None
        unknown = extra.get(parent, [])
        free = [key for key in _allowed_keys(model, parent) if key not in node or key in unknown]
        for key in unknown:
            meant = closest(key, free)
            value, key_at, value_at = node.pop(key), node.key_positions.pop(key), node.value_positions.pop(key)
            if meant is not None:
                free.remove(meant)
                node[meant], node.key_positions[meant], node.value_positions[meant] = value, key_at, value_at
        if any(key not in node for key in missing.get(parent, [])):
            return None
    return copy


def _located_copy(data: Any) -> Any:
    """A copy of the mappings and lists of `data`, with their positions."""
    if isinstance(data, LocatedDict):
        mapping = LocatedDict({key: _located_copy(value) for key, value in data.items()})
        mapping.position = data.position
        mapping.key_positions = dict(data.key_positions)
        mapping.value_positions = dict(data.value_positions)
        return mapping
    if isinstance(data, LocatedList):
        sequence = LocatedList(_located_copy(item) for item in data)
        sequence.position = data.position
        sequence.item_positions = list(data.item_positions)
        return sequence
    return data


def _describe(model: type[BaseModel], problem: Mapping[str, Any], loc: tuple[Any, ...]) -> str:
    kind = problem["type"]
    where = human_location(loc)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _allowed_keys(model, loc[:-1])
        return _("unknown key '{key}'").format(key=key) + did_you_mean(key, allowed) + (
            _("; allowed here: {keys}").format(keys=", ".join(allowed))
            if allowed and not did_you_mean(key, allowed) else "")
    if kind == "missing":
        return _("missing required key '{key}'").format(key=loc[-1]) if loc else _("missing value")
    message = str(problem["msg"])
    message = message.removeprefix("Value error, ")
    context = problem.get("ctx") or {}
    if isinstance(context.get("error"), RuleProblem):  # a model check of ours: worded in the reader's language
        message = _(context["error"].template).format(**context["error"].values)
    elif kind in _PYDANTIC_WORDS:
        values = {key: value for key, value in context.items() if isinstance(value, str | int | float)}
        message = _(_PYDANTIC_WORDS[kind]).format(**values)
    if kind == "string_pattern_mismatch" and context.get("pattern") == LANGUAGE.pattern:
        message = _("'{value}' is not a language code: use two lowercase letters such as en or fr").format(
            value=problem.get("input"))
    elif kind == "string_pattern_mismatch":
        message = _("'{value}' is not a valid id: use lower_snake_case (a-z, 0-9, _)").format(
            value=problem.get("input"))
    elif kind.startswith(("date_", "datetime_")):
        written = _written_date(problem.get("input"))
        message = (_("write the date as YYYY-MM-DD: {date}").format(date=written) if written
                   else _("write the date as YYYY-MM-DD (e.g. 2026-07-07)"))
    elif kind == "literal_error":
        expected = str(context.get("expected", "")).replace(" or ", ", ")
        hint = did_you_mean(str(problem.get("input")), re.findall(r"'([^']*)'", expected))
        message = _("'{value}' is not allowed").format(value=problem.get("input")) + (
            hint or _("; use one of: {names}").format(names=expected))
    return f"{where}: {message}" if where else message


# pydantic's own checks by kind, in screener's words (its messages are English only); others stay as written
_PYDANTIC_WORDS = {
    "int_parsing": N_("must be a whole number"), "int_type": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"), "float_parsing": N_("must be a number"),
    "float_type": N_("must be a number"), "string_type": N_("must be a text"),
    "bool_parsing": N_("must be true or false"), "bool_type": N_("must be true or false"),
    "list_type": N_("must be a list (- lines)"),
    "dict_type": N_("must be a mapping (key: value lines)"), "model_type": N_("must be a mapping (key: value lines)"),
    "model_attributes_type": N_("must be a mapping (key: value lines)"),
    "greater_than": N_("must be greater than {gt}"),
    "greater_than_equal": N_("must be {ge} or more"), "less_than_equal": N_("must be {le} or less"),
    "string_too_short": N_("must not be empty"), "too_short": N_("must not be empty"),
    "string_too_long": N_("must be at most {max_length} characters"),
}


def human_location(loc: tuple[Any, ...]) -> str:
    """A pydantic location as people count: `rows.1.at` is `rows #2 at` (the second row), never from 0."""
    parts: list[str] = []
    for step in loc:
        if isinstance(step, int) and parts:
            parts[-1] += f" #{step + 1}"
        else:
            parts.append(f"#{step + 1}" if isinstance(step, int) else str(step))
    return " → ".join(parts)


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    current: Any = model
    keyed = False  # the previous field is a mapping keyed by id: this step is an id, not a field
    for step in loc:
        if isinstance(step, int) or keyed:
            keyed = False
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(step) or next(
            (f for f in current.model_fields.values() if f.alias == step), None)
        if info is None:
            return []
        keyed = get_origin(info.annotation) is dict
        current = _inner_model(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or name for name, f in current.model_fields.items()]
    return []


def _inner_model(annotation: Any) -> Any:
    for candidate in _flatten(annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _flatten(annotation: Any) -> Iterator[Any]:
    if get_origin(annotation) is None:
        yield annotation
        return
    for arg in get_args(annotation):
        yield from _flatten(arg)


# ------------------------------------------------------------------------------------ public API


def content_hash(root: Path) -> str:
    """What the rule files say: names and bytes, plus every entry that cannot be read (so it is reported)."""
    return _entries_hash(root, _rule_entries(root))


def cases_hash(root: Path) -> str:
    """What the test case files (`root/tests/*.yaml`) say, as `content_hash` for the rule files."""
    tests = root / TESTS_FOLDER
    return _entries_hash(root, yaml_entries(tests) if tests.is_dir() else [])


def _entries_hash(root: Path, entries: list[tuple[Path, str | None]], read: Mapping[Path, bytes] | None = None) -> str:
    """The hash of the files' names and bytes (those in `read` as read there, the others read now)."""
    digest = hashlib.sha256()
    for path, problem in entries:
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        try:
            if problem is not None:
                raise YamlSyntaxError(Position(str(path), 1, 1), problem)
            data = read.get(path) if read is not None else None
            digest.update(data if data is not None else read_file_bytes(path, str(path)))
        except YamlSyntaxError as error:
            digest.update(b"\0unreadable: " + error.message.encode() + b"\0")
    return digest.hexdigest()[:16]


def load_rulebook(path: str | os.PathLike[str] | None = None) -> Rulebook:
    """Load and check the rulebook folder at `path` ($SCREENER_RULES or the default when None)."""
    root = resolve_rules_path(path)
    if not root.is_dir():
        raise RulebookError([LoadError(Position(str(root), 1, 1), _("no such rulebook folder"))])
    return RulebookLoader(root).load()


def with_case_errors(load: Callable[[Path], Rulebook], root: Path) -> Rulebook:
    """`load(root)`; when its rule files are rejected, the case files' problems are listed with theirs, so that
    one run shows every problem: their shape, and the names they use against the ids the rule files define as
    written (`written_names`). A kind of name that cannot be known so is said to be checked on a later run."""
    try:
        return load(root)
    except RulebookError as error:
        from screener.casecheck import CaseNames

        problems = error.errors
        names = written_names(root)
        try:
            load_cases(root, names)
        except RulebookError as cases_error:
            problems = [*problems, *cases_error.errors]
        rejected = RulebookError(problems, notes=error.notes)
        unchecked = names.unchecked
        if unchecked and case_files(root):
            rejected.details.append(
                _("(the names in the test cases are checked once the rule files load)")
                if len(unchecked) == len(CaseNames.KEYS) else
                _("(the names the test cases give under {keys} are checked once the rule files load)").format(
                    keys=", ".join(unchecked)))
        raise rejected from None


def written_names(root: Path) -> CaseNames:
    """The ids the rule files under `root` define, read as written (for the case files when the rules are
    rejected). A kind whose ids cannot all be read is None: any rule file that is not a readable YAML mapping,
    or has a section that is not one (a misspelled `pathwayz:` may hold any kind), leaves every kind unknown;
    a section that is not a list, or an item without an id, leaves its own kind unknown."""
    from screener.casecheck import CaseNames

    kinds = ("questions", "pathways", "scores", "flags", "leads", "warnings")
    found: dict[str, dict[str, None]] = {kind: {} for kind in kinds}
    lines: dict[str, dict[str, None]] | None = {}  # score id -> its lines' ids; None once one cannot be read
    categories: dict[str, dict[str, None]] | None = {}
    unknown: set[str] = set()
    languages: set[str] = set()
    for path, problem in _rule_entries(root):
        lang = translation_language(path.name)
        if lang is not None:
            languages.add(lang)
            continue
        data: Any = None
        readable = problem is None
        if readable:
            try:
                name = _display(root, path)  # a value that cannot be read (a bad date) leaves the ids readable
                data = load_yaml_text(read_file_text(path, name), name, value_problems=[])
            except (YamlSyntaxError, DuplicateKeyError):
                readable = False
        if readable and data is None:
            continue  # an empty file defines nothing
        if not readable or not isinstance(data, Mapping) or any(key not in RuleFile.model_fields for key in data):
            unknown.update(kinds)
            lines = categories = None
            continue
        for kind in kinds:
            items = data.get(kind) or []
            if not isinstance(items, list):
                unknown.add(kind)
                continue
            for item in items:
                ident = item.get("id") if isinstance(item, Mapping) else None
                if not isinstance(ident, str):
                    unknown.add(kind)
                    continue
                found[kind][ident] = None
                if kind == "scores":
                    cutoffs = item.get("cutoffs") or {}
                    lines = _ids_under(lines, ident, item.get("lines"))
                    categories = _ids_under(categories, ident, (cutoffs.get("categories") or [])
                                            if isinstance(cutoffs, Mapping) else None)
    known = {kind: None if kind in unknown else ids for kind, ids in found.items()}
    return CaseNames(questions=known["questions"], pathways=known["pathways"], scores=known["scores"],
                     score_lines=None if "scores" in unknown else lines,
                     categories=None if "scores" in unknown else categories,
                     flags=known["flags"], leads=known["leads"], warnings=known["warnings"],
                     languages=[ENGLISH, *sorted(set(languages) - {ENGLISH})])


def _ids_under(found: dict[str, dict[str, None]] | None, owner: str, items: Any) -> dict[str, dict[str, None]] | None:
    """`found` with the ids of `items` (a score's lines or categories) added under `owner`; None when they
    cannot all be read."""
    if found is None or not isinstance(items, list):
        return None
    ids = found.setdefault(owner, {})
    for item in items:
        ident = item.get("id") if isinstance(item, Mapping) else None
        if not isinstance(ident, str):
            return None
        ids[ident] = None
    return found


def load_cases(root: Path, rulebook: Rulebook | CaseNames | None = None) -> list[tuple[str, Case, Position]]:
    """The YAML test cases under `root/tests`, each with its file position; RulebookError listing every
    problem of every case file if any is malformed.

    With `rulebook`, every case is also checked against it (`casecheck`), even one whose shape is wrong:
    an answer to no question or that its question refuses (`age: two`), and every pathway, score, line,
    category, flag, lead, warning or language it expects that the rulebook lacks, is an error here, not a
    case that runs and fails. With the names a rejected rulebook's files define (`written_names`), only the
    names are checked.
    """
    from screener.casecheck import CaseNames, case_problems

    names = rulebook if isinstance(rulebook, CaseNames) or rulebook is None else CaseNames.of(rulebook)

    errors: list[LoadError] = []
    cases: list[tuple[str, Case, Position]] = []
    tests = root / TESTS_FOLDER
    for path, problem in yaml_entries(tests) if tests.is_dir() else []:
        name = _display(root, path)
        if problem is not None:
            errors.append(LoadError(Position(name, 1, 1), problem))
            continue
        try:
            data = load_yaml_file(path, name)
        except (YamlSyntaxError, DuplicateKeyError) as exc:
            errors.append(LoadError(exc.position, str(exc)))
            continue
        model = validate_model(CaseFile, data, name, errors)
        items = data.get("tests") if isinstance(data, LocatedDict) else None
        positions: list[Position] = items.item_positions if isinstance(items, LocatedList) else []
        if names is not None and isinstance(items, LocatedList):
            for index, (item, at) in enumerate(zip(items, positions, strict=True)):
                errors.extend(LoadError(position_of(data, ("tests", index, *where), at, at_key=at_key), message)
                              for where, at_key, message in case_problems(names, item))
        if model is not None:
            cases.extend((name, case, positions[index] if index < len(positions) else Position(name, 1, 1))
                         for index, case in enumerate(model.tests))
    if errors:
        raise RulebookError(errors, cases=True)
    return cases
