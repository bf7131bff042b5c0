"""What the current call carries besides its Auth: client ip, headers and cloud context.

The HTTP pipeline binds a `CallInfo` for each request; hooks read it to fill their request
objects (ip, headers, context) without every core function taking those as parameters. It is a
context variable, so it is private to one request's task (and to the hooks that request runs);
it also records which triggers are running, so that a hook's own writes do not re-enter it.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

@dataclass(frozen=True)
class CallInfo:
    """The client-side facts of one call (context is shared by its before- and after-hooks)."""

    ip: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    running: frozenset[tuple[str, str]] = frozenset()  # (trigger, className) hooks now running


_CALL: ContextVar[CallInfo | None] = ContextVar("parse_clone_call", default=None)


def bind_call(info: CallInfo) -> Token[CallInfo | None]:
    """Make `info` the current call (until `unbind_call` with the returned token)."""
    return _CALL.set(info)


def unbind_call(token: Token[CallInfo | None]) -> None:
    """Restore the call that was current before `bind_call`."""
    _CALL.reset(token)


def current_call() -> CallInfo:
    """The current call, or a fresh empty one (internal work outside any request)."""
    info = _CALL.get()
    if info is None:
        info = CallInfo()
        _CALL.set(info)
    return info


def with_running(info: CallInfo, trigger: str, class_name: str) -> CallInfo:
    """`info` with one more running trigger."""
    return replace(info, running=info.running | {(trigger, class_name)})
