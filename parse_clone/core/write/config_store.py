"""Parse.Config: global parameters, some readable only with the master key."""

from __future__ import annotations

from typing import Any

from ...language.denylist import check_prohibited_keywords, compile_denylist
from ...errors import ParseError
from ...language.transform import encode_value


async def read(server: Any, is_master: bool) -> dict[str, Any]:
    """The config as GET /config answers it: {params} when nothing was ever stored, else {params,
    masterKeyOnly}; without the master key both leave out the master-key-only params (as Parse Server)."""
    stored = await server.storage.get_config()
    params = dict(stored.get("params") or {})
    master_only = dict(stored.get("masterKeyOnly") or {})
    if not params and not master_only:
        return {"params": {}}  # Parse Server answers a missing _GlobalConfig row so
    params = {k: _decode(v, server) for k, v in params.items()}
    if not is_master:
        params = {k: v for k, v in params.items() if not master_only.get(k)}
        master_only = {k: v for k, v in master_only.items() if not v}
    return {"params": params, "masterKeyOnly": master_only}


def _decode(value: Any, server: Any) -> Any:
    if isinstance(value, dict) and value.get("__type") == "File" and "url" not in value:
        return {**value, "url": server.file_url(value["name"])}
    return value


def _apply_op(key: str, current: Any, op: dict[str, Any]) -> Any:
    """Increment / Add / AddUnique / Remove on one config parameter."""
    kind = op["__op"]
    if kind == "Increment":
        amount = op.get("amount")
        if not isinstance(amount, (int, float)) or isinstance(amount, bool):
            raise ParseError(ParseError.INVALID_JSON, "incrementing must provide a number")
        base = current if isinstance(current, (int, float)) and not isinstance(current, bool) else 0
        return base + amount
    objects = op.get("objects")
    if kind in ("Add", "AddUnique", "Remove") and not isinstance(objects, list):
        raise ParseError(ParseError.INVALID_JSON, "objects to add must be an array")
    items = list(current) if isinstance(current, list) else []
    if kind == "Add":
        return items + objects
    if kind == "AddUnique":
        return items + [o for i, o in enumerate(objects) if o not in items and o not in objects[:i]]
    if kind == "Remove":
        return [i for i in items if i not in objects]
    raise ParseError(ParseError.COMMAND_UNAVAILABLE, f"The {kind} operator is not supported yet.")


async def update(server: Any, params: Any, master_key_only: Any) -> None:
    """Apply PUT /config changes: set values, `{"__op":"Delete"}` removes; each param sent records its
    masterKeyOnly flag (false when not sent), and flags sent for params not in `params` merge."""
    if params is not None and not isinstance(params, dict):
        raise ParseError(ParseError.INVALID_JSON, "params must be an object")
    if master_key_only is not None and not isinstance(master_key_only, dict):
        raise ParseError(ParseError.INVALID_JSON, "masterKeyOnly must be an object")
    check_prohibited_keywords(params, compile_denylist(server.config.requestKeywordDenylist))
    stored = await server.storage.get_config()
    current = dict(stored.get("params") or {})
    flags = dict(stored.get("masterKeyOnly") or {})
    for key, value in (params or {}).items():
        op = value.get("__op") if isinstance(value, dict) else None
        # As Parse Server: each param written (a Delete too) records its flag, false unless sent truthy;
        # a flag sent as {"__op": "Delete"} (the dashboard's, deleting a param) is removed.
        flag = (master_key_only or {}).get(key)
        if isinstance(flag, dict) and flag.get("__op") == "Delete":
            flags.pop(key, None)
        else:
            flags[key] = flag or False
        if op == "Delete":
            current.pop(key, None)
        elif op is not None:
            current[key] = _apply_op(key, current.get(key), value)
        else:
            encode_value(value)  # validates; the value is kept as sent (file urls included)
            current[key] = value
    for key, value in (master_key_only or {}).items():
        if key in (params or {}):
            continue
        if value is True:
            flags[key] = True
        else:
            flags.pop(key, None)
    await server.storage.set_config(current, flags)
