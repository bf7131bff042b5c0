"""How the fast paths of GraphQL execution take each field of a dict source, worked out once per field
node and object type (they depend on the schema and the node alone): which value to read, and whether
it is a leaf to serialize or an object (or a list of objects) whose sub-selection completes at once."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, TypeVar

from graphql import (FieldNode, FragmentDefinitionNode, GraphQLFloat, GraphQLInterfaceType, GraphQLLeafType,
                     GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLUnionType, Undefined,
                     is_leaf_type)
from graphql.execution.collect_fields import collect_sub_fields

MISS = object()  # what a fast path answers when the general path must take the field
MAX_SAFE_INT = 2 ** 53
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
    if -MAX_SAFE_INT < value < MAX_SAFE_INT:
        return int(value)
    return int(Decimal(repr(value))) if abs(value) < 1e21 else value


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


def leaf_value(plan: FieldPlan, value: Any) -> Any:
    """The serialized value of a leaf field, or MISS (the general path then reports any error)."""
    if value is None:
        return MISS if plan.non_null else None
    try:
        serialized = plan.leaf.serialize(value)  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001 - the general path runs it again and reports it
        return MISS
    if serialized is None or serialized is Undefined:
        return MISS
    return js_float(serialized) if plan.leaf is GraphQLFloat else serialized


def runtime_type(schema: GraphQLSchema, field_type: Any, value: dict) -> GraphQLObjectType | None:
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


class PlannedFields(dict):
    """The fields collected below a node for one object type, with (response name, nodes, plan) of each;
    `complete`, its compiled completer (completion.py): UNSET until worked out, None when it has none."""

    __slots__ = ("plans", "complete")
    plans: list[tuple[str, list[FieldNode], FieldPlan]]
    complete: Any


UNSET = object()


def subfields_key(return_type: GraphQLObjectType, field_nodes: list[FieldNode]) -> tuple[Any, ...]:
    """The key of the fields collected below `field_nodes` (the ids of the nodes, as graphql-core's)."""
    return (return_type, id(field_nodes[0])) if len(field_nodes) == 1 else (return_type, *map(id, field_nodes))


def planned_fields(schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode], variables: dict[str, Any],
                   return_type: GraphQLObjectType, field_nodes: list[FieldNode],
                   plans: dict[tuple[GraphQLObjectType, int], FieldPlan]) -> PlannedFields:
    """The fields collected below `field_nodes` for `return_type`, each with its plan (kept in `plans`)."""
    found = PlannedFields(collect_sub_fields(schema, fragments, variables, return_type, field_nodes))
    found.plans = [(name, nodes, plans.get((return_type, id(nodes[0])))
                    or plans.setdefault((return_type, id(nodes[0])), plan_field(return_type, nodes[0])))
                   for name, nodes in found.items()]
    found.complete = UNSET
    return found
