"""Translated statements by query shape: a where is translated to SQL once per shape, and later
wheres of that shape only fill in the parameters.

A shape is the where with its plain values taken out: a string or number compared to a field
(`{"f": v}`, `$eq`, `$ne`, `$gt`, `$gte`, `$lt`, `$lte`) or listed in `$in` / `$nin`. Everything
else (null, booleans, typed values, other operators' arguments) stays part of the shape.

On a miss the shape is translated twice, each time with its values replaced by other sentinel
values. A shape is kept only when both translations give the same SQL and every sentinel shows
up as one parameter (or one element of a list parameter) in the same place: the translator
then passes those values through without letting their content change the SQL. Anything else
(a value parsed into a date, wrapped in jsonb, turned into a regex, or a residual for the
in-memory matcher) marks the shape as not cacheable, and it is translated per request as before.
"""

from __future__ import annotations

from typing import Any, Callable

import orjson

from .where import Translation, Where

Build = Callable[[Where], tuple[str, list[Any], Translation]]

_LOGICAL = ("$and", "$or", "$nor")
_VALUE_OPS = frozenset(("$eq", "$ne", "$gt", "$gte", "$lt", "$lte"))
_LIST_OPS = frozenset(("$in", "$nin"))
_PLAIN = (str, int, float)  # exact types: bool (an int) stays part of the shape
_NOT_CACHEABLE = object()
_MAX_ENTRIES = 512
# Shape and exact keys are JSON text: a datetime, dataclass or str/int/dict/list subclass must not
# pass for the JSON value it would be written as (it may translate differently), so it is refused.
_JSON_ONLY = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS


class _Skip(Exception):
    """A where the shape walk does not take apart (a value JSON cannot hold)."""


def _fixed(value: Any) -> bytes:
    try:
        return orjson.dumps(value, option=_JSON_ONLY)
    except TypeError:
        raise _Skip() from None


def _shape(where: Where, values: list[Any], swap: Callable[[Any], Any]) -> tuple[tuple[Any, ...], Where]:
    """The hashable shape of `where` and the where with each plain value replaced by `swap(value)`
    (the values are appended to `values`, in the order the walk meets them)."""
    parts: list[Any] = []
    out: Where = {}
    for key, value in where.items():
        if key in _LOGICAL and type(value) is list and all(type(b) is dict for b in value):
            branches = [_shape(b, values, swap) for b in value]
            parts.append((key, tuple(s for s, _ in branches)))
            out[key] = [b for _, b in branches]
        elif key.startswith("$"):
            parts.append((key, _fixed(value)))
            out[key] = value
        else:
            part, out[key] = _field_shape(value, values, swap)
            parts.append((key, part))
    return tuple(parts), out


def _field_shape(value: Any, values: list[Any], swap: Callable[[Any], Any]) -> tuple[Any, Any]:
    kind = type(value)
    if kind in _PLAIN:
        values.append(value)
        return kind, swap(value)
    if kind is not dict or not value or "__type" in value or not all(k.startswith("$") for k in value):
        return _fixed(value), value
    parts: list[Any] = []
    out: dict[str, Any] = {}
    for op, arg in value.items():
        if op in _VALUE_OPS and type(arg) in _PLAIN:
            values.append(arg)
            parts.append((op, type(arg)))
            out[op] = swap(arg)
        elif op in _LIST_OPS and type(arg) is list and all(x is None or type(x) in _PLAIN for x in arg):
            parts.append((op, tuple(None if x is None else type(x) for x in arg)))
            items = []
            for x in arg:
                if x is not None:
                    values.append(x)
                    x = swap(x)
                items.append(x)
            out[op] = items
        else:
            parts.append((op, _fixed(arg)))
            out[op] = arg
    return ("ops", tuple(parts)), out


def _sentinel(value: Any, index: int, variant: int) -> Any:
    """A stand-in no real query holds, of the value's type, distinct per index and variant."""
    if type(value) is str:
        return f"\x00pg-shape-{variant}-{index}\x00"
    base = -(2 ** 50) - (2 ** 40) * variant - 7 * index  # exact as a float too
    return base if type(value) is int else base - 0.5


class _Template:
    """A cached statement: its SQL, translation, and how to build the parameters from the values."""

    __slots__ = ("sql", "translation", "slots")

    def __init__(self, sql: str, translation: Translation, slots: list[Any]) -> None:
        self.sql = sql
        self.translation = translation
        self.slots = slots  # per parameter: ("const", v) | ("value", i, convert) | ("list", [items])

    def params(self, values: list[Any]) -> list[Any]:
        out = []
        for slot in self.slots:
            if slot[0] == "const":
                out.append(slot[1])
            elif slot[0] == "value":
                out.append(_fill(slot, values))
            else:
                out.append([_fill(item, values) if item[0] == "value" else item[1] for item in slot[1]])
        return out


def _fill(slot: tuple[Any, ...], values: list[Any]) -> Any:
    value = values[slot[1]]
    return value if slot[2] is None else slot[2](value)


def _match(a: Any, b: Any, found: dict[Any, int], found_b: dict[Any, int], used: list[int]) -> tuple[Any, ...] | None:
    """The slot for one parameter (or list element) of the two translations; None when they disagree."""
    if type(a) in _PLAIN and a in found:
        index = found[a]
        if found_b.get(b) != index:
            return None
        used.append(index)
        return ("value", index, float if type(a) is float else None)
    if type(a) in _PLAIN and b in found_b:
        return None
    return ("const", a) if _same_constant(a, b) else None


def _same_constant(a: Any, b: Any) -> bool:
    try:
        return type(a) is type(b) and a == b
    except Exception:  # noqa: BLE001 - values without a usable ==
        return False


def _compile(where: Where, values: list[Any], build: Build) -> _Template | None:
    marked = []
    for variant in (1, 2):
        sentinels = [_sentinel(v, i, variant) for i, v in enumerate(values)]
        it = iter(sentinels)
        _, where_marked = _shape(where, [], lambda _v: next(it))
        try:
            marked.append((sentinels, build(where_marked)))
        except Exception:  # noqa: BLE001 - the real where is built (and fails, if it does) per request
            return None
    (sent_a, (sql_a, params_a, tr_a)), (sent_b, (sql_b, params_b, tr_b)) = marked
    if sql_a != sql_b or len(params_a) != len(params_b) or tr_a.residual is not None \
            or tr_b.residual is not None or tr_a.near_order or tr_a.text_rank:
        return None
    found_a = {s: i for i, s in enumerate(sent_a)}
    found_b = {s: i for i, s in enumerate(sent_b)}
    used: list[int] = []
    slots: list[Any] = []
    for a, b in zip(params_a, params_b):
        if type(a) is list and type(b) is list:
            if len(a) != len(b):
                return None
            items = [_match(x, y, found_a, found_b, used) for x, y in zip(a, b)]
            if any(item is None for item in items):
                return None
            slots.append(("list", items))
        else:
            slot = _match(a, b, found_a, found_b, used)
            if slot is None:
                return None
            slots.append(slot)
    if sorted(used) != list(range(len(values))):
        return None  # a value dropped, or used twice: its content may matter
    return _Template(sql_a, tr_a, slots)


class StatementCache:
    """Statements by (table shape, caller's key, where shape); one per adapter, cleared with its caches.

    In front of the shape entries sits a second map keyed by the where's exact JSON: a where met
    again (the same list or count asked by many clients) skips even the shape walk."""

    def __init__(self) -> None:
        self._entries: dict[tuple[Any, ...], tuple[dict[str, str], dict[str, Any], Any]] = {}
        self._exact: dict[tuple[Any, ...], tuple[dict[str, str], dict[str, Any], str, list[Any], Translation]] = {}

    def clear(self) -> None:
        """Forget every statement (tables or columns changed)."""
        self._entries.clear()
        self._exact.clear()

    def statement(self, columns: dict[str, str], fields: dict[str, Any], key: tuple[Any, ...],
                  where: Where, build: Build, repeats: bool = True) -> tuple[str, list[Any], Translation]:
        """`build(where)`, from the cache when a where of this shape was built before. `key` names
        everything else the SQL depends on (class, statement kind, sort, limit...). `repeats=False`
        (an update by id: each names another object) keeps the where out of the exact map, where
        it would only push out the wheres that do repeat."""
        exact_key: tuple[Any, ...] | None = None
        if repeats:
            try:
                exact_key = (id(columns), id(fields), key, orjson.dumps(where, option=_JSON_ONLY))
            except TypeError:
                pass
        if exact_key is not None:
            hit = self._exact.get(exact_key)
            if hit is not None and hit[0] is columns and hit[1] is fields:
                return hit[2], list(hit[3]), hit[4]
        values: list[Any] = []
        try:
            shape, _ = _shape(where, values, _keep)
        except _Skip:
            return build(where)
        entry_key = (id(columns), id(fields), key, shape)
        entry = self._entries.get(entry_key)
        if entry is None or entry[0] is not columns or entry[1] is not fields:
            template = _compile(where, values, build)
            if len(self._entries) >= _MAX_ENTRIES:
                self._entries.clear()
            entry = self._entries[entry_key] = (columns, fields, template or _NOT_CACHEABLE)
        template = entry[2]
        if template is _NOT_CACHEABLE:
            return build(where)
        params = template.params(values)
        if exact_key is not None:
            if len(self._exact) >= _MAX_ENTRIES:
                self._exact.clear()
            self._exact[exact_key] = (columns, fields, template.sql, params, template.translation)
        return template.sql, list(params), template.translation


def _keep(value: Any) -> Any:
    return value
