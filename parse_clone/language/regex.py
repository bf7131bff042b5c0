"""PCRE patterns (what MongoDB's ``$regex`` runs) translated into Python ``re``.

Parse SDKs send PCRE: literals quoted as ``\\Q...\\E``, and users write other
PCRE-isms Python lacks. The translation covers:

- ``\\Q...\\E`` quoting (a ``\\Q`` without ``\\E`` quotes to the end; a stray
  ``\\E`` is ignored), also inside character classes;
- ``\\z`` (absolute end) and ``\\Z`` (end or before a final newline);
- ``\\w \\W \\d \\D \\s \\S \\b \\B`` matching ASCII only, as in PCRE without UCP
  (``(*UCP)`` at the start switches to Unicode);
- ``\\h \\H \\v \\V \\R \\N \\e \\cX \\x{...} \\o{...}`` and 1-digit ``\\xH``;
- POSIX classes ``[[:alpha:]]`` & co;
- named groups ``(?<n>...)``, ``(?'n'...)`` and back-references ``\\k<n>``,
  ``\\k'n'``, ``\\k{n}``, ``\\g{n}``, ``\\gn``, ``\\g{-n}``;
- inline option settings in the middle of a pattern (``a(?i)b``), scoped to the
  end of the enclosing group as PCRE does, alternatives included.

Not translated (Python rejects them, so `compile_regex` answers 102): Unicode
properties ``\\p{..}``, recursion, branch reset ``(?|``, ``\\G``, ``\\K``, ``\\X``,
negated POSIX classes and most verbs.
"""

from __future__ import annotations

import re
import warnings
from functools import lru_cache

from parse_clone.errors import ParseError

_OPTION_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "x": re.VERBOSE, "s": re.DOTALL}
_INLINE_FLAG_CHARS = frozenset("imsx-")

_HSPACE = "\\t \\xa0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000"
_VSPACE = "\\n\\x0b\\x0c\\r\\x85\\u2028\\u2029"

_POSIX_CLASSES = {
    "alpha": "A-Za-z",
    "digit": "0-9",
    "alnum": "A-Za-z0-9",
    "upper": "A-Z",
    "lower": "a-z",
    "space": "\\t\\n\\x0b\\x0c\\r ",
    "blank": " \\t",
    "punct": "!-/:-@\\[-`{-~",
    "xdigit": "0-9A-Fa-f",
    "word": "A-Za-z0-9_",
    "cntrl": "\\x00-\\x1f\\x7f",
    "print": "\\x20-\\x7e",
    "graph": "\\x21-\\x7e",
    "ascii": "\\x00-\\x7f",
}

_ESCAPES_OUTSIDE_CLASS = {
    "z": "\\Z",
    "Z": "(?=\\n?\\Z)",
    "h": f"[{_HSPACE}]",
    "H": f"[^{_HSPACE}]",
    "v": f"[{_VSPACE}]",
    "V": f"[^{_VSPACE}]",
    "R": f"(?:\\r\\n|[{_VSPACE}])",
    "e": "\\x1b",
}
_ESCAPES_INSIDE_CLASS = {"h": _HSPACE, "v": _VSPACE, "e": "\\x1b"}
_ASCII_SHORTHANDS = frozenset("wWdDsSbB")
_CLASS_SHORTHANDS = frozenset("wWdDsS")


def compile_regex(pattern: str, options: str = "") -> re.Pattern[str]:
    """Compile a MongoDB ``$regex`` (PCRE) with ``$options`` letters from ``imxs``; ParseError 102 if bad.

    Compiled patterns are cached (``functools.lru_cache``), so callers need not keep them.
    """
    if type(options) is not str:
        raise ParseError(ParseError.INVALID_QUERY, f"Bad $options value for query: {options}")
    if type(pattern) is not str:
        raise ParseError(ParseError.INVALID_JSON, f"bad regex: {pattern}")
    return _compile_cached(pattern, options)


@lru_cache(maxsize=1024)
def _compile_cached(pattern: str, options: str) -> re.Pattern[str]:
    if any(ch not in _OPTION_FLAGS for ch in options):
        raise ParseError(ParseError.INVALID_QUERY, f"Bad $options value for query: {options}")
    flags = 0
    for ch in options:
        flags |= _OPTION_FLAGS[ch]
    try:
        translated = translate_pcre(pattern, extended="x" in options)
        with warnings.catch_warnings():
            # "Possible nested set" FutureWarnings are about syntax PCRE reads literally.
            warnings.simplefilter("ignore")
            return re.compile(translated, flags)
    except (re.error, ValueError, OverflowError, RecursionError) as err:
        raise ParseError(ParseError.INVALID_QUERY, f"Invalid regular expression: /{pattern}/: {err}") from None


def translate_pcre(pattern: str, extended: bool = False) -> str:
    """The Python ``re`` equivalent of a PCRE pattern; ``re.error`` for what cannot be translated."""
    return _Translator(pattern, extended).run()


class _Translator:
    """One left-to-right pass over a PCRE pattern, tracking groups and character classes."""

    def __init__(self, pattern: str, extended: bool) -> None:
        self.p = pattern
        self.n = len(pattern)
        self.i = 0
        self.out: list[str] = []
        self.extended = extended
        self.ucp = False
        self.groups = 0
        # Per open group: the inline option sets switched on inside it, each of which
        # we emitted as a scoped "(?flags:" that must close where the group ends.
        self.levels: list[list[str]] = [[]]

    # ----- main loop -----

    def run(self) -> str:
        self._leading_verbs()
        p, out = self.p, self.out
        while self.i < self.n:
            c = p[self.i]
            if c == "\\":
                self._escape()
            elif c == "[":
                self._char_class()
            elif c == "(":
                self._open_group()
            elif c == ")":
                self._close_group()
            elif c == "|":
                pending = self.levels[-1]
                out.append(")" * len(pending) + "|" + "".join(f"(?{f}:" for f in pending))
                self.i += 1
            elif c == "#" and self.extended:
                end = p.find("\n", self.i)
                end = self.n if end < 0 else end
                out.append(p[self.i : end])
                self.i = end
            else:
                out.append(c)
                self.i += 1
        if len(self.levels) > 1:
            raise re.error("missing ), unterminated subpattern")
        out.append(")" * len(self.levels[0]))
        return "".join(out)

    def _leading_verbs(self) -> None:
        while self.p.startswith("(*", self.i):
            end = self.p.find(")", self.i)
            if end < 0:
                raise re.error("unterminated (* verb")
            verb = self.p[self.i + 2 : end]
            if verb == "UCP":
                self.ucp = True
            elif verb not in ("UTF", "UTF8"):
                raise re.error(f"unsupported verb (*{verb})")
            self.i = end + 1

    # ----- escapes -----

    def _escape(self) -> None:
        p, i = self.p, self.i
        if i + 1 >= self.n:
            raise re.error("\\ at end of pattern")
        e = p[i + 1]
        self.i = i + 2
        if e == "Q":
            self.out.append(re.escape(self._quoted()))
        elif e == "E":
            pass
        elif e in _ESCAPES_OUTSIDE_CLASS:
            self.out.append(_ESCAPES_OUTSIDE_CLASS[e])
        elif e in _ASCII_SHORTHANDS:
            self.out.append(f"\\{e}" if self.ucp else f"(?a:\\{e})")
        elif e == "N" and not p.startswith("{", self.i):
            self.out.append("[^\\n]")
        elif e in "xoc":
            self.out.append(re.escape(self._char_escape(e)))
        elif e == "k":
            self.out.append(f"(?P={self._backref_name()})")
        elif e == "g":
            self.out.append(self._g_backref())
        else:
            self.out.append("\\" + e)

    def _quoted(self) -> str:
        """The literal text after a \\Q (self.i just past it), consuming up to and including \\E."""
        end = self.p.find("\\E", self.i)
        if end < 0:
            end = self.n
        text = self.p[self.i : end]
        self.i = min(end + 2, self.n)
        return text

    def _char_escape(self, kind: str) -> str:
        """The character of a \\x.., \\o{..} or \\cX escape (self.i just past the letter)."""
        p = self.p
        if kind == "c":
            if self.i >= self.n:
                raise re.error("\\c at end of pattern")
            ch = p[self.i]
            self.i += 1
            return chr(ord(ch.upper()) ^ 0x40)
        if p.startswith("{", self.i):
            end = p.find("}", self.i)
            if end < 0:
                raise re.error(f"missing }} after \\{kind}")
            digits = p[self.i + 1 : end].strip()
            self.i = end + 1
            try:
                return chr(int(digits, 16 if kind == "x" else 8))
            except ValueError:
                raise re.error(f"bad \\{kind}{{...}} escape") from None
        if kind == "o":
            raise re.error("\\o must be followed by {")
        digits = ""
        while len(digits) < 2 and self.i < self.n and p[self.i] in "0123456789abcdefABCDEF":
            digits += p[self.i]
            self.i += 1
        return chr(int(digits, 16)) if digits else "\0"

    def _backref_name(self) -> str:
        p = self.p
        if self.i >= self.n or p[self.i] not in "<'{":
            raise re.error("\\k must be followed by <name>, 'name' or {name}")
        close = {"<": ">", "'": "'", "{": "}"}[p[self.i]]
        end = p.find(close, self.i + 1)
        if end < 0:
            raise re.error("unterminated \\k name")
        name = p[self.i + 1 : end]
        self.i = end + 1
        return name

    def _g_backref(self) -> str:
        p = self.p
        if p.startswith("{", self.i):
            end = p.find("}", self.i)
            if end < 0:
                raise re.error("unterminated \\g{")
            ref = p[self.i + 1 : end]
            self.i = end + 1
        else:
            j = self.i
            if j < self.n and p[j] in "+-":
                j += 1
            while j < self.n and p[j].isdigit():
                j += 1
            ref = p[self.i : j]
            self.i = j
        if not ref:
            raise re.error("bad \\g reference")
        if ref.lstrip("+-").isdigit():
            number = int(ref)
            if ref.startswith("-"):
                number = self.groups + 1 + number
            elif ref.startswith("+"):
                raise re.error("forward references are not supported")
            if number <= 0:
                raise re.error("bad \\g reference")
            return f"(?:\\{number})"
        return f"(?P={ref})"

    # ----- character classes -----

    def _char_class(self) -> None:
        p = self.p
        j = self.i + 1
        negate = j < self.n and p[j] == "^"
        if negate:
            j += 1
        items: list[str] = []
        shorthand = False
        first = True
        while True:
            if j >= self.n:
                raise re.error("unterminated character set")
            c = p[j]
            if c == "]" and not first:
                j += 1
                break
            first = False
            if c == "[" and p.startswith("[:", j):
                end = p.find(":]", j + 2)
                if end < 0:
                    items.append("\\[")
                    j += 1
                    continue
                name = p[j + 2 : end]
                if name not in _POSIX_CLASSES:
                    raise re.error(f"unknown POSIX class name [:{name}:]")
                items.append(_POSIX_CLASSES[name])
                j = end + 2
            elif c == "\\":
                if j + 1 >= self.n:
                    raise re.error("unterminated character set")
                e = p[j + 1]
                j += 2
                if e == "Q":
                    self.i = j
                    items.extend(re.escape(ch) for ch in self._quoted())
                    j = self.i
                elif e == "E":
                    pass
                elif e in _ESCAPES_INSIDE_CLASS:
                    items.append(_ESCAPES_INSIDE_CLASS[e])
                elif e in "xoc":
                    self.i = j
                    items.append(re.escape(self._char_escape(e)))
                    j = self.i
                else:
                    shorthand = shorthand or e in _CLASS_SHORTHANDS
                    items.append("\\" + e)
            elif c in "[&~|]":
                # Literal in PCRE; escaped so Python never reads a set operation.
                items.append("\\" + c)
                j += 1
            else:
                items.append(c)
                j += 1
        self.i = j
        body = "".join(items)
        cls = "[" + ("^" if negate else "") + body + "]"
        if shorthand and not self.ucp and body.isascii():
            cls = f"(?a:{cls})"
        self.out.append(cls)

    # ----- groups -----

    def _open_group(self) -> None:
        p, i, out = self.p, self.i, self.out
        if not p.startswith("(?", i):
            if p.startswith("(*", i):
                raise re.error("PCRE verbs are not supported")
            self.groups += 1
            out.append("(")
            self._push(i + 1)
            return
        nxt = p[i + 2] if i + 2 < self.n else ""
        after = p[i + 3] if i + 3 < self.n else ""
        if nxt == "#":
            end = p.find(")", i)
            if end < 0:
                raise re.error("missing ) after comment")
            self.i = end + 1
        elif nxt == "<" and after not in ("=", "!"):
            self._named_group(i + 3, ">")
        elif nxt == "'":
            self._named_group(i + 3, "'")
        elif nxt == "P" and after == "<":
            self._named_group(i + 4, ">")
        elif nxt == "P" and after == "=":
            end = p.find(")", i)
            if end < 0:
                raise re.error("missing ) after (?P=name")
            out.append(p[i : end + 1])
            self.i = end + 1
        elif nxt in (":", "=", "!", ">"):
            out.append(p[i : i + 3])
            self._push(i + 3)
        elif nxt == "<":  # (?<= or (?<!
            out.append(p[i : i + 4])
            self._push(i + 4)
        elif nxt == "(":  # conditional: copy its condition "(...)" whole
            end = p.find(")", i + 3)
            if end < 0:
                raise re.error("missing ) in conditional")
            out.append(p[i : end + 1])
            self._push(end + 1)
        elif nxt in _INLINE_FLAG_CHARS:
            self._inline_flags(i + 2)
        else:
            raise re.error(f"unsupported group syntax (?{nxt}")

    def _named_group(self, start: int, close: str) -> None:
        end = self.p.find(close, start)
        if end < 0:
            raise re.error("missing terminator for group name")
        self.groups += 1
        self.out.append(f"(?P<{self.p[start:end]}>")
        self._push(end + 1)

    def _inline_flags(self, start: int) -> None:
        j = start
        while j < self.n and self.p[j] in _INLINE_FLAG_CHARS:
            j += 1
        if j >= self.n or self.p[j] not in ":)":
            raise re.error("unsupported inline option letter")
        flags = self.p[start:j]
        if flags.endswith("-") or flags.count("-") > 1:
            raise re.error(f"bad inline options (?{flags})")
        if self.p[j] == ":":
            self.out.append(f"(?{flags}:")
            self._push(j + 1)
            return
        # "(?i)" runs to the end of the enclosing group: emit a scoped group instead,
        # closed (and reopened around each "|") by the enclosing level.
        self.i = j + 1
        if flags:
            self.out.append(f"(?{flags}:")
            self.levels[-1].append(flags)

    def _push(self, resume_at: int) -> None:
        self.levels.append([])
        self.i = resume_at

    def _close_group(self) -> None:
        if len(self.levels) == 1:
            raise re.error("unbalanced parenthesis")
        pending = self.levels.pop()
        self.out.append(")" * len(pending) + ")")
        self.i += 1
