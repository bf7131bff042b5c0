"""requestComplexity on LiveQuery subscriptions: queryDepth and allowRegex, as Parse Server checks them."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import LIVE_CLASSES


@pytest.fixture
def live_query_config() -> dict[str, Any]:
    return {"liveQuery": {"classNames": LIVE_CLASSES}, "requestComplexity": {"queryDepth": 1, "allowRegex": False}}


def refused(message: str, request_id: int) -> dict[str, Any]:
    return {"op": "error", "error": message, "code": 102, "reconnect": False, "requestId": request_id}


async def test_a_subscription_nested_deeper_than_query_depth_is_refused(live):
    sock = await live.socket()
    assert (await sock.subscribe(1, "Job", {"$or": [{"title": "a"}, {"title": "b"}]}))["op"] == "subscribed"
    assert await sock.subscribe(2, "Job", {"$or": [{"$and": [{"title": "a"}]}]}) == refused(
        "Query condition nesting depth exceeds maximum allowed depth of 1", 2)


async def test_a_regex_subscription_is_refused_when_allow_regex_is_false(live):
    sock = await live.socket()
    assert await sock.subscribe(1, "Job", {"$or": [{"title": {"$regex": "^a"}}]}) == refused(
        "$regex operator is not allowed", 1)
    assert (await sock.subscribe(2, "Job", {"title": "a"}))["op"] == "subscribed"
