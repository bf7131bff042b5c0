"""Update forms PostgreSQL applies in one statement: `UPDATE ... SET ... RETURNING`.

Plain values for top-level columns, Increment on a number column (a missing value counts
as 0, as in MongoDB) and Delete become SET clauses. Anything else (dotted keys, array
operators, Increment on jsonb) returns None, and the adapter reads the row FOR UPDATE,
applies the operators in Python and writes the changed columns in the same transaction.
"""

from __future__ import annotations

from typing import Any

from ..base import Update
from .names import column_kind, quote_ident
from .values import to_column
from .where import Params


def set_clauses(update: Update, columns: dict[str, str], fields: dict[str, Any], params: Params) -> list[str] | None:
    """SET clauses for `update`, or None when it needs the read-modify-write path."""
    clauses = []
    for key, change in update.items():
        if "." in key or key == "objectId" or key not in columns:
            return None
        column = quote_ident(key)
        op = change.get("__op") if isinstance(change, dict) else None
        if op is None:
            value = to_column(columns[key], fields.get(key), change)
            clauses.append(f"{column} = {params.add(value, _cast(columns[key]))}")
        elif op == "Delete":
            clauses.append(f"{column} = NULL")
        elif op == "Increment" and column_kind(columns[key]) == "number" and _is_number(change.get("amount")):
            clauses.append(f"{column} = COALESCE({column}, 0) + {params.add(float(change['amount']), 'float8')}")
        else:
            return None
    return clauses


def _cast(pg_type: str) -> str:
    return "text[]" if pg_type == "text[]" else pg_type


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
