"""Paths into stored documents: dotted keys that fan out through arrays, MongoDB-style."""

from __future__ import annotations

from typing import Any, Final


class _Missing:
    """The type of `MISSING`: what a path resolves to when nothing is there."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = _Missing()

Document = dict[str, Any]


def get_path(doc: Document, dotted: str) -> Any:
    """The value at a dotted path, or `MISSING`; through an array of objects, the list of values found."""
    parts = dotted.split(".")
    cur: Any = doc
    for idx, part in enumerate(parts):
        t = type(cur)
        if t is dict:
            cur = cur.get(part, MISSING)
        elif t is list:
            if part.isdigit():
                i = int(part)
                cur = cur[i] if i < len(cur) else MISSING
                continue
            found = [v for v in expand(cur, parts, idx) if v is not MISSING]
            return found if found else MISSING
        else:
            return MISSING
    return cur



def resolve(doc: Document, parts: list[str]) -> list[Any]:
    """Every value the path reaches (MISSING for branches without it), fanning out through arrays."""
    return resolve_from(doc, parts, 0)


def resolve_from(value: Any, parts: list[str], start: int) -> list[Any]:
    cur = value
    for idx in range(start, len(parts)):
        t = type(cur)
        if t is dict:
            cur = cur.get(parts[idx], MISSING)
        elif t is list:
            return expand(cur, parts, idx)
        else:
            return [MISSING]
    return [cur]


def expand(array: list[Any], parts: list[str], idx: int) -> list[Any]:
    """Resolve parts[idx:] through an array: by index for a numeric part, and inside each object element."""
    part = parts[idx]
    out: list[Any] = []
    if part.isdigit():
        i = int(part)
        if i < len(array):
            out.extend(resolve_from(array[i], parts, idx + 1))
    for element in array:
        if type(element) is dict:
            out.extend(resolve_from(element.get(part, MISSING), parts, idx + 1))
    return out or [MISSING]
