"""databaseOptions: the MongoDB driver options reach PyMongo, other backends warn about them, and the
createIndex... switches turn off start-up indexes."""

from __future__ import annotations

import logging

import pytest
from mongomock_motor import AsyncMongoMockClient

from parse_clone.storage import open_adapter
from parse_clone.storage.database_options import (
    MONGO_DRIVER_OPTIONS,
    index_wanted,
    mongo_client_options,
    warn_foreign_options,
)
from parse_clone.storage.mongo import MongoAdapter


def test_only_driver_options_go_to_the_driver() -> None:
    options = {"appName": "hha", "connectTimeoutMS": 1500, "maxPoolSize": 7, "createIndexUserEmail": False,
               "readPreference": None}
    assert mongo_client_options(options) == {"appName": "hha", "connectTimeoutMS": 1500}


def test_the_driver_gets_them_under_their_names() -> None:
    adapter = open_adapter("mongodb://localhost:27017/app", database_options={
        "appName": "hha", "connectTimeoutMS": 1500, "readPreference": "secondaryPreferred", "retryWrites": False,
        "maxPoolSize": 7})
    assert isinstance(adapter, MongoAdapter)
    assert adapter.driver_options() == {"appName": "hha", "connectTimeoutMS": 1500,
                                        "readPreference": "secondaryPreferred", "retryWrites": False, "maxPoolSize": 7}
    from pymongo import AsyncMongoClient

    options = AsyncMongoClient("mongodb://localhost:27017/app", **adapter.driver_options()).options
    assert options.pool_options.connect_timeout == 1.5
    assert options.pool_options.max_pool_size == 7
    assert options.retry_writes is False
    assert options.read_preference.mongos_mode == "secondaryPreferred"


@pytest.mark.parametrize(("key", "value"), [("connectTimeoutMS", "soon"), ("readPreference", "nearest-ish"),
                                            ("retryWrites", "perhaps")])
def test_a_value_the_driver_rejects_names_the_option(key: str, value: object) -> None:
    adapter = open_adapter("mongodb://localhost:27017/app", database_options={key: value})
    with pytest.raises(ValueError, match=f"^databaseOptions.{key}: "):
        adapter.driver_options()


def test_every_driver_option_is_one_pymongo_knows() -> None:
    from pymongo.common import URI_OPTIONS_VALIDATOR_MAP, VALIDATORS

    known = {k.lower() for k in (*VALIDATORS, *URI_OPTIONS_VALIDATOR_MAP)}
    assert sorted(k for k in MONGO_DRIVER_OPTIONS if k.lower() not in known) == []


def test_other_backends_warn_about_driver_options(caplog: pytest.LogCaptureFixture, tmp_path) -> None:
    with caplog.at_level(logging.WARNING, logger="parse_clone"):
        open_adapter(f"sqlite:///{tmp_path}/x.sqlite3", database_options={"appName": "hha", "maxPoolSize": 2})
    assert [r.getMessage() for r in caplog.records] == [
        "databaseOptions.appName is a MongoDB driver option; it has no effect on SQLite"]
    assert warn_foreign_options({"maxPoolSize": 2, "createIndexRoleName": False}, "SQLite") == []


@pytest.mark.parametrize(("options", "index", "wanted"), [
    ({}, "username", True), ({"createIndexUserUsername": False}, "username", False),
    ({"createIndexUserUsername": True}, "username", True), ({"createIndexUserEmail": False}, "username", True),
    ({"createIndexUserUsernameCaseInsensitive": False}, "case_insensitive_username", False),
    ({"createIndexUserEmailVerifyToken": False}, "_email_verify_token", False),
    ({"createIndexUserPasswordResetToken": False}, "_perishable_token", False),
])
def test_index_switches(options: dict, index: str, wanted: bool) -> None:
    assert index_wanted(options, "_User", index) is wanted


async def test_mongo_startup_indexes_follow_the_switches() -> None:
    client = AsyncMongoMockClient()
    adapter = MongoAdapter("mongodb://mock/app", client=client, database_options={
        "createIndexUserEmail": False, "createIndexUserUsernameCaseInsensitive": False,
        "createIndexUserPasswordResetToken": False})
    await adapter.connect()
    names = set(await client["app"]["_User"].index_information())
    assert {"username_1", "case_insensitive_email", "_email_verify_token"} <= names
    assert not {"email_1", "case_insensitive_username", "_perishable_token"} & names
    await adapter.close()


async def test_mongo_startup_indexes_by_default() -> None:
    client = AsyncMongoMockClient()
    adapter = MongoAdapter("mongodb://mock/app", client=client)
    await adapter.connect()
    names = set(await client["app"]["_User"].index_information())
    assert {"username_1", "email_1", "case_insensitive_username", "case_insensitive_email", "_email_verify_token",
            "_perishable_token"} <= names
    await adapter.close()


def test_batch_size() -> None:
    from parse_clone.storage.database_options import cursor_batch_size

    assert (cursor_batch_size(None), cursor_batch_size(50), cursor_batch_size(20.0)) == (1000, 50, 20)
    for bad in (0, -5, "10", True, 1.5):
        with pytest.raises(ValueError, match="databaseOptions.batchSize must be a positive integer"):
            cursor_batch_size(bad)


async def test_mongo_cursors_use_the_batch_size() -> None:
    from pymongo import AsyncMongoClient

    from parse_clone.storage.base import FindOptions
    from parse_clone.storage.mongo.query import to_mongo_query

    client = AsyncMongoClient("mongodb://127.0.0.1:9/app", connect=False)  # a cursor is built without I/O
    adapter = MongoAdapter("mongodb://127.0.0.1:9/app", client=client, database_options={"batchSize": 7})
    adapter._db = client["app"]
    cursor = adapter._cursor("Visit", to_mongo_query("Visit", None, {}), None, FindOptions())
    assert cursor._batch_size == 7
    await client.close()
