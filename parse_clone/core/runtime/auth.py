"""Who is asking: the Auth value every core operation receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Auth:
    """The requester: master, read-only master, maintenance, a user with roles, or anonymous."""

    is_master: bool = False
    is_read_only: bool = False
    is_maintenance: bool = False
    user: dict[str, Any] | None = None
    session_token: str | None = None
    installation_id: str | None = None
    roles: list[str] = field(default_factory=list)  # "role:Name" entries, transitively resolved

    @classmethod
    def master(cls) -> "Auth":
        """Full access (server-side code, master key)."""
        return cls(is_master=True)

    @classmethod
    def nobody(cls) -> "Auth":
        """An anonymous client."""
        return cls()

    @property
    def bypasses_permissions(self) -> bool:
        """Master, read-only master and maintenance skip ACL and CLP."""
        return self.is_master or self.is_maintenance

    @property
    def user_id(self) -> str | None:
        """The logged-in user's objectId, if any."""
        return self.user.get("objectId") if self.user else None

    def acl_group(self) -> list[str]:
        """The identities this requester holds for ACL checks: "*", its user id and its roles."""
        group = ["*"]
        if self.user_id:
            group.append(self.user_id)
        group.extend(self.roles)
        return group
