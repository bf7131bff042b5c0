"""Small helpers for Parse's value types: dates, ids, typed JSON values."""

from __future__ import annotations

import secrets
import string
from datetime import datetime, timezone
from typing import Any

_ID_ALPHABET = string.ascii_letters + string.digits
# A random byte b < 248 (= 4 * 62) stands for _ID_ALPHABET[b % 62], so each character is equally
# likely; bytes.translate maps them all at once and drops the others.
_ID_BYTES = bytes(ord(_ID_ALPHABET[b % 62]) if b < 248 else 0 for b in range(256))
_ID_SKIPPED = bytes(range(248, 256))


def new_object_id(size: int = 10) -> str:
    """A random objectId of `size` characters from [A-Za-z0-9] (uniform: bytes >= 248 are skipped)."""
    out = b""
    while len(out) < size:
        out += secrets.token_bytes(size + 8).translate(_ID_BYTES, _ID_SKIPPED)
    return out[:size].decode()


def new_session_token() -> str:
    """A revocable session token: "r:" + 32 lowercase hex characters."""
    return "r:" + secrets.token_hex(16)


def to_iso(dt: datetime) -> str:
    """Parse's ISO form: UTC with milliseconds and a Z."""
    if dt.tzinfo is not None and dt.tzinfo is not timezone.utc:
        dt = dt.astimezone(timezone.utc)
    return dt.isoformat(timespec="milliseconds")[:23] + "Z"  # without the +00:00 of an aware time


def now_iso() -> str:
    """The current time in Parse's ISO form."""
    return to_iso(datetime.now(timezone.utc))


def parse_iso(text: str) -> datetime | None:
    """A timezone-aware datetime from an ISO-8601 string, or None if it is not one."""
    if not isinstance(text, str) or not text:
        return None
    value = text.strip()
    if value.endswith("Z") or value.endswith("z"):
        value = value[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt


def normalize_iso(text: str) -> str | None:
    """Any ISO-8601 string rewritten in Parse's exact form, or None if unparseable."""
    dt = parse_iso(text)
    return to_iso(dt) if dt else None


def date_json(iso: str) -> dict[str, str]:
    """A Date value in wire form."""
    return {"__type": "Date", "iso": iso}


def pointer_json(class_name: str, object_id: str) -> dict[str, str]:
    """A Pointer value in wire form (this key order is what MongoDB equality expects)."""
    return {"__type": "Pointer", "className": class_name, "objectId": object_id}


def type_of(value: Any) -> str | None:
    """The `__type` of a typed JSON value, or None."""
    if isinstance(value, dict):
        t = value.get("__type")
        return t if isinstance(t, str) else None
    return None
