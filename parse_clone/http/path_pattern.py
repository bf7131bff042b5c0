"""Route patterns as Parse Server 9 writes them (the path-to-regexp 8 syntax Express 5 uses).

    /classes/GameScore     that path only
    /classes/:className    one segment (`:name`)
    /functions/*name       one or more segments (`*name`; a bare `*` has no name and is refused)
    /users{/:objectId}     an optional part (`{...}`)

Matching ignores case and one trailing slash, as Express routes do. `\\` escapes a character;
`( ) [ ] ? + !` are reserved and refused, with path-to-regexp's messages (Parse Server puts them
in its start-up error).
"""

from __future__ import annotations

import re

_RESERVED = "()[]?+!"
_HELP = "visit https://git.new/pathToRegexpError for info"


class PathPatternError(ValueError):
    """A pattern path-to-regexp would refuse; the message is path-to-regexp's."""


def _name_start(ch: str) -> bool:
    return ch.isalpha() or ch in "$_"


def _name_char(ch: str) -> bool:
    return ch.isalnum() or ch in "$_\u200c\u200d"


class _Compiler:
    def __init__(self, path: str) -> None:
        self.path = path
        self.i = 0

    def fail(self, message: str) -> PathPatternError:
        return PathPatternError(f"{message}: {self.path}; {_HELP}")

    def name(self) -> str:
        path, start = self.path, self.i
        if start < len(path) and path[start] == '"':
            end = path.find('"', start + 1)
            if end < 0:
                raise self.fail(f"Unterminated quote at index {start}")
            self.i = end + 1
            if end == start + 1:
                raise self.fail(f"Missing parameter name at index {self.i}")
            return path[start + 1:end]
        if start < len(path) and _name_start(path[start]):
            self.i += 1
            while self.i < len(path) and _name_char(path[self.i]):
                self.i += 1
            return path[start:self.i]
        raise self.fail(f"Missing parameter name at index {start}")

    def sequence(self, depth: int) -> str:
        out: list[str] = []
        path = self.path
        while self.i < len(path):
            ch = path[self.i]
            if ch == "}":
                if depth == 0:
                    raise self.fail(f"Unexpected }} at index {self.i}")
                self.i += 1
                return "".join(out)
            self.i += 1
            if ch == "{":
                out.append(f"(?:{self.sequence(depth + 1)})?")
            elif ch == ":":
                self.name()
                out.append(r"([^/]+)")
            elif ch == "*":
                self.name()
                out.append(r"([\s\S]+)")
            elif ch == "\\":
                if self.i >= len(path):
                    raise self.fail(f"Unexpected end after \\ at index {self.i}")
                out.append(re.escape(path[self.i]))
                self.i += 1
            elif ch in _RESERVED:
                raise self.fail(f"Unexpected {ch} at index {self.i - 1}")
            else:
                out.append(re.escape(ch))
        if depth:
            raise self.fail(f"Unexpected end at index {self.i}, expected }}")
        return "".join(out)


def compile_path(path: str) -> re.Pattern[str]:
    """The regular expression of a route pattern; PathPatternError for a malformed one."""
    body = _Compiler(path).sequence(0)
    return re.compile(f"^(?:{body})(?:/)?$", re.IGNORECASE)
