"""MongoDB's sort order for any JSON value, and sorting documents by fields."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Final

from .paths import MISSING, Document, resolve
from .values import to_iso


# BSON type order, the first element of every sort key.
RANK_UNDEFINED = 0  # what an empty array sorts as (below null)
RANK_NULL = 1
RANK_NUMBER = 2
RANK_STRING = 3
RANK_OBJECT = 4
RANK_ARRAY = 5
RANK_BINARY = 6
RANK_BOOLEAN = 8
RANK_DATE = 9
RANK_OTHER = 10

_NULL_KEY: Final = (RANK_NULL,)
_UNDEFINED_KEY: Final = (RANK_UNDEFINED,)


def sort_key(value: Any) -> tuple[Any, ...]:
    """A key ordering any JSON value the way MongoDB orders BSON; never raises on comparison.

    null/missing < numbers < strings < objects < arrays < Bytes < booleans < Dates.
    Objects compare field by field (type, name, value) in key order; Pointers as
    objects of ``__type``/``className``/``objectId``.
    """
    t = type(value)
    if t is str:
        return (RANK_STRING, value)
    if value is None or value is MISSING:
        return _NULL_KEY
    if t is bool:
        return (RANK_BOOLEAN, value)
    if t is int or t is float:
        return (RANK_NUMBER, 0) if value != value else (RANK_NUMBER, 1, value)
    if t is dict:
        return _dict_sort_key(value)
    if t is list or t is tuple:
        return (RANK_ARRAY, tuple(sort_key(e) for e in value))
    return _other_sort_key(value)


def sort_documents(docs: list[Document], sort: list[tuple[str, int]]) -> list[Document]:
    """A new list of the documents sorted stably by ``[(dotted_field, 1 | -1), ...]``.

    An array field sorts by its smallest element ascending and its largest
    descending; an empty array sorts below null; missing sorts as null.
    """
    result = list(docs)
    for field, direction in reversed(sort):
        descending = direction < 0
        parts = field.split(".")
        result.sort(key=lambda d: field_sort_key(d, parts, descending), reverse=descending)
    return result


# ======================================================================
# Compilation
# ======================================================================

def _dict_sort_key(value: dict[str, Any]) -> tuple[Any, ...]:
    kind = value.get("__type")
    if kind == "Date":
        iso = value.get("iso")
        return (RANK_DATE, iso if type(iso) is str else str(iso))
    if kind == "Bytes":
        return (RANK_BINARY, str(value.get("base64")))
    if kind == "Pointer":
        value = {"__type": "Pointer", "className": value.get("className"), "objectId": value.get("objectId")}
    fields = []
    for k in sorted(value):
        sk = sort_key(value[k])
        fields.append((sk[0], k, sk))
    return (RANK_OBJECT, tuple(fields))


def _other_sort_key(value: Any) -> tuple[Any, ...]:
    """Keys for values that are not plain JSON types (subclasses, datetimes, bytes)."""
    if isinstance(value, bool):
        return (RANK_BOOLEAN, bool(value))
    if isinstance(value, (int, float)):
        return sort_key(float(value) if isinstance(value, float) else int(value))
    if isinstance(value, str):
        return (RANK_STRING, str(value))
    if isinstance(value, dict):
        return _dict_sort_key(dict(value))
    if isinstance(value, datetime):
        return (RANK_DATE, to_iso(value))
    if isinstance(value, (bytes, bytearray)):
        return (RANK_BINARY, bytes(value).hex())
    if isinstance(value, Iterable):
        return (RANK_ARRAY, tuple(sort_key(e) for e in value))
    return (RANK_OTHER, repr(value))


def field_sort_key(doc: Document, parts: list[str], descending: bool) -> tuple[Any, ...]:
    """The sort key of one document for one (dotted) field; arrays by min ascending, max descending."""
    if len(parts) == 1:
        value = doc.get(parts[0], MISSING)
        if type(value) is not list:
            return sort_key(value)
        values = [value]
    else:
        values = resolve(doc, parts)
    keys: list[tuple[Any, ...]] = []
    for v in values:
        if type(v) is list:
            if v:
                keys.extend(sort_key(e) for e in v)
            else:
                keys.append(_UNDEFINED_KEY)
        else:
            keys.append(sort_key(v))
    return max(keys) if descending else min(keys)
