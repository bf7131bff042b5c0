"""trustProxy: which client address a request has when it reaches us through reverse proxies.

Parse Server hands the option to Express's `trust proxy` setting, so the values are Express's:
true (trust every hop: the left-most X-Forwarded-For address), a number (trust that many hops),
an address, CIDR range or name (loopback, linklocal, uniquelocal), a comma-separated string or an
array of those. Walking from the socket's address leftwards through X-Forwarded-For, the client is
the first address that is not trusted (or the left-most one when every hop is trusted).
"""

from __future__ import annotations

import ipaddress
from typing import Any, Callable

from .option_spec import ConfigError

Trust = Callable[[str, int], bool]
NAMES = {
    "loopback": ("127.0.0.1/8", "::1/128"),
    "linklocal": ("169.254.0.0/16", "fe80::/10"),
    "uniquelocal": ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"),
}
_OPTION = "option trustProxy (PARSE_SERVER_TRUST_PROXY)"


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        addr = ipaddress.ip_address(text.strip().split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        return addr.ipv4_mapped
    return addr


def _networks(entries: list[Any]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    nets = []
    for entry in entries:
        if not isinstance(entry, str):
            raise ConfigError(f"{_OPTION}: expected addresses, ranges or names, got {entry!r}")
        for part in (p.strip() for p in entry.split(",")):
            for item in NAMES.get(part, (part,)):
                try:
                    nets.append(ipaddress.ip_network(item, strict=False))
                except ValueError:
                    raise ConfigError(f"{_OPTION}: {part!r} is not an IP address, a CIDR range or one of "
                                      f"{', '.join(NAMES)}") from None
    return nets


def trust_from_option(option: Any) -> Trust | None:
    """The trust function for the option's value; None when no proxy is trusted (the default)."""
    if option is None or option is False or option == [] or option == "":
        return None
    if option is True:
        return lambda addr, hop: True
    if isinstance(option, (int, float)) and not isinstance(option, bool):
        hops = int(option)
        return (lambda addr, hop: hop < hops) if hops > 0 else None
    nets = _networks(option if isinstance(option, list) else [option])

    def trusted(addr: str, hop: int) -> bool:
        parsed = _address(addr)
        return parsed is not None and any(parsed.version == n.version and parsed in n for n in nets)
    return trusted


def client_ip(remote: str, forwarded_for: str | None, trust: Trust | None) -> str:
    """The client's address: `remote` (the socket peer) unless trusted proxies forwarded the request."""
    if trust is None or not forwarded_for:
        return remote
    hops = [remote] + [a.strip() for a in reversed(forwarded_for.split(","))]
    for i, addr in enumerate(hops[:-1]):
        if not trust(addr, i):
            return addr
    return hops[-1]


def request_ip(request: Any, trust: Trust | None) -> str:
    """The client address of an aiohttp request (`trust`: the server's extras["trust_proxy"])."""
    remote = request.remote or ""
    if trust is None:
        return remote
    return client_ip(remote, request.headers.get("X-Forwarded-For"), trust)
