"""Stored-form updates -> MongoDB update documents, with Parse Server's field transforms."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import bson

from ...errors import ParseError
from ..base import ClassSchema, Update
from .transform import AUTH_PREFIX, field_type, legacy_acl, mongo_key, write_value
from .values import to_interior, type_of


@dataclass
class MongoUpdate:
    """A MongoDB update; ``auth_keep`` is set when ``_User.authData`` is replaced whole.

    Parse Server stores each provider under its own ``_auth_data_<p>`` key, so replacing
    authData must also unset the providers the new value leaves out; the adapter reads
    which those are (``auth_keep`` names the providers that stay).
    """

    ops: dict[str, dict[str, Any]] = field(default_factory=dict)
    auth_keep: set[str] | None = None

    def put(self, op: str, key: str, value: Any) -> None:
        """Add one key to one update operator."""
        self.ops.setdefault(op, {})[key] = value


def _unique(items: list[Any]) -> list[Any]:
    """Drop repeats (by BSON identity) so $addToSet gets each value once, as MongoDB would keep it."""
    seen: set[bytes] = set()
    out = []
    for item in items:
        marker = bson.encode({"v": item})
        if marker not in seen:
            seen.add(marker)
            out.append(item)
    return out


def _apply_op(result: MongoUpdate, class_name: str, schema: ClassSchema | None, key: str,
              mkey: str, value: dict[str, Any]) -> None:
    op = value.get("__op")
    objects = [to_interior(o) for o in value.get("objects") or []]
    if op == "Delete":
        result.put("$unset", mkey, "")
        if "." not in key and field_type(schema, key) is None and mkey == key:
            result.put("$unset", "_p_" + key, "")  # unknown field: it may hold a pointer
    elif op == "Increment":
        result.put("$inc", mkey, value.get("amount"))
    elif op == "Add":
        result.put("$push", mkey, {"$each": objects})
    elif op == "AddUnique":
        result.put("$addToSet", mkey, {"$each": _unique(objects)})
    elif op == "Remove":
        result.put("$pullAll", mkey, objects)
    elif op == "SetOnInsert":
        result.put("$setOnInsert", mkey, write_value(class_name, key, value.get("amount")))
    else:
        raise ParseError(ParseError.COMMAND_UNAVAILABLE, f"The {op} operator is not supported yet.")


def _auth_data(result: MongoUpdate, key: str, value: Any) -> None:
    """``authData`` / ``authData.<p>`` on _User: one ``_auth_data_<p>`` key per provider."""
    if key != "authData":
        provider_key = AUTH_PREFIX + key[len("authData."):]
        if value is None or (isinstance(value, dict) and value.get("__op") == "Delete"):
            result.put("$unset", provider_key, "")
        else:
            result.put("$set", provider_key, value)
        return
    if value is None or (isinstance(value, dict) and value.get("__op") == "Delete"):
        result.auth_keep = set()
        return
    for provider, data in value.items():
        if data is None:
            result.put("$unset", AUTH_PREFIX + provider, "")
        else:
            result.put("$set", AUTH_PREFIX + provider, data)
    result.auth_keep = {p for p, d in value.items() if d is not None}


def to_mongo_update(class_name: str, schema: ClassSchema | None, update: Update) -> MongoUpdate:
    """A stored-form update as Parse Server would send it to MongoDB."""
    result = MongoUpdate()
    for key, value in update.items():
        if type_of(value) == "Relation":
            continue
        op = value.get("__op") if isinstance(value, dict) else None
        if op in ("AddRelation", "RemoveRelation", "Batch"):
            continue  # relation rows live in _Join collections, never in the row
        if class_name == "_User" and (key == "authData" or key.startswith("authData.")):
            _auth_data(result, key, value)
        elif key in ("_rperm", "_wperm"):
            if op == "Delete":
                result.put("$unset", key, "")
            else:
                result.put("$set", key, value)
        elif op is None:
            result.put("$set", mongo_key(class_name, schema, key, value), write_value(class_name, key, value))
        else:
            _apply_op(result, class_name, schema, key, mongo_key(class_name, schema, key), value)
    if "_rperm" in update or "_wperm" in update:
        rperm, wperm = update.get("_rperm"), update.get("_wperm")
        rperm = rperm if isinstance(rperm, list) else None
        wperm = wperm if isinstance(wperm, list) else None
        if rperm is None and wperm is None:
            result.put("$unset", "_acl", "")
        else:
            result.put("$set", "_acl", legacy_acl(rperm, wperm))
    return result
