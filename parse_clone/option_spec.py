"""One configuration option (a row of options_table.py) and how a value of its type is read.

Values come as text (an env variable, a flag) or as JSON (a config file). Each type reads as
Parse Server's parser of the same name does, but strictly: a value that is not of the type
raises ConfigError naming the option, its env variable and what was expected, never a guess.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from typing import Any, Callable

IMPLEMENTED = "implemented"
NOT_IMPLEMENTED = "not implemented"
EXTENSION = "extension"  # this server's own option; Parse Server has no such option

_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")

EXPECTED = {  # type -> what the error message says was expected
    "string": "a string", "number": "a number", "boolean": "a boolean (true or false)",
    "array": "an array (JSON, or comma-separated text)", "object": "a JSON object",
    "module|object": "a module name or a JSON object", "number|boolean": "a number or a boolean",
    "number|string": "a number or a string", "function": "a function (Python configuration only)",
    "boolean|function": "a boolean (true or false)", "string|function": "a string",
    "string|object": "a file path or a JSON object",
    "json": "a JSON value",
}


@dataclass(frozen=True)
class Option:
    """name: Parse's option name, dotted inside a group ("accountLockout.duration"; "rateLimit[].zone"
    for the members of an array of objects, "auth.*.enabled" for each key of a map)."""

    name: str
    env: str | None
    type: str
    default: Any  # Parse Server's default (None: it has none); ServerConfig holds the default used here
    state: str
    help: str

    @property
    def top(self) -> str:
        """The top-level option this one belongs to ("accountLockout" for "accountLockout.duration")."""
        return self.name.split(".", 1)[0].removesuffix("[]")

    @property
    def nested(self) -> bool:
        return "." in self.name

    @property
    def addressable(self) -> bool:
        """Can a flag or an env variable set this one value (not inside an array or a map)?"""
        return "[]" not in self.name and ".*" not in self.name


class ConfigError(ValueError):
    """A configuration that must not start: unknown option, malformed value, several apps."""


def describe(option: Option) -> str:
    """'accountLockout.duration (env PARSE_SERVER_ACCOUNT_LOCKOUT_DURATION)'."""
    return f"{option.name} (env {option.env})" if option.env else option.name


def bad_value(option: Option, value: Any, kind: str | None = None) -> ConfigError:
    shown = value if isinstance(value, str) else json.dumps(value, default=str)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return ConfigError(f"option {describe(option)}: expected {EXPECTED.get(kind or option.type, kind)}, "
                       f"got {shown!r}")


def _number(option: Option, value: Any) -> int | float:
    if isinstance(value, bool):
        raise bad_value(option, value, "number")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            try:
                number = float(value.strip())
            except ValueError:
                raise bad_value(option, value, "number") from None
            if number == number and number not in (float("inf"), float("-inf")):
                return int(number) if number.is_integer() else number
    raise bad_value(option, value, "number")


def _boolean(option: Option, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    raise bad_value(option, value, "boolean")


def _json(option: Option, value: str, kind: str) -> Any:
    try:
        return json.loads(value)
    except ValueError as e:
        raise ConfigError(f"option {describe(option)}: expected {EXPECTED[kind]}, got invalid JSON "
                          f"({e.msg} at character {e.pos})") from None


def _array(option: Option, value: Any) -> list:
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        if value.lstrip().startswith("["):
            parsed = _json(option, value, "array")
            if isinstance(parsed, list):
                return parsed
            raise bad_value(option, value, "array")
        return [part.strip() for part in value.split(",") if part.strip()]
    raise bad_value(option, value, "array")


def _object(option: Option, value: Any) -> dict:
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        parsed = _json(option, value, "object")
        if isinstance(parsed, dict):
            return parsed
    raise bad_value(option, value, "object")


def _module_or_object(option: Option, value: Any, kind: str = "module|object") -> Any:
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        return _object(option, value) if value.lstrip().startswith("{") else value
    raise bad_value(option, value, kind)


def _string(option: Option, value: Any) -> str:
    if isinstance(value, str):
        return value
    raise bad_value(option, value, "string")


def read_value(option: Option, value: Any, kind: str | None = None) -> Any:
    """`value` (text, or already JSON) as a value of the option's type; ConfigError when it is not one."""
    kind = kind or option.type
    if kind == "number":
        return _number(option, value)
    if kind in ("boolean", "boolean|function"):
        return value if callable(value) else _boolean(option, value)
    if kind == "array":
        return _array(option, value)
    if kind == "object":
        return _object(option, value)
    if kind in ("module|object", "string|object"):
        return _module_or_object(option, value, kind)
    if kind == "number|boolean":
        if isinstance(value, bool) or (isinstance(value, str) and value.strip().lower() in ("true", "false")):
            return _boolean(option, value)
        return _number(option, value)
    if kind == "number|string":
        if isinstance(value, str):
            try:
                return _number(option, value)
            except ConfigError:
                return value
        return _number(option, value)
    if kind == "json":  # Parse Server's objectParser: text is JSON-parsed, any other value taken as given
        return _json(option, value, kind) if isinstance(value, str) else value
    if kind in ("function", "string|function"):
        if callable(value) or (kind == "string|function" and isinstance(value, str)):
            return value
        raise bad_value(option, value, kind)
    return _string(option, value)


def load_callable(value: Any, option: str) -> Callable[..., Any]:
    """A function option's value: a callable as it is, or "module:function" imported; ValueError naming
    `option` otherwise."""
    if callable(value):
        return value
    if isinstance(value, str) and ":" in value:
        module_name, _, attr = value.partition(":")
        try:
            found = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError) as e:
            raise ValueError(f"{option}: cannot load {value!r}: {e}") from e
        if callable(found):
            return found
    raise ValueError(f"{option} must be a function.")
