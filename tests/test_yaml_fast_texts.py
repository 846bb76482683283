"""The located YAML loader returns most texts without PyYAML's per-value bookkeeping (`source.safe_loader_class`):
what it reads, positions included, is exactly what PyYAML's own construction gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

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
