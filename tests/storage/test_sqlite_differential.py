"""SQLite only: what SQL decides agrees with the matcher (MongoDB semantics) on random queries.

The documents hold values of every kind SQLite compares loosely (true vs 1, "5" vs 5,
JSON text of arrays vs strings, null vs missing); typed fields only hold their type,
as core guarantees. Each generated where runs through `find` and through the matcher
over the same documents; the results, counts and orders must agree.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parse_clone.language import matcher, ordering
from parse_clone.storage.base import FindOptions
from parse_clone.storage.sqlite import SQLiteAdapter

from .conftest import date, make_doc, make_schema, pointer

SCHEMA = make_schema("Mix", n="Number", s="String", b="Boolean", arr="Array", d="Date", p="Pointer:_User", o="Object")
SCALARS = [None, True, False, 0, 1, 1.0, 2.5, -3, "", "a", "b", "5", "1", "[1]"]
VALUES = SCALARS + [[], ["a"], ["a", "b"], [1, "a"], [None], [True], [1], {"x": 1}, date("2024-01-01T00:00:00.000Z"),
                    pointer("_User", "u1"), [pointer("_User", "u1")]]
TYPED = {
    "n": [None, 0, 1, 1.0, 2.5, -3],
    "s": [None, "", "a", "b", "5", "[1]"],
    "b": [None, True, False],
    "arr": [None, [], ["a"], ["a", "b"], [1, "a"], [None], [True], [1], ["5"], [pointer("_User", "u1")]],
    "d": [None, date("2024-01-01T00:00:00.000Z"), date("2024-06-01T00:00:00.000Z")],
    "p": [None, pointer("_User", "u1"), pointer("_User", "u2"), pointer("_Role", "u1")],
    "o": [None, {"x": 1}, {"x": "a"}, {"x": [1, 2]}, {"x": {"y": True}}, {"y": 1}, {"x": [{"k": 1}]}],
    "f": VALUES,
}
QUERY_VALUES = SCALARS + [date("2024-01-01T00:00:00.000Z"), date("2024-03-01T00:00:00.000Z"),
                          pointer("_User", "u1"), {"objectId": "u1", "className": "_User", "__type": "Pointer"}]
KEYS = ["n", "s", "b", "arr", "d", "p", "f", "o.x", "o.x.y", "o.x.k", "_rperm", "objectId", "createdAt"]


def _docs() -> list[dict[str, Any]]:
    docs = []
    for i in range(40):
        doc = make_doc(f"o{i:02d}", createdAt=f"2024-01-{i % 28 + 1:02d}T00:00:00.000Z")
        for k, choices in TYPED.items():
            pick = (i * 7 + len(k) * 3 + i // len(choices)) % (len(choices) + 1)
            if pick < len(choices):  # the last slot leaves the field missing
                doc[k] = choices[pick]
        if i % 3:
            doc["_rperm"] = [["*"], ["u1"], [], ["role:a", "u2"]][i % 4]
        docs.append(doc)
    return docs


DOCS = _docs()
# Kept small for the suite; PARSE_CLONE_DIFF_EXAMPLES=5000 for a thorough run.
EXAMPLES = int(os.environ.get("PARSE_CLONE_DIFF_EXAMPLES", "120"))

value = st.sampled_from(QUERY_VALUES)
key = st.sampled_from(KEYS)
op_constraint = st.one_of(
    st.tuples(st.sampled_from(["$eq", "$ne", "$lt", "$lte", "$gt", "$gte"]), value),
    st.tuples(st.sampled_from(["$in", "$nin", "$all"]), st.lists(value, max_size=3)),
    st.tuples(st.just("$exists"), st.booleans()),
    # Left to the matcher: these exercise the residual next to pushed-down parts.
    st.tuples(st.just("$regex"), st.sampled_from(["^a", "b$", "5", "^\\Q[1]\\E"])),
    st.tuples(st.just("$containedBy"), st.lists(value, max_size=3)),
)
constraint = st.one_of(
    value,  # equality
    st.lists(value, max_size=2),  # whole-array equality (left to the matcher)
    st.builds(dict, st.lists(op_constraint, min_size=1, max_size=2)),
)
field_where = st.builds(lambda k, c: {k: c}, key, constraint)
where_strategy = st.recursive(
    st.builds(lambda parts: {k: v for p in parts for k, v in p.items()}, st.lists(field_where, max_size=2)),
    lambda inner: st.builds(lambda op, ws: {op: ws}, st.sampled_from(["$or", "$and", "$nor"]),
                            st.lists(inner, min_size=1, max_size=3)),
    max_leaves=5,
)


@pytest.fixture(scope="module")
def mix():
    loop = asyncio.new_event_loop()
    a = SQLiteAdapter(":memory:")
    loop.run_until_complete(a.connect())
    loop.run_until_complete(a.create_class("Mix", SCHEMA))
    for d in DOCS:
        loop.run_until_complete(a.create_object("Mix", SCHEMA, d))
    for name, spec in {"n_1": {"n": 1}, "s_1": {"s": 1}, "p_1": {"p": 1}, "d_1": {"d": 1}}.items():
        loop.run_until_complete(a.create_index("Mix", SCHEMA, name, spec))
    yield a, loop
    loop.run_until_complete(a.close())
    loop.close()


def _expected(where: dict[str, Any]) -> list[str]:
    return sorted(d["objectId"] for d in DOCS if matcher.matches(d, where))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=where_strategy)
def test_find_and_count_agree_with_the_matcher(mix, where):
    a, loop = mix
    got = loop.run_until_complete(a.find("Mix", SCHEMA, where, FindOptions()))
    assert sorted(d["objectId"] for d in got) == _expected(where)
    assert loop.run_until_complete(a.count("Mix", SCHEMA, where)) == len(_expected(where))


@settings(max_examples=EXAMPLES // 3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=where_strategy, sort_key=st.sampled_from(["n", "s", "b", "d", "createdAt", "objectId", "f", "arr"]),
       direction=st.sampled_from([1, -1]), skip=st.integers(0, 5), limit=st.one_of(st.none(), st.integers(1, 8)))
def test_sorted_pages_agree_with_the_matcher(mix, where, sort_key, direction, skip, limit):
    a, loop = mix
    options = FindOptions(sort=[(sort_key, direction)], skip=skip, limit=limit)
    got = loop.run_until_complete(a.find("Mix", SCHEMA, where, options))
    everything = matcher.sort_documents([d for d in DOCS if matcher.matches(d, where)], [(sort_key, direction)])
    end = None if limit is None else skip + limit
    # Ties may come in any order: compare each row's sort position (an array sorts by its
    # smallest element ascending, largest descending), page by page.
    parts = sort_key.split(".")

    def position(d: dict[str, Any]) -> Any:
        return ordering.field_sort_key(d, parts, direction < 0)

    assert [position(d) for d in got] == [position(d) for d in everything[skip:end]]


# ----- random documents too: each example stores its own set, then the same checks -----

RANDOM_SCHEMA = make_schema("Rnd", n="Number", s="String", b="Boolean", arr="Array", d="Date", p="Pointer:_User",
                            o="Object", g="GeoPoint")
GEO = [None, {"__type": "GeoPoint", "latitude": 0.0, "longitude": 0.0},
       {"__type": "GeoPoint", "latitude": 1.0, "longitude": 1.0},
       {"__type": "GeoPoint", "latitude": -45.5, "longitude": 120.0}]
random_doc = st.builds(
    lambda fields, rperm, day: {**{k: v for k, v in fields.items()},
                                **({"_rperm": rperm} if rperm is not None else {}),
                                "createdAt": f"2024-01-{day:02d}T00:00:00.000Z"},
    st.fixed_dictionaries({}, optional={
        "n": st.one_of(st.sampled_from(TYPED["n"]), st.integers(-5, 5), st.floats(-5, 5, allow_nan=False)),
        "s": st.one_of(st.sampled_from(TYPED["s"]), st.text(alphabet="ab5[]", max_size=3)),
        "b": st.sampled_from(TYPED["b"]),
        "arr": st.one_of(st.sampled_from(TYPED["arr"]), st.lists(st.sampled_from(SCALARS), max_size=3)),
        "d": st.sampled_from(TYPED["d"]),
        "p": st.sampled_from(TYPED["p"]),
        "o": st.sampled_from(TYPED["o"]),
        "g": st.sampled_from(GEO),
        "f": st.sampled_from(VALUES),
    }),
    st.one_of(st.none(), st.lists(st.sampled_from(["*", "u1", "u2", "role:a"]), max_size=2, unique=True)),
    st.integers(1, 28),
)
RANDOM_KEYS = KEYS + ["g"]
geo_constraint = st.one_of(
    st.builds(lambda km: {"$nearSphere": GEO[1], "$maxDistance": km / 6371.0}, st.sampled_from([50, 200, 20000])),
    st.just({"$within": {"$box": [{"__type": "GeoPoint", "latitude": -1.0, "longitude": -1.0}, GEO[2]]}}),
    st.just({"$geoWithin": {"$centerSphere": [GEO[1], 200 / 6371.0]}}),
)
random_field_where = st.one_of(
    st.builds(lambda k, c: {k: c}, st.sampled_from(RANDOM_KEYS), constraint),
    st.builds(lambda c: {"g": c}, geo_constraint),
)
random_where = st.recursive(
    st.builds(lambda parts: {k: v for p in parts for k, v in p.items()}, st.lists(random_field_where, max_size=2)),
    lambda inner: st.builds(lambda op, ws: {op: ws}, st.sampled_from(["$or", "$and", "$nor"]),
                            st.lists(inner, min_size=1, max_size=3)),
    max_leaves=4,
)


@pytest.fixture(scope="module")
def rnd():
    loop = asyncio.new_event_loop()
    a = SQLiteAdapter(":memory:")
    loop.run_until_complete(a.connect())
    loop.run_until_complete(a.create_class("Rnd", RANDOM_SCHEMA))
    yield a, loop
    loop.run_until_complete(a.close())
    loop.close()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=st.lists(random_doc, min_size=1, max_size=10), where=random_where)
def test_random_documents_find_what_the_matcher_matches(rnd, docs, where):
    """The property LiveQuery relies on: the in-memory matcher selects what SQLite selects."""
    a, loop = rnd
    loop.run_until_complete(a.delete_many("Rnd", RANDOM_SCHEMA, {}))
    stored = [{"objectId": f"r{i:02d}", "updatedAt": d["createdAt"], **d} for i, d in enumerate(docs)]
    for d in stored:
        loop.run_until_complete(a.create_object("Rnd", RANDOM_SCHEMA, d))
    got = loop.run_until_complete(a.find("Rnd", RANDOM_SCHEMA, where, FindOptions()))
    assert sorted(d["objectId"] for d in got) == sorted(d["objectId"] for d in stored if matcher.matches(d, where))
