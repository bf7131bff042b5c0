"""Finds, gets and counts: the REST query pipeline from a client's options to response objects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...storage.base import ClassSchema, FindOptions
from ..hooks import triggers
from ..runtime.auth import Auth
from ...errors import ParseError
from .include import apply_include
from .options import QueryOptions
from ..permissions.acl import check_clp, enforce_role_security, pointer_permission_where
from ..permissions.auth_data_view import mask_secret_auth_data
from ..permissions.protected import hide_protected_in_results, protected_fields_for
from ..schema.defs import SYSTEM_CLASSES, field_name_is_valid
from ..runtime.server import Server
from ..permissions.own_sessions import own_sessions_where
from .subqueries import resolve_subqueries
from ..request_complexity import check_include, check_where
from ...language.transform import decode_object, relation_stubs
from ...language.where import is_plain_where, normalize_where, validate_where

ALWAYS_SELECTED = ("objectId", "createdAt", "updatedAt", "ACL")


async def _class_schema(server: Server, auth: Auth, class_name: str) -> ClassSchema | None:
    schema = await server.schema.get(class_name)
    if schema is None and not auth.is_master and not server.config.allowClientClassCreation \
            and class_name not in SYSTEM_CLASSES:
        raise ParseError(ParseError.OPERATION_FORBIDDEN,
                         f"This user is not allowed to access non-existent class: {class_name}")
    return schema


def _sort_spec(order: list[str], class_name: str, fields: dict[str, Any]) -> list[tuple[str, int]]:
    sort: list[tuple[str, int]] = []
    for item in order:
        desc = item.startswith("-")
        name = item[1:] if desc else item
        if name == "$score":
            sort.append(("$score", -1))
            continue
        if name.startswith("authData.") and name.endswith(".id"):
            raise ParseError(ParseError.INVALID_KEY_NAME, f"Cannot sort by {name}")
        root = name.split(".", 1)[0]
        if name in ("_created_at", "_updated_at"):
            name = root = name[1:].replace("_at", "At")
        if not field_name_is_valid(root, class_name):
            raise ParseError(ParseError.INVALID_KEY_NAME, f"Invalid field name: {name}.")
        if root not in fields:
            continue
        sort.append((name, -1 if desc else 1))
    return sort


async def build_where(server: Server, auth: Auth, class_name: str, schema: ClassSchema | None,
                      where: dict[str, Any], operation: str, clp: dict[str, Any] | None) -> dict[str, Any] | None:
    """Checked, resolved, normalised, permission-restricted where (`clp`: the class's, as
    server.schema.clp answers it); None when nothing can match."""
    if class_name == "_Session":
        where = own_sessions_where(auth, where)  # clients see only their own sessions
    fields = schema["fields"] if schema else {}
    if len(where) == 1 and where.get("objectId").__class__ is str:
        normalized = {"objectId": where["objectId"]}  # a get: nothing to check, resolve or encode
    elif is_plain_where(where, fields):
        normalized = dict(where)  # plain comparisons (most lists and counts): the same
    else:
        validate_where(where, auth.bypasses_permissions)
        resolved = await resolve_subqueries(server, auth, class_name, fields, where, find)
        if resolved is None:
            return None
        normalized = normalize_where(resolved, fields)
    restrictions: list[dict[str, Any]] = []
    if not auth.bypasses_permissions:
        pointer_fields = check_clp(clp, class_name, auth, operation)
        if pointer_fields is not None:
            restriction = pointer_permission_where(pointer_fields, auth.user_id, fields)
            if restriction is None:
                return None
            restrictions.append(restriction)
        protected = protected_fields_for(clp, auth, class_name)
        _deny_protected_query(normalized, protected, class_name)
        restrictions.append({"_rperm": {"$in": [None, *auth.acl_group()]}})
    if restrictions:
        normalized = {"$and": [normalized, *restrictions]} if normalized else (
            restrictions[0] if len(restrictions) == 1 else {"$and": restrictions})
    return normalized


def _deny_protected_query(where: dict[str, Any], protected: set[str] | None, class_name: str) -> None:
    if not protected:
        return
    for key, value in where.items():
        if key in ("$or", "$and", "$nor"):
            for sub in value:
                _deny_protected_query(sub, protected, class_name)
        elif key.split(".", 1)[0] in protected:
            raise ParseError(ParseError.OPERATION_FORBIDDEN,
                             f"This user is not allowed to query {key} on class {class_name}")


async def find(server: Server, auth: Auth, class_name: str, opts: QueryOptions,
               is_get: bool = False) -> dict[str, Any]:
    """Run a find: {"results": [...]} plus "count" when asked; with `explain`, the database's plan."""
    enforce_role_security("get" if is_get else "find", class_name, auth)
    if opts.explain and not auth.is_master and not (server.config.databaseOptions or {}).get("allowPublicExplain"):
        raise ParseError(ParseError.INVALID_QUERY, "Using the explain query parameter requires the master key")
    opts = await triggers.before_find(server, auth, class_name, opts, is_get)
    if opts.redirect_key:
        class_name = await _redirect_class(server, class_name, opts.redirect_key)
    schema = await _class_schema(server, auth, class_name)
    is_get = is_get or (len(opts.where) == 1 and isinstance(opts.where.get("objectId"), str))
    # A pure count (limit 0) is judged by the `count` permission alone, as Parse Server does.
    operation = "get" if is_get else ("count" if opts.count and opts.limit == 0 else "find")
    check_where(server, auth, opts.where)  # requestComplexity: queryDepth, subqueryDepth, allowRegex
    clp = None if auth.bypasses_permissions else server.schema.clp_of(class_name, schema)
    where = await build_where(server, auth, class_name, schema, opts.where, operation, clp)
    if schema is None:
        return {"results": [], "count": 0} if opts.count else {"results": []}
    if opts.limit == 0 and (operation == "count" or not opts.count) and not (
            opts.explain or opts.include or opts.include_all or opts.keys is not None or opts.exclude_keys):
        return await _without_results(server, auth, class_name, schema, opts, where)
    fields = schema["fields"]
    response: dict[str, Any] = {}
    count_where = where
    if opts.count and operation != "count" and not auth.bypasses_permissions:
        count_where = await build_where(server, auth, class_name, schema, opts.where, "count", clp)
    paths = _paths(schema, opts)
    check_include(server, auth, paths.include)  # requestComplexity: includeDepth/Count
    docs: list[dict[str, Any]] = []
    find_opts = FindOptions(skip=opts.skip, limit=opts.limit, sort=_sort_spec(opts.order, class_name, fields),
                            keys=opts.keys, fields=_stored_fields(auth, class_name, clp, paths))
    if opts.explain:  # as Parse Server: the plan stands in for the results, after the permission checks
        return {"results": [] if where is None else await server.storage.explain(class_name, schema, where, find_opts)}
    if where is not None and opts.limit != 0:
        docs = await server.storage.find(class_name, schema, where, find_opts)
    relations = relation_stubs(fields)
    if paths.kept is not None:  # the stubs of Relation fields outside `keys` would only be trimmed again
        relations = {name: stub for name, stub in relations.items() if name in paths.kept}
    results = [decode_object(d, fields, server.file_url, relations=relations) for d in docs]
    if opts.redirect_key:
        for r in results:
            r["className"] = class_name
    if (opts.order and "$score" in [o.lstrip("-") for o in opts.order]) or (opts.keys and "$score" in opts.keys):
        for d, r in zip(docs, results):
            if "$score" in d:
                r["score"] = d["$score"]
    await _post_process(server, auth, class_name, clp, results, opts, paths)
    response["results"] = await triggers.after_find(server, auth, class_name, results, opts)
    if opts.count:
        response["count"] = 0 if count_where is None else await server.storage.count(class_name, schema, count_where)
    return response


async def _without_results(server: Server, auth: Auth, class_name: str, schema: ClassSchema, opts: QueryOptions,
                           where: dict[str, Any] | None) -> dict[str, Any]:
    """A find with limit 0 (a count, or an empty page) and nothing to include or project: no objects
    to read, decode or filter; the sort is still checked and afterFind still runs. A count here is
    a pure count, judged by the `count` permission alone: `where` is already the count's."""
    if opts.order:
        _sort_spec(opts.order, class_name, schema["fields"])  # (for its errors)
    response: dict[str, Any] = {"results": await triggers.after_find(server, auth, class_name, [], opts)}
    if opts.count:
        response["count"] = 0 if where is None else await server.storage.count(class_name, schema, where)
    return response


def _include_paths(schema: ClassSchema, opts: QueryOptions) -> tuple[list[str], list[str] | None]:
    """The include paths a find resolves (asked, implied by dotted keys, or all linked fields) and its keys."""
    if not (opts.include or opts.keys or opts.exclude_keys or opts.include_all):
        return [], opts.keys  # nothing asked (most finds and gets)
    include = list(opts.include)
    for key in (opts.keys or []) + opts.exclude_keys:
        if "." in key:
            include.append(key.rsplit(".", 1)[0])
    keys = opts.keys
    if opts.include_all:
        linked = [n for n, f in schema["fields"].items() if f.get("type") in ("Pointer", "Array")]
        include.extend(linked)
        if keys is not None:
            keys = keys + linked
    return [p for p in include if p != "*"], keys


@dataclass(frozen=True)
class _Paths:
    """What a find's include and keys options come to, worked out once per find: the include paths, the
    keys, and the top-level fields the answer keeps (None: all of them)."""

    include: list[str]
    keys: list[str] | None
    kept: frozenset[str] | None


def _paths(schema: ClassSchema, opts: QueryOptions) -> _Paths:
    include, keys = _include_paths(schema, opts)
    if keys is None:
        return _Paths(include, None, None)
    kept = {k.split(".", 1)[0] for k in keys}.union(ALWAYS_SELECTED)
    if "$score" in keys:
        kept.add("score")  # keys=$score asks for the text score, answered as `score`
    return _Paths(include, keys, frozenset(kept))


def _stored_fields(auth: Auth, class_name: str, clp: dict[str, Any] | None,
                   paths: _Paths) -> frozenset[str] | None:
    """What storage must read for a find with keys (None: whole objects): the keys' and includes' top-level
    fields, and the pointers that decide per object which protectedFields apply (userField: entries)."""
    if paths.keys is None:
        return None
    roots = {k.split(".", 1)[0] for k in paths.keys} | {p.split(".", 1)[0] for p in paths.include}
    if class_name == "_User" and "authData" in roots:
        return None  # MongoDB keeps it as one _auth_data_<provider> field per provider
    if not auth.bypasses_permissions:
        protected = (clp or {}).get("protectedFields") or {}
        roots.update(e[len("userField:"):] for e in protected if e.startswith("userField:"))
    return frozenset(roots.difference(ALWAYS_SELECTED, ("$score",)))


async def _post_process(server: Server, auth: Auth, class_name: str, clp: dict[str, Any] | None,
                        results: list[dict[str, Any]], opts: QueryOptions, paths: _Paths) -> None:
    if paths.include:
        await apply_include(server, auth, results, paths.include, paths.keys, opts.exclude_keys, find)
    if not auth.bypasses_permissions:
        hide_protected_in_results(results, clp, auth, class_name,
                                  server.config.protectedFieldsOwnerExempt)
    if class_name == "_User":
        for r in results:
            clean_user(r, auth)
    keep = paths.kept
    if keep is not None:
        for r in results:
            if not r.keys() <= keep:
                for k in [k for k in r if k not in keep]:
                    del r[k]
    if opts.exclude_keys:
        top_excluded = [k for k in opts.exclude_keys if "." not in k and k not in ALWAYS_SELECTED]
        for r in results:
            for k in top_excluded:
                r.pop(k, None)


def clean_user(user: dict[str, Any], auth: Auth) -> None:
    """What a _User response never shows: password, sessionToken, others' authData."""
    user.pop("password", None)
    user.pop("sessionToken", None)
    is_self = auth.user_id is not None and auth.user_id == user.get("objectId")
    if "authData" in user:
        if not (auth.is_master or is_self):
            del user["authData"]
        else:
            auth_data = {k: v for k, v in (user["authData"] or {}).items() if v is not None}
            if not auth.is_master:
                mask_secret_auth_data(auth_data)  # the mfa adapter's secret and recovery codes
            if auth_data:
                user["authData"] = auth_data
            else:
                del user["authData"]


async def get(server: Server, auth: Auth, class_name: str, object_id: str, opts: QueryOptions) -> dict[str, Any]:
    """One object by id; 101 when missing or unreadable."""
    opts.where = {"objectId": object_id}
    opts.limit = 1
    response = await find(server, auth, class_name, opts, is_get=True)
    if not response["results"]:
        raise ParseError(ParseError.OBJECT_NOT_FOUND, "Object not found.")
    found = response["results"][0]
    if class_name == "_User" and auth.session_token and auth.user_id == object_id:
        found["sessionToken"] = auth.session_token  # SDKs keep the current user's token this way
    return found


async def _redirect_class(server: Server, class_name: str, key: str) -> str:
    schema = await server.schema.get(class_name)
    f = (schema or {}).get("fields", {}).get(key) if schema else None
    if f and f.get("type") == "Relation":
        return f["targetClass"]
    return class_name
