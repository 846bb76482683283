"""The rulebook cache: plain JSON, private files, new key on any edit, damaged entries ignored, same results."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_properties import profiles

from screener import rulecache
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


SHIPPED = Path(__file__).parent.parent / "rules"
# Dates on both sides of the shipped rules' changes (job-offer points, category rounds, new tables)
DATES = [dt.date(2019, 1, 1), dt.date(2024, 6, 1), dt.date(2025, 3, 24), dt.date(2025, 3, 25), dt.date(2025, 7, 7),
         dt.date(2026, 2, 18), dt.date(2026, 11, 25), dt.date(2028, 1, 1)]


@pytest.mark.parametrize("folder", [RULES, SHIPPED])
def test_a_cached_rulebook_is_the_same_rulebook(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCREENER_CACHE_DIR", str(tmp_path))
    fresh = load_rulebook(folder)
    load_rulebook_cached(folder)  # writes the entry
    cached = load_rulebook_cached(folder)  # reads it
    assert list(tmp_path.glob("rulebook-*.json"))
    for part in ("info", "topics", "questions", "derived", "tables", "scores", "pathways", "flags", "types", "order",
                 "warnings", "implied", "review_items", "leads", "answer_warnings", "content_hash"):
        assert getattr(cached, part) == getattr(fresh, part), part
    assert [(c.node, c.source, c.position) for c in cached.rules.all_expressions()] == [
        (c.node, c.source, c.position) for c in fresh.rules.all_expressions()]
    assert [(t.text, t.parts) for t in cached.rules.templates()] == [(t.text, t.parts) for t in fresh.rules.templates()]
    for part in ("reads", "questions", "level", "order", "read_by_rules"):
        assert getattr(cached.graph, part) == getattr(fresh.graph, part), part
    assert sorted(r.model.id for r in cached.graph.on_scores) == sorted(r.model.id for r in fresh.graph.on_scores)
    assert cached.translations == fresh.translations
    for lang in fresh.translations:
        english = fresh.in_language(lang)
        assert cached.in_language(lang).pathways == english.pathways
        assert cached.in_language(lang).questions == english.questions

    @settings(max_examples=60, deadline=None)
    @given(answers=profiles(fresh), as_of=st.sampled_from(DATES))
    def same_verdicts(answers: dict[str, Any], as_of: dt.date) -> None:
        assert cached.evaluate(answers, as_of).to_json() == fresh.evaluate(answers, as_of).to_json()

    same_verdicts()


def test_a_hit_neither_parses_nor_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the entry records (trees, types, warnings) is read, not worked out again."""
    import screener.expressions as ex
    import screener.rulebook as loader
    from screener.rulebook import RulebookLoader

    monkeypatch.setenv("SCREENER_CACHE_DIR", str(tmp_path))
    fresh = load_rulebook_cached(SHIPPED)  # writes the entry

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("worked out again on a cache hit")

    for name in ("parse", "check"):
        monkeypatch.setattr(ex, name, forbidden)
    monkeypatch.setattr(loader, "check_translation", forbidden)
    for name in ("infer_types", "check_nesting", "check_table_dates", "check_replacements", "unused"):
        monkeypatch.setattr(RulebookLoader, name, forbidden)
    cached = load_rulebook_cached(SHIPPED)
    assert cached.types == fresh.types and cached.warnings == fresh.warnings
    assert cached.translations == fresh.translations and "fr" in cached.translations
    assert cached.evaluate({"age": "31"}, DATES[-2]).to_json() == fresh.evaluate({"age": "31"}, DATES[-2]).to_json()
    monkeypatch.setenv("SCREENER_CACHE_DIR", str(tmp_path / "empty"))
    with pytest.raises(AssertionError):  # a miss does both (so the patches above can tell)
        load_rulebook_cached(SHIPPED)


def test_warnings_come_back_in_the_language_of_the_command(setup: tuple[Path, Path]) -> None:
    """The entry stores the warnings as written, so French ones get an entry of their own."""
    from screener import i18n

    cache, rules = setup
    path = rules / "pathways.yaml"  # a text whose number its condition does not use: a load warning
    path.write_text(path.read_text().replace("text: 67 points on the FSW grid", "text: 68 points on the FSW grid"))
    english = load_rulebook_cached(rules).warnings
    with i18n.language("fr"):
        fresh_french = load_rulebook(rules).warnings
        load_rulebook_cached(rules)
        french = load_rulebook_cached(rules).warnings
    assert english and french == fresh_french and french != english
    assert load_rulebook_cached(rules).warnings == english
    assert len(list(cache.glob("rulebook-*.json"))) == 2


def test_expression_trees_survive_json() -> None:
    """Every construct of the language (the differential test's fixture uses them all) comes back as the
    parser's own node; a tree that is not one is refused."""
    import json

    import screener.expressions as ex
    from screener.rulecache import tree_data, tree_node

    book = load_rulebook(Path(__file__).parent / "fixtures" / "batch" / "rules")
    nodes = [compiled.node for compiled in book.rules.all_expressions()]
    kinds = {type(node).__name__ for node in nodes for node in ex.walk(node)}
    assert kinds == {"Literal_", "Name", "ListOf", "Not", "Negate", "Logic", "Compare", "Arith", "Call"}
    assert {node.type.kind for node in nodes for node in ex.walk(node) if isinstance(node, ex.Literal_)} == {
        "bool", "number", "text", "date"}
    assert [tree_node(json.loads(json.dumps(tree_data(node)))) for node in nodes] == nodes
    with pytest.raises(ValueError):
        tree_node(["eval", "__import__('os')", 0])


# ------------------------------------------------------------------------------------- test cases


def test_cached_cases_are_the_cases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`rules test` reads its cases from the cache: the same cases, and a hit reads no YAML."""
    import screener.rulebook as loader
    from screener.rulebook import load_cases
    from screener.rulecache import load_cases_cached
    from screener.ruletests import run_cases

    monkeypatch.setenv("SCREENER_CACHE_DIR", str(tmp_path))
    fresh = load_cases(SHIPPED)
    assert load_cases_cached(SHIPPED) == fresh  # a miss: loaded and written
    assert len(list(tmp_path.glob("cases-*.json"))) == 1

    def no_yaml(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("YAML read on a cache hit")

    monkeypatch.setattr(loader, "load_yaml_file", no_yaml)
    cached = load_cases_cached(SHIPPED)
    assert cached == fresh
    assert [(case.model_fields_set, case.expect.model_fields_set) for _n, case, _p in cached] == [
        (case.model_fields_set, case.expect.model_fields_set) for _n, case, _p in fresh]
    book = load_rulebook(SHIPPED)
    assert [(r.file, r.name, r.passed) for r in run_cases(book, cached).results] == [
        (r.file, r.name, r.passed) for r in run_cases(book, fresh).results]


def test_edited_or_tampered_cases_are_never_served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from screener.rulecache import load_cases_cached

    monkeypatch.setenv("SCREENER_CACHE_DIR", str(tmp_path / "cache"))
    rules = tmp_path / "rules"
    shutil.copytree(SHIPPED, rules)
    first = load_cases_cached(rules)
    [entry] = (tmp_path / "cache").glob("cases-*.json")
    name = first[0][1].name
    original = entry.read_bytes()
    assert original.count(f'"name":{json.dumps(name)}'.encode()) == 1
    entry.write_bytes(original.replace(f'"name":{json.dumps(name)}'.encode(), b'"name":"forged"'))
    assert load_cases_cached(rules)[0][1].name == name  # the entry does not verify: read from the YAML
    assert entry.read_bytes() == original  # and rewritten
    case_file = Path(first[0][0])
    case_file.write_text(case_file.read_text(encoding="utf-8").replace(name, "renamed", 1), encoding="utf-8")
    assert load_cases_cached(rules)[0][1].name == "renamed"


def test_a_write_prunes_old_and_surplus_entries_and_nothing_else(setup: tuple[Path, Path]) -> None:
    """Issue: ~800 entries piled up. A miss keeps the most recently used entries of its kind, drops the rest
    and anything unused for 30 days, and never touches other files, symlinks or the secret."""
    cache, rules = setup
    load_rulebook_cached(rules)  # creates the folder and the secret
    (written,) = cache.glob("rulebook-*.json")
    written.unlink()
    now = time.time()
    names = [f"rulebook-{index:032x}.json" for index in range(40)]
    for age, name in enumerate(names):  # names[0] most recent, one hour apart
        (cache / name).write_bytes(b"old")
        os.utime(cache / name, (now - 3600 * (age + 1),) * 2)
    stale = cache / f"rulebook-{'a' * 32}.json"
    stale.write_bytes(b"old")
    os.utime(stale, (now - 40 * 86400,) * 2)
    other_kind = cache / f"cases-{'b' * 32}.json"
    other_kind.write_bytes(b"old")
    os.utime(other_kind, (now - 3600,) * 2)
    unrelated = [cache / "rulebook-notes.json", cache / f"rulebook-{'c' * 32}.json.bak", cache / "keep.txt"]
    for path in unrelated:
        path.write_bytes(b"mine")
        os.utime(path, (now - 90 * 86400,) * 2)
    target = cache.parent / "elsewhere.json"
    target.write_bytes(b"not the cache's")
    link = cache / f"rulebook-{'d' * 32}.json"
    link.symlink_to(target)
    os.utime(link, (now - 90 * 86400,) * 2, follow_symlinks=False)
    secret = (cache / "secret").read_bytes()

    load_rulebook_cached(rules)  # a miss: writes an entry and prunes

    left = sorted(path.name for path in cache.glob("rulebook-*.json") if rulecache.ENTRY_NAME.fullmatch(path.name)
                  and not path.is_symlink())
    (new,) = [name for name in left if name not in names]
    assert sorted(set(left) - {new}) == sorted(names[: rulecache.KEEP - 1])
    assert not stale.exists()
    assert other_kind.exists() and link.is_symlink() and target.read_bytes() == b"not the cache's"
    assert all(path.read_bytes() == b"mine" for path in unrelated)
    assert (cache / "secret").read_bytes() == secret
    assert len(names) > rulecache.KEEP


def test_a_hit_marks_its_entry_recently_used_and_prunes_nothing(setup: tuple[Path, Path]) -> None:
    cache, rules = setup
    load_rulebook_cached(rules)
    (entry,) = cache.glob("rulebook-*.json")
    os.utime(entry, (time.time() - 20 * 86400,) * 2)
    surplus = [cache / f"rulebook-{index:032x}.json" for index in range(40)]
    for path in surplus:
        path.write_bytes(b"old")
    load_rulebook_cached(rules)  # a hit
    assert time.time() - entry.stat().st_mtime < 86400
    assert all(path.exists() for path in surplus)


def test_screener_s_code_is_read_once_per_process(setup: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache key covers screener's code (~1 MB of .py files): `rules test` looks up a rulebook and its cases,
    and the code is hashed once for both (issue 15)."""
    _cache, rules = setup
    package = Path(rulecache.__file__).parent
    read: list[Path] = []
    original = Path.read_bytes

    def counted(path: Path) -> bytes:
        if path.suffix == ".py" and package in path.parents:
            read.append(path)
        return original(path)

    monkeypatch.setattr(Path, "read_bytes", counted)
    rulecache.code_digest.cache_clear()
    rulebook = load_rulebook_cached(rules)
    rulecache.load_cases_cached(rules, rulebook)
    assert len(read) == len(set(read)) == len(list(package.rglob("*.py")))
