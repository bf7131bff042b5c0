"""Both ways with the real Parse Server on one PostgreSQL database: what it writes we serve, and back.

Opt-in, as it needs a running Parse Server 9 on PostgreSQL (scripts/interop.sh starts one and runs
this file). PARSE_CLONE_INTEROP_PEER is that server's URL (mount included), PARSE_CLONE_INTEROP_DATABASE
its databaseURI; its keys are appId/masterKey "test", restAPIKey "rest". This server runs in-process
on the same database, same keys.
"""

from __future__ import annotations

import base64
import os
import uuid
from typing import Any

import aiohttp
import pytest

from parse_clone.app import build_app, build_server
from parse_clone.storage.postgres import PostgresAdapter

from ..conftest import Api, make_config

PEER = os.environ.get("PARSE_CLONE_INTEROP_PEER")
DATABASE = os.environ.get("PARSE_CLONE_INTEROP_DATABASE")
pytestmark = [pytest.mark.interop, pytest.mark.skipif(
    not (PEER and DATABASE),
    reason="no Parse Server peer: set PARSE_CLONE_INTEROP_PEER and PARSE_CLONE_INTEROP_DATABASE "
           "(scripts/interop.sh does)")]

HEADERS = {"X-Parse-Application-Id": "test", "X-Parse-REST-API-Key": "rest", "Content-Type": "application/json"}
MASTER = {**HEADERS, "X-Parse-Master-Key": "test"}


class Peer:
    """A REST client of the Parse Server peer."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def request(self, method: str, path: str, json: Any = None, master: bool = False,
                      session: str | None = None, params: dict[str, str] | None = None) -> tuple[int, Any]:
        headers = dict(MASTER if master else HEADERS)
        if session:
            headers["X-Parse-Session-Token"] = session
        async with self.session.request(method, PEER + path, json=json, headers=headers, params=params) as resp:
            return resp.status, await resp.json(content_type=None)


@pytest.fixture
async def ours(aiohttp_client) -> Api:
    server = build_server(make_config(), PostgresAdapter(DATABASE))
    return Api(await aiohttp_client(build_app(server)), server)


@pytest.fixture
async def peer():
    async with aiohttp.ClientSession() as session:
        yield Peer(session)


def _tag() -> str:
    return uuid.uuid4().hex[:8]


FIELDS = {
    "name": {"type": "String"}, "n": {"type": "Number"}, "ok": {"type": "Boolean"}, "at": {"type": "Date"},
    "meta": {"type": "Object"}, "tags": {"type": "Array"}, "where": {"type": "GeoPoint"},
    "area": {"type": "Polygon"}, "raw": {"type": "Bytes"}, "doc": {"type": "File"},
    "owner": {"type": "Pointer", "targetClass": "_User"}, "crew": {"type": "Relation", "targetClass": "_User"},
}


def _body(user_id: str) -> dict[str, Any]:
    return {
        "name": "Ann", "n": 4.5, "ok": True, "at": {"__type": "Date", "iso": "2026-12-07T10:00:00.000Z"},
        "meta": {"a": [1, {"b": None}], "c": "d"}, "tags": ["x", 2, True],
        "where": {"__type": "GeoPoint", "latitude": 40.5, "longitude": -73.25},
        "area": {"__type": "Polygon", "coordinates": [[0, 0], [0, 1], [1, 1], [0, 0]]},
        "raw": {"__type": "Bytes", "base64": base64.b64encode(b"\x00\x01hi").decode()},
        "doc": {"__type": "File", "name": "abc_report.txt", "url": "http://localhost/1/files/test/abc_report.txt"},
        "owner": {"__type": "Pointer", "className": "_User", "objectId": user_id},
        "ACL": {"*": {"read": True}, user_id: {"read": True, "write": True}},
    }


def _comparable(obj: dict[str, Any]) -> dict[str, Any]:
    """An object without what legitimately differs between the servers (file URLs carry the host)."""
    out = {k: v for k, v in obj.items() if k != "doc"}
    if "doc" in obj:
        out["doc"] = {k: v for k, v in obj["doc"].items() if k != "url"}
    return out


async def _write_everything(writer, cls: str) -> dict[str, Any]:
    """Through `writer` (Peer or Api): a class with every field type, a user, a role, a relation."""
    tag = _tag()
    status, schema = await writer.request("POST", f"/schemas/{cls}", {
        "className": cls, "fields": FIELDS, "indexes": {"by_name": {"name": 1}},
        "classLevelPermissions": {"find": {"*": True}, "get": {"*": True}, "count": {"*": True},
                                  "create": {"*": True}, "update": {"*": True}, "delete": {"*": True},
                                  "addField": {}, "protectedFields": {"*": ["n"]}}}, master=True)
    assert status in (200, 201), schema
    status, user = await writer.request("POST", "/users", {"username": f"u{tag}", "password": "pw1", "email": f"{tag}@x.test"})
    assert status == 201, user
    status, obj = await writer.request("POST", f"/classes/{cls}", _body(user["objectId"]), master=True)
    assert status == 201, obj
    status, _ = await writer.request("PUT", f"/classes/{cls}/{obj['objectId']}", {
        "crew": {"__op": "AddRelation", "objects": [{"__type": "Pointer", "className": "_User",
                                                      "objectId": user["objectId"]}]}}, master=True)
    assert status == 200
    status, role = await writer.request("POST", "/roles", {
        "name": f"Dispatch{tag}", "ACL": {"*": {"read": True}},
        "users": {"__op": "AddRelation", "objects": [{"__type": "Pointer", "className": "_User",
                                                       "objectId": user["objectId"]}]}}, master=True)
    assert status == 201, role
    return {"user": user, "username": f"u{tag}", "object": obj, "role": role, "role_name": f"Dispatch{tag}"}


async def _read_back(reader, writer, cls: str, written: dict[str, Any]) -> None:
    """What `writer` stored reads the same through `reader` (objects, users, roles, relations, schemas)."""
    oid, uid = written["object"]["objectId"], written["user"]["objectId"]
    both = [await side.request("GET", f"/classes/{cls}/{oid}", master=True) for side in (writer, reader)]
    assert both[1][0] == 200, both[1]
    assert _comparable(both[1][1]) == _comparable(both[0][1])
    # the protected field is hidden from the public on both
    public = [await side.request("GET", f"/classes/{cls}/{oid}") for side in (writer, reader)]
    assert "n" not in public[1][1] and _comparable(public[1][1]) == _comparable(public[0][1])
    # the schema: fields, CLPs, indexes
    schemas = [await side.request("GET", f"/schemas/{cls}", master=True) for side in (writer, reader)]
    assert schemas[1][1]["fields"] == schemas[0][1]["fields"]
    assert schemas[1][1]["classLevelPermissions"] == schemas[0][1]["classLevelPermissions"]
    assert set(schemas[1][1]["indexes"]) == set(schemas[0][1]["indexes"])
    # queries on each type, and the relation (not {"tags": "x"}: Parse Server 9.10 on PostgreSQL
    # answers that array-element equality with an internal error, on its own rows as on ours)
    for where in ({"name": "Ann"}, {"n": {"$gt": 4}}, {"ok": True}, {"tags": {"$all": ["x"]}},
                  {"at": {"$lt": {"__type": "Date", "iso": "2027-01-01T00:00:00.000Z"}}},
                  {"where": {"$nearSphere": {"__type": "GeoPoint", "latitude": 40, "longitude": -73},
                             "$maxDistanceInKilometers": 100}},
                  {"owner": {"__type": "Pointer", "className": "_User", "objectId": uid}},
                  {"meta.c": "d"}):
        status, found = await reader.request("GET", f"/classes/{cls}", master=True,
                                             params={"where": _json(where)})
        assert (status, [r["objectId"] for r in found["results"]]) == (200, [oid]), where
    status, crew = await reader.request("GET", "/users", master=True, params={"where": _json(
        {"$relatedTo": {"object": {"__type": "Pointer", "className": cls, "objectId": oid}, "key": "crew"}})})
    assert [u["objectId"] for u in crew["results"]] == [uid]
    # the user logs in on the other server with the password set on the first; roles resolve there
    status, login = await reader.request("POST", "/login", {"username": written["username"], "password": "pw1"})
    assert (status, login["objectId"]) == (200, uid), login
    status, me = await reader.request("GET", "/users/me", session=login["sessionToken"])
    assert (status, me["objectId"]) == (200, uid)
    status, roles = await reader.request("GET", "/roles", master=True, params={"where": _json(
        {"users": {"__type": "Pointer", "className": "_User", "objectId": uid}})})
    assert [r["name"] for r in roles["results"]] == [written["role_name"]]


def _json(value: Any) -> str:
    import orjson

    return orjson.dumps(value).decode()


async def test_what_parse_server_writes_we_serve(ours: Api, peer: Peer) -> None:
    cls = f"FromParse{_tag()}"
    written = await _write_everything(peer, cls)
    await _read_back(ours, peer, cls, written)


async def test_what_we_write_parse_server_serves(ours: Api, peer: Peer) -> None:
    cls = f"FromUs{_tag()}"
    written = await _write_everything(ours, cls)
    await _read_back(peer, ours, cls, written)
