"""A hook does not create its class: client writes to a class that does not exist are refused first."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return {"allowClientClassCreation": False}


@pytest.fixture
def saved(api) -> list[str]:
    """The objects the Gadget beforeSave saw, by name."""
    seen: list[str] = []
    api.server.cloud.before_save("Gadget", lambda req: seen.append(req.object["name"]))
    return seen


async def test_a_client_write_to_a_missing_class_is_refused_before_its_hook(api, saved):
    status, body = await api.post("/classes/Gadget", {"name": "client"})
    assert (status, body) == (400, {"code": 119, "error": "This user is not allowed to access non-existent class: "
                                                          "Gadget"})
    assert saved == []


async def test_the_master_key_creates_the_class_and_the_hook_runs(api, saved):
    status, _ = await api.post("/classes/Gadget", {"name": "master"}, master=True)
    assert (status, saved) == (201, ["master"])


async def test_once_created_through_schemas_clients_write_and_the_hook_runs(api, saved):
    status, _ = await api.post("/schemas/Gadget", {"className": "Gadget", "fields": {"name": {"type": "String"}}},
                               master=True)
    assert status == 200
    status, _ = await api.post("/classes/Gadget", {"name": "client"})
    assert (status, saved) == (201, ["client"])
