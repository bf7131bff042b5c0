"""A server with the template loaded (schema.json and cloud/ from the repository root), and its people.

`crew` signs up a dispatcher, a manager and two technicians (ann, ben), each with a Technician
record; tests act as them over HTTP with their session tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from parse_clone.app import build_app, build_server
from parse_clone.core.auth.passwords import PasswordHasher
from tests.conftest import Api, make_config, make_storage

REPO = Path(__file__).resolve().parents[2]
SCHEMA_FILE = REPO / "schema.json"
CLOUD_DIR = REPO / "cloud"

# Lyon, roughly: ann works the north of the city, ben the south.
ANN_AT = {"__type": "GeoPoint", "latitude": 45.7772, "longitude": 4.8553}
BEN_AT = {"__type": "GeoPoint", "latitude": 45.7333, "longitude": 4.8200}
NEAR_ANN = {"__type": "GeoPoint", "latitude": 45.7790, "longitude": 4.8600}
NEAR_BEN = {"__type": "GeoPoint", "latitude": 45.7300, "longitude": 4.8250}


def pointer(class_name: str, object_id: str) -> dict[str, str]:
    """A Pointer value."""
    return {"__type": "Pointer", "className": class_name, "objectId": object_id}


def date(iso: str) -> dict[str, str]:
    """A Date value."""
    return {"__type": "Date", "iso": iso}


@dataclass
class Person:
    """A signed-up user: ids and session token; `technician` is their Technician's objectId."""

    username: str
    user_id: str
    token: str
    technician: str | None = None


@dataclass
class Crew:
    """The people of a test, and shortcuts to act as them."""

    api: Api
    people: dict[str, Person] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Person:
        try:
            return self.__dict__["people"][name]
        except KeyError:
            raise AttributeError(name) from None

    async def add(self, username: str, role: str | None, location: dict[str, Any] | None = None,
                  availability: str = "available") -> Person:
        body: dict[str, Any] = {"username": username, "password": "pw"}
        if role:
            body["role"] = role
        status, created = await self.api.post("/users", body, master=True)
        assert status == 201, created
        person = Person(username, created["objectId"], created["sessionToken"])
        if role == "technician":
            status, tech = await self.api.post("/classes/Technician", {
                "name": username.capitalize(), "user": pointer("_User", person.user_id),
                "availability": availability, **({"location": location} if location else {})}, master=True)
            assert status == 201, tech
            person.technician = tech["objectId"]
        self.people[username] = person
        return person

    async def job(self, as_: str | None = None, **fields: Any) -> str:
        """Create a job (as the master key, or as a person); its objectId."""
        body = {"description": "Check the oxygen concentrator", "scheduledTime": date("2030-05-06T09:00:00.000Z"),
                **fields}
        kw = {"session": self.people[as_].token} if as_ else {"master": True}
        status, created = await self.api.post("/classes/Job", body, **kw)
        assert status == 201, created
        return created["objectId"]

    async def get(self, class_name: str, object_id: str) -> dict[str, Any]:
        status, body = await self.api.get(f"/classes/{class_name}/{object_id}", master=True)
        assert status == 200, body
        return body

    async def put(self, as_: str, class_name: str, object_id: str, body: dict[str, Any], **kw: Any):
        return await self.api.put(f"/classes/{class_name}/{object_id}", body, session=self.people[as_].token, **kw)

    async def roles_of(self, user_id: str) -> list[str]:
        """Names of the _Roles whose `users` hold this user."""
        status, body = await self.api.get("/roles", params={"where": {"users": pointer("_User", user_id)}},
                                          master=True)
        assert status == 200, body
        return sorted(r["name"] for r in body["results"])

    async def run(self, as_: str | None, function: str, params: dict[str, Any]):
        kw = {"session": self.people[as_].token} if as_ else {"master": True}
        return await self.api.post(f"/functions/{function}", params, **kw)


@pytest.fixture
def template_config() -> dict[str, Any]:
    """Options of the template server (override in a module)."""
    return {}


@pytest.fixture
async def api(aiohttp_client, backend, tmp_path, template_config) -> Api:
    """A fresh server with schema.json and cloud/ loaded, client class creation off."""
    config = make_config(schema=str(SCHEMA_FILE), cloud=str(CLOUD_DIR), allowClientClassCreation=False,
                         **template_config)
    server = build_server(config, make_storage(backend, tmp_path))
    server.extras["password_hasher"] = PasswordHasher(rounds=4)
    client = await aiohttp_client(build_app(server))
    return Api(client, server)


@pytest.fixture
async def crew(api) -> Crew:
    """dispatcher dora, manager max, technicians ann (north) and ben (south), both available."""
    crew = Crew(api)
    await crew.add("dora", "dispatcher")
    await crew.add("max", "manager")
    await crew.add("ann", "technician", ANN_AT)
    await crew.add("ben", "technician", BEN_AT)
    return crew


@pytest.fixture
def sqlite_only(backend):
    """Geo queries ($nearSphere) do not run on mongomock."""
    if backend == "mongomock":
        pytest.skip("mongomock does not implement $nearSphere (ARCHITECTURE.md); runs on SQLite and real MongoDB")
