"""Query: the REST find options each builder method produces."""

from __future__ import annotations

import pytest

from parse_clone.cloud import CloudObject, GeoPoint, Query


def test_comparisons_on_one_key_combine():
    q = Query("Job").greater_than("n", 1).less_than_or_equal_to("n", 5).not_equal_to("s", "x")
    assert q.to_json() == {"where": {"n": {"$gt": 1, "$lte": 5}, "s": {"$ne": "x"}}}


def test_equal_to_replaces_constraints_and_encodes_objects():
    q = Query("Job").greater_than("tech", 1).equal_to("tech", CloudObject("Tech", {"objectId": "t1"}))
    assert q.conditions == {"tech": {"__type": "Pointer", "className": "Tech", "objectId": "t1"}}


def test_an_operator_after_an_equality_replaces_it():
    q = Query("Job").equal_to("n", 1).greater_than("n", 0)
    assert q.conditions == {"n": {"$gt": 0}}


def test_list_and_existence_constraints():
    q = (Query("Job").contained_in("a", [1, 2]).not_contained_in("b", (3,)).contains_all("c", ["x"])
         .exists("d").does_not_exist("e"))
    assert q.conditions == {"a": {"$in": [1, 2]}, "b": {"$nin": [3]}, "c": {"$all": ["x"]},
                            "d": {"$exists": True}, "e": {"$exists": False}}


def test_string_constraints_quote_their_text():
    q = Query("Job").starts_with("a", "x.y").ends_with("b", "z").contains("c", "q\\E")
    assert q.conditions == {"a": {"$regex": "^\\Qx.y\\E"}, "b": {"$regex": "\\Qz\\E$"},
                            "c": {"$regex": "\\Qq\\E\\\\E\\Q\\E"}}
    assert Query("Job").matches("a", "^x", "i").conditions == {"a": {"$regex": "^x", "$options": "i"}}


def test_geo_constraints():
    here = GeoPoint(40.0, -74.0)
    near = Query("Tech").near("loc", here).conditions
    assert near == {"loc": {"$nearSphere": {"__type": "GeoPoint", "latitude": 40.0, "longitude": -74.0}}}
    within = Query("Tech").within_kilometers("loc", here, 6371.0).conditions
    assert within["loc"]["$maxDistance"] == pytest.approx(1.0)
    unsorted = Query("Tech").within_radians("loc", here, 0.5, sorted=False).conditions
    assert unsorted == {"loc": {"$geoWithin": {"$centerSphere": [[-74.0, 40.0], 0.5]}}}
    box = Query("Tech").within_geo_box("loc", GeoPoint(0, 0), GeoPoint(1, 1)).conditions
    assert list(box["loc"]) == ["$within"]


def test_subqueries_carry_their_class():
    inner = Query("Tech").equal_to("on", True)
    q = Query("Job").matches_query("tech", inner).does_not_match_key_in_query("city", "home", inner)
    assert q.conditions == {
        "tech": {"$inQuery": {"where": {"on": True}, "className": "Tech"}},
        "city": {"$dontSelect": {"query": {"where": {"on": True}, "className": "Tech"}, "key": "home"}},
    }


def test_compound_queries():
    a, b = Query("Job").equal_to("x", 1), Query("Job").equal_to("y", 2)
    assert Query.or_(a, b).conditions == {"$or": [{"x": 1}, {"y": 2}]}
    with pytest.raises(ValueError, match="same class"):
        Query.or_(a, Query("Other"))


def test_ordering_paging_and_projection():
    q = (Query("Job").descending("createdAt").add_ascending("title").limit(5).skip(10)
         .select("title", "status").exclude("notes").include("tech", "tech.home"))
    assert q.to_json() == {"where": {}, "limit": 5, "skip": 10, "order": "-createdAt,title",
                           "keys": "title,status", "excludeKeys": "notes", "include": "tech,tech.home"}


def test_from_json_round_trips():
    data = {"where": {"a": 1}, "limit": 3, "skip": 1, "order": "-a", "keys": "a,b", "include": "c"}
    assert Query.from_json("Job", data).to_json() == data


def test_related_to():
    q = Query("Tech").related_to(CloudObject("Team", {"objectId": "t"}), "members")
    assert q.conditions == {"$relatedTo": {"object": {"__type": "Pointer", "className": "Team", "objectId": "t"},
                                           "key": "members"}}


async def test_an_unbound_query_cannot_run():
    with pytest.raises(RuntimeError, match="not bound"):
        await Query("Job").find()
