"""`Query`: a fluent builder for Parse queries, runnable from hooks through a `Database`.

    tech = await (req.db.query("Technician")
                  .near("location", GeoPoint(40.7, -74.0))
                  .equal_to("availability", "available")
                  .first())

Every constraint method returns the query itself. In `before_find` hooks, `req.query` is the
client's query as a Query: change it in place (or return a new one) to change what runs.
"""

from __future__ import annotations

import copy
from typing import Any, Awaitable, Callable, Iterable, Protocol

from ..errors import ParseError
from .objects import CloudObject, GeoPoint, to_parse_json


class QueryRunner(Protocol):
    """What a bound query needs to run (data.Database is one)."""

    async def find(self, query: "Query", *, use_master_key: bool | None = None) -> list[CloudObject]:
        """The objects the query matches."""

    async def count(self, query: "Query", *, use_master_key: bool | None = None) -> int:
        """How many objects the query matches."""

_EARTH_RADIUS_KM = 6371.0
_EARTH_RADIUS_MILES = 3958.8


def _quote(text: str) -> str:
    """A literal for a PCRE pattern (the SDKs' \\Q...\\E quoting)."""
    return "\\Q" + text.replace("\\E", "\\E\\\\E\\Q") + "\\E"


def _keys(keys: tuple[str | Iterable[str], ...]) -> list[str]:
    out: list[str] = []
    for k in keys:
        out.extend([k] if isinstance(k, str) else list(k))
    return out


class Query:
    """A query on one class: constraints, ordering, paging, projection and includes."""

    def __init__(self, class_name: str, db: QueryRunner | None = None) -> None:
        self.class_name = class_name
        self.conditions: dict[str, Any] = {}
        self._limit: int | None = None
        self._skip = 0
        self._order: list[str] = []
        self._keys: list[str] | None = None
        self._exclude: list[str] = []
        self._include: list[str] = []
        self._db = db

    # ----- conversion -----

    @classmethod
    def from_json(cls, class_name: str, data: dict[str, Any], db: QueryRunner | None = None) -> "Query":
        """A Query from REST find options (where, limit, skip, order, keys, excludeKeys, include)."""
        q = cls(class_name, db)
        q.conditions = copy.deepcopy(data.get("where") or {})
        q._limit = data.get("limit")
        q._skip = int(data.get("skip") or 0)
        q._order = _split(data.get("order"))
        q._keys = _split(data["keys"]) if data.get("keys") is not None else None
        q._exclude = _split(data.get("excludeKeys"))
        q._include = _split(data.get("include"))
        return q

    def to_json(self) -> dict[str, Any]:
        """The REST find options this query sends."""
        out: dict[str, Any] = {"where": copy.deepcopy(self.conditions)}
        if self._limit is not None:
            out["limit"] = self._limit
        if self._skip:
            out["skip"] = self._skip
        if self._order:
            out["order"] = ",".join(self._order)
        if self._keys is not None:
            out["keys"] = ",".join(self._keys)
        if self._exclude:
            out["excludeKeys"] = ",".join(self._exclude)
        if self._include:
            out["include"] = ",".join(self._include)
        return out

    def copy(self) -> "Query":
        """An independent copy (same class and database)."""
        return Query.from_json(self.class_name, self.to_json(), self._db)

    # ----- constraints -----

    def where(self, conditions: dict[str, Any]) -> "Query":
        """Merge raw Parse where conditions (for operators without a method)."""
        self.conditions.update(to_parse_json(conditions))
        return self

    def _op(self, key: str, op: str, value: Any) -> "Query":
        current = self.conditions.get(key)
        if not isinstance(current, dict) or "__type" in current or not all(k.startswith("$") for k in current):
            current = {}
        current[op] = value
        self.conditions[key] = current
        return self

    def equal_to(self, key: str, value: Any) -> "Query":
        """key == value (for an array field: the array contains value)."""
        self.conditions[key] = to_parse_json(value)
        return self

    def not_equal_to(self, key: str, value: Any) -> "Query":
        """key != value."""
        return self._op(key, "$ne", to_parse_json(value))

    def less_than(self, key: str, value: Any) -> "Query":
        """key < value."""
        return self._op(key, "$lt", to_parse_json(value))

    def less_than_or_equal_to(self, key: str, value: Any) -> "Query":
        """key <= value."""
        return self._op(key, "$lte", to_parse_json(value))

    def greater_than(self, key: str, value: Any) -> "Query":
        """key > value."""
        return self._op(key, "$gt", to_parse_json(value))

    def greater_than_or_equal_to(self, key: str, value: Any) -> "Query":
        """key >= value."""
        return self._op(key, "$gte", to_parse_json(value))

    def contained_in(self, key: str, values: Iterable[Any]) -> "Query":
        """key is one of values."""
        return self._op(key, "$in", to_parse_json(list(values)))

    def not_contained_in(self, key: str, values: Iterable[Any]) -> "Query":
        """key is none of values."""
        return self._op(key, "$nin", to_parse_json(list(values)))

    def contains_all(self, key: str, values: Iterable[Any]) -> "Query":
        """The array field holds every one of values."""
        return self._op(key, "$all", to_parse_json(list(values)))

    def exists(self, key: str) -> "Query":
        """key is set."""
        return self._op(key, "$exists", True)

    def does_not_exist(self, key: str) -> "Query":
        """key is not set."""
        return self._op(key, "$exists", False)

    def matches(self, key: str, pattern: str, modifiers: str = "") -> "Query":
        """key matches a regular expression (PCRE syntax, modifiers among "imxs")."""
        self._op(key, "$regex", pattern)
        if modifiers:
            self._op(key, "$options", modifiers)
        return self

    def contains(self, key: str, text: str) -> "Query":
        """The string field contains text."""
        return self._op(key, "$regex", _quote(text))

    def starts_with(self, key: str, prefix: str) -> "Query":
        """The string field starts with prefix."""
        return self._op(key, "$regex", "^" + _quote(prefix))

    def ends_with(self, key: str, suffix: str) -> "Query":
        """The string field ends with suffix."""
        return self._op(key, "$regex", _quote(suffix) + "$")

    def full_text(self, key: str, text: str) -> "Query":
        """Full-text search on key (orders by relevance when sorted by "$score")."""
        return self._op(key, "$text", {"$search": {"$term": text}})

    def near(self, key: str, point: GeoPoint | dict[str, Any]) -> "Query":
        """Closest first to point."""
        return self._op(key, "$nearSphere", to_parse_json(point))

    def within_radians(self, key: str, point: GeoPoint | dict[str, Any], max_distance: float,
                       sorted: bool = True) -> "Query":
        """Within max_distance radians of point (closest first unless sorted=False)."""
        if sorted:
            self.near(key, point)
            return self._op(key, "$maxDistance", max_distance)
        return self._op(key, "$geoWithin", {"$centerSphere": [_lng_lat(point), max_distance]})

    def within_kilometers(self, key: str, point: GeoPoint | dict[str, Any], distance: float,
                          sorted: bool = True) -> "Query":
        """Within `distance` km of point."""
        return self.within_radians(key, point, distance / _EARTH_RADIUS_KM, sorted)

    def within_miles(self, key: str, point: GeoPoint | dict[str, Any], distance: float,
                     sorted: bool = True) -> "Query":
        """Within `distance` miles of point."""
        return self.within_radians(key, point, distance / _EARTH_RADIUS_MILES, sorted)

    def within_geo_box(self, key: str, southwest: GeoPoint | dict[str, Any],
                       northeast: GeoPoint | dict[str, Any]) -> "Query":
        """Inside the box between two corners."""
        return self._op(key, "$within", {"$box": [to_parse_json(southwest), to_parse_json(northeast)]})

    def within_polygon(self, key: str, points: Iterable[GeoPoint | dict[str, Any]]) -> "Query":
        """Inside the polygon given by its corners."""
        return self._op(key, "$geoWithin", {"$polygon": [to_parse_json(p) for p in points]})

    def polygon_contains(self, key: str, point: GeoPoint | dict[str, Any]) -> "Query":
        """The Polygon field contains point."""
        return self._op(key, "$geoIntersects", {"$point": to_parse_json(point)})

    def matches_query(self, key: str, query: "Query") -> "Query":
        """The pointer field points to an object matching query."""
        return self._op(key, "$inQuery", _sub(query))

    def does_not_match_query(self, key: str, query: "Query") -> "Query":
        """The pointer field does not point to an object matching query."""
        return self._op(key, "$notInQuery", _sub(query))

    def matches_key_in_query(self, key: str, query_key: str, query: "Query") -> "Query":
        """key equals `query_key` of some object matching query."""
        return self._op(key, "$select", {"query": _sub(query), "key": query_key})

    def does_not_match_key_in_query(self, key: str, query_key: str, query: "Query") -> "Query":
        """key equals `query_key` of no object matching query."""
        return self._op(key, "$dontSelect", {"query": _sub(query), "key": query_key})

    def related_to(self, parent: CloudObject, key: str) -> "Query":
        """Objects in the relation `key` of parent."""
        self.conditions["$relatedTo"] = {"object": parent.to_pointer(), "key": key}
        return self

    @staticmethod
    def or_(*queries: "Query") -> "Query":
        """Objects matching any of the queries (all on one class)."""
        return _compound("$or", queries)

    @staticmethod
    def and_(*queries: "Query") -> "Query":
        """Objects matching all of the queries."""
        return _compound("$and", queries)

    @staticmethod
    def nor(*queries: "Query") -> "Query":
        """Objects matching none of the queries."""
        return _compound("$nor", queries)

    # ----- ordering, paging, projection -----

    def ascending(self, *keys: str | Iterable[str]) -> "Query":
        """Order by keys, ascending (replaces any order)."""
        self._order = _keys(keys)
        return self

    def descending(self, *keys: str | Iterable[str]) -> "Query":
        """Order by keys, descending (replaces any order)."""
        self._order = ["-" + k for k in _keys(keys)]
        return self

    def add_ascending(self, *keys: str | Iterable[str]) -> "Query":
        """Then by keys, ascending."""
        self._order += _keys(keys)
        return self

    def add_descending(self, *keys: str | Iterable[str]) -> "Query":
        """Then by keys, descending."""
        self._order += ["-" + k for k in _keys(keys)]
        return self

    def limit(self, n: int) -> "Query":
        """At most n results (the server's default limit otherwise)."""
        self._limit = n
        return self

    def skip(self, n: int) -> "Query":
        """Skip the first n results."""
        self._skip = n
        return self

    def select(self, *keys: str | Iterable[str]) -> "Query":
        """Return only these fields (plus objectId, createdAt, updatedAt, ACL)."""
        self._keys = (self._keys or []) + _keys(keys)
        return self

    def exclude(self, *keys: str | Iterable[str]) -> "Query":
        """Leave these fields out."""
        self._exclude += _keys(keys)
        return self

    def include(self, *keys: str | Iterable[str]) -> "Query":
        """Fetch the objects these pointer fields point to ("a.b" for nested, "*" for all)."""
        self._include += _keys(keys)
        return self

    # ----- running (needs a database: req.db.query(...) or req.query(...)) -----

    def _database(self) -> QueryRunner:
        if self._db is None:
            raise RuntimeError("this query is not bound to a database: build it with req.db.query(...)")
        return self._db

    async def find(self, *, use_master_key: bool | None = None) -> list[CloudObject]:
        """The matching objects."""
        return await self._database().find(self, use_master_key=use_master_key)

    async def first(self, *, use_master_key: bool | None = None) -> CloudObject | None:
        """The first matching object, or None."""
        q = self.copy().limit(1)
        found = await self._database().find(q, use_master_key=use_master_key)
        return found[0] if found else None

    async def get(self, object_id: str, *, use_master_key: bool | None = None) -> CloudObject:
        """The object with this id among the matches; ParseError 101 when there is none."""
        q = self.copy()
        q.conditions = {"$and": [q.conditions, {"objectId": object_id}]} if q.conditions else {"objectId": object_id}
        found = await self._database().find(q.limit(1), use_master_key=use_master_key)
        if not found:
            raise ParseError(ParseError.OBJECT_NOT_FOUND, "Object not found.")
        return found[0]

    async def count(self, *, use_master_key: bool | None = None) -> int:
        """How many objects match."""
        return await self._database().count(self, use_master_key=use_master_key)

    async def each(self, callback: Callable[[CloudObject], Any | Awaitable[Any]], *, batch_size: int = 100,
                   use_master_key: bool | None = None) -> None:
        """Call `callback` on every match, fetched in batches by objectId (ignores order, skip, limit)."""
        last: str | None = None
        while True:
            q = self.copy()
            q._order, q._skip, q._limit = ["objectId"], 0, batch_size
            if last is not None:
                q.conditions = {"$and": [q.conditions, {"objectId": {"$gt": last}}]} if q.conditions \
                    else {"objectId": {"$gt": last}}
            batch = await self._database().find(q, use_master_key=use_master_key)
            for obj in batch:
                result = callback(obj)
                if hasattr(result, "__await__"):
                    await result
            if len(batch) < batch_size:
                return
            last = batch[-1].id

    def __repr__(self) -> str:
        return f"<Query {self.class_name} {self.to_json()}>"


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if str(v)]
    return [k.strip() for k in str(value).split(",") if k.strip()]


def _lng_lat(point: GeoPoint | dict[str, Any]) -> list[float]:
    p = point if isinstance(point, GeoPoint) else GeoPoint.from_json(point)
    return [p.longitude, p.latitude]


def _sub(query: Query) -> dict[str, Any]:
    out = query.to_json()
    out["className"] = query.class_name
    return out


def _compound(op: str, queries: tuple[Query, ...]) -> Query:
    if not queries:
        raise ValueError(f"{op} needs at least one query")
    class_names = {q.class_name for q in queries}
    if len(class_names) > 1:
        raise ValueError(f"all queries in {op} must be on the same class, got {sorted(class_names)}")
    q = Query(queries[0].class_name, next((x._db for x in queries if x._db is not None), None))
    q.conditions = {op: [copy.deepcopy(x.conditions) for x in queries]}
    return q
