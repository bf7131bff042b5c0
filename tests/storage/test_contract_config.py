"""Storage contract: the global config (Parse.Config)."""

from __future__ import annotations


async def test_config_is_empty_before_it_is_set(adapter):
    assert await adapter.get_config() == {"params": {}, "masterKeyOnly": {}}


async def test_config_round_trips(adapter):
    params = {"welcome": "hi", "limits": {"max": 5, "tags": ["a", "b"]}, "launch": {"__type": "Date",
                                                                              "iso": "2024-05-01T12:00:00.000Z"}}
    await adapter.set_config(params, {"limits": True})
    assert await adapter.get_config() == {"params": params, "masterKeyOnly": {"limits": True}}


async def test_set_config_replaces_the_config_whole(adapter):
    await adapter.set_config({"a": 1, "b": 2}, {"a": True})
    await adapter.set_config({"c": 3}, {})
    assert await adapter.get_config() == {"params": {"c": 3}, "masterKeyOnly": {}}


async def test_delete_all_classes_clears_the_config(adapter):
    await adapter.set_config({"a": 1}, {})
    await adapter.delete_all_classes()
    assert await adapter.get_config() == {"params": {}, "masterKeyOnly": {}}
