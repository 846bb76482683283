"""A per-user cache of checked rulebooks, so `screener check` starts fast.

Reading the YAML and validating it with pydantic costs more than the rest of a `check --json` run.
After a rulebook has loaded cleanly once, its *validated content* is written as JSON — plain data,
never code, so reading the cache cannot run anything — together with the file positions the loader
looked up. The next run rebuilds the same models from that JSON without re-parsing YAML or
re-validating (pydantic's `model_construct`), then compiles and type-checks the expressions exactly
as a fresh load does. The key is the SHA-256 of every rule file plus the screener code, so an edited
rulebook or a new screener never meets a stale entry. Anything odd falls back to a full load.
The cache lives in `$SCREENER_CACHE_DIR`, else `$XDG_CACHE_HOME/screener`, else `~/.cache/screener`
(folder 0700, files 0600); `SCREENER_CACHE_DIR=off` disables it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, get_args, get_origin

from pydantic import BaseModel

from screener.files import atomic_write
from screener.model import RuleFile
from screener.rulebook import Rulebook, _Loader, content_hash, load_rulebook, resolve_rules_path
from screener.source import Position

FORMAT = "json-1"
M = TypeVar("M", bound=BaseModel)
Converter = Callable[[Any], Any]
PositionKey = tuple[str, tuple[int | str, ...], bool]


def cache_dir() -> Path | None:
    setting = os.environ.get("SCREENER_CACHE_DIR")
    if setting is not None:
        return None if setting.lower() in ("", "0", "off", "no") else Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "screener"


def cache_key(rules_hash: str) -> str:
    """Rule files' content (`content_hash`), the screener code that reads them, and the Python version."""
    code = hashlib.sha256()
    for source in sorted(Path(__file__).parent.rglob("*.py")):
        code.update(source.read_bytes())
    text = "|".join([FORMAT, sys.version, rules_hash, code.hexdigest()])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def load_rulebook_cached(path: str | os.PathLike[str] | None = None) -> Rulebook:
    """`load_rulebook`, reusing this user's cached content when the rule files are unchanged."""
    root = resolve_rules_path(path)
    folder = cache_dir()
    if folder is None or not root.is_dir():
        return load_rulebook(root)
    try:
        rules_hash = content_hash(root)
        entry = folder / f"rulebook-{cache_key(rules_hash)}.json"
    except OSError:
        return load_rulebook(root)
    if _private(folder, directory=True) and _private(entry, directory=False):
        try:
            return _CachedLoader(root, json.loads(entry.read_text(encoding="utf-8")), rules_hash).load()
        except Exception:  # a damaged or foreign entry: rebuild from the YAML
            pass
    recorder = _RecordingLoader(root, rules_hash)
    rulebook = recorder.load()  # raises RulebookError for a broken rulebook: nothing is cached
    with contextlib.suppress(OSError, TypeError, ValueError):
        _write(folder, entry, recorder.snapshot())
    return rulebook


# ------------------------------------------------------------------------------ the two loaders


class _RecordingLoader(_Loader):
    """A normal load that also remembers the validated files and every position it looked up."""

    def __init__(self, root: Path, rules_hash: str | None = None) -> None:
        super().__init__(root, rules_hash)
        self.files: list[tuple[str, RuleFile]] = []
        self.seen: dict[PositionKey, Position] = {}

    def read_files(self) -> list[tuple[str, RuleFile]]:
        self.files = super().read_files()
        return self.files

    def position(self, file: str, path: tuple[int | str, ...], *, at_key: bool = False) -> Position:
        found = super().position(file, path, at_key=at_key)
        self.seen[(file, path, at_key)] = found
        return found

    def snapshot(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "files": [[name, model.model_dump(mode="json", by_alias=True, exclude_unset=True)]
                      for name, model in self.files],
            "positions": [[file, list(path), at_key, pos.file, pos.line, pos.column]
                          for (file, path, at_key), pos in self.seen.items()],
        }


class _CachedLoader(_Loader):
    """A load whose files and positions come from a snapshot instead of YAML."""

    def __init__(self, root: Path, snapshot: dict[str, Any], rules_hash: str | None = None) -> None:
        super().__init__(root, rules_hash)
        if snapshot.get("format") != FORMAT:
            raise ValueError("another cache format")
        self.snapshot = snapshot
        self.known: dict[PositionKey, Position] = {
            (file, tuple(path), bool(at_key)): Position(name, line, column)
            for file, path, at_key, name, line, column in snapshot["positions"]
        }

    def read_files(self) -> list[tuple[str, RuleFile]]:
        return [(name, construct(RuleFile, data)) for name, data in self.snapshot["files"]]

    def position(self, file: str, path: tuple[int | str, ...], *, at_key: bool = False) -> Position:
        return self.known.get((file, path, at_key)) or Position(file, 1, 1)


# ----------------------------------------------------- validated JSON back into models, no checks


def construct(model: type[M], data: dict[str, Any]) -> M:
    """Rebuild a model from its own `model_dump(mode="json")` without validating it again."""
    plan = _plan(model)
    values: dict[str, Any] = {}
    for key, value in data.items():
        convert = plan.get(key)
        values[key] = convert(value) if convert is not None and value is not None else value
    return model.model_construct(**values)


@functools.cache
def _plan(model: type[BaseModel]) -> dict[str, Converter]:
    """For each key of a model's JSON form, how to turn it back into the field's value."""
    plan: dict[str, Converter] = {}
    for name, info in model.model_fields.items():
        convert = _converter(info.annotation)
        if convert is not None:
            plan[info.alias or name] = convert
    return plan


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
        if origin is list:
            return lambda value: [item(element) for element in value]
        return lambda value: {key: item(element) for key, element in value.items()}
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


def _write(folder: Path, entry: Path, snapshot: dict[str, Any]) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not _private(folder, directory=True):
        return
    with atomic_write(entry) as stream:
        stream.write(json.dumps(snapshot, separators=(",", ":")).encode("utf-8"))
