"""databaseOptions.createIndexAuthDataUniqueness: at start the server makes authData ids unique per
provider (the configured ones, and anonymous), so two racing sign-ups cannot share one; such a write
answers 208 "this auth is already used", as Parse Server does."""

from __future__ import annotations

import pytest

from parse_clone.core.runtime.server import auth_data_providers
from parse_clone.core.write.objects import duplicate_error
from parse_clone.errors import ParseError
from parse_clone.storage.base import DuplicateValueError
from tests.conftest import build_server, make_config, make_storage

BACKENDS = ["sqlite", "mongomock", "postgres"]
SCHEMA = {"className": "_User", "fields": {"username": {"type": "String"}, "authData": {"type": "Object"}}}


def _user(object_id: str) -> dict:
    return {"objectId": object_id, "createdAt": "2024-05-01T12:00:00.000Z", "updatedAt": "2024-05-01T12:00:00.000Z",
            "username": object_id, "authData": {"anonymous": {"id": "same-device"}}}


async def _second_user_with_the_same_id(backend: str, tmp_path, **options) -> None:
    server = build_server(make_config(databaseOptions=options), make_storage(backend, tmp_path))
    await server.start()
    try:
        schema = await server.schema.get("_User")
        await server.storage.create_object("_User", schema, _user("u1"))
        await server.storage.create_object("_User", schema, _user("u2"))
    finally:
        await server.storage.delete_all_classes()
        await server.stop()


@pytest.mark.parametrize("backend", BACKENDS)
async def test_authdata_ids_are_unique_after_start(backend, tmp_path) -> None:
    with pytest.raises(DuplicateValueError) as err:
        await _second_user_with_the_same_id(backend, tmp_path)
    error = duplicate_error("_User", err.value)
    assert (error.code, error.message) == (ParseError.ACCOUNT_ALREADY_LINKED, "this auth is already used")


@pytest.mark.parametrize("backend", BACKENDS)
async def test_the_switch_turns_it_off(backend, tmp_path) -> None:
    await _second_user_with_the_same_id(backend, tmp_path, createIndexAuthDataUniqueness=False)


def test_which_providers() -> None:
    assert auth_data_providers(make_config()) == ["anonymous"]
    assert auth_data_providers(make_config(auth={"facebook": {}, "apple": {}})) == ["facebook", "apple", "anonymous"]
    assert auth_data_providers(make_config(auth={"facebook": {}}, enableAnonymousUsers=False)) == ["facebook"]


def test_other_duplicates_stay_137() -> None:
    error = duplicate_error("_User", DuplicateValueError(["username"]))
    assert (error.code, error.message) == (137, "A duplicate value for a field with unique values was provided")
