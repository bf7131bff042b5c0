"""PCRE patterns (MongoDB's `$regex`) as PostgreSQL advanced regular expressions (ARE).

The options become an embedded option prefix: ``i`` case-insensitive, ``x`` expanded
syntax, ``m`` ^/$ at line breaks, ``s`` dot matches a newline (PCRE's default is that it
does not, PostgreSQL's that it does). ``\\Q...\\E`` quoting is expanded into escapes and
``\\z`` becomes ARE's ``\\Z``. Patterns PostgreSQL rejects answer ParseError 102 at query time.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=512)
def to_postgres_regex(pattern: str, options: str = "") -> str:
    """The ARE for a PCRE pattern and MongoDB options."""
    multiline, dotall = "m" in options, "s" in options
    flags = "w" if multiline and dotall else "n" if multiline else "" if dotall else "p"
    flags += "i" if "i" in options else ""
    flags += "x" if "x" in options else ""
    body = _expand(pattern)
    return f"(?{flags}){body}" if flags else body


def _expand(pattern: str) -> str:
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if nxt == "Q":
                end = pattern.find("\\E", i + 2)
                literal = pattern[i + 2:] if end < 0 else pattern[i + 2:end]
                out.append("".join(ch if ch.isalnum() else "\\" + ch for ch in literal))
                i = n if end < 0 else end + 2
                continue
            if nxt == "E":
                i += 2
                continue
            out.append("\\Z" if nxt == "z" else pattern[i:i + 2])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)
