"""/config: Parse.Config parameters."""

from __future__ import annotations

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


def register(router: Router) -> None:
    """Mount /config."""
    router.add("GET", "/config", get_config)
    router.add("PUT", "/config", put_config, master=True)
