"""Parse Server 9's introspection guard (option graphQLPublicIntrospection, off by default).

A caller without the master key (or maintenance key) may not read the schema: an operation that
selects `__schema`, or `__type` with an argument, is refused with 403 "Introspection is not allowed".
`__typename` stays allowed. Such callers also get error messages without the schema identifiers
graphql-core puts in them ("Did you mean ...?" hints, the name of a required input field they did
not send, generated input type names they never wrote), so the schema cannot be mapped by probing.
"""

from __future__ import annotations

import re
from typing import Any

from graphql import DocumentNode, FieldNode

REFUSED_MESSAGE = "Introspection is not allowed"


def refusal() -> tuple[dict[str, Any], int]:
    """The answer to a refused introspection operation, as Parse Server 9 sends it."""
    return {"errors": [{"message": REFUSED_MESSAGE, "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]}, 403


def _selects_schema(selection_set: Any) -> bool:
    for selection in selection_set.selections if selection_set is not None else ():
        if isinstance(selection, FieldNode):
            name = selection.name.value
            if name == "__schema" or (name == "__type" and selection.arguments):
                return True
        if _selects_schema(getattr(selection, "selection_set", None)):
            return True
    return False


def asks_for_schema(document: DocumentNode) -> bool:
    """Whether any operation or fragment of the document introspects the schema."""
    return any(_selects_schema(getattr(d, "selection_set", None)) for d in document.definitions)


# graphql-core quotes names with ' where graphql-js uses ": every pattern takes either.
QUOTED = r"['\"][^'\"]*['\"]"


def _typed(template: str) -> re.Pattern[str]:
    """A message pattern: {f} a quoted field name, {t} a quoted type name (its bare name in group t)."""
    return re.compile(template.format(f=f"(?P<f>{QUOTED})", t=r"['\"](?P<t>[^'\"]+)['\"]"))


_SUGGESTION = re.compile(r" ?Did you mean .+?\?$")
_REQUIRED_FIELD = re.compile(f"Field {QUOTED} of required type {QUOTED} was not provided\\.")
_TOKENS = re.compile(r"[^_A-Za-z0-9]+")
# (pattern, its replacement when the caller did not write the type's name)
_TYPED = (
    (_typed(r"Expected value of type {t}"), "Expected value of the correct type"),
    (_typed(r"Expected type {t} to be an object\."), "Expected an object."),
    (_typed(r"Expected non-nullable type {t} not to be null\."), "Expected a non-null value."),
    (_typed(r" is not defined by type {t}\."), " is not defined."),
    (_typed(r" used in position expecting type {t}\."), " used in position expecting a different type."),
    (_typed(r"Cannot query field {f} on type {t}\."), "Cannot query field {f}."),
    (_typed(r"Field {f} of type {t} must have a selection of subfields\."),
     "Field {f} must have a selection of subfields."),
)
_FRAGMENT = re.compile(r"objects of type ['\"](?P<a>[^'\"]+)['\"] can never be of type ['\"](?P<b>[^'\"]+)['\"]\.")


def redact(message: str, source: str | None) -> str:
    """`message` without the schema identifiers the caller did not write in `source`."""
    written = set(_TOKENS.split(source)) if source else set()

    def known(type_name: str) -> bool:
        return type_name.strip("[]!") in written

    message = _SUGGESTION.sub("", message)
    message = _REQUIRED_FIELD.sub("Field of required type was not provided.", message)
    for pattern, hidden in _TYPED:
        message = pattern.sub(lambda m, hidden=hidden: m.group(0) if known(m.group("t"))
                              else hidden.format(f=m.groupdict().get("f")), message)

    def fragment(m: re.Match[str]) -> str:
        a = f"type '{m.group('a')}'" if known(m.group("a")) else "the parent type"
        b = f"type '{m.group('b')}'" if known(m.group("b")) else "the given type"
        return f"objects of {a} can never be of {b}."

    return _FRAGMENT.sub(fragment, message)


def redact_errors(body: dict[str, Any], source: str | None) -> dict[str, Any]:
    """The response body with every error message redacted (in place)."""
    for error in body.get("errors", ()):
        if isinstance(error.get("message"), str):
            error["message"] = redact(error["message"], source)
    return body
