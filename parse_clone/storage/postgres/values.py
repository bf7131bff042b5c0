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


format_iso = to_iso  # Parse's ISO form: UTC, milliseconds, `Z`


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
    decoders = _decoders(columns, fields)
    doc: Document = {}
    for name, value in row.items():
        if value is None:
            continue
        decode = decoders.get(name)
        if decode is not None:
            doc[name] = decode(value)
    return doc


# The decoders of the last few (columns, fields) pairs, by identity: the adapter's column map and the
# schema's field map are replaced, not edited, when they change, so identity says "same table shape".
_DECODERS: dict[tuple[int, int], tuple[dict[str, str], dict[str, Any], dict[str, Callable[[Any], Any]]]] = {}


def _decoders(columns: dict[str, str], fields: dict[str, Any]) -> dict[str, Callable[[Any], Any]]:
    key = (id(columns), id(fields))
    cached = _DECODERS.get(key)
    if cached is not None and cached[0] is columns and cached[1] is fields:
        return cached[2]
    decoders = {name: _decoder(name, pg_type, fields.get(name)) for name, pg_type in columns.items()}
    if len(_DECODERS) > 256:
        _DECODERS.clear()
    _DECODERS[key] = (columns, fields, decoders)
    return decoders


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
    return lambda v: from_column(name, pg_type, ftype, v)


def _same(value: Any) -> Any:
    return value
