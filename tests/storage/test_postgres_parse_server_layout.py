"""PostgreSQL layout: rows as Parse Server 9 writes them are read back, and ours are in its layout.

The DDL and rows below are what Parse Server 9.10 on PostgreSQL wrote for a `Thing` class and
a user (checked with /work/shared/peer/parse-server.sh, then copied from psql).
"""

from __future__ import annotations

import asyncpg
import pytest

from parse_clone.storage import open_adapter
from parse_clone.storage.base import DuplicateValueError, FindOptions
from parse_clone.storage.postgres import PostgresAdapter
from parse_clone.storage.postgres.connection import dsn_and_options
from parse_clone.storage.postgres.regex import to_postgres_regex

from ..support.postgres import database_uri
from .conftest import make_doc, make_schema, pointer

PARSE_THING_DDL = (
    'CREATE TABLE "Thing" ("objectId" text NOT NULL PRIMARY KEY, "createdAt" timestamp with time zone, '
    '"updatedAt" timestamp with time zone, "_rperm" text[], "_wperm" text[], "name" text, "n" double precision, '
    '"b" boolean, "o" jsonb, "d" timestamp with time zone, "arr" jsonb, "loc" point, "by" jsonb, "f" text, '
    '"poly" polygon, "owner" text)')
PARSE_THING_SCHEMA = {"fields": {
    "b": {"type": "Boolean"}, "d": {"type": "Date"}, "f": {"type": "File"}, "n": {"type": "Number"},
    "o": {"type": "Object"}, "by": {"type": "Bytes"}, "arr": {"type": "Array"}, "loc": {"type": "GeoPoint"},
    "rel": {"type": "Relation", "targetClass": "_User"}, "name": {"type": "String"}, "poly": {"type": "Polygon"},
    "owner": {"type": "Pointer", "targetClass": "_User"},
    "_rperm": {"type": "Array", "contents": {"type": "String"}},
    "_wperm": {"type": "Array", "contents": {"type": "String"}},
    "objectId": {"type": "String"}, "createdAt": {"type": "Date"}, "updatedAt": {"type": "Date"}},
    "className": "Thing"}


@pytest.fixture
async def pg():
    adapter = PostgresAdapter(database_uri())
    await adapter.connect()
    await adapter.delete_all_classes()
    conn = await asyncpg.connect(database_uri())
    try:
        yield adapter, conn
    finally:
        await conn.close()
        await adapter.delete_all_classes()
        await adapter.close()


async def _column_types(conn, table: str) -> dict[str, str]:
    rows = await conn.fetch("SELECT column_name, data_type, udt_name FROM information_schema.columns "
                            "WHERE table_name = $1 AND table_schema = current_schema()", table)
    return {r["column_name"]: (r["udt_name"] if r["data_type"] in ("ARRAY", "USER-DEFINED") else r["data_type"])
            for r in rows}


async def test_a_row_parse_server_wrote_is_read_in_stored_form(pg):
    adapter, conn = pg
    await conn.execute(PARSE_THING_DDL)
    await conn.execute('INSERT INTO "_SCHEMA" ("className", "schema", "isParseClass") VALUES ($1, $2::jsonb, true)',
                       "Thing", __import__("json").dumps(PARSE_THING_SCHEMA))
    await conn.execute(
        """INSERT INTO "Thing" VALUES ('30HzMeRtrL', '2026-12-06 12:48:40.547+00', '2026-12-06 12:48:40.94+00',
        '{*}', '{}', 't1', 3, true, '{"a": {"b": 1}}', '2024-01-02 03:04:05.678+00', '[1, "x"]', '(20,10)',
        '{"__type": "Bytes", "base64": "aGk="}', 'abc.txt', '((0,0),(1,0),(1,1),(0,0))', 'kL6BQEG6eW')""")
    schema = await adapter.get_class("Thing")
    assert schema["fields"]["owner"] == {"type": "Pointer", "targetClass": "_User"}
    assert "_rperm" not in schema["fields"] and "objectId" not in schema["fields"]
    [doc] = await adapter.find("Thing", schema, {"o.a.b": 1, "arr": "x"}, FindOptions())
    assert doc == {
        "objectId": "30HzMeRtrL", "createdAt": "2026-12-06T12:48:40.547Z", "updatedAt": "2026-12-06T12:48:40.940Z",
        "_rperm": ["*"], "_wperm": [], "name": "t1", "n": 3, "b": True, "o": {"a": {"b": 1}},
        "d": {"__type": "Date", "iso": "2024-01-02T03:04:05.678Z"}, "arr": [1, "x"],
        "loc": {"__type": "GeoPoint", "latitude": 10, "longitude": 20},
        "by": {"__type": "Bytes", "base64": "aGk="}, "f": {"__type": "File", "name": "abc.txt"},
        "poly": {"__type": "Polygon", "coordinates": [[0, 0], [0, 1], [1, 1], [0, 0]]},
        "owner": pointer("_User", "kL6BQEG6eW")}


async def test_our_class_table_has_parse_servers_column_types(pg):
    adapter, conn = pg
    schema = make_schema("Gadget", title="String", qty="Number", ok="Boolean", when="Date", meta="Object",
                         tags="Array", at="GeoPoint", zone="Polygon", doc="File", maker="Pointer:_User",
                         raw="Bytes", fans="Relation:_User")
    await adapter.create_class("Gadget", schema)
    assert await _column_types(conn, "Gadget") == {
        "objectId": "text", "createdAt": "timestamp with time zone", "updatedAt": "timestamp with time zone",
        "_rperm": "_text", "_wperm": "_text", "title": "text", "qty": "double precision", "ok": "boolean",
        "when": "timestamp with time zone", "meta": "jsonb", "tags": "jsonb", "at": "point", "zone": "polygon",
        "doc": "text", "maker": "text", "raw": "jsonb"}
    assert await _column_types(conn, "_Join:fans:Gadget") == {"relatedId": "character varying",
                                                             "owningId": "character varying"}
    stored = await conn.fetchval('SELECT "schema" FROM "_SCHEMA" WHERE "className" = $1', "Gadget")
    assert '"_rperm": {"type": "Array", "contents": {"type": "String"}}' in stored


async def test_our_row_holds_values_as_parse_server_stores_them(pg):
    adapter, conn = pg
    schema = make_schema("Gadget", maker="Pointer:_User", at="GeoPoint", when="Date", doc="File")
    await adapter.create_class("Gadget", schema)
    await adapter.create_object("Gadget", schema, make_doc(
        "g1", maker=pointer("_User", "u1"), at={"__type": "GeoPoint", "latitude": 1.5, "longitude": 2.5},
        when={"__type": "Date", "iso": "2025-05-05T05:05:05.005Z"}, doc={"__type": "File", "name": "x.txt"},
        _rperm=["*"], _wperm=["u1"]))
    row = await conn.fetchrow('SELECT "maker", "at"::text AS at, "when", "doc", "_rperm", "_wperm" FROM "Gadget"')
    assert (row["maker"], row["at"], row["when"].isoformat(), row["doc"], row["_rperm"], row["_wperm"]) == \
        ("u1", "(2.5,1.5)", "2025-05-05T05:05:05.005000+00:00", "x.txt", ["*"], ["u1"])


async def test_user_table_has_parse_servers_internal_columns(pg):
    adapter, conn = pg
    await adapter.create_class("_User", make_schema("_User", username="String"))
    columns = await _column_types(conn, "_User")
    assert {"_hashed_password", "_email_verify_token", "_perishable_token_expires_at",
            "_failed_login_count", "_password_history"} <= set(columns)


async def test_unique_index_has_parse_servers_name(pg):
    adapter, conn = pg
    schema = make_schema("_User", username="String")
    await adapter.create_class("_User", schema)
    await adapter.ensure_unique("_User", schema, ["username"])
    names = {r["indexname"] for r in await conn.fetch("SELECT indexname FROM pg_indexes WHERE tablename = '_User'")}
    assert "_User_unique_username" in names


async def test_a_unique_index_parse_server_made_is_named_as_mongodb_would_and_enforced(pg):
    adapter, conn = pg
    schema = make_schema("_Role", name="String")
    await adapter.create_class("_Role", schema)
    await conn.execute('CREATE UNIQUE INDEX "_Role_unique_name" ON "_Role" ("name")')
    assert await adapter.get_indexes("_Role") == {"_id_": {"_id": 1}, "name_1": {"name": 1}}
    await adapter.create_object("_Role", schema, make_doc("r1", name="admin"))
    with pytest.raises(DuplicateValueError) as err:
        await adapter.create_object("_Role", schema, make_doc("r2", name="admin"))
    assert err.value.fields == ["name"]


async def test_global_config_is_the_row_with_object_id_1(pg):
    adapter, conn = pg
    await adapter.set_config({"k": 2}, {"k": True})
    row = await conn.fetchrow('SELECT * FROM "_GlobalConfig"')
    assert dict(row) == {"objectId": "1", "params": '{"k": 2}', "masterKeyOnly": '{"k": true}'}


async def test_a_failed_transaction_leaves_nothing(pg):
    adapter, _ = pg
    schema = make_schema("Post", title="String")
    await adapter.create_class("Post", schema)
    with pytest.raises(RuntimeError):
        async with adapter.transaction():
            await adapter.create_object("Post", schema, make_doc("p1", title="a"))
            raise RuntimeError("abort")
    assert await adapter.count("Post", schema, {}) == 0


def test_pcre_options_become_embedded_are_options():
    assert to_postgres_regex("^a.c$") == "(?p)^a.c$"
    assert to_postgres_regex("^a", "imx") == "(?nix)^a"
    assert to_postgres_regex("a.c", "s") == "a.c"


def test_quoted_pcre_literals_are_escaped():
    assert to_postgres_regex("^\\Qa.b*\\E$") == "(?p)^a\\.b\\*$"
    assert to_postgres_regex("x\\Q(y") == "(?p)x\\(y"


def test_parse_server_uri_options_become_pool_options():
    dsn, options = dsn_and_options("postgres://u:p@db:5432/app?ssl=true&max=5&application_name=x")
    assert (dsn, options) == ("postgres://u:p@db:5432/app?application_name=x", {"ssl": "require", "max_size": 5})


def test_database_uri_picks_the_postgres_adapter_with_max_pool_size():
    adapter = open_adapter("postgresql://u@db/app", database_options={"maxPoolSize": 3})
    assert isinstance(adapter, PostgresAdapter)
    assert adapter._db.options["max_size"] == 3
