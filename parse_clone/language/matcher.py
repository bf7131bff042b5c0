"""In-memory evaluation of Parse queries on stored-form documents, with MongoDB semantics.

Used by the SQLite adapter for whatever it cannot push down into SQL (so results
must agree with MongoDB's) and by LiveQuery. The document and ``where`` forms are
those of ``parse_clone/storage/base.py``.

A ``where`` is compiled once into nested closures (`compile_where`); `matches`
is the one-shot convenience. Semantics worth knowing:

- A value at a path is tested as MongoDB does: a leaf array matches if the whole
  array or any element matches; dotted paths fan out through arrays of objects.
- Equality is BSON-like: ints equal floats, booleans equal only booleans, objects
  compare structurally whatever their key order, Pointers by className + objectId,
  Dates by ``iso``.
- ``$lt $lte $gt $gte`` only compare values of the same kind (numbers, strings,
  dates, booleans, objects, arrays), in MongoDB's order (see `sort_key`).
- Negative operators (``$ne $nin $exists:false``) negate their positive twin over
  the whole field, so ``$ne`` on an array means "no element equal".
- ``$containedBy`` is MongoDB's ``$nor/$elemMatch/$nin`` translation: a missing or
  non-array field matches.

Anything not in the normalised language raises ``ParseError(107, "Invalid constraint: $op")``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from parse_clone.errors import ParseError
from parse_clone.language.geo import distance_radians
from parse_clone.language.regex import compile_regex
from parse_clone.language.text import TextSearch, compile_text_search
from parse_clone.language.geo_match import (
    MAX_DISTANCE_DIVISORS,
    geo_intersects_test,
    geo_within_test,
    near_sphere_test,
    within_test,
)
from parse_clone.language.ordering import RANK_ARRAY, RANK_DATE, RANK_NUMBER, RANK_STRING, sort_documents, sort_key
from parse_clone.language.paths import MISSING, Document, expand, get_path, resolve
from parse_clone.language.values import normalize_iso

__all__ = [
    "MISSING",
    "compile_regex",
    "compile_text_score",
    "compile_where",
    "distance_radians",
    "get_path",
    "matches",
    "sort_documents",
    "sort_key",
    "text_score",
]


Predicate = Callable[[Document], bool]
# A test of one resolved value (a leaf array is expanded by the test itself).
_Test = Callable[[Any], bool]

_DATE_STRING_KEYS = frozenset({"createdAt", "updatedAt"})
_LOGICAL = ("$or", "$and", "$nor")
_COMPARATORS = {"$lt": operator.lt, "$lte": operator.le, "$gt": operator.gt, "$gte": operator.ge}
_MODIFIERS = frozenset({"$options", *MAX_DISTANCE_DIVISORS})


# ======================================================================
# Public API
# ======================================================================


def matches(doc: Document, where: dict[str, Any]) -> bool:
    """Does the stored-form document match the normalised where? (Compile once with `compile_where` in loops.)"""
    return compile_where(where)(doc)


def compile_where(where: dict[str, Any]) -> Predicate:
    """Compile a normalised where into a predicate on stored-form documents; ParseError on bad input."""
    if type(where) is not dict:
        raise ParseError(ParseError.INVALID_QUERY, "where must be a JSON object")
    preds: list[Predicate] = []
    for key, cond in where.items():
        if key in _LOGICAL:
            preds.append(_compile_logical(key, cond))
        elif not isinstance(key, str) or key.startswith("$"):
            raise ParseError(ParseError.INVALID_JSON, f"Invalid constraint: {key}")
        else:
            preds.extend(_compile_field(key, cond))
    return _all_of(preds)


def text_score(doc: Document, where: dict[str, Any]) -> float:
    """MongoDB-like relevance of the document for the where's ``$text`` constraint (0.0 if none)."""
    return compile_text_score(where)(doc)


def compile_text_score(where: dict[str, Any]) -> Callable[[Document], float]:
    """Compile the where's ``$text`` constraint into a scorer (always 0.0 when it has none)."""
    found = _find_text(where)
    if found is None:
        return lambda doc: 0.0
    parts, search = found

    def score(doc: Document) -> float:
        return sum(search.score(v) for v in resolve(doc, parts))

    return score




def _all_of(preds: list[Predicate]) -> Predicate:
    if not preds:
        return lambda doc: True
    if len(preds) == 1:
        return preds[0]
    if len(preds) == 2:
        a, b = preds
        return lambda doc: a(doc) and b(doc)
    frozen = tuple(preds)

    def all_pred(doc: Document) -> bool:
        for p in frozen:
            if not p(doc):
                return False
        return True

    return all_pred


def _compile_logical(key: str, cond: Any) -> Predicate:
    if type(cond) is not list or not cond:
        raise ParseError(ParseError.INVALID_QUERY, f"Bad {key} format - use an array of at least 1 value.")
    subs = tuple(compile_where(w) for w in cond)
    if key == "$and":
        return _all_of(list(subs))
    if key == "$or":
        return lambda doc: any(p(doc) for p in subs)
    return lambda doc: not any(p(doc) for p in subs)


def _compile_field(key: str, cond: Any) -> list[Predicate]:
    parts = key.split(".")
    if type(cond) is dict and any(type(k) is str and k.startswith("$") for k in cond):
        tests = _compile_operators(key, cond)
    else:
        tests = [(_eq_test(_query_value(key, cond)), False)]
    return [_bind(parts, test, negate) for test, negate in tests]


def _compile_operators(key: str, cond: dict[str, Any]) -> list[tuple[_Test, bool]]:
    tests: list[tuple[_Test, bool]] = []
    for op, arg in cond.items():
        if op == "$eq" or op == "$ne":
            tests.append((_eq_test(_query_value(key, arg)), op == "$ne"))
        elif op in _COMPARATORS:
            tests.append((_cmp_test(op, _query_value(key, arg)), False))
        elif op == "$in" or op == "$nin":
            tests.append((_in_test(op, arg, key), op == "$nin"))
        elif op == "$exists":
            tests.append((_is_present, not arg))
        elif op == "$all":
            tests.extend(_all_tests(arg, key))
        elif op == "$containedBy":
            tests.append((_contained_by_violation(arg, key), True))
        elif op == "$regex":
            tests.append((_regex_test(arg, cond.get("$options", "")), False))
        elif op == "$nearSphere":
            tests.append((near_sphere_test(arg, cond), False))
        elif op == "$within":
            tests.append((within_test(arg), False))
        elif op == "$geoWithin":
            tests.append((geo_within_test(arg), False))
        elif op == "$geoIntersects":
            tests.append((geo_intersects_test(arg), False))
        elif op == "$text":
            tests.append((compile_text_search(arg).matches, False))
        elif op in _MODIFIERS:
            owner = "$regex" if op == "$options" else "$nearSphere"
            if owner not in cond:
                raise ParseError(ParseError.INVALID_JSON, f"Invalid constraint: {op}")
        else:
            raise ParseError(ParseError.INVALID_JSON, f"Invalid constraint: {op}")
    return tests


def _bind(parts: list[str], test: _Test, negate: bool) -> Predicate:
    """A document predicate: does any value at the path pass the test (negated if asked)?"""
    if len(parts) == 1:
        k = parts[0]
        if negate:
            return lambda doc: not test(doc.get(k, MISSING))
        return lambda doc: test(doc.get(k, MISSING))

    n = len(parts)

    def hit(doc: Document) -> bool:
        cur: Any = doc
        for idx in range(n):
            t = type(cur)
            if t is dict:
                cur = cur.get(parts[idx], MISSING)
            elif t is list:
                return any(test(v) for v in expand(cur, parts, idx))
            else:
                return test(MISSING)
        return test(cur)

    if negate:
        return lambda doc: not hit(doc)
    return hit


# ----- query values -----


def _query_value(key: str, value: Any) -> Any:
    """A query operand in the stored form it is compared with (Dates normalised; ISO strings for createdAt/updatedAt)."""
    if type(value) is dict and value.get("__type") == "Date":
        iso = value.get("iso")
        if type(iso) is str:
            iso = normalize_iso(iso) or iso
            return iso if key in _DATE_STRING_KEYS else {"__type": "Date", "iso": iso}
    return value


# ----- equality -----

_NUMBER_TYPES = (int, float)


def _is_present(v: Any) -> bool:
    return v is not MISSING


def _is_null_like(v: Any) -> bool:
    if v is None or v is MISSING:
        return True
    return type(v) is list and any(e is None for e in v)


def _eq_test(q: Any) -> _Test:
    """Equality with array "contains" semantics, specialised on the query value's type."""
    t = type(q)
    if q is None:
        return _is_null_like
    if t is str:

        def str_test(v: Any) -> bool:
            tv = type(v)
            if tv is str:
                return v == q
            return tv is list and q in v  # str never == a non-str

        return str_test
    if t is bool:

        def bool_test(v: Any) -> bool:
            if v is q:
                return True
            return type(v) is list and any(e is q for e in v)

        return bool_test
    if (t is int or t is float) and q == q:

        def num_test(v: Any) -> bool:
            tv = type(v)
            if tv is int or tv is float:
                return v == q
            if tv is list:
                for e in v:
                    te = type(e)
                    if (te is int or te is float) and e == q:
                        return True
            return False

        return num_test
    if t is dict and q.get("__type") == "Pointer":
        class_name, object_id = q.get("className"), q.get("objectId")

        def is_pointer(e: Any) -> bool:
            return (
                type(e) is dict
                and e.get("objectId") == object_id
                and e.get("className") == class_name
                and e.get("__type") == "Pointer"
            )

        def pointer_test(v: Any) -> bool:
            if is_pointer(v):
                return True
            return type(v) is list and any(is_pointer(e) for e in v)

        return pointer_test

    def generic_test(v: Any) -> bool:
        if _equal(v, q):
            return True
        return type(v) is list and any(_equal(e, q) for e in v)

    return generic_test


def _equal(a: Any, b: Any) -> bool:
    """BSON-like equality: numbers across int/float, no bool/number mixing, objects ignoring key order."""
    ta = type(a)
    tb = type(b)
    if ta is bool or tb is bool:
        return ta is tb and a == b
    if (ta is int or ta is float) and (tb is int or tb is float):
        return a == b or (a != a and b != b)
    if ta is not tb:
        return False
    if ta is dict:
        return _dict_equal(a, b)
    if ta is list:
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    return bool(a == b)


def _dict_equal(a: dict[str, Any], b: dict[str, Any]) -> bool:
    kind = a.get("__type")
    if kind != b.get("__type"):
        return False
    if kind == "Pointer":
        return a.get("className") == b.get("className") and a.get("objectId") == b.get("objectId")
    if kind == "Date":
        return bool(a.get("iso") == b.get("iso"))
    if len(a) != len(b):
        return False
    for k, v in a.items():
        if k not in b or not _equal(v, b[k]):
            return False
    return True


# ----- comparisons -----


def _cmp_test(op: str, q: Any) -> _Test:
    if q is None:
        # MongoDB: $lte/$gte null behave like equality with null; $lt/$gt null match nothing.
        return _is_null_like if op in ("$lte", "$gte") else (lambda v: False)
    cmp = _COMPARATORS[op]
    qk = sort_key(q)
    rank = qk[0]
    scalar: _Test
    if rank == RANK_NUMBER:

        def scalar(e: Any) -> bool:
            te = type(e)
            return (te is int or te is float) and cmp(e, q)

    elif rank == RANK_STRING:

        def scalar(e: Any) -> bool:
            return type(e) is str and cmp(e, q)

    elif rank == RANK_DATE:
        q_iso = qk[1]

        def scalar(e: Any) -> bool:
            if type(e) is not dict or e.get("__type") != "Date":
                return False
            iso = e.get("iso")
            return type(iso) is str and cmp(iso, q_iso)

    else:

        def scalar(e: Any) -> bool:
            k = sort_key(e)
            return k[0] == rank and cmp(k, qk)

    def test(v: Any) -> bool:
        if type(v) is list:
            for e in v:
                if scalar(e):
                    return True
            return rank == RANK_ARRAY and cmp(sort_key(v), qk)
        return scalar(v)

    return test


# ----- $in / $nin / $all / $containedBy -----


def _in_test(op: str, items: Any, key: str) -> _Test:
    """Membership of a value (or of any element of an array value) in a list, precompiled into sets."""
    if type(items) is not list:
        raise ParseError(ParseError.INVALID_JSON, f"bad {op} value")
    strings: set[str] = set()
    numbers: set[int | float] = set()
    booleans: set[bool] = set()
    pointers: set[tuple[str, str]] = set()
    dates: set[str] = set()
    others: list[Any] = []
    has_null = False
    for raw in items:
        q = _query_value(key, raw)
        t = type(q)
        if q is None:
            has_null = True
        elif t is str:
            strings.add(q)
        elif t is bool:
            booleans.add(q)
        elif (t is int or t is float) and q == q:
            numbers.add(q)
        elif t is dict and _pointer_ref(q) is not None:
            pointers.add(_pointer_ref(q))  # type: ignore[arg-type]
        elif t is dict and q.get("__type") == "Date" and type(q.get("iso")) is str:
            dates.add(q["iso"])
        else:
            others.append(q)
    array_others = [o for o in others if type(o) is list]

    def scalar(e: Any) -> bool:
        te = type(e)
        if te is str:
            return e in strings
        if e is None or e is MISSING:
            return has_null
        if te is bool:
            return e in booleans
        if te is int or te is float:
            if e in numbers:
                return True
        elif te is dict:
            ref = _pointer_ref(e)
            if ref is not None:
                return ref in pointers
            if e.get("__type") == "Date" and type(e.get("iso")) is str:
                return e["iso"] in dates
        return any(_equal(e, o) for o in others) if others else False

    def test(v: Any) -> bool:
        if type(v) is list:
            for e in v:
                if scalar(e):
                    return True
            return any(_equal(v, o) for o in array_others) if array_others else False
        return scalar(v)

    return test


def _pointer_ref(value: dict[str, Any]) -> tuple[str, str] | None:
    if value.get("__type") != "Pointer":
        return None
    class_name, object_id = value.get("className"), value.get("objectId")
    if type(class_name) is str and type(object_id) is str:
        return class_name, object_id
    return None


def _all_tests(items: Any, key: str) -> list[tuple[_Test, bool]]:
    """``$all`` as MongoDB runs it: one equality (or regex) per item, all of which must hold."""
    if type(items) is not list:
        raise ParseError(ParseError.INVALID_JSON, "bad $all value")
    if not items:
        return [(lambda v: False, False)]
    tests: list[tuple[_Test, bool]] = []
    for item in items:
        if type(item) is dict and "$regex" in item:
            tests.append((_regex_test(item["$regex"], item.get("$options", "")), False))
        else:
            tests.append((_eq_test(_query_value(key, item)), False))
    return tests


def _contained_by_violation(items: Any, key: str) -> _Test:
    """True when the value is an array holding an element outside the list (the field then fails)."""
    if type(items) is not list:
        raise ParseError(ParseError.INVALID_JSON, "bad $containedBy: should be an array")
    member = _in_test("$containedBy", items, key)

    def violation(v: Any) -> bool:
        if type(v) is not list:
            return False
        for e in v:
            if not member(e):
                return True
        return False

    return violation


# ----- $regex -----


def _regex_test(pattern: Any, options: Any) -> _Test:
    if type(pattern) is not str:
        raise ParseError(ParseError.INVALID_JSON, f"bad regex: {pattern}")
    if options is None:
        options = ""
    search = compile_regex(pattern, options).search

    def test(v: Any) -> bool:
        tv = type(v)
        if tv is str:
            return search(v) is not None
        if tv is list:
            for e in v:
                if type(e) is str and search(e) is not None:
                    return True
        return False

    return test


# ----- $text lookup for scoring -----


def _find_text(where: Any) -> tuple[list[str], TextSearch] | None:
    if type(where) is not dict:
        return None
    for key, cond in where.items():
        if key in _LOGICAL:
            if type(cond) is list:
                for sub in cond:
                    found = _find_text(sub)
                    if found is not None:
                        return found
        elif type(cond) is dict and "$text" in cond:
            return key.split("."), compile_text_search(cond["$text"])
    return None

