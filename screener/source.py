"""Reading YAML safely while remembering where every value came from.

Rule files are data written by people, so every error must point at a file, line and column. We parse
with PyYAML's *safe* loader only (C-accelerated when available) and wrap each mapping and sequence in a
container that carries the position of each of its items.

YAML 1.1 reads `yes`/`no`/`on`/`off` as booleans; a lawyer writing `value: yes` means the text "yes",
so only `true`/`false` are booleans here.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml


@dataclass(frozen=True, slots=True)
class Position:
    """A place in a file, 1-based as editors show it."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class LocatedDict(dict[str, Any]):
    """A mapping that knows where it starts and where each key and value sits."""

    position: Position
    key_positions: dict[str, Position]
    value_positions: dict[str, Position]


class LocatedList(list[Any]):
    """A sequence that knows where it starts and where each item sits."""

    position: Position
    item_positions: list[Position]


@functools.cache
def _loader_class() -> type[yaml.SafeLoader]:
    """PyYAML's safe loader (C-accelerated when available), with located containers and strict booleans.

    Built on first use: a run that reads no YAML (a cached rulebook) never imports PyYAML.
    """
    import yaml

    base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[valid-type,misc]
        filename = ""

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
        result.position = at(loader, node)
        result.key_positions = {}
        result.value_positions = {}
        loader.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                raise DuplicateKeyError(at(loader, key_node), key)
            result[key] = loader.construct_object(value_node, deep=True)
            result.key_positions[key] = at(loader, key_node)
            result.value_positions[key] = at(loader, value_node)
        return result

    def construct_sequence(loader: Loader, node: yaml.SequenceNode) -> LocatedList:
        result = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
        result.position = at(loader, node)
        result.item_positions = [at(loader, child) for child in node.value]
        return result

    Loader.add_constructor("tag:yaml.org,2002:map", construct_mapping)
    Loader.add_constructor("tag:yaml.org,2002:seq", construct_sequence)
    return Loader


class DuplicateKeyError(Exception):
    def __init__(self, position: Position, key: str) -> None:
        super().__init__(f"duplicate key '{key}'")
        self.position = position
        self.key = key


class YamlSyntaxError(Exception):
    def __init__(self, position: Position, message: str) -> None:
        super().__init__(message)
        self.position = position
        self.message = message


def load_yaml_text(text: str, filename: str, *, loader_class: type[yaml.SafeLoader] | None = None) -> Any:
    """Parse one YAML document; raise YamlSyntaxError/DuplicateKeyError with a position.

    `loader_class` (a subclass of `_loader_class()`) lets a caller construct some scalars its own way.
    """
    import yaml

    loader: Any = (loader_class or _loader_class())(text)
    loader.filename = filename
    try:
        return loader.get_single_data()
    except DuplicateKeyError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        raise YamlSyntaxError(Position(filename, line, column), message) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(Position(filename, 1, 1), str(exc)) from None
    finally:
        loader.dispose()


def load_yaml_file(path: Path, display_name: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlSyntaxError(Position(display_name, 1, 1), f"not UTF-8 text ({exc.reason})") from None
    return load_yaml_text(text, display_name)


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
