"""The edition model to JSON and back, without loss.

Each dataclass becomes an object whose ``"t"`` names its type (pandoc's JSON
AST does the same); tuples become arrays. Fields equal to their default are
left out to keep the golden files readable, and restored on the way back.
Only the closed set of model types can be decoded: unknown tags are errors.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from .. import model

_TYPES: dict[str, type] = {cls.__name__: cls for cls in model.MODEL_TYPES}


def to_data(value: Any) -> Any:
    """Plain JSON-able data for a model value."""
    if dataclasses.is_dataclass(value):
        out: dict[str, Any] = {"t": type(value).__name__}
        for f in dataclasses.fields(value):
            v = getattr(value, f.name)
            if _is_default(f, v):
                continue
            out[f.name] = to_data(v)
        return out
    if isinstance(value, tuple):
        return [to_data(v) for v in value]
    return value


def _is_default(f: dataclasses.Field, v: Any) -> bool:
    if f.default is not dataclasses.MISSING:
        return v == f.default
    return False


def from_data(data: Any) -> Any:
    """The model value for data made by ``to_data``."""
    if isinstance(data, dict):
        tag = data.get("t")
        cls = _TYPES.get(tag)  # type: ignore[arg-type]
        if cls is None:
            raise ValueError(f"unknown model type {tag!r}")
        kwargs = {k: from_data(v) for k, v in data.items() if k != "t"}
        return cls(**kwargs)
    if isinstance(data, list):
        return tuple(from_data(v) for v in data)
    return data


def dumps(value: Any) -> str:
    return json.dumps(to_data(value), ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def loads(text: str) -> Any:
    return from_data(json.loads(text))
