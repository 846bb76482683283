"""Loading a rulebook folder: every file read, every problem found, nothing run.

`load_rulebook(path)` reads all YAML files, validates them against `screener.model`, parses and
type-checks every expression against the questions, and either returns a `Rulebook` or raises
`RulebookError` listing *every* problem as `file:line:col: message`. Evaluation lives in
`screener.evaluation`; this module only builds the checked, compiled form.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError

from screener import expressions as ex
from screener.errors import ScreenerError
from screener.model import (
    Case,
    CaseFile,
    Derived,
    Flag,
    Pathway,
    Question,
    RulebookInfo,
    RuleFile,
    Score,
    Table,
    Topic,
)
from screener.source import (
    DuplicateKeyError,
    LocatedDict,
    LocatedList,
    Position,
    YamlSyntaxError,
    load_yaml_file,
    position_of,
)
from screener.suggest import did_you_mean

TESTS_FOLDER = "tests"
M = TypeVar("M", bound=BaseModel)
PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True, order=True)
class LoadError:
    position: Position
    message: str

    def __str__(self) -> str:
        return f"{self.position}: {self.message}"


class RulebookError(ScreenerError):
    """The rulebook was rejected; `errors` lists every problem found."""

    def __init__(self, errors: Iterable[LoadError]) -> None:
        self.errors = sorted(set(errors), key=lambda e: (e.position.file, e.position.line, e.position.column))
        count = len(self.errors)
        super().__init__(
            f"the rulebook was rejected: {count} problem{'s' if count != 1 else ''}",
            details=[str(error) for error in self.errors],
        )


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


def rule_files(root: Path) -> list[Path]:
    return sorted(
        p for p in root.rglob("*.yaml")
        if p.is_file() and TESTS_FOLDER not in p.relative_to(root).parts[:-1]
    )


def case_files(root: Path) -> list[Path]:
    tests = root / TESTS_FOLDER
    return sorted(p for p in tests.rglob("*.yaml") if p.is_file()) if tests.is_dir() else []


def _display(root: Path, path: Path) -> str:
    return str(root / path.relative_to(root)) if path.is_relative_to(root) else str(path)


# ----------------------------------------------------------------------------------- compiled form


@dataclass(frozen=True)
class Compiled:
    """An expression with the position it came from."""

    node: ex.Node
    source: str
    position: Position


@dataclass
class CompiledText:
    """Text with `{expression}` placeholders."""

    text: str
    parts: list[tuple[str, Compiled | None]]


@dataclass
class StaleItem:
    what: str
    review_by: dt.date


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
    expressions: dict[tuple[str, ...], Compiled]
    texts: dict[tuple[str, ...], CompiledText]
    types: dict[str, ex.Type]
    order: list[str]  # derived values and scores, dependencies first
    review_items: list[StaleItem]
    content_hash: str
    implied: dict[str, Any] = field(default_factory=dict)  # question id -> its implied answer (typed)
    warnings: list[LoadError] = field(default_factory=list)

    @property
    def version(self) -> str:
        return self.info.version

    def expr(self, *key: str) -> Compiled:
        return self.expressions[key]

    def question_order(self) -> list[Question]:
        rank = {topic.id: index for index, topic in enumerate(self.topics)}
        indexed = list(enumerate(self.questions.values()))
        indexed.sort(key=lambda pair: (rank.get(pair[1].topic, len(rank)), pair[0]))
        return [question for _, question in indexed]

    def stale(self, as_of: dt.date) -> list[str]:
        """Warnings for time-sensitive data whose review date has passed."""
        return [
            f"{item.what} was due for review on {item.review_by.isoformat()}"
            for item in self.review_items
            if item.review_by < as_of
        ]

    # Evaluation is implemented in screener.evaluation; these are thin conveniences.
    def evaluate(self, answers: Mapping[str, Any], as_of: dt.date | None = None) -> Any:
        from screener.evaluation import evaluate

        return evaluate(self, answers, as_of=as_of)

    def open_questions(
        self, answers: Mapping[str, Any], as_of: dt.date | None = None, skip: Iterable[str] = ()
    ) -> list[Question]:
        from screener.evaluation import open_questions

        return open_questions(self, answers, as_of=as_of, skip=skip)

    def read_answers(self, raw: Mapping[str, Any], *, allow_unknown_fields: bool = False) -> dict[str, Any]:
        from screener.answers import read_answers

        return read_answers(self.questions, raw, allow_unknown_fields=allow_unknown_fields)


# ---------------------------------------------------------------------------------------- loading


class _Loader:
    def __init__(self, root: Path, rules_hash: str | None = None) -> None:
        self.root = root
        self.rules_hash = rules_hash  # `content_hash(root)` when the caller has computed it already
        self.errors: list[LoadError] = []
        self.lines: dict[str, list[str]] = {}
        self.raw: dict[str, LocatedDict] = {}
        self.broken: set[str] = set()

    def error(self, position: Position, message: str) -> None:
        self.errors.append(LoadError(position, message))

    # -- reading and schema validation

    def read_files(self) -> list[tuple[str, RuleFile]]:
        files = rule_files(self.root)
        if not files:
            self.error(Position(str(self.root), 1, 1), "no rule files (*.yaml) found in this folder")
        parsed: list[tuple[str, RuleFile]] = []
        for path in files:
            name = _display(self.root, path)
            try:
                self.lines[name] = path.read_text(encoding="utf-8").splitlines()
                data = load_yaml_file(path, name)
            except (YamlSyntaxError, DuplicateKeyError) as exc:
                self.error(exc.position, str(exc))
                continue
            except UnicodeDecodeError:
                self.error(Position(name, 1, 1), "not UTF-8 text")
                continue
            if data is None:
                continue
            if not isinstance(data, LocatedDict):
                self.error(Position(name, 1, 1), "a rule file must be a mapping of sections ("
                           + ", ".join(RuleFile.model_fields) + ")")
                continue
            self.raw[name] = data
            parsed.append((name, self.validate_sections(data, name)))
        return parsed

    def validate_sections(self, data: LocatedDict, file: str) -> RuleFile:
        """Validate item by item, so one broken item does not hide the problems of the others."""
        fields = RuleFile.model_fields
        sections: dict[str, Any] = {}
        for section, value in data.items():
            if section not in fields:
                self.error(data.key_positions[section], f"unknown section '{section}'"
                           f"{did_you_mean(section, fields)}; sections are: {', '.join(fields)}")
                continue
            item_model = _inner_model(fields[section].annotation)
            if section == "rulebook" or not isinstance(value, LocatedList):
                checked = validate_model(RuleFile, LocatedDict_of(data, section), file, self.errors)
                if checked is not None:
                    sections[section] = getattr(checked, section)
                continue
            good = []
            for item in value:
                model = validate_model(item_model, item, file, self.errors)
                if model is not None:
                    good.append(model)
                elif isinstance(item, dict) and isinstance(item.get("id"), str):
                    self.broken.add(item["id"])  # already reported: spare its users a second error
            sections[section] = good
        return RuleFile.model_construct(**sections)

    def position(self, file: str, path: tuple[int | str, ...], *, at_key: bool = False) -> Position:
        return position_of(self.raw[file], path, Position(file, 1, 1), at_key=at_key)

    # -- expressions

    def compile(self, source: str, file: str, path: tuple[int | str, ...]) -> Compiled | None:
        position = self.position(file, path)
        try:
            node = ex.parse(source)
        except ex.ExpressionError as exc:
            self.error(self.at_offset(position, source, exc.offset), exc.message)
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
            self.error(self.at_offset(compiled.position, compiled.source, problem.offset), problem.message)
        return found

    # -- the whole rulebook

    def load(self) -> Rulebook:
        files = self.read_files()
        info: RulebookInfo | None = None
        info_position: Position | None = None
        topics: list[Topic] = []
        names: dict[str, Position] = {"as_of": Position("(built in)", 1, 1)}
        items: dict[str, dict[str, tuple[Any, str, tuple[int | str, ...]]]] = {
            section: {} for section in ("questions", "derived", "tables", "scores", "pathways", "flags", "topics")
        }
        for file, model in files:
            if model.rulebook is not None:
                here = self.position(file, ("rulebook",))
                if info is not None and info_position is not None:
                    self.error(here, f"a second 'rulebook' section (the first is at {info_position})")
                info, info_position = model.rulebook, here
            for section in items:
                for index, item in enumerate(getattr(model, section)):
                    path: tuple[int | str, ...] = (section, index)
                    here = self.position(file, (*path, "id"))
                    previous = items[section].get(item.id)
                    if previous is not None:
                        first = self.position(previous[1], (*previous[2], "id"))
                        self.error(here, f"duplicate {section[:-1] if section != 'derived' else 'derived'}"
                                         f" id '{item.id}' (first defined at {first})")
                        continue
                    if section in ("questions", "derived", "tables", "scores"):
                        if item.id in names:
                            self.error(here, f"'{item.id}' is already a name (defined at {names[item.id]})")
                            continue
                        names[item.id] = here
                    items[section][item.id] = (item, file, path)
            topics.extend(model.topics)
        if info is None and files:
            self.error(Position(str(self.root), 1, 1), "no 'rulebook' section (id, title, version, disclaimer)")

        questions = {k: v[0] for k, v in items["questions"].items()}
        derived = {k: v[0] for k, v in items["derived"].items()}
        tables = {k: v[0] for k, v in items["tables"].items()}
        scores = {k: v[0] for k, v in items["scores"].items()}
        pathways = {k: v[0] for k, v in items["pathways"].items()}
        flags = {k: v[0] for k, v in items["flags"].items()}
        topic_ids = [t.id for t in topics]

        for qid, (question, file, path) in items["questions"].items():
            if question.topic not in topic_ids:
                self.error(self.position(file, (*path, "topic")),
                           f"unknown topic '{question.topic}'{did_you_mean(question.topic, topic_ids)}")
            if question.type == "choice" and len(set(question.choice_values)) != len(question.choice_values):
                self.error(self.position(file, (*path, "choices")), f"question '{qid}' repeats a choice")

        signatures = {tid: self.check_table(table, *items["tables"][tid][1:]) for tid, table in tables.items()}
        expressions: dict[tuple[str, ...], Compiled] = {}
        texts: dict[tuple[str, ...], CompiledText] = {}
        implied: dict[str, Any] = {}
        review: list[StaleItem] = []
        if info is not None and info.review_by:
            review.append(StaleItem(f"The rulebook '{info.title}'", info.review_by))
        for tid, table in tables.items():
            if table.review_by:
                review.append(StaleItem(f"Table '{tid}' ({table.title})", table.review_by))

        def add(key: tuple[str, ...], source: str | None, file: str, path: tuple[int | str, ...]) -> None:
            if source is None:
                return
            compiled = self.compile(str(source), file, path)
            if compiled is not None:
                expressions[key] = compiled

        def add_text(key: tuple[str, ...], text: str | None, file: str, path: tuple[int | str, ...]) -> None:
            if text is None:
                return
            parts: list[tuple[str, Compiled | None]] = []
            last = 0
            for match in PLACEHOLDER.finditer(text):
                parts.append((text[last:match.start()], None))
                compiled = self.compile(match.group(1).strip(), file, path)
                if compiled is not None:
                    parts.append(("", compiled))
                last = match.end()
            parts.append((text[last:], None))
            texts[key] = CompiledText(text, parts)

        for qid, (question, file, path) in items["questions"].items():
            add(("question", qid, "relevant_if"), question.relevant_if, file, (*path, "relevant_if"))
            if question.implied is not None:
                add(("question", qid, "implied"), question.implied.when, file, (*path, "implied", "when"))
                implied[qid] = self.implied_value(question, file, path)
        for did, (value, file, path) in items["derived"].items():
            add(("derived", did), value.expr, file, (*path, "expr"))
            for index, version in enumerate(value.versions or []):
                add(("derived", did, str(index)), version.expr, file, (*path, "versions", index, "expr"))
                if version.review_by:
                    review.append(StaleItem(f"Derived value '{did}' (version {index + 1})", version.review_by))
        for sid, (score, file, path) in items["scores"].items():
            self.check_score(score, file, path)
            for index, line in enumerate(score.lines):
                add(("score", sid, line.id), line.points, file, (*path, "lines", index, "points"))
            if score.cutoffs and score.cutoffs.review_by:
                review.append(StaleItem(f"Recent rounds of '{sid}'", score.cutoffs.review_by))
        for pid, (pathway, file, path) in items["pathways"].items():
            seen: set[str] = set()
            for index, requirement in enumerate(pathway.requirements):
                rpath = (*path, "requirements", index)
                if requirement.id in seen:
                    self.error(self.position(file, (*rpath, "id")),
                               f"duplicate requirement id '{requirement.id}' in pathway '{pid}'")
                seen.add(requirement.id)
                add(("requirement", pid, requirement.id), requirement.condition, file, (*rpath, "condition"))
                add(("actual", pid, requirement.id), requirement.actual, file, (*rpath, "actual"))
                add_text(("advice", pid, requirement.id), requirement.advice, file, (*rpath, "advice"))
                if isinstance(requirement.needed, str):
                    add_text(("needed", pid, requirement.id), requirement.needed, file, (*rpath, "needed"))
                add_text(("requirement_text", pid, requirement.id), requirement.text, file, (*rpath, "text"))
            for index, step in enumerate(pathway.next_steps):
                spath = (*path, "next_steps", index)
                add(("step", pid, str(index)), step.only_if, file, (*spath, "only_if"))
                add_text(("step_text", pid, str(index)), step.text, file, (*spath, "text"))
            for index, note in enumerate(pathway.notes):
                add_text(("note", pid, str(index)), note, file, (*path, "notes", index))
            for score_id in pathway.scores:
                if score_id not in scores and score_id not in self.broken:
                    self.error(self.position(file, (*path, "scores")),
                               f"unknown score '{score_id}'{did_you_mean(score_id, scores)}")
        for fid, (flag, file, path) in items["flags"].items():
            add(("flag", fid), flag.condition, file, (*path, "condition"))
            add_text(("flag_text", fid), flag.text, file, (*path, "text"))

        self.check_implied(questions, expressions)
        order = self.dependency_order(items, expressions, names)
        self.check_nesting(expressions, texts, order)
        types = self.infer_types(questions, derived, scores, signatures, expressions, texts, order)

        if self.errors:
            raise RulebookError(self.errors)
        assert info is not None
        return Rulebook(
            path=self.root, info=info, topics=topics, questions=questions, derived=derived, tables=tables,
            scores=scores, pathways=pathways, flags=flags, expressions=expressions, texts=texts,
            types=types, order=order, review_items=review, content_hash=self.rules_hash or content_hash(self.root),
            implied=implied, warnings=self.unused(items, expressions, texts),
        )

    def implied_value(self, question: Question, file: str, path: tuple[int | str, ...]) -> Any:
        """The `implied.value`, read as an answer to the question would be."""
        from screener.answers import coerce

        assert question.implied is not None
        try:
            return coerce(question, question.implied.value)
        except ValueError as error:
            self.error(self.position(file, (*path, "implied", "value")), f"implied value: {error}")
            return None

    def check_implied(self, questions: Mapping[str, Question], expressions: Mapping[tuple[str, ...], Compiled]) -> None:
        """An implied answer may depend only on questions that are asked, never on computed values."""
        for qid in questions:
            compiled = expressions.get(("question", qid, "implied"))
            if compiled is None:
                continue
            for name in sorted(ex.names_in(compiled.node)):
                target = questions.get(name)
                if target is None or target.implied is not None:
                    self.error(compiled.position, f"implied: 'when' may read only questions without an implied "
                                                  f"answer, not '{name}'")
    def unused(
        self,
        items: Mapping[str, Mapping[str, tuple[Any, str, tuple[int | str, ...]]]],
        expressions: Mapping[tuple[str, ...], Compiled],
        texts: Mapping[tuple[str, ...], CompiledText],
    ) -> list[LoadError]:
        """Questions, derived values and tables nothing reads: often a misspelling, or a rule left behind."""
        used: set[str] = set()
        for compiled in expressions.values():
            used |= ex.names_in(compiled.node)
        for text in texts.values():
            used |= {name for _, part in text.parts if part is not None for name in ex.names_in(part.node)}
        found = []
        for section, what in (("questions", "question"), ("derived", "derived value"), ("tables", "table")):
            for item_id, (_, file, path) in items[section].items():
                if item_id not in used:
                    found.append(LoadError(self.position(file, (*path, "id")), f"{what} '{item_id}' is never used"))
        return found

    def check_table(self, table: Table, file: str, path: tuple[int | str, ...]) -> ex.TableSignature:
        columns = tuple(table.columns) if table.columns else ("points",)
        text_values: set[str] = set()
        for index, row in enumerate(table.rows):
            rpath = (*path, "rows", index)
            for cell, value in row.cells.items():
                if cell not in columns:
                    hint = did_you_mean(cell, [*columns, "at", "in", "from", "to", "effective_from",
                                                "effective_until"])
                    self.error(self.position(file, (*rpath, cell), at_key=True), f"unknown column '{cell}'{hint}")
                elif isinstance(value, bool) or not isinstance(value, int | float):
                    self.error(self.position(file, (*rpath, cell)), f"'{cell}' must be a number")
            for column in columns:
                if column not in row.cells:
                    self.error(self.position(file, rpath), f"row has no value for column '{column}'")
            keys = [k for k in (row.at,) if k is not None] + list(row.in_ or [])
            for key in keys:
                if table.key == "number" and (isinstance(key, bool) or not isinstance(key, int | float)):
                    self.error(self.position(file, rpath), f"table '{table.id}' has number keys, not '{key}'")
                elif table.key == "text":
                    if not isinstance(key, str):
                        self.error(self.position(file, rpath), f"table '{table.id}' has text keys; quote '{key}'")
                    text_values.add(str(key))
            if table.key == "text" and (row.from_ is not None or row.to is not None):
                self.error(self.position(file, rpath), "from/to ranges need a number key")
            if row.at is not None and row.in_ is not None:
                self.error(self.position(file, rpath), "a row matches by 'at' or 'in', not both")
        key_type = ex.Type("text", frozenset(text_values)) if table.key == "text" else ex.NUMBER
        return ex.TableSignature(key=key_type, columns=columns)

    def check_score(self, score: Score, file: str, path: tuple[int | str, ...]) -> None:
        group_ids = [g.id for g in score.groups]
        for index, group in enumerate(score.groups):
            if group_ids.count(group.id) > 1 and group_ids.index(group.id) != index:
                self.error(self.position(file, (*path, "groups", index, "id")), f"duplicate group '{group.id}'")
            if group.parent is not None and group.parent not in group_ids:
                self.error(self.position(file, (*path, "groups", index, "parent")),
                           f"unknown group '{group.parent}'{did_you_mean(group.parent, group_ids)}")
        line_ids: set[str] = set()
        for index, line in enumerate(score.lines):
            if line.id in line_ids:
                self.error(self.position(file, (*path, "lines", index, "id")), f"duplicate line id '{line.id}'")
            line_ids.add(line.id)
            if line.group is not None and line.group not in group_ids:
                self.error(self.position(file, (*path, "lines", index, "group")),
                           f"unknown group '{line.group}'{did_you_mean(line.group, group_ids)}")

    def dependency_order(
        self,
        items: Mapping[str, Mapping[str, tuple[Any, str, tuple[int | str, ...]]]],
        expressions: Mapping[tuple[str, ...], Compiled],
        names: Mapping[str, Position],
    ) -> list[str]:
        """Derived values and scores in an order where every dependency comes first; reports cycles."""
        depends: dict[str, set[str]] = {}
        for key, compiled in expressions.items():
            if key[0] in ("derived", "score"):
                depends.setdefault(key[1], set()).update(ex.names_in(compiled.node))
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
                        self.error(names[following], "cycle among derived values: " + " → ".join(cycle))
                elif state.get(following) != 2:
                    state[following] = 1
                    trail.append(following)
                    pending.append(iter(sorted(depends[following] & computed)))
        return order

    def check_nesting(
        self,
        expressions: Mapping[tuple[str, ...], Compiled],
        texts: Mapping[tuple[str, ...], CompiledText],
        order: list[str],
    ) -> None:
        """Reject expressions that, with the derived values and scores they read, nest too deeply to evaluate.

        Evaluating a derived value evaluates the ones it reads inside it, so their nesting adds up; each
        step to another value counts as two levels. The limit is `expressions.MAX_DEPTH`.
        """
        reach: dict[str, int] = {}  # levels needed to evaluate a derived value or score, its readings included

        def levels(compiled: Compiled) -> int:
            read = [reach.get(name, 0) for name in ex.names_in(compiled.node)]
            return ex.depth(compiled.node) + max(read, default=0)

        by_name: dict[str, list[Compiled]] = {}
        for key, compiled in expressions.items():
            if key[0] == "question" and key[2] == "implied":  # reads only questions without implied answers
                reach[key[1]] = 2 + ex.depth(compiled.node)
            elif key[0] in ("derived", "score"):
                by_name.setdefault(key[1], []).append(compiled)
        too_deep = f"expression nested too deeply (limit {ex.MAX_DEPTH}), counting the derived values it reads"
        for name in order:
            if name in self.broken:
                continue
            needed = [(levels(compiled), compiled) for compiled in by_name.get(name, [])]
            deepest = max((count for count, _ in needed), default=0)
            for count, compiled in needed:
                if count > ex.MAX_DEPTH and all(reach.get(m, 0) <= ex.MAX_DEPTH for m in ex.names_in(compiled.node)):
                    self.error(compiled.position, too_deep)  # reported once, where the limit is first passed
            reach[name] = 2 + deepest
        placeholders = [part for text in texts.values() for _, part in text.parts if part is not None]
        others = [compiled for key, compiled in expressions.items() if key[0] not in ("derived", "score")]
        for compiled in others + placeholders:
            if levels(compiled) > ex.MAX_DEPTH and all(
                    reach.get(m, 0) <= ex.MAX_DEPTH for m in ex.names_in(compiled.node)):
                self.error(compiled.position, too_deep)

    def infer_types(
        self,
        questions: Mapping[str, Question],
        derived: Mapping[str, Derived],
        scores: Mapping[str, Score],
        signatures: Mapping[str, ex.TableSignature],
        expressions: Mapping[tuple[str, ...], Compiled],
        texts: Mapping[tuple[str, ...], CompiledText],
        order: list[str],
    ) -> dict[str, ex.Type]:
        types: dict[str, ex.Type] = {"as_of": ex.DATE}
        for qid, question in questions.items():
            types[qid] = question_type(question)
        for sid in scores:
            types[sid] = ex.NUMBER
        context = ex.TypeContext(types, signatures, ignored=self.broken)
        for name in order:
            if name in derived:
                versions = range(len(derived[name].versions or []))
                keys: list[tuple[str, ...]] = [("derived", name), *(("derived", name, str(i)) for i in versions)]
                found: list[ex.Type] = []
                for key in keys:
                    if key in expressions:
                        kind = self.type_errors(expressions[key], context)
                        if kind is not None:
                            found.append(kind)
                if found:
                    merged = found[0]
                    for other in found[1:]:
                        if other.kind != merged.kind:
                            self.error(expressions[keys[-1]].position, f"versions of '{name}' differ in type")
                        elif merged.kind == "text":
                            merged = ex.Type("text", None if merged.values is None or other.values is None
                                             else merged.values | other.values)
                    types[name] = merged
            else:
                for key, compiled in expressions.items():
                    if key[0] == "score" and key[1] == name:
                        self.expect(compiled, context, "number", "score line points")
        for key, compiled in expressions.items():
            if key[0] == "question":
                self.expect(compiled, context, "bool", "relevant_if" if key[2] == "relevant_if" else "implied: when")
            elif key[0] == "actual":
                self.type_errors(compiled, context)
            elif key[0] == "step":
                self.expect(compiled, context, "bool", "only_if")
            elif key[0] in ("requirement", "flag"):
                self.expect(compiled, context, "bool", "a condition")
        for text in texts.values():
            for _, placeholder in text.parts:
                if placeholder is not None:
                    self.type_errors(placeholder, context)
        return types

    def expect(self, compiled: Compiled, context: ex.TypeContext, kind: ex.Kind, what: str) -> None:
        found = self.type_errors(compiled, context)
        if found is not None and found.kind != kind:
            self.error(compiled.position, f"{what} must be {ex.Type(kind)}, but this is {found}")


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
    if question.type in ("int", "money"):
        return ex.NUMBER
    if question.type == "date":
        return ex.DATE
    return ex.Type("text", frozenset(question.choice_values))


# ------------------------------------------------------------------------ pydantic errors -> lines


def validate_model(model: type[M], data: Any, file: str, errors: list[LoadError]) -> M | None:
    """Validate `data`; on failure append one LoadError per problem, positioned and worded for people."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for problem in exc.errors(include_url=False):
            loc = tuple(problem["loc"])
            position = position_of(data, loc, getattr(data, "position", Position(file, 1, 1)),
                                   at_key=problem["type"] == "extra_forbidden")
            errors.append(LoadError(position, _describe(model, problem, loc)))
        return None


def _describe(model: type[BaseModel], problem: Mapping[str, Any], loc: tuple[Any, ...]) -> str:
    kind = problem["type"]
    where = ".".join(str(step) for step in loc)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _allowed_keys(model, loc[:-1])
        return f"unknown key '{key}'{did_you_mean(key, allowed)}" + (
            f"; allowed here: {', '.join(allowed)}" if allowed and not did_you_mean(key, allowed) else "")
    if kind == "missing":
        return f"missing required key '{loc[-1]}'" if loc else "missing value"
    message = str(problem["msg"])
    message = message.removeprefix("Value error, ")
    if kind == "string_pattern_mismatch":
        message = f"'{problem.get('input')}' is not a valid id: use lower_snake_case (a-z, 0-9, _)"
    elif kind == "literal_error":
        message = f"'{problem.get('input')}' is not allowed; " + message[0].lower() + message[1:]
    return f"{where}: {message}" if where else message


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    current: Any = model
    for step in loc:
        if isinstance(step, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(step) or next(
            (f for f in current.model_fields.values() if f.alias == step), None)
        if info is None:
            return []
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
    digest = hashlib.sha256()
    for path in rule_files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def load_rulebook(path: str | os.PathLike[str] | None = None) -> Rulebook:
    """Load and check the rulebook folder at `path` ($SCREENER_RULES or the default when None)."""
    root = resolve_rules_path(path)
    if not root.is_dir():
        raise RulebookError([LoadError(Position(str(root), 1, 1), "no such rulebook folder")])
    return _Loader(root).load()


def load_cases(root: Path) -> list[tuple[str, Case, Position]]:
    """The YAML test cases under `root/tests`, each with its file position; RulebookError if malformed."""
    errors: list[LoadError] = []
    cases: list[tuple[str, Case, Position]] = []
    for path in case_files(root):
        name = _display(root, path)
        try:
            data = load_yaml_file(path, name)
        except (YamlSyntaxError, DuplicateKeyError) as exc:
            errors.append(LoadError(exc.position, str(exc)))
            continue
        model = validate_model(CaseFile, data, name, errors)
        if model is None:
            continue
        for index, case in enumerate(model.tests):
            items = data["tests"] if isinstance(data, LocatedDict) else None
            position = items.item_positions[index] if isinstance(items, LocatedList) else Position(name, 1, 1)
            cases.append((name, case, position))
    if errors:
        raise RulebookError(errors)
    return cases
