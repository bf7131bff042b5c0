"""SQL spellings for the SQLite backend: quoted identifiers, JSON paths, index expressions.

Every expression that an index is built on is produced here, and the where
translation uses the same functions: SQLite only uses an expression index when the
query spells the expression exactly as the index does.
"""

from __future__ import annotations

import re
from typing import Any

# Stored-form keys kept in their own columns rather than in the `doc` JSON.
COLUMNS = ("objectId", "createdAt", "updatedAt")
# ACL arrays: always lists (or absent), whatever the schema says.
ACL_FIELDS = ("_rperm", "_wperm")

SCHEMA_TABLE = "_SCHEMA"
JOIN_TABLE = "_JOIN"
INDEX_TABLE = "_INDEXES"
CONFIG_TABLE = "_CONFIG"
INTERNAL_TABLES = (SCHEMA_TABLE, JOIN_TABLE, INDEX_TABLE, CONFIG_TABLE)

_BARE_SEGMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_JOIN_CLASS = re.compile(r"^_Join:([^:]+):(.+)$")


def quote_ident(name: str) -> str:
    """A table or index name as a quoted SQL identifier (class names hold ':' and '_')."""
    return '"' + name.replace('"', '""') + '"'


def json_path(key: str) -> str | None:
    """A dotted where/update key as a SQLite JSON path, or None when no path can say it.

    Digit-only segments are refused: MongoDB reads `a.0` as an array index or an
    object key depending on the data, which a static path cannot express.
    """
    parts = ["$"]
    for seg in key.split("."):
        if _BARE_SEGMENT.match(seg):
            parts.append(seg)
        elif seg and not seg.isdigit() and not any(c in seg for c in "\"'\\"):
            parts.append(f'"{seg}"')
        else:
            return None
    return ".".join(parts)


def extract(path: str, sub: str = "") -> str:
    """SQL reading the value at `path` (+ `sub`, e.g. ".iso") of the doc column."""
    return f"json_extract(doc, '{path}{sub}')"


def json_type(path: str) -> str:
    """SQL giving the JSON type at `path` ('text', 'integer', ..., NULL when missing)."""
    return f"json_type(doc, '{path}')"


def field_type(fields: dict[str, Any], key: str) -> str | None:
    """The schema type of a top-level field ("Array" for the ACL arrays), or None."""
    if key in ACL_FIELDS:
        return "Array"
    f = fields.get(key)
    t = f.get("type") if isinstance(f, dict) else None
    return t if isinstance(t, str) else None


def value_exprs(key: str, ftype: str | None) -> list[str] | None:
    """What an index on (or an ORDER BY of) a field is built from, by schema type."""
    if key in COLUMNS:
        return [quote_ident(key)]
    path = json_path(key)
    if path is None:
        return None
    if ftype == "Pointer":
        return [extract(path, ".objectId"), extract(path, ".className")]
    if ftype == "Date":
        return [extract(path, ".iso")]
    return [extract(path)]


def sqlite_index_name(class_name: str, name: str) -> str:
    """SQLite index names are global to the database, so they carry the class."""
    return f"idx:{class_name}:{name}"


def join_class_parts(class_name: str) -> tuple[str, str] | None:
    """`_Join:<field>:<OwningClass>` -> (owning class, field); None for other names."""
    m = _JOIN_CLASS.match(class_name)
    return (m.group(2), m.group(1)) if m else None
