"""The line Parse Server logs for each cloud-code outcome, at the level logLevels gives it.

    before* success   triggerBeforeSuccess  "beforeSave triggered for Job for user u1:\\n  Input: {...}\\n  Result: {...}"
    after* ran        triggerAfter          "afterSave triggered for Job for user u1:\\n  Input: {...}"
    trigger failure   triggerBeforeError    "beforeSave failed for Job for user u1:\\n  Input: {...}\\n  Error: {...}"
    function success  cloudFunctionSuccess  "Ran cloud function hello for user u1 with:\\n  Input: {...}\\n  Result: {...}"
    function failure  cloudFunctionError    "Failed running cloud function hello for user u1 with:\\n  Input: ...\\n  Error: ..."

The user is its objectId, "undefined" without one (Parse Server's wording); inputs and results are
cut at 1000 characters. A level of "silent" logs nothing. Keys, session tokens and passwords in
an input are masked by the log handlers' Redactor.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import orjson

from ...cloud.objects import encode_result
from ...cloud.requests import AfterFindRequest, FindRequest, FunctionRequest, Request, TriggerRequest
from ...errors import ParseError
from ...logs.levels import OUTCOME_DEFAULTS, PYTHON_LEVEL

if TYPE_CHECKING:
    from ..runtime.server import Server

log = logging.getLogger("parse_clone.cloud")
TRUNCATE_AT = 1000
TRUNCATION_MARK = "... (truncated)"


def outcome_level(server: "Server", key: str) -> int | None:
    """The Python level of logLevels[key] (Parse Server's default when unset); None for "silent"."""
    name = (server.config.logLevels or {}).get(key) or OUTCOME_DEFAULTS[key]
    return None if name == "silent" else PYTHON_LEVEL.get(name, logging.INFO)


def _json(value: Any) -> str:
    try:
        text = orjson.dumps(encode_result(value), default=str).decode()
    except (TypeError, ValueError):
        text = orjson.dumps(str(value)).decode()
    return text if len(text) <= TRUNCATE_AT else text[:TRUNCATE_AT] + TRUNCATION_MARK


def _input(req: Request) -> Any:
    if isinstance(req, TriggerRequest):
        return req.object.to_json()
    if isinstance(req, AfterFindRequest):
        return [o.to_json() for o in req.objects]
    if isinstance(req, FindRequest):
        return req.query.to_json()
    if isinstance(req, FunctionRequest):
        return req.params
    return {}


def _trigger_type(kind: str) -> str:
    head, *rest = kind.split("_")
    return head + "".join(part.capitalize() for part in rest)


class HookOutcome:
    """Logs the outcome of one hook run; the input is taken before the hook can change it."""

    def __init__(self, server: "Server", kind: str, name: str, req: Request) -> None:
        self.kind, self.name, self.req = kind, name, req
        self.is_function = kind == "function"
        if self.is_function:
            self.ok_level = outcome_level(server, "cloudFunctionSuccess")
            self.error_level = outcome_level(server, "cloudFunctionError")
        else:
            after = kind.startswith("after")
            self.ok_level = outcome_level(server, "triggerAfter" if after else "triggerBeforeSuccess")
            self.error_level = outcome_level(server, "triggerBeforeError")
        wanted = any(level is not None and log.isEnabledFor(level) for level in (self.ok_level, self.error_level))
        self.input = _json(_input(req)) if wanted else None

    @property
    def user(self) -> str:
        user = self.req.user
        return user.id if user is not None and user.id else "undefined"

    def _emit(self, level: int | None, message: str) -> None:
        if level is None or self.input is None or not log.isEnabledFor(level):
            return
        meta: dict[str, Any] = {"user": self.user}
        if self.is_function:
            meta["functionName"] = self.name
        else:
            meta.update(className=self.name, triggerType=_trigger_type(self.kind))
        log.log(level, message, extra={"meta": meta})

    def succeeded(self, result: Any) -> None:
        """The hook returned `result`."""
        if self.is_function:
            self._emit(self.ok_level, f"Ran cloud function {self.name} for user {self.user} with:\n"
                                      f"  Input: {self.input}\n  Result: {_json(result)}")
            return
        head = f"{_trigger_type(self.kind)} triggered for {self.name} for user {self.user}:\n  Input: {self.input}"
        if self.kind.startswith("after"):
            self._emit(self.ok_level, head)
            return
        if hasattr(result, "to_json"):
            result = result.to_json()
        elif not isinstance(result, (dict, list, str, int, float, bool)):
            result = _input(self.req)  # None (or skipped): the request as the hook left it
        self._emit(self.ok_level, f"{head}\n  Result: {_json(result)}")

    def failed(self, error: ParseError) -> None:
        """The hook (or its validator) refused with `error`."""
        detail = orjson.dumps({"message": error.message, "code": error.code}).decode()
        if self.is_function:
            self._emit(self.error_level, f"Failed running cloud function {self.name} for user {self.user} with:\n"
                                         f"  Input: {self.input}\n  Error: {detail}")
        else:
            self._emit(self.error_level, f"{_trigger_type(self.kind)} failed for {self.name} for user "
                                         f"{self.user}:\n  Input: {self.input}\n  Error: {detail}")
