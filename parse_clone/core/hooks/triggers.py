"""Trigger invocation: where writes, finds, logins and file operations call the cloud registry.

Each entry point costs one dict lookup when no hook is registered for the class. A hook runs
with its validator, the server's timeout (`cloudCodeTimeout`), Parse's error mapping (a
ParseError keeps its code; any other exception is 141 and its traceback is logged) and a guard
against re-entering itself through its own writes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ...cloud.data import Database
from ...cloud.errors import HookTimeout, as_parse_error
from ...cloud.objects import CloudObject
from ...cloud.query import Query
from ...cloud.registry import FILE_CLASS, Hook
from ...cloud.requests import AfterFindRequest, FileRequest, FindRequest, Request, TriggerRequest
from ...cloud.runner import call_hook
from ...cloud.validators import Validator, check_rate_limit, run_validator
from ...storage.base import ClassSchema, FindOptions
from ..permissions.protected import protected_fields_for
from ..runtime.auth import Auth
from .outcome_log import HookOutcome
from ..runtime.call import CallInfo, bind_call, current_call, unbind_call, with_running
from ...errors import ParseError
from ...language.transform import decode_object

if TYPE_CHECKING:
    from ..runtime.server import Server

log = logging.getLogger("parse_clone.cloud")
_SERVER_KEYS = ("objectId", "createdAt", "updatedAt")


# ----- running one hook -----

def hook_for(server: "Server", kind: str, class_name: str) -> Hook | None:
    """The hook to run, or None (none registered, or it is the one running now)."""
    hook = server.cloud.trigger(kind, class_name)
    if hook is None or (kind, class_name) in current_call().running:
        return None
    return hook


def timeout_of(server: "Server") -> float | None:
    """Seconds a hook may run (None: no limit)."""
    if server.cloud.timeout is not None:
        return server.cloud.timeout or None
    ms = server.config.cloudCodeTimeout
    return ms / 1000 if ms and ms > 0 else None


def request_base(server: "Server", auth: Auth, call: CallInfo, *, db_auth: Auth | None = None) -> dict[str, Any]:
    """The fields every request object shares, for a caller with `auth`."""
    if server.data_source is None:
        raise RuntimeError("this Server has no data source: build it with app.build_server")
    db = Database(server.data_source(server, db_auth or auth))
    user = CloudObject("_User", auth.user, db=db) if auth.user else None
    return {"db": db, "master": auth.is_master, "user": user, "installation_id": auth.installation_id,
            "ip": call.ip, "headers": {str(k).lower(): v for k, v in call.headers.items()},
            "context": dict(call.context),
            "roles": [r[5:] for r in auth.roles if r.startswith("role:")], "session_token": auth.session_token,
            "log": log}


class Skipped:
    """The hook was not run (skip_with_master_key)."""


SKIPPED = Skipped()


async def run_hook(server: "Server", hook: Hook, kind: str, class_name: str, req: Request,
                   wrap_errors: bool = True, skippable: bool = True) -> Any:
    """Validate and run one hook; its return value, or SKIPPED. Errors as ParseErrors (see module doc).

    `skippable`: honour skip_with_master_key (triggers only, as in Parse);
    `wrap_errors`: turn other exceptions into 141 (file triggers map them themselves).
    The outcome is logged as Parse Server does (outcome_log.py, levels from logLevels)."""
    outcome = HookOutcome(server, kind, class_name, req)
    try:
        result = await _run_hook(server, hook, kind, class_name, req, wrap_errors, skippable)
    except ParseError as e:
        outcome.failed(e)
        raise
    outcome.succeeded(result)
    return result


async def _run_hook(server: "Server", hook: Hook, kind: str, class_name: str, req: Request,
                    wrap_errors: bool, skippable: bool) -> Any:
    validator = hook.validator
    if isinstance(validator, Validator) and validator.rate_limit is not None:
        check_rate_limit(server.cloud.rate_limiter, hook.label, validator.rate_limit, req)
    if validator is not None:
        await run_validator(validator, req)
        if skippable and isinstance(validator, Validator) and validator.skip_with_master_key and req.master:
            return SKIPPED
    call = current_call()
    token = bind_call(with_running(call, kind, class_name))
    try:
        return await call_hook(hook.handler, req, timeout_of(server), f"{hook.label} ({hook.source})")
    except ParseError:
        raise  # a refusal: outcome_log writes its line
    except HookTimeout as e:
        log.error("%s", e)
        raise ParseError(ParseError.SCRIPT_FAILED, f"{hook.label} timed out") from None
    except Exception as e:  # noqa: BLE001 - a hook's bug is the client's 141, with a traceback in the log
        log.exception("%s failed (%s)", hook.label, hook.source)
        if not wrap_errors:
            raise
        raise as_parse_error(e) from None
    finally:
        unbind_call(token)
        call.context.update(req.context)  # before-hooks pass context edits to after-hooks


def _wrong_return(hook: Hook, value: Any, expected: str) -> ParseError:
    log.error("%s (%s) returned %s; expected %s", hook.label, hook.source, type(value).__name__, expected)
    return ParseError(ParseError.SCRIPT_FAILED,
                      f"{hook.label} returned a {type(value).__name__}; expected {expected}")


def _rest(server: "Server", schema: ClassSchema | None, doc: dict[str, Any] | None) -> dict[str, Any]:
    if doc is None:
        return {}
    return decode_object(doc, schema["fields"] if schema else {}, server.file_url)


async def _trigger_view(server: "Server", auth: Auth, class_name: str, doc: dict[str, Any] | None,
                        written: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """A stored object as a trigger sees it: Parse Server reads the original with the requester's
    auth, so their protected fields are missing unless protectedFieldsTriggerExempt (fields this
    save writes, `written`, are shown whatever their protection)."""
    if doc is None or server.config.protectedFieldsTriggerExempt or auth.bypasses_permissions:
        return doc
    hidden = protected_fields_for(await server.schema.clp(class_name), auth, class_name, doc,
                                  server.config.protectedFieldsOwnerExempt)
    if not hidden:
        return doc
    keep = set(written or ())
    return {k: v for k, v in doc.items() if k not in hidden or k in keep}


async def _find_one(server: "Server", class_name: str, schema: ClassSchema, where: dict[str, Any]) -> dict[str, Any]:
    found = await server.storage.find(class_name, schema, where, FindOptions(limit=1))
    if not found:
        raise ParseError(ParseError.OBJECT_NOT_FOUND, "Object not found.")
    return found[0]


# ----- saves -----

@dataclass
class PreparedSave:
    """A write about to happen with save hooks: the body to write and the stored original."""

    body: dict[str, Any]
    original: dict[str, Any] | None
    echo: dict[str, Any] = field(default_factory=dict)


async def prepare_save(server: "Server", auth: Auth, class_name: str, schema: ClassSchema,
                       body: dict[str, Any], object_id: str | None,
                       where: dict[str, Any] | None = None) -> PreparedSave | None:
    """Run before_save (None when the class has no save hooks); 101 when an update's target is not writable.

    `object_id`/`where` are given for an update: `where` is the permission-restricted match.
    """
    before = hook_for(server, "before_save", class_name)
    if before is None and hook_for(server, "after_save", class_name) is None:
        return None
    original = await _find_one(server, class_name, schema, where or {"objectId": object_id}) \
        if object_id is not None else None
    prepared = PreparedSave(body=body, original=original)
    if before is None:
        return prepared
    call = current_call()
    original_rest = _rest(server, schema, original)
    seen_rest = _rest(server, schema, await _trigger_view(server, auth, class_name, original))
    base = request_base(server, auth, call)
    start = dict(seen_rest) if original is not None else (
        {"objectId": body["objectId"]} if isinstance(body.get("objectId"), str) else {})
    obj = CloudObject(class_name, start, changes=body, db=base["db"])
    orig = CloudObject(class_name, seen_rest, db=base["db"]) if original is not None else None
    req = TriggerRequest(**base, trigger_name="beforeSave", object=obj, original=orig)
    result = await run_hook(server, before, "before_save", class_name, req)
    if result is not None and result is not SKIPPED and result is not obj:
        raise _wrong_return(before, result, "None (change req.object instead)")
    new_body = obj.changes()
    if class_name == "_User" and "password" in new_body and "password" not in body:
        # passwords are hashed before this point; a hook's plain value would be stored as is
        raise ParseError(ParseError.SCRIPT_FAILED, f"{before.label} cannot set the password")
    new_body.update({k: body[k] for k in _SERVER_KEYS if k in body})  # custom ids, maintenance dates
    prepared.body = new_body
    prepared.echo = _echo_changes(body, new_body, original_rest if original is not None else None)
    return prepared


def _echo_changes(sent: dict[str, Any], written: dict[str, Any], original: dict[str, Any] | None) -> dict[str, Any]:
    """Fields whose written value differs from what the client sent (Parse echoes them)."""
    out: dict[str, Any] = {}
    for key, value in written.items():
        if key in _SERVER_KEYS or (key in sent and sent[key] == value):
            continue
        if isinstance(value, dict) and "__op" in value:
            if value["__op"] == "Delete":
                out[key] = value
            continue  # other ops: their results are echoed by the write itself
        out[key] = value
    for key in sent:  # changes the hook reverted: the stored value, or a Delete on create
        if key in written or key in _SERVER_KEYS:
            continue
        if original is None:
            out[key] = {"__op": "Delete"}
        elif original.get(key) is not None:
            out[key] = original[key]
    return out


async def finish_save(server: "Server", auth: Auth, class_name: str, schema: ClassSchema,
                      stored: dict[str, Any], prepared: PreparedSave, response: dict[str, Any]) -> dict[str, Any]:
    """Run after_save on the saved object (its errors are only logged); its answer may replace the response."""
    after = hook_for(server, "after_save", class_name)
    if after is None:
        return response
    base = request_base(server, auth, current_call())
    seen = await _trigger_view(server, auth, class_name, stored, prepared.body)
    obj = CloudObject(class_name, _rest(server, schema, seen), db=base["db"])
    original = await _trigger_view(server, auth, class_name, prepared.original)
    orig = CloudObject(class_name, _rest(server, schema, original), db=base["db"]) \
        if original is not None else None
    req = TriggerRequest(**base, trigger_name="afterSave", object=obj, original=orig)
    try:
        result = await run_hook(server, after, "after_save", class_name, req)
    except ParseError as e:
        log.warning("afterSave for %s failed after the write: %s %s", class_name, e.code, e.message)
        return response
    if isinstance(result, dict):
        return result  # Parse Server lets afterSave replace the response with plain JSON
    if result is not None and result is not SKIPPED and not isinstance(result, CloudObject):
        log.warning("%s returned a %s; ignored", after.label, type(result).__name__)
    return response


# ----- deletes -----

@dataclass
class PreparedDelete:
    """A delete about to happen with delete hooks: the stored object."""

    original: dict[str, Any]


async def prepare_delete(server: "Server", auth: Auth, class_name: str, schema: ClassSchema,
                         where: dict[str, Any]) -> PreparedDelete | None:
    """Run before_delete (None when the class has no delete hooks); 101 when nothing deletable matches."""
    before = hook_for(server, "before_delete", class_name)
    if before is None and hook_for(server, "after_delete", class_name) is None:
        return None
    prepared = PreparedDelete(await _find_one(server, class_name, schema, where))
    if before is not None:
        base = request_base(server, auth, current_call())
        seen = await _trigger_view(server, auth, class_name, prepared.original)
        obj = CloudObject(class_name, _rest(server, schema, seen), db=base["db"])
        await run_hook(server, before, "before_delete", class_name,
                       TriggerRequest(**base, trigger_name="beforeDelete", object=obj))
    return prepared


async def finish_delete(server: "Server", auth: Auth, class_name: str, schema: ClassSchema,
                        prepared: PreparedDelete) -> None:
    """Run after_delete; unlike after_save, its error reaches the client (the object is gone)."""
    after = hook_for(server, "after_delete", class_name)
    if after is None:
        return
    base = request_base(server, auth, current_call())
    seen = await _trigger_view(server, auth, class_name, prepared.original)
    obj = CloudObject(class_name, _rest(server, schema, seen), db=base["db"])
    await run_hook(server, after, "after_delete", class_name,
                   TriggerRequest(**base, trigger_name="afterDelete", object=obj))


# ----- finds -----

def _options_json(opts: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"where": opts.where, "limit": opts.limit, "skip": opts.skip, "order": opts.order,
                           "excludeKeys": opts.exclude_keys, "include": opts.include}
    if opts.keys is not None:
        out["keys"] = opts.keys
    return out


async def before_find(server: "Server", auth: Auth, class_name: str, opts: Any, is_get: bool) -> Any:
    """Run before_find: the (possibly changed) QueryOptions."""
    hook = hook_for(server, "before_find", class_name)
    if hook is None:
        return opts
    base = request_base(server, auth, current_call())
    query = Query.from_json(class_name, _options_json(opts), base["db"])
    req = FindRequest(**base, trigger_name="beforeFind", query=query, count=opts.count, is_get=is_get)
    result = await run_hook(server, hook, "before_find", class_name, req)
    if result is SKIPPED:
        return opts
    if result is not None and not isinstance(result, Query):
        raise _wrong_return(hook, result, "a Query or None")
    final = (result or req.query).to_json()
    include = [i for i in (final.get("include") or "").split(",") if i]
    return replace(opts, where=final["where"], limit=final.get("limit"), skip=int(final.get("skip") or 0),
                   order=[o for o in (final.get("order") or "").split(",") if o],
                   keys=[k for k in final["keys"].split(",") if k] if "keys" in final else None,
                   exclude_keys=[k for k in (final.get("excludeKeys") or "").split(",") if k],
                   include=include, include_all=opts.include_all or "*" in include)


async def after_find(server: "Server", auth: Auth, class_name: str, results: list[dict[str, Any]],
                     opts: Any) -> list[dict[str, Any]]:
    """Run after_find: the (possibly replaced) results."""
    hook = hook_for(server, "after_find", class_name)
    if hook is None:
        return results
    base = request_base(server, auth, current_call())
    db = base["db"]
    objects = [CloudObject(class_name, r, db=db) for r in results]
    query = Query.from_json(class_name, _options_json(opts), db)
    req = AfterFindRequest(**base, trigger_name="afterFind", objects=objects, query=query)
    result = await run_hook(server, hook, "after_find", class_name, req)
    if result is SKIPPED:
        return results
    if result is None:
        result = req.objects
    if not isinstance(result, (list, tuple)):
        raise _wrong_return(hook, result, "a list of objects or None")
    out: list[dict[str, Any]] = []
    for item in result:
        if isinstance(item, CloudObject):
            out.append(item.to_json())
        elif isinstance(item, dict):
            out.append(item)
        else:
            raise _wrong_return(hook, item, "CloudObjects or dicts in the list")
    return out


# ----- logins, logouts, files -----

async def before_login(server: "Server", auth: Auth, user: dict[str, Any]) -> None:
    """Run before_login with the user who gave the right password; raising refuses the login."""
    hook = hook_for(server, "before_login", "_User")
    if hook is None:
        return
    base = request_base(server, auth, current_call())
    obj = CloudObject("_User", user, db=base["db"])
    await run_hook(server, hook, "before_login", "_User", TriggerRequest(**base, trigger_name="beforeLogin",
                                                                          object=obj))


async def after_login(server: "Server", auth: Auth, user: dict[str, Any]) -> None:
    """Run after_login once the session exists (`req.user` is the logged-in user)."""
    hook = hook_for(server, "after_login", "_User")
    if hook is None:
        return
    user_auth = Auth(user=user, session_token=user.get("sessionToken"), installation_id=auth.installation_id)
    base = request_base(server, user_auth, current_call())
    obj = CloudObject("_User", user, db=base["db"])
    await run_hook(server, hook, "after_login", "_User", TriggerRequest(**base, trigger_name="afterLogin",
                                                                         object=obj))


async def after_logout(server: "Server", auth: Auth, session: dict[str, Any]) -> None:
    """Run after_logout with the deleted session (stored form)."""
    hook = hook_for(server, "after_logout", "_Session")
    if hook is None:
        return
    schema = await server.schema.get("_Session")
    base = request_base(server, auth, current_call())
    obj = CloudObject("_Session", _rest(server, schema, session), db=base["db"])
    await run_hook(server, hook, "after_logout", "_Session", TriggerRequest(**base, trigger_name="afterLogout",
                                                                             object=obj))


async def run_file_hooks(server: "Server", event: Any) -> Any:
    """The runner core/files/service.py awaits for each file event; a hook's failure propagates as is."""
    hook = hook_for(server, event.trigger, FILE_CLASS)
    if hook is None:
        return None
    base = request_base(server, event.auth, current_call())
    req = FileRequest(**base, trigger_name=event.trigger, file=event, file_size=event.size)
    result = await run_hook(server, hook, event.trigger, FILE_CLASS, req, wrap_errors=False)
    return None if result is SKIPPED else result
