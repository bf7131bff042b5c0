"""graphql-core's executor with fast paths for the commonest fields of a dict source without arguments
or directives, read by the default resolver or by a resolver marked `source_only` (field_plans.py): a
scalar, and an object or a list of objects (such as a connection's edges, or an Array field's Element
items) whose sub-selection is executed at once; an abstract type's runtime type comes from a
`source_only` resolve_type. An object whose whole selection is of such fields is completed by the
document's compiled completer (completion.py). The result is the same; only the ResolveInfo and
argument values the general path builds per field are skipped. Anything else, and any value the fast
path cannot serialize or type, takes graphql-core's own path (which also reports the errors)."""

from __future__ import annotations

from asyncio import gather
from types import CoroutineType
from typing import Any

from graphql import (DocumentNode, ExecutionContext, FieldNode, GraphQLFloat, GraphQLLeafType, GraphQLList,
                     GraphQLNonNull, GraphQLObjectType, GraphQLSchema, Undefined, default_field_resolver,
                     default_type_resolver, located_error)
from graphql.execution.execute import CollectedErrors
from graphql.pyutils import Path

from .completion import Completers
from .field_plans import (MISS, FieldPlan, PlannedFields, js_float, leaf_value, plan_field, planned_fields,
                          runtime_type, source_only, subfields_key)
from .operation_plan import coerce_variables, plan_operation

__all__ = ["ParseExecutionContext", "js_float", "source_only"]

_PLAIN = frozenset((str, int, float, bool, dict, list, type(None)))


def is_awaitable(value: Any) -> bool:
    """graphql-core's test, answered at once for the plain values most fields return."""
    kind = type(value)
    if kind in _PLAIN:
        return False
    return kind is CoroutineType or hasattr(value, "__await__")


def _resolved_leaf(plan: FieldPlan, source: dict) -> Any:
    """A leaf field's serialized value through its source_only resolver, or MISS."""
    try:
        value = plan.read(source)  # type: ignore[misc]
    except Exception:  # noqa: BLE001 - the general path runs it again and reports it
        return MISS
    return leaf_value(plan, value)


def _object_value(schema: GraphQLSchema, plan: FieldPlan, source: dict) -> tuple[Any, Any] | None:
    """(value, object types) of a field whose value is a dict or a list of dicts (e.g. a connection's
    edges, an Array's Element items), completed by executing their sub-selection: the object type of a
    dict, or one per item of a list; None when the general path must take it."""
    try:
        value = plan.read(source)  # type: ignore[misc]
    except Exception:  # noqa: BLE001 - the general path runs it again and reports the error
        return None
    list_type = plan.field_type.of_type if plan.non_null else plan.field_type
    is_list = isinstance(list_type, GraphQLList)
    if type(value) is dict and not is_list:
        object_type = plan.object_type or runtime_type(schema, plan.field_type, value)
        return None if object_type is None else (value, object_type)
    if type(value) is not list or not is_list:
        return None
    if plan.object_type is not None:
        return (value, [plan.object_type] * len(value)) if all(type(i) is dict for i in value) else None
    types = []
    for item in value:
        item_type = runtime_type(schema, list_type.of_type, item) if type(item) is dict else None
        if item_type is None:
            return None
        types.append(item_type)
    return value, types


class ParseExecutionContext(ExecutionContext):
    """ExecutionContext whose plain fields (see the module's docstring) skip the general field path."""

    is_awaitable = staticmethod(is_awaitable)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The executions of one checked document share its field plans (they depend on the nodes alone)
        # and, without @include/@skip, the fields collected below each node (else the variables decide).
        # Without them, the selections that compile (completion.py) complete their objects at once.
        self._field_plans: dict[tuple[GraphQLObjectType, int], FieldPlan] = {}
        self._completers: Completers | None = None
        checked = getattr(self.context_value, "document", None)
        if checked is not None and any(d is self.operation for d in checked.document.definitions):
            self._field_plans = checked.memo.setdefault("field plans", {})
            if not checked.conditional:
                self._subfields_cache = checked.memo.setdefault("subfields", {})
                self._completers = checked.memo.get("completers")
                if self._completers is None:
                    self._completers = checked.memo["completers"] = Completers(
                        self.schema, self.fragments, self._subfields_cache, self._field_plans)

    @classmethod
    def build(cls, schema: GraphQLSchema, document: DocumentNode, root_value: Any = None,  # type: ignore[override]
              context_value: Any = None, raw_variable_values: dict[str, Any] | None = None,
              operation_name: str | None = None, field_resolver: Any = None, type_resolver: Any = None,
              subscribe_field_resolver: Any = None, max_coercion_errors: int = 50, middleware: Any = None,
              is_awaitable: Any = None, **options: Any) -> Any:
        """As graphql-core's, with the operation, fragments and (scalar) variable types of a checked
        document worked out once (operation_plan.py); anything else is built by graphql-core's."""
        checked = getattr(context_value, "document", None)
        plan = None
        if checked is not None and checked.document is document and middleware is None:
            key = ("operation", operation_name)
            plan = checked.memo.get(key) or checked.memo.setdefault(key, plan_operation(schema, document,
                                                                                         operation_name))
        coerced = coerce_variables(plan, raw_variable_values or {}) if plan is not None else None
        if plan is None or coerced is None:
            return super().build(schema, document, root_value, context_value, raw_variable_values, operation_name,
                                 field_resolver, type_resolver, subscribe_field_resolver, max_coercion_errors,
                                 middleware, is_awaitable, **options)
        return cls(schema, plan.fragments, root_value, context_value, plan.operation, coerced,
                   field_resolver or default_field_resolver, type_resolver or default_type_resolver,
                   subscribe_field_resolver or default_field_resolver, CollectedErrors(), None, is_awaitable)

    @staticmethod
    def complete_leaf_value(return_type: GraphQLLeafType, result: Any) -> Any:
        """As graphql-core's, Floats printed as JavaScript prints them."""
        serialized = ExecutionContext.complete_leaf_value(return_type, result)
        return js_float(serialized) if return_type is GraphQLFloat else serialized

    def _plan(self, parent_type: GraphQLObjectType, node: FieldNode) -> FieldPlan:
        key = (parent_type, id(node))
        return self._field_plans.get(key) or self._field_plans.setdefault(key, plan_field(parent_type, node))

    def collect_subfields(self, return_type: GraphQLObjectType, field_nodes: list[FieldNode]) -> PlannedFields:
        """As graphql-core's (cached by the ids of the nodes, as there), each field with its plan."""
        key = subfields_key(return_type, field_nodes)
        found = self._subfields_cache.get(key)
        if found is None:
            found = self._subfields_cache[key] = planned_fields(self.schema, self.fragments, self.variable_values,
                                                                return_type, field_nodes, self._field_plans)
        return found  # type: ignore[return-value]

    def execute_fields(self, parent_type: GraphQLObjectType, source_value: Any, path: Path | None,
                       fields: dict[str, list[FieldNode]]) -> Any:
        """As graphql-core's, trying the plain-field path first for each field."""
        results: dict[str, Any] = {}
        pending: list[str] = []
        if type(source_value) is not dict:
            entries: Any = ((name, nodes, None) for name, nodes in fields.items())
        elif type(fields) is PlannedFields:
            complete = self._completers.of(parent_type, fields) if self._completers is not None else None
            if complete is not None:
                completed = complete(source_value)
                if completed is not None:
                    return completed
            entries = fields.plans
        else:  # the root fields
            entries = ((name, nodes, self._plan(parent_type, nodes[0])) for name, nodes in fields.items())
        for response_name, field_nodes, plan in entries:
            result = MISS
            if plan is not None:
                if plan.key is not None:
                    result = leaf_value(plan, source_value.get(plan.key))
                elif plan.read is None:
                    pass
                elif plan.leaf is not None:
                    result = _resolved_leaf(plan, source_value)
                elif found := _object_value(self.schema, plan, source_value):
                    result = self._execute_object(parent_type, found[0], found[1], field_nodes,
                                                  Path(path, response_name, parent_type.name))
                    if is_awaitable(result):
                        pending.append(response_name)
            if result is MISS:
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

    def _execute_object(self, parent_type: GraphQLObjectType, value: Any, types: Any, field_nodes: list[FieldNode],
                        path: Path) -> Any:
        """An object (or list of objects) field's completed value, its errors handled as graphql-core's
        execute_field does."""
        return_type = parent_type.fields[field_nodes[0].name.value].type
        try:
            if type(value) is list:
                completed = self._execute_items(return_type, types, value, field_nodes, path)
            else:
                completed = self.execute_fields(types, value, path, self.collect_subfields(types, field_nodes))
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

    def _execute_items(self, return_type: Any, types: list[GraphQLObjectType], items: list[dict],
                       field_nodes: list[FieldNode], path: Path) -> Any:
        """A list of objects (each of its own runtime type), as complete_list_value: an item's error nulls
        the item (or, for non-null items, raises to the list)."""
        list_type = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
        item_type = list_type.of_type
        completed: list[Any] = []
        pending: list[int] = []
        last_type: GraphQLObjectType | None = None
        for index, (item, object_type) in enumerate(zip(items, types)):
            item_path = path.add_key(index, None)
            try:
                if object_type is not last_type:
                    sub, last_type = self.collect_subfields(object_type, field_nodes), object_type
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
