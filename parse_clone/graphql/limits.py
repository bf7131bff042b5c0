"""Validation rules that keep a single GraphQL document from taking the server down: a maximum
selection depth and a maximum number of selected fields (aliases and fragments counted as expanded).
Introspection selections (`__schema`, `__type`) are exempt, so clients can always read the schema."""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
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
