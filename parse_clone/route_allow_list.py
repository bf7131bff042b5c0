"""routeAllowList: with it set, a request without the master or maintenance key may only call the REST
routes whose path matches one of its patterns (Parse Server's option; regexes anchored at both ends,
matched against the path below the mount without its leading and trailing slash: "classes/Chat",
"functions/hello", "login"). Files, the account pages and GraphQL are outside it, as in Parse Server.
"""

from __future__ import annotations

import re
from typing import Any

from .option_spec import ConfigError

EXEMPT_PREFIXES = ("files",)  # file routes; the pages endpoint is added from the pages option


def compile_route_allow_list(option: Any) -> tuple[re.Pattern[str], ...] | None:
    """The anchored patterns (None: the option is unset and every route is open); ConfigError as Parse's."""
    if option is None:
        return None
    if not isinstance(option, list):
        raise ConfigError("Parse Server option routeAllowList must be an array of strings.")
    patterns = []
    for entry in option:
        if not isinstance(entry, str):
            raise ConfigError("Parse Server option routeAllowList contains a non-string value.")
        try:
            patterns.append(re.compile(f"^(?:{entry})$"))
        except re.error:
            raise ConfigError(f'Parse Server option routeAllowList contains an invalid regex pattern: "{entry}".') from None
    return tuple(patterns)


def normalized_route(path: str) -> str:
    """The path as the patterns see it: no leading or trailing slash, no query string."""
    return path.split("?", 1)[0].strip("/")


def route_allowed(patterns: tuple[re.Pattern[str], ...], route: str, pages_endpoint: str = "apps") -> bool:
    """Does a normalized route pass the list (file and account-page routes always do)?"""
    first = route.split("/", 1)[0]
    if first in EXEMPT_PREFIXES or first == pages_endpoint:
        return True
    return any(p.match(route) for p in patterns)
