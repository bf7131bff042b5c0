"""The server-side SDK for hook authors: query, get, save and delete objects without HTTP.

Every request a hook receives carries `req.db`, a `Database` acting as the caller (their
session, ACLs and CLPs), or as the master key in jobs. Pass ``use_master_key=True`` to any call,
or use ``req.db.master``, to bypass permissions:

    job = await req.db.get("Job", job_id)
    job["status"] = "assigned"
    await job.save()
    count = await req.db.query("Visit").equal_to("job", job).count(use_master_key=True)

The work is done by a `DataSource`, which the core layer implements on its own query and
write functions (so hooks of the saved classes run, except the one already running).
"""

from __future__ import annotations

from typing import Any, Protocol

from .objects import CloudObject
from .query import Query


class DataSource(Protocol):
    """What a Database needs from the server (implemented in core/data_api.py)."""

    async def find(self, class_name: str, options: dict[str, Any], *, master: bool) -> list[dict[str, Any]]:
        """REST objects matching REST find options."""

    async def count(self, class_name: str, where: dict[str, Any], *, master: bool) -> int:
        """How many objects match `where`."""

    async def create(self, class_name: str, body: dict[str, Any], *, master: bool,
                     context: dict[str, Any] | None) -> dict[str, Any]:
        """Create an object from a REST body; the REST response ({objectId, createdAt, ...})."""

    async def update(self, class_name: str, object_id: str, body: dict[str, Any], *, master: bool,
                     context: dict[str, Any] | None) -> dict[str, Any]:
        """Apply a REST body to an object; the REST response ({updatedAt, ...})."""

    async def delete(self, class_name: str, object_id: str, *, master: bool,
                     context: dict[str, Any] | None) -> None:
        """Delete an object."""


class Database:
    """Object access for hooks, as the caller or (``use_master_key=True``) as the master key."""

    def __init__(self, source: DataSource, *, use_master_key: bool = False) -> None:
        self._source = source
        self.use_master_key = use_master_key

    @property
    def master(self) -> "Database":
        """The same database acting with the master key."""
        return self if self.use_master_key else Database(self._source, use_master_key=True)

    def _master(self, flag: bool | None) -> bool:
        return self.use_master_key if flag is None else flag

    # ----- building -----

    def query(self, class_name: str) -> Query:
        """A new query on `class_name`, run through this database."""
        return Query(class_name, self)

    def object(self, class_name: str, fields: dict[str, Any] | None = None, **kwargs: Any) -> CloudObject:
        """A new, unsaved object (its fields are pending changes until saved)."""
        obj = CloudObject(class_name, db=self)
        obj.set({**(fields or {}), **kwargs})
        return obj

    def pointer(self, class_name: str, object_id: str) -> CloudObject:
        """An object known only by class and id (fetch it, or use it as a pointer value)."""
        return CloudObject(class_name, {"objectId": object_id}, db=self)

    def wrap(self, class_name: str, data: dict[str, Any]) -> CloudObject:
        """A CloudObject for a REST object bound to this database."""
        return CloudObject(class_name, data, db=self)

    # ----- reading -----

    async def find(self, query: Query, *, use_master_key: bool | None = None) -> list[CloudObject]:
        """Run a query."""
        found = await self._source.find(query.class_name, query.to_json(), master=self._master(use_master_key))
        return [self.wrap(str(o.get("className") or query.class_name), o) for o in found]

    async def count(self, query: Query, *, use_master_key: bool | None = None) -> int:
        """Count a query's matches."""
        return await self._source.count(query.class_name, query.conditions, master=self._master(use_master_key))

    async def get(self, class_name: str, object_id: str, *, include: list[str] | None = None,
                  use_master_key: bool | None = None) -> CloudObject:
        """One object by id; ParseError 101 when missing or not readable."""
        q = self.query(class_name)
        if include:
            q.include(include)
        return await q.get(object_id, use_master_key=use_master_key)

    async def fetch(self, obj: CloudObject, *, use_master_key: bool | None = None) -> CloudObject:
        """Reload `obj` from the server in place; pending changes are dropped."""
        if obj.id is None:
            raise ValueError("cannot fetch an unsaved object")
        fresh = await self.get(obj.class_name, obj.id, use_master_key=use_master_key)
        obj._server, obj._ops = fresh._server, {}
        return obj

    # ----- writing -----

    async def save(self, obj: CloudObject, *, use_master_key: bool | None = None,
                   context: dict[str, Any] | None = None) -> CloudObject:
        """Create or update `obj` with its pending changes; the object reflects the response."""
        master = self._master(use_master_key)
        body = obj.changes()
        if obj.id is None:
            response = await self._source.create(obj.class_name, body, master=master, context=context)
        else:
            response = await self._source.update(obj.class_name, obj.id, body, master=master, context=context)
        obj._saved(response)
        if obj._db is None:
            obj._db = self
        return obj

    async def save_all(self, objects: list[CloudObject], *, use_master_key: bool | None = None,
                       context: dict[str, Any] | None = None) -> list[CloudObject]:
        """Save several objects, one after the other."""
        for obj in objects:
            await self.save(obj, use_master_key=use_master_key, context=context)
        return objects

    async def delete(self, obj: CloudObject | str, object_id: str | None = None, *,
                     use_master_key: bool | None = None, context: dict[str, Any] | None = None) -> None:
        """Delete an object: ``delete(obj)`` or ``delete("Job", job_id)``."""
        class_name, oid = (obj.class_name, obj.id) if isinstance(obj, CloudObject) else (obj, object_id)
        if oid is None:
            raise ValueError("cannot delete an object without an objectId")
        await self._source.delete(class_name, oid, master=self._master(use_master_key), context=context)
