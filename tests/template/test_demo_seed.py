"""`parse-clone demo seed` against a running template server: a believable day, made through the rules."""

from __future__ import annotations

import aiohttp
import pytest

from parse_clone.app import build_app, build_server
from parse_clone.commands import demo_data
from parse_clone.commands.demo import logins, reset, seed
from parse_clone.commands.remote import ParseRest
from parse_clone.core.auth.passwords import PasswordHasher
from parse_clone.errors import ParseError
from tests.conftest import make_config, make_storage
from tests.template.conftest import CLOUD_DIR, SCHEMA_FILE


@pytest.fixture
async def rest(aiohttp_server, tmp_path):
    config = make_config(schema=str(SCHEMA_FILE), cloud=str(CLOUD_DIR), allowClientClassCreation=False)
    server = build_server(config, make_storage("sqlite", tmp_path))
    server.extras["password_hasher"] = PasswordHasher(rounds=4)
    running = await aiohttp_server(build_app(server))
    async with aiohttp.ClientSession() as session:
        yield ParseRest.for_config(str(running.make_url("/1")), config, session)


async def count(rest, class_name: str, where: dict | None = None) -> int:
    import json
    from urllib.parse import quote

    query = f"?count=1&limit=0&where={quote(json.dumps(where or {}))}"
    return (await rest.call("GET", f"/classes/{class_name}{query}"))["count"]


async def test_seed_fills_the_template(rest):
    lines = await seed(rest)
    assert lines == ["Seeded 7 users, 5 technicians across Chicago, 6 jobs for today (one completed, with its "
                     "service log) and 7 parts."]
    assert await count(rest, "Technician", {"availability": "available"}) == 4
    assert await count(rest, "Job", {"status": "open"}) == 3
    assert await count(rest, "Job", {"status": "assigned"}) == 2
    assert await count(rest, "ServiceLog") == 1
    assert await count(rest, "PartsInventory", {"available": False}) == 1


async def test_seeded_people_log_in_with_their_roles(rest):
    await seed(rest)
    dana = await rest.call("POST", "/login", {"username": "dana", "password": demo_data.PASSWORD}, master=False)
    assert dana["role"] == "dispatcher"
    jobs = await rest.call("GET", "/classes/Job", master=False, session_token=dana["sessionToken"])
    assert len(jobs["results"]) == 6
    casey = await rest.call("POST", "/login", {"username": "casey", "password": demo_data.PASSWORD}, master=False)
    mine = await rest.call("GET", "/classes/Job", master=False, session_token=casey["sessionToken"])
    assert len(mine["results"]) == 2


async def test_seeding_twice_changes_nothing(rest):
    await seed(rest)
    assert await seed(rest) == ["The demo data is already there (user dana exists): nothing to do."]
    assert await count(rest, "Job") == 6


def test_the_logins_name_every_demo_account():
    lines = logins("http://localhost:1337/parse", "myAppId")
    assert lines[0] == "Log in at http://localhost:1337/parse (password for everyone: homehealth):"
    assert lines[1:8] == [f"  {u:<8} {r:<11} {n}" for u, (r, n) in demo_data.PEOPLE.items()]


SEEDED = ("Seeded 7 users, 5 technicians across Chicago, 6 jobs for today (one completed, with its service log) "
          "and 7 parts.")


async def test_reset_wipes_the_demo_data_and_seeds_again(rest):
    await seed(rest)
    dana = await rest.call("POST", "/login", {"username": "dana", "password": demo_data.PASSWORD}, master=False)
    await rest.call("POST", "/classes/Job", {"description": "An extra visit", "scheduledTime": {
        "__type": "Date", "iso": "2030-05-06T09:00:00.000Z"}}, master=False, session_token=dana["sessionToken"])
    lines = await reset(rest)
    assert lines == ["Removed 7 demo users, 5 technicians, 7 jobs, 7 parts and 1 service log.", SEEDED]
    assert (await count(rest, "Job"), await count(rest, "Technician"), await count(rest, "ServiceLog")) == (6, 5, 1)
    assert await count(rest, "_User", {"username": "dana"}) == 1


async def test_reset_signs_the_old_demo_sessions_out(rest):
    await seed(rest)
    dana = await rest.call("POST", "/login", {"username": "dana", "password": demo_data.PASSWORD}, master=False)
    await reset(rest)
    with pytest.raises(ParseError) as refused:
        await rest.call("GET", "/users/me", master=False, session_token=dana["sessionToken"])
    assert (refused.value.code, refused.value.message) == (209, "Invalid session token")


async def test_reset_twice_answers_the_same(rest):
    first = await reset(rest)
    assert first == ["Removed 0 demo users, 0 technicians, 0 jobs, 0 parts and 0 service logs.", SEEDED]
    assert await reset(rest) == ["Removed 7 demo users, 5 technicians, 6 jobs, 7 parts and 1 service log.", SEEDED]
    assert await count(rest, "Job") == 6
