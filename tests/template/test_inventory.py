"""Parts stock: never below zero, `available` derived, technicians only take parts."""

from __future__ import annotations

import pytest

from tests.template.conftest import pointer


@pytest.fixture
async def filters(crew, api) -> str:
    status, created = await api.post("/classes/PartsInventory", {"partName": "HEPA filter", "quantity": 2},
                                     session=crew.dora.token)
    assert status == 201, created
    return created["objectId"]


async def stock(crew, part: str) -> tuple[int, bool]:
    body = await crew.get("PartsInventory", part)
    return body["quantity"], body["available"]


async def test_available_is_derived_from_the_quantity(crew, api, filters):
    assert await stock(crew, filters) == (2, True)
    status, created = await api.post("/classes/PartsInventory", {"partName": "Battery", "available": True},
                                     session=crew.dora.token)
    assert (status, created["available"]) == (201, False)  # quantity defaults to 0; echoed to the client
    assert await stock(crew, created["objectId"]) == (0, False)


async def test_a_technician_takes_parts_until_none_are_left(crew, filters):
    decrement = {"quantity": {"__op": "Increment", "amount": -1}}
    assert (await crew.put("ann", "PartsInventory", filters, decrement))[0] == 200
    status, body = await crew.put("ann", "PartsInventory", filters, decrement)
    assert (status, body["quantity"], body["available"]) == (200, 0, False)
    assert await stock(crew, filters) == (0, False)


async def test_taking_more_than_the_stock_is_refused(crew, filters):
    status, body = await crew.put("ann", "PartsInventory", filters, {"quantity": {"__op": "Increment", "amount": -3}})
    assert (status, body) == (400, {"code": 142, "error": "Not enough HEPA filter in stock (2 left)"})
    assert await stock(crew, filters) == (2, True)


async def test_a_negative_quantity_is_refused_even_for_the_master_key(crew, api, filters):
    status, body = await api.put(f"/classes/PartsInventory/{filters}", {"quantity": -1}, master=True)
    assert (status, body["code"]) == (400, 142)
    status, body = await api.post("/classes/PartsInventory", {"partName": "x", "quantity": -1}, master=True)
    assert (status, body) == (400, {"code": 142, "error": "Not enough x in stock (0 left)"})


async def test_technicians_cannot_add_stock(crew, filters):
    status, body = await crew.put("ann", "PartsInventory", filters, {"quantity": 10})
    assert (status, body) == (400, {"code": 119, "error": "Only a dispatcher or a manager can add stock"})


async def test_technicians_cannot_rename_parts(crew, filters):
    status, body = await crew.put("ann", "PartsInventory", filters, {"partName": "Gold"})
    assert (status, body) == (400, {"code": 119, "error": "A technician can only take parts from stock or reserve "
                                                          "them for a job"})


async def test_technicians_reserve_parts_for_a_job(crew, filters):
    job = await crew.job(as_="dora", technician=pointer("Technician", crew.ann.technician))
    status, _ = await crew.put("ann", "PartsInventory", filters, {"job": pointer("Job", job)})
    assert status == 200


async def test_dispatchers_restock(crew, filters):
    status, body = await crew.put("dora", "PartsInventory", filters, {"quantity": {"__op": "Increment", "amount": 5}})
    assert (status, body["quantity"]) == (200, 7)


async def test_technicians_find_available_parts(crew, api, filters):
    await api.post("/classes/PartsInventory", {"partName": "Battery", "quantity": 0}, session=crew.dora.token)
    status, body = await api.get("/classes/PartsInventory", params={"where": {"available": True}},
                                 session=crew.ann.token)
    assert (status, [p["partName"] for p in body["results"]]) == (200, ["HEPA filter"])
