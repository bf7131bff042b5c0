"""Start-up checks of the account options (emails, lockout, password policy, pages, sessions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .account_emails import check_email_options
from .lockout import check_lockout_options
from .mfa import mfa_options
from .password_policy import policy_of

if TYPE_CHECKING:
    from ..runtime.server import Server

_PAGE_BOOLS = ("enableRouter", "enableLocalization", "forceRedirect")
_PAGE_STRINGS = ("localizationJsonPath", "localizationFallbackLocale", "pagesPath", "pagesEndpoint")


def check_pages_options(pages: object) -> None:
    """Parse Server's checks of the `pages` option (ValueError with its message)."""
    if not isinstance(pages, dict):
        raise ValueError("Parse Server option pages must be an object.")
    for key in _PAGE_BOOLS:
        if key in pages and not isinstance(pages[key], bool):
            raise ValueError(f"Parse Server option pages.{key} must be a boolean.")
    for key in _PAGE_STRINGS:
        if key in pages and not isinstance(pages[key], str):
            raise ValueError(f"Parse Server option pages.{key} must be a string.")
    if "placeholders" in pages and not (isinstance(pages["placeholders"], dict) or callable(pages["placeholders"])):
        raise ValueError("Parse Server option pages.placeholders must be an object or a function.")
    if "customUrls" in pages and not isinstance(pages["customUrls"], dict):
        raise ValueError("Parse Server option pages.customUrls must be an object.")


def check_account_options(server: "Server") -> None:
    """Every account option checked once, at start (ValueError naming the option)."""
    cfg = server.config
    check_email_options(server)
    check_lockout_options(cfg.accountLockout)
    policy_of(server)
    mfa_options(server)
    check_pages_options(cfg.pages)
    if not isinstance(cfg.extendSessionOnUse, bool):
        raise ValueError("extendSessionOnUse must be a boolean value")
