"""Plainly valid rule data built into its models without pydantic's validators.

Pydantic builds a model's validators the first time it validates one: ~10 ms for the rule models, plus
~15 ms for its plugin loader, which imports `importlib.metadata` and scans the installed packages — a
tenth of a `check` that reads the YAML (a rule-cache miss). For valid data the result is known without
them: the model `model_construct` makes from the values, once each value is one pydantic takes as it is
or converts in the one obvious way (a whole number into a float field, white space stripped around a
text) and the model's own `model_validator(mode="after")` checks pass.

`quick(model, data)` builds that for the kinds of field the rule models use, and answers None for
anything else: a value of another type, a missing or unknown key, a failed constraint or check, a union
whose members could both take the value, a pydantic feature this does not know. Pydantic then validates
as before, and words every problem: what a lawyer reads about a broken file never comes from here, and a
value is never taken that pydantic would refuse or read otherwise (`tests/test_quickvalid.py` compares
both on every shipped file and on generated variations of them). `quick_data` gives a model's
`model_dump(mode="json", exclude_unset=True)` the same way, for the translation files' texts.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import math
import operator
import re
import types
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel, BeforeValidator, StringConstraints
from pydantic.fields import FieldInfo

from screener.model import construct

M = TypeVar("M", bound=BaseModel)
Check = Callable[[Any], Any]

# Config keys that change nothing a valid value is read as (the others make a model "unknown" here).
_HARMLESS_CONFIG = frozenset(("extra", "frozen", "str_strip_whitespace", "defer_build", "title",
                              "json_schema_extra", "protected_namespaces", "use_attribute_docstrings"))


class _Unsure(Exception):
    """Not plainly valid: pydantic decides (and words any problem)."""


def quick(model: type[M], data: Any) -> M | None:
    """What `model.model_validate(data)` returns, built without pydantic's validators; None when unsure."""
    try:
        return _model_check(model, True)(data)  # type: ignore[no-any-return]
    except _Unsure:
        return None


def quick_data(model: type[BaseModel], data: Any) -> dict[str, Any] | None:
    """What `model.model_validate(data).model_dump(mode="json", exclude_unset=True)` returns; None when unsure."""
    try:
        return _model_check(model, False)(data)  # type: ignore[no-any-return]
    except _Unsure:
        return None


def _unsure(_value: Any) -> Any:
    raise _Unsure


@functools.cache
def _model_check(model: type[BaseModel], build: bool) -> Check:
    """A check of a mapping for `model`: the model built (or, when not `build`, its JSON dump without unset
    fields), or _Unsure."""
    config = model.model_config
    decorators = model.__pydantic_decorators__
    if (set(config) - _HARMLESS_CONFIG or config.get("extra") not in ("forbid", "allow")
            or decorators.validators or decorators.root_validators
            or any(d.info.mode != "after" for d in decorators.model_validators.values())
            or any(d.info.mode != "before" for d in decorators.field_validators.values())
            or (not build and (decorators.model_validators or decorators.field_serializers
                               or decorators.model_serializers or decorators.computed_fields
                               or config.get("extra") == "allow"))):
        return _unsure
    strip = bool(config.get("str_strip_whitespace"))
    befores: dict[str, Callable[[Any], Any]] = {}
    for decorator in decorators.field_validators.values():
        for name in decorator.info.fields:
            if name == "*" or name in befores or not _one_argument(decorator.func):
                return _unsure
            befores[name] = decorator.func
    afters = [d.func for d in decorators.model_validators.values()]
    if not all(_one_argument(func) for func in afters):
        return _unsure
    by_key: dict[str, tuple[str, Check]] = {}
    required: set[str] = set()
    order = list(model.model_fields)
    for name, info in model.model_fields.items():
        if info.validate_default or info.discriminator is not None or info.validation_alias not in (None, info.alias):
            return _unsure
        if not build and info.alias is not None:
            return _unsure  # a dump names fields, not aliases: not needed for the translation models
        check = _checker(info.annotation, list(info.metadata), strip, build)
        if name in befores:
            check = _before(befores[name], check)
        by_key[info.alias or name] = (name, check)
        if info.is_required():
            required.add(name)
    names = set(order)
    extras_allowed = config.get("extra") == "allow"

    def check_model(value: Any) -> Any:
        if not isinstance(value, dict):
            raise _Unsure
        values: dict[str, Any] = {}
        extras: dict[str, Any] = {}
        for key, raw in value.items():
            entry = by_key.get(key)
            if entry is None:
                # kept as they are (pydantic's `Any`); a field's own name beside its alias is pydantic's to read
                if not extras_allowed or type(key) is not str or key in names:
                    raise _Unsure
                extras[key] = raw
                continue
            name, check = entry
            values[name] = check(raw)
        if not required.issubset(values):
            raise _Unsure
        if not build:
            return {name: values[name] for name in order if name in values}
        built = construct(model, values, values.keys() | extras.keys(), extras)
        for after in afters:
            try:
                checked = after(built)
            except Exception:
                raise _Unsure from None
            if checked is not built:
                raise _Unsure
        return built

    return check_model


def _one_argument(func: Callable[..., Any]) -> bool:
    """A validator called with the value alone (not pydantic's `info` too)."""
    try:
        parameters = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return False
    return len(parameters) == 1 and all(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in parameters)


def _before(func: Callable[[Any], Any], check: Check) -> Check:
    def check_before(value: Any) -> Any:
        try:
            value = func(value)
        except Exception:
            raise _Unsure from None
        return check(value)

    return check_before


def _checker(annotation: Any, metadata: list[Any], strip: bool, build: bool,
             limits: dict[str, Any] | None = None) -> Check:
    """The check of one value of type `annotation` with pydantic's `metadata` (constraints, validators): made once
    for each kind of field (the rule models share a few dozen: an expression, a text, an id...)."""
    try:
        return _shared_checker(annotation, tuple(metadata), strip, build, tuple((limits or {}).items()))
    except TypeError:  # something unhashable in the annotation or its metadata: made for this field alone
        return _make_checker(annotation, metadata, strip, build, limits)


@functools.lru_cache(maxsize=1024)
def _shared_checker(annotation: Any, metadata: tuple[Any, ...], strip: bool, build: bool,
                    limits: tuple[tuple[str, Any], ...]) -> Check:
    return _make_checker(annotation, list(metadata), strip, build, dict(limits))


def _make_checker(annotation: Any, metadata: list[Any], strip: bool, build: bool,
                  limits: dict[str, Any] | None = None) -> Check:
    while get_origin(annotation) is Annotated:
        metadata = [*annotation.__metadata__, *metadata]
        annotation = annotation.__origin__
    befores: list[Callable[[Any], Any]] = []
    limits = dict(limits or {})
    pending = list(metadata)
    while pending:
        item = pending.pop(0)
        found: dict[str, Any] = {}
        if isinstance(item, BeforeValidator) and _one_argument(item.func):
            befores.insert(0, item.func)  # type: ignore[arg-type]  # pydantic runs the last one first
        elif isinstance(item, FieldInfo):
            pending[:0] = item.metadata
        elif isinstance(item, StringConstraints):
            if any(getattr(item, option) is not None
                   for option in ("strip_whitespace", "to_upper", "to_lower", "strict", "ascii_only")):
                return _unsure
            found = {name: getattr(item, name) for name in ("min_length", "max_length", "pattern")
                     if getattr(item, name) is not None}
        elif type(item) in _LIMITS:
            found = {_LIMITS[type(item)]: getattr(item, _LIMITS[type(item)])}
        else:
            return _unsure
        if found.keys() & limits.keys():
            return _unsure  # the same limit twice: which one pydantic keeps is its own business
        limits.update(found)
    check = _plain_checker(annotation, strip, build, limits)
    for func in befores:
        check = _before(func, check)
    return check


_LIMITS = {annotated_types.MinLen: "min_length", annotated_types.MaxLen: "max_length", annotated_types.Gt: "gt",
           annotated_types.Ge: "ge", annotated_types.Lt: "lt", annotated_types.Le: "le"}
_LENGTHS = frozenset(("min_length", "max_length"))
_BOUNDS = frozenset(("gt", "ge", "lt", "le"))


def _plain_checker(annotation: Any, strip: bool, build: bool, limits: dict[str, Any]) -> Check:
    """The check of a bare type (no `Annotated`) within `limits` (min_length, gt, pattern...)."""
    origin = get_origin(annotation)
    kinds = limits.keys()
    if origin is Union or origin is types.UnionType:
        members = get_args(annotation)
        others = [member for member in members if member is not type(None)]
        if len(others) == 1 and len(members) == 2:  # `X | None`: the limits are X's (`Field(gt=0)`)
            inner = _checker(others[0], [], strip, build, limits)
            return lambda value: None if value is None else inner(value)
        if limits:
            return _unsure  # where pydantic puts a union's limits: not needed here
        return _union([(_exact_type(member), _checker(member, [], strip, build)) for member in members])
    if annotation is str:
        if kinds - _LENGTHS - {"pattern"}:
            return _unsure
        pattern = limits.get("pattern")
        if pattern is not None and not isinstance(pattern, str):
            return _unsure
        return _text_check(strip, limits.get("min_length"), limits.get("max_length"),
                           None if pattern is None else re.compile(pattern))
    if annotation is int or annotation is float:
        if kinds - _BOUNDS:
            return _unsure
        return _number_check(annotation, build, [(name, limits[name]) for name in ("gt", "ge", "lt", "le")
                                                 if name in limits])
    if origin is list:
        if kinds - _LENGTHS:
            return _unsure
        (item,) = get_args(annotation) or (Any,)
        return _list_check(_checker(item, [], strip, build), limits.get("min_length"), limits.get("max_length"))
    if limits:
        return _unsure
    if annotation is bool:
        return _typed(bool)
    if annotation is dt.date:
        return _typed(dt.date) if build else _date_text
    if annotation is type(None) or annotation is None:
        return _none
    if origin is Literal:
        allowed = get_args(annotation)
        if not all(type(option) is str for option in allowed):
            return _unsure
        choices = frozenset(allowed)
        return lambda value: value if type(value) is str and value in choices else _unsure(value)
    if origin is dict:
        key_type, value_type = get_args(annotation) or (Any, Any)
        return _mapping(_checker(key_type, [], strip, build), _checker(value_type, [], strip, build))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return lambda value: _model_check(annotation, build)(value)
    return _unsure


def _list_check(item: Check, shortest: int | None, longest: int | None) -> Check:
    def check_list(value: Any) -> Any:
        if not isinstance(value, list):
            raise _Unsure
        if (shortest is not None and len(value) < shortest) or (longest is not None and len(value) > longest):
            raise _Unsure
        return [item(element) for element in value]

    return check_list


def _mapping(key_check: Check, value_check: Check) -> Check:
    def check_mapping(value: Any) -> Any:
        if not isinstance(value, dict):
            raise _Unsure
        found = {key_check(key): value_check(element) for key, element in value.items()}
        if len(found) != len(value):
            raise _Unsure  # two keys the same once stripped: pydantic's to read
        return found

    return check_mapping


def _typed(kind: type) -> Check:
    return lambda value: value if type(value) is kind else _unsure(value)


def _none(value: Any) -> Any:
    if value is not None:
        raise _Unsure
    return None


def _date_text(value: Any) -> Any:
    if type(value) is not dt.date:
        raise _Unsure
    return value.isoformat()


def _text_check(strip: bool, shortest: int | None, longest: int | None, pattern: re.Pattern[str] | None) -> Check:
    def check_text(value: Any) -> Any:
        if type(value) is not str:
            raise _Unsure
        if strip:
            stripped = value.strip()
            # pydantic strips Unicode's white space, Python's strip() a little more: past spaces, tabs and line
            # ends, which of the two is right is pydantic's to say
            if len(stripped) != len(value) and value.strip(" \t\n\r") != stripped:
                raise _Unsure
            value = stripped
        if (shortest is not None and len(value) < shortest) or (longest is not None and len(value) > longest):
            raise _Unsure
        if pattern is not None and (value.endswith("\n") or not pattern.search(value)):
            raise _Unsure  # pydantic's regex: `$` is the text's end only, never before a last newline
        return value

    return check_text


def _number_check(kind: type, build: bool, bounds: list[tuple[str, Any]]) -> Check:
    """An int field takes an int; a float field an int (as a float) or a float."""
    compare = {"gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le}
    tests = [(compare[name], bound) for name, bound in bounds]

    def check_number(value: Any) -> Any:
        found = type(value)
        if found is not kind:
            if kind is not float or found is not int:
                raise _Unsure
            try:
                value = float(value)
            except OverflowError:
                raise _Unsure from None
        if kind is float and not build and not math.isfinite(value):
            raise _Unsure  # the JSON dump writes infinities its own way
        for test, bound in tests:
            try:
                if not test(value, bound):
                    raise _Unsure
            except TypeError:
                raise _Unsure from None
        return value

    return check_number


def _exact_type(member: Any) -> type | None:
    """The type a value must be exactly of for a union member to take it as it is, as pydantic's "smart"
    unions prefer (None: none, the member converts)."""
    while get_origin(member) is Annotated:
        member = member.__origin__
    if member in (str, int, float, bool, dt.date, type(None)):
        return member  # type: ignore[no-any-return]
    if get_origin(member) is Literal:
        return str
    return None


def _union(members: list[tuple[type | None, Check]]) -> Check:
    """A value one member takes exactly (or, failing that, the one member that takes it at all)."""
    kinds = [kind for kind, _check in members if kind is not None]
    only = {kind: check for kind, check in members if kind is not None and kinds.count(kind) == 1}

    def check_union(value: Any) -> Any:
        check = only.get(type(value))
        if check is not None:  # the one member of the value's own type: it wins if it takes the value
            try:
                return check(value)
            except _Unsure:
                pass
        exact: list[Any] = []
        loose: list[Any] = []
        for kind, check in members:
            try:
                found = check(value)
            except _Unsure:
                continue
            (exact if kind is type(value) else loose).append(found)
        if len(exact) == 1:
            return exact[0]
        if not exact and len(loose) == 1:
            return loose[0]
        raise _Unsure

    return check_union
