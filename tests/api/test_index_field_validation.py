"""databaseOptions.disableIndexFieldValidation: an index may name a field the schema does not have."""

from __future__ import annotations

import pytest

INDEX = {"className": "Visit", "indexes": {"by_ghost": {"ghost": 1}}}


async def test_by_default_an_index_needs_its_field(api) -> None:
    assert (await api.post("/schemas/Visit", {"className": "Visit"}, master=True))[0] == 200
    assert await api.put("/schemas/Visit", INDEX, master=True) == (
        400, {"code": 102, "error": "Field ghost does not exist, cannot add index."})


@pytest.mark.parametrize("config_overrides", [{"databaseOptions": {"disableIndexFieldValidation": True}}])
async def test_disabled_validation_stores_the_index(api) -> None:
    assert (await api.post("/schemas/Visit", {"className": "Visit"}, master=True))[0] == 200
    status, body = await api.put("/schemas/Visit", INDEX, master=True)
    assert status == 200, body
    assert body["indexes"]["by_ghost"] == {"ghost": 1}
    status, body = await api.get("/schemas/Visit", master=True)
    assert body["indexes"]["by_ghost"] == {"ghost": 1}
