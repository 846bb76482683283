"""Answer files: what `screener check --answers` reads and `--save` writes.

A person's answers are private, so reading never echoes them back in errors (only the field that
failed and why), and writing goes to a new owner-only (0600) file that replaces the old one in a
single rename, so a crash never leaves half a file or a moment where others could read it.

Format: a mapping of question id -> answer, in YAML or JSON (chosen by the `.json` suffix; anything
else is read as YAML, which also reads JSON). An empty answer is unknown and will be asked; an
explicit `null` means "I don't know" and is not asked again.

Numbers and dates are kept as the text written (`30`, `30.0`, `.nan`, `2020-13-45`), not built by the
YAML or JSON parser: `screener.answers` then reads them by the same rule as an interview reply or a
batch cell, with an error naming the field, and a 5,000-digit number or an impossible date can never
fail inside the parser. Only `true`/`false` and `null` keep their YAML/JSON meaning.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from screener.answers import field_name
from screener.errors import ScreenerError
from screener.files import atomic_write
from screener.i18n import N_, _
from screener.source import DuplicateKeyError, YamlSyntaxError, load_yaml_text

if TYPE_CHECKING:
    import yaml

MAX_BYTES = 1_000_000  # an answer file is a few hundred bytes; refuse anything absurd before parsing
OWNER_ONLY = 0o600


@dataclass
class AnswerFile:
    """Raw answers (still text or plain values) and the questions the person declined (`null`)."""

    answers: dict[str, Any] = field(default_factory=dict)
    declined: set[str] = field(default_factory=set)
    refused: dict[str, str] = field(default_factory=dict)  # field -> why its answer is not a single value


STDIN = Path("<stdin>")  # `--answers -`: how errors name standard input (a YAML or JSON mapping, read as YAML)


def read_answer_file(path: Path) -> AnswerFile:
    """Read an answer file (`-`: standard input); ScreenerError (exit 2) with one line saying what is wrong,
    never its content."""
    if str(path) == "-":
        import sys

        raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise ScreenerError(_("--answers: standard input is too large to be an answer file (over {size} bytes)"
                                  ).format(size=MAX_BYTES), exit_code=2)
        return _read_bytes(raw, STDIN)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ScreenerError(_("--answers: {path} is too large to be an answer file ({size} bytes)").format(
                path=path, size=size), exit_code=2)
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScreenerError(_("--answers: no such file: {path}").format(path=path), exit_code=2) from None
    except IsADirectoryError:
        raise ScreenerError(_("--answers: {path} is a folder, not a file").format(path=path), exit_code=2) from None
    except OSError as exc:
        raise ScreenerError(_("--answers: cannot read {path} ({reason})").format(path=path, reason=exc.strerror),
                            exit_code=2) from None
    return _read_bytes(raw, path)


def _read_bytes(raw: bytes, path: Path) -> AnswerFile:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScreenerError(_("--answers: {path} is not UTF-8 text").format(path=path), exit_code=2) from None
    data = _parse(text, path)
    if data is None:
        return AnswerFile()
    if not isinstance(data, Mapping):
        raise ScreenerError(
            _("--answers: {path} must be a mapping of question id to answer (like 'age: 30')").format(path=path),
            exit_code=2)
    try:
        return answer_entries(data)
    except ShapeError as exc:
        raise ScreenerError(f"--answers: {path}: '{field_name(exc.field)}' {_(exc.reason)}", exit_code=2) from None


class ShapeError(ValueError):
    """An answer that is not a single value; names the field only (the value could be anything)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field_name(field)}: {reason}")
        self.field = field
        self.reason = reason


def answer_entries(data: Mapping[Any, Any], *, every: bool = False) -> AnswerFile:
    """A parsed mapping of question id -> answer as an `AnswerFile`: `null` is declined, a list or a
    mapping is refused (ShapeError; with `every`, each such field is kept in `refused` instead, so a
    caller can name every problem at once). Shared by answer files and `screener serve`'s JSON bodies."""
    result = AnswerFile()
    for key, value in data.items():
        name = str(key)
        if value is None:
            result.declined.add(name)
        elif isinstance(value, Mapping | list):
            if not every:
                raise ShapeError(name, N_("must be a single value, not a list or mapping"))
            result.refused[name] = _("must be a single value, not a list or mapping")
        else:
            result.answers[name] = value
    return result


class DuplicateJsonKey(ValueError):
    """A JSON object names one key twice (`{"age": 30, "age": 40}`): which answer was meant cannot be known."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise DuplicateJsonKey(key)
        found[key] = value
    return found


def loads_json(text: str | bytes) -> Any:
    """JSON with numbers kept as the text written (read later by `screener.answers`, one number rule);
    raises json.JSONDecodeError, RecursionError or DuplicateJsonKey (never the last value silently)."""
    return json.loads(text, parse_int=str, parse_float=str, parse_constant=str, object_pairs_hook=_once)


def _parse(text: str, path: Path) -> Any:
    if path.suffix.lower() == ".json":
        try:
            return loads_json(text)
        except json.JSONDecodeError as exc:
            raise ScreenerError(_("--answers: {where}: invalid JSON ({problem})").format(
                where=f"{path}:{exc.lineno}:{exc.colno}", problem=exc.msg), exit_code=2) from None
        except RecursionError:
            raise ScreenerError(_("--answers: {path}: invalid JSON (nested too deeply)").format(path=path),
                                exit_code=2) from None
        except DuplicateJsonKey as exc:
            raise ScreenerError(_("--answers: {path}: '{name}' is given twice: keep the one you mean").format(
                path=path, name=field_name(exc.key)), exit_code=2) from None
    try:
        return load_yaml_text(text, str(path), loader_class=_answer_loader())
    except (YamlSyntaxError, DuplicateKeyError) as exc:
        # Positions and the parser's own words only; no excerpt of the file.
        raise ScreenerError(f"--answers: {exc.position}: {exc}", exit_code=2) from None
    except RecursionError:
        raise ScreenerError(_("--answers: {path}: nested too deeply").format(path=path), exit_code=2) from None


@functools.cache
def _answer_loader() -> type[yaml.SafeLoader]:
    """The rules' YAML loader, but numbers and dates stay the text written (read later by `answers`)."""
    from screener.source import safe_loader_class

    class AnswerLoader(safe_loader_class()):  # type: ignore[misc]
        pass

    def as_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
        return str(node.value)

    for tag in ("int", "float", "timestamp"):
        AnswerLoader.add_constructor(f"tag:yaml.org,2002:{tag}", as_text)
    return AnswerLoader


def answers_for_file(values: Mapping[str, Any], declined: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
    """Typed answers as plain, re-readable values: yes/no as text, numbers as numbers, declined as null."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, bool):
            out[key] = "yes" if value else "no"
        elif isinstance(value, dt.date):
            out[key] = value.isoformat()
        else:
            out[key] = value
    for key in sorted(declined):
        out.setdefault(key, None)
    return out


def dump_answers(plain: Mapping[str, Any], json_format: bool) -> str:
    """The text of an answer file, written by hand so yes/no and ids are always quoted safely.

    Numbers are written as plain decimals (`0.00001`, never Python's `1e-05`), so the file reads back
    by the one number rule of `screener.answers`, which refuses exponents.
    """
    if json_format:
        if not plain:
            return "{}\n"
        body = ",\n".join(f"  {json.dumps(str(key), ensure_ascii=False)}: {_value(value)}"
                           for key, value in plain.items())
        return "{\n" + body + "\n}\n"
    lines = ["# " + _("screener answers: edit freely; an empty value is asked again, null means \"I don't know\".")]
    for key, value in plain.items():
        lines.append(f"{key}: {_value(value)}")
    return "\n".join(lines) + "\n"


def _value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, float):  # finite: answers are never NaN or infinite
        return format(Decimal(repr(value)), "f")
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def write_answer_file(path: Path, values: Mapping[str, Any], declined: set[str] | frozenset[str] = frozenset(),
                      option: str | None = "--save") -> None:
    """Write answers atomically to a new owner-only file (0600), replacing `path` in one rename. An error
    names `option` first when the path came from one (not when the person typed it at a prompt)."""
    text = dump_answers(answers_for_file(values, declined), path.suffix.lower() == ".json")
    directory = path.parent if str(path.parent) else Path(".")
    def named(message: str) -> str:
        return _("{option}: {message}").format(option=option, message=message) if option else message

    if not directory.is_dir():
        raise ScreenerError(named(_("cannot write in {folder} (no such folder)").format(folder=directory)),
                            exit_code=2 if option else 1)  # an option's bad argument (see screener.files)
    try:
        with atomic_write(path, option=option) as stream:
            stream.write(text.encode("utf-8"))
    except OSError as exc:
        raise ScreenerError(named(_("cannot write {path} ({reason})").format(path=path, reason=exc.strerror)),
                            exit_code=1) from None
