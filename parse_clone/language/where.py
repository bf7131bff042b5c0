"""Checking a client's `where` and normalising it into the storage where language (see storage/base.py)."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from ..errors import ParseError, js_string
from .transform import encode_geopoint, encode_value
from .values import normalize_iso, to_iso

_KEY_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9_.]*$")
_SPECIAL_KEYS = ("$and", "$or", "$nor", "$relatedTo", "_rperm", "_wperm")
_MASTER_KEYS = _SPECIAL_KEYS + (
    "_email_verify_token", "_perishable_token", "_tombstone", "_email_verify_token_expires_at",
    "_failed_login_count", "_account_lockout_expires_at", "_password_changed_at", "_password_history",
)
_OPTIONS_RE = re.compile(r"^[imxs]+$")

# Constraints that core resolves before storage sees the where.
SUBQUERY_OPS = ("$inQuery", "$notInQuery", "$select", "$dontSelect")
_PLAIN_OPS = ("$lt", "$lte", "$gt", "$gte", "$ne", "$eq")
KNOWN_OPS = _PLAIN_OPS + (
    "$in", "$nin", "$exists", "$all", "$containedBy", "$regex", "$options", "$nearSphere", "$maxDistance",
    "$maxDistanceInRadians", "$maxDistanceInMiles", "$maxDistanceInKilometers", "$within", "$geoWithin",
    "$geoIntersects", "$text",
) + SUBQUERY_OPS
DATE_FIELDS = ("createdAt", "updatedAt")


def validate_where(where: Any, is_master: bool) -> None:
    """Parse's structural checks: $or/$and/$nor shapes, no ACL, valid key names, valid $options."""
    if not isinstance(where, dict):
        raise ParseError(ParseError.INVALID_QUERY, "Invalid where: must be an object")
    if "ACL" in where:
        raise ParseError(ParseError.INVALID_QUERY, "Cannot query on ACL.")
    for op, msg in (("$or", "Bad $or format - use an array value."),
                    ("$and", "Bad $and format - use an array value."),
                    ("$nor", "Bad $nor format - use an array of at least 1 value.")):
        if op in where:
            sub = where[op]
            if not isinstance(sub, list) or (op == "$nor" and not sub):
                raise ParseError(ParseError.INVALID_QUERY, msg)
            for s in sub:
                validate_where(s, is_master)
    for key, value in where.items():
        if isinstance(value, dict) and value.get("$regex") and isinstance(value.get("$options"), str):
            if not _OPTIONS_RE.match(value["$options"]):
                raise ParseError(ParseError.INVALID_QUERY, f"Bad $options value for query: {value['$options']}")
        if not _KEY_RE.match(key) and key not in (_MASTER_KEYS if is_master else _SPECIAL_KEYS):
            raise ParseError(ParseError.INVALID_KEY_NAME, f"Invalid key name: {key}")


_FIELD_NAME_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9_]*")
_SCALAR_TYPES = (str, int, bool, type(None))  # exact types; a float is checked for NaN / infinity
_LIST_OPS = ("$in", "$nin")
_TRANSFORMED_TYPES = ("Pointer", "Relation")  # a string names an object; a Relation is a sub-query


def _plain_scalar(value: Any) -> bool:
    kind = type(value)
    return kind in _SCALAR_TYPES or (kind is float and math.isfinite(value))


def is_plain_where(where: dict[str, Any], fields: dict[str, Any]) -> bool:
    """True for a where that `validate_where` accepts and `resolve_subqueries` and `normalize_where`
    give back unchanged: top-level field names (not ACL, createdAt / updatedAt, a Pointer or a
    Relation) compared with strings, numbers, booleans or null, directly or through $eq, $ne, $lt,
    $lte, $gt, $gte, $in and $nin. The usual list and count skip those walks; anything else takes them."""
    for key, value in where.items():
        if key in DATE_FIELDS or key == "ACL" or _FIELD_NAME_RE.fullmatch(key) is None:
            return False
        f = fields.get(key)
        if f is not None and f.get("type") in _TRANSFORMED_TYPES:
            return False
        if _plain_scalar(value):
            continue
        if type(value) is not dict or not value:
            return False
        for op, arg in value.items():
            if op in _PLAIN_OPS:
                if not _plain_scalar(arg):
                    return False
            elif op not in _LIST_OPS or type(arg) is not list or not all(_plain_scalar(v) for v in arg):
                return False
    return True


def _field_type(fields: dict[str, Any], key: str) -> str | None:
    f = fields.get(key)
    return f.get("type") if f else None


def normalize_where(where: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """Typed values encoded, dates normalised, geo forms canonical, $relativeTime resolved."""
    out: dict[str, Any] = {}
    for key, value in where.items():
        if key in ("$or", "$and", "$nor"):
            out[key] = [normalize_where(w, fields) for w in value]
        elif key in ("_rperm", "_wperm"):
            out[key] = value
        elif isinstance(value, dict) and _is_constraint(value):
            out[key] = _normalize_constraint(key, value, fields)
        elif isinstance(value, dict) and "__type" in value and any(str(k).startswith("$") for k in value):
            typed = {k: v for k, v in value.items() if not str(k).startswith("$")}
            ops = {k: v for k, v in value.items() if str(k).startswith("$")}
            out[key] = _normalize_constraint(key, {"$eq": typed, **ops}, fields)
        elif isinstance(value, list) and "." not in key:
            # Parse Server cannot compare a whole array (its MongoDB transform rejects it; PostgreSQL says 119)
            raise ParseError(ParseError.INVALID_JSON, f"You cannot use {js_string(value)} as a query parameter.")
        else:
            out[key] = _atom(key, value, fields)
    return out


def _is_constraint(value: dict[str, Any]) -> bool:
    return any(isinstance(k, str) and k.startswith("$") for k in value) and "__type" not in value


def _atom(key: str, value: Any, fields: dict[str, Any]) -> Any:
    """One comparison value in stored form."""
    if key in DATE_FIELDS:
        if isinstance(value, dict) and value.get("__type") == "Date":
            iso = normalize_iso(value.get("iso")) if isinstance(value.get("iso"), str) else None
            if iso is None:
                raise ParseError(ParseError.INVALID_JSON, f"bad atom: {value}")
            return iso
        if isinstance(value, str):
            return normalize_iso(value) or value
        return value
    if _field_type(fields, key) == "Pointer" and isinstance(value, str):
        return {"__type": "Pointer", "className": fields[key]["targetClass"], "objectId": value}
    if isinstance(value, dict) and "__op" in value:
        raise ParseError(ParseError.INVALID_JSON, f"cannot transform value: {value}")
    try:
        return encode_value(value, top_level=False)
    except ParseError as e:
        if e.code == ParseError.INVALID_NESTED_KEY:
            return value  # a where may compare nested objects with any key names
        raise ParseError(ParseError.INVALID_JSON, f"bad atom: {value}") from None


def _normalize_constraint(key: str, c: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for op, arg in c.items():
        if op in _PLAIN_OPS:
            if isinstance(arg, dict) and "$relativeTime" in arg:
                out[op] = _relative_time(key, op, arg["$relativeTime"], fields)
            else:
                out[op] = _atom(key, arg, fields)
        elif op == "$exists":
            out[op] = bool(arg) if not isinstance(arg, bool) else arg
        elif op in ("$in", "$nin"):
            if not isinstance(arg, list):
                raise ParseError(ParseError.INVALID_JSON, f"bad {op} value")
            out[op] = [_atom(key, v, fields) for v in arg]
        elif op == "$all":
            if not isinstance(arg, list):
                raise ParseError(ParseError.INVALID_JSON, f"bad {op} value")
            regexes = [isinstance(v, dict) and "$regex" in v for v in arg]
            if any(regexes) and not all(regexes):
                raise ParseError(ParseError.INVALID_JSON,
                                 f"All $all values must be of regex type or none: {js_string(arg)}")
            out[op] = arg if any(regexes) else [_atom(key, v, fields) for v in arg]
        elif op == "$containedBy":
            if not isinstance(arg, list):
                raise ParseError(ParseError.INVALID_JSON, "bad $containedBy: should be an array")
            out[op] = [_atom(key, v, fields) for v in arg]
        elif op == "$regex":
            if not isinstance(arg, str):
                raise ParseError(ParseError.INVALID_JSON, f"bad regex: {arg}")
            out[op] = arg
        elif op == "$options":
            out[op] = arg
        elif op == "$text":
            out[op] = _text(arg)
        elif op == "$nearSphere":
            out[op] = _geopoint(arg, "bad $nearSphere value")
        elif op in ("$maxDistance", "$maxDistanceInRadians", "$maxDistanceInMiles", "$maxDistanceInKilometers"):
            if not isinstance(arg, (int, float)) or isinstance(arg, bool):
                raise ParseError(ParseError.INVALID_JSON, f"bad {op} value")
            divisor = {"$maxDistanceInMiles": 3959.0, "$maxDistanceInKilometers": 6371.0}.get(op, 1.0)
            out["$maxDistance"] = arg / divisor
        elif op == "$within":
            box = arg.get("$box") if isinstance(arg, dict) else None
            if not isinstance(box, list) or len(box) != 2:
                raise ParseError(ParseError.INVALID_JSON, "malformatted $within arg")
            out[op] = {"$box": [_geopoint(p, "malformatted $within arg") for p in box]}
        elif op == "$geoWithin":
            out[op] = _geo_within(arg)
        elif op == "$geoIntersects":
            point = arg.get("$point") if isinstance(arg, dict) else None
            out[op] = {"$point": _geopoint(point, "bad $geoIntersect value; $point should be GeoPoint")}
        elif op in SUBQUERY_OPS:
            out[op] = arg
        else:
            raise ParseError(ParseError.INVALID_JSON, f"bad constraint: {op}")
    return out


def _geopoint(value: Any, message: str) -> dict[str, Any]:
    if isinstance(value, list) and len(value) == 2:
        value = {"__type": "GeoPoint", "latitude": value[1], "longitude": value[0]}
    if not isinstance(value, dict) or value.get("__type") != "GeoPoint":
        raise ParseError(ParseError.INVALID_JSON, message)
    for coord in ("latitude", "longitude"):
        c = value.get(coord)
        if not isinstance(c, (int, float)) or isinstance(c, bool) or c != c:
            raise ParseError(ParseError.INVALID_JSON, message)
    return encode_geopoint(value)


def _geo_within(arg: Any) -> dict[str, Any]:
    if not isinstance(arg, dict):
        raise ParseError(ParseError.INVALID_JSON, "bad $geoWithin value")
    if "$polygon" in arg:
        polygon = arg["$polygon"]
        if isinstance(polygon, dict) and polygon.get("__type") == "Polygon":
            coords = polygon.get("coordinates")
            if not isinstance(coords, list) or len(coords) < 3:
                raise ParseError(ParseError.INVALID_JSON,
                                 "bad $geoWithin value; Polygon.coordinates should contain at least 3 lon/lat pairs")
            # A Polygon value holds [lat, lng] pairs.
            points = [_geopoint([p[1], p[0]] if isinstance(p, list) and len(p) == 2 else p, "bad $geoWithin value")
                      for p in coords]
        elif isinstance(polygon, list):
            if len(polygon) < 3:
                raise ParseError(ParseError.INVALID_JSON,
                                 "bad $geoWithin value; $polygon should contain at least 3 GeoPoints")
            points = [_geopoint(p, "bad $geoWithin value") for p in polygon]
        else:
            raise ParseError(ParseError.INVALID_JSON,
                             "bad $geoWithin value; $polygon should be Polygon object or Array of Parse.GeoPoint's")
        return {"$polygon": points}
    if "$centerSphere" in arg:
        cs = arg["$centerSphere"]
        if not isinstance(cs, list) or len(cs) < 2:
            raise ParseError(ParseError.INVALID_JSON,
                             "bad $geoWithin value; $centerSphere should be an array of Parse.GeoPoint and distance")
        point = _geopoint(cs[0], "bad $geoWithin value; $centerSphere geo point invalid")
        dist = cs[1]
        if not isinstance(dist, (int, float)) or isinstance(dist, bool) or dist < 0:
            raise ParseError(ParseError.INVALID_JSON, "bad $geoWithin value; $centerSphere distance invalid")
        return {"$centerSphere": [point, dist]}
    raise ParseError(ParseError.INVALID_JSON, "bad $geoWithin value")


def _text(arg: Any) -> dict[str, Any]:
    search = arg.get("$search") if isinstance(arg, dict) else None
    if not isinstance(search, dict):
        raise ParseError(ParseError.INVALID_JSON, "bad $text: $search, should be object")
    term = search.get("$term")
    if not term or not isinstance(term, str):
        raise ParseError(ParseError.INVALID_JSON, "bad $text: $term, should be string")
    out: dict[str, Any] = {"$term": term}
    for k, t, name in (("$language", str, "string"), ("$caseSensitive", bool, "boolean"),
                       ("$diacriticSensitive", bool, "boolean")):
        if search.get(k) is not None and search.get(k) is not False:
            if not isinstance(search[k], t):
                raise ParseError(ParseError.INVALID_JSON, f"bad $text: {k}, should be {name}")
            out[k] = search[k]
    return {"$search": out}


_REL_UNITS = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
    "w": 604800, "wk": 604800, "wks": 604800, "week": 604800, "weeks": 604800,
    "y": 31536000, "yr": 31536000, "yrs": 31536000, "year": 31536000, "years": 31536000,
}


def _relative_time(key: str, op: str, text: Any, fields: dict[str, Any]) -> Any:
    if key not in DATE_FIELDS and _field_type(fields, key) not in (None, "Date"):
        raise ParseError(ParseError.INVALID_JSON, "$relativeTime can only be used with Date field")
    if op in ("$ne", "$eq"):
        raise ParseError(ParseError.INVALID_JSON,
                         "$relativeTime can only be used with the $lt, $lte, $gt, and $gte operators")
    when = relative_time_to_date(text, op)
    iso = to_iso(when)
    return iso if key in DATE_FIELDS else {"__type": "Date", "iso": iso}


def relative_time_to_date(text: Any, op: str = "$lt") -> datetime:
    """'3 days ago', 'in 2 hours', 'now' -> a datetime (107 with Parse's wording when unparseable)."""
    if not isinstance(text, str):
        raise ParseError(ParseError.INVALID_JSON, f"bad $relativeTime ({op}) value. Time should be a string")
    words = text.lower().split()
    now = datetime.now(timezone.utc)
    if words == ["now"]:
        return now
    future = bool(words) and words[0] == "in"
    past = bool(words) and words[-1] == "ago"
    if future and past:
        raise ParseError(ParseError.INVALID_JSON,
                         f"bad $relativeTime ({op}) value. Time cannot have both 'in' and 'ago'")
    if not future and not past:
        raise ParseError(ParseError.INVALID_JSON,
                         f"bad $relativeTime ({op}) value. Time should either start with 'in' or end with 'ago'")
    parts = words[1:] if future else words[:-1]
    if not parts or len(parts) % 2:
        raise ParseError(ParseError.INVALID_JSON,
                         f"bad $relativeTime ({op}) value. Invalid time string. Dangling unit or number.")
    seconds = 0.0
    for i in range(0, len(parts), 2):
        num, unit = parts[i], parts[i + 1]
        try:
            n = float(num)
        except ValueError:
            raise ParseError(ParseError.INVALID_JSON,
                             f"bad $relativeTime ({op}) value. '{num}' is not an integer.") from None
        if unit not in _REL_UNITS:
            raise ParseError(ParseError.INVALID_JSON,
                             f"bad $relativeTime ({op}) value. Invalid interval: '{unit}'")
        seconds += n * _REL_UNITS[unit]
    delta = timedelta(seconds=seconds)
    return now + delta if future else now - delta
