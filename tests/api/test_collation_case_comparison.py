"""enableCollationCaseComparison: usernames and emails are compared as the database's collation compares
them (here: exactly), not case-insensitively; no case-insensitive indexes are made (Parse Server's rule)."""

from __future__ import annotations

import pytest

from parse_clone.storage.database_options import effective_database_options


async def test_by_default_case_does_not_make_a_new_username(api) -> None:
    assert (await api.post("/users", {"username": "Ann", "password": "pw"}))[0] == 201
    assert await api.post("/users", {"username": "ann", "password": "pw"}) == (
        400, {"code": 202, "error": "Account already exists for this username."})


@pytest.mark.parametrize("config_overrides", [{"enableCollationCaseComparison": True}])
async def test_with_the_option_the_database_decides(api) -> None:
    assert (await api.post("/users", {"username": "Ann", "password": "pw", "email": "A@x.test"}))[0] == 201
    assert (await api.post("/users", {"username": "ann", "password": "pw", "email": "a@x.test"}))[0] == 201
    assert await api.post("/users", {"username": "ann", "password": "pw"}) == (
        400, {"code": 202, "error": "Account already exists for this username."})


def test_no_case_insensitive_indexes_with_the_option() -> None:
    assert effective_database_options({"maxPoolSize": 3}, True) == {
        "maxPoolSize": 3, "createIndexUserUsernameCaseInsensitive": False,
        "createIndexUserEmailCaseInsensitive": False}
    assert effective_database_options(None, False) == {}
