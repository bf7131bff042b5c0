"""The throwaway PostgreSQL database a test session uses (created on first use, dropped at the end).

PostgreSQL is looked for at PARSE_CLONE_POSTGRES_ADMIN_URI (default: postgres@127.0.0.1:5432,
trust auth). When it is unreachable the postgres tests skip with that reason, unless
PARSE_CLONE_REQUIRE_POSTGRES=1 (CI), where they fail instead.
"""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

ADMIN_URI = os.environ.get("PARSE_CLONE_POSTGRES_ADMIN_URI", "postgres://postgres@127.0.0.1:5432/postgres")
_state: dict[str, str | None] = {}
_lock = threading.Lock()


def _in_thread(coro_factory):
    """Run a coroutine on its own loop in a thread (callers may be inside a running loop)."""
    result: dict[str, object] = {}

    def run() -> None:
        try:
            result["value"] = asyncio.run(coro_factory())
        except BaseException as error:  # noqa: BLE001 - handed back to the caller
            result["error"] = error

    t = threading.Thread(target=run)
    t.start()
    t.join()
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result.get("value")


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(ADMIN_URI, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def database_uri() -> str:
    """The session database's URI; skips (or fails under PARSE_CLONE_REQUIRE_POSTGRES=1) without PostgreSQL."""
    with _lock:
        if "uri" not in _state:
            name = f"parse_clone_test_{uuid.uuid4().hex[:10]}"
            try:
                _in_thread(lambda: _admin(f'CREATE DATABASE "{name}"'))
                parts = urlsplit(ADMIN_URI)
                _state["uri"] = urlunsplit(parts._replace(path="/" + name))
                _state["name"] = name
            except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
                _state["uri"] = None
                _state["error"] = f"{type(error).__name__}: {error}"
    uri = _state["uri"]
    if uri is None:
        reason = f"PostgreSQL is not reachable at {ADMIN_URI} ({_state.get('error')})"
        if os.environ.get("PARSE_CLONE_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason + "; PARSE_CLONE_REQUIRE_POSTGRES=1 forbids skipping")
        pytest.skip(reason)
    return uri


def drop_database() -> None:
    """Drop the session database if one was made."""
    name = _state.get("name")
    if name:
        _in_thread(lambda: _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        _state.clear()


def isolated_adapter(tmp_path=None):
    """A PostgresAdapter on its own fresh PostgreSQL schema of the session database (dropped on close).

    Each API test's server gets one, as each gets its own SQLite file: two servers built in
    one test do not share data either. With `tmp_path`, its `path` puts the default local
    files directory (files/ beside the "database file") in the test's temporary folder.
    """
    from parse_clone.storage.postgres import PostgresAdapter

    uri = database_uri()
    schema = f"t_{uuid.uuid4().hex[:12]}"

    class IsolatedPostgresAdapter(PostgresAdapter):
        async def connect(self) -> None:
            await self._db.open()
            async with self._db.use() as conn:
                await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            await super().connect()

        async def close(self) -> None:
            if self._db._pool is not None:
                async with self._db.use() as conn:
                    await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            await super().close()

    sep = "&" if "?" in uri else "?"
    adapter = IsolatedPostgresAdapter(f"{uri}{sep}search_path={schema}")
    if tmp_path is not None:
        adapter.path = str(tmp_path / f"{schema}.postgres")  # type: ignore[attr-defined]
    return adapter
