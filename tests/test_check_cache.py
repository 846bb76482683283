"""The rulebook cache: plain JSON, private files, new key on any edit, damaged entries ignored, same results."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from test_properties import profiles

from screener.rulebook import RulebookError, load_rulebook
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
    entries = list(cache.glob("rulebook-*.json"))
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
    assert len(list(cache.glob("rulebook-*.json"))) == 2


def test_an_entry_writable_by_others_is_not_read(setup: tuple[Path, Path]) -> None:
    cache, rules = setup
    load_rulebook_cached(rules)
    entry = next(cache.glob("rulebook-*.json"))
    entry.write_bytes(b'{"format": "json-1", "files": [], "positions": []}')
    entry.chmod(0o666)
    book = load_rulebook_cached(rules)  # rebuilt from the YAML instead
    assert "work_permit" in book.pathways
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600  # and replaced by a private entry


def test_off_disables_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCREENER_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert "work_permit" in load_rulebook_cached(RULES).pathways
    assert not any(tmp_path.iterdir())


def test_a_damaged_entry_falls_back_to_the_yaml(setup: tuple[Path, Path]) -> None:
    cache, rules = setup
    load_rulebook_cached(rules)
    entry = next(cache.glob("rulebook-*.json"))
    entry.write_text('{"format": "json-1", "files": [["x", {"questions": [{"id": 3}]}]], "positions": []}')
    assert "work_permit" in load_rulebook_cached(rules).pathways


def test_a_broken_rulebook_is_never_cached(setup: tuple[Path, Path]) -> None:
    cache, rules = setup
    path = rules / "pathways.yaml"
    path.write_text(path.read_text().replace("title: Spousal sponsorship", "titel: Spousal sponsorship"))
    with pytest.raises(RulebookError):
        load_rulebook_cached(rules)
    assert not list(cache.glob("rulebook-*.json"))


@pytest.mark.parametrize("folder", [RULES, Path(__file__).parent.parent / "rules"])
def test_a_cached_rulebook_is_the_same_rulebook(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCREENER_CACHE_DIR", str(tmp_path))
    fresh = load_rulebook(folder)
    load_rulebook_cached(folder)  # writes the entry
    cached = load_rulebook_cached(folder)  # reads it
    assert list(tmp_path.glob("rulebook-*.json"))
    for part in ("info", "topics", "questions", "derived", "tables", "scores", "pathways", "flags", "types", "order"):
        assert getattr(cached, part) == getattr(fresh, part), part
    assert [(c.source, c.position) for c in cached.rules.all_expressions()] == [
        (c.source, c.position) for c in fresh.rules.all_expressions()]
    assert [t.text for t in cached.rules.templates()] == [t.text for t in fresh.rules.templates()]

    @settings(max_examples=60, deadline=None)
    @given(answers=profiles(fresh))
    def same_verdicts(answers: dict[str, Any]) -> None:
        assert cached.evaluate(answers).to_json() == fresh.evaluate(answers).to_json()

    same_verdicts()
