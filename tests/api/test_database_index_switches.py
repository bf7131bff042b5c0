"""databaseOptions.createIndexUserUsername / createIndexUserEmail / createIndexRoleName: false keeps the
server from creating that unique index at start-up (every backend); uniqueness is still checked on write."""

from __future__ import annotations

import pytest

from tests.conftest import build_server, make_config, make_storage

SWITCHED_OFF = {"createIndexUserUsername": False, "createIndexUserUsernameCaseInsensitive": False,
                "createIndexRoleName": False}


def _fields_indexed(indexes: dict) -> set[str]:
    return {field for spec in indexes.values() for field in spec}


@pytest.mark.parametrize("backend", ["sqlite", "mongomock", "postgres"])
async def test_switched_off_unique_indexes_are_not_created(backend, tmp_path) -> None:
    storage = make_storage(backend, tmp_path)
    if backend == "mongomock":
        storage.database_options = SWITCHED_OFF  # open_adapter hands them over; make_storage does not
    server = build_server(make_config(databaseOptions=SWITCHED_OFF), storage)
    await server.start()
    try:
        users = _fields_indexed(await server.storage.get_indexes("_User"))
        roles = _fields_indexed(await server.storage.get_indexes("_Role"))
        assert "email" in users
        assert "username" not in users
        assert "name" not in roles
    finally:
        await server.storage.delete_all_classes()
        await server.stop()


@pytest.mark.parametrize("backend", ["sqlite", "mongomock", "postgres"])
async def test_by_default_they_are(backend, tmp_path) -> None:
    server = build_server(make_config(), make_storage(backend, tmp_path))
    await server.start()
    try:
        assert {"username", "email"} <= _fields_indexed(await server.storage.get_indexes("_User"))
        assert "name" in _fields_indexed(await server.storage.get_indexes("_Role"))
    finally:
        await server.storage.delete_all_classes()
        await server.stop()
