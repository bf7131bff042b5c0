"""Email adapters, as Parse Server's `emailAdapter` option: `{"module": ..., "options": {...}}`.

An adapter has `send_mail({"to", "subject", "text"})` and may add `send_verification_email(options)`
and `send_password_reset_email(options)` (options: `{"appName", "link", "user"}`) to write its own
mails. Built in: `smtp` (email/smtp.py) and `log` (email/log.py, each mail written to the log).
A Python module path (`package.module` or a `.py` file) names any other adapter: the module
exposes `create_adapter(options)` or an `adapter` object.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from typing import Any, Protocol


class MailDeliveryError(Exception):
    """A mail could not be handed to the mail server (message says why, for the client and the log)."""


class MailAdapter(Protocol):
    """What the server calls; the two specialised senders are optional."""

    async def send_mail(self, mail: dict[str, Any]) -> None:
        """Deliver `{"to", "subject", "text"}` (raises MailDeliveryError when it cannot)."""


def _load_module(name: str) -> Any:
    if name.endswith(".py") or os.sep in name:
        spec = importlib.util.spec_from_file_location(f"parse_clone_email_{abs(hash(name))}", name)
        if spec is None or spec.loader is None:
            raise ValueError(f"emailAdapter: cannot load module {name!r}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    return importlib.import_module(name)


def load_email_adapter(option: Any) -> Any | None:
    """The adapter an `emailAdapter` option describes (None when unset); ValueError naming the problem."""
    if option is None or option == "":
        return None
    if hasattr(option, "send_mail"):
        return option  # an adapter object given in a Python config
    if isinstance(option, str):
        option = {"module": option}
    if not isinstance(option, dict) or not isinstance(option.get("module"), str):
        raise ValueError("emailAdapter must be a module name or {\"module\": ..., \"options\": {...}}")
    name, options = option["module"], option.get("options") or {}
    if not isinstance(options, dict):
        raise ValueError("emailAdapter.options must be an object")
    if name == "smtp":
        from .smtp import SmtpMailAdapter

        return SmtpMailAdapter(options)
    if name == "log":
        from .log import LogMailAdapter

        return LogMailAdapter(options)
    try:
        module = _load_module(name)
    except (ImportError, OSError) as e:
        raise ValueError(f"emailAdapter: cannot load module {name!r}: {e}") from e
    if callable(getattr(module, "create_adapter", None)):
        adapter = module.create_adapter(options)
    else:
        adapter = getattr(module, "adapter", None)
    if adapter is None or not callable(getattr(adapter, "send_mail", None)):
        raise ValueError(f"emailAdapter: module {name!r} has no create_adapter(options) or adapter with send_mail")
    return adapter
