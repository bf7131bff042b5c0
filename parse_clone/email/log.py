"""The development mail adapter: every mail goes to the log (logger `parse_clone.email`) and is kept."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("parse_clone.email")


class LogMailAdapter:
    """Writes each mail to the log instead of sending it; `sent` keeps the last ones for inspection."""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        self.options = options or {}
        self.sent: list[dict[str, Any]] = []

    async def send_mail(self, mail: dict[str, Any]) -> None:
        """Log the mail (recipient, subject, body)."""
        self.sent = [*self.sent[-49:], dict(mail)]
        log.info("mail to %s\nSubject: %s\n\n%s", mail.get("to"), mail.get("subject"), mail.get("text"))
