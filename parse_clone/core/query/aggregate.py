"""Aggregation (master key): pipeline checks, `distinct`, and Parse's result shape."""

from __future__ import annotations

from typing import Any

from ...errors import ParseError
from ..runtime.server import Server
from ...language.transform import decode_object
from ...language.values import normalize_iso
from ...language.where import normalize_where, validate_where

_OPTION_KEYS = ("distinct", "where", "hint", "explain", "comment", "readPreference")


def pipeline_from_body(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The stages of an aggregate request: `pipeline` (array or object) or stage keys in the body."""
    raw = body.get("pipeline")
    if raw is None:
        raw = {k: v for k, v in body.items() if k not in _OPTION_KEYS}
    if isinstance(raw, dict):
        raw = [{k: v} for k, v in raw.items() if v is not None]
    if not isinstance(raw, list):
        raise ParseError(ParseError.INVALID_QUERY, "pipeline must be an array of stages")
    stages = []
    for stage in raw:
        if not isinstance(stage, dict) or len(stage) != 1:
            keys = ", ".join(stage.keys()) if isinstance(stage, dict) else str(stage)
            raise ParseError(ParseError.INVALID_QUERY, f"Pipeline stages should only have one key but found {keys}.")
        name, arg = next(iter(stage.items()))
        if not name.startswith("$"):
            raise ParseError(ParseError.INVALID_QUERY, f"Invalid aggregate stage '{name}'.")
        if name == "$group":
            if not isinstance(arg, dict):
                raise ParseError(ParseError.INVALID_QUERY, "Invalid parameter for query: group. Missing key _id")
            if "objectId" in arg:
                raise ParseError(ParseError.INVALID_QUERY, "Cannot use 'objectId' in aggregation stage $group.")
            if "_id" not in arg:
                raise ParseError(ParseError.INVALID_QUERY, "Invalid parameter for query: group. Missing key _id")
        stages.append({name: arg})
    return stages


_MONGO_NAMES = {"_id": "objectId", "_created_at": "createdAt", "_updated_at": "updatedAt"}


def _stored_name(name: str) -> str:
    """Parse Server lets pipelines use MongoDB's names; storage speaks Parse's."""
    if name in _MONGO_NAMES:
        return _MONGO_NAMES[name]
    if name.startswith("_p_"):
        return name[3:]
    return name


def _rename_refs(value: Any) -> Any:
    """"$_created_at" -> "$createdAt" inside expressions."""
    if isinstance(value, str) and value.startswith("$") and not value.startswith("$$"):
        head, dot, rest = value[1:].partition(".")
        return "$" + _stored_name(head) + dot + rest
    if isinstance(value, list):
        return [_rename_refs(v) for v in value]
    if isinstance(value, dict):
        return {k: _rename_refs(v) for k, v in value.items()}
    return value


def _rename_keys(value: dict[str, Any]) -> dict[str, Any]:
    return {_stored_name(k) if not k.startswith("$") else k: v for k, v in value.items()}


def _normalize_stage(stage: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    name, arg = next(iter(stage.items()))
    if name == "$match" and isinstance(arg, dict):
        match = {k: _dates_for(k, v, fields) for k, v in _rename_keys(arg).items()}
        try:
            return {"$match": normalize_where(match, fields)}
        except ParseError:
            return {"$match": match}
    if name == "$group" and isinstance(arg, dict):
        return {"$group": {k: _rename_refs(v) for k, v in arg.items()}}
    if name in ("$project", "$addFields", "$sort") and isinstance(arg, dict):
        return {name: _rename_keys({k: _rename_refs(v) for k, v in arg.items()})}
    return {name: _rename_refs(arg)}


def _dates_for(key: str, value: Any, fields: dict[str, Any]) -> Any:
    """Pipelines carry dates as ISO strings (the SDK does not encode them): type them for Date fields."""
    if (fields.get(key) or {}).get("type") != "Date":
        return value
    if isinstance(value, str) and normalize_iso(value):
        return {"__type": "Date", "iso": normalize_iso(value)}
    if isinstance(value, dict) and "__type" not in value:
        return {k: _dates_for(key, v, fields) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_for(key, v, fields) for v in value]
    return value


def _group_key(value: Any) -> Any:
    if isinstance(value, dict) and value.get("__type") == "Pointer":
        return value.get("objectId")
    if value in ({}, "", []):
        return None
    return value


async def aggregate(server: Server, class_name: str, body: dict[str, Any]) -> dict[str, Any]:
    """Run `distinct` or a pipeline; results with `_id` renamed objectId and internals stripped."""
    schema = await server.schema.get(class_name)
    if schema is None:
        return {"results": []}
    fields = schema["fields"]
    where = body.get("where") or {}
    if not isinstance(where, dict):
        raise ParseError(ParseError.INVALID_JSON, "Invalid where: must be a JSON object")
    if body.get("distinct"):
        validate_where(where, True)
        values = await server.storage.distinct(class_name, schema, normalize_where(where, fields),
                                               str(body["distinct"]))
        return {"results": [v for v in values if v is not None]}
    stages = [_normalize_stage(s, fields) for s in pipeline_from_body(body)]
    rows = await server.storage.aggregate(class_name, schema, stages)
    results = []
    for row in rows:
        if not isinstance(row, dict):
            results.append(row)
            continue
        out = decode_object({k: v for k, v in row.items() if k != "_id"}, {}, server.file_url)
        if "_id" in row:
            out["objectId"] = _group_key(row["_id"])
        results.append(out)
    return {"results": results}
