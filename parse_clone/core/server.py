"""The Server value: configuration, storage and caches, passed explicitly (no module-level state)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..config import ServerConfig
from ..storage.base import StorageAdapter
from .schema import SchemaController
from .transform import file_url


@dataclass
class Server:
    """Everything one Parse app needs at run time; two may live side by side in one process."""

    config: ServerConfig
    storage: StorageAdapter
    schema: SchemaController = field(init=False)
    extras: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.schema = SchemaController(self.storage, custom_ids=self.config.allowCustomObjectId,
                                       protected_fields={"_User": {"*": ["email"]}})

    def file_url(self, name: str) -> str:
        """The public url of a stored file."""
        return file_url(self.config.public_url(), self.config.appId, name)

    async def start(self) -> None:
        """Connect storage, load the schema cache, create the built-in unique indexes."""
        await self.storage.connect()
        await self.schema.reload()
        for class_name in ("_User", "_Role"):
            await self.schema.enforce_class(class_name, can_create=True)

    async def stop(self) -> None:
        """Release storage."""
        await self.storage.close()
