"""A per-user cache of compiled rulebooks, so `screener check` does not re-parse YAML on every run.

Parsing and checking the default rulebook costs more than the rest of a `check --json` run. The
compiled form is pickled into the user's own cache folder (0700, files 0600) under the SHA-256 of
every rule file's path and content plus the screener and Python versions: any edit to the rules is a
new key, so a stale entry is never used. Pickle runs code on load, so a cache file is only read when
it is a regular file owned by this user and not writable by anyone else; anything odd (or any error)
falls back to loading the YAML, which is always correct. SCREENER_CACHE_DIR=off disables the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path

from screener.rulebook import Rulebook, content_hash, load_rulebook, resolve_rules_path

FORMAT = "1"


def cache_dir() -> Path | None:
    setting = os.environ.get("SCREENER_CACHE_DIR")
    if setting is not None:
        return None if setting.lower() in ("", "0", "off", "no") else Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "screener"


def _key(root: Path) -> str:
    # content_hash covers every rule file; the engine modules' sizes and mtimes cover a new screener.
    engine = Path(__file__).parent
    stamps = ",".join(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in sorted(engine.glob("*.py")))
    text = "|".join([FORMAT, sys.version, str(root.resolve()), content_hash(root), stamps])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _trusted(path: Path) -> bool:
    """Only our own, private, regular file may be unpickled."""
    try:
        info = path.lstat()
    except OSError:
        return False
    return (stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid()
            and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def load_rulebook_cached(path: str | os.PathLike[str] | None = None) -> Rulebook:
    """`load_rulebook`, reusing this user's cached compiled form when the rule files are unchanged."""
    root = resolve_rules_path(path)
    folder = cache_dir()
    if folder is None or not root.is_dir():
        return load_rulebook(root)
    try:
        entry = folder / f"rulebook-{_key(root)}.pickle"
    except OSError:
        return load_rulebook(root)
    if entry.exists() and _private_folder(folder) and _trusted(entry):
        try:
            with entry.open("rb") as stream:
                cached = pickle.load(stream)
            if isinstance(cached, Rulebook):
                cached.path = root
                return cached
        except Exception:  # a corrupt or foreign entry: ignore it and rebuild
            pass
    rulebook = load_rulebook(root)
    with contextlib.suppress(OSError, pickle.PicklingError, RecursionError):
        _write(folder, entry, rulebook)
    return rulebook


def _private_folder(folder: Path) -> bool:
    try:
        info = folder.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022


def _write(folder: Path, entry: Path, rulebook: Rulebook) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not _private_folder(folder):
        return
    handle, temporary = tempfile.mkstemp(prefix=".rulebook-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(rulebook, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, entry)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
