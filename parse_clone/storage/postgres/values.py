"""Stored-form values <-> PostgreSQL column values, as Parse Server writes and reads them.

Pointers are stored as the objectId (text), Files as their name, Dates as timestamptz,
GeoPoints as ``point(longitude, latitude)``, Polygons as ``polygon`` of (longitude,
latitude) points, Objects, Arrays and Bytes as jsonb, ACLs as text[].
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable

import asyncpg
import orjson

from ...language.values import to_iso
from ..base import Document
from .names import TIMESTAMP_COLUMNS, column_kind

_MAX_SAFE_INT = 2 ** 53


class _JsonNull:
    """A JSON null in a jsonb column (SQL NULL means the field is missing)."""

    def __repr__(self) -> str:
        return "JSON_NULL"


JSON_NULL = _JsonNull()


def encode_json(value: Any) -> str:
    """asyncpg's jsonb encoder."""
    return "null" if value is JSON_NULL else orjson.dumps(value).decode()


def decode_json(text: str) -> Any:
    """asyncpg's jsonb decoder (a JSON null stays distinct from SQL NULL)."""
    return JSON_NULL if text == "null" else orjson.loads(text)


def parse_iso(text: str) -> datetime:
    """An ISO-8601 string as an aware datetime (naive means UTC)."""
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


_TWO_DIGITS = tuple(f"{i:02d}" for i in range(100))
_MILLIS = tuple(f"{i:03d}" for i in range(1000))


def format_iso(value: datetime, _last: list[tuple[Any, str]] = [(None, "")]) -> str:  # noqa: B006 - a memo
    """A timestamptz in Parse's ISO form (UTC, milliseconds, `Z`). Rows are decoded by the
    thousand, so: the fields are formatted through lookup tables (about three times as fast as
    isoformat() on an aware datetime), and the last value is remembered (a row's updatedAt is
    often its createdAt)."""
    if value.tzinfo is not timezone.utc:  # asyncpg decodes timestamptz in UTC; anything else is converted
        return to_iso(value)
    last = _last[0]
    if value == last[0]:
        return last[1]
    two = _TWO_DIGITS
    text = (f"{value.year:04d}-{two[value.month]}-{two[value.day]}T{two[value.hour]}:{two[value.minute]}:"
            f"{two[value.second]}.{_MILLIS[value.microsecond // 1000]}Z")
    _last[0] = (value, text)  # one store: a reader never sees half an update
    return text


def to_column(pg_type: str, ftype: dict[str, Any] | None, value: Any) -> Any:
    """A stored-form value as the parameter for a column of `pg_type` (None stays NULL)."""
    kind = column_kind(pg_type)
    if value is None:
        return JSON_NULL if kind == "json" else None
    if kind == "text":
        if isinstance(value, dict):
            if value.get("__type") in ("Pointer", "File"):
                found = value.get("objectId" if value.get("__type") == "Pointer" else "name")
                return found if isinstance(found, str) or found is None else orjson.dumps(found).decode()
            return orjson.dumps(value).decode()
        return value if isinstance(value, str) else orjson.dumps(value).decode()
    if kind == "date":
        if isinstance(value, dict):
            value = value.get("iso")
        return parse_iso(value) if isinstance(value, str) else None
    if kind == "number":
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if kind == "perm":
        return [str(v) for v in (value if isinstance(value, list) else [value])]
    if kind == "point":
        return asyncpg.Point(value["longitude"], value["latitude"])
    if kind == "polygon":
        return asyncpg.Polygon(*[asyncpg.Point(lng, lat) for lat, lng in value["coordinates"]])
    return value


def from_column(name: str, pg_type: str, ftype: dict[str, Any] | None, value: Any) -> Any:
    """A column value back in stored form."""
    kind = column_kind(pg_type)
    if value is JSON_NULL:
        return None
    if kind == "date":
        iso = format_iso(value)
        return iso if name in TIMESTAMP_COLUMNS else {"__type": "Date", "iso": iso}
    if kind == "text" and ftype is not None:
        if ftype.get("type") == "Pointer":
            return {"__type": "Pointer", "className": ftype.get("targetClass"), "objectId": value}
        if ftype.get("type") == "File":
            return {"__type": "File", "name": value}
    if kind == "number":
        return _number(value)
    if kind == "point":
        return {"__type": "GeoPoint", "latitude": _number(value.y), "longitude": _number(value.x)}
    if kind == "polygon":
        return {"__type": "Polygon", "coordinates": [[_number(p.y), _number(p.x)] for p in value.points]}
    if kind == "json":
        return _nulls(value)
    return value


def _number(value: float) -> int | float:
    """A double as JavaScript prints it: integral values without a fraction (3, not 3.0)."""
    return int(value) if value.is_integer() and abs(value) < _MAX_SAFE_INT else value


def _nulls(value: Any) -> Any:
    """JSON nulls inside a decoded jsonb value back as None (orjson already gives None there)."""
    return None if value is JSON_NULL else value


def row_to_doc(row: asyncpg.Record, columns: dict[str, str], fields: dict[str, Any]) -> Document:
    """A table row as a stored document (NULL columns are absent, as Parse Server drops them)."""
    return row_decoder(columns, fields, tuple(row.keys()))(row)


RowDecoder = Callable[[asyncpg.Record], Document]
# Decoders by identity of the (columns, fields) pair and the selected names: the adapter's column
# map and the schema's field map are replaced, not edited, when they change, so identity says
# "same table shape". The maps are kept in the value so that their ids are not reused meanwhile.
_ROW_DECODERS: dict[tuple[int, int, tuple[str, ...]], tuple[dict[str, str], dict[str, Any], RowDecoder]] = {}


def row_decoder(columns: dict[str, str], fields: dict[str, Any], names: tuple[str, ...]) -> RowDecoder:
    """row_to_doc for rows of these selected column names, decided once per table shape: each
    column's conversion is chosen up front, NULLs are skipped, plain values are copied as they are."""
    key = (id(columns), id(fields), names)
    cached = _ROW_DECODERS.get(key)
    if cached is not None and cached[0] is columns and cached[1] is fields:
        return cached[2]
    plain: list[str | None] = []  # per selected column: the name when copied as is, else None
    converted: list[tuple[str, Callable[[Any], Any]] | None] = []
    for name in names:
        pg_type = columns.get(name)
        decode = None if pg_type is None else _decoder(name, pg_type, fields.get(name))
        plain.append(name if decode is _same else None)
        converted.append((name, decode) if decode is not None and decode is not _same else None)
    steps = tuple(zip(plain, converted))

    def decode_row(row: asyncpg.Record) -> Document:
        doc: Document = {}
        for (name, convert), value in zip(steps, row):
            if value is None:
                continue
            if name is not None:
                doc[name] = value
            elif convert is not None:
                doc[convert[0]] = convert[1](value)
        return doc

    if len(_ROW_DECODERS) > 256:
        _ROW_DECODERS.clear()
    _ROW_DECODERS[key] = (columns, fields, decode_row)
    return decode_row


def _decoder(name: str, pg_type: str, ftype: dict[str, Any] | None) -> Callable[[Any], Any]:
    """from_column for one column, decided once."""
    kind = column_kind(pg_type)
    if kind == "date" and name in TIMESTAMP_COLUMNS:
        return format_iso
    # Only jsonb columns decode to JSON_NULL; these kinds never do.
    if kind == "text" and ftype is not None and ftype.get("type") == "Pointer":
        target = ftype.get("targetClass")
        return lambda v: {"__type": "Pointer", "className": target, "objectId": v}
    if kind == "text" and (ftype is None or ftype.get("type") != "File") or kind == "perm":
        return _same
    if kind == "number":
        return _number
    if kind == "point":
        return _geo_point
    if kind == "date":
        return lambda v: {"__type": "Date", "iso": format_iso(v)}
    return lambda v: from_column(name, pg_type, ftype, v)


def _geo_point(value: asyncpg.Point) -> dict[str, Any]:
    x, y = value
    return {"__type": "GeoPoint", "latitude": _number(y), "longitude": _number(x)}


def _same(value: Any) -> Any:
    return value
