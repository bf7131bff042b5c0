"""Storage contract: creating, reading, counting, updating and deleting objects."""

from __future__ import annotations

import pytest

from parse_clone.storage.base import DuplicateValueError, FindOptions

from .conftest import T0, date, geo, ids, make_doc, make_schema, pointer, seed

POST = make_schema("Post", title="String", views="Number", tags="Array", author="Pointer:_User")
T1 = "2024-05-02T08:30:00.000Z"


async def test_a_created_object_reads_back_in_stored_form(adapter):
    schema = make_schema("Thing", s="String", n="Number", f="Number", b="Boolean", d="Date", p="Pointer:_User",
                         g="GeoPoint", poly="Polygon", file="File", raw="Bytes", o="Object", a="Array")
    doc = make_doc(
        "t1", s="text é", n=7, f=2.5, b=False, d=date("2024-01-02T03:04:05.678Z"), p=pointer("_User", "u1"),
        g=geo(40.5, -73.25), poly={"__type": "Polygon", "coordinates": [[0, 0], [0, 1], [1, 1], [0, 0]]},
        file={"__type": "File", "name": "a.txt"}, raw={"__type": "Bytes", "base64": "aGk="},
        o={"nested": {"deep": [1, "two", None]}, "at": date(T1)}, a=[1, "x", {"k": True}, pointer("Post", "p1")],
        _rperm=["*", "u1"], _wperm=["u1"])
    await seed(adapter, schema, [doc])
    assert await adapter.find("Thing", schema, {"objectId": "t1"}, FindOptions()) == [doc]


async def test_user_internal_fields_read_back(adapter):
    schema = make_schema("_User", username="String", email="String", emailVerified="Boolean", authData="Object")
    doc = make_doc("u1", username="ann", email="a@x.io", emailVerified=False, _hashed_password="$2b$10$abc",
                   authData={"facebook": {"id": "f1", "access_token": "t"}},
                   _email_verify_token_expires_at=date(T1), _failed_login_count=2)
    await seed(adapter, schema, [doc])
    assert await adapter.find("_User", schema, {}, FindOptions()) == [doc]


async def test_create_object_with_an_existing_object_id_raises_duplicate_value_on_object_id(adapter):
    await seed(adapter, POST, [make_doc("a", title="first")])
    with pytest.raises(DuplicateValueError) as err:
        await adapter.create_object("Post", POST, make_doc("a", title="second"))
    assert err.value.fields == ["objectId"]


async def test_a_rejected_duplicate_leaves_the_original(adapter):
    await seed(adapter, POST, [make_doc("a", title="first")])
    with pytest.raises(DuplicateValueError):
        await adapter.create_object("Post", POST, make_doc("a", title="second"))
    assert await adapter.find("Post", POST, {}, FindOptions()) == [make_doc("a", title="first")]


async def test_find_on_a_class_without_objects_is_empty(adapter):
    await adapter.create_class("Post", POST)
    assert await adapter.find("Post", POST, {}, FindOptions()) == []


async def test_find_on_a_missing_class_is_empty(adapter):
    assert await adapter.find("Nope", make_schema("Nope"), {"title": "x"}, FindOptions()) == []


async def test_objects_of_different_classes_are_kept_apart(adapter):
    note = make_schema("Note", title="String")
    await seed(adapter, POST, [make_doc("a", title="x")])
    await seed(adapter, note, [make_doc("a", title="y")])
    assert await adapter.find("Note", note, {}, FindOptions()) == [make_doc("a", title="y")]


async def test_count_counts_matches(adapter):
    await seed(adapter, POST, [make_doc("a", views=1), make_doc("b", views=5), make_doc("c", views=9)])
    assert await adapter.count("Post", POST, {"views": {"$gt": 2}}) == 2


async def test_count_of_everything(adapter):
    await seed(adapter, POST, [make_doc("a"), make_doc("b")])
    assert await adapter.count("Post", POST, {}) == 2


async def test_count_with_a_regex_constraint(adapter):
    await seed(adapter, POST, [make_doc("a", title="apple"), make_doc("b", title="banana"),
                               make_doc("c", title="avocado")])
    assert await adapter.count("Post", POST, {"title": {"$regex": "^a"}}) == 2


async def test_count_of_a_missing_class_is_zero(adapter):
    assert await adapter.count("Nope", make_schema("Nope"), {}) == 0


async def test_find_one_and_update_returns_the_whole_updated_document(adapter):
    await seed(adapter, POST, [make_doc("a", title="old", views=1, tags=["x"])])
    got = await adapter.find_one_and_update("Post", POST, {"objectId": "a"},
                                            {"title": "new", "views": {"__op": "Increment", "amount": 2},
                                             "updatedAt": T1})
    assert got == {"objectId": "a", "createdAt": T0, "updatedAt": T1, "title": "new", "views": 3, "tags": ["x"]}


async def test_find_one_and_update_persists_the_change(adapter):
    await seed(adapter, POST, [make_doc("a", title="old")])
    await adapter.find_one_and_update("Post", POST, {"objectId": "a"}, {"title": "new"})
    assert await adapter.find("Post", POST, {}, FindOptions()) == [make_doc("a", title="new")]


async def test_find_one_and_update_without_a_match_returns_none(adapter):
    await seed(adapter, POST, [make_doc("a", title="old", _wperm=["u2"])])
    got = await adapter.find_one_and_update("Post", POST, {"objectId": "a", "_wperm": {"$in": [None, "u1"]}},
                                            {"title": "new"})
    assert got is None
    assert await adapter.find("Post", POST, {}, FindOptions()) == [make_doc("a", title="old", _wperm=["u2"])]


async def test_find_one_and_update_changes_one_document_only(adapter):
    await seed(adapter, POST, [make_doc("a", views=1), make_doc("b", views=1)])
    await adapter.find_one_and_update("Post", POST, {"views": 1}, {"views": 2})
    assert await adapter.count("Post", POST, {"views": 2}) == 1


async def test_find_one_and_update_with_a_residual_where(adapter):
    await seed(adapter, POST, [make_doc("a", title="apple"), make_doc("b", title="berry")])
    got = await adapter.find_one_and_update("Post", POST, {"title": {"$regex": "^b"}}, {"views": 1})
    assert got == make_doc("b", title="berry", views=1)


async def test_update_many_updates_every_match_and_counts_them(adapter):
    await seed(adapter, POST, [make_doc("a", views=1), make_doc("b", views=1), make_doc("c", views=3)])
    n = await adapter.update_many("Post", POST, {"views": 1}, {"views": {"__op": "Increment", "amount": 10}})
    assert n == 2
    docs = await adapter.find("Post", POST, {}, FindOptions(sort=[("objectId", 1)]))
    assert [d["views"] for d in docs] == [11, 11, 3]


async def test_update_many_without_matches_is_zero(adapter):
    await seed(adapter, POST, [make_doc("a", views=1)])
    assert await adapter.update_many("Post", POST, {"views": 2}, {"views": 3}) == 0


async def test_upsert_one_updates_an_existing_match(adapter):
    await seed(adapter, POST, [make_doc("a", title="old")])
    await adapter.upsert_one("Post", POST, {"objectId": "a"}, {"title": "new"})
    assert await adapter.find("Post", POST, {}, FindOptions()) == [make_doc("a", title="new")]


async def test_upsert_one_inserts_the_where_equalities_plus_the_update(adapter):
    await adapter.create_class("Post", POST)
    await adapter.upsert_one("Post", POST, {"objectId": "a", "title": "t"},
                             {"views": {"__op": "Increment", "amount": 1}, "createdAt": T0, "updatedAt": T0})
    assert await adapter.find("Post", POST, {}, FindOptions()) == [make_doc("a", title="t", views=1)]


async def test_delete_many_deletes_matches_and_counts_them(adapter):
    await seed(adapter, POST, [make_doc("a", views=1), make_doc("b", views=1), make_doc("c", views=3)])
    assert await adapter.delete_many("Post", POST, {"views": 1}) == 2
    assert ids(await adapter.find("Post", POST, {}, FindOptions())) == ["c"]


async def test_delete_many_with_a_residual_where(adapter):
    await seed(adapter, POST, [make_doc("a", title="apple"), make_doc("b", title="berry")])
    assert await adapter.delete_many("Post", POST, {"title": {"$regex": "^a"}}) == 1
    assert ids(await adapter.find("Post", POST, {}, FindOptions())) == ["b"]


async def test_delete_many_without_matches_is_zero(adapter):
    await seed(adapter, POST, [make_doc("a")])
    assert await adapter.delete_many("Post", POST, {"objectId": "zz"}) == 0


async def test_delete_many_respects_the_acl_filter(adapter):
    await seed(adapter, POST, [make_doc("a", _wperm=["u1"]), make_doc("b", _wperm=["u2"])])
    assert await adapter.delete_many("Post", POST, {"_wperm": {"$in": [None, "u1"]}}) == 1
    assert ids(await adapter.find("Post", POST, {}, FindOptions())) == ["b"]


async def test_distinct_lists_each_value_once(adapter):
    await seed(adapter, POST, [make_doc("a", title="x"), make_doc("b", title="y"), make_doc("c", title="x"),
                               make_doc("d")])
    assert sorted(await adapter.distinct("Post", POST, {}, "title")) == ["x", "y"]


async def test_distinct_flattens_array_values(adapter):
    await seed(adapter, POST, [make_doc("a", tags=["x", "y"]), make_doc("b", tags=["y", "z"])])
    assert sorted(await adapter.distinct("Post", POST, {}, "tags")) == ["x", "y", "z"]


async def test_distinct_returns_pointers_as_pointer_json(adapter):
    await seed(adapter, POST, [make_doc("a", author=pointer("_User", "u1")),
                               make_doc("b", author=pointer("_User", "u1")),
                               make_doc("c", author=pointer("_User", "u2"))])
    got = await adapter.distinct("Post", POST, {}, "author")
    assert sorted(got, key=lambda p: p["objectId"]) == [pointer("_User", "u1"), pointer("_User", "u2")]


async def test_distinct_applies_the_where(adapter):
    await seed(adapter, POST, [make_doc("a", title="x", views=1), make_doc("b", title="y", views=2)])
    assert await adapter.distinct("Post", POST, {"views": 2}, "title") == ["y"]


async def test_distinct_of_a_dotted_field(adapter):
    schema = make_schema("Post", meta="Object")
    await seed(adapter, schema, [make_doc("a", meta={"c": "red"}), make_doc("b", meta={"c": "blue"}),
                                 make_doc("d", meta={"c": "red"})])
    assert sorted(await adapter.distinct("Post", schema, {}, "meta.c")) == ["blue", "red"]
