"""POST /batch: many requests in one, answered in order; `transaction: true` is all or nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
OBJECT_ID = re.compile(r"^[A-Za-z0-9]{10}$")


async def batch(api, requests: list[dict[str, Any]], **extra: Any) -> tuple[int, Any]:
    return await api.post("/batch", {"requests": requests, **extra})


async def count(api, class_name: str) -> int:
    status, body = await api.get(f"/classes/{class_name}", params={"count": 1, "limit": 0}, master=True)
    assert status == 200, body
    return body["count"]


def create(path: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"method": "POST", "path": path, "body": body}


@pytest.mark.parametrize("path", ["/1/classes/Post", "/classes/Post"])
async def test_batch_creates_with_or_without_the_mount_path(api, path):
    status, body = await batch(api, [create(path, {"title": "a"}), create(path, {"title": "b"})])
    assert status == 200
    assert len(body) == 2
    for result in body:
        assert set(result) == {"success"}
        assert set(result["success"]) == {"objectId", "createdAt"}
        assert OBJECT_ID.match(result["success"]["objectId"]) and ISO.match(result["success"]["createdAt"])
    _, found = await api.get("/classes/Post", params={"order": "title"})
    assert [r["title"] for r in found["results"]] == ["a", "b"]


async def test_batch_mixes_methods_and_answers_in_order(api):
    _, kept = await api.post("/classes/Post", {"n": 1})
    _, doomed = await api.post("/classes/Post", {"n": 2})
    status, body = await batch(api, [
        {"method": "PUT", "path": f"/1/classes/Post/{kept['objectId']}", "body": {"n": {"__op": "Increment",
                                                                                      "amount": 10}}},
        {"method": "DELETE", "path": f"/1/classes/Post/{doomed['objectId']}"},
        {"method": "GET", "path": f"/1/classes/Post/{kept['objectId']}"},
        create("/1/classes/Post", {"n": 3}),
    ])
    assert status == 200
    assert set(body[0]["success"]) == {"updatedAt", "n"} and body[0]["success"]["n"] == 11
    assert body[1] == {"success": {}}
    assert body[2]["success"]["objectId"] == kept["objectId"] and body[2]["success"]["n"] == 11
    assert set(body[3]["success"]) == {"objectId", "createdAt"}
    assert await count(api, "Post") == 2


async def test_batch_get_reads_query_options_from_the_body(api):
    await api.post("/classes/Post", {"n": 1})
    await api.post("/classes/Post", {"n": 2})
    status, body = await batch(api, [{"method": "GET", "path": "/1/classes/Post",
                                      "body": {"where": {"n": {"$gt": 1}}, "keys": "n"}}])
    assert status == 200
    assert [r["n"] for r in body[0]["success"]["results"]] == [2]


async def test_batch_errors_are_reported_per_request_in_order(api):
    await api.post("/classes/Post", {"title": "string"})
    status, body = await batch(api, [
        create("/1/classes/Post", {"title": "ok"}),
        {"method": "PUT", "path": "/1/classes/Post/missing123", "body": {"title": "x"}},
        create("/1/classes/Post", {"title": 5}),
        {"method": "DELETE", "path": "/1/classes/Post/missing123"},
        create("/1/classes/Post", {"title": "ok too"}),
    ])
    assert status == 200
    assert "success" in body[0] and "success" in body[4]
    assert body[1:4] == [
        {"error": {"code": 101, "error": "Object not found."}},
        {"error": {"code": 111, "error": "schema mismatch for Post.title; expected String but got Number"}},
        {"error": {"code": 101, "error": "Object not found."}},
    ]
    assert await count(api, "Post") == 3


async def test_batch_path_that_does_not_start_with_a_slash_is_107_and_nothing_runs(api):
    status, body = await batch(api, [create("/1/classes/Post", {"n": 1}), create("classes/Post", {"n": 2})])
    assert (status, body) == (400, {"code": 107, "error": "cannot route batch path classes/Post"})
    assert await count(api, "Post") == 0


async def test_batch_path_must_be_a_string_107(api):
    status, body = await batch(api, [{"method": "POST", "path": 5, "body": {}}])
    assert (status, body) == (400, {"code": 107, "error": "cannot route batch path 5"})


@pytest.mark.parametrize("requests", [None, {"method": "POST"}, "x", 5])
async def test_batch_requests_must_be_an_array_107(api, requests):
    body_in = {} if requests is None else {"requests": requests}
    status, body = await api.post("/batch", body_in)
    assert (status, body) == (400, {"code": 107, "error": "requests must be an array"})


async def test_batch_needs_an_application_id(api):
    resp = await api.client.post("/1/batch", data=b'{"requests":[{"method":"POST","path":"/1/classes/P","body":{}}]}')
    assert resp.status == 403
    assert await resp.json() == {"error": "unauthorized"}
    assert await count(api, "P") == 0


async def test_batch_sub_requests_share_the_outer_master_key(api):
    status, body = await api.post("/batch", {"requests": [
        {"method": "POST", "path": "/1/classes/Secret", "body": {"ACL": {}}},
    ]}, master=True)
    assert status == 200
    oid = body[0]["success"]["objectId"]
    status, body = await batch(api, [{"method": "GET", "path": f"/1/classes/Secret/{oid}"}])
    assert body == [{"error": {"code": 101, "error": "Object not found."}}]
    status, body = await api.post("/batch", {"requests": [{"method": "GET", "path": f"/1/classes/Secret/{oid}"}]},
                                  master=True)
    assert body[0]["success"]["objectId"] == oid


# ----- transactions -----
MOCK_HAS_NO_TRANSACTIONS = "mongomock-motor has no sessions or transactions (MongoDB needs a replica set for them)"


async def test_transaction_commits_when_every_request_succeeds(api, backend):
    if backend == "mongomock":
        pytest.skip(MOCK_HAS_NO_TRANSACTIONS)
    status, body = await batch(api, [create("/1/classes/Post", {"n": 1}), create("/1/classes/Post", {"n": 2})],
                               transaction=True)
    assert status == 200
    assert all(set(r) == {"success"} for r in body)
    assert await count(api, "Post") == 2


async def test_transaction_writes_nothing_when_one_request_fails(api, backend):
    if backend == "mongomock":
        pytest.skip(MOCK_HAS_NO_TRANSACTIONS)
    await api.post("/classes/Post", {"key": "stringField"})
    requests = [create("/1/classes/Post", {"key": "value1"}), create("/1/classes/Post", {"key": 10}),
                create("/1/classes/Post", {"key": "value2"})]
    status, body = await batch(api, requests, transaction=True)
    assert (status, body) == (400, {"code": 111, "error":
                                    "schema mismatch for Post.key; expected String but got Number"})
    assert await count(api, "Post") == 1


async def test_transaction_rolls_back_updates_and_deletes(api, backend):
    if backend == "mongomock":
        pytest.skip(MOCK_HAS_NO_TRANSACTIONS)
    _, a = await api.post("/classes/Post", {"n": 1})
    _, b = await api.post("/classes/Post", {"n": 2})
    status, body = await batch(api, [
        {"method": "PUT", "path": f"/1/classes/Post/{a['objectId']}", "body": {"n": 100}},
        {"method": "DELETE", "path": f"/1/classes/Post/{b['objectId']}"},
        {"method": "DELETE", "path": "/1/classes/Post/missing123"},
    ], transaction=True)
    # Parse Server answers a failed transaction with a bare 500; this server names the failure, with a 400
    # (SDKs retry 5xx responses).
    assert (status, body) == (400, {"code": 101, "error": "Object not found."})
    _, found = await api.get("/classes/Post", params={"order": "n"})
    assert [r["n"] for r in found["results"]] == [1, 2]


async def test_hooks_that_query_inside_a_batch_do_not_wait_for_the_batch_itself(api, backend):
    """Writes in a batch share one SQLite transaction; a hook's own queries (other tasks) join it."""
    import asyncio

    seen = []

    @api.server.cloud.before_save("Hooked")
    async def count_siblings(req):
        seen.append(await req.query("Hooked").count())

    requests = [{"method": "POST", "path": "/1/classes/Hooked", "body": {"n": i}} for i in range(3)]
    status, body = await asyncio.wait_for(api.post("/batch", {"requests": requests}, master=True), 10)
    assert status == 200
    assert all("success" in r for r in body)
    assert seen == [0, 1, 2]


async def test_hooks_that_query_inside_a_transactional_batch_see_its_writes(api, backend):
    import asyncio

    if backend == "mongomock":
        pytest.skip(MOCK_HAS_NO_TRANSACTIONS)
    seen = []

    @api.server.cloud.before_save("Hooked")
    async def count_siblings(req):
        seen.append(await req.query("Hooked").count())

    requests = [{"method": "POST", "path": "/1/classes/Hooked", "body": {"n": i}} for i in range(3)]
    status, body = await asyncio.wait_for(
        api.post("/batch", {"requests": requests, "transaction": True}, master=True), 10)
    assert status == 200
    assert seen == [0, 1, 2]


async def _unique_code(api) -> None:
    """Class Post with a unique index on `code`, holding code "taken"."""
    await api.post("/classes/Post", {"code": "taken", "n": 0})
    schema = await api.server.schema.get("Post")
    await api.server.storage.ensure_unique("Post", schema, ["code"])


DUPLICATE = {"error": {"code": 137, "error": "A duplicate value for a field with unique values was provided"}}


async def test_batch_create_hitting_a_unique_index_fails_alone_amid_successes(api):
    await _unique_code(api)
    status, body = await batch(api, [create("/1/classes/Post", {"code": c, "n": i})
                                     for i, c in enumerate(["a", "b", "taken", "c", "a"], 1)])
    assert status == 200
    assert [set(r) for r in body] == [{"success"}, {"success"}, {"error"}, {"success"}, {"error"}]
    assert body[2] == DUPLICATE and body[4] == DUPLICATE
    _, found = await api.get("/classes/Post", params={"order": "n", "keys": "code,n"})
    assert [(r["code"], r["n"]) for r in found["results"]] == [("taken", 0), ("a", 1), ("b", 2), ("c", 4)]
    ids = {r["objectId"] for r in found["results"]}
    assert {body[i]["success"]["objectId"] for i in (0, 1, 3)} <= ids


async def test_batch_creates_of_different_shapes_keep_their_order_and_fields(api):
    status, body = await batch(api, [
        create("/1/classes/Post", {"n": 1, "title": "x"}),
        create("/1/classes/Post", {"n": 2}),
        create("/1/classes/Other", {"n": 3}),
        create("/1/classes/Post", {"n": 4, "title": None}),
        create("/1/classes/Post", {"n": 5, "title": "y"}),
    ])
    assert status == 200 and all(set(r) == {"success"} for r in body)
    _, found = await api.get("/classes/Post", params={"order": "n"})
    assert [(r["n"], r.get("title")) for r in found["results"]] == [(1, "x"), (2, None), (4, None), (5, "y")]
    assert await count(api, "Other") == 1


async def test_batch_reads_see_the_creates_before_them(api):
    await api.post("/classes/Post", {"n": 0})
    status, body = await batch(api, [
        create("/1/classes/Post", {"n": 1}),
        create("/1/classes/Post", {"n": 2}),
        {"method": "GET", "path": "/1/classes/Post", "body": {"count": 1, "limit": 0}},
        create("/1/classes/Post", {"n": 3}),
    ])
    assert status == 200
    assert body[2] == {"success": {"results": [], "count": 3}}
    assert await count(api, "Post") == 4


async def test_batch_update_of_an_object_created_earlier_in_it(api):
    api.server.config.allowCustomObjectId = True
    status, body = await batch(api, [
        create("/1/classes/Post", {"objectId": "custom0001", "n": 1}),
        {"method": "PUT", "path": "/1/classes/Post/custom0001", "body": {"n": {"__op": "Increment", "amount": 5}}},
        create("/1/classes/Post", {"objectId": "custom0001", "n": 9}),
    ])
    assert status == 200
    assert body[0]["success"]["objectId"] == "custom0001"
    assert body[1]["success"]["n"] == 6
    assert body[2] == DUPLICATE
    _, found = await api.get("/classes/Post/custom0001")
    assert found["n"] == 6
