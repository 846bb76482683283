"""`quickvalid` builds plainly valid rule data into its models without pydantic's validators: what it builds
is exactly what pydantic builds (types, values, which fields were set), and anything pydantic refuses or
reads otherwise it leaves to pydantic (None)."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_kit import same
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from screener.model import CaseFile, Question, RuleFile, Scale, TableRow
from screener.quickvalid import quick, quick_data
from screener.rulebook import _inner_model
from screener.source import load_yaml_text
from screener.translation_format import TranslationFile

ROOT = Path(__file__).parent.parent


def _plain(value: Any) -> Any:
    """The YAML's located containers as plain dicts and lists (which the models read the same)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _items() -> list[tuple[str, type[BaseModel], Any]]:
    """(where, model, data) for every item of every shipped rule file, translation file and case file, as the
    loader validates them."""
    found: list[tuple[str, type[BaseModel], Any]] = []
    for path in sorted((ROOT / "rules").rglob("*.yaml")):
        data = load_yaml_text(path.read_text(encoding="utf-8"), path.name)
        name = str(path.relative_to(ROOT))
        if path.parent.name == "tests":
            found.append((name, CaseFile, data))
        elif path.name.count(".") == 2:
            found.append((name, TranslationFile, data))
        else:
            for section, value in data.items():
                if section == "rulebook" or not isinstance(value, list):
                    found.append((f"{name}:{section}", RuleFile, {section: value}))
                else:
                    model = _inner_model(RuleFile.model_fields[section].annotation)
                    found.extend((f"{name}:{section}[{index}]", model, item) for index, item in enumerate(value))
    return found


ITEMS = _items()


def _pydantic(model: type[BaseModel], data: Any) -> Any:
    """What the loader keeps from pydantic: the model, or for a translation file its texts; None if refused."""
    try:
        checked = model.model_validate(data)
    except ValidationError:
        return None
    return checked.model_dump(mode="json", exclude_unset=True) if model is TranslationFile else checked


def _quick(model: type[BaseModel], data: Any) -> Any:
    return quick_data(model, data) if model is TranslationFile else quick(model, data)


def test_every_shipped_file_is_built_as_pydantic_builds_it() -> None:
    """Every item of the shipped rules, translations and test cases takes the quick way (so a `check` without
    the cache never builds pydantic's validators) and comes out exactly as pydantic makes it."""
    assert len(ITEMS) > 200
    for where, model, data in ITEMS:
        built = _quick(model, data)
        assert built is not None, f"{where} is left to pydantic"
        same(built, _pydantic(model, data), where)


# A value of each kind a rule file holds, and the near misses: spaces around a text, a blank text, a number
# as text, a whole number where a decimal goes, a bad id, a list or mapping where a scalar goes...
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 10**6), st.floats(allow_nan=True, allow_infinity=True),
    st.dates(dt.date(1990, 1, 1), dt.date(2040, 1, 1)),
    st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2030, 1, 1)),
    st.sampled_from(["", " ", "  x  ", "a_b", "Bad Id", "choice", "yes_no", "int", "number", "serious", "protection",
                     "true", "5", " 5", "\tword\n", "x\n", "a\u00a0", "\u2003b", "\x1fc", "2026-01-01", "fr", "FR",
                     "eligible", "maybe", "z" * 25]),
    st.text(max_size=6),
    st.lists(st.sampled_from(["a", " b ", 1, 2.5, None, "", {"value": "v"}, {"value": " "}, {"text": "t"}]),
             max_size=3),
    st.dictionaries(st.sampled_from(["value", "text", "when", "a", " k ", "k", "id", "min", "max"]),
                    st.sampled_from(["x", " y ", 1, 0.5, None, "", True, []]), max_size=3),
)


def _paths(data: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(_paths(value, (*here, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(_paths(value, (*here, index)))
    return found


@st.composite
def variations(draw: st.DrawFn) -> tuple[str, type[BaseModel], Any]:
    """A shipped item with one value replaced, removed, or a key added or renamed."""
    where, model, data = draw(st.sampled_from(ITEMS))
    data = copy.deepcopy(_plain(data))
    path = draw(st.sampled_from(_paths(data)))
    if not path:
        return where, model, draw(VALUES) if draw(st.booleans()) else data
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    action = draw(st.sampled_from(["replace", "replace", "replace", "remove", "add", "rename"]))
    if action == "replace":
        parent[last] = draw(VALUES)
    elif action == "remove":
        del parent[last]
    elif isinstance(parent, dict):
        key = draw(st.sampled_from(["refrence", "in_", "from", "in", "extra", " id", "id ", "points", "1"]))
        if action == "add":
            parent[key] = draw(VALUES)
        else:
            parent[key] = parent.pop(last)
    return f"{where} at {path} ({action})", model, data


def _built_as_pydantic_builds_it_or_left(varied: tuple[str, type[BaseModel], Any]) -> None:
    where, model, data = varied
    built = _quick(model, data)
    if built is not None:
        expected = _pydantic(model, data)
        assert expected is not None, f"{where}: taken here, refused by pydantic"
        same(built, expected, where)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(variations())
def test_a_varied_item_is_built_as_pydantic_builds_it_or_left_to_pydantic(varied: tuple[str, type, Any]) -> None:
    _built_as_pydantic_builds_it_or_left(varied)


@pytest.mark.slow
@settings(max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(variations())
def test_many_varied_items_are_built_as_pydantic_builds_them(varied: tuple[str, type, Any]) -> None:
    _built_as_pydantic_builds_it_or_left(varied)


@pytest.mark.parametrize(("model", "data", "expected"), [
    (Scale, {"when": 5, "min": 1, "max": 2.5, "step": None}, {"when": "5", "min": 1.0, "max": 2.5, "step": None}),
    (Question, {"id": "q", "type": "choice", "prompt": "  Which?\n", "topic": "t",
                "choices": ["a", 1, {"value": "b "}]},
     {"prompt": "Which?", "choice_values": ["a", "1", "b"]}),
    (TableRow, {"at": 1, "in": [True, "x"], "points": " 5 "}, {"at": 1, "in_": [True, "x"], "points": " 5 "}),
])
def test_what_pydantic_would_convert_is_converted_the_same_way(model: type[BaseModel], data: dict[str, Any],
                                                               expected: dict[str, Any]) -> None:
    built = quick(model, data)
    assert built is not None
    for name, value in expected.items():
        assert getattr(built, name) == value and type(getattr(built, name)) is type(value), name
    same(built, model.model_validate(data))


@pytest.mark.parametrize(("model", "data"), [
    (Scale, {"when": "x", "min": 3, "max": 2}),  # its own model check fails
    (Scale, {"when": "x", "min": 1, "max": 2, "step": 0}),  # step > 0
    (Scale, {"when": "   ", "min": 1, "max": 2}),  # blank once stripped
    (Scale, {"when": "x", "min": "1", "max": 2}),  # a number as text: pydantic's to read
    (Scale, {"when": "x", "min": 1, "max": 2, "stepp": 1}),  # unknown key
    (Scale, {"when": "x", "min": 1}),  # missing key
    (Question, {"id": "Q", "type": "int", "prompt": "p", "topic": "t"}),  # not an identifier
    (Question, {"id": "q", "type": "integer", "prompt": "p", "topic": "t"}),  # not one of the types
    (TableRow, {"in_": [1]}),  # the field's name beside its alias goes to pydantic
    (RuleFile, {"rulebook": {"id": "r", "title": "t", "version": "1", "disclaimer": "d",
                             "review_by": dt.datetime(2026, 1, 1)}}),  # a date and time where a date goes
])
def test_anything_not_plainly_valid_is_left_to_pydantic(model: type[BaseModel], data: dict[str, Any]) -> None:
    assert quick(model, data) is None


def test_a_pydantic_feature_it_does_not_know_leaves_the_model_to_pydantic() -> None:
    class AfterCheck(BaseModel):
        model_config = ConfigDict(extra="forbid")
        name: str

        @field_validator("name")
        @classmethod
        def _upper(cls, value: str) -> str:
            return value.upper()

    class Renamed(BaseModel):
        name: str = Field(validation_alias="nom")

    class Strict(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        name: str

    for model in (AfterCheck, Renamed, Strict):
        assert quick(model, {"name": "x", "nom": "x"}) is None and model.__name__
    assert AfterCheck.model_validate({"name": "x"}).name == "X"  # what a quick build would have got wrong


def test_fields_of_one_kind_share_one_check() -> None:
    """The check of a kind of field (an expression, a text, an id) is made once and shared (issue 15: making one
    for each field was a twentieth of a load that reads the YAML); what it reads is the tests above."""
    from screener.model import Flag, Requirement
    from screener.quickvalid import _checker

    first, second = Requirement.model_fields["condition"], Flag.model_fields["condition"]
    assert first.annotation == second.annotation
    made = [_checker(field.annotation, list(field.metadata), True, True) for field in (first, second)]
    assert made[0] is made[1]
    assert made[0]("  age >= 18 ") == "age >= 18"
