"""One module per endpoint family; `build_router` assembles them."""

from __future__ import annotations

from ..router import Router
from . import (
    aggregate,
    batch,
    classes,
    config,
    files,
    functions,
    hooks,
    installations,
    logs,
    misc,
    pages,
    schemas,
    sessions,
    users,
)


def build_router() -> Router:
    """Every route the server answers, in match order."""
    router = Router()
    for module in (misc, users, sessions, classes, installations, schemas, config, aggregate, batch, files,
                   functions, hooks, pages, logs):
        module.register(router)
    return router
