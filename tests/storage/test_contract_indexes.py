"""Storage contract: unique constraints and named indexes."""

from __future__ import annotations

import pytest

from parse_clone.storage.base import DuplicateValueError, FindOptions

from .conftest import make_doc, make_schema, pointer, seed

USER = make_schema("_User", username="String", email="String", team="Pointer:Team")
POST = make_schema("Post", title="String", views="Number", when="Date", author="Pointer:_User")


async def test_a_unique_field_rejects_a_duplicate_insert(adapter):
    await seed(adapter, USER, [make_doc("u1", username="ann")])
    await adapter.ensure_unique("_User", USER, ["username"])
    with pytest.raises(DuplicateValueError) as err:
        await adapter.create_object("_User", USER, make_doc("u2", username="ann"))
    assert err.value.fields == ["username"]


async def test_a_rejected_duplicate_is_not_stored(adapter):
    await seed(adapter, USER, [make_doc("u1", username="ann")])
    await adapter.ensure_unique("_User", USER, ["username"])
    with pytest.raises(DuplicateValueError):
        await adapter.create_object("_User", USER, make_doc("u2", username="ann"))
    assert await adapter.count("_User", USER, {}) == 1


async def test_a_unique_field_allows_many_objects_without_it(adapter):
    await seed(adapter, USER, [make_doc("u1", username="ann")])
    await adapter.ensure_unique("_User", USER, ["email"])
    await adapter.create_object("_User", USER, make_doc("u2", username="bob"))
    await adapter.create_object("_User", USER, make_doc("u3", username="cat"))
    assert await adapter.count("_User", USER, {}) == 3


async def test_a_unique_field_allows_different_values(adapter):
    await adapter.create_class("_User", USER)
    await adapter.ensure_unique("_User", USER, ["username"])
    await adapter.create_object("_User", USER, make_doc("u1", username="ann"))
    await adapter.create_object("_User", USER, make_doc("u2", username="Ann"))
    assert await adapter.count("_User", USER, {}) == 2


async def test_ensure_unique_on_violating_data_raises_duplicate_value(adapter):
    await seed(adapter, POST, [make_doc("p1", title="a"), make_doc("p2", title="a")])
    with pytest.raises(DuplicateValueError):
        await adapter.ensure_unique("Post", POST, ["title"])


async def test_ensure_unique_twice_is_a_no_op(adapter):
    await seed(adapter, USER, [make_doc("u1", username="ann")])
    await adapter.ensure_unique("_User", USER, ["username"])
    await adapter.ensure_unique("_User", USER, ["username"])
    with pytest.raises(DuplicateValueError):
        await adapter.create_object("_User", USER, make_doc("u2", username="ann"))


async def test_an_update_to_a_taken_value_raises_duplicate_value(adapter):
    await seed(adapter, USER, [make_doc("u1", username="ann"), make_doc("u2", username="bob")])
    await adapter.ensure_unique("_User", USER, ["username"])
    with pytest.raises(DuplicateValueError) as err:
        await adapter.find_one_and_update("_User", USER, {"objectId": "u2"}, {"username": "ann"})
    assert err.value.fields == ["username"]


async def test_a_rejected_update_leaves_the_document_unchanged(adapter):
    await seed(adapter, USER, [make_doc("u1", username="ann"), make_doc("u2", username="bob")])
    await adapter.ensure_unique("_User", USER, ["username"])
    with pytest.raises(DuplicateValueError):
        await adapter.find_one_and_update("_User", USER, {"objectId": "u2"}, {"username": "ann"})
    assert await adapter.find("_User", USER, {"objectId": "u2"}, FindOptions()) == [make_doc("u2", username="bob")]


async def test_a_compound_unique_rejects_the_same_pair(adapter):
    schema = make_schema("Seat", row="String", num="Number")
    await seed(adapter, schema, [make_doc("s1", row="A", num=1)])
    await adapter.ensure_unique("Seat", schema, ["row", "num"])
    await adapter.create_object("Seat", schema, make_doc("s2", row="A", num=2))
    with pytest.raises(DuplicateValueError):
        await adapter.create_object("Seat", schema, make_doc("s3", row="A", num=1))


async def test_a_unique_pointer_field_compares_class_and_id(adapter):
    await seed(adapter, USER, [make_doc("u1", team=pointer("Team", "t1"))])
    await adapter.ensure_unique("_User", USER, ["team"])
    await adapter.create_object("_User", USER, make_doc("u2", team=pointer("Team", "t2")))
    with pytest.raises(DuplicateValueError):
        await adapter.create_object("_User", USER, make_doc("u3", team=pointer("Team", "t1")))


async def test_get_indexes_includes_the_primary_key_index(adapter):
    await seed(adapter, POST, [make_doc("p1")])
    assert await adapter.get_indexes("Post") == {"_id_": {"_id": 1}}


async def test_create_index_shows_in_get_indexes(adapter):
    await seed(adapter, POST, [make_doc("p1", title="a")])
    await adapter.create_index("Post", POST, "title_1", {"title": 1})
    await adapter.create_index("Post", POST, "views_-1_when_1", {"views": -1, "when": 1})
    assert await adapter.get_indexes("Post") == {
        "_id_": {"_id": 1}, "title_1": {"title": 1}, "views_-1_when_1": {"views": -1, "when": 1}}


async def test_ensure_unique_shows_in_get_indexes_with_mongodbs_name(adapter):
    await seed(adapter, USER, [make_doc("u1", username="ann")])
    await adapter.ensure_unique("_User", USER, ["username"])
    assert (await adapter.get_indexes("_User"))["username_1"] == {"username": 1}


async def test_drop_index_removes_it(adapter):
    await seed(adapter, POST, [make_doc("p1", title="a")])
    await adapter.create_index("Post", POST, "title_1", {"title": 1})
    await adapter.drop_index("Post", "title_1")
    assert await adapter.get_indexes("Post") == {"_id_": {"_id": 1}}


async def test_dropping_a_unique_index_allows_duplicates_again(adapter):
    await seed(adapter, USER, [make_doc("u1", username="ann")])
    await adapter.ensure_unique("_User", USER, ["username"])
    await adapter.drop_index("_User", "username_1")
    await adapter.create_object("_User", USER, make_doc("u2", username="ann"))
    assert await adapter.count("_User", USER, {"username": "ann"}) == 2


async def test_drop_index_of_a_missing_index_is_a_no_op(adapter):
    await seed(adapter, POST, [make_doc("p1")])
    await adapter.drop_index("Post", "nope_1")
    assert await adapter.get_indexes("Post") == {"_id_": {"_id": 1}}


async def test_queries_on_indexed_fields_return_the_same_results(adapter):
    await seed(adapter, POST, [make_doc("p1", title="a", views=1, author=pointer("_User", "u1")),
                               make_doc("p2", title="b", views=2, author=pointer("_User", "u2")),
                               make_doc("p3", title="a", views=3, author=pointer("_User", "u1"))])
    for name, spec in {"title_1": {"title": 1}, "views_1": {"views": 1}, "author_1": {"author": 1}}.items():
        await adapter.create_index("Post", POST, name, spec)
    titled = await adapter.find("Post", POST, {"title": "a"}, FindOptions())
    assert sorted(d["objectId"] for d in titled) == ["p1", "p3"]
    assert [d["objectId"] for d in await adapter.find("Post", POST, {"views": {"$gte": 2}},
                                                      FindOptions(sort=[("views", -1)]))] == ["p3", "p2"]
    assert await adapter.count("Post", POST, {"author": pointer("_User", "u1")}) == 2


# ----- authData ids (databaseOptions.createIndexAuthDataUniqueness) -----

AUTH_USER = make_schema("_User", username="String", authData="Object")


def _linked(object_id: str, provider_id: str | None) -> dict:
    auth = {"facebook": {"id": provider_id, "access_token": "t"}} if provider_id else {"github": {"id": "g"}}
    return make_doc(object_id, username=object_id, authData=auth)


def _names_the_provider(error: DuplicateValueError) -> bool:
    return any(f in ("_auth_data_facebook", "authData.facebook.id") for f in error.fields)


async def test_an_auth_data_id_is_unique_per_provider(adapter):
    await seed(adapter, AUTH_USER, [_linked("u1", "fb1")])
    await adapter.ensure_auth_data_unique("facebook")
    await adapter.create_object("_User", AUTH_USER, _linked("u2", "fb2"))
    await adapter.create_object("_User", AUTH_USER, _linked("u3", None))  # no facebook id: never collides
    await adapter.create_object("_User", AUTH_USER, _linked("u4", None))
    with pytest.raises(DuplicateValueError) as err:
        await adapter.create_object("_User", AUTH_USER, _linked("u5", "fb1"))
    assert _names_the_provider(err.value), err.value.fields
    assert await adapter.count("_User", AUTH_USER, {}) == 4


async def test_auth_data_uniqueness_twice_is_a_no_op_and_old_duplicates_are_reported(adapter):
    await adapter.ensure_auth_data_unique("facebook")
    await adapter.ensure_auth_data_unique("facebook")
    await adapter.delete_all_classes()
    await seed(adapter, AUTH_USER, [_linked("u1", "fb1"), _linked("u2", "fb1")])
    with pytest.raises(DuplicateValueError):
        await adapter.ensure_auth_data_unique("facebook")


async def test_auth_data_uniqueness_refuses_odd_provider_names(adapter):
    with pytest.raises(ValueError, match="not an auth provider name"):
        await adapter.ensure_auth_data_unique("x') OR 1=1 --")
