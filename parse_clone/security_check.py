"""Parse Server's security check (option `security`): weak settings, reported as Parse Server reports them.

`security.enableCheck` turns on GET /security (master key), which answers the report; with
`security.enableCheckLog` the report is also written to the log at start (warn when a check fails).
The checks are Parse Server 9's, judged on this server's configuration; the report's shape is
Parse Server's: {"report": {"version", "state", "groups": [{"name", "state", "checks": [...]}]}}.
`security.checkGroups` (JavaScript classes in Parse Server) has no equivalent here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlparse

from .config import ServerConfig

log = logging.getLogger("parse_clone")

REPORT_VERSION = "1.0.0"
NOT_ENABLED = "Enable Parse Server option `security.enableCheck` to run security check."
_OPEN_TO_ALL = {"0.0.0.0/0", "0.0.0.0", "::/0", "::", "::0"}
_COMPLEXITY_KEYS = ("includeDepth", "includeCount", "subqueryDepth", "queryDepth", "graphQLDepth",
                    "graphQLFields", "batchRequestLimit")


@dataclass(frozen=True)
class Check:
    """One check: it passes when `passes(config)` is true."""

    title: str
    warning: str
    solution: str
    passes: Callable[[ServerConfig], bool]


def strong_secret(secret: str | None) -> bool:
    """At least 14 characters with 3 of: upper case, lower case, digits, other characters."""
    if not secret or len(secret) < 14:
        return False
    kinds = [r"[A-Z]", r"[a-z]", r"\d", r"\W"]
    return sum(bool(re.search(k, secret)) for k in kinds) >= 3


def _database_password_ok(config: ServerConfig) -> bool:
    uri = config.databaseURI or ""
    if uri.startswith("sqlite:"):
        return True  # a file on this machine: no password to guess over the network
    return strong_secret(unquote(urlparse(uri).password or ""))


def _complexity_on(config: ServerConfig) -> bool:
    limits = config.requestComplexity
    return bool(limits) and not any(limits.get(k) == -1 for k in _COMPLEXITY_KEYS)


def _read_only_key_restricted(config: ServerConfig) -> bool:
    if not config.readOnlyMasterKey:
        return True
    return not any(ip in _OPEN_TO_ALL for ip in (config.readOnlyMasterKeyIps or []))


SERVER_CONFIG_CHECKS = (
    Check("Secure master key",
          "The Parse Server master key is insecure and vulnerable to brute force attacks.",
          "Choose a longer and/or more complex master key with a combination of upper- and lowercase "
          "characters, numbers and special characters.",
          lambda c: strong_secret(c.masterKey)),
    Check("Security log disabled",
          "Security checks in logs may expose vulnerabilities to anyone with access to logs.",
          "Change Parse Server configuration to 'security.enableCheckLog: false'.",
          lambda c: not (c.security or {}).get("enableCheckLog")),
    Check("Client class creation disabled",
          "Attackers are allowed to create new classes without restriction and flood the database.",
          "Change Parse Server configuration to 'allowClientClassCreation: false'.",
          lambda c: c.allowClientClassCreation is False),
    Check("Users are created without public access",
          "Users with public read access are exposed to anyone who knows their object IDs, or to anyone who "
          "can query the Parse.User class.",
          "Change Parse Server configuration to 'enforcePrivateUsers: true'.",
          lambda c: bool(c.enforcePrivateUsers)),
    Check("Insecure auth adapters disabled",
          "Attackers may explore insecure auth adapters' vulnerabilities and log in on behalf of another user.",
          "Change Parse Server configuration to 'enableInsecureAuthAdapters: false'.",
          lambda c: True),  # this server has no insecure auth adapters to enable
    Check("GraphQL public introspection disabled",
          "GraphQL public introspection is enabled, which allows anyone to access the GraphQL schema.",
          "Change Parse Server configuration to 'graphQLPublicIntrospection: false'. You will need to use "
          "master key or maintenance key to access the GraphQL schema.",
          lambda c: c.graphQLPublicIntrospection is False),
    Check("GraphQL Playground disabled",
          "GraphQL Playground is enabled and exposes the master key in the browser page.",
          "Change Parse Server configuration to 'mountPlayground: false'. Use Parse Dashboard for GraphQL "
          "exploration in production.",
          lambda c: not c.mountPlayground),
    Check("Public database explain disabled",
          "Database explain queries are publicly accessible, which may expose sensitive database performance "
          "information and schema details.",
          "Change Parse Server configuration to 'databaseOptions.allowPublicExplain: false'. You will need to "
          "use master key to run explain queries.",
          lambda c: (c.databaseOptions or {}).get("allowPublicExplain") is False),
    Check("Read-only master key IP range restricted",
          "The read-only master key can be used from any IP address, which increases the attack surface if "
          "the key is compromised.",
          "Change Parse Server configuration to 'readOnlyMasterKeyIps: [\"127.0.0.1\", \"::1\"]' to restrict "
          "access to localhost, or set it to a list of specific IP addresses.",
          _read_only_key_restricted),
    Check("Request complexity limits enabled",
          "One or more request complexity limits are disabled, which may allow denial-of-service attacks "
          "through deeply nested or excessively broad queries.",
          "Ensure all properties in 'requestComplexity' are set to positive integers. Set to '-1' only if you "
          "have other mitigations in place.",
          _complexity_on),
    Check("Password reset endpoint user enumeration mitigated",
          "The password reset endpoint returns distinct error responses for invalid email addresses, which "
          "allows attackers to enumerate registered users.",
          "Change Parse Server configuration to 'passwordPolicy.resetPasswordSuccessOnInvalidEmail: true'.",
          lambda c: (c.passwordPolicy or {}).get("resetPasswordSuccessOnInvalidEmail") is not False),
    Check("Email verification endpoint user enumeration mitigated",
          "The email verification endpoint returns distinct error responses for invalid email addresses, "
          "which allows attackers to enumerate registered users.",
          "Change Parse Server configuration to 'emailVerifySuccessOnInvalidEmail: true'.",
          lambda c: c.emailVerifySuccessOnInvalidEmail is not False),
    Check("LiveQuery regex timeout enabled",
          "LiveQuery regex timeout is disabled. A malicious client can subscribe with a crafted $regex pattern "
          "that causes catastrophic backtracking, blocking the server and making it unresponsive.",
          "Change Parse Server configuration to 'liveQuery.regexTimeout: 100' to set a 100ms timeout for regex "
          "evaluation in LiveQuery.",
          lambda c: not ((c.liveQuery or {}).get("classNames") and (c.liveQuery or {}).get("regexTimeout") == 0)),
)

DATABASE_CHECKS = (
    Check("Secure database password",
          "The database password is insecure and vulnerable to brute force attacks.",
          "Choose a longer and/or more complex password with a combination of upper- and lowercase characters, "
          "numbers and special characters.",
          _database_password_ok),
)

GROUPS = (("Parse Server Configuration", SERVER_CONFIG_CHECKS), ("Database", DATABASE_CHECKS))


def security_report(config: ServerConfig) -> dict[str, Any]:
    """Every check run on `config`, as Parse Server's report (failed checks carry warning and solution)."""
    overall = "success"
    groups = []
    for name, checks in GROUPS:
        state = "success"
        entries = []
        for check in checks:
            try:
                ok = check.passes(config)
            except Exception:  # noqa: BLE001 - a check that cannot judge counts as failed, as in Parse Server
                ok = False
            entry: dict[str, Any] = {"title": check.title, "state": "success" if ok else "fail"}
            if not ok:
                entry.update(warning=check.warning, solution=check.solution)
                state = overall = "fail"
            entries.append(entry)
        groups.append({"name": name, "state": state, "checks": entries})
    return {"report": {"version": REPORT_VERSION, "state": overall, "groups": groups}}


def log_security_report(config: ServerConfig) -> None:
    """At start, with security.enableCheck and enableCheckLog: the report in the log (warn if a check failed)."""
    security = config.security or {}
    if not (security.get("enableCheck") and security.get("enableCheckLog")):
        return
    report = security_report(config)["report"]
    checks = [c for g in report["groups"] for c in g["checks"]]
    failed = [c for c in checks if c["state"] == "fail"]
    lines = ["Parse Server security check",
             f"{'Warning: ' if failed else ''}{len(failed)} weak security setting(s) found{'!' if failed else ''}",
             f"{len(checks)} check(s) executed"]
    for group in report["groups"]:
        lines.append(f"- {group['name']}")
        for check in group["checks"]:
            mark = "ok  " if check["state"] == "success" else "FAIL"
            lines.append(f"   {mark} {check['title']}")
            if check["state"] == "fail":
                lines.append(f"      Warning: {check['warning']} {check['solution']}")
    (log.warning if failed else log.info)("\n".join(lines))
