"""`parse-clone demo seed` / `demo reset`: fill a running template server with the demo data set
(reset: wipe it first), print logins.

Accounts are made with the master key (a user's `role` is set by it, and cloud/users.py puts
them in the matching _Role); everything else is done as the dispatcher and the technicians,
through the template's rules, as the app would.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import datetime, timezone
from typing import Any

import aiohttp

from ..errors import ParseError
from . import demo_data as data
from .remote import ParseRest, RemoteError
from .schema import add_target_arguments, server_url, target_config


def register(sub: argparse._SubParsersAction) -> None:
    """Add `demo seed` and `demo reset`."""
    p = sub.add_parser("demo", help="the Home Health Aide demo")
    cmds = p.add_subparsers(dest="demo_command", required=True)
    seed_cmd = cmds.add_parser("seed", help="fill a running server (schema.json and cloud/ loaded) with demo data")
    add_target_arguments(seed_cmd, database=False)
    reset_cmd = cmds.add_parser("reset", help="delete every Technician, Job, PartsInventory and ServiceLog "
                                              "and the demo accounts, then seed again")
    add_target_arguments(reset_cmd, database=False)


def run(args: argparse.Namespace) -> int:
    """Run a `demo` subcommand; the exit status."""
    config = target_config(args)
    url = server_url(args)

    command = reset if args.demo_command == "reset" else seed

    async def go() -> list[str]:
        async with aiohttp.ClientSession() as session:
            return await command(ParseRest.for_config(url, config, session))

    try:
        lines = asyncio.run(go())
    except (ParseError, RemoteError) as e:
        text = f"{e.code} {e.message}" if isinstance(e, ParseError) else str(e)
        print(f"parse-clone demo {args.demo_command}: {text}", file=sys.stderr)
        return 1
    print("\n".join(lines + ["", *logins(url, config.appId)]))
    return 0


def _point(lat: float, lng: float) -> dict[str, Any]:
    return {"__type": "GeoPoint", "latitude": lat, "longitude": lng}


def _pointer(class_name: str, object_id: str) -> dict[str, str]:
    return {"__type": "Pointer", "className": class_name, "objectId": object_id}


def _today_at(hour: int) -> dict[str, str]:
    day = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    return {"__type": "Date", "iso": f"{day}T{hour:02d}:00:00.000Z"}


async def seed(rest: ParseRest) -> list[str]:
    """Create the data set unless it is there; what was done, as lines."""
    found = await rest.call("GET", "/classes/_User?" + _where({"username": "dana"}) + "&limit=1")
    if found.get("results"):
        return ["The demo data is already there (user dana exists): nothing to do."]
    tokens: dict[str, str] = {}
    users: dict[str, str] = {}
    for username, (role, _) in data.PEOPLE.items():
        created = await rest.call("POST", "/users", {"username": username, "password": data.PASSWORD, "role": role,
                                                     "email": f"{username}@homehealth.example"})
        users[username], tokens[username] = created["objectId"], created["sessionToken"]
    technicians: dict[str, str] = {}
    for username, (area, lat, lng, availability) in data.TECHNICIANS.items():
        created = await rest.call("POST", "/classes/Technician", {
            "name": data.PEOPLE[username][1], "user": _pointer("_User", users[username]),
            "location": _point(lat, lng), "availability": availability}, master=False, session_token=tokens["dana"])
        technicians[username] = created["objectId"]
    jobs = 0
    for description, address, lat, lng, hour, tech, final in data.JOBS:
        body: dict[str, Any] = {"description": description, "address": address, "location": _point(lat, lng),
                                "scheduledTime": _today_at(hour)}
        if tech:
            body["technician"] = _pointer("Technician", technicians[tech])
        job = await rest.call("POST", "/classes/Job", body, master=False, session_token=tokens["dana"])
        if final == "completed" and tech:
            for status in ("in_progress", "completed"):
                context = {"serviceNote": data.SERVICE_NOTE} if status == "completed" else None
                await rest.call("PUT", f"/classes/Job/{job['objectId']}", {"status": status}, master=False,
                                session_token=tokens[tech], context=context)
        jobs += 1
    for part, quantity in data.PARTS:
        await rest.call("POST", "/classes/PartsInventory", {"partName": part, "quantity": quantity},
                        master=False, session_token=tokens["dana"])
    return [f"Seeded {len(users)} users, {len(technicians)} technicians across Chicago, {jobs} jobs for today "
            f"(one completed, with its service log) and {len(data.PARTS)} parts."]


async def reset(rest: ParseRest) -> list[str]:
    """Delete the demo data (every object of the template's classes, the demo accounts), seed again."""
    removed = {class_name: await _delete_all(rest, "/classes/" + class_name, {}) for class_name in data.WIPED_CLASSES}
    users = await _object_ids(rest, "/classes/_User", {"username": {"$in": list(data.PEOPLE)}})
    await _delete_all(rest, "/classes/_Session", {"user": {"$in": [_pointer("_User", u) for u in users]}})
    for object_id in users:
        await rest.call("DELETE", f"/users/{object_id}")
    summary = (f"Removed {_count(len(users), 'demo user')}, {_count(removed['Technician'], 'technician')}, "
               f"{_count(removed['Job'], 'job')}, {_count(removed['PartsInventory'], 'part')} and "
               f"{_count(removed['ServiceLog'], 'service log')}.")
    return [summary, *await seed(rest)]


async def _object_ids(rest: ParseRest, path: str, where: dict[str, Any]) -> list[str]:
    """The objectIds of every object the where matches (master key)."""
    ids: list[str] = []
    while True:
        page = await rest.call("GET", f"{path}?{_where(where)}&keys=objectId&order=objectId&limit={_PAGE}"
                               + (f"&skip={len(ids)}" if ids else ""))
        ids += [r["objectId"] for r in page.get("results", [])]
        if len(page.get("results", [])) < _PAGE:
            return ids


async def _delete_all(rest: ParseRest, path: str, where: dict[str, Any]) -> int:
    """Delete every object the where matches, one by one so that the class's hooks run; how many."""
    ids = await _object_ids(rest, path, where)
    for object_id in ids:
        await rest.call("DELETE", f"{path}/{object_id}")
    return len(ids)


_PAGE = 1000


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _where(where: dict[str, Any]) -> str:
    from urllib.parse import quote

    return "where=" + quote(json.dumps(where))


def logins(url: str, app_id: str) -> list[str]:
    """The demo accounts and a first request to try."""
    lines = [f"Log in at {url} (password for everyone: {data.PASSWORD}):"]
    for username, (role, full_name) in data.PEOPLE.items():
        lines.append(f"  {username:<8} {role:<11} {full_name}")
    lines += ["", "Try:",
              f"  curl -X POST {url}/login -H 'X-Parse-Application-Id: {app_id}' "
              f"-H 'Content-Type: application/json' -d '{{\"username\": \"dana\", \"password\": \"{data.PASSWORD}\"}}'",
              "  then send its sessionToken as X-Parse-Session-Token (see the README's walkthrough)."]
    return lines
