"""graphql-core's executor with fast paths for the commonest fields of a dict source without arguments
or directives, read by the default resolver or by a resolver marked `source_only`: a scalar, and an
object or a list of objects (such as a connection's edges, or an Array field's Element items) whose
sub-selection is executed at once; an abstract type's runtime type comes from a `source_only`
resolve_type. The result is the same; only the ResolveInfo and argument values the general path builds
per field are skipped. Anything else, and any value the fast path cannot serialize or type, takes
graphql-core's own path (which also reports the errors)."""

from __future__ import annotations

from asyncio import gather
from dataclasses import dataclass
from decimal import Decimal
from types import CoroutineType
from typing import Any, Callable, TypeVar

from graphql import (DocumentNode, ExecutionContext, FieldNode, GraphQLFloat, GraphQLInterfaceType, GraphQLLeafType,
                     GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLUnionType, Undefined,
                     default_field_resolver, default_type_resolver, is_leaf_type, located_error)
from graphql.execution.collect_fields import collect_sub_fields
from graphql.execution.execute import CollectedErrors
from graphql.pyutils import Path

from .operation_plan import coerce_variables, plan_operation

_PLAIN = frozenset((str, int, float, bool, dict, list, type(None)))
_MISS = object()
_MAX_SAFE_INT = 2 ** 53
F = TypeVar("F", bound=Callable[..., Any])


def source_only(function: F) -> F:
    """Mark a field resolver (or a resolve_type) that reads nothing but its source value: the fast
    paths call it as function(source, None) (resolve_type: (value, None, abstract type))."""
    function.source_only = True  # type: ignore[attr-defined]
    return function


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


@dataclass(frozen=True)
class FieldPlan:
    """How the fast paths take one field node of one object type (derived once, as it depends on the
    schema and the node alone): `read` gets the resolved value from a dict source (None: the general
    path takes the field); `leaf` is the scalar or enum type of a leaf field; `key`, the source key of a
    leaf the default resolver reads (read inline, the commonest case); `object_type`, the object type of
    an object field, or of a list field's items, when it is not abstract (else resolved per value)."""

    read: Callable[[dict], Any] | None
    field_type: Any
    leaf: GraphQLLeafType | None
    non_null: bool
    key: str | None = None
    object_type: GraphQLObjectType | None = None


def _concrete(field_type: Any) -> GraphQLObjectType | None:
    """The object type of a field (or of its list items) known without a value, or None."""
    inner = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    if isinstance(inner, GraphQLList):
        inner = inner.of_type.of_type if isinstance(inner.of_type, GraphQLNonNull) else inner.of_type
    if isinstance(inner, GraphQLObjectType) and inner.is_type_of is None:
        return inner
    return None


def plan_field(parent_type: GraphQLObjectType, node: FieldNode) -> FieldPlan:
    """The fast-path plan of `node` below `parent_type`."""
    field_def = parent_type.fields.get(node.name.value)
    if field_def is None:
        return FieldPlan(None, None, None, False)
    field_type = field_def.type
    non_null = isinstance(field_type, GraphQLNonNull)
    inner = field_type.of_type if non_null else field_type
    leaf = inner if is_leaf_type(inner) and node.selection_set is None else None
    if node.arguments or node.directives or (leaf is None and node.selection_set is None):
        return FieldPlan(None, field_type, leaf, non_null)
    resolve, name = field_def.resolve, node.name.value
    if resolve is None:
        return FieldPlan(lambda source: source.get(name), field_type, leaf, non_null, name if leaf else None,
                         _concrete(field_type))
    if getattr(resolve, "source_only", False):
        return FieldPlan(lambda source: resolve(source, None), field_type, leaf, non_null,
                         object_type=_concrete(field_type))
    return FieldPlan(None, field_type, leaf, non_null)


def _leaf_value(plan: FieldPlan, value: Any) -> Any:
    """The serialized value of a leaf field, or _MISS (the general path then reports any error)."""
    if value is None:
        return _MISS if plan.non_null else None
    try:
        serialized = plan.leaf.serialize(value)  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001 - the general path runs it again and reports it
        return _MISS
    if serialized is None or serialized is Undefined:
        return _MISS
    return js_float(serialized) if plan.leaf is GraphQLFloat else serialized


def _resolved_leaf(plan: FieldPlan, source: dict) -> Any:
    """A leaf field's serialized value through its source_only resolver, or _MISS."""
    try:
        value = plan.read(source)  # type: ignore[misc]
    except Exception:  # noqa: BLE001 - the general path runs it again and reports it
        return _MISS
    return _leaf_value(plan, value)


def _runtime_type(schema: GraphQLSchema, field_type: Any, value: dict) -> GraphQLObjectType | None:
    """The object type `value` completes as: the field's object type, or an abstract type's runtime type
    named by a source_only resolve_type (only when graphql-core would accept it); None otherwise."""
    if isinstance(field_type, GraphQLNonNull):
        field_type = field_type.of_type
    if isinstance(field_type, (GraphQLUnionType, GraphQLInterfaceType)):
        resolve_type = field_type.resolve_type
        if resolve_type is None or not getattr(resolve_type, "source_only", False):
            return None
        try:
            name = resolve_type(value, None, field_type)
        except Exception:  # noqa: BLE001 - the general path runs it again and reports the error
            return None
        found = schema.type_map.get(name) if isinstance(name, str) else None
        if not isinstance(found, GraphQLObjectType) or not schema.is_sub_type(field_type, found):
            return None
        field_type = found
    if not isinstance(field_type, GraphQLObjectType) or field_type.is_type_of is not None:
        return None
    return field_type


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
        object_type = plan.object_type or _runtime_type(schema, plan.field_type, value)
        return None if object_type is None else (value, object_type)
    if type(value) is not list or not is_list:
        return None
    if plan.object_type is not None:
        return (value, [plan.object_type] * len(value)) if all(type(i) is dict for i in value) else None
    types = []
    for item in value:
        item_type = _runtime_type(schema, list_type.of_type, item) if type(item) is dict else None
        if item_type is None:
            return None
        types.append(item_type)
    return value, types


class PlannedFields(dict):
    """The fields collected below a node for one object type, with (response name, nodes, plan) of each."""

    __slots__ = ("plans",)
    plans: list[tuple[str, list[FieldNode], FieldPlan]]


class ParseExecutionContext(ExecutionContext):
    """ExecutionContext whose plain fields (see the module's docstring) skip the general field path."""

    is_awaitable = staticmethod(is_awaitable)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The executions of one checked document share its field plans (they depend on the nodes alone)
        # and, without @include/@skip, the fields collected below each node (else the variables decide).
        self._field_plans: dict[tuple[GraphQLObjectType, int], FieldPlan] = {}
        checked = getattr(self.context_value, "document", None)
        if checked is not None and any(d is self.operation for d in checked.document.definitions):
            self._field_plans = checked.memo.setdefault("field plans", {})
            if not checked.conditional:
                self._subfields_cache = checked.memo.setdefault("subfields", {})

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
        key = (return_type, id(field_nodes[0])) if len(field_nodes) == 1 else (return_type, *map(id, field_nodes))
        found = self._subfields_cache.get(key)
        if found is None:
            found = PlannedFields(collect_sub_fields(self.schema, self.fragments, self.variable_values, return_type,
                                                     field_nodes))
            found.plans = [(name, nodes, self._plan(return_type, nodes[0])) for name, nodes in found.items()]
            self._subfields_cache[key] = found
        return found  # type: ignore[return-value]

    def execute_fields(self, parent_type: GraphQLObjectType, source_value: Any, path: Path | None,
                       fields: dict[str, list[FieldNode]]) -> Any:
        """As graphql-core's, trying the plain-field path first for each field."""
        results: dict[str, Any] = {}
        pending: list[str] = []
        if type(source_value) is not dict:
            entries: Any = ((name, nodes, None) for name, nodes in fields.items())
        elif type(fields) is PlannedFields:
            entries = fields.plans
        else:  # the root fields
            entries = ((name, nodes, self._plan(parent_type, nodes[0])) for name, nodes in fields.items())
        for response_name, field_nodes, plan in entries:
            result = _MISS
            if plan is not None:
                if plan.key is not None:
                    result = _leaf_value(plan, source_value.get(plan.key))
                elif plan.read is None:
                    pass
                elif plan.leaf is not None:
                    result = _resolved_leaf(plan, source_value)
                elif found := _object_value(self.schema, plan, source_value):
                    result = self._execute_object(parent_type, found[0], found[1], field_nodes,
                                                  Path(path, response_name, parent_type.name))
                    if is_awaitable(result):
                        pending.append(response_name)
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
