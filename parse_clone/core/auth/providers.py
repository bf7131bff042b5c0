"""Third-party logins (`authData`): the provider interface and the per-server registry.

A provider checks the credentials a client sends under `authData.<name>` before a user
is signed up, logged in or linked with them. Write one as a class with an async
`validate` method and expose it from a module through a factory:

    # myapp/github_auth.py
    from parse_clone.errors import ParseError

    class GitHubProvider:
        def __init__(self, options):
            self.client_id = options.get("clientId")

        async def validate(self, auth_data, options):
            if not await token_belongs_to(auth_data["access_token"], auth_data["id"]):
                raise ParseError(ParseError.OBJECT_NOT_FOUND, "GitHub auth is invalid for this user.")
            return None  # store auth_data as sent (or return the dict to store instead)

    def create_provider(options):
        return GitHubProvider(options)

and enable it with Parse Server's `auth` option (a JSON object; `--auth` on the command line):

    {"github": {"module": "myapp.github_auth", "options": {"clientId": "..."}}}

`module` is a dotted module name or a path to a `.py` file; `options` is handed to the
factory and to every `validate` call; `"enabled": false` turns a provider off. `anonymous`
is built in (switched by `enableAnonymousUsers`); `parse_clone.core.auth.jwt_provider` is an
example provider that checks a signed JWT against a configured JWKS.

Errors: an unknown or disabled provider answers 252; a provider rejects credentials by
raising `ParseError` (usually 101); any other exception becomes 101 as well, so a provider's
failure never leaks details or a stack trace.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ...errors import ParseError

if TYPE_CHECKING:
    from ..runtime.server import Server

log = logging.getLogger("parse_clone.auth")

UNSUPPORTED = "This authentication method is unsupported."


class AuthProvider(Protocol):
    """What a provider implements."""

    async def validate(self, auth_data: dict[str, Any], options: dict[str, Any]) -> dict[str, Any] | None:
        """Raise ParseError to reject; return None to store `auth_data`, or the dict to store instead."""


class AnonymousProvider:
    """`authData.anonymous`: a client-chosen id, nothing to verify."""

    async def validate(self, auth_data: dict[str, Any], options: dict[str, Any]) -> dict[str, Any] | None:
        """Always accepted."""
        return None


class MfaEnrolmentOnly:
    """`authData.mfa` outside login and user updates (core/auth/mfa.py handles those): refused."""

    async def validate(self, auth_data: dict[str, Any], options: dict[str, Any]) -> dict[str, Any] | None:
        """Enrolment needs a signed-up user: save authData.mfa on the user instead."""
        raise ParseError(ParseError.OTHER_CAUSE, "Invalid MFA data")


@dataclass
class _Entry:
    provider: AuthProvider
    options: dict[str, Any]
    enabled: bool = True


def load_module(name: str) -> Any:
    """Import a provider module by dotted name or by `.py` file path."""
    if name.endswith(".py"):
        spec = importlib.util.spec_from_file_location(f"parse_clone_auth_{abs(hash(name))}", name)
        if spec is None or spec.loader is None:
            raise ValueError(f"cannot load auth provider module {name!r}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    return importlib.import_module(name)


class AuthRegistry:
    """The providers one server accepts, built from its `auth` option."""

    def __init__(self, auth_config: dict[str, Any] | None, enable_anonymous: bool = True) -> None:
        self._entries: dict[str, _Entry] = {"anonymous": _Entry(AnonymousProvider(), {}, enable_anonymous),
                                            "mfa": _Entry(MfaEnrolmentOnly(), {}, False)}
        for name, entry in (auth_config or {}).items():
            if not isinstance(entry, dict):
                raise ValueError(f"auth.{name} must be an object")
            options = entry.get("options") if isinstance(entry.get("options"), dict) else {}
            enabled = entry.get("enabled", True) is not False
            module_name = entry.get("module")
            if module_name is None:
                if name not in self._entries:
                    raise ValueError(f"auth.{name}: no module given and no built-in provider of that name")
                self._entries[name].options = options
                self._entries[name].enabled = enabled and (name != "anonymous" or enable_anonymous)
                continue
            module = load_module(str(module_name))
            factory = getattr(module, "create_provider", None)
            provider = factory(options) if callable(factory) else module
            if not callable(getattr(provider, "validate", None)):
                raise ValueError(f"auth.{name}: module {module_name!r} has no create_provider() or validate()")
            self._entries[name] = _Entry(provider, options, enabled)

    def supports(self, name: str) -> bool:
        """Is this provider configured and enabled?"""
        entry = self._entries.get(name)
        return entry is not None and entry.enabled

    async def validate(self, name: str, auth_data: Any) -> dict[str, Any]:
        """Check one provider's credentials; the authData to store for it (252 unsupported, 101 rejected)."""
        entry = self._entries.get(name)
        if entry is None or not entry.enabled:
            raise ParseError(ParseError.UNSUPPORTED_SERVICE, UNSUPPORTED)
        if not isinstance(auth_data, dict):
            raise ParseError(ParseError.OBJECT_NOT_FOUND, f"{name} auth is invalid for this user.")
        try:
            replaced = await entry.provider.validate(auth_data, entry.options)
        except ParseError:
            raise
        except Exception:  # noqa: BLE001 - a provider's crash is a rejected login, not a 500
            log.exception("auth provider %s failed", name)
            raise ParseError(ParseError.OBJECT_NOT_FOUND, f"{name} auth is invalid for this user.") from None
        return replaced if isinstance(replaced, dict) else auth_data


    async def challenge(self, name: str, challenge_data: Any, auth_data: Any, request: dict[str, Any]) -> Any:
        """Run a provider's `challenge(challenge_data, auth_data, options, request)` (an auth step before
        login, e.g. sending a one-time code); SKIPPED when the provider is unknown or has none."""
        entry = self._entries.get(name)
        step = getattr(entry.provider, "challenge", None) if entry is not None and entry.enabled else None
        if not callable(step):
            return SKIPPED
        result = step(challenge_data, auth_data, entry.options, request)  # type: ignore[union-attr]
        return await result if inspect.isawaitable(result) else result


SKIPPED = object()  # AuthRegistry.challenge: no challenge step for that provider


def registry_for(server: "Server") -> AuthRegistry:
    """The server's registry, built from its config on first use."""
    registry = server.extras.get("auth_providers")
    if registry is None:
        registry = AuthRegistry(server.config.auth, server.config.enableAnonymousUsers)
        server.extras["auth_providers"] = registry
    return registry
