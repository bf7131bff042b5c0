"""/config: Parse.Config parameters; /graphql-config: the GraphQL config (parseGraphQLConfig)."""

from __future__ import annotations

from ...core.schema.graphql_config import graphql_config
from ...core.write import config_store
from ...errors import ParseError
from ...core.runtime.server import Server
from ..request import ParseRequest
from ..router import Reply, Router


async def get_config(server: Server, req: ParseRequest) -> Reply:
    """GET /config: params (masterKeyOnly ones only for the master key)."""
    return Reply(await config_store.read(server, req.auth.is_master or req.auth.is_maintenance))


async def put_config(server: Server, req: ParseRequest) -> Reply:
    """PUT /config: change params (master key)."""
    if req.auth.is_read_only:
        raise ParseError(ParseError.OPERATION_FORBIDDEN, "read-only masterKey isn't allowed to update the config.")
    body = req.body if isinstance(req.body, dict) else {}
    await config_store.update(server, body.get("params"), body.get("masterKeyOnly"))
    return Reply({"result": True})


async def get_graphql_config(server: Server, req: ParseRequest) -> Reply:
    """GET /graphql-config: the stored GraphQL config itself (master key)."""
    return Reply(await graphql_config(server).get())


async def put_graphql_config(server: Server, req: ParseRequest) -> Reply:
    """PUT /graphql-config {"params": {...}}: replace the GraphQL config (master key). The answer is
    Parse Server's, {"response": {"result": true}}; an invalid config is refused with 107 (Parse Server
    answers 500 there)."""
    if req.auth.is_read_only:
        raise ParseError(ParseError.OPERATION_FORBIDDEN,
                         "read-only masterKey isn't allowed to update the GraphQL config.")
    body = req.body if isinstance(req.body, dict) else {}
    params = body.get("params")
    await graphql_config(server).put({} if params in (None, False, 0, "") else params)  # JS's `params || {}`
    return Reply({"response": {"result": True}})


def register(router: Router) -> None:
    """Mount /config and /graphql-config."""
    router.add("GET", "/config", get_config)
    router.add("PUT", "/config", put_config, master=True)
    router.add("GET", "/graphql-config", get_graphql_config, master=True)
    router.add("PUT", "/graphql-config", put_graphql_config, master=True)
