"""What graphql-core's ExecutionContext.build works out before each run, derived once per checked document:
the operation to run and the fragments (as build picks them), and the variables' types when every one is
a scalar or an enum, whose values then coerce without the general input coercion. Any case this does
not cover (an unknown operation, a list or input object variable, a missing, null-for-non-null or
invalid value) goes to graphql-core's build, which also reports the errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (DocumentNode, FragmentDefinitionNode, GraphQLLeafType, GraphQLNonNull, GraphQLSchema,
                     OperationDefinitionNode, Undefined, is_leaf_type, type_from_ast)


@dataclass(frozen=True)
class OperationPlan:
    """The operation and fragments of one operation name; `variables`: (name, leaf type, non-null) of
    each variable when all are scalars or enums, else None."""

    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    variables: tuple[tuple[str, GraphQLLeafType, bool], ...] | None


def plan_operation(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None) -> OperationPlan | None:
    """The plan of `operation_name` (None: the document's only operation), or None when build would
    answer an error."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        chosen = operations if len(operations) == 1 else []
    else:
        chosen = [d for d in operations if d.name and d.name.value == operation_name][-1:]
    if not chosen:
        return None
    operation = chosen[0]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    variables: list[tuple[str, GraphQLLeafType, bool]] | None = []
    for definition in operation.variable_definitions or ():
        var_type = type_from_ast(schema, definition.type)
        non_null = isinstance(var_type, GraphQLNonNull)
        leaf = var_type.of_type if non_null else var_type
        if not is_leaf_type(leaf):
            variables = None
            break
        variables.append((definition.variable.name.value, leaf, non_null))  # type: ignore[arg-type]
    return OperationPlan(operation, fragments, None if variables is None else tuple(variables))


def coerce_variables(plan: OperationPlan, inputs: dict[str, Any]) -> dict[str, Any] | None:
    """The coerced variable values, as graphql-core coerces scalars and enums, or None when the general
    coercion must run (it reports what is wrong)."""
    if plan.variables is None:
        return None
    coerced: dict[str, Any] = {}
    for name, leaf, non_null in plan.variables:
        if name not in inputs:
            return None
        value = inputs[name]
        if value is None:
            if non_null:
                return None
            coerced[name] = None
            continue
        try:
            parsed = leaf.parse_value(value)
        except Exception:  # noqa: BLE001 - the general coercion reports it
            return None
        if parsed is Undefined:
            return None
        coerced[name] = parsed
    return coerced
