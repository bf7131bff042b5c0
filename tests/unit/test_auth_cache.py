"""The session and role caches: TTL and explicit invalidation."""

from __future__ import annotations

import time

from parse_clone.core.auth.cache import RoleCache, SessionCache


def test_a_cached_session_expires_after_the_ttl():
    cache = SessionCache(ttl_seconds=0.05)
    cache.put("r:1", {"objectId": "u1"}, None)
    assert cache.get("r:1").user == {"objectId": "u1"}
    time.sleep(0.06)
    assert cache.get("r:1") is None


def test_dropping_a_user_forgets_all_its_tokens_only():
    cache = SessionCache(ttl_seconds=60)
    cache.put("r:1", {"objectId": "u1"}, None)
    cache.put("r:2", {"objectId": "u1"}, None)
    cache.put("r:3", {"objectId": "u2"}, None)
    cache.drop_user("u1")
    assert cache.get("r:1") is None and cache.get("r:2") is None
    assert cache.get("r:3") is not None


def test_dropping_a_token_keeps_the_users_other_tokens():
    cache = SessionCache(ttl_seconds=60)
    cache.put("r:1", {"objectId": "u1"}, None)
    cache.put("r:2", {"objectId": "u1"}, None)
    cache.drop_token("r:1")
    assert cache.get("r:1") is None and cache.get("r:2") is not None


def test_role_cache_clear_forgets_everyone():
    cache = RoleCache(ttl_seconds=60)
    cache.put("u1", ["role:A"])
    assert cache.get("u1") == ["role:A"]
    cache.clear()
    assert cache.get("u1") is None


def test_cache_max_size_evicts_the_oldest_entries_first():
    sessions = SessionCache(60, max_entries=2)
    for n in range(3):
        sessions.put(f"r:{n}", {"objectId": f"u{n}"}, None)
    assert [sessions.get(f"r:{n}") is not None for n in range(3)] == [False, True, True]
    sessions.put("r:1", {"objectId": "u1"}, None)  # a refresh of a kept token evicts nothing
    assert sessions.get("r:2") is not None
    roles = RoleCache(60, max_entries=1)
    roles.put("u1", ["role:A"])
    roles.put("u2", ["role:B"])
    assert (roles.get("u1"), roles.get("u2")) == (None, ["role:B"])


def test_cache_max_size_comes_from_the_option():
    from parse_clone.app import build_server
    from parse_clone.core.auth.cache import role_cache, session_cache
    from tests.conftest import make_config
    server = build_server(make_config(cacheMaxSize=7, databaseURI="sqlite:///:memory:"))
    assert session_cache(server).max_entries == 7 and role_cache(server).max_entries == 7
