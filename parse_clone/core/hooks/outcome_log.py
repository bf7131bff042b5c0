"""The lines Parse Server logs for cloud-code outcomes (src/triggers.js, FunctionsRouter), at logLevels' levels.

    before* success    triggerBeforeSuccess  "beforeSave triggered for Job for user u1:\\n  Input: {...}\\n  Result: {...}"
    after* ran         triggerAfter          "afterSave triggered for Job for user u1:\\n  Input: {...}", then the
                                             success line above at triggerAfter (Result `undefined` or `{}`)
    trigger failure    triggerBeforeError    "beforeSave failed for Job for user u1:\\n  Input: {...}\\n  Error: {...}"
    function success   cloudFunctionSuccess  "Ran cloud function hello for user u1 with:\\n  Input: {...}\\n  Result: {...}"
    function failure   cloudFunctionError    "Failed running cloud function hello for user u1 with:\\n  Input: ...\\n  Error: ..."

As in Parse Server: the Input is the object as the hook left it; beforeSave's Result is
`{"object": <its changes>}`, other before-hooks' `{}`; afterFind logs the ids it got and then the
objects it returns (both as JSON text, hence quoted); beforeFind and LiveQuery hooks log nothing.
The user is the caller's objectId, "undefined" without one. Inputs and results are cut at 1000
characters; a level of "silent" logs nothing. The log handlers' Redactor masks passwords, keys and
session tokens in them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import orjson

from ...cloud.objects import CloudObject, encode_result
from ...cloud.registry import FILE_CLASS
from ...cloud.requests import AfterFindRequest, FileRequest, FunctionRequest, Request, TriggerRequest
from ...errors import ParseError
from ...logs.levels import OUTCOME_DEFAULTS, PYTHON_LEVEL

if TYPE_CHECKING:
    from ..runtime.server import Server

log = logging.getLogger("parse_clone.cloud")
TRUNCATE_AT = 1000
TRUNCATION_MARK = "... (truncated)"
UNDEFINED = object()  # JavaScript's undefined: JSON.stringify gives no text, the line says "undefined"
_SILENT_KINDS = ("before_find",)  # Parse Server's query triggers log no outcome
_INVOKED_LINE = ("after_save", "after_delete", "after_login")  # logged when the hook is called, then on success


def outcome_level(server: "Server", key: str) -> int | None:
    """The Python level of logLevels[key] (Parse Server's default when unset); None for "silent"."""
    name = (server.config.logLevels or {}).get(key) or OUTCOME_DEFAULTS[key]
    return None if name == "silent" else PYTHON_LEVEL.get(name, logging.INFO)


def clean(value: Any) -> str:
    """JSON text of a value, cut at 1000 characters (Parse Server's truncateLogMessage)."""
    if value is UNDEFINED:
        return "undefined"
    try:
        text = orjson.dumps(encode_result(value), default=str).decode()
    except (TypeError, ValueError):
        text = orjson.dumps(str(value)).decode()
    return text if len(text) <= TRUNCATE_AT else text[:TRUNCATE_AT] + TRUNCATION_MARK


def _trigger_type(kind: str) -> str:
    head, *rest = kind.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _file_json(req: FileRequest) -> dict[str, Any]:
    file = req.file
    return {"__type": "File", "name": getattr(file, "name", None), "url": getattr(file, "url", None),
            "fileSize": req.file_size}


class HookOutcome:
    """Writes the outcome lines of one hook run (nothing when its levels are not logged)."""

    def __init__(self, server: "Server", kind: str, name: str, req: Request) -> None:
        self.kind, self.name, self.req = kind, name, req
        self.is_function = kind == "function"
        self.class_name = "Parse.File" if name == FILE_CLASS else name
        if self.is_function:
            self.ok_level = outcome_level(server, "cloudFunctionSuccess")
            self.error_level = outcome_level(server, "cloudFunctionError")
        else:
            after = kind.startswith("after")
            self.ok_level = outcome_level(server, "triggerAfter" if after else "triggerBeforeSuccess")
            self.error_level = outcome_level(server, "triggerBeforeError")
            self.before_level = outcome_level(server, "triggerBeforeSuccess")  # afterFind's first line
        levels = (self.ok_level, self.error_level) if self.is_function else \
            (self.ok_level, self.error_level, self.before_level)
        self.active = kind not in _SILENT_KINDS and any(
            level is not None and log.isEnabledFor(level) for level in levels)
        self.found_ids: list[str] = []
        if self.active and isinstance(req, AfterFindRequest):
            self.found_ids = [f"{o.id}:{o.class_name}" for o in req.objects]

    @property
    def user(self) -> str:
        user = self.req.user
        return user.id if user is not None and user.id else "undefined"

    def _input(self) -> Any:
        req = self.req
        if isinstance(req, TriggerRequest):
            return req.object.to_json()
        if isinstance(req, FunctionRequest):
            return req.params
        if isinstance(req, FileRequest):
            return _file_json(req)
        return {}

    def _emit(self, level: int | None, message: str) -> None:
        if level is None or not log.isEnabledFor(level):
            return
        meta: dict[str, Any] = {"user": self.user}
        if self.is_function:
            meta["functionName"] = self.name
        else:
            meta.update(className=self.class_name, triggerType=_trigger_type(self.kind))
        log.log(level, message, extra={"meta": meta})

    def _head(self, verb: str = "triggered") -> str:
        return f"{_trigger_type(self.kind)} {verb} for {self.class_name} for user {self.user}:\n  Input: "

    def succeeded(self, result: Any) -> None:
        """The hook returned `result` (or was skipped)."""
        if not self.active:
            return
        if self.is_function:
            self._emit(self.ok_level, f"Ran cloud function {self.name} for user {self.user} with:\n"
                                      f"  Input: {clean(self.req.params)}\n  Result: {clean(result)}")
        elif isinstance(self.req, AfterFindRequest):
            self._after_find(result)
        else:
            if self.kind in _INVOKED_LINE:
                self._emit(self.ok_level, self._head() + clean(self._input()))
            self._emit(self.ok_level, f"{self._head()}{clean(self._input())}\n  Result: {clean(self._result(result))}")

    def _result(self, result: Any) -> Any:
        """What Parse Server's response object resolves with for this trigger."""
        if self.kind == "before_save" and isinstance(self.req, TriggerRequest):
            changes = self.req.object.changes()
            if self.req.object.id is not None:
                changes["objectId"] = self.req.object.id
            return {"object": changes}
        if self.kind == "after_save":
            return result if isinstance(result, dict) else UNDEFINED
        if self.name == FILE_CLASS:
            return UNDEFINED if result is None else result
        return {}

    def _after_find(self, result: Any) -> None:
        objects = result if isinstance(result, (list, tuple)) else self.req.objects  # type: ignore[attr-defined]
        found = orjson.dumps(self.found_ids).decode()
        self._emit(self.before_level, f"{self._head()}\"AfterFind Input (Pre-Transform)\"\n  Result: {clean(found)}")
        returned = [o.to_json() if isinstance(o, CloudObject) else o for o in objects]
        self._emit(self.ok_level, self._head() + clean(orjson.dumps(returned, default=str).decode()))

    def failed(self, error: ParseError) -> None:
        """The hook (or its validator) refused with `error`."""
        if not self.active:
            return
        detail = orjson.dumps({"message": error.message, "code": error.code}).decode()
        if self.is_function:
            self._emit(self.error_level, f"Failed running cloud function {self.name} for user {self.user} with:\n"
                                         f"  Input: {clean(self.req.params)}\n  Error: {detail}")
            return
        if self.kind in _INVOKED_LINE:
            self._emit(self.ok_level, self._head() + clean(self._input()))
        self._emit(self.error_level, f"{self._head('failed')}{clean(self._input())}\n  Error: {detail}")
