"""A load looks for warnings only when they are asked for (issue 15): `check`, `batch` and `serve` never show
them, and finding them (a second YAML scan of every French file, the numbers each text states) was a fifth of a
load. `rules validate` still shows every one, in the language of the load; errors still reject at once."""

from __future__ import annotations

import gc
import shutil
import sys
import types
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from screener import i18n
from screener import rulebook as loader_module
from screener.rulebook import RulebookError, RulebookLoader, load_rulebook

RULES = Path(__file__).parent.parent / "rules"
WARNING_ONLY = ("check_text_numbers", "check_stated_numbers", "stale_needed", "unused", "check_replacements")


@pytest.fixture()
def copy(tmp_path: Path) -> Path:
    """The shipped rules with a loose guillemet and a requirement text whose number its condition never uses."""
    rules = Path(shutil.copytree(RULES, tmp_path / "rules"))
    flags = rules / "flags.fr.yaml"
    flags.write_text(flags.read_text(encoding="utf-8").replace("«\u00a0", "« ", 1), encoding="utf-8")
    pathway = rules / "pathways" / "express_entry.yaml"
    pathway.write_text(pathway.read_text().replace("text: CLB/NCLC 7 or higher", "text: CLB/NCLC 8 or higher", 1))
    return rules


@pytest.fixture()
def calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often each check that only warns has run."""
    counted: Counter[str] = Counter()

    def counting(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            counted[name] += 1
            return function(*args, **kwargs)
        return run

    for name in ("colon_problems", "guillemet_problems"):
        monkeypatch.setattr(loader_module, name, counting(name, getattr(loader_module, name)))
    for name in WARNING_ONLY:
        monkeypatch.setattr(RulebookLoader, name, counting(name, getattr(RulebookLoader, name)))
    return counted


def test_a_load_runs_no_check_that_only_warns_until_the_warnings_are_asked_for(
        copy: Path, calls: Counter[str]) -> None:
    rulebook = load_rulebook(copy)
    assert rulebook.evaluate({}).pathways  # a usable rulebook: what `check` needs
    assert calls == Counter()
    shown = [str(warning) for warning in rulebook.warnings]
    french_files = len(list(copy.rglob("*.fr.yaml")))
    assert calls["colon_problems"] == calls["guillemet_problems"] == french_files
    assert all(calls[name] for name in WARNING_ONLY)
    assert any("flags.fr.yaml:" in line and "« must be followed by a no-break space" in line for line in shown)
    assert any("express_entry.yaml:" in line and "requirement 'language' says 8" in line for line in shown), shown
    before = Counter(calls)
    assert [str(warning) for warning in rulebook.warnings] == shown  # found once
    assert rulebook.in_language("fr").warnings == rulebook.warnings
    assert calls == before


def test_the_warnings_are_said_in_the_language_of_the_load(copy: Path) -> None:
    with i18n.language("fr"):
        loaded_in_french = load_rulebook(copy)
        asked_at_once = [str(warning) for warning in load_rulebook(copy).warnings]
    english = [str(warning) for warning in load_rulebook(copy).warnings]
    assert [str(warning) for warning in loaded_in_french.warnings] == asked_at_once  # asked after the French ended
    assert any("espace insécable (U+00A0)" in line for line in asked_at_once)
    assert asked_at_once != english and len(asked_at_once) == len(english)


def test_an_error_still_rejects_the_rulebook_on_load(copy: Path, calls: Counter[str]) -> None:
    pathway = copy / "pathways" / "asylum.yaml"
    text = pathway.read_text()
    pathway.write_text(text.replace("condition: fear_of_return", "condition: fear_of_retrun", 1))
    line = text[:text.index("condition: fear_of_return")].count("\n") + 1
    with pytest.raises(RulebookError) as raised:
        load_rulebook(copy)
    assert [str(error) for error in raised.value.errors] == [
        f"{pathway}:{line}:20: unknown name 'fear_of_retrun' (did you mean 'fear_of_return'?)"]
    assert calls == Counter()


def reachable(start: object) -> Iterator[object]:
    """Every object `start` keeps alive, not counting classes, modules and the globals of functions."""
    module_dicts = {id(vars(module)) for module in list(sys.modules.values()) if hasattr(module, "__dict__")}
    seen: set[int] = set()
    stack = [start]
    while stack:
        found = stack.pop()
        if id(found) in seen or isinstance(found, type | types.ModuleType) or id(found) in module_dicts:
            continue
        seen.add(id(found))
        yield found
        if isinstance(found, types.FunctionType):  # its closure and defaults, not its module
            stack.extend(cell.cell_contents for cell in found.__closure__ or ())
            stack.extend(found.__defaults__ or ())
        else:
            stack.extend(gc.get_referents(found))


def test_the_loader_kept_for_the_warnings_holds_none_of_the_files_bytes(copy: Path) -> None:
    """The lazy warnings keep the loader alive; the bytes it read (for the content hash) are let go."""
    files = {path.read_bytes() for path in copy.rglob("*.yaml") if path.parent.name != "tests"}
    rulebook = load_rulebook(copy)
    kept = list(reachable(rulebook))
    assert any(isinstance(found, RulebookLoader) for found in kept)  # the walk does reach the loader
    assert [len(found) for found in kept if isinstance(found, bytes) and found in files] == []
    assert any("says 8" in str(warning) for warning in rulebook.warnings)  # still found from what is kept
