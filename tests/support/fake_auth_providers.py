"""Test-only auth providers: the fake `facebook`, `custom` and `myoauth` logins Parse Server's specs use.

Load them through the `auth` option, one entry per provider name:

    {"facebook": {"module": "tests/support/fake_auth_providers.py", "options": {"provider": "facebook"}},
     "custom":   {"module": "tests/support/fake_auth_providers.py", "options": {"provider": "custom"}},
     "myoauth":  {"module": "tests/support/fake_auth_providers.py", "options": {"provider": "myoauth"}}}

Accepted credentials (what the specs send): facebook id "8675309" with an access_token
starting "jenny"; custom id "fastrde" with a password starting "password"; myoauth id and
access_token "12345". Anything else is rejected with 101.
"""

from __future__ import annotations

from typing import Any, Callable

from parse_clone.errors import ParseError


def _facebook(data: dict[str, Any]) -> bool:
    token = data.get("access_token")
    return data.get("id") == "8675309" and isinstance(token, str) and token.startswith("jenny")


def _custom(data: dict[str, Any]) -> bool:
    password = data.get("password")
    return data.get("id") == "fastrde" and isinstance(password, str) and password.startswith("password")


def _myoauth(data: dict[str, Any]) -> bool:
    return str(data.get("id")) == "12345" and str(data.get("access_token")) == "12345"


CHECKS: dict[str, Callable[[dict[str, Any]], bool]] = {"facebook": _facebook, "custom": _custom, "myoauth": _myoauth}


class FakeProvider:
    """Accepts exactly the credentials one of the spec suite's fake providers accepts."""

    def __init__(self, name: str) -> None:
        if name not in CHECKS:
            raise ValueError(f"fake_auth_providers: unknown provider {name!r}")
        self.check = CHECKS[name]

    async def validate(self, auth_data: dict[str, Any], options: dict[str, Any]) -> dict[str, Any] | None:
        """101 unless the credentials are the accepted ones."""
        if not self.check(auth_data):
            raise ParseError(ParseError.OBJECT_NOT_FOUND, "not validated")
        return None


def create_provider(options: dict[str, Any]) -> FakeProvider:
    """The provider named by options["provider"] (default "custom")."""
    return FakeProvider(str(options.get("provider") or "custom"))

