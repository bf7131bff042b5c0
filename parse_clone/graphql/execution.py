"""graphql-core's executor with a fast path for the commonest field: a scalar read from a dict by the
default resolver (no arguments, no sub-selection, no directives). The result is the same; only the
Path and ResolveInfo the general path builds per field are skipped. Anything else, and any value the
fast path cannot serialize, takes graphql-core's own path (which also reports the errors)."""

from __future__ import annotations

from asyncio import gather
from types import CoroutineType
from typing import Any

from graphql import ExecutionContext, FieldNode, GraphQLNonNull, GraphQLObjectType, Undefined, is_leaf_type
from graphql.pyutils import Path

_PLAIN = frozenset((str, int, float, bool, dict, list, type(None)))
_MISS = object()


def is_awaitable(value: Any) -> bool:
    """graphql-core's test, answered at once for the plain values most fields return."""
    kind = type(value)
    if kind in _PLAIN:
        return False
    return kind is CoroutineType or hasattr(value, "__await__")


def _plain_field(parent_type: GraphQLObjectType, source: Any, node: FieldNode) -> Any:
    """The serialized value of a default-resolved scalar field of a dict source, or _MISS."""
    if type(source) is not dict or node.arguments or node.selection_set is not None or node.directives:
        return _MISS
    field_def = parent_type.fields.get(node.name.value)
    if field_def is None or field_def.resolve is not None:
        return _MISS
    field_type = field_def.type
    non_null = isinstance(field_type, GraphQLNonNull)
    leaf = field_type.of_type if non_null else field_type
    if not is_leaf_type(leaf):
        return _MISS
    value = source.get(node.name.value)
    if value is None:
        return _MISS if non_null else None
    try:
        serialized = leaf.serialize(value)  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001 - the general path reports it
        return _MISS
    return _MISS if serialized is None or serialized is Undefined else serialized


class ParseExecutionContext(ExecutionContext):
    """ExecutionContext whose plain scalar fields skip the general field path."""

    is_awaitable = staticmethod(is_awaitable)

    def execute_fields(self, parent_type: GraphQLObjectType, source_value: Any, path: Path | None,
                       fields: dict[str, list[FieldNode]]) -> Any:
        """As graphql-core's, trying the plain-field path first for each field."""
        results: dict[str, Any] = {}
        pending: list[str] = []
        for response_name, field_nodes in fields.items():
            result = _plain_field(parent_type, source_value, field_nodes[0])
            if result is _MISS:
                result = self.execute_field(parent_type, source_value, field_nodes,
                                            Path(path, response_name, parent_type.name))
                if result is Undefined:
                    continue
                if is_awaitable(result):
                    pending.append(response_name)
            results[response_name] = result
        if not pending:
            return results

        async def get_results() -> dict[str, Any]:
            if len(pending) == 1:  # one awaitable (a root field): awaited in place, no task for gather
                results[pending[0]] = await results[pending[0]]
            else:
                results.update(zip(pending, await gather(*(results[name] for name in pending))))
            return results

        return get_results()
