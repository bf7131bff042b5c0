"""The benchmark's workloads, and the seed data they read.

Each scenario turns a random choice into one pre-encoded HTTP request and says how to
tell success from failure. Objects created during the run go to a category the reads
never ask for, so a faster server's extra writes do not slow its later indexed reads.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson

from bench.client import ParseClient, Reply, encode_where

CATEGORIES = [f"cat-{i}" for i in range(10)]
NEW_CATEGORY = "new"
PRIVATE_CATEGORY = "private"  # the signed-up bench users' ACL'd objects (auth_query reads them)
TAGS = ["red", "green", "blue", "yellow"]


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes | None = None
    session: str | None = None  # sent as X-Parse-Session-Token
    absolute: bool = False  # path from the server's root, not below the mount path (/graphql)


@dataclass(frozen=True)
class BenchUser:
    """A user signed up for the run, with the session token of its sign-up."""

    object_id: str
    username: str
    password: str
    token: str


@dataclass
class SeedData:
    """What the read and update scenarios pick from."""

    class_name: str
    object_ids: list[str] = field(default_factory=list)
    indexed: bool = False
    users: list[BenchUser] = field(default_factory=list)


Check = Callable[[Reply], str | None]
"""Returns None for a good reply, else a short description of what was wrong."""


@dataclass(frozen=True)
class Scenario:
    """One measured request shape; `background`, when set, is an unmeasured load run beside it."""

    name: str
    description: str
    build: Callable[[random.Random], Request]
    check: Check
    background: Callable[[random.Random], Request] | None = None
    background_check: Check | None = None


def item_fields(rng: random.Random, category: str) -> dict[str, object]:
    """A BenchItem's fields: a few types, like a small real object."""
    return {
        "category": category,
        "score": rng.randrange(1_000_000),
        "name": f"item-{rng.randrange(1 << 30):08x}",
        "active": rng.random() < 0.5,
        "tags": rng.sample(TAGS, 2),
        "counter": 0,
    }


def status_check(expected: int) -> Check:
    def check(reply: Reply) -> str | None:
        if reply.status == expected:
            return None
        return f"HTTP {reply.status}: {reply.body[:200].decode(errors='replace')}"

    return check


def batch_check(reply: Reply) -> str | None:
    """A /batch answer is 200 with one {success} or {error} per sub-request."""
    if reply.status != 200:
        return f"HTTP {reply.status}: {reply.body[:200].decode(errors='replace')}"
    try:
        results = reply.json()
    except orjson.JSONDecodeError:
        return f"not JSON: {reply.body[:200]!r}"
    if not isinstance(results, list) or len(results) != 10:
        return f"unexpected batch answer: {reply.body[:200].decode(errors='replace')}"
    for result in results:
        if "success" not in result:
            return f"batch item failed: {orjson.dumps(result)[:200].decode(errors='replace')}"
    return None


GRAPHQL_PATH = "/graphql"  # Parse Server's default graphQLPath (the server needs mountGraphQL)
_GRAPHQL_NODE = "objectId createdAt updatedAt category score name active tags { ... on Element { value } } counter"


def graphql_requests(class_name: str) -> tuple[Callable[[str], bytes], Callable[[str], bytes]]:
    """Encoders of the GraphQL get-by-id and connection queries of the bench class (Parse Server's names)."""
    lower = class_name[:1].lower() + class_name[1:]
    get = f"query($id: ID!) {{ {lower}(id: $id) {{ {_GRAPHQL_NODE} }} }}"
    find = (f"query($c: String) {{ {lower}s(where: {{category: {{equalTo: $c}}}}, order: [score_DESC], first: 20) "
            f"{{ edges {{ node {{ {_GRAPHQL_NODE} }} }} }} }}")
    return (lambda object_id: orjson.dumps({"query": get, "variables": {"id": object_id}}),
            lambda category: orjson.dumps({"query": find, "variables": {"c": category}}))


def graphql_check(key: bytes) -> Check:
    """200, no `errors`, and `key` in the answer."""
    def check(reply: Reply) -> str | None:
        if reply.status != 200 or b'"errors"' in reply.body or key not in reply.body:
            return f"HTTP {reply.status}: {reply.body[:200].decode(errors='replace')}"
        return None

    return check


def build_scenarios(client: ParseClient, seed: SeedData) -> dict[str, Scenario]:
    """Every scenario, keyed by its command-line name."""
    cls = seed.class_name
    ids = seed.object_ids
    classes = f"/classes/{cls}"
    batch_path = f"{client.keys.mount_path}/classes/{cls}"
    query_paths = [
        f"{classes}?where={encode_where({'category': c})}&limit=20&order=-score" for c in CATEGORIES
    ]
    count_paths = [
        f"{classes}?where={encode_where({'category': c, 'active': True})}&count=1&limit=0"
        for c in CATEGORIES
    ]
    increment = orjson.dumps({"counter": {"__op": "Increment", "amount": 1}})
    private_query = f"{classes}?where={encode_where({'category': PRIVATE_CATEGORY})}&limit=20&order=-score"
    gql_get, gql_query = graphql_requests(cls)
    heavy_paths = heavy_query_paths(classes, len(ids))
    logins = [orjson.dumps({"username": u.username, "password": u.password}) for u in seed.users]

    def create(rng: random.Random) -> Request:
        return Request("POST", classes, orjson.dumps(item_fields(rng, NEW_CATEGORY)))

    def get(rng: random.Random) -> Request:
        return Request("GET", f"{classes}/{rng.choice(ids)}")

    def query(rng: random.Random) -> Request:
        return Request("GET", rng.choice(query_paths))

    def update(rng: random.Random) -> Request:
        return Request("PUT", f"{classes}/{rng.choice(ids)}", increment)

    def batch(rng: random.Random) -> Request:
        requests = [
            {"method": "POST", "path": batch_path, "body": item_fields(rng, NEW_CATEGORY)}
            for _ in range(10)
        ]
        return Request("POST", "/batch", orjson.dumps({"requests": requests}))

    def count(rng: random.Random) -> Request:
        return Request("GET", rng.choice(count_paths))

    def auth_query(rng: random.Random) -> Request:
        return Request("GET", private_query, session=rng.choice(seed.users).token)

    def login(rng: random.Random) -> Request:
        return Request("POST", "/login", rng.choice(logins))

    def heavy(rng: random.Random) -> Request:
        return Request("GET", rng.choice(heavy_paths))

    def graphql_get(rng: random.Random) -> Request:
        return Request("POST", GRAPHQL_PATH, gql_get(rng.choice(ids)), absolute=True)

    def graphql_query(rng: random.Random) -> Request:
        return Request("POST", GRAPHQL_PATH, gql_query(rng.choice(CATEGORIES)), absolute=True)

    def answer_with(key: bytes) -> Check:
        ok = status_check(200)

        def check(reply: Reply) -> str | None:
            problem = ok(reply)
            if problem is None and key not in reply.body:
                return f"no {key.decode()} in answer: {reply.body[:200].decode(errors='replace')}"
            return problem

        return check

    return {
        s.name: s
        for s in [
            Scenario("create", "POST /classes/C, 6 fields", create, status_check(201)),
            Scenario("get", "GET /classes/C/<id> of a seeded object", get, status_check(200)),
            Scenario(
                "query",
                "GET /classes/C where category=X, limit 20, order -score",
                query,
                answer_with(b'"results"'),
            ),
            Scenario("update", "PUT /classes/C/<id> counter Increment", update, status_check(200)),
            Scenario("batch", "POST /batch with 10 creates", batch, batch_check),
            Scenario(
                "count",
                "GET /classes/C where category=X and active, count=1 limit=0",
                count,
                answer_with(b'"count"'),
            ),
            Scenario(
                "auth_query",
                "GET /classes/C of a user's ACL'd objects, with its session token",
                auth_query,
                answer_with(b'"results"'),
            ),
            Scenario("login", "POST /login (bcrypt cost 10), a new session each", login,
                     answer_with(b'"sessionToken"')),
            Scenario("get_under_load", "GET /classes/C/<id> while other connections run heavy reads "
                     "(unindexed $regex, large skip, counts)", get, status_check(200),
                     background=heavy, background_check=answer_with(b'"results"')),
            Scenario("graphql_get", "POST /graphql <class>(id) of a seeded object, every field", graphql_get,
                     graphql_check(b'"objectId"')),
            Scenario("graphql_query", "POST /graphql <classes>(where category=X, order score_DESC, first 20)",
                     graphql_query, graphql_check(b'"edges"')),
        ]
    }


SCENARIO_NAMES = ["create", "get", "query", "update", "batch", "count", "auth_query", "login", "graphql_get",
                  "graphql_query", "get_under_load"]
NOT_BY_DEFAULT = {"graphql_get", "graphql_query", "get_under_load"}  # need mountGraphQL / a big seed


def heavy_query_paths(classes: str, seeded: int) -> list[str]:
    """The reads `get_under_load` runs beside its gets, each scanning the whole class: a $regex
    no name matches (no index can answer it), a skip past nearly every object in an unindexed
    order, and two counts (the same $regex, and an unindexed equality)."""
    never = encode_where({"name": {"$regex": "z{3}"}})
    return [
        f"{classes}?where={never}&limit=10",
        f"{classes}?order=name&skip={max(0, seeded - 10)}&limit=10",
        f"{classes}?where={never}&count=1&limit=0",
        f"{classes}?where={encode_where({'counter': -1})}&count=1&limit=0",
    ]
