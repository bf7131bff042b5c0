"""The `mfa` auth adapter, as Parse Server's (TOTP): enrolment with a secret, then logins need a code.

Enable it with `auth: {"mfa": {"enabled": true, "options": ["TOTP"], "digits": 6, "period": 30,
"algorithm": "SHA1"}}`. A logged-in user enrols by saving `authData.mfa = {secret, token}` (a
base32 secret of 20+ characters and a current code); the answer carries
`authDataResponse.mfa.recovery` (two recovery codes). Stored as Parse Server stores it:
`authData.mfa = {secret, recovery: [code, code]}`. From then on `/login` needs
`authData.mfa.token` (a current code or a recovery code); changing the secret needs `old`.
Clients only ever see `authData.mfa = {status: "enabled" | "disabled"}`.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from typing import TYPE_CHECKING, Any

import pyotp

from ...errors import ParseError

if TYPE_CHECKING:
    from ..runtime.server import Server

PROVIDER = "mfa"
_ALPHABET = string.ascii_letters + string.digits
_DIGESTS = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}


class MfaOptions:
    """The checked `auth.mfa` options."""

    def __init__(self, entry: dict[str, Any]) -> None:
        methods = entry.get("options")
        if not isinstance(methods, list):
            raise ValueError("mfa.options must be an array")
        if "TOTP" not in methods:
            raise ValueError("mfa.options must include SMS or TOTP" if "SMS" not in methods
                             else "mfa: only TOTP is supported here (SMS needs a sendSMS callback)")
        self.digits = entry.get("digits", 6)
        self.period = entry.get("period", 30)
        if isinstance(self.digits, bool) or not isinstance(self.digits, int):
            raise ValueError("mfa.digits must be a number")
        if isinstance(self.period, bool) or not isinstance(self.period, (int, float)):
            raise ValueError("mfa.period must be a number")
        if not 4 <= self.digits <= 10:
            raise ValueError("mfa.digits must be between 4 and 10")
        if self.period < 10:
            raise ValueError("mfa.period must be greater than 10")
        self.algorithm = str(entry.get("algorithm", "SHA1")).upper()
        if self.algorithm not in _DIGESTS:
            raise ValueError("mfa.algorithm must be SHA1, SHA256 or SHA512")

    def totp(self, secret: str) -> pyotp.TOTP:
        """The code generator of a secret."""
        return pyotp.TOTP(secret, digits=self.digits, interval=int(self.period), digest=_DIGESTS[self.algorithm])

    def valid(self, secret: str, token: Any) -> bool:
        """Is `token` the code of this or the neighbouring period?"""
        if not isinstance(token, str) or not token.isdigit():
            return False
        try:
            return self.totp(secret).verify(token, valid_window=1)
        except (ValueError, TypeError):  # not a base32 secret
            return False


def mfa_options(server: "Server") -> MfaOptions | None:
    """The server's mfa options (None when the adapter is not enabled)."""
    if "mfa_options" not in server.extras:
        entry = (server.config.auth or {}).get(PROVIDER)
        enabled = isinstance(entry, dict) and entry.get("enabled", True) is not False and "module" not in entry
        server.extras["mfa_options"] = MfaOptions(entry) if enabled else None
    return server.extras["mfa_options"]


def _is_enabled(stored: Any) -> bool:
    return isinstance(stored, dict) and bool(stored.get("secret"))


def _setup(options: MfaOptions, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(stored authData, response) of an enrolment; -1 "Invalid MFA data/token" otherwise."""
    secret, token = data.get("secret"), data.get("token")
    if not isinstance(secret, str) or not token or len(secret) < 20:
        raise ParseError(ParseError.OTHER_CAUSE, "Invalid MFA data")
    if not options.valid(secret, token):
        raise ParseError(ParseError.OTHER_CAUSE, "Invalid MFA token")
    recovery = ["".join(secrets.choice(_ALPHABET) for _ in range(30)) for _ in range(2)]
    return {"secret": secret, "recovery": recovery}, {"recovery": ", ".join(recovery)}


def _token_ok(options: MfaOptions, stored: dict[str, Any], token: Any) -> bool:
    recovery = stored.get("recovery") or []
    return (isinstance(token, str) and token in recovery[:2]) or options.valid(stored["secret"], token)


async def update_mfa(server: "Server", master: bool, stored_user: dict[str, Any] | None,
                     data: Any) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """A user write of authData.mfa: (authData.mfa to store or None to unlink, authDataResponse.mfa)."""
    options = mfa_options(server)
    assert options is not None
    if data is None:
        return None, None
    if not isinstance(data, dict):
        raise ParseError(ParseError.OTHER_CAUSE, "Invalid MFA data")
    current = ((stored_user or {}).get("authData") or {}).get(PROVIDER)
    if master:
        return data, None
    if _is_enabled(current):
        if not _token_ok(options, current, data.get("old")):
            raise ParseError(ParseError.OTHER_CAUSE, "Invalid MFA token")
    stored, response = _setup(options, data)
    return stored, response


async def check_mfa_login(server: "Server", doc: dict[str, Any], auth_data: Any) -> bool:
    """At /login: a user with MFA must send a valid authData.mfa.token (-1 missing, 141 invalid); sent?"""
    options = mfa_options(server)
    stored = (doc.get("authData") or {}).get(PROVIDER)
    sent = isinstance(auth_data, dict) and auth_data.get(PROVIDER)
    if options is None or not _is_enabled(stored):
        return bool(sent)
    if not sent:
        raise ParseError(ParseError.OTHER_CAUSE, f"Missing additional authData {PROVIDER}")
    token = sent.get("token") if isinstance(sent, dict) else None
    if not isinstance(token, str) or not _token_ok(options, stored, token):
        raise ParseError(ParseError.SCRIPT_FAILED, "Invalid MFA token")
    return True

