"""Creates, updates and deletes: from a client's body to a stored write and Parse's response."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...storage.base import ClassSchema, DuplicateValueError, FindOptions
from ..hooks import triggers
from ..runtime.auth import Auth
from ...language.denylist import check_prohibited_keywords, compile_denylist
from ...errors import ParseError
from ..runtime.events import WriteEvent
from ..permissions.acl import check_clp, enforce_role_security, pointer_permission_where
from ..permissions.protected import protected_fields_for
from ..schema.defs import REQUIRED_WRITE_FIELDS, field_name_is_valid
from ..runtime.server import Server
from ...language.transform import acl_to_perms, encode_value
from ...language.values import new_object_id, now_iso

ARRAY_OPS = ("Add", "AddUnique", "Remove")
RELATION_OPS = ("AddRelation", "RemoveRelation", "Batch")
PROHIBITED_KEYS = ("_bsontype", "constructor", "__proto__")


@dataclass
class WriteResult:
    """What a write answers: the response body, plus the objectId/location for a create."""

    response: dict[str, Any]
    object_id: str
    created: bool = False
    stored: dict[str, Any] = field(default_factory=dict)




def _check_op(name: str, op: dict[str, Any]) -> None:
    kind = op.get("__op")
    if kind == "Increment":
        amount = op.get("amount")
        if not isinstance(amount, (int, float)) or isinstance(amount, bool):
            raise ParseError(ParseError.INVALID_JSON, "incrementing must provide a number")
    elif kind in ("Add", "AddUnique"):
        if not isinstance(op.get("objects"), list):
            raise ParseError(ParseError.INVALID_JSON, "objects to add must be an array")
    elif kind == "Remove":
        if not isinstance(op.get("objects"), list):
            raise ParseError(ParseError.INVALID_JSON, "objects to remove must be an array")
    elif kind in ("AddRelation", "RemoveRelation"):
        objs = op.get("objects")
        if not isinstance(objs, list):
            raise ParseError(ParseError.INVALID_JSON, "objects to add must be an array")
    elif kind == "Batch":
        ops = op.get("ops")
        if not isinstance(ops, list):
            raise ParseError(ParseError.INVALID_JSON, "Batch ops must be an array")
        for sub in ops:
            if not isinstance(sub, dict) or sub.get("__op") not in ("AddRelation", "RemoveRelation"):
                raise ParseError(ParseError.INVALID_JSON, "Batch ops must be relation operations")
            _check_op(name, sub)
    elif kind != "Delete":
        raise ParseError(ParseError.COMMAND_UNAVAILABLE, f"The {kind} operator is not supported yet.")


def _split_body(class_name: str, body: dict[str, Any], is_create: bool, auth: Auth,
                config: Any) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """Validated data (values encoded, ops checked) and the relation ops, per field."""
    if not isinstance(body, dict):
        raise ParseError(ParseError.INVALID_JSON, "This is not a valid object")
    check_prohibited_keywords(body, compile_denylist(config.requestKeywordDenylist))
    custom_ids: bool = config.allowCustomObjectId
    data: dict[str, Any] = {}
    relations: dict[str, list[dict[str, Any]]] = {}
    for key, value in body.items():
        if key in ("createdAt", "updatedAt"):
            continue  # server-managed (the maintenance key may set them on create: see _maintenance_dates)
        if key == "objectId":
            if not is_create:
                continue
            if not custom_ids:
                raise ParseError(ParseError.INVALID_KEY_NAME, "objectId is an invalid field name.")
            continue
        if key == "id" and is_create:
            raise ParseError(ParseError.INVALID_KEY_NAME, "id is an invalid field name.")
        if key == "ACL":
            data[key] = value
            continue
        root = key.split(".", 1)[0]
        if not field_name_is_valid(root, class_name) and not (class_name == "_User" and key in (
                "password", "authData")):
            raise ParseError(ParseError.INVALID_KEY_NAME, f"Invalid field name: {key}.")
        if isinstance(value, dict) and value.get("__type") == "Relation" and isinstance(value.get("className"), str):
            continue  # re-sending a relation field's descriptor changes nothing
        if isinstance(value, dict) and "__op" in value:
            _check_op(key, value)
            if value["__op"] in RELATION_OPS:
                ops = value["ops"] if value["__op"] == "Batch" else [value]
                relations[key] = ops
                continue
            if value["__op"] in ARRAY_OPS:
                value = {"__op": value["__op"], "objects": encode_value(value["objects"], top_level=False)}
            data[key] = value
        else:
            data[key] = encode_value(value)
    return data, relations


def _relation_type(relations: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Relation ops as schema-checkable values for enforce_fields."""
    out: dict[str, Any] = {}
    for name, ops in relations.items():
        for op in ops:
            objs = op.get("objects") or []
            classes = {o.get("className") for o in objs if isinstance(o, dict)}
            if any(not isinstance(o, dict) or o.get("__type") != "Pointer" for o in objs) or len(classes) > 1:
                raise ParseError(ParseError.INVALID_JSON, "Invalid relation objects")
            if objs:
                out[name] = {"__op": "AddRelation", "objects": objs}
                break
    return out


async def _apply_relations(server: Server, class_name: str, object_id: str,
                           relations: dict[str, list[dict[str, Any]]]) -> None:
    for name, ops in relations.items():
        for op in ops:
            for obj in op.get("objects") or []:
                if op["__op"] == "AddRelation":
                    await server.storage.add_relation(class_name, name, object_id, obj["objectId"])
                else:
                    await server.storage.remove_relation(class_name, name, object_id, obj["objectId"])


def _create_value(value: Any) -> Any:
    """The value an update op takes when the object is new."""
    if isinstance(value, dict) and "__op" in value:
        kind = value["__op"]
        if kind == "Increment":
            return value["amount"]
        if kind in ("Add", "AddUnique"):
            return value["objects"]
        if kind == "Remove":
            return []
    return value


def _set_acl(stored: dict[str, Any], acl: Any) -> None:
    if not isinstance(acl, dict):
        raise ParseError(ParseError.INVALID_ACL, "Invalid ACL.")
    stored["_rperm"], stored["_wperm"] = acl_to_perms(acl)


def _check_required(schema: ClassSchema, class_name: str, data: dict[str, Any], is_create: bool) -> None:
    for name, f in schema["fields"].items():
        if not f.get("required"):
            continue
        if is_create:
            value = data.get(name)
            missing = value is None or value == "" or (isinstance(value, dict) and value.get("__op") == "Delete")
        else:
            value = data.get(name, 0)
            missing = name in data and (value is None or value == "" or (
                isinstance(value, dict) and value.get("__op") == "Delete"))
        if missing:
            raise ParseError(ParseError.VALIDATION_ERROR, f"{name} is required")
    for name in REQUIRED_WRITE_FIELDS.get(class_name, []):
        value = data.get(name)
        # JavaScript falsiness, as Parse checks it: an empty ACL {} counts as present.
        if is_create and (value is None or value is False or value == "" or value == 0):
            raise ParseError(ParseError.INCORRECT_TYPE, f"{name} is required.")
        if not is_create and isinstance(value, dict) and value.get("__op") == "Delete":
            raise ParseError(ParseError.INCORRECT_TYPE, f"{name} is required.")


def _echo(data: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """Op results the client gets back: the field's value after the write."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict) and value.get("__op") in ("Increment", *ARRAY_OPS):
            cur: Any = stored
            for part in key.split("."):
                cur = cur.get(part) if isinstance(cur, dict) else None
            out[key] = cur
    return out


async def create(server: Server, auth: Auth, class_name: str, body: dict[str, Any], *,
                 internal: dict[str, Any] | None = None) -> WriteResult:
    """POST /classes/C: validate, infer schema, store, answer {objectId, createdAt} (+ op results).

    Routes reach this through core/rest.py, which first sends `_User`, `_Session` and `_Role`
    writes through their own rules (core/auth); `internal` holds stored fields core sets itself
    (objectId, `_hashed_password`...), written as given.
    """
    enforce_role_security("create", class_name, auth)
    cfg = server.config
    data, relations = _split_body(class_name, body, True, auth, cfg)
    can_create_class = auth.is_master or auth.is_maintenance or cfg.allowClientClassCreation
    schema = await server.schema.enforce_class(class_name, can_create_class)
    clp = None if auth.bypasses_permissions else await server.schema.clp(class_name)
    check_clp(clp, class_name, auth, "create")
    hooked = await triggers.prepare_save(server, auth, class_name, schema, body, None)
    if hooked is not None:  # before_save may have changed what is written
        body = hooked.body
        data, relations = _split_body(class_name, body, True, auth, cfg)
    can_add = auth.bypasses_permissions or check_clp_quiet(clp, class_name, auth, "addField")
    if not can_add and _adds_fields(schema, data, relations):
        # Parse judges addField before it checks the written values' types.
        raise ParseError(ParseError.OPERATION_FORBIDDEN,
                         f"Permission denied for action addField on class {class_name}.")
    schema = await server.schema.enforce_fields(class_name, {**data, **_relation_type(relations)}, can_add)
    defaulted: dict[str, Any] = {}
    for name, f in schema["fields"].items():
        if "defaultValue" in f and (data.get(name) is None or (
                isinstance(data.get(name), dict) and data[name].get("__op") == "Delete")):
            data[name] = defaulted[name] = f["defaultValue"]
    _check_required(schema, class_name, data, True)
    object_id = (internal or {}).get("objectId") or _new_id(server, body)
    now = now_iso()
    stored: dict[str, Any] = {"objectId": object_id, "createdAt": now, "updatedAt": now}
    if auth.is_maintenance:
        _maintenance_dates(body, stored)
    for key, value in data.items():
        if key == "ACL":
            _set_acl(stored, value)
            continue
        v = _create_value(value)
        if isinstance(v, dict) and v.get("__op") == "Delete":
            continue
        _assign_path(stored, key, v)
    stored.update({k: v for k, v in (internal or {}).items() if k != "objectId"})
    _lowercase_user_names(cfg, class_name, stored)
    # Nothing below is seen by others when no hook, relation or listener follows the insert
    # (and no caller continues, as signup does): a batch may then write it with its next creates.
    may_wait = (hooked is None and not relations and internal is None and not class_name.startswith("_")
                and not server.events.wants(class_name))
    try:
        await server.storage.create_object(class_name, schema, stored, may_wait=may_wait)
    except DuplicateValueError as e:
        raise duplicate_error(class_name, e) from None
    await _apply_relations(server, class_name, object_id, relations)
    response = {"objectId": object_id, "createdAt": stored["createdAt"], **_echo(data, stored), **defaulted}
    if server.events.wants(class_name):
        await server.events.emit(WriteEvent("create", class_name, stored, None, auth))
    response = _save_response(server, auth, class_name, clp, stored, hooked, response)
    if hooked is not None:
        response = await triggers.finish_save(server, auth, class_name, schema, stored, hooked, response)
    return WriteResult(response=response, object_id=object_id, created=True, stored=stored)


def _save_response(server: Server, auth: Auth, class_name: str, clp: dict[str, Any] | None,
                   stored: dict[str, Any], hooked: triggers.PreparedSave | None,
                   response: dict[str, Any]) -> dict[str, Any]:
    """The save's answer with before_save's changes; protectedFieldsSaveResponseExempt false also
    takes the requester's protected fields out of it, as a query's results."""
    if hooked is not None:
        for key, value in hooked.echo.items():
            response.setdefault(key, value)
    if server.config.protectedFieldsSaveResponseExempt:
        return response
    hidden = protected_fields_for(clp, auth, class_name, stored, server.config.protectedFieldsOwnerExempt)
    return {k: v for k, v in response.items() if k not in hidden} if hidden else response


def duplicate_error(class_name: str, error: DuplicateValueError) -> ParseError:
    """The Parse error a unique index hit means: 208 for a repeated authData id (as Parse Server), else 137."""
    if class_name == "_User" and any(f.startswith(("_auth_data_", "authData.")) for f in error.fields):
        return ParseError(ParseError.ACCOUNT_ALREADY_LINKED, "this auth is already used")
    return ParseError(ParseError.DUPLICATE_VALUE, "A duplicate value for a field with unique values was provided")


def _maintenance_dates(body: dict[str, Any], stored: dict[str, Any]) -> None:
    """The maintenance key may backdate createdAt (and updatedAt, not before createdAt) on create."""
    dates: dict[str, str] = {}
    for key in ("createdAt", "updatedAt"):
        if key not in body:
            continue
        value = body[key]
        if not isinstance(value, dict) or value.get("__type") != "Date":
            raise ParseError(ParseError.INCORRECT_TYPE, f"{key} must be a Date")
        dates[key] = encode_value(value)["iso"]
    if "createdAt" not in dates:
        return
    stored["createdAt"] = dates["createdAt"]
    stored["updatedAt"] = dates.get("updatedAt", dates["createdAt"])
    if stored["updatedAt"] < stored["createdAt"]:
        raise ParseError(ParseError.VALIDATION_ERROR, "updatedAt cannot occur before createdAt")


def _adds_fields(schema: ClassSchema, data: dict[str, Any], relations: dict[str, Any]) -> bool:
    """Would this write add a field to the class? (Delete ops never do.)"""
    fields = schema["fields"]
    for key, value in [*data.items(), *relations.items()]:
        if key == "ACL" or (isinstance(value, dict) and value.get("__op") == "Delete"):
            continue
        if key.split(".", 1)[0] not in fields:
            return True
    return False


def check_clp_quiet(clp: dict[str, Any] | None, class_name: str, auth: Auth, op: str,
                    action: str = "create") -> bool:
    """Would the CLP allow `op`? (no exception)."""
    try:
        check_clp(clp, class_name, auth, op, action=action)
        return True
    except ParseError:
        return False


def _new_id(server: Server, body: dict[str, Any]) -> str:
    if server.config.allowCustomObjectId:
        oid = body.get("objectId")
        if "objectId" in body or oid is not None:
            if not isinstance(oid, str) or not oid:
                raise ParseError(ParseError.MISSING_OBJECT_ID, "objectId must not be empty, null or undefined")
            return oid
    return new_object_id(server.config.objectIdSize)


def _assign_path(doc: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    cur = doc
    for p in parts[:-1]:
        nxt = cur.get(p)
        if not isinstance(nxt, dict):
            nxt = {}
            cur[p] = nxt
        cur = nxt
    cur[parts[-1]] = value


async def update(server: Server, auth: Auth, class_name: str, object_id: str,
                 body: dict[str, Any], *, internal: dict[str, Any] | None = None) -> WriteResult:
    """PUT /classes/C/id: apply the changes atomically, answer {updatedAt} (+ op results).

    `internal` as for `create` (internal values may be update ops such as Delete).
    """
    enforce_role_security("update", class_name, auth)
    data, relations = _split_body(class_name, body, False, auth, server.config)
    schema = await _existing_schema(server, auth, class_name)
    where: dict[str, Any] = {"objectId": object_id}
    restrictions: list[dict[str, Any]] = []
    clp = None if auth.bypasses_permissions else await server.schema.clp(class_name)
    if not auth.bypasses_permissions:
        restriction = _pointer_restriction(clp, class_name, auth, schema, "update")
        if restriction is not None:
            restrictions.append(restriction)
        restrictions.append({"_wperm": {"$in": [None, *auth.acl_group()]}})
    hooked = await triggers.prepare_save(server, auth, class_name, schema, body, object_id,
                                         {"$and": [where, *restrictions]} if restrictions else where)
    if hooked is not None:  # before_save may have changed what is written
        body = hooked.body
        data, relations = _split_body(class_name, body, False, auth, server.config)
    if not auth.bypasses_permissions and _adds_fields(schema, data, relations):
        # addField granted through pointerFields limits the update to objects pointing at the user.
        restriction = _pointer_restriction(clp, class_name, auth, schema, "addField", action="update")
        if restriction is not None:
            restrictions.append(restriction)
    can_add = auth.bypasses_permissions or check_clp_quiet(clp, class_name, auth, "addField", action="update")
    schema = await server.schema.enforce_fields(class_name, {**data, **_relation_type(relations)}, can_add)
    _check_required(schema, class_name, data, False)
    now = now_iso()
    change: dict[str, Any] = {"updatedAt": now}
    for key, value in data.items():
        if key == "ACL":
            if isinstance(value, dict) and value.get("__op") == "Delete":
                change["_rperm"] = {"__op": "Delete"}
                change["_wperm"] = {"__op": "Delete"}
                continue
            perms: dict[str, Any] = {}
            _set_acl(perms, value)
            change.update(perms)
            continue
        change[key] = value
    change.update(internal or {})
    _lowercase_user_names(server.config, class_name, change)
    if restrictions:
        where = {"$and": [where, *restrictions]}
    original = hooked.original if hooked is not None else await _fetch_original(server, class_name, schema, object_id)
    try:
        stored = await server.storage.find_one_and_update(class_name, schema, where, change)
    except DuplicateValueError as e:
        raise duplicate_error(class_name, e) from None
    if stored is None:
        raise ParseError(ParseError.OBJECT_NOT_FOUND, "Object not found.")
    await _apply_relations(server, class_name, object_id, relations)
    response = {"updatedAt": stored.get("updatedAt", now), **_echo(data, stored)}
    if original is not None:
        await server.events.emit(WriteEvent("update", class_name, stored, original, auth))
    response = _save_response(server, auth, class_name, clp, stored, hooked, response)
    if hooked is not None:
        response = await triggers.finish_save(server, auth, class_name, schema, stored, hooked, response)
    return WriteResult(response=response, object_id=object_id, stored=stored)


async def delete(server: Server, auth: Auth, class_name: str, object_id: str) -> dict[str, Any] | None:
    """DELETE /classes/C/id: 101 when missing or not writable; returns the deleted stored document."""
    enforce_role_security("delete", class_name, auth)
    schema = await _existing_schema(server, auth, class_name)
    where: dict[str, Any] = {"objectId": object_id}
    if not auth.bypasses_permissions:
        clp = await server.schema.clp(class_name)
        parts: list[dict[str, Any]] = [where]
        restriction = _pointer_restriction(clp, class_name, auth, schema, "delete")
        if restriction is not None:
            parts.append(restriction)
        parts.append({"_wperm": {"$in": [None, *auth.acl_group()]}})
        where = {"$and": parts}
    hooked = await triggers.prepare_delete(server, auth, class_name, schema, where)
    original = hooked.original if hooked is not None else await _fetch_original(server, class_name, schema, object_id)
    deleted = await server.storage.delete_many(class_name, schema, where)
    if deleted == 0:
        raise ParseError(ParseError.OBJECT_NOT_FOUND, "Object not found.")
    if original is not None:
        await server.events.emit(WriteEvent("delete", class_name, original, original, auth))
    if hooked is not None:
        await triggers.finish_delete(server, auth, class_name, schema, hooked)
    return original


async def _existing_schema(server: Server, auth: Auth, class_name: str) -> ClassSchema:
    """The schema of a class written to by id: 119 for clients when it doesn't exist, else 101."""
    schema = await server.schema.get(class_name)
    if schema is None:
        if not auth.is_master and not server.config.allowClientClassCreation:
            raise ParseError(ParseError.OPERATION_FORBIDDEN,
                             f"This user is not allowed to access non-existent class: {class_name}")
        raise ParseError(ParseError.OBJECT_NOT_FOUND, "Object not found.")
    return schema


def _pointer_restriction(clp: dict[str, Any] | None, class_name: str, auth: Auth, schema: ClassSchema,
                         operation: str, action: str | None = None) -> dict[str, Any] | None:
    """The where limiting a write to objects whose user fields point at the requester (CLP pointer permissions).

    None when the CLP grants the operation outright; 101 when only pointer permissions could and
    there is no user.
    """
    pointer_fields = check_clp(clp, class_name, auth, operation, action=action)
    if pointer_fields is None:
        return None
    restriction = pointer_permission_where(pointer_fields, auth.user_id, schema["fields"])
    if restriction is None:
        raise ParseError(ParseError.OBJECT_NOT_FOUND, "Object not found.")
    return restriction


async def _fetch_original(server: Server, class_name: str, schema: ClassSchema,
                          object_id: str) -> dict[str, Any] | None:
    """The stored object before a write, fetched only when a write listener needs it."""
    if not server.events.wants(class_name):
        return None
    found = await server.storage.find(class_name, schema, {"objectId": object_id}, FindOptions(limit=1))
    return found[0] if found else None


def _lowercase_user_names(config: Any, class_name: str, values: dict[str, Any]) -> None:
    """convertEmailToLowercase / convertUsernameToLowercase: a _User's email / username is stored lowercased."""
    if class_name != "_User":
        return
    for key, on in (("email", config.convertEmailToLowercase), ("username", config.convertUsernameToLowercase)):
        if on and isinstance(values.get(key), str):
            values[key] = values[key].lower()
