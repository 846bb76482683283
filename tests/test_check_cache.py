"""The compiled-rulebook cache: private files, new key on any rule edit, untrusted entries ignored."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

from screener.rulecache import load_rulebook_cached

RULES = Path(__file__).parent / "fixtures" / "check" / "rules"


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    cache = tmp_path / "cache"
    monkeypatch.setenv("SCREENER_CACHE_DIR", str(cache))
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    return cache, rules


def test_entries_are_private_and_reused(setup: tuple[Path, Path]) -> None:
    cache, rules = setup
    first = load_rulebook_cached(rules)
    entries = list(cache.glob("rulebook-*.pickle"))
    assert len(entries) == 1
    assert stat.S_IMODE(entries[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    second = load_rulebook_cached(rules)
    assert second.content_hash == first.content_hash and list(second.pathways) == list(first.pathways)


def test_editing_a_rule_file_is_never_served_from_the_cache(setup: tuple[Path, Path]) -> None:
    cache, rules = setup
    load_rulebook_cached(rules)
    path = rules / "pathways.yaml"
    path.write_text(path.read_text().replace("title: Spousal sponsorship", "title: Sponsorship by your spouse"))
    assert load_rulebook_cached(rules).pathways["spousal_sponsorship"].title == "Sponsorship by your spouse"
    assert len(list(cache.glob("rulebook-*.pickle"))) == 2


def test_an_entry_writable_by_others_is_not_unpickled(setup: tuple[Path, Path]) -> None:
    cache, rules = setup
    load_rulebook_cached(rules)
    entry = next(cache.glob("rulebook-*.pickle"))
    entry.write_bytes(b"not a pickle at all")
    entry.chmod(0o666)
    book = load_rulebook_cached(rules)  # rebuilt from the YAML instead
    assert "work_permit" in book.pathways
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600  # and replaced by a private entry


def test_off_disables_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCREENER_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert "work_permit" in load_rulebook_cached(RULES).pathways
    assert not any(tmp_path.iterdir())
