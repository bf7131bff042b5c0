"""What clients see of authData providers whose stored data is secret (the `mfa` adapter's)."""

from __future__ import annotations

from typing import Any

MFA = "mfa"


def mask_secret_auth_data(auth_data: dict[str, Any]) -> None:
    """authData.mfa becomes {status: enabled|disabled}, as Parse Server's mfa adapter shows it."""
    stored = auth_data.get(MFA)
    if isinstance(stored, dict) and set(stored) != {"status"}:
        enabled = bool(stored.get("secret") or stored.get("mobile"))
        auth_data[MFA] = {"status": "enabled" if enabled else "disabled"}
