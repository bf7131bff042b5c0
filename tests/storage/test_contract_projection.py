"""Storage contract: FindOptions.fields, the projection. A find answers the base fields (objectId,
createdAt, updatedAt, _rperm, _wperm) and the projected ones, exactly as the whole documents hold them,
whatever the where, order and paging (residual filters and in-Python sorts included)."""

from __future__ import annotations

import pytest

from parse_clone.storage.base import FindOptions, project

from .conftest import date, make_doc, make_schema, pointer, seed

ITEM = make_schema("Item", name="String", n="Number", tags="Array", when="Date", owner="Pointer:_User",
                   meta="Object")
DOCS = [
    make_doc("a", name="alpha", n=1, tags=["x", "y"], when=date("2024-01-01T00:00:00.000Z"),
             owner=pointer("_User", "u1"), meta={"color": "red", "size": 3}, _rperm=["*"], _wperm=["u1"]),
    make_doc("b", name="beta", n=2.5, tags=["y"], owner=pointer("_User", "u2"), meta={"color": "blue", "size": 5}),
    make_doc("c", name="gamma", n=10, tags=[], meta={"color": "red"}, _rperm=["u1"], _wperm=[]),
    make_doc("d", n=-3, tags=["z", "x"], meta={"list": [{"k": 1}, {"k": 2}]}),
]

WHERES = [
    {},
    {"objectId": "a"},
    {"n": {"$gt": 0}},
    {"tags": {"$all": ["x"]}},
    {"meta.color": "red"},
    {"name": {"$regex": "^(al|ga)", "$options": "i"}},
    {"$or": [{"n": {"$lt": 0}}, {"meta.list.k": 2}]},
    {"_rperm": {"$in": [None, "*", "u1"]}},
]
SORTS = [[], [("n", -1)], [("meta.size", 1), ("name", 1)]]


@pytest.fixture
async def find(adapter):
    await seed(adapter, ITEM, DOCS)

    async def run(where, fields=None, **options):
        return await adapter.find("Item", ITEM, where, FindOptions(fields=fields, **options))

    return run


@pytest.mark.parametrize("where", WHERES)
@pytest.mark.parametrize("sort", SORTS)
async def test_a_projection_answers_the_whole_documents_cut_down(find, where, sort):
    fields = frozenset({"name", "owner", "meta"})
    whole = await find(where, sort=sort)
    assert await find(where, fields, sort=sort) == [project(d, fields) for d in whole]


async def test_a_projection_keeps_paging(find):
    fields = frozenset({"tags"})
    whole = await find({}, sort=[("n", 1)], skip=1, limit=2)
    assert await find({}, fields, sort=[("n", 1)], skip=1, limit=2) == [project(d, fields) for d in whole]


async def test_an_empty_projection_answers_the_base_fields(find):
    assert await find({"objectId": "a"}, frozenset()) == [
        {"objectId": "a", "createdAt": DOCS[0]["createdAt"], "updatedAt": DOCS[0]["updatedAt"],
         "_rperm": ["*"], "_wperm": ["u1"]}]


async def test_a_projection_on_fields_no_document_has_answers_the_base_fields(find):
    assert await find({"objectId": "b"}, frozenset({"nothing"})) == [
        {"objectId": "b", "createdAt": DOCS[1]["createdAt"], "updatedAt": DOCS[1]["updatedAt"]}]


async def test_a_projection_answers_pointers_and_dates_in_stored_form(find):
    assert await find({"objectId": "a"}, frozenset({"owner", "when"})) == [project(DOCS[0], frozenset({"owner", "when"}))]
