"""enableSanitizedErrorResponse (Parse Server 9, on by default): permission and key errors reach the client
as "Permission denied" (same code, same status); the detailed message goes to the server log.

The messages hidden are the ones Parse Server 9 hides: refusals of the read-only master key, of a missing
master key or application id, of an invalid session token, of CLPs, protected fields and
pointer permissions, of client writes to system classes. Everything else (bad input, cloud code errors)
is sent as it is, so a client can still fix its request.
"""

from __future__ import annotations

import logging
import re

log = logging.getLogger("parse_clone.errors")

SANITIZED_MESSAGE = "Permission denied"

_HIDDEN = re.compile("|".join((
    r"read-only masterKey isn't allowed to .+",
    r"Cannot perform a write operation when using readOnlyMasterKey",
    r"unauthorized: master key is required",
    r"master key is required",
    r"Master Key is required to (update|access) GlobalConfig\.",
    r"Invalid application ID\.",
    r"Invalid object ID\.",
    r"Invalid session token",
    r"Insufficient auth\.",
    r"Cannot modify user .+\.",
    r"Clients aren't allowed to perform the .+ operation on the .+ collection\.",
    r"Clients aren't allowed to manually update email verification\.",
    r"Permission denied, user needs to be authenticated\.",
    r"Permission denied for action .+ on class .+\.",
    r"This user is not allowed to access non-existent class: .+",
    r"This user is not allowed to (query|sort by) .+ on class .+",
    r"Route not allowed by routeAllowList: .+",
)))


def client_message(message: str, enabled: bool) -> str:
    """What the client is told for an error `message` (logged when it is hidden)."""
    if enabled and _HIDDEN.fullmatch(message):
        log.info("sanitized error: %s", message)
        return SANITIZED_MESSAGE
    return message
