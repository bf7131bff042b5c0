"""`Cloud`: the registry of one server's hooks, functions and jobs, filled through decorators.

    from parse_clone.cloud import Cloud, Field, ParseError

    cloud = Cloud()   # in a file of the cloud folder; the loader merges it into the server's

    @cloud.before_save("Job", fields={"title": Field(type=str, required=True)})
    async def stamp(req):
        req.object["status"] = req.object.get("status") or "open"

    @cloud.define
    async def hello(req):
        return f"Hello {req.params.get('name', 'world')}"

Hooks may be `async def` or plain functions (which run in a worker thread). Each server has its
own registry (`server.cloud`), so two servers in one process can run different hooks.
"""

from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass
from typing import Any, Callable, TypeVar, overload

from .errors import CloudRegistrationError
from .validators import RateLimiter, Validator, ValidatorFunction

log = logging.getLogger("parse_clone.cloud")

H = TypeVar("H", bound=Callable[..., Any])

# Python name -> Parse's name (used by webhooks and in messages).
TRIGGER_NAMES = {
    "before_save": "beforeSave", "after_save": "afterSave",
    "before_delete": "beforeDelete", "after_delete": "afterDelete",
    "before_find": "beforeFind", "after_find": "afterFind",
    "before_login": "beforeLogin", "after_login": "afterLogin", "after_logout": "afterLogout",
    "before_save_file": "beforeSaveFile", "after_save_file": "afterSaveFile",
    "before_delete_file": "beforeDeleteFile", "after_delete_file": "afterDeleteFile",
    "before_connect": "beforeConnect", "before_subscribe": "beforeSubscribe",
    "after_live_query_event": "afterLiveQueryEvent",
}
PARSE_TRIGGER_NAMES = {v: k for k, v in TRIGGER_NAMES.items()}
FILE_CLASS = "@File"  # file triggers are kept under this pseudo class name, as in Parse
CONNECT_CLASS = "@Connect"  # and beforeConnect under this one


@dataclass(frozen=True)
class Hook:
    """One registered handler with its validator and where it was defined."""

    handler: Callable[..., Any]
    validator: Validator | ValidatorFunction | None
    label: str  # "beforeSave Job", "function hello", "job nightly"
    source: str  # "path/file.py:12", or the webhook url
    webhook: bool = False


def _source_of(handler: Callable[..., Any]) -> str:
    target = inspect.unwrap(handler)
    try:
        path = inspect.getsourcefile(target) or "?"
        line = target.__code__.co_firstlineno  # type: ignore[attr-defined]
    except (TypeError, AttributeError):
        return repr(handler)
    return f"{path}:{line}"


def check_trigger_class(kind: str, class_name: str) -> None:
    """Parse's rules on which classes a trigger may target; CloudRegistrationError otherwise."""
    if kind == "before_save" and class_name == "_PushStatus":
        raise CloudRegistrationError("Only afterSave is allowed on _PushStatus")
    if kind in ("before_login", "after_login") and class_name != "_User":
        raise CloudRegistrationError("Only the _User class is allowed for the beforeLogin and afterLogin triggers")
    if kind == "after_logout" and class_name != "_Session":
        raise CloudRegistrationError("Only the _Session class is allowed for the afterLogout trigger.")
    if class_name == "_Session" and kind != "after_logout":
        raise CloudRegistrationError("Only the afterLogout trigger is allowed for the _Session class.")


class Cloud:
    """Hooks, functions and jobs of one server (or of one cloud-code file, merged by the loader)."""

    def __init__(self, *, timeout: float | None = None) -> None:
        """`timeout`: seconds a hook or function may run (None: the server's `cloudTimeout`)."""
        self.timeout = timeout
        self._triggers: dict[tuple[str, str], Hook] = {}
        self._functions: dict[str, Hook] = {}
        self._jobs: dict[str, Hook] = {}
        # Webhooks registered through /hooks take precedence over Python hooks of the same name.
        self._webhook_triggers: dict[tuple[str, str], Hook] = {}
        self._webhook_functions: dict[str, Hook] = {}
        self.rate_limiter = RateLimiter()

    # ----- lookups (used by the core layer) -----

    def trigger(self, kind: str, class_name: str) -> Hook | None:
        """The hook for a trigger type on a class, or None."""
        key = (kind, class_name)
        return self._webhook_triggers.get(key) or self._triggers.get(key)

    def has(self, kind: str, class_name: str) -> bool:
        """Is there a hook for this trigger type on this class?"""
        key = (kind, class_name)
        return key in self._triggers or key in self._webhook_triggers

    def function(self, name: str) -> Hook | None:
        """A cloud function by name, or None."""
        return self._webhook_functions.get(name) or self._functions.get(name)

    def get_job(self, name: str) -> Hook | None:
        """A job by name, or None."""
        return self._jobs.get(name)

    def function_names(self) -> list[str]:
        """Every defined function."""
        return sorted({*self._functions, *self._webhook_functions})

    def job_names(self) -> list[str]:
        """Every defined job."""
        return sorted(self._jobs)

    def is_empty(self) -> bool:
        """Nothing registered at all?"""
        return not (self._triggers or self._functions or self._jobs or self._webhook_triggers
                    or self._webhook_functions)

    # ----- registering -----

    def _add_trigger(self, kind: str, class_name: str, handler: Callable[..., Any],
                     validator: Validator | ValidatorFunction | None) -> None:
        if not isinstance(class_name, str) or not class_name:
            raise CloudRegistrationError(f"{kind} needs a class name, got {class_name!r}")
        if not callable(handler):
            raise CloudRegistrationError(f"{kind} {class_name}: the handler must be callable")
        check_trigger_class(kind, class_name)
        key = (kind, class_name)
        if key in self._triggers:
            log.warning("%s on %s is registered twice; the one at %s wins", TRIGGER_NAMES[kind], class_name,
                        _source_of(handler))
        self._triggers[key] = Hook(handler, validator, f"{TRIGGER_NAMES[kind]} {class_name}", _source_of(handler))

    def _trigger_decorator(self, kind: str, class_name: Any, handler: Callable[..., Any] | None,
                           validator: Any, options: dict[str, Any]) -> Any:
        rules = _validator(validator, options, f"{kind}({class_name!r})")
        if handler is not None:
            self._add_trigger(kind, class_name, handler, rules)
            return handler

        def register(func: H) -> H:
            self._add_trigger(kind, class_name, func, rules)
            return func
        return register

    def before_save(self, class_name: str, handler: Callable[..., Any] | None = None, *,
                    validator: Any = None, **options: Any) -> Any:
        """Run before an object of `class_name` is created or updated.

        Change ``req.object`` to change what is stored (the changes are echoed to the client);
        raise to refuse the write (a ParseError keeps its code, anything else is 141).
        """
        return self._trigger_decorator("before_save", class_name, handler, validator, options)

    def after_save(self, class_name: str, handler: Callable[..., Any] | None = None, *,
                   validator: Any = None, **options: Any) -> Any:
        """Run after an object of `class_name` was saved; errors are logged, the write stays.

        Returning a dict replaces the response body (as in Parse Server)."""
        return self._trigger_decorator("after_save", class_name, handler, validator, options)

    def before_delete(self, class_name: str, handler: Callable[..., Any] | None = None, *,
                      validator: Any = None, **options: Any) -> Any:
        """Run before an object is deleted; raise to refuse."""
        return self._trigger_decorator("before_delete", class_name, handler, validator, options)

    def after_delete(self, class_name: str, handler: Callable[..., Any] | None = None, *,
                     validator: Any = None, **options: Any) -> Any:
        """Run after an object was deleted; an error reaches the client (the object is gone)."""
        return self._trigger_decorator("after_delete", class_name, handler, validator, options)

    def before_find(self, class_name: str, handler: Callable[..., Any] | None = None, *,
                    validator: Any = None, **options: Any) -> Any:
        """Run before a find or get: change ``req.query`` or return a new Query."""
        return self._trigger_decorator("before_find", class_name, handler, validator, options)

    def after_find(self, class_name: str, handler: Callable[..., Any] | None = None, *,
                   validator: Any = None, **options: Any) -> Any:
        """Run on a find's results (``req.objects``); return a list to replace them."""
        return self._trigger_decorator("after_find", class_name, handler, validator, options)

    def before_login(self, handler: Callable[..., Any] | None = None, *, validator: Any = None,
                     **options: Any) -> Any:
        """Run when a user logs in with username/email and password, before the session exists;
        ``req.object`` is the user. Raise to refuse the login."""
        return self._trigger_decorator("before_login", "_User", handler, validator, options)

    def after_login(self, handler: Callable[..., Any] | None = None, *, validator: Any = None,
                    **options: Any) -> Any:
        """Run after a login created its session; ``req.object`` and ``req.user`` are the user."""
        return self._trigger_decorator("after_login", "_User", handler, validator, options)

    def after_logout(self, handler: Callable[..., Any] | None = None, *, validator: Any = None,
                     **options: Any) -> Any:
        """Run after a logout; ``req.object`` is the deleted `_Session`."""
        return self._trigger_decorator("after_logout", "_Session", handler, validator, options)

    def before_save_file(self, handler: Callable[..., Any] | None = None, *, validator: Any = None,
                         **options: Any) -> Any:
        """Run before a file upload is stored; change ``req.file`` (name, content_type, metadata, tags)."""
        return self._trigger_decorator("before_save_file", FILE_CLASS, handler, validator, options)

    def after_save_file(self, handler: Callable[..., Any] | None = None, *, validator: Any = None,
                        **options: Any) -> Any:
        """Run after a file was stored."""
        return self._trigger_decorator("after_save_file", FILE_CLASS, handler, validator, options)

    def before_delete_file(self, handler: Callable[..., Any] | None = None, *, validator: Any = None,
                           **options: Any) -> Any:
        """Run before a file is deleted; raise to refuse."""
        return self._trigger_decorator("before_delete_file", FILE_CLASS, handler, validator, options)

    def after_delete_file(self, handler: Callable[..., Any] | None = None, *, validator: Any = None,
                          **options: Any) -> Any:
        """Run after a file was deleted."""
        return self._trigger_decorator("after_delete_file", FILE_CLASS, handler, validator, options)

    # LiveQuery hooks: run by the LiveQuery server (parse_clone/livequery/hooks.py documents them).

    def before_connect(self, handler: Callable[..., Any] | None = None) -> Any:
        """Run before a LiveQuery client is registered; raising refuses the connection."""
        return self._trigger_decorator("before_connect", CONNECT_CLASS, handler, None, {})

    def before_subscribe(self, class_name: str, handler: Callable[..., Any] | None = None) -> Any:
        """Run before a LiveQuery subscription on `class_name`; edit or replace ``req.query``, raise to refuse."""
        return self._trigger_decorator("before_subscribe", class_name, handler, None, {})

    def after_live_query_event(self, class_name: str, handler: Callable[..., Any] | None = None) -> Any:
        """Run before a LiveQuery event on `class_name` is sent; ``req.send_event = False`` suppresses it."""
        return self._trigger_decorator("after_live_query_event", class_name, handler, None, {})

    @overload
    def define(self, name: H) -> H: ...

    @overload
    def define(self, name: str | None = None, handler: Callable[..., Any] | None = None, *,
               validator: Any = None, **options: Any) -> Any: ...

    def define(self, name: Any = None, handler: Callable[..., Any] | None = None, *,
               validator: Any = None, **options: Any) -> Any:
        """Define a cloud function, called with ``POST /functions/<name>`` (``Parse.Cloud.run``).

        ``@cloud.define`` uses the Python function's name; ``@cloud.define("name")`` another one.
        The return value (JSON, CloudObjects, datetimes...) is the client's ``result``.
        """
        if callable(name) and handler is None:
            return self.define(None, name, validator=validator, **options)
        rules = _validator(validator, options, f"define({name!r})")

        def register(func: H) -> H:
            fname = name or getattr(func, "__name__", None)
            if not isinstance(fname, str) or not fname:
                raise CloudRegistrationError("a cloud function needs a name")
            if not callable(func):
                raise CloudRegistrationError(f"function {fname}: the handler must be callable")
            if fname in self._functions:
                log.warning("cloud function %s is defined twice; the one at %s wins", fname, _source_of(func))
            self._functions[fname] = Hook(func, rules, f"function {fname}", _source_of(func))
            return func
        return register(handler) if handler is not None else register

    def job(self, name: Any = None, handler: Callable[..., Any] | None = None) -> Any:
        """Define a background job, started with ``POST /jobs/<name>`` and the master key.

        The job runs after the response; its outcome goes to `_JobStatus` (a returned string
        becomes the status message, an exception marks it failed).
        """
        if callable(name) and handler is None:
            return self.job(None, name)

        def register(func: H) -> H:
            jname = name or getattr(func, "__name__", None)
            if not isinstance(jname, str) or not jname:
                raise CloudRegistrationError("a job needs a name")
            if jname in self._jobs:
                log.warning("job %s is defined twice; the one at %s wins", jname, _source_of(func))
            self._jobs[jname] = Hook(func, None, f"job {jname}", _source_of(func))
            return func
        return register(handler) if handler is not None else register

    # ----- merging and webhooks -----

    def include(self, other: "Cloud") -> None:
        """Add everything `other` registered (later registrations win)."""
        self._triggers.update(other._triggers)
        self._functions.update(other._functions)
        self._jobs.update(other._jobs)

    def set_webhook_trigger(self, kind: str, class_name: str, handler: Callable[..., Any], url: str) -> None:
        """Route a trigger to a webhook (checked like any trigger)."""
        check_trigger_class(kind, class_name)
        self._webhook_triggers[(kind, class_name)] = Hook(handler, None, f"{TRIGGER_NAMES[kind]} {class_name}",
                                                          url, webhook=True)

    def set_webhook_function(self, name: str, handler: Callable[..., Any], url: str) -> None:
        """Route a cloud function to a webhook."""
        self._webhook_functions[name] = Hook(handler, None, f"function {name}", url, webhook=True)

    def remove_webhook_trigger(self, kind: str, class_name: str) -> None:
        """Stop routing a trigger to its webhook (a Python hook of that name applies again)."""
        self._webhook_triggers.pop((kind, class_name), None)

    def remove_webhook_function(self, name: str) -> None:
        """Stop routing a function to its webhook."""
        self._webhook_functions.pop(name, None)


def _validator(validator: Any, options: dict[str, Any], where: str) -> Validator | ValidatorFunction | None:
    if validator is not None and options:
        raise CloudRegistrationError(f"{where}: pass either validator= or validator options, not both")
    if validator is not None:
        if isinstance(validator, dict):
            validator = _options_validator(validator, where)
        elif not isinstance(validator, Validator) and not callable(validator):
            raise CloudRegistrationError(f"{where}: validator must be a Validator, a dict or a function")
        return validator
    return _options_validator(options, where)


def _options_validator(options: dict[str, Any], where: str) -> Validator | None:
    try:
        return Validator.from_options(options)
    except (TypeError, ValueError) as e:
        raise CloudRegistrationError(f"{where}: {e}") from None
