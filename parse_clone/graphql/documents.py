"""Checked GraphQL documents, cached by query text for one built schema: parsed and validated once, with
what every execution of them would otherwise derive again (whether they introspect, the fields collected
below each selection, the keys and includes of each object selection)."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from graphql import DirectiveNode, DocumentNode, GraphQLError, GraphQLSchema, Visitor, parse, validate, visit
from graphql.language.visitor import BREAK

from .introspection import asks_for_schema
from .results import RULES


class _Conditional(Visitor):
    """Finds an @include or @skip directive, whose outcome may depend on the variables."""

    found = False

    def enter_directive(self, node: DirectiveNode, *_args: Any) -> Any:
        if node.name.value in ("include", "skip"):
            self.found = True
            return BREAK
        return None


def _conditional(document: DocumentNode) -> bool:
    visitor = _Conditional()
    visit(document, visitor)
    return visitor.found


@dataclass
class CheckedDocument:
    """A parsed document and its validation errors. `memo` holds what executions derive from the document
    alone, keyed by the ids of its nodes (valid while the document lives, as the memo lives with it); with
    `conditional` selections (@include/@skip) the fields collected below a node depend on the variables
    and are not kept."""

    document: DocumentNode
    errors: list[GraphQLError]
    introspects: bool
    conditional: bool
    memo: dict[Any, Any] = field(default_factory=dict)


def check_document(schema: GraphQLSchema, source: str) -> CheckedDocument:
    """Parse (GraphQLError on a syntax error) and validate `source` against `schema`."""
    document = parse(source)
    return CheckedDocument(document, validate(schema, document, RULES), asks_for_schema(document),
                           _conditional(document))


class DocumentCache:
    """Checked documents by query text (most recently used kept), for one built schema."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._entries: OrderedDict[str, CheckedDocument] = OrderedDict()

    def get(self, source: str) -> CheckedDocument | None:
        """The checked document of a query seen before, or None."""
        found = self._entries.get(source)
        if found is not None:
            self._entries.move_to_end(source)
        return found

    def put(self, source: str, checked: CheckedDocument) -> None:
        """Remember a checked document."""
        self._entries[source] = checked
        if len(self._entries) > self.size:
            self._entries.popitem(last=False)
