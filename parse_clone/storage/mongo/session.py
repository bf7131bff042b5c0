"""Transactions: one MongoDB session carried, per task, to every adapter call made inside the block."""

from __future__ import annotations

import contextvars
import inspect
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

from pymongo.errors import OperationFailure

from ...errors import ParseError


async def maybe_await(value: Any) -> Any:
    """PyMongo async and Motor differ on which calls are coroutines; accept either."""
    return await value if inspect.isawaitable(value) else value


class SessionScope:
    """The session of the enclosing `transaction()`, if any, as ``session=`` keyword arguments."""

    def __init__(self) -> None:
        self._current: contextvars.ContextVar[Any] = contextvars.ContextVar(f"mongo_session_{id(self)}",
                                                                            default=None)

    def opts(self) -> dict[str, Any]:
        """``{"session": s}`` inside a transaction, ``{}`` outside (mongomock rejects any session)."""
        session = self._current.get()
        return {"session": session} if session is not None else {}

    @property
    def active(self) -> bool:
        """Whether the calling task is inside a transaction."""
        return self._current.get() is not None

    @asynccontextmanager
    async def transaction(self, client: Any) -> AsyncIterator[None]:
        """Start a session and a transaction; commit when the block ends, abort if it raises."""
        try:
            session = await maybe_await(client.start_session())
            await maybe_await(session.start_transaction())
        except Exception as error:  # no replica set (or a test double without sessions)
            raise ParseError(ParseError.INTERNAL_SERVER_ERROR,
                             f"Transactions are not available on this MongoDB deployment: {error}",
                             http_status=400) from None
        try:
            token = self._current.set(session)
            try:
                yield
            except BaseException:
                await session.abort_transaction()
                raise
            else:
                await _commit(session)
            finally:
                self._current.reset(token)
        finally:
            await maybe_await(session.end_session())


async def _commit(session: Any, retries: int = 5) -> None:
    """Commit; an unknown commit result may be retried safely (the server deduplicates it)."""
    while True:
        try:
            await session.commit_transaction()
            return
        except OperationFailure as error:
            if retries <= 0 or not error.has_error_label("UnknownTransactionCommitResult"):
                raise
            retries -= 1
