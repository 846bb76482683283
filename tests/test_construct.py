"""`model.construct` makes exactly what pydantic's `model_construct` makes (issue 15: pydantic's way asked every
field for its default on every item, a third of a cached load): the rule cache's items and `quickvalid`'s are the
objects they were, fields set, extras, defaults made anew for each object included."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

import pytest
from model_kit import same
from pydantic import BaseModel, ConfigDict, Field

from screener import model as models
from screener.model import Question, RuleFile, TableRow, construct
from screener.rulecache import _RecordingLoader
from screener.rulecache import construct as from_json

RULES = Path(__file__).parent.parent / "rules"


def _oracle(model: type[BaseModel], data: dict[str, Any]) -> Any:
    """A model from its JSON dump the way pydantic rebuilds it: each value rebuilt, then `model_construct`."""
    values: dict[str, Any] = {}
    by_key = {info.alias or name: info.annotation for name, info in model.model_fields.items()}
    for key, value in data.items():
        values[key] = value if key not in by_key or value is None else _rebuilt(by_key[key], value)
    return model.model_construct(**values)


def _rebuilt(annotation: Any, value: Any) -> Any:
    annotation = _bare(annotation)
    if annotation is dt.date:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _oracle(annotation, value) if isinstance(value, dict) else value
    if get_origin(annotation) is list and isinstance(value, list):
        return [_rebuilt(get_args(annotation)[0], item) for item in value]
    if get_origin(annotation) is dict and isinstance(value, dict):
        return {key: _rebuilt(get_args(annotation)[1], item) for key, item in value.items()}
    for option in map(_bare, get_args(annotation) if get_origin(annotation) is not None else ()):
        if option is dt.date or (isinstance(option, type) and issubclass(option, BaseModel)) \
                or get_origin(option) in (list, dict):
            return _rebuilt(option, value)
    return value


def _bare(annotation: Any) -> Any:
    return annotation.__origin__ if get_origin(annotation) is Annotated else annotation


@pytest.fixture(scope="module")
def dumped() -> list[tuple[str, dict[str, Any]]]:
    """Every shipped rule file as the rule cache stores it."""
    loader = _RecordingLoader(RULES)
    rulebook = loader.load()
    return loader.snapshot(rulebook)["files"]  # type: ignore[no-any-return]


def test_every_cached_rule_file_comes_back_as_model_construct_makes_it(
        dumped: list[tuple[str, dict[str, Any]]]) -> None:
    assert len(dumped) > 20
    rows = 0
    for name, data in dumped:
        made = from_json(RuleFile, data)
        same(made, _oracle(RuleFile, data), name)
        rows += sum(len(table.rows) for table in made.tables)
    assert rows > 50  # tables' rows: a model with extras (their cells) and aliases (`in`, `from`)


@pytest.mark.parametrize("model", [m for m in vars(models).values() if isinstance(m, type) and issubclass(m, BaseModel)
                                   and m is not BaseModel and m.__module__ == models.__name__])
def test_a_model_with_nothing_given_gets_the_defaults_model_construct_gives(model: type[BaseModel]) -> None:
    same(construct(model, {}, set()), model.model_construct(set()), model.__name__)


def test_a_default_list_is_made_anew_for_each_object() -> None:
    first, second = (construct(Question, {"id": "age", "topic": "you"}, {"id", "topic"}) for _ in range(2))
    assert first.scales == [] and first.scales is not second.scales
    assert first.scales is not Question.model_fields["scales"].default
    same(first, Question.model_construct({"id", "topic"}, id="age", topic="you"))


def test_extras_are_kept_only_where_the_model_allows_them() -> None:
    row = construct(TableRow, {"at": 3}, {"at", "points"}, {"points": 5})
    same(row, TableRow.model_construct({"at", "points"}, at=3, points=5))
    assert row.model_extra == {"points": 5}
    same(construct(Question, {"id": "a", "topic": "b"}, {"id", "topic"}, {"other": 1}),
          Question.model_construct({"id", "topic"}, id="a", topic="b", other=1))


class _Made(BaseModel):
    model_config = ConfigDict(frozen=True)
    counted: list[int] = Field(default_factory=lambda: [1])
    stamp: dt.date = dt.date(2026, 1, 1)
    words: tuple[str, ...] = ("a",)


class _Initialised(_Made):
    def model_post_init(self, context: Any) -> None:
        object.__setattr__(self, "stamp", dt.date(2027, 1, 1))


@pytest.mark.parametrize("model", [_Made, _Initialised])
def test_factories_other_defaults_and_post_init_as_pydantic_has_them(model: type[_Made]) -> None:
    made = construct(model, {"words": ("b",)}, {"words"})
    same(made, model.model_construct({"words"}, words=("b",)))
    assert made.counted == [1] and made.counted is not construct(model, {}, set()).counted
