"""Errors of the cloud-code layer, and how a hook's exception becomes a Parse error."""

from __future__ import annotations

from ..errors import ParseError

SCRIPT_FAILED_MESSAGE = "Script failed. Unknown error."


class CloudRegistrationError(ValueError):
    """A hook registered wrongly (e.g. before_save on _Session, an unknown validator option)."""


class CloudLoadError(Exception):
    """A cloud-code file failed to import or to register: names the file and line."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}, line {line}" if line else path
        super().__init__(f"{where}: {message}")


class HookTimeout(Exception):
    """A hook ran longer than the configured timeout."""


def as_parse_error(exc: BaseException, code: int = ParseError.SCRIPT_FAILED,
                   default_message: str = SCRIPT_FAILED_MESSAGE) -> ParseError:
    """A hook's exception as the client sees it: ParseErrors keep their code, others get `code`."""
    if isinstance(exc, ParseError):
        return exc
    message = str(exc) if str(exc) else default_message
    return ParseError(code, message)
