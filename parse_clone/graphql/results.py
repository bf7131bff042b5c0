"""How GraphQL answers are shaped: Parse's code in extensions.code, Apollo's codes for requests that
never ran (parse, validation, variables), and the validation rules every document is checked with."""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError
from graphql.validation import specified_rules

from ..errors import ParseError, Unauthorized
from .limits import QueryLimitsRule

log = logging.getLogger("parse_clone.graphql")

RULES = (*specified_rules, QueryLimitsRule)


class BadRequest(Exception):
    """A request that is not a GraphQL request: answered 400 with one error."""


def format_error(error: GraphQLError) -> dict[str, Any]:
    """A GraphQL error as Parse Server answers it: Parse's code in extensions.code."""
    out: dict[str, Any] = {"message": error.message}
    if error.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        out["path"] = list(error.path)
    original = error.original_error
    if isinstance(original, ParseError):
        out["message"] = original.message
        out["extensions"] = {"code": original.code}
    elif isinstance(original, Unauthorized):
        out["message"] = original.message
        out["extensions"] = {"code": ParseError.OPERATION_FORBIDDEN}
    elif original is not None and not isinstance(original, GraphQLError):
        log.error("uncaught error in a GraphQL resolver", exc_info=original)
        out["message"] = "Internal server error"
        out["extensions"] = {"code": ParseError.INTERNAL_SERVER_ERROR}
    elif error.extensions:
        out["extensions"] = dict(error.extensions)
    return out


def failure(errors: list[GraphQLError], code: str, status: int = 400) -> tuple[dict[str, Any], int]:
    """A request that did not run: every error carries `code` (e.g. GRAPHQL_VALIDATION_FAILED)."""
    return {"errors": [{**format_error(e), "extensions": {"code": code}} for e in errors]}, status
