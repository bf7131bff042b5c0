"""extendSessionOnUse: a session used after half its lifetime gets a fresh expiresAt."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from parse_clone.core.auth.cache import session_cache
from parse_clone.core.auth.session_renewal import wait_for_renewals
from parse_clone.language.values import parse_iso, to_iso
from parse_clone.storage.base import FindOptions


async def _session(api, token):
    schema = await api.server.schema.get("_Session")
    return (await api.server.storage.find("_Session", schema, {"sessionToken": token}, FindOptions(limit=1)))[0]


async def _age_session(api, token, seconds_left):
    schema = await api.server.schema.get("_Session")
    when = datetime.now(timezone.utc) + timedelta(seconds=seconds_left)
    await api.server.storage.find_one_and_update("_Session", schema, {"sessionToken": token},
                                                 {"expiresAt": {"__type": "Date", "iso": to_iso(when)}})
    session_cache(api.server).clear()


def _left(session) -> float:
    return (parse_iso(session["expiresAt"]["iso"]) - datetime.now(timezone.utc)).total_seconds()


@pytest.mark.parametrize("account_overrides", [{"extendSessionOnUse": True, "sessionLength": 1000}])
async def test_an_old_session_is_extended_on_use(mail_api, account_overrides):
    status, user = await mail_api.post("/users", {"username": "ann", "password": "pw"})
    token = user["sessionToken"]
    await mail_api.get("/users/me", session=token)
    await wait_for_renewals(mail_api.server)
    assert 990 < _left(await _session(mail_api, token)) <= 1000  # young: untouched
    await _age_session(mail_api, token, 100)
    status, _ = await mail_api.get("/users/me", session=token)
    assert status == 200
    await wait_for_renewals(mail_api.server)
    assert 990 < _left(await _session(mail_api, token)) <= 1000


@pytest.mark.parametrize("account_overrides", [{"sessionLength": 1000}])
async def test_without_the_option_sessions_keep_their_expiry(mail_api, account_overrides):
    status, user = await mail_api.post("/users", {"username": "ann", "password": "pw"})
    token = user["sessionToken"]
    await _age_session(mail_api, token, 100)
    await mail_api.get("/users/me", session=token)
    await wait_for_renewals(mail_api.server)
    assert _left(await _session(mail_api, token)) < 101
