"""Storage contract: relation rows (Parse's _Join:<field>:<Class>), looked up both ways."""

from __future__ import annotations


async def test_related_ids_lists_what_an_owner_holds(adapter):
    await adapter.add_relation("Post", "likes", "p1", "u1")
    await adapter.add_relation("Post", "likes", "p1", "u2")
    assert sorted(await adapter.related_ids("Post", "likes", ["p1"])) == ["u1", "u2"]


async def test_related_ids_of_several_owners_lists_each_id_once(adapter):
    await adapter.add_relation("Post", "likes", "p1", "u1")
    await adapter.add_relation("Post", "likes", "p2", "u1")
    await adapter.add_relation("Post", "likes", "p2", "u3")
    assert sorted(await adapter.related_ids("Post", "likes", ["p1", "p2"])) == ["u1", "u3"]


async def test_owning_ids_lists_the_owners_holding_an_id(adapter):
    await adapter.add_relation("Post", "likes", "p1", "u1")
    await adapter.add_relation("Post", "likes", "p2", "u1")
    await adapter.add_relation("Post", "likes", "p3", "u2")
    assert sorted(await adapter.owning_ids("Post", "likes", ["u1"])) == ["p1", "p2"]


async def test_owning_ids_of_several_related_ids(adapter):
    await adapter.add_relation("Post", "likes", "p1", "u1")
    await adapter.add_relation("Post", "likes", "p2", "u2")
    await adapter.add_relation("Post", "likes", "p3", "u3")
    assert sorted(await adapter.owning_ids("Post", "likes", ["u1", "u3"])) == ["p1", "p3"]


async def test_adding_an_existing_relation_row_is_a_no_op(adapter):
    await adapter.add_relation("Post", "likes", "p1", "u1")
    await adapter.add_relation("Post", "likes", "p1", "u1")
    assert await adapter.related_ids("Post", "likes", ["p1"]) == ["u1"]
    assert await adapter.owning_ids("Post", "likes", ["u1"]) == ["p1"]


async def test_remove_relation_removes_the_row(adapter):
    await adapter.add_relation("Post", "likes", "p1", "u1")
    await adapter.add_relation("Post", "likes", "p1", "u2")
    await adapter.remove_relation("Post", "likes", "p1", "u1")
    assert await adapter.related_ids("Post", "likes", ["p1"]) == ["u2"]
    assert await adapter.owning_ids("Post", "likes", ["u1"]) == []


async def test_removing_a_missing_relation_row_is_a_no_op(adapter):
    await adapter.remove_relation("Post", "likes", "p1", "u1")
    assert await adapter.related_ids("Post", "likes", ["p1"]) == []


async def test_relations_of_different_fields_are_kept_apart(adapter):
    await adapter.add_relation("Post", "likes", "p1", "u1")
    await adapter.add_relation("Post", "fans", "p1", "u2")
    assert await adapter.related_ids("Post", "likes", ["p1"]) == ["u1"]
    assert await adapter.owning_ids("Post", "fans", ["u1"]) == []


async def test_relations_of_different_classes_are_kept_apart(adapter):
    await adapter.add_relation("Post", "likes", "x", "u1")
    await adapter.add_relation("Note", "likes", "x", "u2")
    assert await adapter.related_ids("Post", "likes", ["x"]) == ["u1"]
    assert await adapter.owning_ids("Note", "likes", ["u1"]) == []


async def test_role_relations_on_system_classes(adapter):
    await adapter.add_relation("_Role", "users", "r1", "u1")
    await adapter.add_relation("_Role", "roles", "r2", "r1")
    assert await adapter.owning_ids("_Role", "users", ["u1"]) == ["r1"]
    assert await adapter.owning_ids("_Role", "roles", ["r1"]) == ["r2"]


async def test_related_ids_of_no_owners_is_empty(adapter):
    await adapter.add_relation("Post", "likes", "p1", "u1")
    assert await adapter.related_ids("Post", "likes", []) == []
