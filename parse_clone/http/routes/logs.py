"""GET /scriptlog: the server's log lines, as Parse Dashboard's Logs page reads them (master key only).

The lines come from the files under logsFolder (logs/query.py); with file logging off the answer
is an empty list, since a console-only server keeps no lines to read back.
"""

from __future__ import annotations

from ...core.runtime.server import Server
from ...logs.query import log_query, read_logs
from ...logs.setup import logs_folder
from ..request import ParseRequest
from ..router import Reply, Router


async def script_log(server: Server, req: ParseRequest) -> Reply:
    """An array of {level, message, timestamp, ...} filtered by level, from, until, size (n) and order."""
    return Reply(read_logs(logs_folder(server.config), log_query(req.query)))


def register(router: Router) -> None:
    """Mount /scriptlog."""
    router.add("GET", "/scriptlog", script_log, master=True)
