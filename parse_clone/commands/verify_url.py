"""verifyServerUrl: once the server listens, check that serverURL reaches it (GET <serverURL>/health),
and warn as Parse Server does when it does not: cloud code's calls to the server would fail."""

from __future__ import annotations

import asyncio
import sys
from urllib.parse import urlparse

import aiohttp

from ..config import ServerConfig

ATTEMPTS = 10  # the check starts with the server; give the socket a moment to listen
PAUSE_S = 0.3


def server_url(config: ServerConfig) -> str:
    """The URL the server calls itself at (serverURL, else localhost, the port and the mount path)."""
    return config.serverURL or f"http://localhost:{config.port}{config.mount}"


async def verify_server_url(config: ServerConfig, warn=None) -> bool:
    """True when <serverURL>/health answers {"status": "ok"}; otherwise Parse Server's warning is printed."""
    url = server_url(config)
    say = warn or (lambda text: print(text, file=sys.stderr, flush=True))
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        say(f"WARNING, Unable to connect to '{url}' as the URL is invalid. "
            "Cloud code and push notifications may be unavailable!")
        return False
    health = url.rstrip("/") + "/health"
    timeout = aiohttp.ClientTimeout(total=5)
    for attempt in range(ATTEMPTS):
        try:
            async with aiohttp.ClientSession(timeout=timeout) as http:
                async with http.get(health) as resp:
                    body = await resp.json(content_type=None) if resp.status == 200 else None
                    if isinstance(body, dict) and body.get("status") == "ok":
                        return True
                    break  # something answered, and it is not this server's health check
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            if attempt + 1 < ATTEMPTS:
                await asyncio.sleep(PAUSE_S)
    say(f"WARNING, Unable to connect to '{url}'. Cloud code and push notifications may be unavailable!")
    return False
