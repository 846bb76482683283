"""Shared helper for the tests comparing models made two ways (quickvalid, the rule cache, model.construct)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


def same(built: Any, expected: Any, where: str = "") -> None:
    """Equal, and of exactly the same types all the way down (5 == 5.0, but a float field holds a float), with the
    same fields set, field order, extras and private values."""
    assert type(built) is type(expected), (where, built, expected)
    if isinstance(built, BaseModel):
        assert built.model_fields_set == expected.model_fields_set, where
        assert list(built.__dict__) == list(expected.__dict__), where
        assert built.__pydantic_private__ == expected.__pydantic_private__, where
        assert (built.model_extra is None) == (expected.model_extra is None), where
        assert list(built.model_extra or {}) == list(expected.model_extra or {}), where
        for key, value in built.__dict__.items():
            same(value, expected.__dict__[key], f"{where}.{key}")
        for key, value in (built.model_extra or {}).items():
            same(value, expected.model_extra[key], f"{where}.{key}")  # type: ignore[index]
    elif isinstance(built, dict):
        assert list(built) == list(expected), where
        for key, value in built.items():
            same(value, expected[key], f"{where}.{key}")
    elif isinstance(built, list):
        assert len(built) == len(expected), where
        for index, (value, other) in enumerate(zip(built, expected, strict=True)):
            same(value, other, f"{where}[{index}]")
    else:
        assert built == expected or (built != built and expected != expected), where
