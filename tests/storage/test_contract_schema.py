"""Storage contract: the schema store (classes, fields) and dropping classes."""

from __future__ import annotations

import asyncio

import pytest

from parse_clone.storage.base import DuplicateValueError, FindOptions

from .conftest import make_doc, make_schema, seed


async def test_create_class_then_get_class_returns_the_stored_schema(adapter):
    schema = make_schema("Post", title="String", author="Pointer:_User")
    schema["classLevelPermissions"] = {"find": {"*": True}}
    await adapter.create_class("Post", schema)
    assert await adapter.get_class("Post") == {
        "className": "Post",
        "fields": {"title": {"type": "String"}, "author": {"type": "Pointer", "targetClass": "_User"}},
        "classLevelPermissions": {"find": {"*": True}},
        "indexes": None,
    }


async def test_get_class_of_a_missing_class_is_none(adapter):
    assert await adapter.get_class("Nope") is None


async def test_create_class_twice_raises_duplicate_value(adapter):
    await adapter.create_class("Post", make_schema("Post"))
    with pytest.raises(DuplicateValueError):
        await adapter.create_class("Post", make_schema("Post", title="String"))


async def test_create_class_twice_keeps_the_first_schema(adapter):
    await adapter.create_class("Post", make_schema("Post"))
    with pytest.raises(DuplicateValueError):
        await adapter.create_class("Post", make_schema("Post", title="String"))
    assert (await adapter.get_class("Post"))["fields"] == {}


async def test_get_all_classes_lists_every_class(adapter):
    await adapter.create_class("Post", make_schema("Post"))
    await adapter.create_class("_User", make_schema("_User", username="String"))
    classes = await adapter.get_all_classes()
    assert sorted(c["className"] for c in classes) == ["Post", "_User"]


async def test_get_all_classes_of_an_empty_database_is_empty(adapter):
    assert await adapter.get_all_classes() == []


async def test_set_class_schema_replaces_the_schema_whole(adapter):
    await adapter.create_class("Post", make_schema("Post", title="String"))
    new = make_schema("Post", body="String")
    new["indexes"] = {"_id_": {"_id": 1}}
    await adapter.set_class_schema("Post", new)
    assert await adapter.get_class("Post") == {
        "className": "Post", "fields": {"body": {"type": "String"}},
        "classLevelPermissions": None, "indexes": {"_id_": {"_id": 1}},
    }


async def test_add_field_if_not_exists_adds_the_field(adapter):
    await adapter.create_class("Post", make_schema("Post"))
    await adapter.add_field_if_not_exists("Post", "owner", {"type": "Pointer", "targetClass": "_User"})
    assert (await adapter.get_class("Post"))["fields"] == {"owner": {"type": "Pointer", "targetClass": "_User"}}


async def test_add_field_if_not_exists_is_idempotent(adapter):
    await adapter.create_class("Post", make_schema("Post"))
    await adapter.add_field_if_not_exists("Post", "views", {"type": "Number"})
    await adapter.add_field_if_not_exists("Post", "views", {"type": "Number"})
    assert (await adapter.get_class("Post"))["fields"] == {"views": {"type": "Number"}}


async def test_add_field_if_not_exists_keeps_the_first_type(adapter):
    await adapter.create_class("Post", make_schema("Post"))
    await adapter.add_field_if_not_exists("Post", "views", {"type": "Number"})
    await adapter.add_field_if_not_exists("Post", "views", {"type": "String"})
    assert (await adapter.get_class("Post"))["fields"] == {"views": {"type": "Number"}}


async def test_add_field_if_not_exists_keeps_other_fields(adapter):
    await adapter.create_class("Post", make_schema("Post", title="String"))
    await adapter.add_field_if_not_exists("Post", "views", {"type": "Number"})
    assert (await adapter.get_class("Post"))["fields"] == {"title": {"type": "String"}, "views": {"type": "Number"}}


async def test_concurrent_add_field_if_not_exists_keeps_every_field(adapter):
    await adapter.create_class("Post", make_schema("Post"))
    await asyncio.gather(*(adapter.add_field_if_not_exists("Post", f"f{i}", {"type": "String"}) for i in range(10)))
    assert sorted((await adapter.get_class("Post"))["fields"]) == sorted(f"f{i}" for i in range(10))


async def test_delete_fields_removes_them_from_the_schema(adapter):
    schema = make_schema("Post", title="String", views="Number", body="String")
    await adapter.create_class("Post", schema)
    await adapter.delete_fields("Post", schema, ["views", "body"])
    assert (await adapter.get_class("Post"))["fields"] == {"title": {"type": "String"}}


async def test_delete_fields_removes_their_values_from_every_object(adapter):
    schema = make_schema("Post", title="String", views="Number")
    await seed(adapter, schema, [make_doc("a", title="A", views=1), make_doc("b", title="B", views=2),
                                 make_doc("c", title="C")])
    await adapter.delete_fields("Post", schema, ["views"])
    docs = await adapter.find("Post", schema, {}, FindOptions(sort=[("objectId", 1)]))
    assert docs == [make_doc("a", title="A"), make_doc("b", title="B"), make_doc("c", title="C")]


async def test_delete_class_drops_objects_and_schema(adapter):
    schema = make_schema("Post", title="String")
    await seed(adapter, schema, [make_doc("a", title="A")])
    await adapter.delete_class("Post")
    assert await adapter.get_class("Post") is None
    assert await adapter.find("Post", schema, {}, FindOptions()) == []


async def test_delete_class_drops_its_relation_rows(adapter):
    schema = make_schema("Post", likes="Relation:_User")
    await seed(adapter, schema, [make_doc("a")])
    await adapter.add_relation("Post", "likes", "a", "u1")
    await adapter.delete_class("Post")
    assert await adapter.related_ids("Post", "likes", ["a"]) == []


async def test_delete_class_of_a_join_name_drops_that_relations_rows(adapter):
    await adapter.add_relation("Post", "likes", "a", "u1")
    await adapter.add_relation("Post", "fans", "a", "u2")
    await adapter.delete_class("_Join:likes:Post")
    assert await adapter.related_ids("Post", "likes", ["a"]) == []
    assert await adapter.related_ids("Post", "fans", ["a"]) == ["u2"]


async def test_delete_class_leaves_other_classes(adapter):
    post, note = make_schema("Post"), make_schema("Note")
    await seed(adapter, post, [make_doc("a")])
    await seed(adapter, note, [make_doc("n")])
    await adapter.delete_class("Post")
    assert [c["className"] for c in await adapter.get_all_classes()] == ["Note"]
    assert await adapter.count("Note", note, {}) == 1


async def test_delete_class_of_a_missing_class_is_a_no_op(adapter):
    await adapter.delete_class("Nope")
    assert await adapter.get_all_classes() == []


async def test_a_deleted_class_can_be_created_again_empty(adapter):
    schema = make_schema("Post")
    await seed(adapter, schema, [make_doc("a")])
    await adapter.delete_class("Post")
    await adapter.create_class("Post", schema)
    assert await adapter.count("Post", schema, {}) == 0


async def test_delete_all_classes_drops_every_class_and_object(adapter):
    post, user = make_schema("Post"), make_schema("_User")
    await seed(adapter, post, [make_doc("a")])
    await seed(adapter, user, [make_doc("u")])
    await adapter.add_relation("Post", "likes", "a", "u")
    await adapter.delete_all_classes()
    assert await adapter.get_all_classes() == []
    assert await adapter.count("Post", post, {}) == 0
    assert await adapter.count("_User", user, {}) == 0
    assert await adapter.related_ids("Post", "likes", ["a"]) == []
