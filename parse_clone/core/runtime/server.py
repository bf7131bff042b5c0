"""The Server value: configuration, storage and caches, passed explicitly (no module-level state)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from ...cloud.data import DataSource
from ...cloud.registry import Cloud
from ...config import ServerConfig, check_ip_options
from ...route_allow_list import compile_route_allow_list
from ...trust_proxy import trust_from_option
from ...files.base import FilesAdapter
from ...storage.base import DuplicateValueError, StorageAdapter
from ...storage.database_options import index_wanted, schema_cache_ttl
from .events import WriteEvents
from ..schema.controller import SchemaController
from ..schema.protected_option import server_protected_fields
from ...language.denylist import compile_denylist
from ...files.names import file_location

if TYPE_CHECKING:
    from .auth import Auth

log = logging.getLogger("parse_clone")


def auth_data_providers(config: ServerConfig) -> list[str]:
    """The login providers whose authData ids get a unique index: the configured ones, and anonymous
    unless enableAnonymousUsers is false (Parse Server's list)."""
    providers = [name for name in (config.auth or {}) if isinstance(name, str)]
    if config.enableAnonymousUsers is not False and "anonymous" not in providers:
        providers.append("anonymous")
    return providers


@dataclass
class Server:
    """Everything one Parse app needs at run time; two may live side by side in one process."""

    config: ServerConfig
    storage: StorageAdapter
    schema: SchemaController = field(init=False)
    events: WriteEvents = field(default_factory=WriteEvents)
    extras: dict[str, Any] = field(default_factory=dict)
    files: FilesAdapter | None = None  # where uploaded files live (files/ adapters)
    cloud: Cloud = field(default_factory=Cloud)  # this server's hooks, functions and jobs
    # cloud code's `req.db` (core/data_api.py, installed by app.build_server: hooks sit below it)
    data_source: Callable[["Server", "Auth"], DataSource] | None = None

    def __post_init__(self) -> None:
        compile_denylist(self.config.requestKeywordDenylist)  # a malformed option stops the start here
        check_ip_options(self.config)
        self.extras["trust_proxy"] = trust_from_option(self.config.trustProxy)
        self.extras["route_allow_list"] = compile_route_allow_list(self.config.routeAllowList)
        database_options = self.config.databaseOptions or {}
        self.schema = SchemaController(self.storage, custom_ids=self.config.allowCustomObjectId,
                                       protected_fields=server_protected_fields(
                                           self.config.protectedFields, self.config.userSensitiveFields,
                                           self.config.protectedFieldsOwnerExempt),
                                       index_field_validation=not database_options.get("disableIndexFieldValidation"),
                                       cache_ttl_s=schema_cache_ttl(database_options.get("schemaCacheTtl")))

    def file_url(self, name: str) -> str:
        """The public url of a stored file."""
        return file_location(self.config, name)

    async def start(self) -> None:
        """Connect storage, load the schema cache, create the built-in unique indexes."""
        await self.storage.connect()
        await self.storage.watch_schema(self.schema.forget)  # databaseOptions.enableSchemaHooks
        await self.schema.reload()
        for class_name in ("_User", "_Role"):
            await self.schema.enforce_class(class_name, can_create=True)
        await self._ensure_unique_indexes()

    async def _ensure_unique_indexes(self) -> None:
        """username, email and role names stay unique even under concurrent writes."""
        for class_name, field_name in (("_User", "username"), ("_User", "email"), ("_Role", "name")):
            if not index_wanted(self.config.databaseOptions, class_name, field_name):
                continue  # databaseOptions.createIndexUserUsername / ...UserEmail / ...RoleName: false
            schema = await self.schema.get(class_name)
            try:
                await self.storage.ensure_unique(class_name, schema, [field_name])
            except DuplicateValueError:
                log.warning("existing %s rows share a %s; not enforcing its uniqueness", class_name, field_name)
        if (self.config.databaseOptions or {}).get("createIndexAuthDataUniqueness") is False:
            return
        for provider in auth_data_providers(self.config):
            try:
                await self.storage.ensure_auth_data_unique(provider)
            except DuplicateValueError:
                log.warning("existing users share an authData.%s id; not enforcing its uniqueness", provider)
            except ValueError as error:
                log.warning("no authData uniqueness index for provider %r: %s", provider, error)

    async def stop(self) -> None:
        """Release storage."""
        if self.files is not None:
            await self.files.close()
        await self.storage.close()
