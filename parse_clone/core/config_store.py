"""Parse.Config: global parameters, some readable only with the master key."""

from __future__ import annotations

from typing import Any

from .errors import ParseError
from .transform import encode_value


async def read(server: Any, is_master: bool) -> dict[str, Any]:
    """The config as GET /config answers it."""
    stored = await server.storage.get_config()
    params = dict(stored.get("params") or {})
    master_only = dict(stored.get("masterKeyOnly") or {})
    params = {k: _decode(v, server) for k, v in params.items()}
    if is_master:
        return {"params": params, "masterKeyOnly": master_only}
    return {"params": {k: v for k, v in params.items() if not master_only.get(k)}}


def _decode(value: Any, server: Any) -> Any:
    if isinstance(value, dict) and value.get("__type") == "File" and "url" not in value:
        return {**value, "url": server.file_url(value["name"])}
    return value


async def update(server: Any, params: Any, master_key_only: Any) -> None:
    """Apply PUT /config changes: set values, `{"__op":"Delete"}` removes, masterKeyOnly flags merge."""
    if params is not None and not isinstance(params, dict):
        raise ParseError(ParseError.INVALID_JSON, "params must be an object")
    if master_key_only is not None and not isinstance(master_key_only, dict):
        raise ParseError(ParseError.INVALID_JSON, "masterKeyOnly must be an object")
    stored = await server.storage.get_config()
    current = dict(stored.get("params") or {})
    flags = dict(stored.get("masterKeyOnly") or {})
    for key, value in (params or {}).items():
        if isinstance(value, dict) and value.get("__op") == "Delete":
            current.pop(key, None)
            flags.pop(key, None)
        else:
            encode_value(value)  # validates; the value is kept as sent (file urls included)
            current[key] = value
    for key, value in (master_key_only or {}).items():
        if value:
            flags[key] = True
        else:
            flags.pop(key, None)
    await server.storage.set_config(current, flags)
