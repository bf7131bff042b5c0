"""Creates the benchmark's class with an index, seeds it, and removes it afterwards."""

from __future__ import annotations

import random
import sys

import orjson

from bench.client import ParseClient, Reply
from bench.scenarios import CATEGORIES, SeedData, item_fields
from bench.users import seed_private_objects, sign_up_users

SEED_BATCH = 50

FIELDS = {
    "category": {"type": "String"},
    "score": {"type": "Number"},
    "name": {"type": "String"},
    "active": {"type": "Boolean"},
    "tags": {"type": "Array"},
    "counter": {"type": "Number"},
}
# The query and count scenarios filter on category (and sort on score): index them, as an
# app would. Index names are Parse's `indexes` map keys.
INDEXES = {"bench_category_score": {"category": 1, "score": -1}}


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


async def drop_class(client: ParseClient, class_name: str, *, quiet: bool = False) -> None:
    """Purges the class's objects, then deletes its schema (both need the master key)."""
    purge = await client.send("DELETE", f"/purge/{class_name}", master=True)
    drop = await client.send("DELETE", f"/schemas/{class_name}", master=True)
    if quiet:
        return
    for what, reply in (("purge", purge), ("schema delete", drop)):
        if reply.status != 200:
            warn(
                f"{what} of {class_name} on {client.base}: HTTP {reply.status} {reply.body[:200]!r}"
            )


async def create_class(client: ParseClient, class_name: str) -> bool:
    """Declares the class with its fields and index; False if the server refused."""
    reply = await client.send_json(
        "POST",
        f"/schemas/{class_name}",
        {"className": class_name, "fields": FIELDS, "indexes": INDEXES},
        master=True,
    )
    if reply.status in (200, 201):
        return True
    warn(
        f"could not create {class_name} with an index on {client.base} "
        f"(HTTP {reply.status} {reply.body[:200]!r}); reads will run unindexed"
    )
    return False


def _json_or_none(reply: Reply) -> object:
    try:
        return reply.json()
    except orjson.JSONDecodeError:
        return None


async def seed_objects(
    client: ParseClient, class_name: str, count: int, rng: random.Random
) -> list[str]:
    """Creates `count` objects spread over the categories; returns their objectIds."""
    ids: list[str] = []
    path = f"{client.keys.mount_path}/classes/{class_name}"
    for start in range(0, count, SEED_BATCH):
        size = min(SEED_BATCH, count - start)
        fields = [item_fields(rng, CATEGORIES[(start + i) % len(CATEGORIES)]) for i in range(size)]
        reply = await client.send_json(
            "POST",
            "/batch",
            {"requests": [{"method": "POST", "path": path, "body": f} for f in fields]},
        )
        results = _json_or_none(reply) if reply.status == 200 else None
        if isinstance(results, list) and all(
            isinstance(r, dict) and "success" in r for r in results
        ):
            ids.extend(r["success"]["objectId"] for r in results)
            continue
        if start == 0:
            warn(
                f"/batch seeding failed (HTTP {reply.status} {reply.body[:200]!r}); "
                "seeding one by one"
            )
        for document in fields:
            single = await client.send_json("POST", f"/classes/{class_name}", document)
            if single.status != 201:
                raise RuntimeError(
                    f"seeding {class_name} on {client.base} failed: "
                    f"HTTP {single.status} {single.body[:300]!r}"
                )
            ids.append(single.json()["objectId"])
    return ids


async def prepare(client: ParseClient, class_name: str, count: int, rng: random.Random,
                  with_users: bool = True) -> SeedData:
    """A fresh, indexed, seeded class; anything left by an earlier run is dropped first.

    With users (the auth_query and login scenarios), bench users are signed up and own
    ACL'd objects of the class; `bench.users.remove_users` deletes them afterwards.
    """
    await drop_class(client, class_name, quiet=True)
    indexed = await create_class(client, class_name)
    ids = await seed_objects(client, class_name, count, rng)
    users = []
    if with_users:
        users = await sign_up_users(client)
        await seed_private_objects(client, class_name, users, rng)
    return SeedData(class_name=class_name, object_ids=ids, indexed=indexed, users=users)
