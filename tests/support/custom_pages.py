"""pages.customRoutes handlers for tests/account/test_custom_page_routes.py."""

from __future__ import annotations

from typing import Any


async def greeting(req: Any) -> dict[str, Any]:
    """The password-reset success page, with the visitor's name in its params."""
    return {"file": "password_reset_success.html", "query": {"username": req.query.get("name", "guest")}}


def nothing(req: Any) -> None:
    """No page: 404."""
    return None
