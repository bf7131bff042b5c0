"""graphql-core's executor with fast paths for the commonest fields read from a dict by the default
resolver (no arguments, no directives): a scalar, and an object (such as a connection edge's `node`)
whose sub-selection is executed at once. The result is the same; only the ResolveInfo and argument
values the general path builds per field are skipped. Anything else, and any value the fast path
cannot serialize, takes graphql-core's own path (which also reports the errors)."""

from __future__ import annotations

from asyncio import gather
from decimal import Decimal
from types import CoroutineType
from typing import Any

from graphql import (ExecutionContext, FieldNode, GraphQLFloat, GraphQLLeafType, GraphQLList, GraphQLNonNull,
                     GraphQLObjectType, Undefined, is_leaf_type, located_error)
from graphql.pyutils import Path

_PLAIN = frozenset((str, int, float, bool, dict, list, type(None)))
_MISS = object()
_MAX_SAFE_INT = 2 ** 53


def js_float(value: Any) -> Any:
    """A serialized Float as JavaScript prints it (Parse Server's Number fields are GraphQLFloat there):
    an integral value below 1e21 without a fraction (3, not 3.0), past 2**53 with the shortest digits
    that read back as the same double, zero-padded (2**60 prints as 1152921504606847000)."""
    if value.__class__ is not float or not value.is_integer():
        return value
    if -_MAX_SAFE_INT < value < _MAX_SAFE_INT:
        return int(value)
    return int(Decimal(repr(value))) if abs(value) < 1e21 else value


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
    if serialized is None or serialized is Undefined:
        return _MISS
    return js_float(serialized) if leaf is GraphQLFloat else serialized


def _plain_object(field_type: Any) -> GraphQLObjectType | None:
    if isinstance(field_type, GraphQLNonNull):
        field_type = field_type.of_type
    if not isinstance(field_type, GraphQLObjectType) or field_type.is_type_of is not None:
        return None
    return field_type


def _object_field(parent_type: GraphQLObjectType, source: Any, node: FieldNode) -> GraphQLObjectType | None:
    """The object type of a default-resolved field of a dict source holding a dict, or a list of dicts
    (e.g. a connection's edges), whose values are then completed by executing their sub-selection; or None."""
    if type(source) is not dict or node.arguments or node.directives or node.selection_set is None:
        return None
    field_def = parent_type.fields.get(node.name.value)
    if field_def is None or field_def.resolve is not None:
        return None
    value = source.get(node.name.value)
    if type(value) is dict:
        return _plain_object(field_def.type)
    if type(value) is not list or any(type(item) is not dict for item in value):
        return None
    list_type = field_def.type.of_type if isinstance(field_def.type, GraphQLNonNull) else field_def.type
    return _plain_object(list_type.of_type) if isinstance(list_type, GraphQLList) else None


class ParseExecutionContext(ExecutionContext):
    """ExecutionContext whose plain scalar fields skip the general field path."""

    is_awaitable = staticmethod(is_awaitable)

    @staticmethod
    def complete_leaf_value(return_type: GraphQLLeafType, result: Any) -> Any:
        """As graphql-core's, Floats printed as JavaScript prints them."""
        serialized = ExecutionContext.complete_leaf_value(return_type, result)
        return js_float(serialized) if return_type is GraphQLFloat else serialized

    def execute_fields(self, parent_type: GraphQLObjectType, source_value: Any, path: Path | None,
                       fields: dict[str, list[FieldNode]]) -> Any:
        """As graphql-core's, trying the plain-field path first for each field."""
        results: dict[str, Any] = {}
        pending: list[str] = []
        for response_name, field_nodes in fields.items():
            result = _plain_field(parent_type, source_value, field_nodes[0])
            if result is _MISS and (object_type := _object_field(parent_type, source_value, field_nodes[0])):
                result = self._execute_object(parent_type, object_type, source_value, field_nodes,
                                              Path(path, response_name, parent_type.name))
                if is_awaitable(result):
                    pending.append(response_name)
            elif result is _MISS:
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

    def _execute_object(self, parent_type: GraphQLObjectType, object_type: GraphQLObjectType, source: dict,
                        field_nodes: list[FieldNode], path: Path) -> Any:
        """An object (or list of objects) field's completed value, its errors handled as graphql-core's
        execute_field does."""
        return_type = parent_type.fields[field_nodes[0].name.value].type
        value = source[field_nodes[0].name.value]
        try:
            sub = self.collect_subfields(object_type, field_nodes)
            if type(value) is list:
                completed = self._execute_items(return_type, object_type, value, field_nodes, path, sub)
            else:
                completed = self.execute_fields(object_type, value, path, sub)
        except Exception as raw_error:  # noqa: BLE001 - reported as a field error, as the general path does
            self.handle_field_error(located_error(raw_error, field_nodes, path.as_list()), return_type, path)
            return None
        if not is_awaitable(completed):
            return completed

        async def await_completed() -> Any:
            try:
                return await completed
            except Exception as raw_error:  # noqa: BLE001 - as above
                self.handle_field_error(located_error(raw_error, field_nodes, path.as_list()), return_type, path)
                return None
        return await_completed()

    def _execute_items(self, return_type: Any, object_type: GraphQLObjectType, items: list[dict],
                       field_nodes: list[FieldNode], path: Path, sub: dict[str, list[FieldNode]]) -> Any:
        """A list of objects, as complete_list_value: an item's error nulls the item (or, for non-null
        items, raises to the list)."""
        list_type = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
        item_type = list_type.of_type
        completed: list[Any] = []
        pending: list[int] = []
        for index, item in enumerate(items):
            item_path = path.add_key(index, None)
            try:
                value = self.execute_fields(object_type, item, item_path, sub)
            except Exception as raw_error:  # noqa: BLE001 - as graphql-core's complete_list_value
                self.handle_field_error(located_error(raw_error, field_nodes, item_path.as_list()), item_type,
                                        item_path)
                value = None
            if is_awaitable(value):
                pending.append(index)
                value = self._await_item(value, item_type, field_nodes, item_path)
            completed.append(value)
        if not pending:
            return completed

        async def await_items() -> list[Any]:
            for index, value in zip(pending, await gather(*(completed[i] for i in pending))):
                completed[index] = value
            return completed
        return await_items()

    async def _await_item(self, value: Any, item_type: Any, field_nodes: list[FieldNode], item_path: Path) -> Any:
        try:
            return await value
        except Exception as raw_error:  # noqa: BLE001 - as above
            self.handle_field_error(located_error(raw_error, field_nodes, item_path.as_list()), item_type, item_path)
            return None
