"""Bad input: each mistake gets Parse's error code and HTTP status, and nothing is written.

Malformed JSON, wrong types, unknown operators, `$where` and other server-side JavaScript,
invalid class or field names, oversized bodies, missing or wrong application id.
"""

from __future__ import annotations

from typing import Any

import pytest

INVALID_CLASS = ("Invalid classname: {}, classnames can only have alphanumeric characters and _, "
                 "and must start with an alpha character ")


@pytest.fixture
async def doc(api) -> dict[str, Any]:
    """One existing Doc {"n": 1, "s": "a"}, so that the class and its field types exist."""
    status, created = await api.post("/classes/Doc", {"n": 1, "s": "a"})
    assert status == 201, created
    return created


async def stored(api, class_name: str = "Doc") -> list[dict[str, Any]]:
    status, body = await api.get(f"/classes/{class_name}", master=True)
    assert status == 200, body
    return [{k: v for k, v in r.items() if k not in ("createdAt", "updatedAt")} for r in body["results"]]


async def raw(api, method: str, path: str, data: bytes, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    resp = await api.client.request(method, "/1" + path, data=data,
                                    headers=api.headers() if headers is None else headers)
    return resp.status, await resp.json()


# ----- malformed JSON -----
@pytest.mark.parametrize("data", [b'{"n": ', b"{'n': 1}", b'{"n": 1,}', b"nope"])
async def test_malformed_json_on_create_is_107(api, doc, data):
    status, body = await raw(api, "POST", "/classes/Doc", data)
    assert (status, body["code"]) == (400, 107)
    assert body["error"].startswith("Invalid JSON")
    assert await stored(api) == [{"objectId": doc["objectId"], "n": 1, "s": "a"}]


async def test_malformed_json_on_update_is_107(api, doc):
    status, body = await raw(api, "PUT", f"/classes/Doc/{doc['objectId']}", b'{"n": 2')
    assert (status, body["code"]) == (400, 107)
    assert await stored(api) == [{"objectId": doc["objectId"], "n": 1, "s": "a"}]


async def test_malformed_json_in_batch_is_107(api, doc):
    status, body = await raw(api, "POST", "/batch", b'{"requests": [{"method": "POST", "path": "/1/classes/Doc"')
    assert (status, body["code"]) == (400, 107)
    assert len(await stored(api)) == 1


@pytest.mark.parametrize("data", [b"[1, 2]", b'"text"', b"5"])
async def test_a_body_that_is_not_an_object_is_107(api, doc, data):
    status, body = await raw(api, "POST", "/classes/Doc", data)
    assert (status, body) == (400, {"code": 107, "error": "The request body must be a JSON object"})
    assert len(await stored(api)) == 1


async def test_malformed_where_is_107_not_a_server_error(api, doc):
    resp = await api.client.get("/1/classes/Doc?where=%7Bbad", headers=api.headers())
    assert (resp.status, await resp.json()) == (400, {"code": 107, "error": "Invalid where: must be a JSON object"})


# ----- wrong types -----
@pytest.mark.parametrize("field, value, message", [
    ("n", "one", "schema mismatch for Doc.n; expected Number but got String"),
    ("s", 5, "schema mismatch for Doc.s; expected String but got Number"),
    ("s", {"__type": "Date", "iso": "2024-01-01T00:00:00.000Z"},
     "schema mismatch for Doc.s; expected String but got Date"),
    ("n", [1], "schema mismatch for Doc.n; expected Number but got Array"),
    ("n", {"__op": "Add", "objects": [1]}, "schema mismatch for Doc.n; expected Number but got Array"),
    ("s", {"__op": "Increment", "amount": 1}, "schema mismatch for Doc.s; expected String but got Number"),
])
async def test_value_of_the_wrong_type_is_111(api, doc, field, value, message):
    status, body = await api.post("/classes/Doc", {field: value})
    assert (status, body) == (400, {"code": 111, "error": message})
    status, body = await api.put(f"/classes/Doc/{doc['objectId']}", {field: value})
    assert (status, body) == (400, {"code": 111, "error": message})
    assert await stored(api) == [{"objectId": doc["objectId"], "n": 1, "s": "a"}]


@pytest.mark.parametrize("value, message", [
    ({"__type": "Date"}, "This is not a valid Date"),
    ({"__type": "Pointer"}, "This is not a valid Pointer"),
    ({"__type": "GeoPoint"}, "This is not a valid GeoPoint"),
    ({"__type": "Bytes"}, "This is not a valid Bytes"),
    ({"__type": "File"}, "This is not a valid File"),
    ({"__type": "Mystery"}, "This is not a valid Mystery"),
])
async def test_malformed_typed_value_is_111(api, doc, value, message):
    status, body = await api.post("/classes/Doc", {"typed": value})
    assert (status, body) == (400, {"code": 111, "error": message})
    assert len(await stored(api)) == 1
    _, schema = await api.get("/schemas/Doc", master=True)
    assert "typed" not in schema["fields"]


@pytest.mark.parametrize("op, message", [
    ({"__op": "Increment", "amount": "1"}, "incrementing must provide a number"),
    ({"__op": "Add", "objects": "x"}, "objects to add must be an array"),
    ({"__op": "AddUnique", "objects": 1}, "objects to add must be an array"),
    ({"__op": "Remove", "objects": {}}, "objects to remove must be an array"),
])
async def test_malformed_update_operator_is_107(api, doc, op, message):
    status, body = await api.put(f"/classes/Doc/{doc['objectId']}", {"n": op})
    assert (status, body) == (400, {"code": 107, "error": message})
    assert await stored(api) == [{"objectId": doc["objectId"], "n": 1, "s": "a"}]


async def test_unknown_update_operator_is_108(api, doc):
    status, body = await api.put(f"/classes/Doc/{doc['objectId']}", {"n": {"__op": "Explode"}})
    assert (status, body) == (400, {"code": 108, "error": "The Explode operator is not supported yet."})
    assert await stored(api) == [{"objectId": doc["objectId"], "n": 1, "s": "a"}]


# ----- unknown query operators and server-side JavaScript -----
@pytest.mark.parametrize("where, code, message", [
    ({"n": {"$bogus": 1}}, 107, "bad constraint: $bogus"),
    ({"$where": "this.n > 0"}, 105, "Invalid key name: $where"),
    ({"$or": [{"$where": "sleep(100)"}]}, 105, "Invalid key name: $where"),
    ({"$expr": {"$function": {"body": "function() {}", "args": [], "lang": "js"}}}, 105, "Invalid key name: $expr"),
    ({"n": {"$function": "function() { return true; }"}}, 107, "bad constraint: $function"),
    ({"n": {"$accumulator": {}}}, 107, "bad constraint: $accumulator"),
])
async def test_unknown_operators_and_server_side_javascript_are_rejected(api, doc, where, code, message):
    status, body = await api.get("/classes/Doc", params={"where": where})
    assert (status, body) == (400, {"code": code, "error": message})


async def test_where_in_an_update_body_is_not_a_query(api, doc):
    status, body = await api.put(f"/classes/Doc/{doc['objectId']}", {"$where": "this.n > 0"})
    assert (status, body) == (400, {"code": 105, "error": "Invalid field name: $where."})
    assert await stored(api) == [{"objectId": doc["objectId"], "n": 1, "s": "a"}]


# ----- invalid class and field names -----
@pytest.mark.parametrize("class_name", ["1bad", "_Secret", "Bad-Name", "has space"])
async def test_invalid_class_name_on_create_is_103(api, class_name):
    status, body = await api.post(f"/classes/{class_name}", {"x": 1})
    assert (status, body) == (400, {"code": 103, "error": INVALID_CLASS.format(class_name)})
    status, schemas = await api.get("/schemas", master=True)
    assert sorted(s["className"] for s in schemas["results"]) == ["_Role", "_User"]


@pytest.mark.parametrize("field", ["1bad", "_private", "has-dash", "$where", "has space"])
async def test_invalid_field_name_is_105(api, doc, field):
    status, body = await api.post("/classes/Doc", {field: 1})
    assert (status, body) == (400, {"code": 105, "error": f"Invalid field name: {field}."})
    status, body = await api.put(f"/classes/Doc/{doc['objectId']}", {field: 1})
    assert (status, body) == (400, {"code": 105, "error": f"Invalid field name: {field}."})
    assert await stored(api) == [{"objectId": doc["objectId"], "n": 1, "s": "a"}]


@pytest.mark.parametrize("value", [{"a.b": 1}, {"$gt": 1}, {"ok": {"deep$": 1}}, [{"x.y": 1}]])
async def test_dollar_or_dot_inside_an_object_value_is_121(api, doc, value):
    status, body = await api.post("/classes/Doc", {"obj": value})
    assert (status, body) == (400, {"code": 121, "error": "Nested keys should not contain the '$' or '.' characters"})
    assert len(await stored(api)) == 1


@pytest.mark.parametrize("key", ["__proto__", "constructor"])
async def test_prohibited_keyword_is_105(api, doc, key):
    status, body = await api.post("/classes/Doc", {"obj": {key: {"polluted": True}}})
    assert (status, body) == (400, {"code": 105, "error": f'Prohibited keyword in request data: {{"key":"{key}"}}.'})
    assert len(await stored(api)) == 1


# ----- oversized bodies -----
@pytest.mark.parametrize("config_overrides", [{"maxUploadSize": "1kb"}])
async def test_oversized_body_is_413_and_nothing_written(api):
    status, body = await raw(api, "POST", "/classes/Doc", b'{"x":"' + b"a" * 2048 + b'"}')
    assert (status, body) == (413, {"code": 116, "error": "request entity too large"})
    assert await stored(api) == []


@pytest.mark.parametrize("config_overrides", [{"maxUploadSize": "1kb"}])
async def test_oversized_chunked_body_is_413(api):
    async def chunks():
        for _ in range(4):
            yield b"a" * 512

    resp = await api.client.post("/1/classes/Doc", data=chunks(), headers=api.headers())
    assert (resp.status, await resp.json()) == (413, {"code": 116, "error": "request entity too large"})
    assert await stored(api) == []


# ----- missing or wrong application id -----
@pytest.mark.parametrize("headers", [
    {"Content-Type": "application/json"},
    {"X-Parse-Application-Id": "wrong", "X-Parse-REST-API-Key": "rest"},
    {"X-Parse-Application-Id": "test", "X-Parse-REST-API-Key": "wrong"},
    {"X-Parse-Application-Id": "test"},
], ids=["no-app-id", "wrong-app-id", "wrong-rest-key", "no-client-key"])
async def test_bad_keys_are_403_and_nothing_written(api, doc, headers):
    assert await raw(api, "POST", "/classes/Doc", b'{"n": 5}', headers) == (403, {"error": "unauthorized"})
    assert await raw(api, "PUT", f"/classes/Doc/{doc['objectId']}", b'{"n": 5}', headers) == (
        403, {"error": "unauthorized"})
    assert await raw(api, "DELETE", f"/classes/Doc/{doc['objectId']}", b"", headers) == (
        403, {"error": "unauthorized"})
    assert await raw(api, "GET", "/classes/Doc", b"", headers) == (403, {"error": "unauthorized"})
    assert await stored(api) == [{"objectId": doc["objectId"], "n": 1, "s": "a"}]


async def test_wrong_master_key_is_not_master(api, doc):
    headers = api.headers(**{"X-Parse-Master-Key": "wrong"})
    status, body = await api.get("/schemas", headers=headers)
    assert (status, body) == (403, {"error": "unauthorized: master key is required"})
