"""Update forms PostgreSQL applies in one statement: `UPDATE ... SET ... RETURNING`.

Plain values for top-level columns, Increment on a number column (a missing value counts
as 0, as in MongoDB) and Delete become SET clauses. Anything else (dotted keys, array
operators, Increment on jsonb) has no shape here, and the adapter reads the row FOR UPDATE,
applies the operators in Python and writes the changed columns in the same transaction.

An update's shape (its keys and what each does) decides the SET clauses alone, so the adapter
keeps statements by shape and takes only the values from each update (`set_values`).
"""

from __future__ import annotations

from typing import Any

from ..base import Update
from .names import column_kind, quote_ident
from .values import to_column
from .where import Params

Shape = tuple[tuple[str, str], ...]  # (key, "value" | "delete" | "increment") in the update's order


def update_shape(update: Update, columns: dict[str, str]) -> Shape | None:
    """What each key of `update` does, or None when it needs the read-modify-write path."""
    shape = []
    for key, change in update.items():
        if "." in key or key == "objectId" or key not in columns:
            return None
        op = change.get("__op") if isinstance(change, dict) else None
        if op is None:
            shape.append((key, "value"))
        elif op == "Delete":
            shape.append((key, "delete"))
        elif op == "Increment" and column_kind(columns[key]) == "number" and _is_number(change.get("amount")):
            shape.append((key, "increment"))
        else:
            return None
    return tuple(shape)


def set_clauses(shape: Shape, update: Update, columns: dict[str, str], fields: dict[str, Any],
                params: Params) -> list[str]:
    """The SET clauses of an update of this shape, its values added to `params` in `set_values` order."""
    clauses = []
    values = iter(set_values(shape, update, columns, fields))
    for key, kind in shape:
        column = quote_ident(key)
        if kind == "value":
            clauses.append(f"{column} = {params.add(next(values), _cast(columns[key]))}")
        elif kind == "delete":
            clauses.append(f"{column} = NULL")
        else:
            clauses.append(f"{column} = COALESCE({column}, 0) + {params.add(next(values), 'float8')}")
    return clauses


def set_values(shape: Shape, update: Update, columns: dict[str, str], fields: dict[str, Any]) -> list[Any]:
    """The parameters of the SET clauses of an update of this shape, in clause order."""
    out = []
    for key, kind in shape:
        if kind == "value":
            out.append(to_column(columns[key], fields.get(key), update[key]))
        elif kind == "increment":
            out.append(float(update[key]["amount"]))
    return out


def _cast(pg_type: str) -> str:
    return "text[]" if pg_type == "text[]" else pg_type


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
