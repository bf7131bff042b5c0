import asyncio, pytest
from tests.api.conftest import sign_up

async def test_smoke(api):
    u = await sign_up(api, "alice", email="a@x.io")
    print(u)
    s, b = await api.get("/users/me", session=u["sessionToken"]); print(s, b)
    s, b = await api.get(f"/users/{u['objectId']}", session=u["sessionToken"]); print(s, b)
    s, b = await api.get(f"/users/{u['objectId']}"); print(s, b)
    s, b = await api.post("/login", {"username": "alice", "password": "pass"}); print(s, b)
    s, b = await api.get("/sessions", session=u["sessionToken"]); print(s, b)
    s, b = await api.put(f"/users/{u['objectId']}", {"password": "new"}, session=u["sessionToken"]); print(s, b)
    s, b = await api.get("/users/me", session=u["sessionToken"]); print(s, b)
    s, b = await api.post("/users", {"username": "ALICE", "password": "x"}); print(s, b)
    s, b = await api.post("/users", {"authData": {"anonymous": {"id": "abc"}}}); print(s, b)
    s, b = await api.post("/users", {"authData": {"anonymous": {"id": "abc"}}}); print(s, b)
    s, b = await api.post("/roles", {"name": "Admin", "ACL": {"*": {"read": True}}, "users": {"__op": "AddRelation", "objects": [{"__type": "Pointer", "className": "_User", "objectId": u["objectId"]}]}}, master=True); print(s, b)
    s, b = await api.post("/roles", {"name": "Admin", "ACL": {"*": {"read": True}}}, master=True); print(s, b)
    s, b = await api.post("/login", {"username": "alice", "password": "new"}); print(s, b)
    tok = b["sessionToken"]
    s, b = await api.post("/classes/Doc", {"ACL": {"role:Admin": {"read": True}}, "x": 1}, master=True); print(s, b)
    s, b = await api.get("/classes/Doc", session=tok); print(s, b)
    s, b = await api.get("/classes/Doc"); print(s, b)
    s, b = await api.post("/logout", {}, session=tok); print(s, b)
    s, b = await api.get("/classes/Doc", session=tok); print(s, b)
