"""The request objects hooks receive (Parse's `request`, with snake_case names).

Every request has `master`, `user` (a `_User` CloudObject or None), `installation_id`, `ip`,
`headers` (names in lower case, as in Parse), `context` (from `X-Parse-Cloud-Context` / the SDKs' `context` option; edits made in
a before-hook reach the after-hook), `log` (a logger), `roles` (the user's role names) and `db`
(the server-side SDK, see data.py). Trigger requests add `object` / `original`, find triggers
`query`, functions `params`, jobs `params`, `job_id` and `message()`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from .data import Database
from .objects import CloudObject
from .query import Query

_log = logging.getLogger("parse_clone.cloud")


@dataclass(kw_only=True, eq=False)
class Request:
    """What every hook receives."""

    db: Database
    master: bool = False
    user: CloudObject | None = None
    installation_id: str | None = None
    ip: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    roles: list[str] = field(default_factory=list)
    session_token: str | None = None
    log: logging.Logger = _log

    def query(self, class_name: str, *, use_master_key: bool = False) -> Query:
        """Shortcut for ``req.db.query(class_name)`` (with the master key if asked)."""
        return (self.db.master if use_master_key else self.db).query(class_name)

    def to_webhook_json(self) -> dict[str, Any]:
        """The request as a webhook receives it (Parse's JSON names)."""
        out: dict[str, Any] = {"master": self.master, "ip": self.ip, "headers": self.headers,
                               "context": self.context}
        if self.user is not None:
            out["user"] = self.user.to_json()
        if self.installation_id:
            out["installationId"] = self.installation_id
        return out


def _with_class(obj: CloudObject) -> dict[str, Any]:
    return {**obj.to_json(), "className": obj.class_name}


@dataclass(kw_only=True, eq=False)
class TriggerRequest(Request):
    """before/after save and delete, before/after login, after logout."""

    trigger_name: str
    object: CloudObject
    original: CloudObject | None = None

    @property
    def class_name(self) -> str:
        """The class of the object."""
        return self.object.class_name

    def to_webhook_json(self) -> dict[str, Any]:
        out = {**super().to_webhook_json(), "triggerName": self.trigger_name, "object": _with_class(self.object)}
        if self.original is not None:
            out["original"] = _with_class(self.original)
        return out


@dataclass(kw_only=True, eq=False)
class FindRequest(Request):
    """before_find: `query` is the client's query; change it, or return a new Query."""

    trigger_name: str
    query: Query  # type: ignore[assignment]  # the query being run, not the shortcut method
    count: bool = False
    is_get: bool = False

    @property
    def class_name(self) -> str:
        """The class being queried."""
        return self.query.class_name

    def to_webhook_json(self) -> dict[str, Any]:
        return {**super().to_webhook_json(), "triggerName": self.trigger_name,
                "query": {**self.query.to_json(), "className": self.query.class_name},
                "count": self.count, "isGet": self.is_get}


@dataclass(kw_only=True, eq=False)
class AfterFindRequest(Request):
    """after_find: `objects` are the results; return a list to replace them."""

    trigger_name: str
    objects: list[CloudObject]
    query: Query  # type: ignore[assignment]

    @property
    def class_name(self) -> str:
        """The class queried."""
        return self.query.class_name

    def to_webhook_json(self) -> dict[str, Any]:
        return {**super().to_webhook_json(), "triggerName": self.trigger_name,
                "objects": [_with_class(o) for o in self.objects],
                "query": {**self.query.to_json(), "className": self.query.class_name}}


@dataclass(kw_only=True, eq=False)
class FunctionRequest(Request):
    """A cloud function call: `params` are the JSON body (values in Parse's JSON form)."""

    function_name: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_webhook_json(self) -> dict[str, Any]:
        return {**super().to_webhook_json(), "functionName": self.function_name, "params": self.params}


@dataclass(kw_only=True, eq=False)
class JobRequest(Request):
    """A job run: `params`, `job_name`, `job_id`; ``await req.message("50% done")`` updates its status."""

    job_name: str
    job_id: str
    params: dict[str, Any] = field(default_factory=dict)
    set_message: Callable[[str], Awaitable[None]] | None = None

    async def message(self, text: str) -> None:
        """Store a progress message in the job's `_JobStatus` row."""
        if self.set_message is not None and isinstance(text, str) and text:
            await self.set_message(text)

    def to_webhook_json(self) -> dict[str, Any]:
        return {**super().to_webhook_json(), "jobName": self.job_name, "jobId": self.job_id, "params": self.params}


@dataclass(kw_only=True, eq=False)
class FileRequest(Request):
    """A file trigger: `file` has name, url, content_type, metadata, tags and size (change them in
    before_save_file; set `file.url` to say it is stored elsewhere)."""

    trigger_name: str
    file: Any
    file_size: int | None = None
