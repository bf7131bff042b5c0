"""The normalised where language (see base.py) -> a MongoDB filter over Parse Server's layout."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from ...errors import ParseError
from ..base import ClassSchema, Where
from .transform import NUMERIC_ID_CLASSES, field_type, is_date_key, mongo_key
from .values import bson_date, geopoint_pair, pointer_string, to_interior, to_top, type_of

_COMPARISONS = ("$lt", "$lte", "$gt", "$gte", "$eq", "$ne")
_DISTANCES = {"$maxDistance": 1.0, "$maxDistanceInRadians": 1.0,
              "$maxDistanceInMiles": 3959.0, "$maxDistanceInKilometers": 6371.0}


@dataclass
class MongoQuery:
    """A translated where: the filter, plus what indexes it may need to run."""

    filter: dict[str, Any]
    near_fields: list[str] = field(default_factory=list)  # MongoDB keys under $nearSphere
    text_fields: list[str] = field(default_factory=list)  # MongoDB keys under $text


def translate_regex(pattern: str) -> str:
    r"""Rewrite PCRE ``\Q...\E`` quoting as escaped literals (same meaning; also runs on Python's re)."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        if pattern[i] == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if nxt == "Q":
                end = pattern.find("\\E", i + 2)
                out.append(re.escape(pattern[i + 2:] if end < 0 else pattern[i + 2:end]))
                i = n if end < 0 else end + 2
                continue
            if nxt != "E":  # a stray \E means nothing in PCRE
                out.append(pattern[i:i + 2])
            i += 2
            continue
        out.append(pattern[i])
        i += 1
    return "".join(out)


def combine(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Merge single-purpose filter parts; keys that collide go under $and."""
    merged: dict[str, Any] = {}
    extra: list[dict[str, Any]] = []
    for part in parts:
        for key, value in part.items():
            if key in merged:
                extra.append({key: value})
            else:
                merged[key] = value
    if extra:
        merged["$and"] = list(merged.get("$and") or []) + extra
    return merged


def _is_constraint(value: Any) -> bool:
    return isinstance(value, dict) and any(isinstance(k, str) and k.startswith("$") for k in value)


def _pointer_probe(value: Any) -> Any:
    """A Pointer found in an equality or constraint value (decides _p_ for fields the schema lacks)."""
    if _is_constraint(value):
        for arg in value.values():
            for item in arg if isinstance(arg, list) else [arg]:
                if type_of(item) == "Pointer":
                    return item
        return None
    return value


def _flatten(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        out.extend(item if isinstance(item, list) else [item])
    return out


class _Translator:
    def __init__(self, class_name: str, schema: ClassSchema | None, count: bool) -> None:
        self.class_name = class_name
        self.schema = schema
        self.count = count
        self.result = MongoQuery({})

    def where(self, where: Where) -> dict[str, Any]:
        parts: list[dict[str, Any]] = []
        for key, value in where.items():
            if key in ("$or", "$and", "$nor"):
                parts.append({key: [self.where(sub) for sub in value]})
            elif key in ("_rperm", "_wperm"):
                parts.append({key: value})
            else:
                parts.extend(self.field(key, value))
        return combine(parts)

    def converter(self, key: str, mkey: str) -> Callable[[Any], Any]:
        """How a constraint argument for this key is stored (Parse Server's per-type atoms)."""
        if key == "objectId" and self.class_name in NUMERIC_ID_CLASSES:
            return lambda v: int(v) if isinstance(v, str) and v.isdigit() else v
        if field_type(self.schema, key) == "Array":
            return to_interior
        if mkey.startswith("_p_") and "." not in key:
            target = ((self.schema or {}).get("fields") or {}).get(key, {}).get("targetClass")
            return lambda v: (f"{target}${v}" if isinstance(v, str) and target
                              else pointer_string(v) if type_of(v) == "Pointer" else v)
        if is_date_key(self.class_name, key):
            return lambda v: (bson_date(v) or v) if isinstance(v, str) else to_top(v)
        return to_interior if "." in key else to_top

    def field(self, key: str, value: Any) -> list[dict[str, Any]]:
        mkey = mongo_key(self.class_name, self.schema, key, _pointer_probe(value))
        convert = self.converter(key, mkey)
        if _is_constraint(value):
            return self.constraint(key, mkey, value, convert)
        if field_type(self.schema, key) == "Array" and not isinstance(value, list):
            return [{mkey: {"$all": [to_interior(value)]}}]
        return [{mkey: convert(value)}]

    def constraint(self, key: str, mkey: str, c: dict[str, Any], convert: Callable[[Any], Any]) -> list[dict[str, Any]]:
        out: dict[str, Any] = {}
        extra: list[dict[str, Any]] = []
        for op, arg in c.items():
            if op in _COMPARISONS:
                out[op] = convert(arg)
            elif op == "$exists":
                out[op] = bool(arg)
            elif op in ("$in", "$nin"):
                out[op] = [convert(x) for x in _flatten(list(arg or []))]
            elif op == "$all":
                extra.extend(self.all_of(mkey, list(arg or []), out))
            elif op == "$regex":
                out[op] = translate_regex(arg) if isinstance(arg, str) else arg
            elif op == "$options":
                out[op] = arg
            elif op == "$containedBy":
                extra.append({"$nor": [{mkey: {"$elemMatch": {"$nin": [convert(x) for x in arg]}}}]})
            elif op == "$text":
                extra.append({"$text": self.text(arg)})
                self.result.text_fields.append(mkey)
            elif op == "$within":
                out[op] = {"$box": [geopoint_pair(p) for p in arg["$box"]]}
            elif op == "$geoWithin":
                out[op] = self.geo_within(arg)
            elif op == "$geoIntersects":
                out[op] = {"$geometry": {"type": "Point", "coordinates": geopoint_pair(arg["$point"])}}
            elif op != "$nearSphere" and op not in _DISTANCES:
                raise ParseError(ParseError.INVALID_JSON, f"bad constraint: {op}")
        if "$nearSphere" in c:
            self.near(mkey, c, out)
        return ([{mkey: out}] if out else []) + extra

    def all_of(self, mkey: str, items: list[Any], out: dict[str, Any]) -> list[dict[str, Any]]:
        """``$all``; starts-with items become one ``$regex`` per item (same matches, any engine)."""
        regexes = [i for i in items if isinstance(i, dict) and "$regex" in i]
        if not regexes:
            out["$all"] = [to_interior(i) for i in items]
            return []
        if len(regexes) != len(items):
            raise ParseError(ParseError.INVALID_JSON, "All $all values must be of regex type or none")
        clauses = []
        for r in regexes:
            regex: dict[str, Any] = {"$regex": translate_regex(r["$regex"])}
            if r.get("$options"):
                regex["$options"] = r["$options"]
            clauses.append({mkey: regex})
        return [{"$and": clauses}]

    def near(self, mkey: str, c: dict[str, Any], out: dict[str, Any]) -> None:
        point = geopoint_pair(c["$nearSphere"])
        distance = next((c[k] / div for k, div in _DISTANCES.items() if c.get(k) is not None), None)
        if not self.count:
            out["$nearSphere"] = point
            if distance is not None:
                out["$maxDistance"] = distance
            self.result.near_fields.append(mkey)
        elif distance is not None:  # $nearSphere is not allowed in a count
            out["$geoWithin"] = {"$centerSphere": [point, distance]}
        else:
            out.setdefault("$exists", True)
            out.setdefault("$ne", None)

    @staticmethod
    def text(arg: Any) -> dict[str, Any]:
        search = arg.get("$search") if isinstance(arg, dict) else None
        if not isinstance(search, dict) or not isinstance(search.get("$term"), str):
            raise ParseError(ParseError.INVALID_JSON, "bad $text: $term, should be string")
        out: dict[str, Any] = {"$search": search["$term"]}
        if search.get("$language"):
            out["$language"] = search["$language"]
        if search.get("$caseSensitive"):
            out["$caseSensitive"] = True
        if search.get("$diacriticSensitive"):
            out["$diacriticSensitive"] = True
        return out

    @staticmethod
    def geo_within(arg: dict[str, Any]) -> dict[str, Any]:
        if "$polygon" in arg:
            polygon = arg["$polygon"]
            points = polygon.get("coordinates") if type_of(polygon) == "Polygon" else polygon
            return {"$polygon": [geopoint_pair(p) for p in points]}
        if "$centerSphere" in arg:
            point, distance = arg["$centerSphere"][0], arg["$centerSphere"][1]
            return {"$centerSphere": [geopoint_pair(point), distance]}
        raise ParseError(ParseError.INVALID_JSON, "bad $geoWithin value")


def to_mongo_query(class_name: str, schema: ClassSchema | None, where: Where, count: bool = False) -> MongoQuery:
    """Translate a where; ``count`` swaps $nearSphere (not allowed in counts) for $geoWithin."""
    t = _Translator(class_name, schema, count)
    t.result.filter = t.where(where or {})
    return t.result


def to_mongo_sort(class_name: str, schema: ClassSchema | None, sort: list[tuple[str, int]]) -> list[tuple[str, Any]]:
    """FindOptions.sort in MongoDB names; ``$score`` orders by text score."""
    return [("score", {"$meta": "textScore"}) if name == "$score" else (mongo_key(class_name, schema, name), direction)
            for name, direction in sort]
