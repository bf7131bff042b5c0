"""The storage contract every backend implements.

Core hands an adapter documents, queries and updates in *stored form*: Parse's own
JSON vocabulary with a few fixed conventions, so that no backend needs to know about
HTTP, ACL objects or update operators on relations.

Stored document form
--------------------
- ``objectId``: string.
- ``createdAt`` / ``updatedAt``: ISO-8601 UTC strings with milliseconds,
  ``"2024-05-01T12:00:00.000Z"`` (they sort correctly as text).
- ``_rperm`` / ``_wperm``: lists of ACL identities (``"*"``, user ids, ``"role:Name"``).
  Absent means public (no ACL); an empty list means master-only.
- Every other field holds Parse wire JSON: Date ``{"__type":"Date","iso":...}``,
  Pointer ``{"__type":"Pointer","className","objectId"}``, GeoPoint, Polygon,
  File ``{"__type":"File","name"}`` (no url: urls are built at read time),
  Bytes ``{"__type":"Bytes","base64"}``, nested objects, arrays, scalars.
- Relation fields hold nothing in the document: their rows live in the relation
  store (``add_relation`` & co).
- ``_User`` keeps ``_hashed_password``, ``authData`` (``{provider: {...}}``) and
  its other ``_``-prefixed internals (dates among them as Date JSON);
  ``_Session`` keeps ``sessionToken`` and ``expiresAt`` (Date JSON).

Query (``where``) form
----------------------
Parse's where language, already checked and normalised by core:
- ``{field: value}``: equality; on an array value "contains"; ``None`` matches
  null or missing; a Pointer matches by className + objectId whatever the key order.
- ``{field: {op: arg, ...}}`` with ops ``$eq $ne $lt $lte $gt $gte $in $nin
  $exists $all $containedBy $regex $options $nearSphere $maxDistance $within
  $geoWithin $geoIntersects $text``. Geo forms are normalised:
  ``$nearSphere`` a GeoPoint with optional ``$maxDistance`` in radians;
  ``$within`` ``{"$box": [sw, ne]}``; ``$geoWithin`` ``{"$polygon": [GeoPoint, ...]}``
  or ``{"$centerSphere": [GeoPoint, radians]}``; ``$geoIntersects``
  ``{"$point": GeoPoint}``; ``$text`` ``{"$search": {"$term", "$language",
  "$caseSensitive", "$diacriticSensitive"}}``. ``$regex`` is a PCRE pattern that
  may hold ``\\Q...\\E`` quoting.
- ``$or`` / ``$and`` / ``$nor``: lists of where objects, at any level.
- Dotted keys reach into Object fields.
- ``_rperm: {"$in": [None, "*", ...]}``: the ACL filter (``None`` = no ACL).
- ``createdAt`` / ``updatedAt`` compare as ISO strings.
- Comparisons follow MongoDB: ``$lt`` & co only match values of the same kind
  (numbers with numbers, strings with strings, dates with dates).
Never present: ``$relatedTo``, ``$inQuery``, ``$select`` & co (core resolves them
into ``$in`` / ``$nin`` lists first) and ``$where``.

Update form
-----------
``{field: value | op}`` where a field may be dotted (inside an Object field) and op
is one of ``{"__op":"Increment","amount":n}``, ``{"__op":"Add","objects":[...]}``,
``{"__op":"AddUnique","objects":[...]}``, ``{"__op":"Remove","objects":[...]}``,
``{"__op":"Delete"}``. Relation operators never reach storage.

Schema form (``ClassSchema``)
-----------------------------
``{"className", "fields": {name: {"type", "targetClass"?, "required"?,
"defaultValue"?}}, "classLevelPermissions": dict | None, "indexes": dict | None}``.
Adapters store what they are given; core adds the default fields on read.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
import contextlib
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
import re
from typing import Any, Callable, TypedDict

from .write_group import WriteGroup

Document = dict[str, Any]
Where = dict[str, Any]
Update = dict[str, Any]


class FieldType(TypedDict, total=False):
    """One field of a class schema."""

    type: str
    targetClass: str
    required: bool
    defaultValue: Any


class ClassSchema(TypedDict, total=False):
    """A class as the schema store keeps it."""

    className: str
    fields: dict[str, FieldType]
    classLevelPermissions: dict[str, Any] | None
    indexes: dict[str, dict[str, Any]] | None


@dataclass
class FindOptions:
    """Paging, ordering and projection for `StorageAdapter.find`.

    ``sort`` is a list of ``(field, 1 | -1)``; the field ``$score`` orders by text
    score. ``keys`` is the client's list (adapters look only for ``$score`` in it).
    ``fields`` is the projection: the top-level stored fields to answer besides
    ``objectId``, ``createdAt``, ``updatedAt``, ``_rperm`` and ``_wperm`` (which are
    always answered when present); None means whole documents. Adapters answer no
    other field, whatever they read to filter and sort. ``limit`` None means no limit.
    """

    skip: int = 0
    limit: int | None = None
    sort: list[tuple[str, int]] = field(default_factory=list)
    keys: list[str] | None = None
    fields: frozenset[str] | None = None


BASE_FIELDS = ("objectId", "createdAt", "updatedAt", "_rperm", "_wperm")  # answered under any projection


def project(doc: Document, fields: frozenset[str] | None) -> Document:
    """`doc` cut down to a FindOptions.fields projection (for adapters that read whole documents)."""
    if fields is None:
        return doc
    return {k: v for k, v in doc.items() if k in fields or k in BASE_FIELDS}


AUTH_PROVIDER_NAME = re.compile(r"[A-Za-z0-9_-]+")  # what an authData index may be made for


class DuplicateValueError(Exception):
    """A write hit a unique index (objectId included); `fields` names it when known."""

    def __init__(self, fields: list[str] | None = None) -> None:
        super().__init__(f"duplicate value for {fields}")
        self.fields = fields or []


class QueryTimeoutError(Exception):
    """A find, count or aggregate ran past databaseOptions.maxTimeMS (MongoDB's error code 50)."""

    def __init__(self, max_time_ms: float) -> None:
        super().__init__(f"operation exceeded time limit ({max_time_ms:g} ms, databaseOptions.maxTimeMS)")
        self.max_time_ms = max_time_ms


class StorageAdapter(ABC):
    """The storage contract; one shared test suite (tests/storage) runs against each."""

    # databaseOptions.maxTimeMS: find, count and aggregate past it raise QueryTimeoutError (None: no limit)
    max_time_ms: float | None = None

    # ----- lifecycle -----
    @abstractmethod
    async def connect(self) -> None:
        """Open connections and create the schema store if missing."""

    @abstractmethod
    async def close(self) -> None:
        """Release connections; the adapter is unusable afterwards."""

    async def watch_schema(self, on_change: Callable[[], None]) -> bool:
        """Call `on_change` whenever another process changes a class schema (databaseOptions.
        enableSchemaHooks); False when this adapter does not watch (the default)."""
        return False

    # ----- schema store -----
    @abstractmethod
    async def get_all_classes(self) -> list[ClassSchema]:
        """Every stored class schema."""

    @abstractmethod
    async def get_class(self, class_name: str) -> ClassSchema | None:
        """One stored class schema, or None."""

    @abstractmethod
    async def create_class(self, class_name: str, schema: ClassSchema) -> None:
        """Store a new class schema and make room for its objects; DuplicateValueError if it exists."""

    @abstractmethod
    async def set_class_schema(self, class_name: str, schema: ClassSchema) -> None:
        """Replace a stored class schema (fields, CLP, indexes) whole."""

    @abstractmethod
    async def add_field_if_not_exists(self, class_name: str, field_name: str, field_type: FieldType) -> None:
        """Add one field to a class schema unless present (atomic: concurrent first writes race here)."""

    @abstractmethod
    async def delete_fields(self, class_name: str, schema: ClassSchema, field_names: list[str]) -> None:
        """Remove fields from the schema and their values from every object."""

    @abstractmethod
    async def delete_class(self, class_name: str) -> None:
        """Drop a class: its objects, its relation rows and its schema. No-op if missing."""

    @abstractmethod
    async def delete_all_classes(self) -> None:
        """Drop everything (tests and `parse-clone reset`)."""

    # ----- objects -----
    @abstractmethod
    async def create_object(self, class_name: str, schema: ClassSchema, doc: Document, *,
                            may_wait: bool = False) -> None:
        """Insert one document; DuplicateValueError on a unique conflict.

        `may_wait`: nothing the caller does after this call is seen by others, so inside a
        `write_group()` an adapter may hold the write back and make it with the group's next ones.
        """

    @abstractmethod
    async def find(self, class_name: str, schema: ClassSchema, where: Where, options: FindOptions) -> list[Document]:
        """Documents matching `where`, ordered, skipped and limited."""

    @abstractmethod
    async def count(self, class_name: str, schema: ClassSchema, where: Where) -> int:
        """How many documents match `where`."""

    @abstractmethod
    async def explain(self, class_name: str, schema: ClassSchema, where: Where, options: FindOptions) -> Any:
        """The database's plan for `find` with these arguments, in its own shape (a query's `explain`):
        MongoDB's explain document, PostgreSQL's EXPLAIN (FORMAT JSON) rows, SQLite's EXPLAIN QUERY PLAN rows."""

    @abstractmethod
    async def find_one_and_update(
        self, class_name: str, schema: ClassSchema, where: Where, update: Update
    ) -> Document | None:
        """Apply `update` to the first match atomically; the updated document, or None if none matched."""

    @abstractmethod
    async def update_many(self, class_name: str, schema: ClassSchema, where: Where, update: Update) -> int:
        """Apply `update` to every match; how many matched."""

    @abstractmethod
    async def upsert_one(self, class_name: str, schema: ClassSchema, where: Where, update: Update) -> None:
        """Update the first match, or insert a document built from the where equalities plus `update`."""

    @abstractmethod
    async def delete_many(self, class_name: str, schema: ClassSchema, where: Where) -> int:
        """Delete every match; how many were deleted."""

    @abstractmethod
    async def distinct(self, class_name: str, schema: ClassSchema, where: Where, field_name: str) -> list[Any]:
        """Distinct values of a field (array fields contribute their elements)."""

    @abstractmethod
    async def aggregate(self, class_name: str, schema: ClassSchema, pipeline: list[dict[str, Any]]) -> list[Document]:
        """Run an aggregation pipeline written in stored-form field names; ParseError 102 if unsupported."""

    # ----- indexes -----
    @abstractmethod
    async def ensure_unique(self, class_name: str, schema: ClassSchema, field_names: list[str]) -> None:
        """Make the field combination unique (sparse); DuplicateValueError if existing data violates it."""

    @abstractmethod
    async def ensure_auth_data_unique(self, provider: str) -> None:
        """A unique index on `_User`'s authData.<provider>.id, named as Parse Server names it; a write
        that would repeat an id raises DuplicateValueError(["_auth_data_<provider>"]). `provider`
        matches AUTH_PROVIDER_NAME; DuplicateValueError if existing users already share an id."""

    @abstractmethod
    async def create_index(self, class_name: str, schema: ClassSchema, name: str, spec: dict[str, Any]) -> None:
        """Create a named index: spec maps field -> 1 | -1 | "text" | "2dsphere"."""

    @abstractmethod
    async def drop_index(self, class_name: str, name: str) -> None:
        """Drop a named index if it exists."""

    @abstractmethod
    async def get_indexes(self, class_name: str) -> dict[str, dict[str, Any]]:
        """The class's real indexes by name (including the primary key index ``_id_``)."""

    # ----- relations (Parse's _Join:<field>:<Class> rows) -----
    @abstractmethod
    async def add_relation(self, owner_class: str, field_name: str, owning_id: str, related_id: str) -> None:
        """Add one relation row; adding an existing row is a no-op."""

    @abstractmethod
    async def remove_relation(self, owner_class: str, field_name: str, owning_id: str, related_id: str) -> None:
        """Remove one relation row if present."""

    @abstractmethod
    async def related_ids(self, owner_class: str, field_name: str, owning_ids: list[str]) -> list[str]:
        """objectIds related to any of the owners through the relation field."""

    @abstractmethod
    async def owning_ids(self, owner_class: str, field_name: str, related_ids: list[str]) -> list[str]:
        """objectIds of owners whose relation field holds any of the related ids."""

    # ----- transactions -----
    def transaction(self) -> AbstractAsyncContextManager[None]:
        """``async with adapter.transaction():`` makes the enclosed calls all-or-nothing.

        Adapters without transactions raise ParseError 1 when entered.
        """
        from ..errors import ParseError

        raise ParseError(ParseError.INTERNAL_SERVER_ERROR, "This database does not support transactions.")

    def write_group(self) -> AbstractAsyncContextManager[WriteGroup | None]:
        """``async with adapter.write_group() as group:`` a run of independent writes follows (a batch).

        Not atomic: each write stands alone, as without it. Adapters may use it to share one
        commit among the writes, or yield a WriteGroup that admits the batch's steps (None: run
        each to its end before the next); the default does nothing.
        """
        return contextlib.nullcontext()

    # ----- global config (Parse.Config) -----
    @abstractmethod
    async def get_config(self) -> dict[str, Any]:
        """The stored config: {"params": {...}, "masterKeyOnly": {...}} (empty dicts if none)."""

    @abstractmethod
    async def set_config(self, params: dict[str, Any], master_key_only: dict[str, Any]) -> None:
        """Replace the stored config whole."""
