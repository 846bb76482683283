"""Positions are made when asked (issue 15): a mapping or list read from the parser's events keeps the parser's
marks, and makes its file:line:column positions on first use. A clean load asks for few (never for a table's
rows), and a broken rulebook is reported exactly as when every position was made at once. French spacing skips,
after one quick scan, the texts it would leave as they are."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screener import i18n, source
from screener.rulebook import RulebookError, RulebookLoader, load_rulebook
from screener.source import LocatedDict, LocatedList

RULES = Path(__file__).parent.parent / "rules"
MADE = ("position", "key_positions", "value_positions", "item_positions")


def containers(value: Any) -> list[Any]:
    found, pending = [], [value]
    while pending:
        item = pending.pop()
        if isinstance(item, LocatedDict):
            found.append(item)
            pending.extend(item.values())
        elif isinstance(item, LocatedList):
            found.append(item)
            pending.extend(item)
    return found


def made(container: Any) -> bool:
    return any(name in vars(container) for name in MADE)


def test_a_clean_load_makes_the_positions_of_few_containers() -> None:
    loader = RulebookLoader(RULES)
    loader.load()
    every = [item for data in loader.raw.values() for item in containers(data)]
    rows = [item for name, data in loader.raw.items() if "/tables/" in name and not name.endswith(".fr.yaml")
            for table in data["tables"] for item in containers(table["rows"])]
    assert len(every) > 1000 and len(rows) > 300
    assert 0 < sum(map(made, every)) < len(every) // 2
    assert not any(map(made, rows))
    row = rows[0]
    assert row.position.line > 1 and not made(LocatedDict())  # asked: made from the marks it kept
    assert "position" in vars(row)


def broken_copy(tmp_path: Path) -> Path:
    rules = Path(shutil.copytree(RULES, tmp_path / "rules"))
    for name, old, new in (
            ("pathways/asylum.yaml", "condition: fear_of_return", "condition: fear_of_return and"),
            ("pathways/temporary.yaml", "    title:", "    titel:"),
            ("tables/funds.yaml", "effective_from:", "efective_from:"),
            ("questions/about_you.yaml", "type: yes_no", "type: yesno"),
            ("flags.fr.yaml", "title:", "titre:")):
        path = rules / name
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return rules


def problems(rules: Path) -> list[str]:
    with pytest.raises(RulebookError) as raised:
        load_rulebook(rules)
    return [str(error) for error in raised.value.errors]


def test_a_broken_rulebook_is_reported_as_with_every_position_made_at_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = broken_copy(tmp_path)
    found = problems(rules)
    assert len(found) >= 5 and all(line.startswith(str(rules)) for line in found)

    def composed(*args: Any) -> Any:  # PyYAML's composer, which makes every position as it reads
        raise source._Unusual

    monkeypatch.setattr(source, "_from_events", composed)
    assert problems(rules) == found


@given(st.text(alphabet=" \t\u00a0:»«$0123456789{}a|", max_size=24))
def test_french_spacing_skips_only_texts_it_leaves_as_they_are(text: str) -> None:
    assert i18n.french_spacing.__wrapped__(text) == i18n._FRENCH_SPACES.sub(
        lambda match: match.group(1) or i18n.NBSP, text)
