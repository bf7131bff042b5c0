"""Resolvers of the per-class queries and mutations, and of the fields of object types.

Reads go through core.query (beforeFind/afterFind, ACL, CLP, protectedFields, pointer permissions);
writes through core.rest, the entry point of every REST write (validators and save/delete hooks).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from graphql import GraphQLResolveInfo

from ..core import rest
from ..core.query import find as query
from ..core.query.options import QueryOptions
from ..errors import ParseError
from .execution import source_only
from .inputs import to_parse_fields
from .relay import cursor_to_offset, from_global_id, object_id_of, offset_to_cursor, to_global_id
from .selection import Projection, children, node_selection, projection
from .where import to_parse_where

if TYPE_CHECKING:
    from .context import GraphQLContext
    from .model import ClassModel

Resolver = Callable[..., Any]


async def get_object(ctx: "GraphQLContext", model: "ClassModel", object_id: str,
                     selected: Projection) -> dict[str, Any]:
    """One object as REST's GET /classes/C/id?keys=..&include=.. returns it (101 when missing or unreadable)."""
    opts = QueryOptions(keys=selected.keys, include=selected.include)
    found = await query.get(ctx.server, ctx.auth, model.class_name, object_id, opts)
    if model.class_name == "_User":
        found.pop("sessionToken", None)
    return found


def skip_and_limit(skip: int | None, first: int | None, after: str | None, last: int | None,
                   before: str | None, max_limit: int | None) -> tuple[int | None, int | None, bool]:
    """Relay arguments -> (skip, limit, whether a count must come first), Parse Server's arithmetic."""
    if skip is not None and skip < 0:
        raise ParseError(ParseError.INVALID_QUERY, "Skip should be a positive number")
    limit: int | None = None
    if after:
        offset = cursor_to_offset(after)
        if offset is None or offset < 0:
            raise ParseError(ParseError.INVALID_QUERY, "After is not a valid cursor")
        skip = (skip or 0) + offset + 1
    if first is not None:
        if first < 0:
            raise ParseError(ParseError.INVALID_QUERY, "First should be a positive number")
        limit = first
    if before:
        offset = cursor_to_offset(before)
        if offset is None or offset < 0:
            raise ParseError(ParseError.INVALID_QUERY, "Before is not a valid cursor")
        if (skip or 0) >= offset:
            limit = 0
        elif limit is None or (skip or 0) + limit > offset:
            limit = offset - (skip or 0)
    pre_count = False
    if last is not None:
        if last < 0:
            raise ParseError(ParseError.INVALID_QUERY, "Last should be a positive number")
        if max_limit and last > max_limit:
            last = max_limit
        if limit is not None:
            if last < limit:
                skip = (skip or 0) + (limit - last)
                limit = last
        elif last == 0:
            limit = 0
        else:
            limit, pre_count = last, True
    return skip, limit, pre_count


async def find_connection(ctx: "GraphQLContext", model: "ClassModel", info: GraphQLResolveInfo,
                          where: dict[str, Any], args: dict[str, Any]) -> dict[str, Any]:
    """A `<Class>Connection` for a find: edges with offset cursors, pageInfo and count."""
    server, auth = ctx.server, ctx.auth
    cfg = server.config
    skip, limit, pre_count = skip_and_limit(args.get("skip"), args.get("first"), args.get("after"),
                                            args.get("last"), args.get("before"), cfg.maxLimit)
    nodes, top, wants_cursors = node_selection(info)
    wants_rows = bool(nodes) or "pageInfo" in top or "edges" in top
    page = children(top.get("pageInfo", []), info)
    wants_count = "count" in top or "hasNextPage" in page or "hasPreviousPage" in page
    count: int | None = None
    if pre_count:
        counted = await query.find(server, auth, model.class_name, QueryOptions(where=where, limit=0, count=True))
        count = int(counted.get("count", 0))
        if (skip or 0) + (limit or 0) < count:
            skip = count - (limit or 0)
    opts = QueryOptions(where=where, limit=0, count=wants_count and not pre_count)
    if wants_rows:
        opts.limit = limit if limit is not None else cfg.defaultLimit
        if cfg.maxLimit and opts.limit > cfg.maxLimit:
            opts.limit = cfg.maxLimit
        opts.skip = skip or 0
        opts.order = [o for o in (args.get("order") or []) if o]
        selected = projection(nodes, info, model, ctx.models)
        opts.keys, opts.include = selected.keys, selected.include
    results: list[dict[str, Any]] = []
    if opts.count or opts.limit:
        response = await query.find(server, auth, model.class_name, opts)
        results = response["results"]
        if opts.count:
            count = int(response.get("count", 0))
    elif not pre_count and wants_count:
        count = 0
    start = skip or 0
    if model.class_name == "_User":
        for r in results:
            r.pop("sessionToken", None)
    if wants_cursors:
        edges = [{"cursor": offset_to_cursor(start + i), "node": r} for i, r in enumerate(results)]
    else:  # nothing reads an edge's cursor: not encoded
        edges = [{"node": r} for r in results]
    total = count or 0
    page_info = {
        "hasPreviousPage": bool(total > 0 and start > 0),
        "startCursor": offset_to_cursor(start),
        "endCursor": offset_to_cursor(start + (len(results) or 1) - 1),
        "hasNextPage": total > start + len(results),
    } if "pageInfo" in top else None
    return {"edges": edges, "pageInfo": page_info, "count": count}


def get_resolver(model: "ClassModel") -> Resolver:
    """`<class>(id)`."""
    async def resolve(_root: Any, info: GraphQLResolveInfo, id: str, options: Any = None) -> Any:
        ctx: GraphQLContext = info.context
        selected = projection(info.field_nodes, info, model, ctx.models)
        return await get_object(ctx, model, object_id_of(id, model.class_name), selected)
    return resolve


def find_resolver(model: "ClassModel") -> Resolver:
    """`<classes>(where, order, skip, first, after, last, before)`."""
    async def resolve(_root: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
        ctx: GraphQLContext = info.context
        where = to_parse_where(args.get("where"), model, ctx.models)
        return await find_connection(ctx, model, info, where, args)
    return resolve


def relation_resolver(model: "ClassModel", field: str) -> Resolver:
    """A Relation field: a connection over the related objects, with the same arguments as a find."""
    async def resolve(source: dict[str, Any], info: GraphQLResolveInfo, **args: Any) -> Any:
        ctx: GraphQLContext = info.context
        target = ctx.models[model.target(field) or ""]
        where = to_parse_where(args.get("where"), target, ctx.models)
        where["$relatedTo"] = {"object": {"__type": "Pointer", "className": model.class_name,
                                          "objectId": source["objectId"]}, "key": field}
        return await find_connection(ctx, target, info, where, args)
    return resolve


def _payload_object(info: GraphQLResolveInfo, model: "ClassModel") -> list[Any]:
    """The field nodes of the payload's object field (e.g. `gameScore` in createGameScore's payload)."""
    return children(info.field_nodes, info).get(model.get_query, [])


async def _read_back(ctx: "GraphQLContext", info: GraphQLResolveInfo, model: "ClassModel", object_id: str,
                     written: dict[str, Any], cheap: set[str]) -> dict[str, Any]:
    """The object a mutation answers with: re-read as the caller (so ACL and protectedFields apply),
    unless only fields the write itself returned are selected."""
    nodes = _payload_object(info, model)
    selected = set(children(nodes, info))
    if selected <= cheap:
        return written
    return await get_object(ctx, model, object_id, projection(nodes, info, model, ctx.models))


def write_resolver(model: "ClassModel", creating: bool) -> Resolver:
    """`create<Class>(input: {fields})` and `update<Class>(input: {id, fields})`, with clientMutationId."""
    cheap = {"id", "objectId", "updatedAt", "__typename"} | ({"createdAt"} if creating else set())

    async def resolve(_root: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> Any:
        ctx: GraphQLContext = info.context
        body = await to_parse_fields(ctx, model, input.get("fields"))
        if creating:
            result = await rest.create(ctx.server, ctx.auth, model.class_name, body)
            object_id = result.object_id
        else:
            object_id = object_id_of(input["id"], model.class_name)
            result = await rest.update(ctx.server, ctx.auth, model.class_name, object_id, body)
        written = {**result.response, "objectId": object_id}
        written.setdefault("updatedAt", written.get("createdAt"))
        obj = await _read_back(ctx, info, model, object_id, written, cheap)
        return {model.get_query: obj, "clientMutationId": input.get("clientMutationId")}
    return resolve


def delete_resolver(model: "ClassModel") -> Resolver:
    """`delete<Class>(input: {id, clientMutationId})`: answers the object as it was before the delete."""
    async def resolve(_root: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> Any:
        ctx: GraphQLContext = info.context
        object_id = object_id_of(input["id"], model.class_name)
        selected = set(children(_payload_object(info, model), info))
        if selected <= {"id", "objectId", "__typename"}:
            obj: dict[str, Any] = {"objectId": object_id}
        else:
            obj = await get_object(ctx, model, object_id, projection(
                _payload_object(info, model), info, model, ctx.models))
        await rest.delete(ctx.server, ctx.auth, model.class_name, object_id)
        return {model.get_query: obj, "clientMutationId": input.get("clientMutationId")}
    return resolve


async def resolve_node(_root: Any, info: GraphQLResolveInfo, id: str) -> Any:
    """`node(id)`: any object by its global id."""
    ctx: GraphQLContext = info.context
    class_name, object_id = from_global_id(id)
    model = ctx.models.get(class_name)
    if model is None:  # as a REST get of an unknown class: nothing is found (Parse Server answers 101 too)
        raise ParseError(ParseError.OBJECT_NOT_FOUND, "Object not found.")
    found = await get_object(ctx, model, object_id, projection(info.field_nodes, info, model, ctx.models))
    return {**found, "className": class_name}


def global_id_resolver(class_name: str) -> Resolver:
    """The `id` field: the Relay global id of the object."""
    @source_only
    def resolve(source: dict[str, Any], _info: GraphQLResolveInfo) -> str:
        return to_global_id(class_name, source["objectId"])
    return resolve


@source_only
def resolve_acl(source: dict[str, Any], _info: GraphQLResolveInfo) -> dict[str, Any]:
    """An object without an ACL is public read and write."""
    return source.get("ACL") or {"*": {"read": True, "write": True}}


@source_only
def acl_users(acl: dict[str, Any], _info: GraphQLResolveInfo) -> list[dict[str, Any]] | None:
    """The user entries of an ACL, with global user ids."""
    users = [{"userId": to_global_id("_User", k), "read": bool(v.get("read")), "write": bool(v.get("write"))}
             for k, v in acl.items() if k != "*" and not k.startswith("role:")]
    return users or None


@source_only
def acl_roles(acl: dict[str, Any], _info: GraphQLResolveInfo) -> list[dict[str, Any]] | None:
    """The role entries of an ACL."""
    roles = [{"roleName": k[5:], "read": bool(v.get("read")), "write": bool(v.get("write"))}
             for k, v in acl.items() if k.startswith("role:")]
    return roles or None


@source_only
def acl_public(acl: dict[str, Any], _info: GraphQLResolveInfo) -> dict[str, Any] | None:
    """The public entry of an ACL."""
    entry = acl.get("*")
    return {"read": bool(entry.get("read")), "write": bool(entry.get("write"))} if entry else None


def polygon_resolver(field: str) -> Resolver:
    """A Polygon field as a list of GeoPoints."""
    @source_only
    def resolve(source: dict[str, Any], _info: GraphQLResolveInfo) -> Any:
        value = source.get(field)
        if not isinstance(value, dict) or not value.get("coordinates"):
            return None
        return [{"latitude": c[0], "longitude": c[1]} for c in value["coordinates"]]
    return resolve


def array_resolver(field: str) -> Resolver:
    """An Array field: Parse objects stay objects, any other item becomes an Element {value}."""
    @source_only
    def resolve(source: dict[str, Any], _info: GraphQLResolveInfo) -> Any:
        value = source.get(field)
        if value is None:
            return None
        return [v if isinstance(v, dict) and v.get("__type") == "Object" and v.get("className")
                and v.get("objectId") else {"value": v} for v in value]
    return resolve
