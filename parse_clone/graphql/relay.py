"""Relay vocabulary: global ids, connection cursors, and the GraphQL names of Parse classes."""

from __future__ import annotations

import base64
import binascii

_CURSOR_PREFIX = "arrayconnection:"


def to_global_id(class_name: str, object_id: str) -> str:
    """`GameScore`, `abc` -> base64("GameScore:abc"), as graphql-relay encodes it."""
    return base64.b64encode(f"{class_name}:{object_id}".encode()).decode()


def from_global_id(global_id: str) -> tuple[str, str]:
    """(class name, object id) of a global id; ("", "") when it is not one."""
    if len(global_id) % 4:  # not base64 (a plain objectId is 10 characters): no exception to raise and catch
        return "", ""
    try:
        decoded = base64.b64decode(global_id.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return "", ""
    class_name, sep, object_id = decoded.partition(":")
    return (class_name, object_id) if sep else ("", "")


def object_id_of(value: str, class_name: str) -> str:
    """The object id behind `value`, which may be a global id of `class_name` or a plain object id."""
    found_class, found_id = from_global_id(value)
    return found_id if found_class == class_name else value


def offset_to_cursor(offset: int) -> str:
    """A connection cursor for a position in the result list."""
    return base64.b64encode(f"{_CURSOR_PREFIX}{offset}".encode()).decode()


def cursor_to_offset(cursor: str) -> int | None:
    """The position a cursor stands for, or None when it is not a cursor."""
    try:
        decoded = base64.b64decode(cursor.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not decoded.startswith(_CURSOR_PREFIX):
        return None
    try:
        return int(decoded[len(_CURSOR_PREFIX):])
    except ValueError:
        return None


def graphql_class_name(class_name: str) -> str:
    """`_User` -> `User`, `gameScore` -> `GameScore` (leading underscore dropped, first letter upper)."""
    name = class_name[1:] if class_name.startswith("_") else class_name
    return name[:1].upper() + name[1:]


def lower_first(name: str) -> str:
    """`GameScore` -> `gameScore`."""
    return name[:1].lower() + name[1:]
