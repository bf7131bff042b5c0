"""What every resolver receives: the server, the caller's Auth (from the same key and session checks as
REST), the outer request, the class models of the schema being executed, and the checked document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ParseError, Unauthorized
from ..http.request import ParseRequest

if TYPE_CHECKING:
    from ..core.runtime.auth import Auth
    from ..core.runtime.server import Server
    from .documents import CheckedDocument
    from .model import ClassModel


@dataclass
class GraphQLContext:
    """The per-request context of a GraphQL execution."""

    server: "Server"
    auth: "Auth"
    request: ParseRequest
    models: dict[str, "ClassModel"]
    document: "CheckedDocument | None" = None  # the executed document, whose memo resolvers may share

    def memo(self) -> dict[Any, Any] | None:
        """What executions of this document derive from it alone (None: nothing is kept)."""
        return self.document.memo if self.document is not None else None

    def require_master(self) -> None:
        """119 unless the master key was given (schema operations)."""
        if not self.auth.is_master:
            raise ParseError(ParseError.OPERATION_FORBIDDEN, "unauthorized: master key is required")

    async def rest(self, method: str, path: str, body: Any = None) -> Any:
        """Run one REST route in-process with this request's credentials, as /batch runs its sub-requests;
        an error reply is raised as the ParseError it carries."""
        pipeline = self.server.extras["pipeline"]
        outer = self.request
        sub = ParseRequest(method, path, body if body is not None else {}, {}, outer.info, outer.headers,
                           auth=self.auth, mount_prefix=outer.mount_prefix)
        try:
            reply = await pipeline.dispatch(sub, authenticate=False)
        except Unauthorized as exc:
            raise ParseError(ParseError.OPERATION_FORBIDDEN, exc.message) from None
        if reply.status >= 400:
            payload = reply.body if isinstance(reply.body, dict) else {}
            raise ParseError(int(payload.get("code", ParseError.INTERNAL_SERVER_ERROR)),
                             str(payload.get("error", "Internal server error")))
        return reply.body
