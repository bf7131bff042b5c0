"""Parse Server's `databaseOptions`: what each backend reads of it.

Two kinds of keys matter here:
- the MongoDB driver's own options (connection, pool, read preference, TLS, compression...), which
  Parse Server hands to its MongoClient; this server hands them to PyMongo's AsyncMongoClient, which
  spells them alike. They mean nothing to SQLite or PostgreSQL: set with those, a warning says so.
- the `createIndex...` switches, which turn off one of the indexes the server creates at start-up.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("parse_clone")

# Keys Parse Server passes through to the MongoDB driver, under the names PyMongo also accepts.
MONGO_DRIVER_OPTIONS = frozenset({
    "appName", "authMechanism", "authMechanismProperties", "authSource", "compressors", "connectTimeoutMS",
    "directConnection", "heartbeatFrequencyMS", "loadBalanced", "localThresholdMS", "maxConnecting",
    "maxIdleTimeMS", "maxStalenessSeconds", "minPoolSize", "readConcernLevel", "readPreference", "readPreferenceTags", "replicaSet", "retryReads",
    "retryWrites", "serverMonitoringMode", "serverSelectionTimeoutMS", "socketTimeoutMS", "srvMaxHosts",
    "srvServiceName", "ssl", "tls", "tlsAllowInvalidCertificates", "tlsAllowInvalidHostnames", "tlsCAFile",
    "tlsCertificateKeyFile", "tlsCertificateKeyFilePassword", "tlsInsecure", "waitQueueTimeoutMS",
    "zlibCompressionLevel",
})

# The start-up indexes and the switch that turns each off (all on by default, as in Parse Server).
INDEX_SWITCHES = {
    ("_User", "username"): "createIndexUserUsername",
    ("_User", "email"): "createIndexUserEmail",
    ("_Role", "name"): "createIndexRoleName",
    ("_User", "case_insensitive_username"): "createIndexUserUsernameCaseInsensitive",
    ("_User", "case_insensitive_email"): "createIndexUserEmailCaseInsensitive",
    ("_User", "_email_verify_token"): "createIndexUserEmailVerifyToken",
    ("_User", "_perishable_token"): "createIndexUserPasswordResetToken",
}


def index_wanted(database_options: dict[str, Any] | None, class_name: str, index: str) -> bool:
    """Whether a start-up index (a field's unique index, or a named one) is to be created."""
    switch = INDEX_SWITCHES.get((class_name, index))
    return switch is None or (database_options or {}).get(switch) is not False


def mongo_client_options(database_options: dict[str, Any] | None) -> dict[str, Any]:
    """The driver options among `database_options`, as keyword arguments of AsyncMongoClient."""
    return {k: v for k, v in (database_options or {}).items() if k in MONGO_DRIVER_OPTIONS and v is not None}


def warn_foreign_options(database_options: dict[str, Any] | None, backend: str) -> list[str]:
    """Warn (and answer the keys) of MongoDB driver options set for another backend."""
    foreign = sorted(mongo_client_options(database_options))
    for key in foreign:
        log.warning("databaseOptions.%s is a MongoDB driver option; it has no effect on %s", key, backend)
    return foreign


def warn_schema_hooks(database_options: dict[str, Any] | None, backend: str) -> bool:
    """Warn when databaseOptions.enableSchemaHooks is set for a backend that does not watch schemas
    (here only PostgreSQL does, with LISTEN/NOTIFY); True when it warned."""
    if not (database_options or {}).get("enableSchemaHooks"):
        return False
    log.warning("databaseOptions.enableSchemaHooks is implemented on PostgreSQL only; on %s other "
                "processes' schema changes are seen through schemaCacheTtl, a class lookup on a miss, "
                "or the Redis channel shared by instances", backend)
    return True


def schema_cache_ttl(value: Any) -> float | None:
    """databaseOptions.schemaCacheTtl (seconds) as a number, None when unset; ValueError when not a number >= 0."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"databaseOptions.schemaCacheTtl must be a number of seconds (>= 0), not {value!r}")
    return float(value)


def cursor_batch_size(value: Any) -> int:
    """databaseOptions.batchSize: documents per MongoDB cursor batch (Parse Server's default, 1000)."""
    if value is None:
        return 1000
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"databaseOptions.batchSize must be a positive integer, not {value!r}")
    return value


def effective_database_options(database_options: dict[str, Any] | None,
                               collation_case_comparison: bool = False) -> dict[str, Any]:
    """databaseOptions as the adapter should read them: with enableCollationCaseComparison (the
    database's collation decides case), Parse Server makes no case-insensitive user indexes."""
    options = dict(database_options or {})
    if collation_case_comparison:
        options["createIndexUserUsernameCaseInsensitive"] = False
        options["createIndexUserEmailCaseInsensitive"] = False
    return options


def max_time_ms(value: Any) -> float | None:
    """databaseOptions.maxTimeMS: milliseconds a find, count or aggregate may run (None or 0: no limit);
    ValueError when not a number >= 0."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"databaseOptions.maxTimeMS must be a number of milliseconds (>= 0), not {value!r}")
    return float(value) or None
