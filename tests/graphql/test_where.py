"""Every `<Class>WhereInput` operator of Parse Server's GraphQL API, on each field type, answered as the
same REST `where` answers (the expected names were checked against Parse Server 9.10's GraphQL)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.test_geo import MOCK_HAS_NO_GEO, MOCK_HAS_NO_TEXT, needs_real_engine
from tests.support.users import pointer

PROBES = [
    {"name": "a", "score": 1, "when": "2024-01-01T00:00:00.000Z", "tags": ["red", "blue"], "meta": {"k": 1, "s": "p"},
     "loc": (0, 0), "area": [[0, 0], [0, 2], [2, 2], [2, 0]], "subject": "coffee shops open late", "ref": "x",
     "flag": True},
    {"name": "b", "score": 5, "when": "2024-06-01T00:00:00.000Z", "tags": ["red"], "meta": {"k": 2, "s": "q"},
     "loc": (10, 10), "area": [[10, 10], [10, 12], [12, 12], [12, 10]], "subject": "tea house", "ref": "y",
     "flag": False},
    {"name": "c", "score": 10, "when": "2025-01-01T00:00:00.000Z", "tags": ["green"], "meta": {"k": 3},
     "loc": (40, 40), "area": None, "subject": "the best coffee in town", "ref": None, "flag": True},
]


@pytest.fixture
async def probes(api) -> None:
    """Three Probe objects with a field of every queryable type, and a ProbeRef pointer on two."""
    status, _ = await api.post("/schemas/ProbeRef", {"className": "ProbeRef", "fields": {
        "label": {"type": "String"}}}, master=True)
    assert status == 200
    status, _ = await api.post("/schemas/Probe", {"className": "Probe", "fields": {
        "name": {"type": "String"}, "score": {"type": "Number"}, "when": {"type": "Date"}, "tags": {"type": "Array"},
        "meta": {"type": "Object"}, "loc": {"type": "GeoPoint"}, "area": {"type": "Polygon"},
        "subject": {"type": "String"}, "ref": {"type": "Pointer", "targetClass": "ProbeRef"},
        "flag": {"type": "Boolean"}}}, master=True)
    assert status == 200
    refs = {label: (await api.post("/classes/ProbeRef", {"label": label}))[1]["objectId"] for label in "xy"}
    for row in PROBES:
        body: dict[str, Any] = {**row, "when": {"__type": "Date", "iso": row["when"]},
                                "loc": {"__type": "GeoPoint", "latitude": row["loc"][0], "longitude": row["loc"][1]}}
        body["area"] = {"__type": "Polygon", "coordinates": row["area"]} if row["area"] else None
        body["ref"] = pointer("ProbeRef", refs[row["ref"]]) if row["ref"] else None
        status, out = await api.post("/classes/Probe", {k: v for k, v in body.items() if v is not None})
        assert status == 201, out


async def matching(gql, where: str) -> list[str]:
    """Names of the probes a where input selects, by name; the connection's count must agree."""
    data = await gql.data("{ probes(where: %s, order: [name_ASC]) { count edges { node { name } } } }" % where)
    names = [edge["node"]["name"] for edge in data["probes"]["edges"]]
    assert data["probes"]["count"] == len(names)
    return names


@pytest.mark.parametrize(("where", "expected"), [
    ("{score: {lessThanOrEqualTo: 5}}", ["a", "b"]),
    ("{score: {lessThan: 5}}", ["a"]),
    ("{name: {in: [\"a\", \"c\"]}, score: {notIn: [10]}}", ["a"]),
    ('{when: {greaterThan: "2024-03-01T00:00:00.000Z"}}', ["b", "c"]),
    ('{when: {lessThanOrEqualTo: "2024-06-01T00:00:00.000Z"}}', ["a", "b"]),
    ('{when: {equalTo: "2024-06-01T00:00:00.000Z"}}', ["b"]),
    ("{flag: {equalTo: true}}", ["a", "c"]),
    ("{flag: {notEqualTo: true}}", ["b"]),
    ('{tags: {contains: ["red"]}}', ["a", "b"]),
    ('{tags: {containedBy: ["red", "blue"]}}', ["a", "b"]),
    ('{meta: {equalTo: {key: "k", value: 2}}}', ["b"]),
    ('{meta: {greaterThan: {key: "k", value: 1}}}', ["b", "c"]),
    ('{meta: {notEqualTo: {key: "k", value: 2}}}', ["a", "c"]),
    ('{meta: {exists: true}}', ["a", "b", "c"]),
    ('{name: {matchesRegex: "A|b", options: "i"}}', ["a", "b"]),
    ('{name: {inQueryKey: {query: {className: "Probe", where: {score: {greaterThan: 4}}}, key: "name"}}}',
     ["b", "c"]),
    ('{name: {notInQueryKey: {query: {className: "Probe", where: {score: {greaterThan: 4}}}, key: "name"}}}',
     ["a"]),
    ('{ref: {have: {label: {equalTo: "x"}}}}', ["a"]),
    ('{ref: {haveNot: {label: {equalTo: "x"}}}}', ["b", "c"]),  # as MongoDB's $nin: no pointer is not "x"
    ("{ref: {exists: true}}", ["a", "b"]),
    ("{area: {exists: false}}", ["c"]),
])
async def test_field_operators(gql, probes, where, expected):
    assert await matching(gql, where) == expected


async def test_text_search(gql, probes, backend):
    needs_real_engine(backend, MOCK_HAS_NO_TEXT)
    assert await matching(gql, '{subject: {text: {search: {term: "coffee"}}}}') == ["a", "c"]
    assert await matching(gql, '{subject: {text: {search: {term: "House", caseSensitive: false}}}}') == ["b"]


@pytest.mark.parametrize(("where", "expected"), [
    ("{loc: {nearSphere: {latitude: 0, longitude: 0}, maxDistanceInKilometers: 2000}}", ["a", "b"]),
    ("{loc: {nearSphere: {latitude: 0, longitude: 0}, maxDistanceInMiles: 1}}", ["a"]),
    ("{loc: {nearSphere: {latitude: 0, longitude: 0}, maxDistanceInRadians: 0.5}}", ["a", "b"]),
    ("{loc: {nearSphere: {latitude: 0, longitude: 0}, maxDistance: 0.1}}", ["a"]),
    ("{loc: {within: {box: {bottomLeft: {latitude: -1, longitude: -1}, upperRight: {latitude: 11, longitude: 11}}}}}",
     ["a", "b"]),
    ("{loc: {geoWithin: {polygon: [{latitude: -1, longitude: -1}, {latitude: -1, longitude: 20},"
     " {latitude: 20, longitude: 20}, {latitude: 20, longitude: -1}]}}}", ["a", "b"]),
    ("{loc: {geoWithin: {centerSphere: {center: {latitude: 0, longitude: 0}, distance: 0.3}}}}", ["a", "b"]),
    ("{area: {geoIntersects: {point: {latitude: 1, longitude: 1}}}}", ["a"]),
])
async def test_geo_operators(gql, probes, backend, where, expected):
    needs_real_engine(backend, MOCK_HAS_NO_GEO)
    assert await matching(gql, where) == expected


async def test_near_sphere_orders_by_distance(gql, probes, backend):
    """$nearSphere sorts nearest first when no order is given, as the REST query does."""
    needs_real_engine(backend, MOCK_HAS_NO_GEO)
    data = await gql.data("{ probes(where: {loc: {nearSphere: {latitude: 41, longitude: 41}}}) "
                          "{ edges { node { name } } } }")
    assert [e["node"]["name"] for e in data["probes"]["edges"]] == ["c", "b", "a"]
