"""databaseOptions.schemaCacheTtl: the schema cache is reread from storage once it is that many seconds old
(a field another instance added appears without an invalidation); unset, it stays until invalidated."""

from __future__ import annotations

import pytest

from parse_clone.core.schema import controller as controller_module
from parse_clone.core.schema.controller import SchemaController
from parse_clone.storage.database_options import schema_cache_ttl
from parse_clone.storage.sqlite import SQLiteAdapter

VISIT = {"className": "Visit", "fields": {"minutes": {"type": "Number"}}, "classLevelPermissions": None}


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
async def storage(tmp_path):
    adapter = SQLiteAdapter(str(tmp_path / "ttl.sqlite3"))
    await adapter.connect()
    yield adapter
    await adapter.close()


@pytest.fixture
def clock(monkeypatch) -> _Clock:
    fake = _Clock()
    monkeypatch.setattr(controller_module.time, "monotonic", fake.monotonic)
    return fake


async def test_a_field_added_elsewhere_shows_once_the_ttl_passed(storage, clock) -> None:
    await storage.create_class("Visit", VISIT)
    schemas = SchemaController(storage, cache_ttl_s=30)
    assert "room" not in (await schemas.get("Visit"))["fields"]
    await storage.add_field_if_not_exists("Visit", "room", {"type": "String"})  # another instance did it
    clock.now += 29
    assert "room" not in (await schemas.get("Visit"))["fields"]
    clock.now += 1
    assert (await schemas.get("Visit"))["fields"]["room"] == {"type": "String"}


async def test_without_a_ttl_the_cache_stays(storage, clock) -> None:
    await storage.create_class("Visit", VISIT)
    schemas = SchemaController(storage)
    assert "room" not in (await schemas.get("Visit"))["fields"]
    await storage.add_field_if_not_exists("Visit", "room", {"type": "String"})
    clock.now += 10 ** 9
    assert "room" not in (await schemas.get("Visit"))["fields"]
    schemas.invalidate("Visit")
    assert (await schemas.get("Visit"))["fields"]["room"] == {"type": "String"}


async def test_a_class_made_elsewhere_is_looked_up_at_once(storage, clock) -> None:
    """As Parse Server: a class the cache lacks is read from the database, TTL or not."""
    schemas = SchemaController(storage)
    assert await schemas.get("Visit") is None
    await storage.create_class("Visit", VISIT)
    assert (await schemas.get("Visit"))["fields"]["minutes"] == {"type": "Number"}


@pytest.mark.parametrize(("value", "expected"), [(None, None), (0, 0.0), (30, 30.0), (1.5, 1.5)])
def test_ttl_values(value, expected) -> None:
    assert schema_cache_ttl(value) == expected


@pytest.mark.parametrize("value", [-1, "30", True, {}])
def test_bad_ttl_values(value) -> None:
    with pytest.raises(ValueError, match="databaseOptions.schemaCacheTtl must be a number of seconds"):
        schema_cache_ttl(value)
