"""/installations: _Installation with Parse Server's rules (ids required and lowercased, de-duplication)."""

from __future__ import annotations

import pytest

INSTALLATION_ID = "12345678-abcd-abcd-abcd-123456789abc"
TOKEN = "11433856eed2f1285fb3aa11136718c1198ed5647875096952c66bf8cb976306"


async def installations(api) -> list[dict]:
    status, body = await api.get("/installations", master=True)
    assert status == 200, body
    return body["results"]


async def test_create_android_installation(api):
    resp = await api.client.post("/1/installations", json={"installationId": INSTALLATION_ID, "deviceType": "android"},
                                 headers=api.headers())
    body = await resp.json()
    assert resp.status == 201
    assert set(body) == {"objectId", "createdAt"}
    assert resp.headers["Location"] == f"http://localhost:8378/1/installations/{body['objectId']}"
    (row,) = await installations(api)
    assert (row["objectId"], row["installationId"], row["deviceType"]) == (body["objectId"], INSTALLATION_ID, "android")


async def test_create_ios_installation_with_a_device_token(api):
    status, _ = await api.post("/installations", {"deviceToken": TOKEN, "deviceType": "ios"})
    assert status == 201
    (row,) = await installations(api)
    assert (row["deviceToken"], row["deviceType"]) == (TOKEN, "ios")


async def test_installation_id_is_lowercased(api):
    await api.post("/installations", {"installationId": INSTALLATION_ID.upper(), "deviceType": "android"})
    (row,) = await installations(api)
    assert row["installationId"] == INSTALLATION_ID


async def test_64_character_device_token_is_lowercased(api):
    await api.post("/installations", {"deviceToken": TOKEN.upper(), "deviceType": "ios"})
    (row,) = await installations(api)
    assert row["deviceToken"] == TOKEN


async def test_other_device_tokens_keep_their_case(api):
    await api.post("/installations", {"deviceToken": "GCM-Token-ABC", "deviceType": "android"})
    (row,) = await installations(api)
    assert row["deviceToken"] == "GCM-Token-ABC"


async def test_installation_id_header_counts_as_an_id(api):
    status, _ = await api.post("/installations", {"deviceType": "android"},
                               headers=api.headers(**{"X-Parse-Installation-Id": INSTALLATION_ID}))
    assert status == 201
    (row,) = await installations(api)
    assert row["installationId"] == INSTALLATION_ID


async def test_missing_ids_is_135_and_nothing_written(api):
    status, body = await api.post("/installations", {"deviceType": "android", "channels": ["news"]})
    assert (status, body) == (400, {"code": 135, "error": "at least one ID field (deviceToken, installationId) "
                                    "must be specified in this operation"})
    assert await installations(api) == []


async def test_missing_device_type_is_135(api):
    status, body = await api.post("/installations", {"installationId": INSTALLATION_ID})
    assert (status, body) == (400, {"code": 135, "error": "deviceType must be specified in this operation"})
    assert await installations(api) == []


async def test_same_installation_id_updates_the_existing_installation(api):
    _, first = await api.post("/installations", {"installationId": INSTALLATION_ID, "deviceType": "ios",
                                                 "deviceToken": TOKEN, "channels": ["foo", "bar"]})
    status, body = await api.post("/installations", {"installationId": INSTALLATION_ID, "deviceType": "ios",
                                                     "foo": "bar"})
    assert status == 200
    assert set(body) == {"updatedAt"}
    (row,) = await installations(api)
    assert row["objectId"] == first["objectId"]
    assert (row["channels"], row["foo"], row["deviceToken"]) == (["foo", "bar"], "bar", TOKEN)


async def test_same_device_token_updates_the_existing_installation(api):
    _, first = await api.post("/installations", {"deviceToken": TOKEN, "deviceType": "ios"})
    status, _ = await api.post("/installations", {"deviceToken": TOKEN, "deviceType": "ios", "badge": 3})
    assert status == 200
    (row,) = await installations(api)
    assert (row["objectId"], row["badge"]) == (first["objectId"], 3)


async def test_installation_and_token_rows_merge_into_the_token_row(api):
    await api.post("/installations", {"installationId": INSTALLATION_ID, "deviceType": "ios"})
    _, by_token = await api.post("/installations", {"deviceToken": TOKEN, "deviceType": "ios"})
    assert len(await installations(api)) == 2
    await api.post("/installations", {"deviceToken": TOKEN, "installationId": INSTALLATION_ID, "deviceType": "ios"})
    (row,) = await installations(api)
    assert (row["objectId"], row["installationId"], row["deviceToken"]) == (by_token["objectId"], INSTALLATION_ID,
                                                                            TOKEN)


async def test_changing_the_installation_id_is_136(api):
    _, created = await api.post("/installations", {"installationId": INSTALLATION_ID, "deviceType": "android"})
    status, body = await api.put(f"/installations/{created['objectId']}",
                                 {"installationId": "99999999-abcd-abcd-abcd-123456789abc"})
    assert (status, body) == (400, {"code": 136, "error": "installationId may not be changed in this operation"})
    (row,) = await installations(api)
    assert row["installationId"] == INSTALLATION_ID


async def test_changing_the_device_type_is_136(api):
    _, created = await api.post("/installations", {"installationId": INSTALLATION_ID, "deviceType": "android"})
    status, body = await api.put(f"/installations/{created['objectId']}", {"deviceType": "ios"})
    assert (status, body) == (400, {"code": 136, "error": "deviceType may not be changed in this operation"})


async def test_updating_other_fields(api):
    _, created = await api.post("/installations", {"installationId": INSTALLATION_ID, "deviceType": "android"})
    status, body = await api.put(f"/installations/{created['objectId']}", {"channels": ["news"]})
    assert (status, set(body)) == (200, {"updatedAt"})
    (row,) = await installations(api)
    assert row["channels"] == ["news"]


async def test_updating_a_missing_installation_is_101(api):
    status, body = await api.put("/installations/missing123", {"deviceType": "ios"})
    assert (status, body) == (404, {"code": 101, "error": "Object not found for update."})


@pytest.mark.parametrize("method", ["find", "delete"])
async def test_clients_cannot_find_or_delete_installations_119(api, method):
    _, created = await api.post("/installations", {"installationId": INSTALLATION_ID, "deviceType": "android"})
    if method == "find":
        status, body = await api.get("/installations")
    else:
        status, body = await api.delete(f"/installations/{created['objectId']}")
    assert (status, body) == (400, {"code": 119, "error":
                                    f"Clients aren't allowed to perform the {method} operation on the installation "
                                    "collection."})
    assert len(await installations(api)) == 1


async def test_client_can_get_its_installation_by_id(api):
    _, created = await api.post("/installations", {"installationId": INSTALLATION_ID, "deviceType": "android"})
    status, body = await api.get(f"/installations/{created['objectId']}")
    assert status == 200
    assert body["installationId"] == INSTALLATION_ID


async def test_master_key_can_delete_an_installation(api):
    _, created = await api.post("/installations", {"installationId": INSTALLATION_ID, "deviceType": "android"})
    assert await api.delete(f"/installations/{created['objectId']}", master=True) == (200, {})
    assert await installations(api) == []
