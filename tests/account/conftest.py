"""Account-email fixtures: a real SMTP server on loopback (aiosmtpd) and a server that mails through it."""

from __future__ import annotations

import re
import socket
import threading
import time
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from parse_clone.app import build_app, build_server
from parse_clone.core.auth.passwords import PasswordHasher
from tests.conftest import Api, make_config, make_storage


class Inbox:
    """What the loopback SMTP server received."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.envelopes: list[Any] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.lock:
            self.envelopes.append(envelope)
            self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        return "250 OK"

    async def wait(self, count: int = 1, timeout: float = 5.0) -> list[Message]:
        """Wait until `count` mails arrived."""
        import asyncio

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            await asyncio.sleep(0.02)
        raise AssertionError(f"expected {count} mail(s), got {len(self.messages)}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def link_in(message: Message) -> str:
    """The first http(s) link of a mail's text body."""
    body = message.get_payload(decode=True).decode("utf-8")
    match = re.search(r"https?://\S+", body)
    assert match, body
    return match.group(0)


@pytest.fixture
def smtp():
    """A real SMTP server on 127.0.0.1 (an ephemeral port); yields (inbox, port)."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def account_overrides() -> dict[str, Any]:
    """Override in a test module for more options."""
    return {}


@pytest.fixture(params=["sqlite", "mongomock", "postgres"])
def backend(request) -> str:
    return request.param


@pytest.fixture
async def mail_api(aiohttp_client, backend, tmp_path, smtp, account_overrides) -> Api:
    """A server mailing through the loopback SMTP server; publicServerURL is its real address."""
    _, port = smtp
    options = {"appName": "Homework", "verifyUserEmails": True, "publicServerURL": "http://placeholder/1",
               "emailAdapter": {"module": "smtp", "options": {"host": "127.0.0.1", "port": port,
                                                              "fromAddress": "noreply@example.test"}}}
    options.update(account_overrides)
    server = build_server(make_config(**options), make_storage(backend, tmp_path))
    server.extras["password_hasher"] = PasswordHasher(rounds=4)
    client = await aiohttp_client(build_app(server))
    server.config.publicServerURL = str(client.make_url("/1"))
    return Api(client, server)
