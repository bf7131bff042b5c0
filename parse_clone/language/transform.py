"""Between the wire and the stored form: ACLs, typed values, and what a response may show."""

from __future__ import annotations

import base64
import binascii
import math
from typing import Any, Callable
from urllib.parse import quote

from ..errors import ParseError
from .values import normalize_iso

ACL_KEYS = {"read", "write"}


def acl_to_perms(acl: Any) -> tuple[list[str], list[str]]:
    """An ACL object -> (_rperm, _wperm); 123 for an unresolved pointer-user, 111 for a malformed ACL."""
    if not isinstance(acl, dict):
        raise ParseError(ParseError.INVALID_ACL, "Invalid ACL.") if acl is not None else ParseError(
            ParseError.INVALID_ACL, "Invalid ACL.")
    rperm: list[str] = []
    wperm: list[str] = []
    for entity, perms in acl.items():
        if entity == "*unresolved":
            raise ParseError(ParseError.INVALID_ACL, "Invalid ACL.")
        if not isinstance(perms, dict):
            raise ParseError(ParseError.INVALID_ACL, "Invalid ACL.")
        for key, allowed in perms.items():
            if key not in ACL_KEYS or not isinstance(allowed, bool):
                raise ParseError(ParseError.INVALID_ACL, "Invalid ACL.")
        if perms.get("read") is True:
            rperm.append(entity)
        if perms.get("write") is True:
            wperm.append(entity)
    return rperm, wperm


def perms_to_acl(rperm: list[str] | None, wperm: list[str] | None) -> dict[str, dict[str, bool]]:
    """(_rperm, _wperm) -> an ACL object."""
    acl: dict[str, dict[str, bool]] = {}
    for entity in rperm or []:
        acl.setdefault(entity, {})["read"] = True
    for entity in wperm or []:
        acl.setdefault(entity, {})["write"] = True
    return acl


def _check_nested_keys(value: Any) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            if "$" in k or "." in k:
                raise ParseError(ParseError.INVALID_NESTED_KEY, "Nested keys should not contain the '$' or '.' characters")
            _check_nested_keys(v)
    elif isinstance(value, list):
        for v in value:
            _check_nested_keys(v)


def encode_value(value: Any, top_level: bool = True) -> Any:
    """A REST value in stored form: typed values validated and normalised (Pointer, Date, File...)."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        raise ParseError(ParseError.INVALID_JSON, "Invalid number.")
    if isinstance(value, list):
        return [encode_value(v, False) for v in value]
    if not isinstance(value, dict):
        return value
    t = value.get("__type")
    if t is None:
        if "__op" in value and not top_level:
            raise ParseError(ParseError.INVALID_NESTED_KEY, "Nested keys should not contain the '$' or '.' characters")
        _check_nested_keys({k: None for k in value})
        return {k: encode_value(v, False) for k, v in value.items()}
    if t == "Pointer":
        cn, oid = value.get("className"), value.get("objectId")
        if not isinstance(cn, str) or not isinstance(oid, (str, int)) or isinstance(oid, bool):
            raise ParseError(ParseError.INCORRECT_TYPE, "This is not a valid Pointer")
        return {"__type": "Pointer", "className": cn, "objectId": oid}
    if t == "Object":
        cn, oid = value.get("className"), value.get("objectId")
        if isinstance(cn, str) and isinstance(oid, str):
            return {"__type": "Pointer", "className": cn, "objectId": oid}
        raise ParseError(ParseError.INCORRECT_TYPE, "This is not a valid Pointer")
    if t == "Date":
        iso = normalize_iso(value.get("iso")) if isinstance(value.get("iso"), str) else None
        if iso is None:
            raise ParseError(ParseError.INCORRECT_TYPE, "This is not a valid Date")
        return {"__type": "Date", "iso": iso}
    if t == "File":
        name = value.get("name")
        if not isinstance(name, str) or not name:
            raise ParseError(ParseError.INCORRECT_TYPE, "This is not a valid File")
        if not top_level and isinstance(value.get("url"), str):  # nested files keep their url, as in Parse
            return {"__type": "File", "name": name, "url": value["url"]}
        return {"__type": "File", "name": name}
    if t == "GeoPoint":
        return encode_geopoint(value)
    if t == "Polygon":
        return encode_polygon(value)
    if t == "Bytes":
        b64 = value.get("base64")
        if not isinstance(b64, str):
            raise ParseError(ParseError.INCORRECT_TYPE, "This is not a valid Bytes")
        try:
            base64.b64decode(b64, validate=True)
        except (binascii.Error, ValueError):
            raise ParseError(ParseError.INCORRECT_TYPE, "This is not a valid Bytes") from None
        return {"__type": "Bytes", "base64": b64}
    if t == "Relation":
        raise ParseError(ParseError.INCORRECT_TYPE, "This is not a valid Relation")
    raise ParseError(ParseError.INCORRECT_TYPE, f"This is not a valid {t}")


def encode_geopoint(value: dict[str, Any]) -> dict[str, Any]:
    """Validate a GeoPoint: numbers in range (111 otherwise, Parse's wording)."""
    lat, lng = value.get("latitude"), value.get("longitude")
    if not _is_number(lat) or not _is_number(lng):
        raise ParseError(ParseError.INCORRECT_TYPE, "This is not a valid GeoPoint")
    # Parse Server reports out-of-range coordinates with code 1; we answer them with HTTP 400.
    if not -90 <= lat <= 90:
        raise ParseError(ParseError.INTERNAL_SERVER_ERROR, "GeoPoint latitude out of bounds: " + _num(lat) +
                         (" < -90.0." if lat < -90 else " > 90.0."), http_status=400)
    if not -180 <= lng <= 180:
        raise ParseError(ParseError.INTERNAL_SERVER_ERROR, "GeoPoint longitude out of bounds: " + _num(lng) +
                         (" < -180.0." if lng < -180 else " > 180.0."), http_status=400)
    return {"__type": "GeoPoint", "latitude": lat, "longitude": lng}


def _num(x: float) -> str:
    return str(int(x)) if isinstance(x, float) and x.is_integer() else str(x)


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def encode_polygon(value: dict[str, Any]) -> dict[str, Any]:
    """Validate a Polygon: at least three distinct [lat, lng] points; the ring is closed."""
    coords = value.get("coordinates")
    if not isinstance(coords, list):
        raise ParseError(ParseError.INCORRECT_TYPE, "This is not a valid Polygon")
    points: list[list[float]] = []
    for p in coords:
        if not isinstance(p, list) or len(p) != 2 or not all(_is_number(c) for c in p):
            raise ParseError(ParseError.INVALID_JSON, "Invalid GeoPoint in polygon")
        encode_geopoint({"latitude": p[0], "longitude": p[1]})
        points.append([p[0], p[1]])
    distinct = {tuple(p) for p in points}
    if len(distinct) < 3:
        if len(points) >= 3:
            raise ParseError(ParseError.INTERNAL_SERVER_ERROR, "GeoJSON: Loop must have at least 3 different vertices",
                             http_status=400)
        raise ParseError(ParseError.INVALID_JSON, "Polygon must have at least 3 values")
    if points[0] != points[-1]:
        points.append(list(points[0]))  # Parse stores polygons closed
    return {"__type": "Polygon", "coordinates": points}


def file_url(base_url: str, app_id: str, name: str) -> str:
    """Where a stored file is served."""
    return f"{base_url}/files/{app_id}/{quote(name)}"


def relation_stubs(fields: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The `{"__type": "Relation", "className"}` placeholders a class's Relation fields show."""
    return {name: {"__type": "Relation", "className": f.get("targetClass")}
            for name, f in fields.items() if f.get("type") == "Relation"}


def decode_object(doc: dict[str, Any], fields: dict[str, Any], file_url_for: Callable[[str], str],
                  keep_internal: bool = False,
                  relations: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """A stored document as a REST response object: ACL rebuilt, internals removed, relations and file urls added."""
    out: dict[str, Any] = {}
    for k, v in doc.items():
        if k[0] == "_":
            if keep_internal and k not in ("_rperm", "_wperm", "_hashed_password"):
                out[k] = v
            continue
        # Only containers can hold a File needing its url; scalars and other typed values pass through.
        if v.__class__ is dict:
            t = v.get("__type")
            out[k] = v if t is not None and t != "File" else _decode_value(v, file_url_for)
        elif v.__class__ is list:
            out[k] = _decode_value(v, file_url_for)
        else:
            out[k] = v
    if "_rperm" in doc or "_wperm" in doc:
        out["ACL"] = perms_to_acl(doc.get("_rperm"), doc.get("_wperm"))
    for name, stub in (relation_stubs(fields) if relations is None else relations).items():
        out[name] = dict(stub)
    return out


def _decode_value(v: Any, file_url_for: Callable[[str], str]) -> Any:
    if v.__class__ is dict:
        t = v.get("__type")
        if t == "File" and "name" in v:
            return {"__type": "File", "name": v["name"], "url": v.get("url") or file_url_for(v["name"])}
        if t is not None:
            return v
        return {k: _decode_value(x, file_url_for) if x.__class__ in (dict, list) else x for k, x in v.items()}
    if v.__class__ is list:
        return [_decode_value(x, file_url_for) if x.__class__ in (dict, list) else x for x in v]
    return v
