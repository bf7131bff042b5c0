"""The `smtp` mail adapter: a real SMTP client (standard library) with TLS, STARTTLS and login.

Options: host, port (465 with `secure`, else 587), secure (TLS from the first byte), username,
password, fromAddress, and timeout (seconds, default 10). Without `secure` the connection is
upgraded with STARTTLS whenever the server offers it (`requireTLS: true` refuses servers that don't).
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from . import MailDeliveryError

_KNOWN = {"host", "port", "secure", "username", "password", "fromAddress", "timeout", "requireTLS",
          "rejectUnauthorized"}


class SmtpMailAdapter:
    """Sends mails through one SMTP server; each mail opens its own connection (in a worker thread)."""

    def __init__(self, options: dict[str, Any]) -> None:
        unknown = sorted(set(options) - _KNOWN)
        if unknown:
            raise ValueError(f"emailAdapter smtp: unknown option(s) {', '.join(unknown)}")
        for required in ("host", "fromAddress"):
            if not isinstance(options.get(required), str) or not options[required]:
                raise ValueError(f"emailAdapter smtp: options.{required} is required")
        self.host: str = options["host"]
        self.secure = bool(options.get("secure", False))
        self.port = int(options.get("port") or (465 if self.secure else 587))
        self.username: str | None = options.get("username")
        self.password: str | None = options.get("password")
        self.from_address: str = options["fromAddress"]
        self.timeout = float(options.get("timeout", 10))
        self.require_tls = bool(options.get("requireTLS", False))
        self.context = ssl.create_default_context()
        if options.get("rejectUnauthorized") is False:
            self.context.check_hostname = False
            self.context.verify_mode = ssl.CERT_NONE

    def _message(self, mail: dict[str, Any]) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = mail.get("from") or self.from_address
        msg["To"] = mail["to"]
        msg["Subject"] = mail.get("subject", "")
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid()
        msg.set_content(mail.get("text", ""))
        if mail.get("html"):
            msg.add_alternative(mail["html"], subtype="html")
        return msg

    def _send(self, msg: EmailMessage) -> None:
        cls = smtplib.SMTP_SSL if self.secure else smtplib.SMTP
        kwargs: dict[str, Any] = {"context": self.context} if self.secure else {}
        with cls(self.host, self.port, timeout=self.timeout, **kwargs) as client:
            client.ehlo()
            if not self.secure:
                if client.has_extn("starttls"):
                    client.starttls(context=self.context)
                    client.ehlo()
                elif self.require_tls:
                    raise MailDeliveryError(f"SMTP server {self.host}:{self.port} does not offer STARTTLS")
            if self.username:
                client.login(self.username, self.password or "")
            client.send_message(msg)

    async def send_mail(self, mail: dict[str, Any]) -> None:
        """Deliver the mail; MailDeliveryError with the reason when the server is down or refuses it."""
        if not mail.get("to"):
            raise MailDeliveryError("the mail has no recipient")
        msg = self._message(mail)
        try:
            await asyncio.to_thread(self._send, msg)
        except MailDeliveryError:
            raise
        except (OSError, smtplib.SMTPException) as e:
            raise MailDeliveryError(f"SMTP server {self.host}:{self.port}: {e}") from e
