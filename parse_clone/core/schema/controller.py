"""The schema controller: cached class schemas, inference on write, and the /schemas operations."""

from __future__ import annotations

import asyncio
import logging
import math
import time
import copy
from typing import Any, Callable

from ...storage.base import ClassSchema, DuplicateValueError, StorageAdapter
from .clp import complete_clp, default_clp, validate_clp
from ...errors import ParseError
from .defs import (
    CLASS_DEFAULT_FIELDS,
    DEFAULT_FIELDS,
    VOLATILE_CLASSES,
    check_class_name,
    class_name_is_valid,
    field_name_is_valid,
    field_type_error,
    invalid_class_name_message,
    is_default_field,
    type_to_string,
    types_match,
    value_type,
)

log = logging.getLogger("parse_clone")


def _with_defaults(class_name: str, fields: dict[str, Any]) -> dict[str, Any]:
    merged = dict(DEFAULT_FIELDS)
    merged.update(CLASS_DEFAULT_FIELDS.get(class_name, {}))
    for name, f in fields.items():
        if name not in merged or name in ("objectId",):
            merged[name] = f
    return merged


def _cached_form(stored: ClassSchema) -> ClassSchema:
    name = stored["className"]
    return {
        "className": name,
        "fields": _with_defaults(name, dict(stored.get("fields") or {})),
        "classLevelPermissions": stored.get("classLevelPermissions"),
        "indexes": stored.get("indexes") or None,
    }


class SchemaController:
    """Class schemas, cached in memory; every change goes through here and invalidates the cache."""

    def __init__(self, storage: StorageAdapter, custom_ids: bool = False,
                 protected_fields: dict[str, dict[str, list[str]]] | None = None,
                 index_field_validation: bool = True, cache_ttl_s: float | None = None) -> None:
        """`index_field_validation` False (databaseOptions.disableIndexFieldValidation): an index may name
        fields the schema lacks (the database indexes them where it can). `cache_ttl_s`
        (databaseOptions.schemaCacheTtl): reread the schemas from storage once the cache is this old
        (None: keep it until invalidated)."""
        self.storage = storage
        self.custom_ids = custom_ids
        self.index_field_validation = index_field_validation
        self.protected_fields = protected_fields or {}
        self.cache_ttl_s = cache_ttl_s
        self._cache: dict[str, ClassSchema] | None = None
        self._expires_at = math.inf
        self._lock = asyncio.Lock()
        self.listeners: list[Callable[[str | None], None]] = []

    # ----- cache -----
    async def reload(self) -> None:
        """Reload every class schema from storage."""
        stored = await self.storage.get_all_classes()
        self._cache = {s["className"]: _cached_form(s) for s in stored}
        if self.cache_ttl_s is not None:
            self._expires_at = time.monotonic() + self.cache_ttl_s

    def invalidate(self, class_name: str | None = None) -> None:
        """Drop the cache (it reloads on next use) and tell listeners (other instances, LiveQuery)."""
        self.forget()
        for listener in self.listeners:
            listener(class_name)

    def forget(self) -> None:
        """Drop the cache without telling anyone: the change came from elsewhere (another process)."""
        self._cache = None

    async def all(self) -> dict[str, ClassSchema]:
        """Every stored class schema, defaults included."""
        if self._cache is None or (self.cache_ttl_s is not None and time.monotonic() >= self._expires_at):
            await self.reload()
        assert self._cache is not None
        return self._cache

    async def get(self, class_name: str) -> ClassSchema | None:
        """One class schema with default fields, or None; volatile classes always exist."""
        cache = self._cache  # all() without its coroutine while the cache is fresh (every request asks)
        if cache is None or (self.cache_ttl_s is not None and time.monotonic() >= self._expires_at):
            cache = await self.all()
        found = cache.get(class_name)
        if found is None and class_name not in VOLATILE_CLASSES:
            # As Parse Server: a class the cache lacks is looked up in the database, since another
            # process (a cluster worker, another instance, Parse Server itself) may have created it.
            stored = await self.storage.get_class(class_name)
            if stored is not None:
                found = _cached_form(stored)
                self._cache = {**cache, class_name: found}  # a new map: the GraphQL schema rebuilds
        if found is None and class_name in VOLATILE_CLASSES:
            return {"className": class_name, "fields": _with_defaults(class_name, {}),
                    "classLevelPermissions": {}, "indexes": None}
        return found

    async def clp(self, class_name: str) -> dict[str, Any] | None:
        """The class's CLP merged with the server's protectedFields option (None = no CLP stored)."""
        return self.clp_of(class_name, await self.get(class_name))

    def clp_of(self, class_name: str, schema: ClassSchema | None) -> dict[str, Any] | None:
        """`clp()` from the class schema `get()` answered (for a caller that has it already)."""
        if schema is None:
            return None
        return self._merged_clp(class_name, schema.get("classLevelPermissions"), keep_none=True)

    def _merged_clp(self, class_name: str, clp: dict[str, Any] | None,
                    keep_none: bool = False) -> dict[str, Any] | None:
        if clp is None and not keep_none:
            clp = default_clp()
        extra = self.protected_fields.get(class_name)
        if extra:
            clp = copy.deepcopy(clp) if clp else default_clp()
            pf = clp.setdefault("protectedFields", {})
            for entity, names in extra.items():
                pf[entity] = list(dict.fromkeys((pf.get(entity) or []) + list(names)))
        return clp

    # ----- inference on write -----
    async def enforce_class(self, class_name: str, can_create: bool) -> ClassSchema:
        """The class's schema, creating the class if allowed (else 119)."""
        schema = await self.get(class_name)
        if schema is not None:
            return schema
        check_class_name(class_name)
        if not can_create:
            raise ParseError(ParseError.OPERATION_FORBIDDEN,
                             f"This user is not allowed to access non-existent class: {class_name}")
        try:
            await self.storage.create_class(class_name, {
                "className": class_name, "fields": {}, "classLevelPermissions": default_clp(), "indexes": None})
        except DuplicateValueError:
            pass  # a concurrent writer created it first
        self.invalidate(class_name)
        schema = await self.get(class_name)
        assert schema is not None
        return schema

    async def enforce_fields(self, class_name: str, body: dict[str, Any], can_add: bool) -> ClassSchema:
        """Check each written value against the schema, adding new fields (111 on mismatch)."""
        schema = await self.get(class_name)
        assert schema is not None
        fields = schema["fields"]
        geo = [k for k, v in body.items() if isinstance(v, dict) and v.get("__type") == "GeoPoint"]
        if len(geo) > 1:
            raise ParseError(ParseError.INCORRECT_TYPE, "there can only be one geopoint field in a class")
        new_fields: dict[str, dict[str, Any]] = {}
        for name, value in body.items():
            if name == "ACL":
                continue
            top = name.split(".", 1)[0]
            if "." in name:
                sub = name.split(".", 1)[1].split(".", 1)[0]
                expected_t: dict[str, Any] | None = {"type": "Array" if sub.isdigit() else "Object"}
            else:
                expected_t = value_type(value)
            if not field_name_is_valid(top, class_name):
                raise ParseError(ParseError.INVALID_KEY_NAME, f"Invalid field name: {top}.")
            if expected_t is None:
                continue
            existing = fields.get(top)
            if existing is not None:
                ex = {"type": "Object"} if existing.get("type") == "map" else existing
                if not types_match(ex, expected_t):
                    raise ParseError(ParseError.INCORRECT_TYPE,
                                     f"schema mismatch for {class_name}.{top}; expected {type_to_string(ex)} "
                                     f"but got {type_to_string(expected_t)}")
                continue
            if expected_t["type"] == "GeoPoint":
                other = [k for k, f in fields.items() if f.get("type") == "GeoPoint"]
                if other:
                    raise ParseError(ParseError.INCORRECT_TYPE, "MongoDB only supports one GeoPoint field in a class.")
            new_fields[top] = expected_t
        if new_fields:
            if not can_add:
                raise ParseError(ParseError.OPERATION_FORBIDDEN,
                                 f"Permission denied for action addField on class {class_name}.")
            for name, t in new_fields.items():
                await self.storage.add_field_if_not_exists(class_name, name, t)
            self.invalidate(class_name)
            schema = await self.get(class_name)
            assert schema is not None
            for name, t in new_fields.items():
                got = schema["fields"].get(name)
                if got is None or not types_match(got, t):
                    raise ParseError(ParseError.INCORRECT_TYPE,
                                     f"schema mismatch for {class_name}.{name}; expected "
                                     f"{type_to_string(got or {})} but got {type_to_string(t)}")
        return schema

    # ----- /schemas API -----
    def to_api(self, schema: ClassSchema, merged: bool = False) -> dict[str, Any]:
        """The schema as GET /schemas answers it (PUT answers with the server's protectedFields merged in)."""
        name = schema["className"]
        fields = dict(schema["fields"])
        fields.pop("_rperm", None)
        fields.pop("_wperm", None)
        fields["ACL"] = {"type": "ACL"}
        if name == "_User":
            fields.pop("_hashed_password", None)
            fields["password"] = {"type": "String"}
        ordered = {k: fields[k] for k in ("objectId", "createdAt", "updatedAt", "ACL") if k in fields}
        ordered.update({k: v for k, v in fields.items() if k not in ordered})
        out: dict[str, Any] = {"className": name, "fields": ordered,
                               "classLevelPermissions": self._merged_clp(name, schema.get("classLevelPermissions"))
                               if merged else (schema.get("classLevelPermissions") or default_clp())}
        if schema.get("indexes"):
            out["indexes"] = schema["indexes"]
        return out

    def _validate_new_fields(self, class_name: str, fields: dict[str, Any], existing: list[str]) -> None:
        for name, ftype in fields.items():
            if name in existing:
                continue
            if not field_name_is_valid(name, class_name):
                raise ParseError(ParseError.INVALID_KEY_NAME, f"invalid field name: {name}")
            if is_default_field(class_name, name):
                raise ParseError(ParseError.CHANGED_IMMUTABLE_FIELD, f"field {name} cannot be added")
            err = field_type_error(ftype)
            if err:
                raise err
            if "defaultValue" in ftype:
                if ftype["type"] == "Relation":
                    raise ParseError(ParseError.INCORRECT_TYPE,
                                     f"The 'default value' option is not applicable for {type_to_string(ftype)}")
                dv = value_type(ftype["defaultValue"])
                if dv is None or not types_match({"type": ftype["type"], "targetClass": ftype.get("targetClass")}, dv):
                    raise ParseError(ParseError.INCORRECT_TYPE,
                                     f"schema mismatch for {class_name}.{name} default value; expected "
                                     f"{type_to_string(ftype)} but got {type_to_string(dv or {'type': 'null'})}")
            elif ftype.get("required") and ftype["type"] == "Relation":
                raise ParseError(ParseError.INCORRECT_TYPE,
                                 f"The 'required' option is not applicable for {type_to_string(ftype)}")

    @staticmethod
    def _check_one_geopoint(fields: dict[str, Any]) -> None:
        geo = [k for k, f in fields.items() if isinstance(f, dict) and f.get("type") == "GeoPoint"]
        if len(geo) > 1:
            raise ParseError(ParseError.INCORRECT_TYPE,
                             f"currently, only one GeoPoint field may exist in an object. Adding {geo[1]} "
                             f"when {geo[0]} already exists.")

    @staticmethod
    def _clean_field(ftype: dict[str, Any]) -> dict[str, Any]:
        out = {"type": ftype["type"]}
        for k in ("targetClass", "required", "defaultValue"):
            if k in ftype and ftype[k] is not None:
                out[k] = ftype[k]
        return out

    async def create_class(self, class_name: str, fields: dict[str, Any] | None, clp: Any,
                           indexes: dict[str, Any] | None) -> dict[str, Any]:
        """POST /schemas: create a class with fields, CLP and indexes."""
        fields = fields or {}
        if await self.get(class_name) is not None:
            raise ParseError(ParseError.INVALID_CLASS_NAME, f"Class {class_name} already exists.")
        if not class_name_is_valid(class_name):
            raise ParseError(ParseError.INVALID_CLASS_NAME, invalid_class_name_message(class_name))
        if not isinstance(fields, dict):
            raise ParseError(ParseError.INVALID_JSON, "invalid JSON")
        self._validate_new_fields(class_name, fields, [])
        all_fields = {**CLASS_DEFAULT_FIELDS.get(class_name, {}), **fields}
        self._check_one_geopoint(all_fields)
        validate_clp(clp, _with_defaults(class_name, all_fields), self.custom_ids)
        stored_fields = {k: self._clean_field(v) for k, v in fields.items()}
        schema: ClassSchema = {"className": class_name, "fields": stored_fields,
                               "classLevelPermissions": complete_clp(clp) if clp is not None else default_clp(),
                               "indexes": None}
        try:
            await self.storage.create_class(class_name, schema)
        except DuplicateValueError:
            raise ParseError(ParseError.INVALID_CLASS_NAME, f"Class {class_name} already exists.") from None
        self.invalidate(class_name)
        if indexes:
            await self._apply_indexes(class_name, indexes)
        created = await self.get(class_name)
        assert created is not None
        return self.to_api(created)

    async def update_class(self, class_name: str, submitted: dict[str, Any] | None, clp: Any,
                           indexes: dict[str, Any] | None) -> dict[str, Any]:
        """PUT /schemas/C: add or delete fields, replace CLP, add or drop indexes."""
        schema = await self.get(class_name)
        if schema is None or class_name in VOLATILE_CLASSES:
            raise ParseError(ParseError.INVALID_CLASS_NAME, f"Class {class_name} does not exist.")
        submitted = submitted or {}
        if not isinstance(submitted, dict):
            raise ParseError(ParseError.INVALID_JSON, "invalid JSON")
        existing = schema["fields"]
        for name, f in submitted.items():
            is_delete = isinstance(f, dict) and f.get("__op") == "Delete"
            if name in existing and not is_delete and existing[name].get("type") != (f or {}).get("type"):
                raise ParseError(ParseError.INVALID_SCHEMA_OPERATION, f"Field {name} exists, cannot update.")
            if name not in existing and is_delete:
                raise ParseError(ParseError.INVALID_SCHEMA_OPERATION, f"Field {name} does not exist, cannot delete.")
        deletes = [n for n, f in submitted.items() if isinstance(f, dict) and f.get("__op") == "Delete"]
        adds = {n: f for n, f in submitted.items() if n not in deletes and n not in existing}
        self._validate_new_fields(class_name, adds, list(existing))
        option_changes = self._option_changes(class_name, existing, submitted, deletes)
        merged = {k: v for k, v in existing.items() if k not in deletes}
        merged.update(adds)
        self._check_one_geopoint(merged)
        if clp is not None:
            validate_clp(clp, merged, self.custom_ids)
        if deletes:
            await self.delete_fields(class_name, deletes)
        for name, f in adds.items():
            await self.storage.add_field_if_not_exists(class_name, name, self._clean_field(f))
        if option_changes:
            await self._set_stored(class_name, lambda s: s["fields"].update(option_changes))
        if clp is not None:
            await self._set_stored(class_name, lambda s: s.__setitem__("classLevelPermissions", complete_clp(clp)))
        self.invalidate(class_name)
        if indexes:
            await self._apply_indexes(class_name, indexes)
        updated = await self.get(class_name)
        assert updated is not None
        return self.to_api(updated, merged=True)

    def _option_changes(self, class_name: str, existing: dict[str, Any], submitted: dict[str, Any],
                        deletes: list[str]) -> dict[str, dict[str, Any]]:
        """Existing fields submitted with the same type but other `required`/`defaultValue` (Parse updates
        their options); 111 when only the targetClass differs."""
        def options(f: dict[str, Any]) -> dict[str, Any]:
            return {k: v for k, v in self._clean_field(f).items() if not (k == "required" and v is False)}

        changes: dict[str, dict[str, Any]] = {}
        for name, f in submitted.items():
            if name not in existing or name in deletes or is_default_field(class_name, name):
                continue
            if f.get("targetClass") != existing[name].get("targetClass"):
                raise ParseError(ParseError.INCORRECT_TYPE, f"schema mismatch for {class_name}.{name}; expected "
                                 f"{type_to_string(existing[name])} but got {type_to_string(f)}")
            if options(f) != options(existing[name]):
                changes[name] = options(f)
        self._validate_new_fields(class_name, changes, [])
        return changes

    async def _set_stored(self, class_name: str, change: Callable[[ClassSchema], None]) -> None:
        stored = await self.storage.get_class(class_name)
        if stored is None:
            raise ParseError(ParseError.INVALID_CLASS_NAME, f"Class {class_name} does not exist.")
        change(stored)
        await self.storage.set_class_schema(class_name, stored)
        self.invalidate(class_name)

    async def _apply_indexes(self, class_name: str, submitted: dict[str, Any]) -> None:
        schema = await self.get(class_name)
        assert schema is not None
        existing = dict(schema.get("indexes") or {"_id_": {"_id": 1}})
        if not isinstance(submitted, dict):
            raise ParseError(ParseError.INVALID_QUERY, "indexes must be an object")
        to_create: dict[str, dict[str, Any]] = {}
        to_drop: list[str] = []
        for name, spec in submitted.items():
            is_delete = isinstance(spec, dict) and spec.get("__op") == "Delete"
            if name in existing and not is_delete:
                raise ParseError(ParseError.INVALID_QUERY, f"Index {name} exists, cannot update.")
            if name not in existing and is_delete:
                raise ParseError(ParseError.INVALID_QUERY, f"Index {name} does not exist, cannot delete.")
            if is_delete:
                to_drop.append(name)
                existing.pop(name, None)
                continue
            if not isinstance(spec, dict) or not spec:
                raise ParseError(ParseError.INVALID_QUERY, f"Invalid index {name}")
            for key in spec:
                field_name = key[3:] if key.startswith("_p_") else key
                if self.index_field_validation and field_name not in schema["fields"]:
                    raise ParseError(ParseError.INVALID_QUERY, f"Field {key} does not exist, cannot add index.")
            clean = {(k[3:] if k.startswith("_p_") else k): v for k, v in spec.items()}
            existing[name] = spec
            to_create[name] = clean
        for name in to_drop:
            await self.storage.drop_index(class_name, name)
        for name, spec in to_create.items():
            try:
                await self.storage.create_index(class_name, schema, name, spec)
            except ParseError:
                if self.index_field_validation:
                    raise
                # as Parse Server on PostgreSQL: no column to index yet; the index stays in the schema only
                log.warning("index %s on %s names a field without a column; not created", name, class_name)
        await self._set_stored(class_name, lambda s: s.__setitem__("indexes", existing))

    async def delete_fields(self, class_name: str, names: list[str]) -> None:
        """Remove fields and their data (relation rows included)."""
        for name in names:
            if not field_name_is_valid(name, class_name):
                raise ParseError(ParseError.INVALID_KEY_NAME, f"invalid field name: {name}")
            if is_default_field(class_name, name):
                raise ParseError(ParseError.CHANGED_IMMUTABLE_FIELD, f"field {name} cannot be changed")
        schema = await self.get(class_name)
        if schema is None:
            raise ParseError(ParseError.INVALID_CLASS_NAME, f"Class {class_name} does not exist.")
        for name in names:
            if name not in schema["fields"]:
                raise ParseError(ParseError.INVALID_SCHEMA_OPERATION, f"Field {name} does not exist, cannot delete.")
        await self.storage.delete_fields(class_name, schema, names)
        for name in names:
            if schema["fields"][name].get("type") == "Relation":
                await self.storage.delete_class(f"_Join:{name}:{class_name}")
        self.invalidate(class_name)

    async def delete_class(self, class_name: str) -> None:
        """DELETE /schemas/C: only an empty class can go (255 otherwise)."""
        check_class_name(class_name)
        schema = await self.get(class_name)
        if schema is None:
            return
        if await self.storage.count(class_name, schema, {}) > 0:
            raise ParseError(ParseError.INVALID_SCHEMA_OPERATION, f"Class {class_name} is not empty, contains "
                             f"{await self.storage.count(class_name, schema, {})} objects, cannot drop schema.")
        for name, f in schema["fields"].items():
            if f.get("type") == "Relation":
                await self.storage.delete_class(f"_Join:{name}:{class_name}")
        await self.storage.delete_class(class_name)
        self.invalidate(class_name)
