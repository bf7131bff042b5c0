"""Parse objects as hooks see them: `CloudObject`, `GeoPoint`, and Python values -> Parse JSON.

Values inside a CloudObject are kept in Parse's JSON form (what the REST API sends: a date is
``{"__type": "Date", "iso": ...}``, a pointer ``{"__type": "Pointer", ...}``). Hooks may set
plain Python values too: ``datetime``, ``GeoPoint``, ``bytes`` and other CloudObjects (stored as
pointers) are converted by `to_parse_json` when set.
"""

from __future__ import annotations

import base64
import copy
import math
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Iterator, Protocol


class ObjectStore(Protocol):
    """What a bound object needs to save, delete and fetch itself (data.Database is one)."""

    async def save(self, obj: "CloudObject", *, use_master_key: bool | None = None,
                   context: dict[str, Any] | None = None) -> "CloudObject":
        """Save the object's changes."""

    async def delete(self, obj: "CloudObject", *, use_master_key: bool | None = None,
                     context: dict[str, Any] | None = None) -> None:
        """Delete the object."""

    async def fetch(self, obj: "CloudObject", *, use_master_key: bool | None = None) -> "CloudObject":
        """Reload the object's fields."""

_SERVER_KEYS = ("objectId", "createdAt", "updatedAt")


@dataclass(frozen=True)
class GeoPoint:
    """A latitude/longitude pair; `to_json()` gives Parse's GeoPoint value."""

    latitude: float
    longitude: float

    def to_json(self) -> dict[str, Any]:
        """``{"__type": "GeoPoint", "latitude", "longitude"}``."""
        return {"__type": "GeoPoint", "latitude": self.latitude, "longitude": self.longitude}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> "GeoPoint":
        """Read a GeoPoint JSON value."""
        return cls(float(value["latitude"]), float(value["longitude"]))


def iso_date(value: datetime | date) -> str:
    """Parse's ISO form of a datetime: UTC, milliseconds, trailing Z (naive means UTC)."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def parse_date(value: Any) -> datetime | None:
    """A Date JSON value (or a bare ISO string such as createdAt) as an aware datetime."""
    if isinstance(value, dict) and value.get("__type") == "Date":
        value = value.get("iso")
    if not isinstance(value, str):
        return None
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def to_parse_json(value: Any) -> Any:
    """A Python value in Parse's JSON form; TypeError for a value Parse cannot store."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise TypeError(f"{value!r} is not a number Parse can store")
        return value
    if isinstance(value, dict):
        return {str(k): to_parse_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_parse_json(v) for v in value]
    if isinstance(value, (datetime, date)):
        return {"__type": "Date", "iso": iso_date(value)}
    if isinstance(value, GeoPoint):
        return value.to_json()
    if isinstance(value, CloudObject):
        return value.to_pointer()
    if isinstance(value, (bytes, bytearray)):
        return {"__type": "Bytes", "base64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, (set, frozenset)):
        return [to_parse_json(v) for v in value]
    raise TypeError(f"a {type(value).__name__} cannot be sent to Parse clients or stored")


def encode_result(value: Any) -> Any:
    """A cloud function's return value as the `result` JSON.

    Saved objects without pending changes are sent in full (with className); new or changed
    ones as pointers, as Parse Server's encoder does."""
    if isinstance(value, CloudObject):
        if value.dirty() or not value._server:
            return value.to_pointer()
        return value.to_full_json()
    if isinstance(value, dict):
        return {str(k): encode_result(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [encode_result(v) for v in value]
    return to_parse_json(value)


def pointer(class_name: str, object_id: str) -> dict[str, str]:
    """A Pointer JSON value."""
    return {"__type": "Pointer", "className": class_name, "objectId": object_id}


def _is_op(value: Any) -> bool:
    return isinstance(value, dict) and "__op" in value


class CloudObject:
    """One Parse object: its last known server state plus the pending changes a save would send.

    Read with ``obj.get("key")`` or ``obj["key"]``; change with ``obj.set(...)``, ``obj["key"] = v``,
    ``unset``, ``increment``, ``add``, ``add_unique``, ``remove``. In a `before_save` hook the
    client's changes are already pending, so ``obj.dirty_keys()`` tells what the client sent and
    ``obj.revert("key")`` drops a change. Objects from `req.db` can ``await obj.save()``.
    """

    __slots__ = ("class_name", "id", "_server", "_ops", "_db")

    def __init__(self, class_name: str, data: dict[str, Any] | None = None, *,
                 changes: dict[str, Any] | None = None, db: ObjectStore | None = None) -> None:
        data = dict(data or {})
        self.class_name = class_name
        self.id: str | None = data.pop("objectId", None)
        data.pop("className", None)
        data.pop("__type", None)
        self._server: dict[str, Any] = data
        self._ops: dict[str, Any] = {}
        self._db = db
        for key, value in (changes or {}).items():
            if key not in _SERVER_KEYS:
                self._ops[key] = value

    # ----- reading -----

    @property
    def created_at(self) -> datetime | None:
        """When the object was created (None before its first save)."""
        return parse_date(self._server.get("createdAt"))

    @property
    def updated_at(self) -> datetime | None:
        """When the object was last saved."""
        return parse_date(self._server.get("updatedAt"))

    @property
    def is_new(self) -> bool:
        """True until the object exists on the server (in before_save: a create)."""
        return "createdAt" not in self._server

    def get(self, key: str, default: Any = None) -> Any:
        """The field's value with pending changes applied (`default` when unset)."""
        if key == "objectId":
            return self.id
        if key in self._ops:
            value = _apply_op(self._server.get(key), self._ops[key])
            return default if value is None else value
        value = self._server.get(key)
        return default if value is None else value

    def __getitem__(self, key: str) -> Any:
        return self.get(key)

    def __setitem__(self, key: str, value: Any) -> None:
        self.set(key, value)

    def __delitem__(self, key: str) -> None:
        self.unset(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def keys(self) -> Iterator[str]:
        """Field names with a value."""
        names = dict.fromkeys([*self._server, *self._ops])
        return iter([k for k in names if self.get(k) is not None])

    def has(self, key: str) -> bool:
        """Is the field set (not None)?"""
        return key in self

    def dirty(self, key: str | None = None) -> bool:
        """Does the object (or this field) have unsaved changes?"""
        return bool(self._ops) if key is None else key in self._ops

    def dirty_keys(self) -> list[str]:
        """Names of the fields with unsaved changes."""
        return list(self._ops)

    @property
    def acl(self) -> dict[str, Any] | None:
        """The ACL as Parse's JSON ({"*": {"read": true}, "<userId>": {...}, "role:Name": ...})."""
        return self.get("ACL")

    @acl.setter
    def acl(self, value: dict[str, Any] | None) -> None:
        self.set("ACL", value)

    # ----- changing -----

    def set(self, key: str | dict[str, Any], value: Any = None) -> "CloudObject":
        """Set one field, or several from a dict; Python values are converted to Parse JSON."""
        if isinstance(key, dict):
            for k, v in key.items():
                self.set(k, v)
            return self
        if key in _SERVER_KEYS:
            raise ValueError(f"{key} is managed by the server")
        self._ops[key] = value if _is_op(value) else to_parse_json(value)
        return self

    def unset(self, key: str) -> "CloudObject":
        """Remove the field on save."""
        self._ops[key] = {"__op": "Delete"}
        return self

    def increment(self, key: str, amount: int | float = 1) -> "CloudObject":
        """Add `amount` atomically on save (decrement with a negative amount)."""
        pending = self._ops.get(key)
        if isinstance(pending, dict) and pending.get("__op") == "Increment":
            self._ops[key] = {"__op": "Increment", "amount": pending["amount"] + amount}
        elif key in self._ops:
            self._ops[key] = (self.get(key) or 0) + amount
        else:
            self._ops[key] = {"__op": "Increment", "amount": amount}
        return self

    def add(self, key: str, *items: Any) -> "CloudObject":
        """Append items to an array field on save."""
        return self._array_op("Add", key, items)

    def add_unique(self, key: str, *items: Any) -> "CloudObject":
        """Append items not already in the array field."""
        return self._array_op("AddUnique", key, items)

    def remove(self, key: str, *items: Any) -> "CloudObject":
        """Remove every occurrence of the items from the array field."""
        return self._array_op("Remove", key, items)

    def _array_op(self, kind: str, key: str, items: tuple[Any, ...]) -> "CloudObject":
        objects = [to_parse_json(i) for i in items]
        pending = self._ops.get(key)
        if pending is None:
            self._ops[key] = {"__op": kind, "objects": objects}
        elif isinstance(pending, dict) and pending.get("__op") == kind:
            self._ops[key] = {"__op": kind, "objects": [*pending["objects"], *objects]}
        else:  # a different pending change: fold both into a plain value
            self._ops[key] = _apply_op(self.get(key), {"__op": kind, "objects": objects})
        return self

    def revert(self, *keys: str) -> "CloudObject":
        """Drop pending changes (all of them without arguments)."""
        if not keys:
            self._ops.clear()
        for key in keys:
            self._ops.pop(key, None)
        return self

    # ----- serialising -----

    def changes(self) -> dict[str, Any]:
        """The pending changes as a REST body (values and __op operations)."""
        return copy.deepcopy(self._ops)

    def to_json(self) -> dict[str, Any]:
        """The object as REST JSON, pending changes applied (no className)."""
        out: dict[str, Any] = {}
        if self.id is not None:
            out["objectId"] = self.id
        for key in dict.fromkeys([*self._server, *self._ops]):
            value = self.get(key)
            if value is not None or (key in self._server and key not in self._ops):
                out[key] = copy.deepcopy(value)
        return out

    def to_full_json(self) -> dict[str, Any]:
        """The object as Parse encodes it inside other JSON: __type "Object" and className."""
        return {**self.to_json(), "__type": "Object", "className": self.class_name}

    def to_pointer(self) -> dict[str, str]:
        """A Pointer to this object (it must have an id)."""
        if self.id is None:
            raise ValueError(f"cannot point to an unsaved {self.class_name}")
        return pointer(self.class_name, self.id)

    def _saved(self, response: dict[str, Any]) -> None:
        """Fold a save's response into the server state; pending changes are cleared."""
        state = self.to_json()
        state.update(response)
        self.id = state.pop("objectId", self.id)
        if "createdAt" in response and "updatedAt" not in response:
            state["updatedAt"] = response["createdAt"]
        self._server = {k: v for k, v in state.items() if not _is_op(v)}
        self._ops = {}

    # ----- data access (objects handed out by a Database) -----

    async def save(self, *, use_master_key: bool | None = None,
                   context: dict[str, Any] | None = None) -> "CloudObject":
        """Save pending changes through the database this object came from."""
        return await self._database().save(self, use_master_key=use_master_key, context=context)

    async def destroy(self, *, use_master_key: bool | None = None,
                      context: dict[str, Any] | None = None) -> None:
        """Delete the object through the database this object came from."""
        await self._database().delete(self, use_master_key=use_master_key, context=context)

    async def fetch(self, *, use_master_key: bool | None = None) -> "CloudObject":
        """Reload the server state (pending changes are dropped)."""
        return await self._database().fetch(self, use_master_key=use_master_key)

    def _database(self) -> ObjectStore:
        if self._db is None:
            raise RuntimeError("this object is not bound to a database: use req.db.save(obj)")
        return self._db

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, CloudObject) and other.class_name == self.class_name
                and self.id is not None and other.id == self.id)

    def __hash__(self) -> int:
        return hash((self.class_name, self.id))

    def __repr__(self) -> str:
        return f"<CloudObject {self.class_name} {self.id or '(new)'}>"


def _apply_op(current: Any, op: Any) -> Any:
    """The value a field would have after `op` (a plain value is a Set)."""
    if not _is_op(op):
        return op
    kind = op["__op"]
    if kind == "Delete":
        return None
    if kind == "Increment":
        base = current if isinstance(current, (int, float)) and not isinstance(current, bool) else 0
        return base + op.get("amount", 0)
    items = list(current) if isinstance(current, list) else []
    objects = op.get("objects") or []
    if kind == "Add":
        return items + list(objects)
    if kind == "AddUnique":
        return items + [o for o in objects if o not in items]
    if kind == "Remove":
        return [i for i in items if i not in objects]
    return current  # relation ops leave the visible value alone
