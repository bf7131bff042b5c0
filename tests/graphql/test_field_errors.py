"""A field that cannot be answered inside a connection or an object: its error names the full path
(edges index included) and nulls only that field, the rest of the answer stays."""

from __future__ import annotations

import pytest


async def _bad_date(api) -> str:
    status, body = await api.post("/classes/Visit", {"name": "v", "when": {"__type": "Date",
                                                                          "iso": "2024-01-01T00:00:00.000Z"}})
    assert status == 201, body
    schema = await api.server.schema.get("Visit")
    await api.server.storage.update_many("Visit", schema, {"objectId": body["objectId"]}, {"when": [1, 2]})
    return body["objectId"]


async def test_a_field_error_in_a_payload_object_names_its_path(gql, api, backend):
    if backend != "sqlite":
        pytest.skip("only SQLite's documents keep a value of another type under a typed field (a bad Date)")
    oid = await _bad_date(api)
    payload = await gql("mutation($id: ID!) { updateVisit(input: {id: $id, fields: {name: \"w\"}}) "
                        "{ visit { name when } } }", {"id": oid})
    assert payload["data"] == {"updateVisit": {"visit": {"name": "w", "when": None}}}
    assert [e["path"] for e in payload["errors"]] == [["updateVisit", "visit", "when"]]


async def test_a_field_error_in_an_edge_node_names_its_path_and_nulls_the_field(gql, api, backend):
    if backend != "sqlite":
        pytest.skip("only SQLite's documents keep a value of another type under a typed field (a bad Date)")
    await _bad_date(api)
    payload = await gql("{ visits { edges { node { name when } } } }")
    assert payload["data"] == {"visits": {"edges": [{"node": {"name": "v", "when": None}}]}}
    assert [e["path"] for e in payload["errors"]] == [["visits", "edges", 0, "node", "when"]]
