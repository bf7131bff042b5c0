"""Bench users for the authenticated scenarios: sign-up, ACL'd objects, and removal afterwards.

Each run signs up `USERS` users with fresh names (so runs and servers never collide) and
gives each `PRIVATE_PER_USER` objects readable and writable by that user alone. Clean-up
deletes the users and every session they got (logins pile sessions up), with the master
key, one object at a time through /batch: never a purge of _User or _Session, which would
take other people's accounts with them on a shared server.
"""

from __future__ import annotations

import random
import secrets

from bench.client import ParseClient, encode_where
from bench.scenarios import PRIVATE_CATEGORY, BenchUser, item_fields

USERS = 10
PRIVATE_PER_USER = 30
PASSWORD = "bench-password"


async def sign_up_users(client: ParseClient, count: int = USERS) -> list[BenchUser]:
    """Signs up `count` users; their ids, names and sign-up session tokens."""
    prefix = f"bench-{secrets.token_hex(4)}"
    users = []
    for i in range(count):
        username = f"{prefix}-{i}"
        reply = await client.send_json("POST", "/users", {"username": username, "password": PASSWORD})
        if reply.status != 201:
            raise RuntimeError(f"sign-up on {client.base} failed: HTTP {reply.status} {reply.body[:300]!r}")
        body = reply.json()
        users.append(BenchUser(body["objectId"], username, PASSWORD, body["sessionToken"]))
    return users


async def seed_private_objects(client: ParseClient, class_name: str, users: list[BenchUser],
                               rng: random.Random) -> None:
    """PRIVATE_PER_USER objects per user, each readable and writable by its owner only."""
    path = f"{client.keys.mount_path}/classes/{class_name}"
    for user in users:
        acl = {user.object_id: {"read": True, "write": True}}
        requests = [{"method": "POST", "path": path, "body": {**item_fields(rng, PRIVATE_CATEGORY), "ACL": acl}}
                    for _ in range(PRIVATE_PER_USER)]
        reply = await client.send_json("POST", "/batch", {"requests": requests}, master=True)
        if reply.status != 200 or any("success" not in r for r in reply.json()):
            raise RuntimeError(f"seeding private objects failed: HTTP {reply.status} {reply.body[:300]!r}")


async def _delete_all(client: ParseClient, prefix: str, ids: list[str]) -> None:
    for start in range(0, len(ids), 50):
        requests = [{"method": "DELETE", "path": f"{client.keys.mount_path}/{prefix}/{i}"}
                    for i in ids[start:start + 50]]
        await client.send_json("POST", "/batch", {"requests": requests}, master=True)


async def remove_users(client: ParseClient, users: list[BenchUser]) -> None:
    """Deletes the bench users and all their sessions (master key)."""
    if not users:
        return
    pointers = [{"__type": "Pointer", "className": "_User", "objectId": u.object_id} for u in users]
    while True:
        where = encode_where({"user": {"$in": pointers}})
        reply = await client.send("GET", f"/sessions?where={where}&limit=1000&keys=objectId", master=True)
        sessions = [s["objectId"] for s in reply.json().get("results", [])] if reply.status == 200 else []
        if not sessions:
            break
        await _delete_all(client, "sessions", sessions)
    await _delete_all(client, "users", [u.object_id for u in users])

