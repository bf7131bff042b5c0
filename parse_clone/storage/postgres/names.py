"""Names and column types of Parse Server's PostgreSQL layout.

Each class is a table named after it; each field a column typed from its Parse type
(Parse Server's `parseTypeToPostgresType`); ACLs are the ``_rperm`` / ``_wperm`` text[]
columns; relations live in ``"_Join:<field>:<class>"`` tables (``relatedId``, ``owningId``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

SCHEMA_TABLE = '"_SCHEMA"'
CONFIG_CLASS = "_GlobalConfig"
PERM_COLUMNS = ("_rperm", "_wperm")
TIMESTAMP_COLUMNS = ("createdAt", "updatedAt")

# Parse type -> PostgreSQL column type, as Parse Server creates them.
PG_TYPES = {
    "String": "text", "Date": "timestamp with time zone", "Object": "jsonb", "File": "text",
    "Boolean": "boolean", "Pointer": "text", "Number": "double precision", "GeoPoint": "point",
    "Bytes": "jsonb", "Polygon": "polygon", "Array": "jsonb",
}

# Columns Parse Server gives every `_User` table beyond the schema's fields.
USER_EXTRA_COLUMNS = {
    "_hashed_password": "text",
    "_email_verify_token_expires_at": "timestamp with time zone",
    "_email_verify_token": "text",
    "_account_lockout_expires_at": "timestamp with time zone",
    "_failed_login_count": "double precision",
    "_perishable_token": "text",
    "_perishable_token_expires_at": "timestamp with time zone",
    "_password_changed_at": "timestamp with time zone",
    "_password_history": "jsonb",
}

# Column kinds the query translator works with, by PostgreSQL type.
KINDS = {
    "text": "text", "character varying": "text", "double precision": "number", "boolean": "boolean",
    "timestamp with time zone": "date", "jsonb": "json", "text[]": "perm", "point": "point",
    "polygon": "polygon",
}


def quote_ident(name: str) -> str:
    """A double-quoted SQL identifier (class, field and index names keep their case)."""
    return '"' + name.replace('"', '""') + '"'


def join_table(owner_class: str, field_name: str) -> str:
    """Parse Server's relation table name, `_Join:<field>:<owner class>`."""
    return f"_Join:{field_name}:{owner_class}"


@lru_cache(maxsize=256)  # a handful of column types, asked for every value written or read
def column_kind(pg_type: str) -> str:
    """The translator's kind for a column type ("json" for anything unusual)."""
    base = pg_type.split("(", 1)[0].strip()
    return KINDS.get(base, "json")


def pg_type_for(field_name: str, ftype: dict[str, Any] | None) -> str | None:
    """The column type for a field: from its Parse type (jsonb outside the schema); None for no column."""
    if field_name in PERM_COLUMNS:
        return "text[]"
    if field_name in TIMESTAMP_COLUMNS:
        return "timestamp with time zone"
    if field_name == "objectId":
        return "text"
    if ftype is not None:
        kind = ftype.get("type")
        if kind in ("Relation", "ACL"):
            return None
        if kind == "Array" and (ftype.get("contents") or {}).get("type") == "String":
            return "text[]"
        if kind in PG_TYPES:
            return PG_TYPES[kind]
    if field_name in USER_EXTRA_COLUMNS:
        return USER_EXTRA_COLUMNS[field_name]
    return "jsonb"  # a field outside the schema may hold values of any kind


def index_name(class_name: str, name: str) -> str:
    """The PostgreSQL name of a named index (prefixed: index names are global to a PostgreSQL schema)."""
    return f"{class_name}_{name}"[:63]


def unique_index_name(class_name: str, field_names: list[str]) -> str:
    """Parse Server's name for a unique index: `<class>_unique_<sorted fields joined by _>`."""
    return f"{class_name}_unique_{'_'.join(sorted(f.replace('.', '_') for f in field_names))}"[:63]


def mongo_index_name(spec: dict[str, Any]) -> str:
    """MongoDB's default name for an index spec (`a_1_b_-1`)."""
    return "_".join(f"{k}_{v}" for k, v in spec.items())
