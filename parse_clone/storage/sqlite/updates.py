"""Applying the storage update form (storage/base.py) to a stored document in Python.

MongoDB's rules are kept: Increment treats a missing field as 0, Remove on a missing
field leaves it missing, AddUnique and Remove compare values deeply (pointers by
className + objectId), dotted keys create the intermediate objects they need.
"""

from __future__ import annotations

import copy
from typing import Any

from ...errors import ParseError
from ..base import Document, Update
from .canonical import canonical

_MISSING = object()


def apply_update(doc: Document, update: Update) -> Document:
    """Apply `update` to `doc` in place and return it."""
    for key, change in update.items():
        op = change.get("__op") if isinstance(change, dict) else None
        creates = op not in ("Delete", "Remove")
        parent, leaf = _parent(doc, key, creates)
        if parent is None:
            continue
        if op is None:
            parent[leaf] = copy.deepcopy(change)
        else:
            _apply_op(parent, leaf, key, op, change)
    return doc


def _parent(doc: Document, key: str, create: bool) -> tuple[dict[str, Any] | None, str]:
    """The object holding the last segment of a dotted key (None if absent and not created)."""
    *path, leaf = key.split(".")
    node: dict[str, Any] = doc
    for seg in path:
        child = node.get(seg)
        if child is None:
            if not create:
                return None, leaf
            child = node[seg] = {}
        elif not isinstance(child, dict):
            raise ParseError(ParseError.INCORRECT_TYPE, f"cannot update {key}: {seg} is not an object")
        node = child
    return node, leaf


def _apply_op(parent: dict[str, Any], leaf: str, key: str, op: str, change: dict[str, Any]) -> None:
    current = parent.get(leaf, _MISSING)
    if op == "Delete":
        parent.pop(leaf, None)
    elif op == "Increment":
        amount = change.get("amount")
        if not _is_number(amount):
            raise ParseError(ParseError.INVALID_JSON, "Increment amount must be a number")
        if current is _MISSING or current is None:
            current = 0
        if not _is_number(current):
            raise ParseError(ParseError.INCORRECT_TYPE, f"cannot increment {key}: it is not a number")
        parent[leaf] = current + amount
    elif op in ("Add", "AddUnique", "Remove"):
        objects = change.get("objects")
        if not isinstance(objects, list):
            raise ParseError(ParseError.INVALID_JSON, f"{op} objects must be an array")
        if current is _MISSING or current is None:
            if op == "Remove":
                return
            current = []
        if not isinstance(current, list):
            raise ParseError(ParseError.INCORRECT_TYPE, f"cannot {op} on {key}: it is not an array")
        parent[leaf] = _array_op(op, current, copy.deepcopy(objects))
    else:
        raise ParseError(ParseError.COMMAND_UNAVAILABLE, f"unknown update operator: {op}")


def _array_op(op: str, current: list[Any], objects: list[Any]) -> list[Any]:
    if op == "Add":
        return current + objects
    if op == "Remove":
        gone = {canonical(o) for o in objects}
        return [v for v in current if canonical(v) not in gone]
    seen = {canonical(v) for v in current}
    out = list(current)
    for o in objects:
        k = canonical(o)
        if k not in seen:
            seen.add(k)
            out.append(o)
    return out


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def seed_from_where(where: dict[str, Any]) -> Document:
    """The document an upsert starts from: the where's top-level equalities (MongoDB's rule)."""
    doc: Document = {}
    for key, value in where.items():
        if key.startswith("$"):
            continue
        if isinstance(value, dict) and "__type" not in value and any(k.startswith("$") for k in value):
            if "$eq" not in value:
                continue
            value = value["$eq"]
        parent, leaf = _parent(doc, key, True)
        assert parent is not None
        parent[leaf] = copy.deepcopy(value)
    return doc
