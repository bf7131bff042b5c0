"""Statement helpers of the PostgreSQL adapter: guarded execution, error mapping, extensions."""

from __future__ import annotations

import re
from typing import Any

import asyncpg

from ...errors import ParseError
from ...language import matcher
from ..base import Document, DuplicateValueError
from ..sqlite.canonical import canonical
from .names import quote_ident

_KEY_DETAIL = re.compile(r"Key \((.*)\)=\(")


async def fetch(conn: asyncpg.Connection, sql: str, params: list[Any]) -> list[asyncpg.Record]:
    """Rows of a query; none if its table is missing."""
    return await guarded(conn, conn.fetch, sql, params, [])


async def fetchval(conn: asyncpg.Connection, sql: str, params: list[Any]) -> Any:
    """The first value of the first row, or None."""
    return await guarded(conn, conn.fetchval, sql, params, None)


async def execute(conn: asyncpg.Connection, sql: str, params: list[Any]) -> str:
    """A statement's status ("DELETE 3"); "" if its table is missing."""
    return await guarded(conn, conn.execute, sql, params, "")


async def guarded(conn: asyncpg.Connection, run: Any, sql: str, params: list[Any], empty: Any) -> Any:
    """Run a statement (behind a savepoint inside a transaction, so that a caught error leaves it usable)."""
    try:
        if conn.is_in_transaction():
            async with conn.transaction():
                return await run(sql, *params)
        return await run(sql, *params)
    except asyncpg.UndefinedTableError:
        return empty
    except asyncpg.InvalidRegularExpressionError as error:
        raise ParseError(ParseError.INVALID_QUERY, f"Invalid regular expression: {error}") from None


async def create_ignoring_races(conn: asyncpg.Connection, sql: str) -> None:
    """CREATE ... IF NOT EXISTS, where a concurrent creator's win (a pg_type conflict) is not an error."""
    try:
        async with conn.transaction():
            await conn.execute(sql)
    except (asyncpg.UniqueViolationError, asyncpg.DuplicateTableError):
        pass


def distinct_values(docs: list[Document], field_name: str) -> list[Any]:
    """Distinct values of a (dotted) field across documents, array elements flattened, first seen first."""
    seen: set[Any] = set()
    out: list[Any] = []
    for doc in docs:
        value = matcher.get_path(doc, field_name)
        if value is matcher.MISSING or value is None:
            continue
        for v in value if isinstance(value, list) else [value]:
            key = canonical(v)
            if key not in seen:
                seen.add(key)
                out.append(v)
    return out


async def find_unaccent(conn: asyncpg.Connection) -> str | None:
    """The unaccent() function (contrib's extension, created in "public" if missing and allowed), or None."""
    sql = ("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
           "WHERE e.extname = 'unaccent'")
    schema = await conn.fetchval(sql)
    if schema is None:
        try:
            async with conn.transaction():
                await conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
        except asyncpg.PostgresError:
            return None
        schema = await conn.fetchval(sql)
    return f"{quote_ident(schema)}.unaccent" if schema else None


AUTH_INDEX_PREFIX = "_User_unique_authData_"


def auth_data_index_name(provider: str) -> str:
    """Parse Server's name of the unique index on a provider's authData id."""
    return f"{AUTH_INDEX_PREFIX}{provider}_id"


def duplicate(error: asyncpg.UniqueViolationError) -> DuplicateValueError:
    """The DuplicateValueError a unique violation means, naming the fields when the detail shows them."""
    constraint = getattr(error, "constraint_name", "") or ""
    if constraint.endswith("_pkey"):
        return DuplicateValueError(["objectId"])
    if constraint.startswith(AUTH_INDEX_PREFIX) and constraint.endswith("_id"):
        return DuplicateValueError(["_auth_data_" + constraint[len(AUTH_INDEX_PREFIX):-len("_id")]])
    m = _KEY_DETAIL.search(getattr(error, "detail", "") or "")
    if m and "(" not in m.group(1):
        return DuplicateValueError([c.strip().strip('"') for c in m.group(1).split(",")])
    return DuplicateValueError()
