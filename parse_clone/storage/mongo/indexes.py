"""Indexes as Parse Server creates and names them, and MongoDB index facts in stored-form names."""

from __future__ import annotations

import re
from typing import Any

from pymongo.errors import DuplicateKeyError

from ..base import DuplicateValueError
from .transform import stored_key

CASE_INSENSITIVE = {"locale": "en_US", "strength": 2}

# What Parse Server's DatabaseController creates at start-up: (class, keys, options).
STARTUP_INDEXES: list[tuple[str, list[tuple[str, Any]], dict[str, Any]]] = [
    ("_User", [("username", 1)], {"unique": True, "sparse": True}),
    ("_User", [("email", 1)], {"unique": True, "sparse": True}),
    ("_User", [("username", 1)], {"name": "case_insensitive_username", "sparse": True, "collation": CASE_INSENSITIVE}),
    ("_User", [("email", 1)], {"name": "case_insensitive_email", "sparse": True, "collation": CASE_INSENSITIVE}),
    ("_User", [("_email_verify_token", 1)], {"name": "_email_verify_token", "sparse": True}),
    ("_User", [("_perishable_token", 1)], {"name": "_perishable_token", "sparse": True}),
    ("_Role", [("name", 1)], {"unique": True, "sparse": True}),
    ("_Idempotency", [("reqId", 1)], {"unique": True, "sparse": True}),
    ("_Idempotency", [("expire", 1)], {"name": "ttl", "expireAfterSeconds": 0, "sparse": True}),
]

NO_GEO_INDEX = re.compile(r"unable to find index for \$geoNear|\$geoNear requires .*index", re.I)
NO_TEXT_INDEX = re.compile(r"text index required", re.I)
_INDEX_IN_MESSAGE = re.compile(r"index: (?:\S+\$)?(\S+?)_-?1\b")


def spec_from_index_info(index: dict[str, Any]) -> dict[str, Any]:
    """One `index_information()` entry as ``{field: direction}`` (stored names; text as ``"text"``)."""
    spec: dict[str, Any] = {}
    for key, direction in index.get("key", []):
        if key in ("_fts", "_ftsx"):
            continue  # a real text index: its fields are the weights
        spec[key if key == "_id" else stored_key(key)] = direction
    for key in index.get("weights") or {}:
        spec[stored_key(key)] = "text"
    return spec


def duplicate_value(error: DuplicateKeyError) -> DuplicateValueError:
    """DuplicateValueError naming the fields of the index MongoDB reported (stored names)."""
    pattern = (error.details or {}).get("keyPattern") or {}
    fields = [stored_key(k) for k in pattern]
    if not fields:
        match = _INDEX_IN_MESSAGE.search(str(error))
        fields = [stored_key(match.group(1))] if match else []
    return DuplicateValueError(fields)
