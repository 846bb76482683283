"""The located YAML loader returns most texts without PyYAML's per-value bookkeeping (`source.safe_loader_class`),
and builds a plain document straight from the parser's events (`source._from_events`): what it reads,
positions included, is exactly what PyYAML's own construction gives, and a broken file fails the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from screener import source
from screener.source import LocatedDict, LocatedList, load_yaml_text, safe_loader_class

ROOT = Path(__file__).parent.parent
SAMPLE = """\
base: &base
  id: first
  text: "quoted: text"
  note: 'single'
other:
  <<: *base
  code: !!str 12
  items: [a, "b", 3, 4.5, true, null, 2026-11-25, !!str true]
  block: |
    two
    lines
  again: *base
"""


def _shape(value: Any) -> Any:
    if isinstance(value, LocatedDict):
        return ("map", str(value.position), [(key, _shape(item), str(value.key_positions[key]),
                                              str(value.value_positions[key])) for key, item in value.items()])
    if isinstance(value, LocatedList):
        return ("seq", str(value.position), [_shape(item) for item in value], [str(p) for p in value.item_positions])
    return (type(value).__name__, value)


@pytest.fixture(scope="module")
def reference() -> type:
    """The same loader with PyYAML constructing every text (another constructor turns the shortcut off)."""
    class Reference(safe_loader_class()):  # type: ignore[misc]
        pass

    Reference.add_constructor("tag:yaml.org,2002:str", lambda loader, node: loader.construct_scalar(node))
    return Reference


def test_the_sample_reads_as_pyyaml_constructs_it(reference: type) -> None:
    fast = load_yaml_text(SAMPLE, "sample.yaml")
    assert _shape(fast) == _shape(load_yaml_text(SAMPLE, "sample.yaml", loader_class=reference))
    other = fast["other"]
    assert (other["code"], other["id"], other["items"][-1]) == ("12", "first", "true")
    assert other["again"] is fast["base"]


def test_every_shipped_yaml_file_reads_as_pyyaml_constructs_it(reference: type) -> None:
    files = sorted((ROOT / "rules").rglob("*.yaml")) + sorted((ROOT / "tests" / "fixtures").rglob("*.yaml"))
    assert len(files) > 50
    for path in files:
        text = path.read_text(encoding="utf-8")
        try:
            expected = _shape(load_yaml_text(text, path.name, loader_class=reference))
        except Exception as error:  # a fixture that is broken on purpose: broken the same way
            with pytest.raises(type(error)):
                load_yaml_text(text, path.name)
            continue
        assert _shape(load_yaml_text(text, path.name)) == expected, path


def test_every_shipped_rule_file_is_built_from_events(reference: type) -> None:
    """The fast path is taken (no file of the rulebook falls back to PyYAML's composer) and reads the same."""
    files = sorted((ROOT / "rules").rglob("*.yaml"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        loader = safe_loader_class()(text)
        loader.filename = path.name
        try:
            built = source._from_events(loader, path.name)
        finally:
            loader.dispose()
        assert _shape(built) == _shape(load_yaml_text(text, path.name, loader_class=reference)), path


@pytest.mark.parametrize("text", [
    "a: 1\na: 2\n",  # a duplicate key
    "a: 1\na: 2\nb: [1, 2\n",  # and a syntax error further down: the composer reads the whole file first
    "a: 2020-13-45\nb: [\n",  # a date PyYAML cannot build, then a syntax error
    "a: 2020-13-45\n",
    "a: *nowhere\n",  # an undefined alias
    "a: &x 1\nb: &x 2\n",  # an anchor given twice
    "a: 1\n---\nb: 2\n",  # two documents
    "{a: 1}: 2\n",  # a mapping as a key
    "a: !!int nope\n",
    "- " * 120 + "x\n",  # nested too deeply
    "a: [1, 2\n",
    "",
    "# only a comment\n",
    "---\n",
    "just text\n",
    "=: 1\n",
])
def test_a_broken_or_unusual_file_reads_as_the_composer_reads_it(reference: type, text: str) -> None:
    def outcome(loader_class: type | None) -> Any:
        try:
            return _shape(load_yaml_text(text, "f.yaml", loader_class=loader_class))
        except Exception as error:
            return type(error).__name__, str(error), str(getattr(error, "position", ""))

    assert outcome(None) == outcome(reference)
