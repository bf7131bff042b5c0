"""The objectId mark: an update by id (writes.py) keeps its statement by the shape of the rest of
the where (its ACL tests), with the id as a parameter found by identity. Reads use the more
general statement_cache.py."""

from __future__ import annotations

from typing import Any

import orjson

from ..base import Where


class IdMark(str):
    """Stands for the objectId in a cached update-by-id statement's parameters (found by identity)."""


ID_MARK = IdMark("objectId")


def with_id_mark(where: Where) -> tuple[Where, str, Any] | None:
    """For an update by id, alone or in a top-level $and with ACL tests of plain values: the where with
    the id replaced by the mark, the id, and a hashable shape of the rest; None for other wheres."""
    if len(where) == 1 and type(where.get("objectId")) is str:
        return {"objectId": ID_MARK}, where["objectId"], ()
    branches = where.get("$and")
    if len(where) != 1 or not isinstance(branches, list) or not branches:
        return None
    first = branches[0]
    if not (isinstance(first, dict) and len(first) == 1 and type(first.get("objectId")) is str):
        return None
    try:
        shape = tuple(orjson.dumps(b, option=orjson.OPT_SORT_KEYS) for b in branches[1:])
    except TypeError:
        return None
    return {"$and": [{"objectId": ID_MARK}, *branches[1:]]}, first["objectId"], shape

