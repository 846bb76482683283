"""Reading YAML safely while remembering where every value came from.

Rule files are data written by people, so every error must point at a file, line and column. We parse
with PyYAML's *safe* loader only (C-accelerated when available) and wrap each mapping and sequence in a
container that carries the position of each of its items.

YAML 1.1 reads `yes`/`no`/`on`/`off` as booleans; a lawyer writing `value: yes` means the text "yes",
so only `true`/`false` are booleans here.

Files are data from anywhere, so reading them is bounded: at most `MAX_FILE_BYTES` per file, at most
`MAX_NODES` values once aliases are expanded (a small file of reused anchors must not become a huge
document), containers nested at most `MAX_NESTING` deep, and only regular files are read (a FIFO or
device is refused without waiting on it). Past a limit, or for a value PyYAML cannot build (a date
like 2020-13-45, an integer of thousands of digits), the error has a file and line, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, Protocol

from screener.i18n import N_, _, format_number

if TYPE_CHECKING:
    import yaml


MAX_FILE_BYTES = 2_000_000
"""Largest YAML file read (the biggest file of the shipped rulebook is about 100 KB)."""
MAX_NODES = 200_000
"""Most values (scalars, lists and mappings) one file may hold once every alias is expanded."""
MAX_NESTING = 100
"""Most lists and mappings inside one another."""


class Position(NamedTuple):
    """A place in a file, 1-based as editors show it (a named tuple: reading a file makes thousands, and a
    tuple is made in half the time of a frozen dataclass)."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class _Marks(Protocol):
    """Where the parser saw an event start (PyYAML's `Mark`, 0-based)."""

    line: int
    column: int


def _at(file: str, mark: _Marks) -> Position:
    return Position(file, mark.line + 1, mark.column + 1)


class LocatedDict(dict[str, Any]):
    """A mapping that knows where it starts and where each key and value sits.

    Read from the parser's events (`_from_events`), it keeps the parser's marks and makes its positions when
    first asked: a load that finds no problem asks for those of a few containers (an expression's, an id's),
    never for most (the rows of a table), and making every one was a fifth of reading a file.
    """

    _file: str
    _mark: _Marks
    _key_marks: dict[str, _Marks]
    _value_marks: dict[str, _Marks]

    @functools.cached_property
    def position(self) -> Position:
        return _at(self._file, self._mark)

    @functools.cached_property
    def key_positions(self) -> dict[str, Position]:
        file = self._file
        return {key: _at(file, mark) for key, mark in self._key_marks.items()}

    @functools.cached_property
    def value_positions(self) -> dict[str, Position]:
        file = self._file
        return {key: _at(file, mark) for key, mark in self._value_marks.items()}


class LocatedList(list[Any]):
    """A sequence that knows where it starts and where each item sits (made from marks as `LocatedDict`)."""

    _file: str
    _mark: _Marks
    _item_marks: list[_Marks]

    @functools.cached_property
    def position(self) -> Position:
        return _at(self._file, self._mark)

    @functools.cached_property
    def item_positions(self) -> list[Position]:
        file = self._file
        return [_at(file, mark) for mark in self._item_marks]


@functools.cache
def safe_loader_class() -> type[yaml.SafeLoader]:
    """PyYAML's safe loader (C-accelerated when available), with located containers and strict booleans.

    Built on first use: a run that reads no YAML (a cached rulebook) never imports PyYAML.
    """
    import yaml

    base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    STR, scalar, plain_text = "tag:yaml.org,2002:str", yaml.ScalarNode, base.yaml_constructors["tag:yaml.org,2002:str"]

    class Loader(base):  # type: ignore[valid-type,misc]
        filename = ""
        # When a list: a scalar PyYAML cannot build (a bad date, a huge number) is noted here with its place, and
        # read as its text, so the rest of the file is still read (`load_yaml_text`'s `value_problems`).
        value_problems: list[tuple[Position, str]] | None = None
        # A plain scalar the resolvers read (a number, a date, true): its text -> (tag, value), for `_from_events`.
        # The same few hundred appear thousands of times in a rulebook; every such value is immutable.
        plain_values: ClassVar[dict[str, tuple[str, Any]]] = {}

        def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
            """PyYAML's constructors raise plain ValueErrors (bad dates, huge integers): give them a place."""
            if node.tag == STR and type(node) is scalar and self.yaml_constructors[STR] is plain_text:
                return node.value  # what PyYAML's constructor returns, without its bookkeeping (most values)
            try:
                return super().construct_object(node, deep=deep)
            except (ValueError, TypeError, AttributeError, OverflowError) as exc:
                if self.value_problems is None or not isinstance(node, scalar):
                    raise YamlSyntaxError(at(self, node), _value_problem(node, exc)) from None
                self.value_problems.append((at(self, node), _value_problem(node, exc)))
                return node.value

    # Only true/false are booleans: drop the YAML 1.1 resolver and add a strict one.
    Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )

    def at(loader: Loader, node: yaml.Node) -> Position:
        return Position(loader.filename, node.start_mark.line + 1, node.start_mark.column + 1)

    def construct_mapping(loader: Loader, node: yaml.MappingNode) -> LocatedDict:
        result = LocatedDict()
        file, construct = loader.filename, loader.construct_object
        result.position = at(loader, node)
        result.key_positions = key_positions = {}
        result.value_positions = value_positions = {}
        loader.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = construct(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                raise DuplicateKeyError(at(loader, key_node), key)
            result[key] = construct(value_node, deep=True)
            mark = key_node.start_mark
            key_positions[key] = Position(file, mark.line + 1, mark.column + 1)
            mark = value_node.start_mark
            value_positions[key] = Position(file, mark.line + 1, mark.column + 1)
        return result

    def construct_sequence(loader: Loader, node: yaml.SequenceNode) -> LocatedList:
        file, construct = loader.filename, loader.construct_object
        result = LocatedList([construct(child, deep=True) for child in node.value])
        result.position = at(loader, node)
        result.item_positions = [Position(file, child.start_mark.line + 1, child.start_mark.column + 1)
                                 for child in node.value]
        return result

    Loader.add_constructor("tag:yaml.org,2002:map", construct_mapping)
    Loader.add_constructor("tag:yaml.org,2002:seq", construct_sequence)
    return Loader


class DuplicateKeyError(Exception):
    def __init__(self, position: Position, key: str) -> None:
        super().__init__(_("duplicate key '{key}'").format(key=key))
        self.position = position
        self.key = key


class YamlSyntaxError(Exception):
    def __init__(self, position: Position, message: str) -> None:
        super().__init__(message)
        self.position = position
        self.message = message


class _Unusual(Exception):
    """A document `_from_events` leaves to PyYAML's composer: a container's anchor, a tag, a merge key, a
    duplicate key, more than one document, or a limit reached."""


def _from_events(loader: Any, filename: str) -> Any:
    """The document built straight from the parser's events, as `construct_document` builds it from nodes.

    Composing nodes first, then constructing from them, walks every value twice (~20% of a rule file's
    reading); a tree of mappings, lists and scalars (every shipped file; an alias only to a text) needs
    neither. Anything else raises `_Unusual`, and on that or any error the file is read again the usual way,
    which then says exactly what it always said (a duplicate key or a bad date after any syntax error further
    down, as the composer reads the whole file first). `tests/test_yaml_fast_texts.py` checks every shipped
    file reads the same both ways, positions included.
    """
    import yaml

    scalar_event, start_map, start_seq = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    end_events = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    STR = "tag:yaml.org,2002:str"
    resolvers = loader.yaml_implicit_resolvers
    plain_values = loader.plain_values
    get = loader.get_event
    get()  # the stream's start
    event = get()
    if type(event) is yaml.StreamEndEvent:
        return None
    if type(event) is not yaml.DocumentStartEvent:
        raise _Unusual
    stack: list[Any] = []  # the open containers, innermost last
    keys: list[Any] = []  # per open mapping: the key read and waiting for its value, else _NO_KEY
    anchors: dict[str, tuple[Any, Any]] = {}  # a text's anchor -> (its value, where it is): an alias reads the same
    count = 0
    root: Any = _NO_KEY
    while True:
        event = get()
        kind = type(event)
        if kind is scalar_event:
            if event.tag is not None or event.anchor in anchors:
                raise _Unusual
            text = event.value
            if event.implicit[0] and resolvers.get(text[0] if text else ""):
                known = plain_values.get(text)
                if known is None:
                    tag = loader.resolve(yaml.ScalarNode, text, event.implicit)
                    value = text if tag == STR else loader.construct_object(
                        yaml.ScalarNode(tag, text, event.start_mark, event.end_mark, event.style))
                    # (a text read for a value that could not be built, `value_problems`, is not kept)
                    if (type(value) in _IMMUTABLE and (tag == STR or type(value) is not str) and len(text) <= 40
                            and len(plain_values) < 10_000):
                        plain_values[text] = tag, value
                else:
                    tag, value = known
            else:
                tag, value = STR, text
            mark = event.start_mark
            if event.anchor is not None:
                anchors[event.anchor] = value, mark
        elif kind is start_map or kind is start_seq:
            if event.anchor is not None or (event.tag is not None and event.tag != "!"):
                raise _Unusual
            container: Any = LocatedDict() if kind is start_map else LocatedList()
            container._file, container._mark = filename, event.start_mark
            if kind is start_map:
                container._key_marks, container._value_marks = {}, {}
            else:
                container._item_marks = []
            count += 1
            if len(stack) + 1 > MAX_NESTING or count > MAX_NODES:
                raise _Unusual
            if stack and type(stack[-1]) is LocatedDict and keys[-1] is _NO_KEY:
                raise _Unusual  # a mapping or list as a key
            stack.append(container)
            keys.append(_NO_KEY)
            continue
        elif kind in end_events:
            value = stack.pop()
            keys.pop()
            mark = None
        elif kind is yaml.DocumentEndEvent:
            break
        elif kind is yaml.AliasEvent and event.anchor in anchors:  # a text read again (a container is left to PyYAML)
            value, mark = anchors[event.anchor]
            tag = None
        else:
            raise _Unusual
        if mark is not None:
            count += 1
            if len(stack) + 1 > MAX_NESTING or count > MAX_NODES:
                raise _Unusual
        if not stack:
            root = value
            continue
        parent = stack[-1]
        if type(parent) is LocatedList:
            parent.append(value)
            parent._item_marks.append(value._mark if mark is None else mark)
        elif keys[-1] is _NO_KEY:  # a key
            if tag == "tag:yaml.org,2002:merge":
                raise _Unusual
            key = value if isinstance(value, str) else str(value)
            if key in parent:
                raise _Unusual  # the composer's path says where, after any problem further down the file
            keys[-1] = (key, mark)
        else:
            key, where = keys[-1]
            keys[-1] = _NO_KEY
            parent[key] = value
            parent._key_marks[key] = where
            parent._value_marks[key] = value._mark if mark is None else mark
    if type(get()) is not yaml.StreamEndEvent:
        raise _Unusual  # more than one document: the composer's error
    return root


_NO_KEY: Any = object()
_IMMUTABLE = frozenset((str, int, float, bool, type(None), dt.date, dt.datetime))


def load_yaml_text(text: str, filename: str, *, loader_class: type[yaml.SafeLoader] | None = None,
                   value_problems: list[tuple[Position, str]] | None = None) -> Any:
    """Parse one YAML document; raise YamlSyntaxError/DuplicateKeyError with a position.

    `loader_class` (a subclass of `safe_loader_class()`) lets a caller construct some scalars its own way.
    With `value_problems`, a scalar that cannot be built (`2025-13-07`, a number too large) is not an error
    of the whole file: its position and problem are appended there, and it is read as its text.
    """
    import yaml

    if len(text) > MAX_FILE_BYTES:
        raise YamlSyntaxError(Position(filename, 1, 1), _too_large(len(text)))
    if loader_class is None:
        fast: Any = safe_loader_class()(text)
        fast.filename = filename
        found: list[tuple[Position, str]] = []
        if value_problems is not None:
            fast.value_problems = found
        try:
            document = _from_events(fast, filename)
        except Exception:  # read again the usual way, which says what is wrong exactly as it always did
            pass
        else:
            if value_problems is not None:
                value_problems.extend(found)
            return document
        finally:
            fast.dispose()
    loader: Any = (loader_class or safe_loader_class())(text)
    loader.filename = filename
    noted: list[tuple[Position, str]] = []
    if value_problems is not None:
        loader.value_problems = noted
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if not _small_tree(node):
            _check_size(node, filename)
        document = loader.construct_document(node)
        if value_problems is not None:
            value_problems.extend(noted)
        return document
    except (DuplicateKeyError, YamlSyntaxError):
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(part for part in (exc.context, exc.problem) if part) or _("invalid YAML")
        opened = exc.context_mark
        advice = yaml_advice(message, text.splitlines(), line, column,
                             (opened.line + 1, opened.column + 1) if opened else None)
        said = yaml_problem(exc.context, exc.problem) or message
        raise YamlSyntaxError(Position(filename, line, column),
                              _("{advice} (YAML: {problem})").format(advice=advice, problem=said) if advice
                              else said) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(Position(filename, 1, 1), str(exc)) from None
    except RecursionError:  # only the pure-Python parser recurses; _check_size bounds everything after it
        raise YamlSyntaxError(Position(filename, 1, 1),
                              _("nested too deeply (limit {limit})").format(limit=MAX_NESTING)) from None
    finally:
        loader.dispose()


# PyYAML's (and libyaml's) own words for the commonest problems: the msgids are its English, so English
# readers see exactly what PyYAML wrote and others read it in their language (`yaml_problem`); any other
# message is shown as PyYAML writes it. `{found}` keeps PyYAML's quotes.
_YAML_CONTEXTS = frozenset((
    N_("while scanning a simple key"), N_("while scanning for the next token"), N_("while parsing a block mapping"),
    N_("while parsing a block collection"), N_("while parsing a flow mapping"), N_("while parsing a flow sequence"),
    N_("while parsing a block node"), N_("while parsing a flow node"), N_("while scanning a quoted scalar"),
    N_("while parsing a quoted scalar"), N_("while scanning a double-quoted scalar"),
    N_("while scanning a single-quoted scalar"), N_("while scanning a block scalar"), N_("while scanning an alias"),
    N_("while scanning an anchor"), N_("while constructing a mapping")))
_YAML_MESSAGES = (
    N_("mapping values are not allowed here"), N_("mapping values are not allowed in this context"),
    N_("could not find expected ':'"), N_("found character {found} that cannot start any token"),
    N_("found character that cannot start any token"), N_("did not find expected key"),
    N_("did not find expected '-' indicator"), N_("found undefined alias {found}"), N_("found undefined alias"),
    N_("expected <block end>, but found {found}"), N_("expected ',' or ']', but got {found}"),
    N_("expected ',' or '}}', but got {found}"), N_("did not find expected ',' or ']'"),
    N_("did not find expected ',' or '}}'"), N_("did not find expected node content"),
    N_("found unexpected end of stream"), N_("found unknown escape character {found}"),
    N_("found unknown escape character"), N_("found a tab character where an indentation space is expected"),
    N_("found unhashable key"))


@functools.cache
def _yaml_problems() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each message of PyYAML's as a pattern (`{found}` matching anything), compiled when first needed: only
    a broken file needs them, so a run's start does not pay for them."""
    return tuple((re.compile(re.escape(message.replace("{found}", "\0").format()).replace("\0", "(?P<found>.+)")),
                  message) for message in _YAML_MESSAGES)


def yaml_problem(context: str | None, problem: str | None) -> str | None:
    """PyYAML's `context problem` in the active language where both parts are known; None otherwise."""
    parts = []
    if context:
        if context not in _YAML_CONTEXTS:
            return None
        parts.append(_(context))
    if problem:
        for pattern, translated in _yaml_problems():
            if match := pattern.fullmatch(problem):
                parts.append(_(translated).format(**match.groupdict()))
                break
        else:
            return None
    return " ".join(parts) or None


def yaml_advice(message: str, lines: list[str], line: int, column: int,
                opened: tuple[int, int] | None) -> str | None:
    """What to do about the PyYAML failures people meet most, in words for people who don't know YAML.

    PyYAML (and libyaml, whose wording differs) describes the parser's state; a lawyer needs the edit.
    `line`/`column` are where the parser stopped (1-based), `opened` where the construct it was in began.
    None when we have nothing better than PyYAML's own message.
    """
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    before = here[:column - 1]
    indent = here[:len(here) - len(here.lstrip(" \t"))]
    if "\t" in indent or "tab" in message or here[column - 1:column] == "\t":
        return _("this line is indented with a tab: indent with spaces only")
    if "mapping values are not allowed" in message:
        if ": " in before or before.rstrip().endswith(":"):
            return _("text that contains ': ' must be in quotes: write the whole text in double quotes, "
                     'e.g. text: "Note: see s. 12"')
        return _("indent this line like the one above (keys of one item start in the same column)")
    if "quoted scalar" in message and "end of stream" in message:
        if opened:
            return _("a quote (opened on line {line}) is never closed: end the text with the same quote it starts "
                     "with").format(line=opened[0])
        return _("a quote is never closed: end the text with the same quote it starts with")
    if "flow sequence" in message or "flow mapping" in message:
        bracket = "]" if "sequence" in message else "}"
        start = "[" if bracket == "]" else "{"
        if opened:
            return _("a list opened with '{start}' on line {line} is not closed with '{end}'").format(
                start=start, line=opened[0], end=bracket)
        return _("a list opened with '{start}' is not closed with '{end}'").format(start=start, end=bracket)
    if "'-' indicator" in message or ("block collection" in message and "block end" in message):
        return _("indent this line like the one above: each item of a list starts with '- ' in the same column, "
                 "and the keys of one item line up under its first key")
    if "expected key" in message or ("block mapping" in message and "block end" in message):
        if "'" in before and before.count("'") % 2 == 0 and re.search(r":\s*'", before):
            return _("an apostrophe inside text in single quotes: write it twice ('it''s') or use double quotes")
        return _("indent this line like the one above (keys of one item start in the same column)")
    if "cannot start any token" in message or "undefined alias" in message:
        first = here[column - 1:column] or _("this character")
        return _("text that starts with '{first}' must be in quotes, e.g. \"{first}…\"").format(first=first)
    return None


def _small_tree(root: yaml.Node) -> bool:
    """Whether a document is a tree (no value appears twice through an alias) within both limits of
    `_check_size`: for a tree its number of values and its depth are what that function measures, so
    only another document needs it (which then says where a limit is reached).
    """
    seen: set[int] = set()
    pending = [(root, 1)]
    while pending:
        node, depth = pending.pop()
        if id(node) in seen or depth > MAX_NESTING:
            return False
        seen.add(id(node))
        value = node.value
        if isinstance(value, list):
            below = depth + 1
            for item in value:
                if isinstance(item, tuple):  # a mapping's (key, value)
                    pending.append((item[0], below))
                    pending.append((item[1], below))
                else:
                    pending.append((item, below))
    return len(seen) <= MAX_NODES


def _check_size(root: yaml.Node, filename: str) -> None:
    """Count values as if every alias were expanded, and nesting, without recursion and without expanding.

    Each node is measured once (aliases share nodes), so this is linear in the file even when the
    document it describes is exponentially large.
    """
    import yaml

    size: dict[int, int] = {}
    height: dict[int, int] = {}
    open_nodes: set[int] = set()  # ancestors of the node being measured: meeting one again is a cycle

    def children(node: yaml.Node) -> list[yaml.Node]:
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        if isinstance(node, yaml.MappingNode):
            return [part for pair in node.value for part in pair]
        return []

    def where(node: yaml.Node) -> Position:
        return Position(filename, node.start_mark.line + 1, node.start_mark.column + 1)

    pending: list[tuple[yaml.Node, bool]] = [(root, False)]
    while pending:
        node, finished = pending.pop()
        key = id(node)
        if finished:
            open_nodes.discard(key)
            kids = children(node)
            size[key] = 1 + sum(size[id(kid)] for kid in kids)
            height[key] = 1 + max((height[id(kid)] for kid in kids), default=0)
            if size[key] > MAX_NODES:
                raise YamlSyntaxError(where(node),
                                      _("too many values once aliases are expanded (limit {limit})").format(
                                          limit=MAX_NODES))
            if height[key] > MAX_NESTING:
                raise YamlSyntaxError(where(node),
                                      _("lists and mappings nested too deeply (limit {limit})").format(
                                          limit=MAX_NESTING))
        elif key in open_nodes:
            raise YamlSyntaxError(where(node), _("an alias refers to a value that contains it"))
        elif key not in size:
            open_nodes.add(key)
            pending.append((node, True))
            pending.extend((kid, False) for kid in children(node))


def _value_problem(node: yaml.Node, exc: Exception) -> str:
    """What is wrong with a scalar PyYAML could not build, without repeating the value itself."""
    tag = str(getattr(node, "tag", "")).rsplit(":", 1)[-1]
    if tag == "int":
        return _("number too large")
    if tag == "timestamp":
        detail = str(exc) if isinstance(exc, ValueError) else _("use YYYY-MM-DD")
        return _("not a valid date ({detail})").format(detail=detail)
    return _("not a valid {tag}").format(tag=tag) if tag else _("not a valid value")


def _cannot_read(error: OSError) -> str:
    """Why a file cannot be read, in the system's words (strerror)."""
    return _("cannot read ({reason})").format(reason=error.strerror or error)


def _too_large(size: int) -> str:
    return _("file too large ({size} bytes; the limit is {limit})").format(
        size=format_number(size), limit=format_number(MAX_FILE_BYTES))


def read_file_bytes(path: Path, display_name: str) -> bytes:
    """A file's bytes, refusing (with a position) anything but a regular file of at most MAX_FILE_BYTES.

    Opened without blocking, so a FIFO put where a file was expected is refused instead of waited on.
    """
    start = Position(display_name, 1, 1)
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise YamlSyntaxError(start, _cannot_read(exc)) from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise YamlSyntaxError(start, _("not a regular file"))
        if info.st_size > MAX_FILE_BYTES:
            raise YamlSyntaxError(start, _too_large(info.st_size))
        with os.fdopen(handle, "rb", closefd=False) as stream:
            # Sized to the file: asking for the limit allocates a 2 MB buffer on every read (4x the time of
            # reading the rules). A file that grew meanwhile is read on, up to one byte past the limit.
            data = stream.read(info.st_size + 1)
            if len(data) > info.st_size:
                data += stream.read(MAX_FILE_BYTES + 1 - len(data))
    except OSError as exc:
        raise YamlSyntaxError(start, _cannot_read(exc)) from None
    finally:
        os.close(handle)
    if len(data) > MAX_FILE_BYTES:
        raise YamlSyntaxError(start, _too_large(len(data)))
    return data


def read_file_text(path: Path, display_name: str) -> str:
    """`read_file_bytes` as UTF-8 text."""
    return decode_text(read_file_bytes(path, display_name), display_name)


def decode_text(data: bytes, display_name: str) -> str:
    """A file's bytes as UTF-8 text, or YamlSyntaxError at its start."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlSyntaxError(Position(display_name, 1, 1),
                              _("not UTF-8 text ({reason})").format(reason=exc.reason)) from None


def load_yaml_file(path: Path, display_name: str) -> Any:
    return load_yaml_text(read_file_text(path, display_name), display_name)


def position_of(
    container: Any, path: tuple[int | str, ...], fallback: Position, *, at_key: bool = False
) -> Position:
    """The most precise known position for a pydantic-style location path inside `container`.

    With `at_key`, a path ending in a mapping key points at the key rather than at its value.
    """
    best = getattr(container, "position", fallback)
    node = container
    for index, step in enumerate(path):
        last = index == len(path) - 1
        if at_key and last and isinstance(node, LocatedDict) and isinstance(step, str) and step in node:
            return node.key_positions.get(step, best)
        if isinstance(node, LocatedDict) and isinstance(step, str) and step in node:
            best = node.value_positions.get(step, best)
            node = node[step]
        elif isinstance(node, LocatedList) and isinstance(step, int) and 0 <= step < len(node):
            best = node.item_positions[step]
            node = node[step]
        elif isinstance(node, LocatedDict) and isinstance(step, str):
            # an unknown key: point at the key itself
            best = node.key_positions.get(step, best)
            break
        else:
            break
    return best
