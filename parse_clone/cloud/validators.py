"""Validators: Parse's declarative validator options in Python form, and the code that checks them.

    @cloud.before_save("Job", require_user=True,
                       fields={"title": Field(type=str, required=True),
                               "status": Field(options=["open", "done"], default="open")})

A failed check answers 142 VALIDATION_ERROR with a message naming the field; `rate_limit`
answers 429 with code 100. A validator may also be a function (sync or async) that raises.
"""

from __future__ import annotations

import inspect
import time
from dataclasses import dataclass, fields as dc_fields
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Sequence, Union

from ..errors import ParseError

if TYPE_CHECKING:
    from .requests import Request

_MISSING = object()


@dataclass
class Field:
    """Rules for one field of the object (triggers) or one parameter (functions).

    `type`: a Python type (str, int or float for numbers, bool, list, dict) or a tuple of them;
    `required`: must be set (not None); `default`: fills a missing value (and is saved);
    `options`: allowed values, or a predicate (sync or async) returning truthy for a valid value;
    `constant`: on update the client's change is dropped, on create the default is forced;
    `error`: the message used instead of the generated one.
    """

    type: type | tuple[type, ...] | None = None
    required: bool = False
    default: Any = None
    options: Sequence[Any] | Callable[[Any], Any] | None = None
    constant: bool = False
    error: str | None = None


@dataclass
class RateLimit:
    """At most `requests` calls per `window` seconds, counted per `zone`.

    `zone`: "ip" (default), "user", "session" or "global". Master-key calls are not counted
    unless `include_master_key`.
    """

    requests: int
    window: float
    message: str = "Too many requests."
    zone: str = "ip"
    include_master_key: bool = False

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> "RateLimit":
        """From snake_case keys, or Parse Server's validator rateLimit keys (requestCount, requestTimeWindow
        in ms, errorResponseMessage, zone, includeMasterKey); ValueError names an unknown key."""
        if not any(key in _PARSE_RATE_LIMIT_KEYS and key != "zone" for key in options):  # zone: both forms
            return cls(**options)
        for key in options:
            if key not in _PARSE_RATE_LIMIT_KEYS:
                raise ValueError(f'Invalid rate limit option "{key}"')
        for key in ("requestCount", "requestTimeWindow"):
            value = options.get(key)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"rateLimit.{key} must be a number")
        return cls(requests=int(options["requestCount"]), window=options["requestTimeWindow"] / 1000,
                   message=options.get("errorResponseMessage") or "Too many requests.",
                   zone=options.get("zone") or "ip", include_master_key=bool(options.get("includeMasterKey")))

    def __post_init__(self) -> None:
        if self.zone not in ("ip", "user", "session", "global"):
            raise ValueError(f"rate_limit zone must be ip, user, session or global, not {self.zone!r}")
        if self.requests < 0 or self.window <= 0:
            raise ValueError("rate_limit needs requests >= 0 and a positive window")


# Parse Server's names (a cloud rate limit is always per hook, so no requestPath or requestMethods; the
# counters are this process's, so no redisUrl; cloud code never calls itself over HTTP).
_PARSE_RATE_LIMIT_KEYS = ("requestCount", "requestTimeWindow", "errorResponseMessage", "zone", "includeMasterKey",
                          "includeInternalRequests")


RoleSpec = Union[Sequence[str], Callable[[], Any], None]


@dataclass
class Validator:
    """The validator options of one hook (Parse's names in snake_case)."""

    require_user: bool = False
    require_master: bool = False
    validate_master_key: bool = False
    skip_with_master_key: bool = False
    fields: Sequence[str] | dict[str, Field] | None = None
    require_user_keys: Sequence[str] | dict[str, Field] | None = None
    require_any_user_roles: RoleSpec = None
    require_all_user_roles: RoleSpec = None
    rate_limit: RateLimit | None = None

    def __post_init__(self) -> None:
        if isinstance(self.fields, dict):
            self.fields = {k: _as_field(k, v) for k, v in self.fields.items()}
        if isinstance(self.require_user_keys, dict):
            self.require_user_keys = {k: _as_field(k, v) for k, v in self.require_user_keys.items()}
        if isinstance(self.rate_limit, dict):
            self.rate_limit = RateLimit.from_options(self.rate_limit)

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> "Validator | None":
        """A Validator from decorator keyword arguments; ValueError names an unknown option."""
        if not options:
            return None
        known = {f.name for f in dc_fields(cls)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise ValueError(f"unknown validator option(s): {', '.join(unknown)} "
                             f"(known: {', '.join(sorted(known))})")
        return cls(**options)


ValidatorFunction = Callable[["Request"], Union[None, Awaitable[None]]]


def _as_field(name: str, value: Any) -> Field:
    if isinstance(value, Field):
        return value
    if isinstance(value, dict):
        return Field(**value)
    if isinstance(value, type) or isinstance(value, tuple):
        return Field(type=value)
    raise ValueError(f"fields[{name!r}] must be a Field, a dict of Field options or a type")


def _fail(message: str) -> ParseError:
    return ParseError(ParseError.VALIDATION_ERROR, message)


class RateLimiter:
    """Fixed-window counters per (hook, zone key), kept in memory by one registry."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._windows: dict[tuple[str, str], tuple[float, int]] = {}

    def hit(self, hook_key: str, zone_key: str, limit: RateLimit) -> bool:
        """Count one call; False when it goes over the limit."""
        now = self._clock()
        key = (hook_key, zone_key)
        start, count = self._windows.get(key, (now, 0))
        if now - start >= limit.window:
            start, count = now, 0
        count += 1
        self._windows[key] = (start, count)
        if len(self._windows) > 10_000:  # forget expired windows now and then
            self._windows = {k: v for k, v in self._windows.items() if now - v[0] < limit.window}
        return count <= limit.requests


def check_rate_limit(limiter: RateLimiter, hook_key: str, limit: RateLimit, req: "Request") -> None:
    """429 code 100 when the caller is over the hook's rate limit."""
    if req.master and not limit.include_master_key:
        return
    if limit.zone == "global":
        zone_key = "*"
    elif limit.zone == "user" and req.user is not None:
        zone_key = "user:" + str(req.user.id)
    elif limit.zone == "session" and req.session_token:
        zone_key = "session:" + req.session_token
    else:
        zone_key = "ip:" + (req.ip or "")
    if not limiter.hit(hook_key, zone_key, limit):
        raise ParseError(ParseError.CONNECTION_FAILED, limit.message, http_status=429)


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def _type_name(expected: type | tuple[type, ...]) -> str:
    names = {str: "string", int: "number", float: "number", bool: "boolean", list: "array", dict: "object"}
    types = expected if isinstance(expected, tuple) else (expected,)
    return " or ".join(dict.fromkeys(names.get(t, t.__name__) for t in types))


def _type_ok(value: Any, expected: type | tuple[type, ...]) -> bool:
    types = expected if isinstance(expected, tuple) else (expected,)
    for t in types:
        if t in (int, float):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return True
        elif t is bool:
            if isinstance(value, bool):
                return True
        elif isinstance(value, t):
            return True
    return False


async def _check_options(rule: Field, key: str, value: Any) -> None:
    options = rule.options
    if callable(options):
        try:
            ok = await _maybe_await(options(value))
        except ParseError:
            raise
        except Exception as e:  # noqa: BLE001 - a predicate's own message is the validation message
            raise _fail(rule.error or str(e) or f"Validation failed. Invalid value for {key}.") from None
        if not ok:
            raise _fail(rule.error or f"Validation failed. Invalid value for {key}.")
        return
    allowed = list(options) if isinstance(options, (list, tuple, set, frozenset)) else [options]
    if value not in allowed:
        expected = ", ".join(str(o) for o in allowed)
        raise _fail(rule.error or f"Validation failed. Invalid option for {key}. Expected: {expected}")


def _value_source(req: "Request") -> tuple[dict[str, Any], Any]:
    obj = getattr(req, "object", None)
    if obj is not None and hasattr(obj, "to_json"):
        return obj.to_json(), obj
    return getattr(req, "params", None) or {}, None


async def _check_fields(validator: Validator, req: "Request") -> None:
    values, obj = _value_source(req)

    def require(key: str, rule: Field | None = None) -> None:
        if values.get(key) is None:
            raise _fail((rule.error if rule else None) or f"Validation failed. Please specify data for {key}.")

    if validator.fields is None:
        return
    if not isinstance(validator.fields, dict):
        for key in validator.fields:
            require(key)
        return
    for key, rule in validator.fields.items():
        value = values.get(key, _MISSING)
        if rule.default is not None and value in (None, _MISSING):
            value = values[key] = rule.default
            params = getattr(req, "params", None)
            if obj is not None:
                obj.set(key, rule.default)
            elif isinstance(params, dict):
                params[key] = rule.default
        if rule.constant and obj is not None:
            if getattr(req, "original", None) is not None:
                obj.revert(key)
                value = values[key] = obj.get(key)
            elif rule.default is not None:
                obj.set(key, rule.default)
                value = rule.default
        if rule.required:
            require(key, rule)
        if value is _MISSING or (value is None and not rule.required):
            continue
        if rule.type is not None and not _type_ok(value, rule.type):
            raise _fail(rule.error or f"Validation failed. Invalid type for {key}. Expected: {_type_name(rule.type)}")
        if rule.options is not None:
            await _check_options(rule, key, value)


async def _resolve_roles(spec: RoleSpec) -> list[str] | None:
    if spec is None:
        return None
    names = await _maybe_await(spec()) if callable(spec) else spec
    return [str(r) for r in names] if names is not None else None


async def _check_roles(validator: Validator, req: "Request") -> None:
    any_of = await _resolve_roles(validator.require_any_user_roles)
    all_of = await _resolve_roles(validator.require_all_user_roles)
    held = set(req.roles)
    if any_of is not None and not any(r in held for r in any_of):
        raise _fail("Validation failed. User does not match the required roles.")
    if all_of is not None and not all(r in held for r in all_of):
        raise _fail("Validation failed. User does not match all the required roles.")


async def _check_user_keys(validator: Validator, user: Any) -> None:
    keys = validator.require_user_keys
    if keys is None:
        return
    if not isinstance(keys, dict):
        for key in keys:
            if user is None:
                raise _fail("Please login to make this request.")
            if user.get(key) is None:
                raise _fail(f"Validation failed. Please set data for {key} on your account.")
        return
    for key, rule in keys.items():
        if user is None:
            raise _fail("Please login to make this request.")
        value = user.get(key)
        if rule.required and value is None:
            raise _fail(rule.error or f"Validation failed. Please set data for {key} on your account.")
        if rule.options is not None:
            await _check_options(rule, key, value)


async def run_validator(validator: Validator | ValidatorFunction, req: "Request") -> None:
    """Check `req` against a hook's validator; ParseError 142 (or the function's own error)."""
    if not isinstance(validator, Validator):
        try:
            await _maybe_await(validator(req))
        except ParseError:
            raise
        except Exception as e:  # noqa: BLE001 - a validator function's failure is a validation error
            raise _fail(str(e) or "Validation failed.") from None
        return
    if req.master and not validator.validate_master_key:
        return
    user = req.user
    obj = getattr(req, "object", None)
    if user is None and obj is not None and getattr(obj, "class_name", None) == "_User" and obj.is_new:
        user = obj  # a signing-up user counts as the logged-in user
    needs_user = validator.require_user or validator.require_any_user_roles or validator.require_all_user_roles
    if needs_user and user is None:
        raise _fail("Validation failed. Please login to continue.")
    if validator.require_master and not req.master:
        raise _fail("Validation failed. Master key is required to complete this request.")
    await _check_fields(validator, req)
    await _check_roles(validator, req)
    await _check_user_keys(validator, user)


__all__ = ["Field", "RateLimit", "Validator", "RateLimiter", "run_validator", "check_rate_limit"]
