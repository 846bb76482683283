"""typer's reading of an option's value, without a pydantic validator where its result is already known.

typer 0.29 reads every option through a pydantic `TypeAdapter` that it builds when the option is first
processed, given or not: for `check`, ten validators and the imports they need (`typer._adapters`,
pydantic's plugin loader, `importlib.metadata`), about a tenth of a `check --json` run. For the values where
typer's result needs no validator — an option not given, a text, a path naming a readable file or nothing —
`typer_value` is that result; any other value (an unreadable path, a number, a list, a path option with
checks of its own) goes to typer's coercion, built then and kept. A typer without that hook is left alone.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

_TYPER = object()  # "let typer coerce this one"
# A path option without checks of its own: typer only makes the Path and refuses one it cannot read.
_PLAIN_PATH = {"exists": False, "file_okay": True, "dir_okay": True, "writable": False, "readable": True,
               "resolve_path": False, "allow_dash": False, "path_type": None, "parser": None}


def typer_value(value: Any, param: Any) -> Any:
    """What typer would make of `value` for `param`, or `_TYPER` when that takes typer's own coercion."""
    if param.multiple or param.nargs != 1:
        return _TYPER
    if value is None:
        return None
    annotation = param.type_descriptor.annotation
    info = param.type_descriptor.parameter_info
    if type(value) is not str or "\0" in value or getattr(info, "parser", None) is not None:
        return _TYPER
    if annotation is str:
        return value
    if annotation is Path and all(getattr(info, key, None) == plain for key, plain in _PLAIN_PATH.items()):
        path = Path(value)
        try:
            os.stat(path)
        except OSError:
            return path  # nothing there (yet): typer does not check
        return path if os.access(path, os.R_OK) else _TYPER  # typer words the refusal
    return _TYPER


class _Deferred:
    """Stands in for typer's coercion of one parameter until a value needs it."""

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        found = typer_value(value, param)
        if found is not _TYPER:
            return found
        param._runtime_param = None  # typer builds its own, keeps it, and coerces with it
        return param.get_runtime_param().coerce(value, param=param, ctx=ctx)


_DEFERRED = _Deferred()


def defer_coercion(params: list[Any]) -> None:
    """Give each typer parameter of a command the deferred coercion, where typer has the hook for it."""
    for param in params:
        if getattr(param, "_runtime_param", _TYPER) is None and hasattr(param, "type_descriptor"):
            param._runtime_param = _DEFERRED
