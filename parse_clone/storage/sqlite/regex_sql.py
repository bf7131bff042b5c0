"""`$regex` on a String field as SQL, so that a scan for it never decodes documents in Python.

A pattern that only spells out a literal (what the SDKs send for contains, startsWith and
endsWith: ``\\Qfoo\\E``, ``^\\Qfoo\\E``, ``\\Qfoo\\E$``; also ``z{3}``) becomes ``instr`` /
``substr`` comparisons that SQLite runs in C. Any other pattern calls `parse_regexp`, a function
registered on every connection: SQLite walks the rows in C and calls Python once per value, so a
reader thread holds the interpreter lock only for each short call, not for a whole scan.
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache

from parse_clone.language.regex import compile_regex, translate_pcre

try:  # the parser behind `re` (private; without it every pattern goes through the function)
    from re import _constants as _sre  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - other Pythons
    _sre = _sre_parse = None

Sql = tuple[str, list[object]]
FUNCTION = "parse_regexp"
_MAX_LITERAL_REPEAT = 64  # `a{n}` up to this n is spelled out


def register_functions(conn: sqlite3.Connection) -> None:
    """Make `parse_regexp(pattern, options, value)` callable in this connection's SQL."""
    conn.create_function(FUNCTION, 3, _regexp, deterministic=True)


def _regexp(pattern: str, options: str, value: object) -> int:
    if type(value) is not str:
        return 0
    return 1 if compile_regex(pattern, options).search(value) is not None else 0


def regex_condition(expr: str, pattern: str, options: str) -> Sql:
    """SQL true exactly when the text `expr` (NULL: false) matches the MongoDB `$regex`.

    Raises ParseError (as the matcher does) for a pattern or options `compile_regex` rejects."""
    compile_regex(pattern, options)
    shape = literal_shape(pattern, options)
    if shape is None:
        return f"{FUNCTION}(?, ?, {expr})", [pattern, options]
    anchored_start, literal, anchored_end = shape
    if anchored_start and anchored_end:  # `$` also matches before a final newline
        return f"({expr} = ? OR {expr} = ?)", [literal, literal + "\n"]
    if anchored_start:
        return f"(substr({expr}, 1, ?) = ?)", [len(literal), literal]
    if anchored_end:
        return (f"(substr({expr}, -?) = ? OR substr({expr}, -?) = ?)",
                [len(literal), literal, len(literal) + 1, literal + "\n"])
    if not literal:
        return f"({expr} IS NOT NULL)", []
    return f"(instr({expr}, ?) > 0)", [literal]


@lru_cache(maxsize=1024)
def literal_shape(pattern: str, options: str) -> tuple[bool, str, bool] | None:
    """(anchored at the start, the literal, anchored at the end) when the pattern means "this text
    here", else None. Only without options: `i`, `m` and `x` change what literals and anchors mean."""
    if options or _sre_parse is None:
        return None
    try:
        items = list(_sre_parse.parse(translate_pcre(pattern)))
    except Exception:  # noqa: BLE001 - anything unusual goes through the function
        return None
    start = bool(items) and items[0] == (_sre.AT, _sre.AT_BEGINNING)
    end = bool(items) and items[-1] == (_sre.AT, _sre.AT_END) and len(items) > start
    chars: list[str] = []
    for op, arg in items[int(start):len(items) - int(end)]:
        if op is _sre.LITERAL:
            chars.append(chr(arg))
        elif (op is _sre.MAX_REPEAT or op is _sre.MIN_REPEAT) and arg[0] == arg[1] <= _MAX_LITERAL_REPEAT \
                and len(arg[2]) == 1 and arg[2][0][0] is _sre.LITERAL:
            chars.append(chr(arg[2][0][1]) * arg[0])
        else:
            return None
    return start, "".join(chars), end
