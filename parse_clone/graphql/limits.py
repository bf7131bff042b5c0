"""Limits on the size of one GraphQL operation.

`QueryLimitsRule`: this server's own ceiling, a validation rule for every caller (MAX_DEPTH nested
selections, MAX_FIELDS selected fields; aliases and fragments counted as expanded, introspection
exempt). `complexity_error`: Parse Server's requestComplexity.graphQLDepth / graphQLFields, checked
per operation for callers without the master or maintenance key (every field counts, the
operation's own fields are at depth 1); the refusal is HTTP 400 with Parse Server's message.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    ValidationContext,
    ValidationRule,
)

MAX_DEPTH = 15
MAX_FIELDS = 2000


def _measure(selection_set: Any, context: ValidationContext, depth: int, seen: frozenset[str],
             totals: dict[str, int]) -> None:
    if selection_set is None:
        return
    for sel in selection_set.selections:
        if isinstance(sel, FieldNode):
            if sel.name.value.startswith("__"):
                continue
            totals["fields"] += 1
            totals["depth"] = max(totals["depth"], depth)
            if totals["fields"] > MAX_FIELDS:
                return
            _measure(sel.selection_set, context, depth + 1, seen, totals)
        elif isinstance(sel, InlineFragmentNode):
            _measure(sel.selection_set, context, depth, seen, totals)
        elif isinstance(sel, FragmentSpreadNode):
            name = sel.name.value
            fragment = context.get_fragment(name)
            if fragment is not None and name not in seen:  # cycles are reported by NoFragmentCycles
                _measure(fragment.selection_set, context, depth, seen | {name}, totals)


class QueryLimitsRule(ValidationRule):
    """Reports an operation deeper than MAX_DEPTH or selecting more than MAX_FIELDS fields."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
        totals = {"fields": 0, "depth": 0}
        _measure(node.selection_set, self.context, 1, frozenset(), totals)
        if totals["depth"] > MAX_DEPTH:
            self.report_error(GraphQLError(
                f"The query exceeds the maximum depth of {MAX_DEPTH} nested selections.", node))
        elif totals["fields"] > MAX_FIELDS:
            self.report_error(GraphQLError(
                f"The query exceeds the maximum complexity of {MAX_FIELDS} selected fields.", node))


def measure_operation(operation: OperationDefinitionNode, document: DocumentNode,
                      stop_at: tuple[int, int] = (-1, -1)) -> tuple[int, int]:
    """(depth, fields) of an operation as Parse Server counts them; stops early past `stop_at`."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    max_depth, max_fields = stop_at
    totals = [0, 0]  # deepest, fields

    def over() -> bool:
        return (max_fields != -1 and totals[1] > max_fields) or (max_depth != -1 and totals[0] > max_depth)

    def visit(selection_set: Any, depth: int, active: frozenset[str]) -> None:
        if selection_set is None or over():
            return
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                totals[1] += 1
                totals[0] = max(totals[0], depth + 1)
                visit(sel.selection_set, depth + 1, active)
            elif isinstance(sel, InlineFragmentNode):
                visit(sel.selection_set, depth, active)
            elif isinstance(sel, FragmentSpreadNode):
                name = sel.name.value
                if name not in active and name in fragments:
                    visit(fragments[name].selection_set, depth, active | {name})

    visit(operation.selection_set, 0, frozenset())
    return totals[0], totals[1]


def complexity_error(operation: OperationDefinitionNode, document: DocumentNode, graphql_depth: int,
                     graphql_fields: int) -> str | None:
    """Parse Server's message when the operation is over graphQLDepth or graphQLFields (-1: off)."""
    if graphql_depth == -1 and graphql_fields == -1:
        return None
    depth, count = measure_operation(operation, document, (graphql_depth, graphql_fields))
    if graphql_depth != -1 and depth > graphql_depth:
        return f"GraphQL query depth of {depth} exceeds maximum allowed depth of {graphql_depth}"
    if graphql_fields != -1 and count > graphql_fields:
        return f"Number of GraphQL fields ({count}) exceeds maximum allowed ({graphql_fields})"
    return None
