"""SQLite only: `$regex` on String fields runs in SQL (literal shapes in C, the rest via parse_regexp)
and answers exactly what the matcher answers."""

from __future__ import annotations

import sqlite3

import pytest

from parse_clone.errors import ParseError
from parse_clone.language.regex import compile_regex
from parse_clone.storage.sqlite.regex_sql import FUNCTION, literal_shape, regex_condition, register_functions

VALUES = ["", "a", "abc", "xabc", "abcx", "ABC", "abc\n", "abc\nx", "zzz", "zz", "a.c", "a+c", "日本語abc",
          "line1\nabc", None]
PATTERNS = [("abc", ""), ("^abc", ""), ("abc$", ""), ("^abc$", ""), ("\\Qa.c\\E", ""), ("^\\Qa+c\\E", ""),
            ("z{3}", ""), ("z{2}", ""), ("", ""), ("^$", ""), ("a.c", ""), ("^ab|x", ""), ("abc", "i"),
            ("^abc", "m"), ("abc\\z", ""), ("日本", ""), ("[a-c]+x", ""), ("a", "s")]


@pytest.mark.parametrize(("pattern", "options"), PATTERNS, ids=repr)
def test_sql_answers_what_the_matcher_answers(pattern: str, options: str) -> None:
    conn = sqlite3.connect(":memory:")
    register_functions(conn)
    sql, params = regex_condition("v", pattern, options)
    search = compile_regex(pattern, options).search
    for value in VALUES:
        rows = conn.execute(f"WITH t(v) AS (SELECT ?) SELECT ({sql}) FROM t", [value, *params]).fetchone()
        expected = isinstance(value, str) and search(value) is not None
        assert bool(rows[0]) is expected, (pattern, options, value)


@pytest.mark.parametrize(("pattern", "shape"), [
    ("abc", (False, "abc", False)), ("^abc", (True, "abc", False)), ("abc$", (False, "abc", True)),
    ("\\Qa.b\\E", (False, "a.b", False)), ("^\\Qa.b\\E$", (True, "a.b", True)), ("z{3}", (False, "zzz", False)),
    ("a.c", None), ("a|b", None), ("a+", None), ("(ab)", None), ("\\d", None),
], ids=repr)
def test_literal_shapes(pattern: str, shape: tuple | None) -> None:
    assert literal_shape(pattern, "") == shape


def test_options_always_go_through_the_function() -> None:
    sql, params = regex_condition("v", "abc", "i")
    assert sql.startswith(FUNCTION) and params == ["abc", "i"]


@pytest.mark.parametrize(("pattern", "options", "code"), [("(", "", ParseError.INVALID_QUERY),
                                                         ("a", "q", ParseError.INVALID_QUERY)])
def test_bad_patterns_raise_the_matchers_error(pattern: str, options: str, code: int) -> None:
    with pytest.raises(ParseError) as caught:
        regex_condition("v", pattern, options)
    assert caught.value.code == code
