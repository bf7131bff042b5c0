"""Server configuration: ServerConfig holds every option this server implements, under Parse Server's names.

Where the values come from (flags, Parse Server's environment variables, a JSON config file) and how
they are checked is config_sources.py; the list of Parse Server's options is options_table.py.
A new option is one field here plus its row in options_table.py flipped to IMPLEMENTED.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any

from .options_table import OPTIONS


@dataclass
class ServerConfig:
    """Every option the server understands; attribute names are Parse Server's option names."""

    appId: str = "myAppId"
    masterKey: str = "myMasterKey"
    readOnlyMasterKey: str | None = None
    fileDownload: dict[str, Any] | None = None  # {enableForAnonymousUser, enableForAuthenticatedUser, enableForPublic}
    routeAllowList: list[str] | None = None  # None: every route open (route_allow_list.py)
    trustProxy: Any = None  # Express's `trust proxy` values (trust_proxy.py): true, hops, addresses, names
    allowAggregationForReadOnlyMasterKey: bool = True
    readOnlyMasterKeyIps: list[str] = field(default_factory=lambda: ["0.0.0.0/0", "::0"])  # Parse's default: any
    enableSanitizedErrorResponse: bool = True  # permission/key errors reach clients as "Permission denied"
    maintenanceKey: str | None = None
    restAPIKey: str | None = None
    javascriptKey: str | None = None
    clientKey: str | None = None
    dotNetKey: str | None = None
    webhookKey: str | None = None
    databaseURI: str = "sqlite:///./data/parse.sqlite3"
    collectionPrefix: str = ""
    databaseOptions: dict[str, Any] | None = None  # storage/database_options.py: what each backend reads
    enableCollationCaseComparison: bool = False  # usernames/emails compared by the database's collation
    mountPath: str = "/parse"
    port: int = 1337
    host: str = "0.0.0.0"
    serverURL: str | None = None
    verifyServerUrl: bool = True  # at start, warn when serverURL does not reach this server (commands/verify_url.py)
    publicServerURL: str | None = None
    allowClientClassCreation: bool = False
    allowCustomObjectId: bool = False
    enforcePrivateUsers: bool = True
    maxLimit: int | None = None
    defaultLimit: int = 100
    maxUploadSize: str = "20mb"
    # Files (see core/files/service.py): Parse's fileUpload options {enableForPublic, enableForAnonymousUser,
    # enableForAuthenticatedUser, fileExtensions}; fileKey only builds urls of legacy parse.com files.
    fileUpload: dict[str, Any] = field(default_factory=dict)
    preserveFileName: bool = False
    fileKey: str | None = None
    filesAdapter: str | None = None  # "gridfs" or "local"; default: GridFS on MongoDB, local with SQLite
    filesDirectory: str | None = None  # local adapter root; default: files/ beside the SQLite file
    masterKeyIps: list[str] = field(default_factory=lambda: ["127.0.0.1", "::1"])
    maintenanceKeyIps: list[str] = field(default_factory=lambda: ["127.0.0.1", "::1"])
    allowOrigin: list[str] = field(default_factory=list)
    allowHeaders: list[str] = field(default_factory=list)
    objectIdSize: int = 10
    sessionLength: int = 31536000
    expireInactiveSessions: bool = True
    revokeSessionOnPasswordReset: bool = True
    enableAnonymousUsers: bool = True
    cacheMaxSize: int = 10000  # entries each of the session and role caches keeps (core/auth/cache.py)
    cacheTTL: int = 5000  # ms a cached session/role lookup may be reused (other instances' writes)
    auth: dict[str, Any] = field(default_factory=dict)  # {provider: {"module", "options", "enabled"}}
    # Logs (parse_clone/logs): Parse Server's options; the CLI installs the handlers, /scriptlog reads the files.
    logLevel: str | None = None  # error, warn, info (the default), verbose, debug, silly
    verbose: bool = False  # the verbose level (an explicit logLevel may narrow it)
    silent: bool | None = None  # no console output (the files are still written)
    jsonLogs: bool | None = None  # console lines as JSON objects (the files always are)
    logsFolder: str | None = "./logs"  # daily files parse-server.info.<date> / .err.<date>; null: none
    maxLogFiles: int | str | None = None  # files to keep, or days with a "d" suffix ("14d"); unset: all
    logLevels: dict[str, Any] = field(default_factory=dict)  # level of each cloud-code outcome line
    cloud: str | None = None  # cloud code folder (or .py file); `serve` defaults to ./cloud when it exists
    cloudCodeTimeout: int = 30000  # ms a hook or cloud function may run (0: no limit); jobs have none
    # Defined schemas (schema_loader/startup.py): a schema file path, or Parse's {definitions, strict,
    # deleteExtraFields, recreateModifiedFields, lockSchemas, keepUnknownIndexes}; `serve` defaults to
    # ./schema.json when it exists.
    schema: str | dict[str, Any] | None = None
    sqliteSynchronous: str = "NORMAL"
    # LiveQuery (see parse_clone/livequery/options.py): {classNames: [...], redisURL}; the WebSocket
    # endpoint runs when classNames is set or startLiveQueryServer is true; liveQueryServerOptions
    # holds {port, keyPairs, websocketTimeout, redisURL} as in Parse Server.
    liveQuery: dict[str, Any] = field(default_factory=dict)
    startLiveQueryServer: bool | None = None
    liveQueryServerOptions: dict[str, Any] = field(default_factory=dict)
    # Account emails and password security (core/account_emails.py, core/lockout.py,
    # core/password_policy.py, http/routes/pages.py); Parse Server's names and meanings.
    appName: str | None = None
    emailAdapter: dict[str, Any] | str | None = None  # {"module": "smtp"|"log"|<module>, "options": {...}}
    verifyUserEmails: bool | Any = False  # or a callable(request) -> bool
    preventLoginWithUnverifiedEmail: bool | Any = False
    preventSignupWithUnverifiedEmail: bool = False
    emailVerifyTokenValidityDuration: int | None = None  # seconds
    emailVerifyTokenReuseIfValid: bool = False
    sendUserEmailVerification: bool | Any = True
    customPages: dict[str, Any] = field(default_factory=dict)
    pages: dict[str, Any] = field(default_factory=dict)
    cluster: int | bool | None = None  # worker processes on one port: true = one per CPU core (cluster.py)
    idempotencyOptions: dict[str, Any] | None = None  # {paths: [regex, ...], ttl: seconds}; http/idempotency.py
    # Request limits: rateLimit [{requestPath, requestTimeWindow, requestCount, ...}] (http/rate_limit.py),
    # requestComplexity {includeDepth, queryDepth, ...} (core/request_complexity.py); Parse Server's shapes.
    rateLimit: list[dict[str, Any]] | dict[str, Any] = field(default_factory=list)
    requestComplexity: dict[str, Any] | None = None
    accountLockout: dict[str, Any] | None = None  # {duration (minutes), threshold, unlockOnPasswordReset}
    passwordPolicy: dict[str, Any] | None = None
    extendSessionOnUse: bool = False
    # Fields hidden from other users, per class and entity; _User's email for "*" is always merged in
    # (core/permissions/protected.py server_protected_fields). userSensitiveFields: the deprecated form.
    protectedFields: dict[str, Any] | None = None
    requestKeywordDenylist: list[dict[str, Any]] | None = None  # None: Parse's default (language/denylist.py)
    emailVerifySuccessOnInvalidEmail: bool = True  # /verificationEmailRequest never tells who has an account
    convertEmailToLowercase: bool = False  # a _User's email / username is stored lowercased (core/write)
    convertUsernameToLowercase: bool = False
    userSensitiveFields: list[str] | None = None
    protectedFieldsOwnerExempt: bool = True  # a user sees every field of their own _User object
    # Parse 9's defaults (both announced to flip): triggers see the object as the requester may read
    # it, and a save's answer may show protected fields (core/hooks/triggers.py, core/write/objects.py).
    protectedFieldsTriggerExempt: bool = False
    protectedFieldsSaveResponseExempt: bool = True
    # GraphQL API (parse_clone/graphql): Parse Server's options; served at graphQLPath beside the REST mount.
    mountGraphQL: bool = False
    graphQLPath: str = "/graphql"
    graphQLPublicIntrospection: bool = False  # without it, only the master/maintenance key may introspect
    # The API playground page (http/web.py): always served at playgroundPath; mountPlayground fills in the
    # master key there, as Parse Server's playground does, but only for clients inside masterKeyIps.
    mountPlayground: bool = False
    security: dict[str, Any] = field(default_factory=dict)  # {enableCheck, enableCheckLog} (security_check.py)
    playgroundPath: str = "/playground"

    @property
    def mount(self) -> str:
        """The mount path without a trailing slash ("" for a root mount)."""
        m = self.mountPath.rstrip("/")
        return m if m.startswith("/") or not m else "/" + m

    @property
    def max_body_bytes(self) -> int:
        """maxUploadSize in bytes."""
        return parse_size(self.maxUploadSize)

    def public_url(self) -> str:
        """Base URL used for Location headers and file urls."""
        base = self.publicServerURL or self.serverURL or f"http://localhost:{self.port}{self.mount}"
        return base.rstrip("/")


_SIZE_UNITS = {"": 1, "b": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3}


IP_OPTIONS = ("masterKeyIps", "maintenanceKeyIps", "readOnlyMasterKeyIps")


def check_ip_options(config: ServerConfig) -> None:
    """Parse Server's start-up check of the *KeyIps options: every entry an address or CIDR range."""
    from .option_spec import ConfigError

    for name in IP_OPTIONS:
        for entry in getattr(config, name) or []:
            try:
                ipaddress.ip_network(str(entry), strict=False)
            except ValueError:
                raise ConfigError(f'The Parse Server option "{name}" contains an invalid IP address '
                                  f'"{str(entry).split("/")[0]}".') from None


@lru_cache(maxsize=64)  # asked for on every request with a body (maxUploadSize)
def parse_size(text: str | int) -> int:
    """'20mb' -> bytes."""
    if isinstance(text, int):
        return text
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmg]?b?)\s*", str(text).lower())
    if not m:
        raise ValueError(f"invalid size: {text!r}")
    return int(float(m.group(1)) * _SIZE_UNITS[m.group(2)])


def option_names() -> list[str]:
    """The top-level options this server implements (ServerConfig's fields)."""
    return [f.name for f in fields(ServerConfig)]


def env_name(option: str) -> str:
    """The environment variable of an option, as Parse Server names it (appId -> PARSE_SERVER_APPLICATION_ID)."""
    for o in OPTIONS:
        if o.name == option and o.env:
            return o.env
    raise KeyError(f"no environment variable for option {option!r}")


def load_config(file_path: str | None = None, overrides: dict[str, Any] | None = None,
                environ: dict[str, str] | None = None, warnings: list[str] | None = None) -> ServerConfig:
    """Parse Server's precedence: flags (`overrides`) > environment > JSON config file > defaults.

    ConfigError (a ValueError) for an unknown option or a malformed value; the warnings (deprecated
    names, options not implemented here) go to `warnings` when given, else to the log."""
    from .config_sources import resolve_config

    return resolve_config(ServerConfig, file_path, overrides, environ, warnings)
