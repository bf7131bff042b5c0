"""A `<Class>WhereInput` value -> a Parse REST `where`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .relay import object_id_of

if TYPE_CHECKING:
    from .model import ClassModel

_OPERATORS = {
    "equalTo": "$eq", "notEqualTo": "$ne", "lessThan": "$lt", "lessThanOrEqualTo": "$lte",
    "greaterThan": "$gt", "greaterThanOrEqualTo": "$gte", "in": "$in", "notIn": "$nin", "exists": "$exists",
    "containedBy": "$containedBy", "contains": "$all", "matchesRegex": "$regex", "options": "$options",
    "maxDistance": "$maxDistance", "maxDistanceInRadians": "$maxDistanceInRadians",
    "maxDistanceInMiles": "$maxDistanceInMiles", "maxDistanceInKilometers": "$maxDistanceInKilometers",
}
_COMPOUND = {"OR": "$or", "AND": "$and", "NOR": "$nor"}


def _geo(point: dict[str, Any]) -> dict[str, Any]:
    return {"__type": "GeoPoint", "latitude": point["latitude"], "longitude": point["longitude"]}


def _select(value: dict[str, Any], models: dict[str, "ClassModel"]) -> dict[str, Any]:
    """inQueryKey/notInQueryKey: {query: {className, where}, key} -> $select's {query, key}."""
    query = value["query"]
    class_name = query["className"]
    where = query.get("where") or {}
    target = models.get(class_name)
    return {"query": {"className": class_name,
                      "where": to_parse_where(where, target, models) if target else where},
            "key": value["key"]}


def _text(value: dict[str, Any]) -> dict[str, Any]:
    search = value["search"]
    out = {"$term": search["term"]}
    for key in ("language", "caseSensitive", "diacriticSensitive"):
        if search.get(key) is not None:
            out["$" + key] = search[key]
    return {"$search": out}


def _constraint(value: dict[str, Any], is_id: bool, class_name: str,
                models: dict[str, "ClassModel"]) -> dict[str, Any]:
    """One field's constraints (no Object/Pointer/Relation handling here)."""
    out: dict[str, Any] = {}
    for op, arg in value.items():
        if arg is None and op != "equalTo":
            continue
        if op in ("inQueryKey", "notInQueryKey"):
            out["$select" if op == "inQueryKey" else "$dontSelect"] = _select(arg, models)
        elif op == "text":
            out["$text"] = _text(arg)
        elif op == "nearSphere":
            out["$nearSphere"] = _geo(arg)
        elif op == "within":
            out["$within"] = {"$box": [_geo(arg["box"]["bottomLeft"]), _geo(arg["box"]["upperRight"])]}
        elif op == "geoWithin":
            if arg.get("polygon") is not None:
                out["$geoWithin"] = {"$polygon": [_geo(p) for p in arg["polygon"]]}
            elif arg.get("centerSphere") is not None:
                sphere = arg["centerSphere"]
                out["$geoWithin"] = {"$centerSphere": [_geo(sphere["center"]), sphere["distance"]]}
        elif op == "geoIntersects":
            if arg.get("point") is not None:
                out["$geoIntersects"] = {"$point": _geo(arg["point"])}
        else:
            if is_id and isinstance(arg, str):
                arg = object_id_of(arg, class_name)
            elif is_id and isinstance(arg, list):
                arg = [object_id_of(v, class_name) if isinstance(v, str) else v for v in arg]
            out[_OPERATORS[op]] = arg
    return out


def _object_constraints(field: str, value: dict[str, Any], out: dict[str, Any]) -> None:
    """Object fields: {equalTo: {key: "a.b", value: 1}} -> {"field.a.b": {"$eq": 1}}."""
    for op, arg in value.items():
        if arg is None:
            continue
        if op == "exists":
            out.setdefault(field, {})["$exists"] = arg
        elif op in ("in", "notIn"):
            for item in arg:
                out.setdefault(f"{field}.{item['key']}", {}).setdefault(_OPERATORS[op], []).append(item["value"])
        elif op in ("inQueryKey", "notInQueryKey"):
            continue
        else:
            out.setdefault(f"{field}.{arg['key']}", {})[_OPERATORS[op]] = arg["value"]


def _relational(field: str, value: dict[str, Any], model: "ClassModel", models: dict[str, "ClassModel"],
                out: dict[str, Any]) -> None:
    """Pointer/Relation fields: have/haveNot run a subquery on the target class; exists checks presence."""
    target_name = model.target(field) or ""
    target = models.get(target_name)
    is_relation = model.field_type(field) == "Relation"
    constraint: dict[str, Any] = {}
    for op, arg in value.items():
        if arg is None:
            continue
        if op in ("have", "haveNot"):
            sub_where = to_parse_where(arg, target, models) if target else arg
            constraint["$inQuery" if op == "have" else "$notInQuery"] = {"where": sub_where,
                                                                        "className": target_name}
        elif op == "exists":
            if is_relation:
                key = "$inQuery" if arg else "$notInQuery"
                constraint.setdefault(key, {"where": {}, "className": target_name})
                constraint[key]["where"].setdefault("objectId", {})["$exists"] = True
            else:
                constraint["$exists"] = arg
    if constraint:
        out[field] = constraint


def to_parse_where(where: dict[str, Any] | None, model: "ClassModel | None",
                   models: dict[str, "ClassModel"]) -> dict[str, Any]:
    """The Parse `where` for a GraphQL where input of `model`'s class."""
    out: dict[str, Any] = {}
    if not where:
        return out
    for key, value in where.items():
        if value is None:
            continue
        if key in _COMPOUND:
            out[_COMPOUND[key]] = [to_parse_where(item, model, models) for item in value]
            continue
        field = "objectId" if key == "id" else key
        ptype = model.field_type(field) if model else None
        if ptype in ("Pointer", "Relation") and model is not None:
            _relational(field, value, model, models, out)
        elif ptype in ("Object", "ACL"):
            _object_constraints(field, value, out)
        else:
            class_name = model.class_name if model else ""
            constraint = _constraint(value, field == "objectId", class_name, models)
            if constraint:
                merged = out.setdefault(field, {})
                merged.update(constraint)
    return out
