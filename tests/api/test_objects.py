"""Objects through /classes: create, get, update, delete, types and operators."""

from __future__ import annotations

import re

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


async def test_create_answers_201_with_location_and_id(api):
    status, body = await api.post("/classes/GameScore", {"score": 1337, "playerName": "Sean"})
    assert status == 201
    assert set(body) == {"objectId", "createdAt"}
    assert re.match(r"^[A-Za-z0-9]{10}$", body["objectId"])
    assert ISO.match(body["createdAt"])


async def test_create_sets_location_header(api):
    resp = await api.client.post("/1/classes/GameScore", data=b'{"a":1}', headers=api.headers())
    body = await resp.json()
    assert resp.status == 201
    assert resp.headers["Location"] == f"http://localhost:8378/1/classes/GameScore/{body['objectId']}"


async def test_get_returns_every_field_with_dates(api):
    _, created = await api.post("/classes/GameScore", {"score": 1337, "cheatMode": False, "tags": ["a"]})
    status, obj = await api.get(f"/classes/GameScore/{created['objectId']}")
    assert status == 200
    assert obj == {"objectId": created["objectId"], "score": 1337, "cheatMode": False, "tags": ["a"],
                   "createdAt": created["createdAt"], "updatedAt": created["createdAt"]}


async def test_get_missing_object_is_101_with_404(api):
    await api.post("/classes/GameScore", {"score": 1})
    status, body = await api.get("/classes/GameScore/nope123456")
    assert status == 404
    assert body == {"code": 101, "error": "Object not found."}


async def test_every_data_type_round_trips(api):
    values = {
        "date": {"__type": "Date", "iso": "2024-05-01T12:00:00.000Z"},
        "pointer": {"__type": "Pointer", "className": "Other", "objectId": "Ab12Cd34Ef"},
        "geo": {"__type": "GeoPoint", "latitude": 40.1, "longitude": -73.9},
        "poly": {"__type": "Polygon", "coordinates": [[0, 0], [0, 1], [1, 1], [1, 0]]},
        "file": {"__type": "File", "name": "abc_photo.jpg"},
        "bytes": {"__type": "Bytes", "base64": "aGVsbG8="},
        "obj": {"nested": {"deep": [1, 2]}},
        "arr": [1, "two", {"three": 3}],
        "s": "text", "n": 1.5, "b": True,
    }
    _, created = await api.post("/classes/Typed", values)
    _, obj = await api.get(f"/classes/Typed/{created['objectId']}")
    for key, value in values.items():
        if key == "poly":
            assert obj[key]["coordinates"] == [[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]
        elif key == "file":
            assert obj[key] == {"__type": "File", "name": "abc_photo.jpg",
                                "url": "http://localhost:8378/1/files/test/abc_photo.jpg"}
        else:
            assert obj[key] == value, key


async def test_acl_is_stored_and_returned(api):
    acl = {"*": {"read": True}, "role:Admin": {"write": True}}
    _, created = await api.post("/classes/Doc", {"ACL": acl})
    _, obj = await api.get(f"/classes/Doc/{created['objectId']}", master=True)
    assert obj["ACL"] == acl


async def test_update_answers_updated_at_only(api):
    _, created = await api.post("/classes/GameScore", {"score": 1})
    status, body = await api.put(f"/classes/GameScore/{created['objectId']}", {"score": 2})
    assert status == 200
    assert list(body) == ["updatedAt"]
    _, obj = await api.get(f"/classes/GameScore/{created['objectId']}")
    assert obj["score"] == 2
    assert obj["updatedAt"] == body["updatedAt"]


async def test_increment_echoes_new_value(api):
    _, created = await api.post("/classes/GameScore", {"score": 10})
    _, body = await api.put(f"/classes/GameScore/{created['objectId']}",
                            {"score": {"__op": "Increment", "amount": 5}})
    assert body["score"] == 15


async def test_increment_on_create_sets_amount(api):
    status, body = await api.post("/classes/GameScore", {"score": {"__op": "Increment", "amount": 3}})
    assert status == 201
    assert body["score"] == 3


async def test_array_operators(api):
    _, created = await api.post("/classes/Bag", {"items": ["a"]})
    oid = created["objectId"]
    _, body = await api.put(f"/classes/Bag/{oid}", {"items": {"__op": "Add", "objects": ["b", "a"]}})
    assert body["items"] == ["a", "b", "a"]
    _, body = await api.put(f"/classes/Bag/{oid}", {"items": {"__op": "AddUnique", "objects": ["c", "a"]}})
    assert body["items"] == ["a", "b", "a", "c"]
    _, body = await api.put(f"/classes/Bag/{oid}", {"items": {"__op": "Remove", "objects": ["a"]}})
    assert body["items"] == ["b", "c"]


async def test_delete_op_unsets_field(api):
    _, created = await api.post("/classes/Bag", {"x": 1, "y": 2})
    await api.put(f"/classes/Bag/{created['objectId']}", {"x": {"__op": "Delete"}})
    _, obj = await api.get(f"/classes/Bag/{created['objectId']}")
    assert "x" not in obj and obj["y"] == 2


async def test_dotted_key_increments_inside_object(api):
    _, created = await api.post("/classes/Stats", {"stats": {"wins": 1}})
    _, body = await api.put(f"/classes/Stats/{created['objectId']}",
                            {"stats.wins": {"__op": "Increment", "amount": 2}})
    assert body == {"updatedAt": body["updatedAt"], "stats.wins": 3}


async def test_unknown_op_is_108(api):
    _, created = await api.post("/classes/Bag", {"x": 1})
    status, body = await api.put(f"/classes/Bag/{created['objectId']}", {"x": {"__op": "Explode"}})
    assert (status, body["code"]) == (400, 108)


async def test_type_mismatch_is_111(api):
    await api.post("/classes/GameScore", {"score": 1})
    status, body = await api.post("/classes/GameScore", {"score": "high"})
    assert status == 400
    assert body == {"code": 111, "error": "schema mismatch for GameScore.score; expected Number but got String"}


async def test_invalid_field_name_is_105(api):
    status, body = await api.post("/classes/GameScore", {"_bad": 1})
    assert (status, body) == (400, {"code": 105, "error": "Invalid field name: _bad."})


async def test_objectid_in_create_body_is_105(api):
    status, body = await api.post("/classes/GameScore", {"objectId": "abc"})
    assert (status, body) == (400, {"code": 105, "error": "objectId is an invalid field name."})


async def test_invalid_class_name_is_103(api):
    status, body = await api.post("/classes/1bad", {"a": 1})
    assert status == 400 and body["code"] == 103


async def test_nested_dollar_key_is_121(api):
    status, body = await api.post("/classes/Bag", {"o": {"$bad": 1}})
    assert (status, body["code"]) == (400, 121)


async def test_delete_removes_object(api):
    _, created = await api.post("/classes/Bag", {"x": 1})
    status, body = await api.delete(f"/classes/Bag/{created['objectId']}")
    assert (status, body) == (200, {})
    status, _ = await api.get(f"/classes/Bag/{created['objectId']}")
    assert status == 404


async def test_delete_missing_is_101(api):
    await api.post("/classes/Bag", {"x": 1})
    status, body = await api.delete("/classes/Bag/missing123")
    assert (status, body) == (404, {"code": 101, "error": "Object not found."})


async def test_malformed_json_is_rejected_and_nothing_written(api):
    resp = await api.client.post("/1/classes/Bag", data=b'{"x": ', headers=api.headers())
    body = await resp.json()
    assert resp.status == 400 and body["code"] == 107
    status, found = await api.get("/classes/Bag", master=True)
    assert found == {"results": []}


async def test_missing_application_id_is_403(api):
    resp = await api.client.get("/1/classes/Bag")
    assert resp.status == 403
    assert await resp.json() == {"error": "unauthorized"}


async def test_wrong_client_key_is_403(api):
    resp = await api.client.get("/1/classes/Bag", headers={"X-Parse-Application-Id": "test",
                                                           "X-Parse-REST-API-Key": "wrong"})
    assert resp.status == 403


async def test_js_sdk_body_form_with_method_override(api):
    _, created = await api.post("/classes/Bag", {"x": 7})
    raw = (b'{"_method":"GET","_ApplicationId":"test","_JavaScriptKey":"test","_ClientVersion":"js5.3.0",'
           b'"where":{"x":7}}')
    resp = await api.client.post("/1/classes/Bag", data=raw, headers={"Content-Type": "text/plain"})
    body = await resp.json()
    assert resp.status == 200
    assert [r["objectId"] for r in body["results"]] == [created["objectId"]]


async def test_options_preflight_answers_cors(api):
    resp = await api.client.options("/1/classes/Bag", headers={"Origin": "http://x.example"})
    assert resp.status == 200
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Parse-Session-Token" in resp.headers["Access-Control-Allow-Headers"]


async def test_oversized_body_is_rejected(api):
    api.server.config.maxUploadSize = "1kb"
    big = b'{"x":"' + b"a" * 4096 + b'"}'
    resp = await api.client.post("/1/classes/Bag", data=big, headers=api.headers())
    assert resp.status == 413
    assert (await resp.json())["code"] == 116


async def test_client_class_creation_off_is_119(api):
    api.server.config.allowClientClassCreation = False
    status, body = await api.post("/classes/NewClass", {"x": 1})
    assert (status, body) == (400, {"code": 119, "error":
                                    "This user is not allowed to access non-existent class: NewClass"})
