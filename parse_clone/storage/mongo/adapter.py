"""MongoAdapter: the storage contract on MongoDB, in Parse Server's exact on-disk layout.

Written against the call subset PyMongo's ``AsyncMongoClient`` and Motor share, so that
mongomock-motor's ``AsyncMongoMockClient`` can stand in for a server in tests. Where the
two APIs differ (aggregate, sessions, close) the result is awaited only if awaitable.
"""

from __future__ import annotations

import logging
from contextlib import AbstractAsyncContextManager
from typing import Any
from urllib.parse import unquote

from pymongo import ReturnDocument
from pymongo.errors import (CollectionInvalid, ConfigurationError, DuplicateKeyError, ExecutionTimeout,
                            OperationFailure)

from ...errors import ParseError
from ..database_options import cursor_batch_size, index_wanted
from ..base import (
    AUTH_PROVIDER_NAME,
    ClassSchema,
    Document,
    DuplicateValueError,
    FieldType,
    FindOptions,
    QueryTimeoutError,
    StorageAdapter,
    Update,
    Where,
)
from .aggregate import from_aggregate_result, to_mongo_pipeline
from .indexes import NO_GEO_INDEX, NO_TEXT_INDEX, STARTUP_INDEXES, duplicate_value, spec_from_index_info
from .query import MongoQuery, to_mongo_query, to_mongo_sort
from .schema import IMPLIED_FIELDS, field_options, from_schema_document, mongo_field_type, to_schema_document
from .session import SessionScope, maybe_await
from .transform import AUTH_PREFIX, from_mongo_document, mongo_key, mongo_projection, stored_key, to_mongo_document
from .transform import field_type as type_in_schema
from .update import MongoUpdate, to_mongo_update
from .values import from_interior, from_top, pointer_from_string, to_interior, type_of

log = logging.getLogger(__name__)

SCHEMA_COLLECTION = "_SCHEMA"
CONFIG_COLLECTION = "_GlobalConfig"
_ATOM_TYPES = ("Pointer", "Date", "Bytes", "GeoPoint", "Polygon", "File")


def database_from_uri(uri: str) -> str:
    """The database a MongoDB URI names (its path), or "parse" (Parse Server's default) if none."""
    rest = uri.split("://", 1)[-1]
    path = rest.split("/", 1)[1] if "/" in rest else ""
    name = unquote(path.split("?", 1)[0])
    return name or "parse"


class MongoAdapter(StorageAdapter):
    """The storage contract on MongoDB (PyMongo async), laid out exactly as Parse Server does."""

    def __init__(self, uri: str, database: str | None = None, collection_prefix: str = "", client: Any = None,
                 max_pool_size: int | None = None, client_options: dict[str, Any] | None = None,
                 database_options: dict[str, Any] | None = None) -> None:
        """`max_pool_size`: the driver's maxPoolSize (databaseOptions.maxPoolSize; the driver's default if None);
        `client_options`: more AsyncMongoClient options (databaseOptions' driver options, Parse Server's names);
        `database_options`: Parse Server's databaseOptions, for its createIndex... switches."""
        self.uri = uri
        self.max_pool_size = max_pool_size
        self.client_options = dict(client_options or {})
        self.database_options = dict(database_options or {})  # its createIndex... switches, batchSize
        self.batch_size = cursor_batch_size(self.database_options.get("batchSize"))
        self.database_name = database or database_from_uri(uri)
        self.prefix = collection_prefix
        self._client = client
        self._owns_client = client is None
        self._db: Any = None
        self._sessions = SessionScope()

    # ----- plumbing -----
    def _collection(self, class_name: str) -> Any:
        return self._db[self.prefix + class_name]

    def _schemas(self) -> Any:
        return self._collection(SCHEMA_COLLECTION)

    @staticmethod
    def _join_name(owner_class: str, field_name: str) -> str:
        return f"_Join:{field_name}:{owner_class}"

    def _opts(self) -> dict[str, Any]:
        return self._sessions.opts()

    def _time_limit(self) -> dict[str, Any]:
        """databaseOptions.maxTimeMS as the keyword of count_documents and aggregate (Parse Server's three)."""
        return {"maxTimeMS": int(self.max_time_ms)} if self.max_time_ms else {}

    @property
    def database(self) -> Any:
        """The connected database handle (GridFS files live in it, beside the classes)."""
        return self._db

    # ----- lifecycle -----
    async def connect(self) -> None:
        """Open the client and create the indexes Parse Server creates at start-up."""
        if self._client is None:
            from pymongo import AsyncMongoClient

            self._client = AsyncMongoClient(self.uri, tz_aware=False, **self.driver_options())
        self._db = self._client[self.database_name]
        await self._ensure_startup_indexes()

    def driver_options(self) -> dict[str, Any]:
        """AsyncMongoClient's keyword options; ValueError naming the databaseOptions key PyMongo rejects."""
        options = dict(self.client_options)
        if self.max_pool_size is not None:
            options["maxPoolSize"] = self.max_pool_size
        from pymongo.common import validate

        for key, value in options.items():
            try:
                validate(key, value)
            except (ConfigurationError, TypeError, ValueError) as error:
                raise ValueError(f"databaseOptions.{key}: {error}") from None
        return options

    async def _ensure_startup_indexes(self) -> None:
        for class_name, keys, options in STARTUP_INDEXES:
            if not index_wanted(self.database_options, class_name, options.get("name", keys[0][0])):
                continue
            try:
                await self._collection(class_name).create_index(keys, background=True, **options)
            except (OperationFailure, DuplicateKeyError) as error:  # legacy data must not stop the server
                log.warning("could not create index %s on %s: %s", keys, class_name, error)

    async def ensure_auth_data_unique(self, provider: str) -> None:
        """Parse Server's unique sparse index `_auth_data_<provider>_id` on `_auth_data_<provider>.id`."""
        if not AUTH_PROVIDER_NAME.fullmatch(provider):
            raise ValueError(f"not an auth provider name: {provider!r}")
        try:
            await self._collection("_User").create_index([(f"{AUTH_PREFIX}{provider}.id", 1)], unique=True,
                                                         sparse=True, background=True,
                                                         name=f"{AUTH_PREFIX}{provider}_id")
        except DuplicateKeyError:
            raise DuplicateValueError([f"{AUTH_PREFIX}{provider}"]) from None
        except OperationFailure as error:
            if error.code not in (85, 86):  # the same index under another name or options: already there
                raise

    async def close(self) -> None:
        """Close the client if this adapter opened it."""
        if self._owns_client and self._client is not None:
            await maybe_await(self._client.close())
        self._client = None
        self._db = None

    def transaction(self) -> AbstractAsyncContextManager[None]:
        """``async with adapter.transaction():`` runs the enclosed calls in one MongoDB transaction (replica set)."""
        return self._sessions.transaction(self._client)

    # ----- schema store -----
    async def get_all_classes(self) -> list[ClassSchema]:
        """Every `_SCHEMA` document as a ClassSchema."""
        docs = await self._schemas().find({}, **self._opts()).to_list(None)
        return [from_schema_document(d) for d in docs]

    async def get_class(self, class_name: str) -> ClassSchema | None:
        """One class from `_SCHEMA`, or None."""
        doc = await self._schemas().find_one({"_id": class_name}, **self._opts())
        return from_schema_document(doc) if doc else None

    async def create_class(self, class_name: str, schema: ClassSchema) -> None:
        """Insert the `_SCHEMA` document, create the collection and any indexes the schema names."""
        try:
            await self._schemas().insert_one(to_schema_document(class_name, schema), **self._opts())
        except DuplicateKeyError:
            raise DuplicateValueError(["className"]) from None
        try:
            await self._db.create_collection(self.prefix + class_name)
        except (CollectionInvalid, OperationFailure):
            pass  # already there (objects written before the schema, or a concurrent creator)
        for name, spec in (schema.get("indexes") or {}).items():
            if name != "_id_":
                await self.create_index(class_name, schema, name, spec)

    async def set_class_schema(self, class_name: str, schema: ClassSchema) -> None:
        """Replace the `_SCHEMA` document whole."""
        await self._schemas().replace_one({"_id": class_name}, to_schema_document(class_name, schema),
                                          upsert=True, **self._opts())

    async def add_field_if_not_exists(self, class_name: str, field_name: str, field_type: FieldType) -> None:
        """``$set`` guarded by ``{field: {$exists: false}}``, as Parse Server does; a lost race is a no-op."""
        type_string = mongo_field_type(field_type)
        if type_string is None:
            return
        changes: dict[str, Any] = {field_name: type_string}
        if field_options(field_type):
            changes[f"_metadata.fields_options.{field_name}"] = field_options(field_type)
        on_insert = {k: v for k, v in IMPLIED_FIELDS.items() if k != field_name}
        try:
            await self._schemas().update_one({"_id": class_name, field_name: {"$exists": False}},
                                             {"$set": changes, "$setOnInsert": on_insert}, upsert=True, **self._opts())
        except DuplicateKeyError:
            return  # the field exists already: the filter missed and the upsert hit the _id
        if field_type.get("type") == "Polygon":
            await self._collection(class_name).create_index([(field_name, "2dsphere")])

    async def delete_fields(self, class_name: str, schema: ClassSchema, field_names: list[str]) -> None:
        """Unset the values (``_p_`` names for pointers), drop relation join collections, edit `_SCHEMA`."""
        unset: dict[str, str] = {}
        for name in field_names:
            kind = type_in_schema(schema, name)
            if kind == "Relation":
                await self._db.drop_collection(self.prefix + self._join_name(class_name, name))
            elif kind == "Pointer":
                unset["_p_" + name] = ""
            else:
                unset[name] = ""
                if kind is None:
                    unset["_p_" + name] = ""
        if unset:
            await self._collection(class_name).update_many(
                {"$or": [{k: {"$exists": True}} for k in unset]}, {"$unset": unset}, **self._opts())
        schema_unset = {}
        for name in field_names:
            schema_unset[name] = ""
            schema_unset[f"_metadata.fields_options.{name}"] = ""
        await self._schemas().update_one({"_id": class_name}, {"$unset": schema_unset}, **self._opts())

    async def delete_class(self, class_name: str) -> None:
        """Drop the collection, its `_Join:*:<class>` collections and its `_SCHEMA` document."""
        await self._db.drop_collection(self.prefix + class_name)
        join_prefix, join_suffix = self.prefix + "_Join:", ":" + class_name
        for name in await self._db.list_collection_names():
            middle = name[len(join_prefix):-len(join_suffix)] if name.endswith(join_suffix) else ""
            if name.startswith(join_prefix) and middle and ":" not in middle:
                await self._db.drop_collection(name)
        await self._schemas().delete_one({"_id": class_name}, **self._opts())

    async def delete_all_classes(self) -> None:
        """Drop every collection carrying this adapter's prefix."""
        for name in await self._db.list_collection_names():
            if name.startswith(self.prefix) and not name.startswith("system."):
                await self._db.drop_collection(name)

    # ----- objects -----
    async def create_object(self, class_name: str, schema: ClassSchema, doc: Document, *,
                            may_wait: bool = False) -> None:
        """Insert one document in Parse Server's layout."""
        mongo_doc = to_mongo_document(class_name, schema, doc)
        try:
            await self._collection(class_name).insert_one(mongo_doc, **self._opts())
        except DuplicateKeyError as error:
            duplicate = duplicate_value(error)
            if not duplicate.fields and "_id" in mongo_doc:
                taken = await self._collection(class_name).find_one({"_id": mongo_doc["_id"]}, {"_id": 1})
                duplicate = DuplicateValueError(["objectId"] if taken else [])
            raise duplicate from None

    async def find(self, class_name: str, schema: ClassSchema, where: Where, options: FindOptions) -> list[Document]:
        """Translated filter, sort, skip and limit; documents back in stored form."""
        if options.limit == 0:
            return []
        query = to_mongo_query(class_name, schema, where)
        sort = to_mongo_sort(class_name, schema, options.sort)
        # As Parse Server: the text score comes back (as `score`) only when keys ask for $score.
        wants_score = bool(query.text_fields) and "$score" in (options.keys or [])
        projection = mongo_projection(class_name, schema, options.fields)
        if wants_score:
            projection = {**(projection or {}), "score": {"$meta": "textScore"}}

        async def run() -> list[dict[str, Any]]:
            return await self._cursor(class_name, query, sort, options, projection).to_list(None)

        docs = await self._with_needed_indexes(class_name, schema, query, run)
        return [from_mongo_document(class_name, schema, d) for d in docs]

    def _cursor(self, class_name: str, query: MongoQuery, sort: Any, options: FindOptions,
                projection: dict[str, Any] | None = None) -> Any:
        cursor = self._collection(class_name).find(query.filter, projection, **self._opts())
        cursor = cursor.batch_size(self.batch_size)
        if self.max_time_ms:
            cursor = cursor.max_time_ms(int(self.max_time_ms))
        if sort:
            cursor = cursor.sort(sort)
        if options.skip:
            cursor = cursor.skip(options.skip)
        if options.limit is not None:
            cursor = cursor.limit(options.limit)
        return cursor

    async def explain(self, class_name: str, schema: ClassSchema, where: Where, options: FindOptions) -> Any:
        """MongoDB's explain document of find's cursor (what Parse Server answers as `results`)."""
        query = to_mongo_query(class_name, schema, where)
        cursor = self._cursor(class_name, query, to_mongo_sort(class_name, schema, options.sort), options)
        return await maybe_await(cursor.explain())

    async def _with_needed_indexes(self, class_name: str, schema: ClassSchema, query: MongoQuery, run: Any) -> Any:
        """Run a query; if MongoDB asks for a geo or text index, create it as Parse Server does and retry once."""
        try:
            return await run()
        except ExecutionTimeout:
            raise QueryTimeoutError(self.max_time_ms or 0) from None
        except OperationFailure as error:
            message = str(error)
            if query.near_fields and NO_GEO_INDEX.search(message):
                for key in query.near_fields:
                    await self._collection(class_name).create_index([(key, "2d")])
            elif query.text_fields and NO_TEXT_INDEX.search(message):
                await self._create_text_index(class_name, query.text_fields[0])
            else:
                raise
        return await run()

    async def _create_text_index(self, class_name: str, key: str) -> None:
        name = f"{key}_text"
        await self._collection(class_name).create_index([(key, "text")], name=name)
        doc = await self._schemas().find_one({"_id": class_name}) or {}
        indexes = dict((doc.get("_metadata") or {}).get("indexes") or {"_id_": {"_id": 1}})
        indexes[name] = {key: "text"}
        await self._schemas().update_one({"_id": class_name}, {"$set": {"_metadata.indexes": indexes}})

    async def count(self, class_name: str, schema: ClassSchema, where: Where) -> int:
        """countDocuments, or the collection estimate when there is no filter (as Parse Server does)."""
        query = to_mongo_query(class_name, schema, where, count=True)
        collection = self._collection(class_name)
        if not query.filter and not self._sessions.active:
            return int(await collection.estimated_document_count())

        async def run() -> int:
            return int(await collection.count_documents(query.filter, **self._time_limit(), **self._opts()))

        return await self._with_needed_indexes(class_name, schema, query, run)

    async def _unset_dropped_providers(self, class_name: str, filter_: dict[str, Any], update: MongoUpdate,
                                       just_one: bool) -> None:
        """authData replaced whole: unset the ``_auth_data_<p>`` keys the matched rows have and it drops."""
        if update.auth_keep is None:
            return
        cursor = self._collection(class_name).find(filter_, **self._opts())
        if just_one:
            cursor = cursor.limit(1)
        for doc in await cursor.to_list(None):
            for key in doc:
                if key.startswith(AUTH_PREFIX) and key[len(AUTH_PREFIX):] not in update.auth_keep:
                    update.put("$unset", key, "")

    async def find_one_and_update(self, class_name: str, schema: ClassSchema, where: Where,
                                  update: Update) -> Document | None:
        """findOneAndUpdate returning the document after the update, in stored form."""
        query = to_mongo_query(class_name, schema, where)
        mongo_update = to_mongo_update(class_name, schema, update)
        await self._unset_dropped_providers(class_name, query.filter, mongo_update, just_one=True)
        collection = self._collection(class_name)
        try:
            if mongo_update.ops:
                doc = await collection.find_one_and_update(query.filter, mongo_update.ops,
                                                           return_document=ReturnDocument.AFTER, **self._opts())
            else:
                doc = await collection.find_one(query.filter, **self._opts())
        except DuplicateKeyError as error:
            raise duplicate_value(error) from None
        return from_mongo_document(class_name, schema, doc) if doc else None

    async def update_many(self, class_name: str, schema: ClassSchema, where: Where, update: Update) -> int:
        """updateMany; how many documents matched."""
        query = to_mongo_query(class_name, schema, where)
        mongo_update = to_mongo_update(class_name, schema, update)
        await self._unset_dropped_providers(class_name, query.filter, mongo_update, just_one=False)
        collection = self._collection(class_name)
        if not mongo_update.ops:
            return int(await collection.count_documents(query.filter, **self._time_limit(), **self._opts()))
        try:
            result = await collection.update_many(query.filter, mongo_update.ops, **self._opts())
        except DuplicateKeyError as error:
            raise duplicate_value(error) from None
        return int(result.matched_count)

    async def upsert_one(self, class_name: str, schema: ClassSchema, where: Where, update: Update) -> None:
        """updateOne with upsert: MongoDB builds the new document from the filter's equalities plus the update."""
        query = to_mongo_query(class_name, schema, where)
        mongo_update = to_mongo_update(class_name, schema, update)
        await self._unset_dropped_providers(class_name, query.filter, mongo_update, just_one=True)
        # An empty $setOnInsert (accepted since MongoDB 5.0) still inserts the filter's equalities.
        ops = mongo_update.ops or {"$setOnInsert": {}}
        try:
            await self._collection(class_name).update_one(query.filter, ops, upsert=True, **self._opts())
        except DuplicateKeyError as error:
            raise duplicate_value(error) from None

    async def delete_many(self, class_name: str, schema: ClassSchema, where: Where) -> int:
        """deleteMany; how many were deleted."""
        query = to_mongo_query(class_name, schema, where)
        result = await self._collection(class_name).delete_many(query.filter, **self._opts())
        return int(result.deleted_count)

    async def distinct(self, class_name: str, schema: ClassSchema, where: Where, field_name: str) -> list[Any]:
        """MongoDB distinct (arrays contribute elements); values back in stored form, nulls dropped."""
        query = to_mongo_query(class_name, schema, where)
        key = mongo_key(class_name, schema, field_name)
        values = await self._collection(class_name).distinct(key, query.filter, **self._opts())
        out = []
        for value in values:
            if value is None:
                continue
            if key.startswith("_p_"):
                out.append(pointer_from_string(value) or value)
            elif key in ("_created_at", "_updated_at"):
                out.append(from_mongo_document(class_name, schema, {key: value})[stored_key(key)])
            elif type_in_schema(schema, field_name) == "Array":
                out.append(from_interior(value))
            else:
                out.append(from_top(value, type_in_schema(schema, field_name)))
        return out

    async def aggregate(self, class_name: str, schema: ClassSchema, pipeline: list[dict[str, Any]]) -> list[Document]:
        """Run the pipeline in Parse Server's names; results in stored-form names (``_id`` kept as the group key)."""
        mongo_pipeline, pointer_group = to_mongo_pipeline(class_name, schema, pipeline)
        try:
            cursor = await maybe_await(self._collection(class_name).aggregate(
                mongo_pipeline, **self._time_limit(), **self._opts()))
            rows = await cursor.to_list(None)
        except ExecutionTimeout:
            raise QueryTimeoutError(self.max_time_ms or 0) from None
        except (OperationFailure, NotImplementedError) as error:
            raise ParseError(ParseError.INVALID_QUERY, str(error)) from None
        return [from_aggregate_result(schema, row, pointer_group) for row in rows]

    # ----- indexes -----
    async def ensure_unique(self, class_name: str, schema: ClassSchema, field_names: list[str]) -> None:
        """A unique sparse index, named as MongoDB names it (``username_1``), as Parse Server creates it."""
        keys = [(mongo_key(class_name, schema, f), 1) for f in field_names]
        try:
            await self._collection(class_name).create_index(keys, unique=True, sparse=True, background=True)
        except DuplicateKeyError:
            raise DuplicateValueError(list(field_names)) from None
        except OperationFailure as error:
            if error.code == 11000:
                raise DuplicateValueError(list(field_names)) from None
            raise

    async def create_index(self, class_name: str, schema: ClassSchema, name: str, spec: dict[str, Any]) -> None:
        """A named index; field names translated to MongoDB's (``_p_`` for pointers)."""
        keys = [(mongo_key(class_name, schema, f), direction) for f, direction in spec.items()]
        await self._collection(class_name).create_index(keys, name=name)

    async def drop_index(self, class_name: str, name: str) -> None:
        """Drop a named index; a missing one is not an error."""
        try:
            await self._collection(class_name).drop_index(name)
        except OperationFailure:
            pass

    async def get_indexes(self, class_name: str) -> dict[str, dict[str, Any]]:
        """The collection's indexes by name, keys in stored-form names (text indexes as ``{field: "text"}``)."""
        info = await self._collection(class_name).index_information()
        return {name: spec_from_index_info(index) for name, index in info.items()}

    # ----- relations -----
    async def add_relation(self, owner_class: str, field_name: str, owning_id: str, related_id: str) -> None:
        """Upsert the join row ``{relatedId, owningId}`` (MongoDB gives it an ObjectId ``_id``)."""
        row = {"relatedId": related_id, "owningId": owning_id}
        await self._collection(self._join_name(owner_class, field_name)).update_one(
            row, {"$set": row}, upsert=True, **self._opts())

    async def remove_relation(self, owner_class: str, field_name: str, owning_id: str, related_id: str) -> None:
        """Delete the join row if present."""
        await self._collection(self._join_name(owner_class, field_name)).delete_many(
            {"relatedId": related_id, "owningId": owning_id}, **self._opts())

    async def related_ids(self, owner_class: str, field_name: str, owning_ids: list[str]) -> list[str]:
        """relatedId of the rows owned by any of the owners, in insertion order, without repeats."""
        rows = await self._collection(self._join_name(owner_class, field_name)).find(
            {"owningId": {"$in": list(owning_ids)}}, **self._opts()).sort([("_id", 1)]).to_list(None)
        return list(dict.fromkeys(r["relatedId"] for r in rows))

    async def owning_ids(self, owner_class: str, field_name: str, related_ids: list[str]) -> list[str]:
        """owningId of the rows pointing at any of the related ids, without repeats."""
        rows = await self._collection(self._join_name(owner_class, field_name)).find(
            {"relatedId": {"$in": list(related_ids)}}, **self._opts()).sort([("_id", 1)]).to_list(None)
        return list(dict.fromkeys(r["owningId"] for r in rows))

    # ----- global config -----
    async def get_config(self) -> dict[str, Any]:
        """``{"params", "masterKeyOnly"}`` from the ``{_id: 1}`` row of `_GlobalConfig`."""
        doc = await self._collection(CONFIG_COLLECTION).find_one({"_id": 1}, **self._opts()) or {}
        return {"params": from_interior(doc.get("params") or {}),
                "masterKeyOnly": from_interior(doc.get("masterKeyOnly") or {})}

    async def set_config(self, params: dict[str, Any], master_key_only: dict[str, Any]) -> None:
        """Replace the config row; each param is stored as Parse Server's ``params.<key>`` update stores it."""
        # Parse Server writes each param with a ``params.<key>`` $set: a typed atom (Date, Pointer, ...)
        # keeps its JSON form there, while objects and arrays get the nested transform.
        stored = {k: v if type_of(v) in _ATOM_TYPES else to_interior(v) for k, v in params.items()}
        await self._collection(CONFIG_COLLECTION).replace_one(
            {"_id": 1}, {"_id": 1, "params": stored, "masterKeyOnly": dict(master_key_only)},
            upsert=True, **self._opts())
