"""A per-user cache of checked rulebooks and test cases, so `screener check` and `rules test` start fast.

Reading the YAML and validating it with pydantic costs more than the rest of a `check --json` run.
After a rulebook has loaded cleanly once, its *validated content* is written as JSON — plain data,
never code, so reading the cache cannot run anything — together with the file positions the loader
looked up, each expression's parsed tree (plain JSON lists, rebuilt into the parser's own nodes), the
static types and the warnings the checks found. The next run rebuilds the same models from that JSON
without re-parsing YAML or re-validating (pydantic's `model_construct`), and neither parses the
expressions nor reruns the checks: those are a function of the rule files and screener's code, which
the key covers (the SHA-256 of every rule file, the folder as named, the screener code, and the
language the warnings are written in), so an edited rulebook or a new screener never meets a stale
entry. `rules test`'s case files (`tests/*.yaml`) are cached the same way. Anything odd falls back to a
full load. The cache lives in `$SCREENER_CACHE_DIR`, else `$XDG_CACHE_HOME/screener`, else
`~/.cache/screener` (folder 0700, files 0600); `SCREENER_CACHE_DIR=off` disables it.

A verdict must never come from bytes screener did not write: each entry starts with an HMAC-SHA256 of
its name and content, keyed by a random per-user secret kept in the cache folder (`secret`, 0600,
created on first use without ever replacing one). An entry that fails the check — edited, truncated,
copied from another key — is ignored and rewritten from the YAML.

Every rules or code change makes new entries, so the folder is kept bounded: after writing an entry (never
on a hit, which only touches its entry's mtime) the entries of that kind beyond the `KEEP` most recently
used, and any entry unused for `MAX_AGE_DAYS`, are removed. Only regular files of ours named exactly like
an entry (`rulebook-` or `cases-`, 32 hex digits, `.json`) are ever removed; symlinks, `secret` and
anything else stay.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
import stat
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, get_args, get_origin

from pydantic import BaseModel

from screener import expressions as ex
from screener import i18n
from screener.compiled import Compiled, Rules, Template
from screener.files import atomic_write
from screener.model import Case, RuleFile
from screener.model import construct as build
from screener.rulebook import (
    LoadError,
    Rulebook,
    RulebookLoader,
    cases_hash,
    content_hash,
    load_cases,
    load_rulebook,
    resolve_rules_path,
)
from screener.source import Position
from screener.translations import Translation

FORMAT = "json-3"
SECRET = "secret"
MAC_PREFIX = b"hmac-sha256:"
M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
Converter = Callable[[Any], Any]
PositionKey = tuple[str, tuple[int | str, ...], bool]
KEEP = 16  # entries of each kind kept: a few rulebooks, languages and screener versions side by side
MAX_AGE_DAYS = 30
ENTRY_NAME = re.compile(r"(rulebook|cases)-[0-9a-f]{32}\.json")


def cache_dir() -> Path | None:
    setting = os.environ.get("SCREENER_CACHE_DIR")
    if setting is not None:
        return None if setting.lower() in ("", "0", "off", "no") else Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "screener"


def cache_key(content: str, root: Path) -> str:
    """The files' content (`content_hash`, `cases_hash`), the folder as this run names it (positions show
    it), the screener code that reads them, the Python version, and the language the stored warnings are
    written in."""
    text = "|".join([FORMAT, sys.version, content, str(root), code_digest(), i18n.current()])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@functools.cache
def code_digest() -> str:
    """The SHA-256 of screener's code (every .py of the package, ~1 MB), read once per process: `rules test`
    looks up two entries (the rulebook and its cases), a server one per rulebook it loads."""
    code = hashlib.sha256()
    for source in sorted(Path(__file__).parent.rglob("*.py")):
        code.update(source.read_bytes())
    return code.hexdigest()


def load_rulebook_cached(path: str | os.PathLike[str] | None = None) -> Rulebook:
    """`load_rulebook`, reusing this user's cached content when the rule files are unchanged."""
    root = resolve_rules_path(path)
    if not root.is_dir():
        return load_rulebook(root)

    def fresh(rules_hash: str) -> tuple[Rulebook, Callable[[], dict[str, Any]]]:
        recorder = _RecordingLoader(root, rules_hash)
        rulebook = recorder.load()  # raises RulebookError for a broken rulebook: nothing is cached
        return rulebook, lambda: recorder.snapshot(rulebook)

    return _through_cache("rulebook", root, lambda: content_hash(root), fresh,
                          lambda snapshot, rules_hash: _CachedLoader(root, snapshot, rules_hash).load(),
                          lambda: load_rulebook(root))


def load_cases_cached(root: Path, rulebook: Rulebook | None = None) -> list[tuple[str, Case, Position]]:
    """`load_cases(root, rulebook)`, reusing this user's cached cases when the case files are unchanged: a hit
    reads neither YAML nor validates the shape. The cases are still checked against `rulebook` (it may have
    changed since): on a problem the files are read again, so that each is reported at its line."""

    def fresh(_digest: str) -> tuple[list[tuple[str, Case, Position]], Callable[[], dict[str, Any]]]:
        cases = load_cases(root, rulebook)  # raises RulebookError for a malformed case file: nothing is cached
        return cases, lambda: {"format": FORMAT, "cases": [
            [name, case.model_dump(mode="json", exclude_unset=True), [where.file, where.line, where.column]]
            for name, case, where in cases]}

    def restore(snapshot: dict[str, Any], _digest: str) -> list[tuple[str, Case, Position]]:
        if snapshot.get("format") != FORMAT:
            raise ValueError("another cache format")
        return [(name, construct(Case, data), Position(*where)) for name, data, where in snapshot["cases"]]

    cases = _through_cache("cases", root, lambda: cases_hash(root), fresh, restore,
                           lambda: load_cases(root, rulebook))
    from screener.casecheck import CaseNames, case_problems  # `rules test` only: not every rulebook load

    names = CaseNames.of(rulebook) if rulebook is not None else None
    if names is not None and any(case_problems(names, _as_written(case)) for _name, case, _at in cases):
        load_cases(root, rulebook)  # raises, each problem at its file:line:col
    return cases


def _as_written(case: Case) -> dict[str, Any]:
    """A case as the mapping `case_problems` reads, from its fields: `model_dump` would build pydantic's
    serializer for `Case` (and load pydantic's plugins), a fifth of a `rules test` run's CPU."""
    return {**dict(case), "expect": dict(case.expect)}


def _through_cache(kind: str, root: Path, digest: Callable[[], str],
                   fresh: Callable[[str], tuple[T, Callable[[], dict[str, Any]]]],
                   restore: Callable[[dict[str, Any], str], T], plain: Callable[[], T]) -> T:
    """`restore` of this user's signed entry for the files' content (`digest`), else `fresh` (written as the
    entry for next time); `plain` when there is no usable cache folder."""
    folder = cache_dir()
    if folder is None:
        return plain()
    try:
        content = digest()
        entry = folder / f"{kind}-{cache_key(content, root)}.json"
    except OSError:
        return plain()
    key = _secret(folder)
    if key is None:  # no trustworthy secret: no cache
        return plain()
    if _private(entry, directory=False):
        try:
            payload = _verified(entry, key)
            if payload is not None:
                found = restore(json.loads(payload), content)
                with contextlib.suppress(OSError):  # "recently used" for pruning: one cheap syscall
                    os.utime(entry)
                return found
        except Exception:  # a damaged or foreign entry: rebuild from the YAML
            pass
    found, snapshot = fresh(content)
    with contextlib.suppress(OSError, TypeError, ValueError):
        _write(entry, key, snapshot())
    with contextlib.suppress(OSError):
        prune(folder, kind, keep=entry.name)
    return found


def prune(folder: Path, kind: str, *, keep: str) -> list[str]:
    """Remove this kind's entries beyond the `KEEP` most recently used and those unused for `MAX_AGE_DAYS`
    (never `keep`, the one just written); the names removed. Runs on a miss only, so a hit stays fast."""
    oldest = time.time() - MAX_AGE_DAYS * 86400
    entries: list[tuple[float, str]] = []
    with os.scandir(folder) as listing:
        for item in listing:
            match = ENTRY_NAME.fullmatch(item.name)
            if match is None or match.group(1) != kind or item.name == keep:
                continue
            try:
                info = item.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid():
                entries.append((info.st_mtime, item.name))
    entries.sort(reverse=True)
    removed = [name for rank, (mtime, name) in enumerate(entries) if rank >= KEEP - 1 or mtime < oldest]
    for name in removed:
        with contextlib.suppress(OSError):
            os.unlink(folder / name)
    return removed


# ------------------------------------------------------------------------------ the two loaders


class _RecordingLoader(RulebookLoader):
    """A normal load that also remembers the validated files and every position it looked up."""

    def __init__(self, root: Path, rules_hash: str | None = None) -> None:
        super().__init__(root, rules_hash)
        self.files: list[tuple[str, RuleFile]] = []
        self.seen: dict[PositionKey, Position] = {}
        self.translation_files: list[tuple[str, str, dict[str, Any]]] = []
        self.trees: dict[str, Any] = {}  # expression text -> its parsed tree as JSON
        self.translated: dict[str, Any] = {}  # language -> its checked texts as JSON

    def compile(self, source: str, file: str, path: tuple[int | str, ...]) -> Compiled | None:
        found = super().compile(source, file, path)
        if found is not None:
            self.trees[source] = tree_data(found.node)
        return found

    def read_files(self) -> list[tuple[str, RuleFile]]:
        self.files = super().read_files()
        return self.files

    def read_translations(self) -> list[tuple[str, str, dict[str, Any]]]:
        self.translation_files = super().read_translations()
        return self.translation_files

    def translation(self, lang: str, files: Any, items: Any, info: Any, topics: Any,
                    template: Callable[[str, str, tuple[int | str, ...]], Template], problems: Any) -> Translation:
        made: dict[int, tuple[str, tuple[int | str, ...]]] = {}  # id(template) -> where its text is

        def recorded(text: str, file: str, path: tuple[int | str, ...]) -> Template:
            found = template(text, file, path)
            made[id(found)] = (file, path)
            return found

        found = super().translation(lang, files, items, info, topics, recorded, problems)
        self.translated[lang] = {
            "texts": [[list(key), text] for key, text in found.texts.items()],
            "templates": [[list(key), made[id(compiled)][0], list(made[id(compiled)][1])]
                          for key, compiled in found.templates.items()],
            "missing": found.missing,
            "lengths": [[list(key), count] for key, count in found.lengths.items()],
        }
        return found

    def position(self, file: str, path: tuple[int | str, ...], *, at_key: bool = False) -> Position:
        found = super().position(file, path, at_key=at_key)
        self.seen[(file, path, at_key)] = found
        return found

    def snapshot(self, rulebook: Rulebook) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "trees": self.trees,
            "translated": self.translated,
            "types": {name: [kind.kind, None if kind.values is None else sorted(kind.values)]
                      for name, kind in rulebook.types.items()},
            "warnings": [[w.position.file, w.position.line, w.position.column, w.message] for w in rulebook.warnings],
            "files": [[name, model.model_dump(mode="json", by_alias=True, exclude_unset=True)]
                      for name, model in self.files],
            "translations": [[name, lang] for name, lang, _data in self.translation_files],
            "positions": [[file, list(path), at_key, pos.file, pos.line, pos.column]
                          for (file, path, at_key), pos in self.seen.items()],
        }


_UNCHECKED = ex.TableSignature(ex.NUMBER, ())  # a cached load takes its types from the entry, not from tables


class _CachedLoader(RulebookLoader):
    """A load whose files, positions, expression trees, types and warnings come from a snapshot.

    The checks that only report problems are skipped (the recorded load passed them, and the key covers
    everything they read); what they would have warned about is the recorded list.
    """

    def __init__(self, root: Path, snapshot: dict[str, Any], rules_hash: str | None = None) -> None:
        super().__init__(root, rules_hash)
        if snapshot.get("format") != FORMAT:
            raise ValueError("another cache format")
        self.snapshot = snapshot
        self.known: dict[PositionKey, Position] = {
            (file, tuple(path), bool(at_key)): Position(name, line, column)
            for file, path, at_key, name, line, column in snapshot["positions"]
        }
        self.trees: dict[str, Any] = snapshot["trees"]

    def compile(self, source: str, file: str, path: tuple[int | str, ...]) -> Compiled | None:
        tree = self.trees.get(source)
        if tree is None:
            return super().compile(source, file, path)
        return Compiled(tree_node(tree), source, self.position(file, path))

    def read_translations(self) -> list[tuple[str, str, dict[str, Any]]]:
        """Which translation files there are; their checked texts are in the entry (`translation`)."""
        return [(name, lang, {}) for name, lang in self.snapshot["translations"]]

    def translation(self, lang: str, files: Any, items: Any, info: Any, topics: Any,
                    template: Callable[[str, str, tuple[int | str, ...]], Template], problems: Any) -> Translation:
        stored = self.snapshot["translated"][lang]
        texts: dict[tuple[int | str, ...], str] = {tuple(key): text for key, text in stored["texts"]}
        return Translation(lang, texts, {tuple(key): template(texts[tuple(key)], file, tuple(path))
                                         for key, file, path in stored["templates"]},
                           stored["missing"], {tuple(key): count for key, count in stored["lengths"]})

    def infer_types(self, questions: Any, signatures: Any, rules: Rules, order: list[str]) -> dict[str, ex.Type]:
        return {name: ex.Type(kind, None if values is None else frozenset(values))
                for name, (kind, values) in self.snapshot["types"].items()}

    def warnings_later(self, items: Any, rules: Rules) -> Callable[[], list[LoadError]]:
        found = [LoadError(Position(file, line, column), message)
                 for file, line, column, message in self.snapshot["warnings"]]
        return lambda: found

    def check_table(self, *args: Any) -> ex.TableSignature:
        return _UNCHECKED

    # The checks that only report problems: the recorded load passed them.
    def check_table_dates(self, *args: Any) -> None: ...
    def check_versions(self, *args: Any) -> None: ...
    def check_score(self, *args: Any) -> None: ...
    def check_categories(self, *args: Any) -> None: ...
    def check_text_numbers(self, *args: Any) -> list[LoadError]:
        return []

    def check_summary(self, *args: Any) -> None: ...
    def check_implied(self, *args: Any) -> None: ...
    def check_nesting(self, *args: Any) -> None: ...

    def read_files(self) -> list[tuple[str, RuleFile]]:
        return [(name, construct(RuleFile, data)) for name, data in self.snapshot["files"]]


    def position(self, file: str, path: tuple[int | str, ...], *, at_key: bool = False) -> Position:
        return self.known.get((file, path, at_key)) or Position(file, 1, 1)


# ------------------------------------------------------------------- expression trees as plain JSON


def tree_data(node: ex.Node) -> Any:
    """A parsed expression as nested JSON lists, `tree_node`'s input."""
    if isinstance(node, ex.Literal_):
        value = node.value.isoformat() if node.type.kind == "date" else node.value
        return ["lit", value, node.type.kind, None if node.type.values is None else sorted(node.type.values),
                node.offset]
    if isinstance(node, ex.Name):
        return ["name", node.name, node.offset]
    if isinstance(node, ex.ListOf):
        return ["list", [tree_data(item) for item in node.items], node.offset]
    if isinstance(node, ex.Not | ex.Negate):
        return ["not" if isinstance(node, ex.Not) else "neg", tree_data(node.operand), node.offset]
    if isinstance(node, ex.Logic):
        return ["logic", node.op, [tree_data(operand) for operand in node.operands], node.offset]
    if isinstance(node, ex.Compare):
        return ["cmp", node.op, tree_data(node.left), tree_data(node.right), node.offset]
    if isinstance(node, ex.Arith):
        return ["arith", list(node.ops), [tree_data(operand) for operand in node.operands], node.offset]
    if isinstance(node, ex.Call):
        return ["call", node.function, [tree_data(arg) for arg in node.args], node.offset]
    raise TypeError(f"not an expression node: {type(node).__name__}")


_TYPES = {kind.kind: kind for kind in (ex.BOOL, ex.NUMBER, ex.TEXT, ex.DATE)}


def tree_node(data: list[Any]) -> ex.Node:
    """The parser's node for `tree_data`'s output (anything else raises, and the entry is not used)."""
    tag = data[0]
    if tag == "lit":
        _tag, value, kind, values, offset = data
        if kind == "date":
            value = dt.date.fromisoformat(value)
        found = _TYPES[kind] if values is None else ex.Type(kind, frozenset(values))
        return ex.Literal_(value, found, offset)
    if tag == "name":
        return ex.Name(data[1], data[2])
    if tag == "list":
        return ex.ListOf(tuple(tree_node(item) for item in data[1]), data[2])  # type: ignore[misc]
    if tag == "not":
        return ex.Not(tree_node(data[1]), data[2])
    if tag == "neg":
        return ex.Negate(tree_node(data[1]), data[2])
    if tag == "logic":
        return ex.Logic(data[1], tuple(tree_node(operand) for operand in data[2]), data[3])
    if tag == "cmp":
        return ex.Compare(data[1], tree_node(data[2]), tree_node(data[3]), data[4])
    if tag == "arith":
        return ex.Arith(tuple(data[1]), tuple(tree_node(operand) for operand in data[2]), data[3])
    if tag == "call":
        return ex.Call(data[1], tuple(tree_node(arg) for arg in data[2]), data[3])
    raise ValueError(f"not an expression tree: {tag!r}")


# ----------------------------------------------------- validated JSON back into models, no checks


def construct(model: type[M], data: dict[str, Any]) -> M:
    """Rebuild a model from its own `model_dump(mode="json")` without validating it again: what
    `model.model_construct(**data)` makes once each value is rebuilt (`model.construct`)."""
    plan = _plan(model)
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in data.items():
        field = plan.get(key)
        if field is None:
            extra[key] = value
            continue
        name, convert = field
        values[name] = convert(value) if convert is not None and value is not None else value
    return build(model, values, set(values), extra)


@functools.cache
def _plan(model: type[BaseModel]) -> dict[str, tuple[str, Converter | None]]:
    """For each key of a model's JSON form (a field's alias, else its name), the field's name and how to turn the
    value back into the field's value (None: as it is)."""
    return {info.alias or name: (name, _converter(info.annotation)) for name, info in model.model_fields.items()}


def _converter(annotation: Any) -> Converter | None:
    """A function rebuilding dates, models, and lists or dicts of them; None where JSON is already right."""
    if annotation is dt.date:
        return lambda value: dt.date.fromisoformat(value) if isinstance(value, str) else value
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return lambda value: construct(annotation, value) if isinstance(value, dict) else value
    origin = get_origin(annotation)
    if origin is list or origin is dict:
        item = _converter(get_args(annotation)[-1])
        if item is None:
            return None
        if origin is list:  # a text where a union also allows a list (a summary) stays a text
            return lambda value: [item(element) for element in value] if isinstance(value, list) else value
        return lambda value: {key: item(element) for key, element in value.items()} if isinstance(value, dict) \
            else value
    if origin is not None:  # a union such as `date | None`: the format has at most one option to rebuild
        options = [c for c in (_converter(option) for option in get_args(annotation)) if c is not None]
        if len(options) > 1:
            raise TypeError(f"cannot rebuild {annotation} from JSON")
        return options[0] if options else None
    return None


# -------------------------------------------------------------------------------- private files


def _private(path: Path, *, directory: bool) -> bool:
    """Ours, of the expected kind, and writable by nobody else."""
    try:
        info = path.lstat()
    except OSError:
        return False
    kind = stat.S_ISDIR(info.st_mode) if directory else stat.S_ISREG(info.st_mode)
    return kind and info.st_uid == os.getuid() and not info.st_mode & 0o022


def _write(entry: Path, key: bytes, snapshot: dict[str, Any]) -> None:
    payload = json.dumps(snapshot, separators=(",", ":")).encode("utf-8")
    with atomic_write(entry) as stream:
        stream.write(MAC_PREFIX + _mac(key, entry.name, payload).encode("ascii") + b"\n" + payload)


def _mac(key: bytes, name: str, payload: bytes) -> str:
    """Bound to the entry's name too, so a genuine entry copied over another key does not verify."""
    return hmac.new(key, name.encode("utf-8") + b"\0" + payload, hashlib.sha256).hexdigest()


def _verified(entry: Path, key: bytes) -> bytes | None:
    """The entry's content if its HMAC is the one screener wrote with this user's secret, else None."""
    data = entry.read_bytes()
    header, _, payload = data.partition(b"\n")
    if not header.startswith(MAC_PREFIX):
        return None
    expected = _mac(key, entry.name, payload).encode("ascii")
    return payload if hmac.compare_digest(header[len(MAC_PREFIX):], expected) else None


def _secret(folder: Path) -> bytes | None:
    """This user's cache key: read it, or create it once (0600, never replacing one); None if untrustworthy.

    A new secret is written to an exclusively created (O_EXCL) temporary file and published with a hard
    link, which fails rather than replace: two first runs at once end up sharing one complete secret.
    """
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    if not _private(folder, directory=True):
        return None
    path = folder / SECRET
    for _ in range(3):
        found = _read_secret(path)
        if found is not None:
            return found
        try:
            if path.is_symlink() or path.exists():  # ours but unusable (wrong size or readable by others)
                if not _private(path, directory=False):
                    return None
                path.unlink()
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{SECRET}.")  # O_EXCL, 0600
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(secrets.token_hex(32).encode("ascii"))
                    stream.flush()
                    os.fsync(stream.fileno())
                with contextlib.suppress(FileExistsError):  # another run won: use its secret
                    os.link(temporary, path)
            finally:
                os.unlink(temporary)
        except OSError:
            return None
    return None


def _read_secret(path: Path) -> bytes | None:
    """The secret if it is a regular file of ours that nobody else can read or write, and well formed."""
    try:
        info = path.lstat()
        if not (stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077):
            return None
        data = path.read_bytes()
    except OSError:
        return None
    return data if len(data) == 64 and all(c in b"0123456789abcdef" for c in data) else None
