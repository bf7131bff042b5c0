"""Aggregation pipelines in stored-form names -> Parse Server's layout, and their results back."""

from __future__ import annotations

from typing import Any

from ..base import ClassSchema, Document
from .query import to_mongo_query
from .transform import field_type, mongo_key
from .values import bson_date, from_interior, from_top, iso, pointer_from_string


def _reference(class_name: str, schema: ClassSchema | None, text: str) -> str:
    """``$field.path`` with its first segment renamed (``$objectId`` -> ``$_id``, ``$ptr`` -> ``$_p_ptr``)."""
    if not text.startswith("$") or text.startswith("$$"):
        return text
    head, dot, rest = text[1:].partition(".")
    if head.startswith("$"):
        return text
    if dot and field_type(schema, head) == "Pointer":
        return text  # a path inside a pointer string means nothing; leave it for MongoDB to judge
    return "$" + mongo_key(class_name, schema, head) + dot + rest


def _expression(class_name: str, schema: ClassSchema | None, value: Any) -> Any:
    """Rename every field reference inside an expression."""
    if isinstance(value, str):
        return _reference(class_name, schema, value)
    if isinstance(value, list):
        return [_expression(class_name, schema, v) for v in value]
    if isinstance(value, dict):
        return {k: _expression(class_name, schema, v) for k, v in value.items()}
    return value


def _renamed_keys(class_name: str, schema: ClassSchema | None, spec: dict[str, Any]) -> dict[str, Any]:
    """A ``$project``/``$sort``-style document: keys are field names, values expressions."""
    return {mongo_key(class_name, schema, k): _expression(class_name, schema, v) for k, v in spec.items()}


def to_mongo_pipeline(class_name: str, schema: ClassSchema | None,
                      pipeline: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], bool]:
    """The pipeline in MongoDB names, and whether ``$group`` keys on a pointer (results hold "Class$id")."""
    out: list[dict[str, Any]] = []
    pointer_group = False
    for stage in pipeline:
        translated: dict[str, Any] = {}
        for op, spec in stage.items():
            if op == "$match":
                translated[op] = to_mongo_query(class_name, schema, spec).filter
            elif op in ("$project", "$sort") and isinstance(spec, dict):
                translated[op] = _renamed_keys(class_name, schema, spec)
            elif op == "$geoNear" and isinstance(spec, dict) and isinstance(spec.get("query"), dict):
                translated[op] = {**_expression(class_name, schema, spec),
                                  "query": to_mongo_query(class_name, schema, spec["query"]).filter}
            else:
                translated[op] = _expression(class_name, schema, spec)
            if op == "$group" and isinstance(translated[op], dict):
                group_id = translated[op].get("_id")
                pointer_group = isinstance(group_id, str) and group_id.startswith("$_p_")
        out.append(translated)
    return out, pointer_group


def from_aggregate_result(schema: ClassSchema | None, doc: dict[str, Any], pointer_group: bool) -> Document:
    """A result row in stored-form names; ``_id`` stays (core renames it) and other ``_`` keys go."""
    out: Document = {}
    for key, value in doc.items():
        if key == "_id":
            if pointer_group and isinstance(value, str):
                value = value.partition("$")[2]
            out["_id"] = from_interior(value)
        elif key in ("_created_at", "_updated_at"):
            dt = bson_date(value)
            out["createdAt" if key == "_created_at" else "updatedAt"] = iso(dt) if dt else from_interior(value)
        elif key.startswith("_p_"):
            out[key[3:]] = pointer_from_string(value)
        elif not key.startswith("_"):
            out[key] = from_top(value, field_type(schema, key))
    return out
