"""Single values: Parse wire JSON (our stored form) <-> the BSON values Parse Server stores.

Parse Server treats a value differently at the top level of a document and inside an
Object or Array ("interior"): at the top level a GeoPoint is ``[lng, lat]``, a File its
name, a Pointer the string ``"Class$id"``; inside, those keep their JSON form. Dates
and Bytes become BSON dates and binaries at every depth.
"""

from __future__ import annotations

import base64
import re
from datetime import datetime, timezone
from typing import Any

from bson.binary import Binary
from bson.decimal128 import Decimal128
from bson.objectid import ObjectId

JSON = Any

_BASE64 = re.compile(r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")


# ----- dates -----
def bson_date(value: Any) -> datetime | None:
    """A naive-UTC datetime (what BSON holds) from an ISO string or a datetime; None if neither."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str) and value:
        text = value.strip()
        if text[-1:] in ("Z", "z"):
            text = text[:-1] + "+00:00"
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            return None
    else:
        return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    # BSON keeps milliseconds; truncate now so what we return equals what is stored.
    return dt.replace(microsecond=dt.microsecond // 1000 * 1000)


def iso(dt: datetime) -> str:
    """Parse's ISO form of a BSON date: UTC, milliseconds, Z."""
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def date_json(dt: datetime) -> dict[str, str]:
    """A BSON date as Parse Date JSON."""
    return {"__type": "Date", "iso": iso(dt)}


# ----- typed JSON helpers -----
def type_of(value: Any) -> str | None:
    """The ``__type`` of a typed JSON value, or None."""
    if isinstance(value, dict):
        t = value.get("__type")
        return t if isinstance(t, str) else None
    return None


def pointer_string(pointer: dict[str, Any]) -> str:
    """Parse Server's top-level pointer form, ``"Class$objectId"``."""
    return f"{pointer.get('className')}${pointer.get('objectId')}"


def pointer_json(class_name: str, object_id: str) -> dict[str, str]:
    """Pointer JSON in the key order MongoDB equality on nested pointers depends on."""
    return {"__type": "Pointer", "className": class_name, "objectId": object_id}


def pointer_from_string(value: Any) -> dict[str, str] | None:
    """``"Class$id"`` back to Pointer JSON; None for anything else (null included)."""
    if not isinstance(value, str) or "$" not in value:
        return None
    class_name, _, object_id = value.partition("$")
    return pointer_json(class_name, object_id)


def polygon_geojson(polygon: dict[str, Any]) -> dict[str, Any]:
    """Polygon JSON (``[lat, lng]`` pairs) as a closed GeoJSON ring of ``[lng, lat]``."""
    coords = [list(p) for p in polygon.get("coordinates") or []]
    if coords and coords[0] != coords[-1]:
        coords.append(list(coords[0]))
    return {"type": "Polygon", "coordinates": [[[p[1], p[0]] for p in coords]]}


def geopoint_pair(point: Any) -> list[float]:
    """A GeoPoint (JSON, or an already ``[lng, lat]`` pair) as ``[lng, lat]``."""
    if isinstance(point, (list, tuple)) and len(point) == 2:
        return [point[0], point[1]]
    return [point.get("longitude"), point.get("latitude")]


# ----- write: stored form -> BSON -----
def to_interior(value: JSON) -> Any:
    """A value nested inside an Object or Array field, as Parse Server stores it."""
    if isinstance(value, list):
        return [to_interior(v) for v in value]
    if isinstance(value, dict):
        t = type_of(value)
        if t == "Pointer":
            return pointer_json(value.get("className"), value.get("objectId"))
        if t == "Date":
            return bson_date(value.get("iso"))
        if t == "Bytes":
            return Binary(base64.b64decode(value.get("base64") or ""))
        return {k: to_interior(v) for k, v in value.items()}
    return value


_NOT_AN_ATOM = object()


def to_top_atom(value: JSON) -> Any:
    """A typed top-level value in Parse Server's form, or _NOT_AN_ATOM for objects and arrays."""
    if not isinstance(value, (dict, list)):
        return value
    t = type_of(value)
    if t == "Pointer":
        return pointer_string(value)
    if t == "Date":
        return bson_date(value.get("iso"))
    if t == "Bytes":
        return Binary(base64.b64decode(value.get("base64") or ""))
    if t == "GeoPoint":
        return geopoint_pair(value)
    if t == "Polygon":
        return polygon_geojson(value)
    if t == "File":
        return value.get("name")
    return _NOT_AN_ATOM


def to_top(value: JSON) -> Any:
    """A value at the top level of a document, as Parse Server stores it."""
    atom = to_top_atom(value)
    return to_interior(value) if atom is _NOT_AN_ATOM else atom


# ----- read: BSON -> stored form -----
def from_interior(value: Any) -> JSON:
    """A stored value back to Parse JSON without knowing its field type (nested values)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return date_json(value)
    if isinstance(value, bytes):  # Binary subclasses bytes; subtype 0 decodes to bytes
        return {"__type": "Bytes", "base64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, int):
        return int(value)  # Int64 -> int
    if isinstance(value, Decimal128):
        return float(value.to_decimal())
    if isinstance(value, ObjectId):
        return str(value)
    if isinstance(value, list):
        return [from_interior(v) for v in value]
    if isinstance(value, dict):
        if value.get("__type") == "Date" and isinstance(value.get("iso"), datetime):
            return date_json(value["iso"])  # legacy nested date whose iso is a BSON date
        return {k: from_interior(v) for k, v in value.items()}
    return value


def from_top(value: Any, field_type: str | None) -> JSON:
    """A top-level stored value back to Parse JSON, using the schema's type for the field."""
    if field_type == "File" and isinstance(value, str):
        return {"__type": "File", "name": value}
    if field_type == "GeoPoint" and isinstance(value, list) and len(value) == 2:
        return {"__type": "GeoPoint", "latitude": value[1], "longitude": value[0]}
    if field_type == "Polygon" and isinstance(value, dict) and value.get("type") == "Polygon":
        ring = (value.get("coordinates") or [[]])[0]
        return {"__type": "Polygon", "coordinates": [[p[1], p[0]] for p in ring]}
    if field_type == "Bytes" and isinstance(value, str) and _BASE64.match(value):
        return {"__type": "Bytes", "base64": value}  # legacy rows kept base64 text
    if field_type == "Pointer" and isinstance(value, str):
        return pointer_from_string(value) or value
    return from_interior(value)
