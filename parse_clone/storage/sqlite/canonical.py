"""Value identity for stored-form JSON: AddUnique/Remove, distinct and $group keys."""

from __future__ import annotations

from typing import Any, Hashable


def canonical(value: Any) -> Hashable:
    """A hashable key equal for equal values: numbers by value (1 == 1.0, never True),
    objects whatever their key order, pointers by className + objectId."""
    if value is None:
        return ("null",)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    if isinstance(value, str):
        return ("string", value)
    if isinstance(value, list):
        return ("array", tuple(canonical(v) for v in value))
    if isinstance(value, dict):
        if value.get("__type") == "Pointer":
            return ("pointer", value.get("className"), value.get("objectId"))
        return ("object", tuple(sorted((k, canonical(v)) for k, v in value.items())))
    return ("other", repr(value))


def same_value(a: Any, b: Any) -> bool:
    """Deep equality with canonical()'s rules."""
    return canonical(a) == canonical(b)
