"""/aggregate/:className (master key)."""

from __future__ import annotations

from ...core.query.aggregate import aggregate
from ...errors import ParseError
from ...core.runtime.server import Server
from ..request import ParseRequest
from ..router import Reply, Router


async def handle(server: Server, req: ParseRequest) -> Reply:
    """GET /aggregate/C with `pipeline`, stage keys, or `distinct` + `where`."""
    if req.auth.is_read_only and not server.config.allowAggregationForReadOnlyMasterKey:
        raise ParseError(ParseError.OPERATION_FORBIDDEN,
                         "Cannot run an aggregation pipeline when using the readOnlyMasterKey")
    return Reply(await aggregate(server, req.params["className"], req.options()))


def register(router: Router) -> None:
    """Mount /aggregate."""
    router.add("GET", "/aggregate/:className", handle, master=True)
