"""Storage contract: the update form (plain sets, dotted keys and the five __op operators)."""

from __future__ import annotations

import pytest

from parse_clone.storage.base import FindOptions

from .conftest import make_doc, make_schema, pointer, seed

THING = make_schema("Thing", n="Number", tags="Array", stats="Object", title="String", owners="Array")


@pytest.fixture
async def update(adapter):
    """Seed one object "t" with the given fields, apply an update, return the updated document."""

    async def run(fields, change):
        await seed(adapter, THING, [make_doc("t", **fields)])
        return await adapter.find_one_and_update("Thing", THING, {"objectId": "t"}, change)

    return run


async def test_plain_set_replaces_the_value(update):
    assert (await update({"title": "a"}, {"title": "b"}))["title"] == "b"


async def test_plain_set_of_an_object_replaces_it_whole(update):
    got = await update({"stats": {"wins": 1, "losses": 2}}, {"stats": {"wins": 5}})
    assert got["stats"] == {"wins": 5}


async def test_plain_set_adds_a_new_field(update):
    got = await update({}, {"title": "new"})
    assert got == make_doc("t", title="new")


async def test_increment_adds_to_a_number(update):
    assert (await update({"n": 5}, {"n": {"__op": "Increment", "amount": 3}}))["n"] == 8


async def test_increment_by_a_negative_amount(update):
    assert (await update({"n": 5}, {"n": {"__op": "Increment", "amount": -7}}))["n"] == -2


async def test_increment_by_a_fraction(update):
    assert (await update({"n": 1}, {"n": {"__op": "Increment", "amount": 0.5}}))["n"] == 1.5


async def test_increment_of_a_missing_field_starts_from_zero(update):
    assert (await update({}, {"n": {"__op": "Increment", "amount": 4}}))["n"] == 4


async def test_add_appends_every_object(update):
    got = await update({"tags": ["a"]}, {"tags": {"__op": "Add", "objects": ["b", "a"]}})
    assert got["tags"] == ["a", "b", "a"]


async def test_add_to_a_missing_field_creates_the_array(update):
    got = await update({}, {"tags": {"__op": "Add", "objects": ["a", "b"]}})
    assert got["tags"] == ["a", "b"]


async def test_add_unique_skips_values_already_present(update):
    got = await update({"tags": ["a", "b"]}, {"tags": {"__op": "AddUnique", "objects": ["b", "c"]}})
    assert got["tags"] == ["a", "b", "c"]


async def test_add_unique_compares_objects_deeply(update):
    got = await update({"tags": [{"k": 1, "v": [1, 2]}]},
                       {"tags": {"__op": "AddUnique", "objects": [{"k": 1, "v": [1, 2]}, {"k": 2}]}})
    assert got["tags"] == [{"k": 1, "v": [1, 2]}, {"k": 2}]


async def test_add_unique_compares_pointers_by_class_and_id(update):
    got = await update({"owners": [pointer("_User", "u1")]},
                       {"owners": {"__op": "AddUnique", "objects": [
                           {"objectId": "u1", "className": "_User", "__type": "Pointer"}, pointer("_User", "u2")]}})
    assert [p["objectId"] for p in got["owners"]] == ["u1", "u2"]


async def test_add_unique_to_a_missing_field_creates_the_array(update):
    got = await update({}, {"tags": {"__op": "AddUnique", "objects": ["a", "b"]}})
    assert got["tags"] == ["a", "b"]


@pytest.mark.not_on_mongomock("it compares true equal to 1 (Python ==); MongoDB does not")
async def test_add_unique_keeps_a_number_and_true_apart(update):
    got = await update({"tags": [1]}, {"tags": {"__op": "AddUnique", "objects": [True, 1]}})
    assert got["tags"] == [1, True]


async def test_remove_takes_out_every_equal_item(update):
    got = await update({"tags": ["a", "b", "a", "c"]}, {"tags": {"__op": "Remove", "objects": ["a", "c"]}})
    assert got["tags"] == ["b"]


async def test_remove_compares_objects_deeply(update):
    got = await update({"tags": [{"k": 1}, {"k": 2}, {"k": 1}]}, {"tags": {"__op": "Remove", "objects": [{"k": 1}]}})
    assert got["tags"] == [{"k": 2}]


async def test_remove_compares_pointers_by_class_and_id(update):
    got = await update({"owners": [pointer("_User", "u1"), pointer("_User", "u2")]},
                       {"owners": {"__op": "Remove", "objects": [
                           {"objectId": "u1", "__type": "Pointer", "className": "_User"}]}})
    assert got["owners"] == [pointer("_User", "u2")]


async def test_remove_of_absent_items_changes_nothing(update):
    got = await update({"tags": ["a"]}, {"tags": {"__op": "Remove", "objects": ["z"]}})
    assert got["tags"] == ["a"]


async def test_delete_unsets_the_field(update):
    got = await update({"title": "x", "n": 1}, {"title": {"__op": "Delete"}})
    assert got == make_doc("t", n=1)


async def test_delete_of_a_missing_field_is_a_no_op(update):
    got = await update({"n": 1}, {"title": {"__op": "Delete"}})
    assert got == make_doc("t", n=1)


async def test_dotted_set_changes_one_key_of_an_object(update):
    got = await update({"stats": {"wins": 1, "losses": 2}}, {"stats.wins": 7})
    assert got["stats"] == {"wins": 7, "losses": 2}


async def test_dotted_increment(update):
    got = await update({"stats": {"wins": 1, "losses": 2}}, {"stats.wins": {"__op": "Increment", "amount": 1}})
    assert got["stats"] == {"wins": 2, "losses": 2}


async def test_dotted_set_creates_missing_objects(update):
    got = await update({}, {"stats.season.wins": 3})
    assert got["stats"] == {"season": {"wins": 3}}


async def test_dotted_delete_removes_one_key(update):
    got = await update({"stats": {"wins": 1, "losses": 2}}, {"stats.losses": {"__op": "Delete"}})
    assert got["stats"] == {"wins": 1}


async def test_several_fields_in_one_update(update):
    got = await update({"n": 1, "tags": ["a"], "title": "x"}, {
        "n": {"__op": "Increment", "amount": 1}, "tags": {"__op": "Add", "objects": ["b"]},
        "title": {"__op": "Delete"}, "updatedAt": "2024-06-01T00:00:00.000Z"})
    assert got == {"objectId": "t", "createdAt": "2024-05-01T12:00:00.000Z", "updatedAt": "2024-06-01T00:00:00.000Z",
                   "n": 2, "tags": ["a", "b"]}


async def test_update_many_applies_operators_to_each_document(adapter):
    await seed(adapter, THING, [make_doc("a", tags=["x"]), make_doc("b", tags=["y"])])
    await adapter.update_many("Thing", THING, {}, {"tags": {"__op": "AddUnique", "objects": ["x"]}})
    docs = await adapter.find("Thing", THING, {}, FindOptions(sort=[("objectId", 1)]))
    assert [d["tags"] for d in docs] == [["x"], ["y", "x"]]
