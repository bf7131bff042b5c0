"""Completers compiled from plain selections, once per checked document: a function that turns a dict
source (a connection, its edges, their nodes) into the dict graphql-core would answer for it, without
a Path, an awaitable test or a plan lookup per field.

A selection compiles when every field of it takes the fast path of execution.py (read by the default
resolver or a `source_only` one, no arguments, no directives) or is `__typename`, down to its leaves.
A completer answers None when a value is not what it can complete (a value that does not serialize, a
resolver that raises, a non-dict object, a null for a non-null field, a runtime type it cannot name):
the general path then executes that object again, field by field, and reports the errors; the
compiled reads have no side effects, so running them twice changes nothing. Documents with @include
or @skip have no completers (their collected fields depend on the variables)."""

from __future__ import annotations

from typing import Any, Callable

from graphql import (FieldNode, FragmentDefinitionNode, GraphQLBoolean, GraphQLFloat, GraphQLID, GraphQLInt,
                     GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString)

from .field_plans import (MAX_SAFE_INT, MISS, UNSET, FieldPlan, PlannedFields, leaf_value, planned_fields,
                          runtime_type, subfields_key)
from .scalars import SCALARS

Completer = Callable[[dict], "dict | None"]
Step = Callable[[dict], Any]  # a field's completed value from its source, or MISS

_INT_RANGE = range(-2 ** 31, 2 ** 31)
_STRING_OUT = frozenset(SCALARS[name][0] for name in ("Date", "Bytes", "File"))  # answer a str unchanged
_ANY_OUT = SCALARS["Any"][0]  # answers any value unchanged


def _unchanged_class(leaf: Any) -> type | None:
    """The class of the values `leaf` serializes unchanged, when there is one."""
    if leaf is GraphQLString or leaf is GraphQLID or getattr(leaf, "serialize", None) in _STRING_OUT:
        return str
    return bool if leaf is GraphQLBoolean else None


def _leaf_step(plan: FieldPlan) -> Step:
    """A leaf field: its value read and serialized (the commonest classes compared at once)."""
    key, read = plan.key, plan.read
    if key is None:
        def resolved(source: dict) -> Any:
            try:
                value = read(source)  # type: ignore[misc]
            except Exception:  # noqa: BLE001 - the general path runs it again and reports it
                return MISS
            return leaf_value(plan, value)
        return resolved
    if getattr(plan.leaf, "serialize", None) is _ANY_OUT:
        non_null = plan.non_null

        def anything(source: dict) -> Any:
            value = source.get(key)
            return value if value is not None else MISS if non_null else None
        return anything
    unchanged = _unchanged_class(plan.leaf)
    if unchanged is not None:
        def exact(source: dict) -> Any:
            value = source.get(key)
            return value if value.__class__ is unchanged else leaf_value(plan, value)
        return exact
    if plan.leaf is GraphQLFloat:  # an int below 2**53 is a Float that prints as that int (js_float)
        def number(source: dict) -> Any:
            value = source.get(key)
            if value.__class__ is int and -MAX_SAFE_INT < value < MAX_SAFE_INT:
                return value
            return leaf_value(plan, value)
        return number
    if plan.leaf is GraphQLInt:
        def integer(source: dict) -> Any:
            value = source.get(key)
            return value if value.__class__ is int and value in _INT_RANGE else leaf_value(plan, value)
        return integer
    return lambda source: leaf_value(plan, source.get(key))


def _object_step(plan: FieldPlan, complete: Completer, items_non_null: bool | None = None) -> Step:
    """An object field whose value is a dict completed by `complete`; with `items_non_null` (whether
    its items may be null), a list of such dicts."""
    read, non_null = plan.read, plan.non_null

    def completed_items(value: list) -> Any:
        completed = []
        for item in value:
            if item.__class__ is dict:
                done = complete(item)
                if done is None:
                    return MISS
            elif item is None and not items_non_null:
                done = None
            else:
                return MISS
            completed.append(done)
        return completed

    kind = dict if items_non_null is None else list

    def step(source: dict) -> Any:
        try:
            value = read(source)  # type: ignore[misc]
        except Exception:  # noqa: BLE001 - the general path runs it again and reports it
            return MISS
        if value.__class__ is not kind:
            return None if value is None and not non_null else MISS
        if kind is list:
            return completed_items(value)
        done = complete(value)
        return MISS if done is None else done
    return step


class Completers:
    """The compiled completers of one checked document without @include/@skip, sharing its collected
    fields and field plans with its executions (the same keys as ParseExecutionContext's)."""

    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode],
                 subfields: dict[Any, PlannedFields], plans: dict[Any, FieldPlan]) -> None:
        self.schema = schema
        self.fragments = fragments
        self.subfields = subfields
        self.plans = plans

    def of(self, object_type: GraphQLObjectType, fields: PlannedFields) -> Completer | None:
        """The completer of `fields` (collected for `object_type`), or None when they do not compile."""
        complete = fields.complete
        if complete is UNSET:
            fields.complete = None  # a selection never contains itself; this only guards the recursion
            complete = fields.complete = self._compile(object_type, fields)
        return complete

    def _below(self, object_type: GraphQLObjectType, field_nodes: list[FieldNode]) -> Completer | None:
        key = subfields_key(object_type, field_nodes)
        fields = self.subfields.get(key)
        if fields is None:
            fields = self.subfields[key] = planned_fields(self.schema, self.fragments, {}, object_type,
                                                          field_nodes, self.plans)
        return self.of(object_type, fields)

    def _compile(self, object_type: GraphQLObjectType, fields: PlannedFields) -> Completer | None:
        steps: list[tuple[str, Step]] = []
        for name, nodes, plan in fields.plans:
            step = self._step(object_type, nodes, plan)
            if step is None:
                return None
            steps.append((name, step))

        def complete(source: dict) -> dict | None:
            completed = {}
            for name, step in steps:
                value = step(source)
                if value is MISS:
                    return None
                completed[name] = value
            return completed
        return complete

    def _step(self, object_type: GraphQLObjectType, nodes: list[FieldNode], plan: FieldPlan) -> Step | None:
        node = nodes[0]
        if plan.read is None:
            if node.name.value == "__typename" and not node.directives:
                type_name = object_type.name
                return lambda _source: type_name
            return None
        if plan.leaf is not None:
            return _leaf_step(plan)
        field_type = plan.field_type.of_type if plan.non_null else plan.field_type
        if isinstance(field_type, GraphQLList):
            item_type = field_type.of_type
            item_non_null = isinstance(item_type, GraphQLNonNull)
            complete = self._of_type(plan.object_type, item_type.of_type if item_non_null else item_type, nodes)
            return None if complete is None else _object_step(plan, complete, item_non_null)
        complete = self._of_type(plan.object_type, field_type, nodes)
        return None if complete is None else _object_step(plan, complete)

    def _of_type(self, object_type: GraphQLObjectType | None, field_type: Any,
                 nodes: list[FieldNode]) -> Completer | None:
        """The completer of a value of a known object type, or one picking the completer of each value's
        runtime type (an abstract type with a source_only resolve_type)."""
        if object_type is not None:
            return self._below(object_type, nodes)
        if not getattr(getattr(field_type, "resolve_type", None), "source_only", False):
            return None
        resolve_type = field_type.resolve_type
        by_name: dict[str, Completer | None] = {}  # whether a name is a valid runtime type depends on it alone
        schema = self.schema

        def complete(value: dict) -> dict | None:
            try:
                name = resolve_type(value, None, field_type)
            except Exception:  # noqa: BLE001 - the general path runs it again and reports it
                return None
            found = by_name.get(name, UNSET) if name.__class__ is str else None
            if found is UNSET:
                runtime = runtime_type(schema, field_type, value)
                found = by_name[name] = None if runtime is None or runtime.name != name else \
                    self._below(runtime, nodes)
            return None if found is None else found(value)
        return complete
