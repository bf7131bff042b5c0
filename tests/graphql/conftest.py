"""GraphQL-test fixtures: the shared `api` fixture (every backend) with mountGraphQL on, and `gql`."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from parse_clone.core.auth.passwords import PasswordHasher


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    """The GraphQL endpoint is off by default (Parse Server's default): these tests turn it on."""
    return {"mountGraphQL": True}


class GraphQL:
    """POSTs GraphQL requests to /graphql with Parse's headers."""

    def __init__(self, api) -> None:
        self.api = api

    def headers(self, master: bool = False, session: str | None = None) -> dict[str, str]:
        return self.api.headers(master=master, session=session)

    async def raw(self, body: Any, headers: dict[str, str] | None = None, method: str = "POST",
                  params: dict[str, str] | None = None) -> tuple[int, Any]:
        """Any request to /graphql: (status, decoded JSON body)."""
        data = orjson.dumps(body) if body is not None and not isinstance(body, (bytes, str)) else body
        resp = await self.api.client.request(method, "/graphql", data=data, params=params,
                                             headers=headers if headers is not None else self.headers())
        text = await resp.text()
        return resp.status, (orjson.loads(text) if text else None)

    async def __call__(self, query: str, variables: dict[str, Any] | None = None, *, master: bool = False,
                       session: str | None = None) -> dict[str, Any]:
        """The response body of an operation answered 200."""
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        status, payload = await self.raw(body, self.headers(master=master, session=session))
        assert status == 200, payload
        return payload

    async def data(self, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        """The `data` of an operation that must succeed."""
        payload = await self(query, variables, **kw)
        assert "errors" not in payload, payload["errors"]
        return payload["data"]


@pytest.fixture
def gql(api) -> GraphQL:
    """A GraphQL client on a fresh server (cheap bcrypt, as the API tests)."""
    api.server.extras["password_hasher"] = PasswordHasher(rounds=4)
    return GraphQL(api)
