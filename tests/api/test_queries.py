"""Finds through GET /classes/C: every where operator, order, limit, skip, keys, include, count, and errors."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest


# ----- helpers -----
async def seed(api, class_name: str, *objects: dict[str, Any]) -> list[str]:
    """Create objects (master key) and return their objectIds in order."""
    ids = []
    for obj in objects:
        status, body = await api.post(f"/classes/{class_name}", obj, master=True)
        assert status == 201, body
        ids.append(body["objectId"])
    return ids


async def find(api, class_name: str, where: dict[str, Any] | None = None, **params: Any) -> list[dict[str, Any]]:
    """Run a find (REST key) and return its results (fails the test on an error)."""
    if where is not None:
        params["where"] = where
    status, body = await api.get(f"/classes/{class_name}", params=params)
    assert status == 200, body
    return body["results"]


async def names(api, class_name: str, where: dict[str, Any] | None = None, **params: Any) -> list[str]:
    """The `name` of each result, sorted unless an order was asked for."""
    found = [r.get("name") for r in await find(api, class_name, where, **params)]
    return found if "order" in params else sorted(found)


async def seed_numbers(api) -> None:
    await seed(api, "Num", *({"name": f"n{i}", "n": i} for i in range(1, 6)))


def pointer(class_name: str, object_id: str) -> dict[str, str]:
    return {"__type": "Pointer", "className": class_name, "objectId": object_id}


def date(iso: str) -> dict[str, str]:
    return {"__type": "Date", "iso": iso}


def iso_in(delta: timedelta) -> str:
    when = datetime.now(timezone.utc) + delta
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


# ----- comparisons -----
@pytest.mark.parametrize("constraint, expected", [
    ({"$lt": 3}, ["n1", "n2"]),
    ({"$lte": 3}, ["n1", "n2", "n3"]),
    ({"$gt": 3}, ["n4", "n5"]),
    ({"$gte": 3}, ["n3", "n4", "n5"]),
    ({"$gt": 1, "$lt": 4}, ["n2", "n3"]),
    ({"$eq": 2}, ["n2"]),
    ({"$ne": 2}, ["n1", "n3", "n4", "n5"]),
])
async def test_number_comparisons(api, constraint, expected):
    await seed_numbers(api)
    assert await names(api, "Num", {"n": constraint}) == expected


async def test_string_comparisons_are_lexicographic(api):
    await seed(api, "Word", {"name": "apple"}, {"name": "banana"}, {"name": "cherry"})
    assert await names(api, "Word", {"name": {"$gte": "b", "$lt": "c"}}) == ["banana"]


async def test_date_field_comparisons(api):
    await seed(api, "Event", {"name": "old", "at": date("2020-01-01T00:00:00.000Z")},
               {"name": "new", "at": date("2024-01-01T00:00:00.000Z")})
    assert await names(api, "Event", {"at": {"$lt": date("2022-01-01T00:00:00.000Z")}}) == ["old"]
    assert await names(api, "Event", {"at": date("2024-01-01T00:00:00.000Z")}) == ["new"]


async def test_created_at_compares_with_a_date(api):
    await seed(api, "Event", {"name": "a"})
    assert await names(api, "Event", {"createdAt": {"$gt": date("2000-01-01T00:00:00.000Z")}}) == ["a"]
    assert await names(api, "Event", {"createdAt": {"$lt": date("2000-01-01T00:00:00.000Z")}}) == []


async def test_plain_value_is_equality(api):
    await seed_numbers(api)
    assert await names(api, "Num", {"n": 4}) == ["n4"]


async def test_ne_matches_objects_without_the_field(api):
    await seed(api, "Opt", {"name": "set", "x": 1}, {"name": "other", "x": 2}, {"name": "unset"})
    assert await names(api, "Opt", {"x": {"$ne": 1}}) == ["other", "unset"]


async def test_null_matches_null_or_missing(api):
    await seed(api, "Opt", {"name": "set", "x": 1}, {"name": "null", "x": None}, {"name": "unset"})
    assert await names(api, "Opt", {"x": None}) == ["null", "unset"]


async def test_in_and_nin(api):
    await seed_numbers(api)
    assert await names(api, "Num", {"n": {"$in": [1, 3, 9]}}) == ["n1", "n3"]
    assert await names(api, "Num", {"n": {"$nin": [1, 3, 9]}}) == ["n2", "n4", "n5"]


async def test_in_on_array_field_matches_any_element(api):
    await seed(api, "Tagged", {"name": "ab", "tags": ["a", "b"]}, {"name": "c", "tags": ["c"]})
    assert await names(api, "Tagged", {"tags": {"$in": ["b", "z"]}}) == ["ab"]
    assert await names(api, "Tagged", {"tags": {"$nin": ["b", "z"]}}) == ["c"]


@pytest.mark.parametrize("op", ["$in", "$nin"])
async def test_in_requires_an_array_107(api, op):
    await seed_numbers(api)
    status, body = await api.get("/classes/Num", params={"where": {"n": {op: 1}}})
    assert (status, body) == (400, {"code": 107, "error": f"bad {op} value"})


async def test_exists(api):
    await seed(api, "Opt", {"name": "set", "x": 1}, {"name": "unset"})
    assert await names(api, "Opt", {"x": {"$exists": True}}) == ["set"]
    assert await names(api, "Opt", {"x": {"$exists": False}}) == ["unset"]


# ----- arrays -----
async def test_scalar_equality_on_array_field_means_contains(api):
    await seed(api, "Tagged", {"name": "ab", "tags": ["a", "b"]}, {"name": "c", "tags": ["c"]})
    assert await names(api, "Tagged", {"tags": "b"}) == ["ab"]


@pytest.mark.parametrize("value, printed", [
    (["a", "b"], "a,b"),
    ([1, None, True], "1,,true"),
    ([pointer("_User", "u3")], "[object Object]"),
])
async def test_whole_array_equality_is_107_as_parse(api, value, printed):
    # Parse Server cannot compare a whole array (MongoDB transform: 107; PostgreSQL: 119): never a silent match
    await seed(api, "Tagged", {"name": "ab", "tags": ["a", "b"]})
    status, body = await api.get("/classes/Tagged", params={"where": {"tags": value}})
    assert (status, body) == (400, {"code": 107, "error": f"You cannot use {printed} as a query parameter."})


async def test_array_inside_in_and_dotted_keys_still_compare(api):
    await seed(api, "Tagged", {"name": "ab", "tags": ["a", "b"], "meta": {"path": ["x", "y"]}})
    assert await names(api, "Tagged", {"meta.path": ["x", "y"]}) == ["ab"]
    assert await names(api, "Tagged", {"tags": {"$in": [["a", "b"]]}}) == ["ab"]


async def test_all_requires_every_value(api):
    await seed(api, "Tagged", {"name": "abc", "tags": ["a", "b", "c"]}, {"name": "ab", "tags": ["a", "b"]},
               {"name": "a", "tags": ["a"]})
    assert await names(api, "Tagged", {"tags": {"$all": ["a", "b"]}}) == ["ab", "abc"]


async def test_all_with_starts_with_regexes(api):
    await seed(api, "Tagged", {"name": "both", "tags": ["foo", "bar"]}, {"name": "one", "tags": ["foo", "qux"]})
    where = {"tags": {"$all": [{"$regex": "^\\Qfo\\E"}, {"$regex": "^\\Qba\\E"}]}}
    assert await names(api, "Tagged", where) == ["both"]


async def test_all_mixing_regexes_and_values_is_107(api):
    await seed(api, "Tagged", {"name": "both", "tags": ["foo", "bar"]})
    status, body = await api.get("/classes/Tagged", params={"where": {"tags": {"$all": [{"$regex": "^\\Qfo\\E"},
                                                                                      "bar"]}}})
    assert (status, body) == (400, {"code": 107,
                                    "error": "All $all values must be of regex type or none: [object Object],bar"})


async def test_contained_by(api):
    await seed(api, "Tagged", {"name": "ab", "tags": ["a", "b"]}, {"name": "abz", "tags": ["a", "b", "z"]},
               {"name": "c", "tags": ["c"]})
    assert await names(api, "Tagged", {"tags": {"$containedBy": ["a", "b", "c"]}}) == ["ab", "c"]


async def test_contained_by_requires_an_array_107(api):
    await seed(api, "Tagged", {"name": "ab", "tags": ["a", "b"]})
    status, body = await api.get("/classes/Tagged", params={"where": {"tags": {"$containedBy": "a"}}})
    assert (status, body) == (400, {"code": 107, "error": "bad $containedBy: should be an array"})


async def test_pointer_inside_array_matches_whatever_the_key_order(api):
    (target,) = await seed(api, "Target", {"name": "t"})
    await seed(api, "Holder", {"name": "has", "refs": [pointer("Target", target)]},
               {"name": "not", "refs": [pointer("Target", "zzzzzzzzzz")]})
    reordered = {"objectId": target, "className": "Target", "__type": "Pointer"}
    assert await names(api, "Holder", {"refs": reordered}) == ["has"]
    assert await names(api, "Holder", {"refs": {"$all": [reordered]}}) == ["has"]
    assert await names(api, "Holder", {"refs": {"$in": [reordered]}}) == ["has"]


async def test_object_inside_array_matches(api):
    await seed(api, "Holder", {"name": "has", "items": [{"k": 1}, {"k": 2}]}, {"name": "not", "items": [{"k": 3}]})
    assert await names(api, "Holder", {"items": {"k": 2}}) == ["has"]


# ----- regex -----
@pytest.mark.parametrize("pattern, expected", [
    ("^\\Qa.b(\\E", ["a.b(c"]),        # the JS SDK's startsWith
    ("\\Q.b(\\E", ["a.b(c"]),          # contains
    ("\\Qb(c\\E$", ["a.b(c"]),         # endsWith
    ("^a.b", ["a.b(c", "axbyc"]),      # a real regex: `.` is any character
])
async def test_regex_and_the_js_sdk_quoting(api, pattern, expected):
    await seed(api, "Text", {"name": "a.b(c"}, {"name": "axbyc"}, {"name": "zzz"})
    assert await names(api, "Text", {"name": {"$regex": pattern}}) == expected


async def test_quoted_regex_with_an_escaped_end_marker(api):
    # The JS SDK quotes a literal "\E" inside the text as "\E\\E\Q".
    await seed(api, "Text", {"name": "a\\Eb"}, {"name": "ab"})
    assert await names(api, "Text", {"name": {"$regex": "^\\Qa\\E\\\\E\\Qb\\E$"}}) == ["a\\Eb"]


async def test_regex_options_i_ignores_case(api):
    await seed(api, "Text", {"name": "Hello"}, {"name": "world"})
    assert await names(api, "Text", {"name": {"$regex": "^hello", "$options": "i"}}) == ["Hello"]
    assert await names(api, "Text", {"name": {"$regex": "^hello"}}) == []


async def test_regex_bad_options_is_102(api):
    await seed(api, "Text", {"name": "Hello"})
    status, body = await api.get("/classes/Text", params={"where": {"name": {"$regex": "h", "$options": "ig"}}})
    assert (status, body) == (400, {"code": 102, "error": "Bad $options value for query: ig"})


async def test_regex_must_be_a_string_107(api):
    await seed(api, "Text", {"name": "Hello"})
    status, body = await api.get("/classes/Text", params={"where": {"name": {"$regex": 5}}})
    assert (status, body) == (400, {"code": 107, "error": "bad regex: 5"})


# ----- dotted keys and $relativeTime -----
async def test_dotted_key_reaches_into_objects(api):
    await seed(api, "Item", {"name": "red", "meta": {"color": "red", "size": 3}},
               {"name": "blue", "meta": {"color": "blue", "size": 1}})
    assert await names(api, "Item", {"meta.color": "red"}) == ["red"]
    assert await names(api, "Item", {"meta.size": {"$lt": 2}}) == ["blue"]


async def test_relative_time_on_a_date_field(api):
    await seed(api, "Event", {"name": "past", "at": date(iso_in(-timedelta(days=2)))},
               {"name": "future", "at": date(iso_in(timedelta(days=2)))})
    assert await names(api, "Event", {"at": {"$lt": {"$relativeTime": "1 day ago"}}}) == ["past"]
    assert await names(api, "Event", {"at": {"$gt": {"$relativeTime": "in 1 day"}}}) == ["future"]
    assert await names(api, "Event", {"at": {"$gt": {"$relativeTime": "now"}}}) == ["future"]


async def test_relative_time_on_created_at(api):
    await seed(api, "Event", {"name": "just now"})
    assert await names(api, "Event", {"createdAt": {"$gt": {"$relativeTime": "1 hour ago"}}}) == ["just now"]
    assert await names(api, "Event", {"createdAt": {"$lt": {"$relativeTime": "1 hour ago"}}}) == []


async def test_relative_time_with_eq_is_107(api):
    await seed(api, "Event", {"name": "e", "at": date("2020-01-01T00:00:00.000Z")})
    status, body = await api.get("/classes/Event", params={"where": {"at": {"$eq": {"$relativeTime": "now"}}}})
    assert (status, body) == (400, {"code": 107, "error":
                                    "$relativeTime can only be used with the $lt, $lte, $gt, and $gte operators"})


async def test_relative_time_without_in_or_ago_is_107(api):
    await seed(api, "Event", {"name": "e", "at": date("2020-01-01T00:00:00.000Z")})
    status, body = await api.get("/classes/Event", params={"where": {"at": {"$lt": {"$relativeTime": "3 days"}}}})
    assert (status, body) == (400, {"code": 107, "error": "bad $relativeTime ($lt) value. "
                                    "Time should either start with 'in' or end with 'ago'"})


async def test_relative_time_on_a_non_date_field_is_107(api):
    await seed(api, "Event", {"name": "e", "n": 1})
    status, body = await api.get("/classes/Event", params={"where": {"n": {"$lt": {"$relativeTime": "1 day ago"}}}})
    assert (status, body) == (400, {"code": 107, "error": "$relativeTime can only be used with Date field"})


# ----- pointers -----
async def test_pointer_equality_whatever_the_key_order(api):
    (author,) = await seed(api, "Author", {"name": "ann"})
    await seed(api, "Book", {"name": "hers", "author": pointer("Author", author)}, {"name": "none"})
    reordered = {"objectId": author, "__type": "Pointer", "className": "Author"}
    assert await names(api, "Book", {"author": reordered}) == ["hers"]
    assert await names(api, "Book", {"author": {"$eq": reordered}}) == ["hers"]
    assert await names(api, "Book", {"author": {"$ne": reordered}}) == ["none"]


async def test_pointer_in_takes_pointers_or_bare_ids(api):
    a1, a2 = await seed(api, "Author", {"name": "ann"}, {"name": "bob"})
    await seed(api, "Book", {"name": "b1", "author": pointer("Author", a1)},
               {"name": "b2", "author": pointer("Author", a2)})
    assert await names(api, "Book", {"author": {"$in": [pointer("Author", a1)]}}) == ["b1"]
    assert await names(api, "Book", {"author": {"$in": [a2]}}) == ["b2"]
    assert await names(api, "Book", {"author": {"$nin": [pointer("Author", a1)]}}) == ["b2"]


# ----- sub-queries -----
async def seed_teams(api) -> None:
    await seed(api, "Team", {"name": "good", "city": "Oslo", "winPct": 0.8},
               {"name": "bad", "city": "Rome", "winPct": 0.2})
    await seed(api, "Fan", {"name": "oslo fan", "hometown": "Oslo"}, {"name": "rome fan", "hometown": "Rome"},
               {"name": "paris fan", "hometown": "Paris"})


async def test_select_matches_values_from_a_subquery(api):
    await seed_teams(api)
    where = {"hometown": {"$select": {"query": {"className": "Team", "where": {"winPct": {"$gt": 0.5}}},
                                      "key": "city"}}}
    assert await names(api, "Fan", where) == ["oslo fan"]


async def test_dont_select_excludes_values_from_a_subquery(api):
    await seed_teams(api)
    where = {"hometown": {"$dontSelect": {"query": {"className": "Team", "where": {"winPct": {"$gt": 0.5}}},
                                          "key": "city"}}}
    assert await names(api, "Fan", where) == ["paris fan", "rome fan"]


@pytest.mark.parametrize("op", ["$select", "$dontSelect"])
async def test_malformed_select_is_102(api, op):
    await seed_teams(api)
    where = {"hometown": {op: {"query": {"className": "Team"}, "key": "city", "extra": 1}}}
    status, body = await api.get("/classes/Fan", params={"where": where})
    assert (status, body) == (400, {"code": 102, "error": f"improper usage of {op}"})


async def seed_posts(api) -> tuple[str, str]:
    hot, cold = await seed(api, "Post", {"name": "hot", "image": True}, {"name": "cold", "image": False})
    await seed(api, "Comment", {"name": "on hot", "post": pointer("Post", hot)},
               {"name": "on cold", "post": pointer("Post", cold)})
    return hot, cold


async def test_in_query_matches_pointers_to_subquery_results(api):
    await seed_posts(api)
    where = {"post": {"$inQuery": {"className": "Post", "where": {"image": True}}}}
    assert await names(api, "Comment", where) == ["on hot"]


async def test_not_in_query_excludes_pointers_to_subquery_results(api):
    await seed_posts(api)
    where = {"post": {"$notInQuery": {"className": "Post", "where": {"image": True}}}}
    assert await names(api, "Comment", where) == ["on cold"]


@pytest.mark.parametrize("op", ["$inQuery", "$notInQuery"])
async def test_malformed_in_query_is_102(api, op):
    await seed_posts(api)
    status, body = await api.get("/classes/Comment", params={"where": {"post": {op: {"where": {}}}}})
    assert (status, body) == (400, {"code": 102, "error": f"improper usage of {op}"})


async def test_related_to_finds_the_members_of_a_relation(api):
    u1, u2, _ = await seed(api, "Person", {"name": "ann"}, {"name": "bob"}, {"name": "cid"})
    (club,) = await seed(api, "Club", {"members": {"__op": "AddRelation",
                                                   "objects": [pointer("Person", u1), pointer("Person", u2)]}})
    where = {"$relatedTo": {"object": pointer("Club", club), "key": "members"}}
    assert await names(api, "Person", where) == ["ann", "bob"]


async def test_redirect_class_name_for_key_queries_the_relation_target(api):
    u1, _ = await seed(api, "Person", {"name": "ann"}, {"name": "bob"})
    (club,) = await seed(api, "Club", {"members": {"__op": "AddRelation", "objects": [pointer("Person", u1)]}})
    where = {"$relatedTo": {"object": pointer("Club", club), "key": "members"}}
    found = await find(api, "Club", where, redirectClassNameForKey="members")
    assert [(r["objectId"], r["name"], r["className"]) for r in found] == [(u1, "ann", "Person")]


async def test_pointer_equality_on_a_relation_field_finds_owners(api):
    u1, u2 = await seed(api, "Person", {"name": "ann"}, {"name": "bob"})
    await seed(api, "Club",
               {"name": "with ann", "members": {"__op": "AddRelation", "objects": [pointer("Person", u1)]}},
               {"name": "with bob", "members": {"__op": "AddRelation", "objects": [pointer("Person", u2)]}})
    assert await names(api, "Club", {"members": pointer("Person", u1)}) == ["with ann"]


# ----- $or / $and / $nor -----
async def test_or(api):
    await seed_numbers(api)
    assert await names(api, "Num", {"$or": [{"n": 1}, {"n": {"$gt": 4}}]}) == ["n1", "n5"]


async def test_and(api):
    await seed_numbers(api)
    assert await names(api, "Num", {"$and": [{"n": {"$gt": 1}}, {"n": {"$lt": 3}}]}) == ["n2"]


async def test_nor(api):
    await seed_numbers(api)
    assert await names(api, "Num", {"$nor": [{"n": 1}, {"n": {"$gt": 2}}]}) == ["n2"]


@pytest.mark.parametrize("op, value, message", [
    ("$or", {"n": 1}, "Bad $or format - use an array value."),
    ("$and", {"n": 1}, "Bad $and format - use an array value."),
    ("$nor", [], "Bad $nor format - use an array of at least 1 value."),
])
async def test_bad_logical_operator_format_is_102(api, op, value, message):
    await seed_numbers(api)
    status, body = await api.get("/classes/Num", params={"where": {op: value}})
    assert (status, body) == (400, {"code": 102, "error": message})


# ----- order, limit, skip -----
async def test_order_by_several_keys_with_descending(api):
    await seed(api, "Row", {"name": "a1b2", "a": 1, "b": 2}, {"name": "a1b1", "a": 1, "b": 1},
               {"name": "a0b5", "a": 0, "b": 5})
    assert await names(api, "Row", order="a,-b") == ["a0b5", "a1b2", "a1b1"]
    assert await names(api, "Row", order="-a,b") == ["a1b1", "a1b2", "a0b5"]


async def test_order_by_a_date_descending(api):
    await seed(api, "Row", {"name": "mid", "at": date("2024-02-01T00:00:00.000Z")},
               {"name": "last", "at": date("2024-03-01T00:00:00.000Z")},
               {"name": "first", "at": date("2024-01-01T00:00:00.000Z")})
    assert await names(api, "Row", order="-at") == ["last", "mid", "first"]


async def test_order_by_created_at_descending(api):
    for name in ("first", "second", "third"):
        await seed(api, "Row", {"name": name})
        await asyncio.sleep(0.002)  # createdAt has millisecond precision
    assert await names(api, "Row", order="-createdAt") == ["third", "second", "first"]


async def test_order_on_an_unknown_field_is_ignored(api):
    await seed(api, "Row", {"name": "only"})
    assert await names(api, "Row", order="nosuchfield") == ["only"]


async def test_limit_defaults_to_100(api):
    requests = [{"method": "POST", "path": "/1/classes/Many", "body": {"i": i}} for i in range(101)]
    status, _ = await api.post("/batch", {"requests": requests}, master=True)
    assert status == 200
    assert len(await find(api, "Many")) == 100
    assert len(await find(api, "Many", limit=101)) == 101


@pytest.mark.parametrize("config_overrides", [{"maxLimit": 2}])
async def test_limit_is_clamped_to_max_limit(api):
    await seed_numbers(api)
    assert len(await find(api, "Num", limit=4)) == 2
    assert len(await find(api, "Num")) == 2


async def test_limit_and_skip(api):
    await seed_numbers(api)
    assert await names(api, "Num", order="n", limit=2) == ["n1", "n2"]
    assert await names(api, "Num", order="n", limit=2, skip=2) == ["n3", "n4"]
    assert await names(api, "Num", order="n", skip=4) == ["n5"]


async def test_limit_zero_returns_no_results(api):
    await seed_numbers(api)
    assert await find(api, "Num", limit=0) == []


# ----- count -----
async def test_count_ignores_limit_and_skip(api):
    await seed_numbers(api)
    status, body = await api.get("/classes/Num", params={"where": {"n": {"$gt": 1}}, "count": 1, "limit": 1,
                                                         "skip": 1, "order": "n"})
    assert status == 200
    assert body["count"] == 4
    assert [r["name"] for r in body["results"]] == ["n3"]


async def test_count_with_limit_zero(api):
    await seed_numbers(api)
    status, body = await api.get("/classes/Num", params={"count": 1, "limit": 0})
    assert (status, body) == (200, {"results": [], "count": 5})


async def test_a_count_with_limit_zero_still_checks_its_order(api):
    await seed_numbers(api)
    assert await api.get("/classes/Num", params={"count": 1, "limit": 0, "order": "$bad"}) == (
        400, {"code": 105, "error": "Invalid field name: $bad."})
    assert await api.get("/classes/Num", params={"count": 1, "limit": 0, "order": "-n"}) == (
        200, {"results": [], "count": 5})
    assert await api.get("/classes/Num", params={"limit": 0}) == (200, {"results": []})


async def test_a_count_of_plain_and_encoded_comparisons(api):
    """Plain values go to storage as sent; pointers, dates and ACL-readable rows as before."""
    (owner,) = await seed(api, "Owner", {"name": "o"})
    await seed(api, "Task", {"status": "open", "n": 1, "owner": pointer("Owner", owner)},
               {"status": "open", "n": 7, "ACL": {}}, {"status": "done", "n": 7})
    cases = [({"status": "open"}, 1), ({"n": {"$gte": 5}}, 1), ({"status": {"$in": ["open", "done"]}}, 2),
             ({"owner": owner}, 1), ({"owner": pointer("Owner", owner)}, 1),
             ({"createdAt": {"$lt": date("2999-01-01T00:00:00.000Z")}}, 2), ({"status": {"$ne": None}}, 2)]
    for where, expected in cases:
        assert await api.get("/classes/Task", params={"where": where, "count": 1, "limit": 0}) == (
            200, {"results": [], "count": expected}), where


# ----- keys / excludeKeys -----
async def test_keys_select_fields_and_keep_the_defaults(api):
    await seed(api, "Wide", {"name": "w", "a": 1, "b": 2, "ACL": {"*": {"read": True}}})
    (row,) = await find(api, "Wide", keys="a")
    assert set(row) == {"objectId", "createdAt", "updatedAt", "ACL", "a"}
    assert row["a"] == 1


async def test_keys_on_get(api):
    (oid,) = await seed(api, "Wide", {"name": "w", "a": 1, "b": 2})
    status, row = await api.get(f"/classes/Wide/{oid}", params={"keys": "a,b"})
    assert status == 200
    assert set(row) == {"objectId", "createdAt", "updatedAt", "a", "b"}


async def test_exclude_keys_drops_fields(api):
    await seed(api, "Wide", {"name": "w", "a": 1, "b": 2})
    (row,) = await find(api, "Wide", excludeKeys="a,objectId")
    assert set(row) == {"objectId", "createdAt", "updatedAt", "name", "b"}


# ----- include -----
async def seed_library(api) -> dict[str, str]:
    (city,) = await seed(api, "City", {"name": "Oslo"})
    (author,) = await seed(api, "Author", {"name": "ann", "home": pointer("City", city)})
    (book,) = await seed(api, "Book", {"name": "b", "author": pointer("Author", author)})
    return {"city": city, "author": author, "book": book}


async def test_include_replaces_a_pointer_with_the_object(api):
    ids = await seed_library(api)
    (book,) = await find(api, "Book", include="author")
    author = book["author"]
    assert author["__type"] == "Object" and author["className"] == "Author"
    assert author["objectId"] == ids["author"] and author["name"] == "ann"
    assert author["home"] == pointer("City", ids["city"])


async def test_include_nested_dotted_path(api):
    ids = await seed_library(api)
    (book,) = await find(api, "Book", include="author.home")
    assert book["author"]["home"]["__type"] == "Object"
    assert book["author"]["home"]["objectId"] == ids["city"]
    assert book["author"]["home"]["name"] == "Oslo"


async def test_include_on_get(api):
    ids = await seed_library(api)
    status, book = await api.get(f"/classes/Book/{ids['book']}", params={"include": "author"})
    assert status == 200
    assert book["author"]["name"] == "ann"


async def test_include_star_includes_every_pointer_field(api):
    ids = await seed_library(api)
    (author,) = await find(api, "Author", include="*")
    assert author["home"]["__type"] == "Object" and author["home"]["objectId"] == ids["city"]


async def test_include_an_array_of_pointers(api):
    a1, a2 = await seed(api, "Author", {"name": "ann"}, {"name": "bob"})
    await seed(api, "Anthology", {"name": "x", "authors": [pointer("Author", a2), pointer("Author", a1)]})
    (row,) = await find(api, "Anthology", include="authors")
    assert [(a["__type"], a["name"]) for a in row["authors"]] == [("Object", "bob"), ("Object", "ann")]


async def test_included_pointer_to_an_unreadable_object_vanishes(api):
    (secret,) = await seed(api, "Author", {"name": "hidden", "ACL": {}})
    await seed(api, "Book", {"name": "b", "author": pointer("Author", secret)})
    (book,) = await find(api, "Book", include="author")
    assert "author" not in book


async def test_included_pointer_to_a_missing_object_vanishes(api):
    (author,) = await seed(api, "Author", {"name": "ann"})
    await seed(api, "Book", {"name": "b", "author": pointer("Author", "missing123"),
                             "authors": [pointer("Author", author), pointer("Author", "missing123")]})
    (book,) = await find(api, "Book", include="author,authors")
    assert "author" not in book
    assert [a["objectId"] for a in book["authors"]] == [author]


async def test_keys_with_a_dotted_path_includes_only_that_subfield(api):
    await seed_library(api)
    (book,) = await find(api, "Book", keys="author.name")
    assert set(book) == {"objectId", "createdAt", "updatedAt", "author"}
    assert book["author"]["name"] == "ann"
    assert "home" not in book["author"]


# ----- errors -----
async def test_unknown_query_parameter_is_102(api):
    await seed_numbers(api)
    status, body = await api.get("/classes/Num", params={"bogus": 1})
    assert (status, body) == (400, {"code": 102, "error": "Invalid parameter for query: bogus"})


async def test_unknown_parameter_on_get_is_102(api):
    (oid,) = await seed(api, "Num", {"n": 1})
    status, body = await api.get(f"/classes/Num/{oid}", params={"where": {"n": 1}})
    assert (status, body) == (400, {"code": 102, "error": "Improper encode of parameter"})


@pytest.mark.parametrize("op", ["$foo", "$size", "$elemMatch", "$near"])
async def test_unknown_operator_is_107(api, op):
    await seed_numbers(api)
    status, body = await api.get("/classes/Num", params={"where": {"n": {op: 1}}})
    assert (status, body) == (400, {"code": 107, "error": f"bad constraint: {op}"})


@pytest.mark.parametrize("key", ["$where", "$function", "$expr"])
async def test_server_side_javascript_operators_are_105(api, key):
    await seed_numbers(api)
    status, body = await api.get("/classes/Num", params={"where": {key: "function() { return true; }"}})
    assert (status, body) == (400, {"code": 105, "error": f"Invalid key name: {key}"})


async def test_where_in_a_method_override_body_is_105_too(api):
    await seed_numbers(api)
    status, body = await api.post("/classes/Num", {"_method": "GET", "where": {"$where": "sleep(1000)"}})
    assert (status, body) == (400, {"code": 105, "error": "Invalid key name: $where"})


async def test_query_on_acl_is_102(api):
    await seed_numbers(api)
    status, body = await api.get("/classes/Num", params={"where": {"ACL": {"*": {"read": True}}}})
    assert (status, body) == (400, {"code": 102, "error": "Cannot query on ACL."})


async def test_find_on_a_class_that_does_not_exist_is_empty(api):
    assert await find(api, "NeverWritten") == []
