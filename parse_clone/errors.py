"""ParseError and the error codes of the Parse protocol (names as in the SDKs' ParseError)."""

from __future__ import annotations

from typing import Any


class ParseError(Exception):
    """A Parse protocol error: `code` and `message` reach the client as {"code", "error"}."""

    OTHER_CAUSE = -1
    INTERNAL_SERVER_ERROR = 1
    CONNECTION_FAILED = 100
    OBJECT_NOT_FOUND = 101
    INVALID_QUERY = 102
    INVALID_CLASS_NAME = 103
    MISSING_OBJECT_ID = 104
    INVALID_KEY_NAME = 105
    INVALID_POINTER = 106
    INVALID_JSON = 107
    COMMAND_UNAVAILABLE = 108
    NOT_INITIALIZED = 109
    INCORRECT_TYPE = 111
    INVALID_CHANNEL_NAME = 112
    PUSH_MISCONFIGURED = 115
    OBJECT_TOO_LARGE = 116
    OPERATION_FORBIDDEN = 119
    CACHE_MISS = 120
    INVALID_NESTED_KEY = 121
    INVALID_FILE_NAME = 122
    INVALID_ACL = 123
    TIMEOUT = 124
    INVALID_EMAIL_ADDRESS = 125
    MISSING_CONTENT_TYPE = 126
    MISSING_CONTENT_LENGTH = 127
    INVALID_CONTENT_LENGTH = 128
    FILE_TOO_LARGE = 129
    FILE_SAVE_ERROR = 130
    MISSING_REQUIRED_FIELD = 135
    CHANGED_IMMUTABLE_FIELD = 136
    DUPLICATE_VALUE = 137
    INVALID_ROLE_NAME = 139
    EXCEEDED_QUOTA = 140
    SCRIPT_FAILED = 141
    VALIDATION_ERROR = 142
    WEBHOOK_ERROR = 143
    FILE_DELETE_ERROR = 153
    REQUEST_LIMIT_EXCEEDED = 155
    DUPLICATE_REQUEST = 159
    INVALID_EVENT_NAME = 160
    INVALID_VALUE = 162
    USERNAME_MISSING = 200
    PASSWORD_MISSING = 201
    USERNAME_TAKEN = 202
    EMAIL_TAKEN = 203
    EMAIL_MISSING = 204
    EMAIL_NOT_FOUND = 205
    SESSION_MISSING = 206
    MUST_CREATE_USER_THROUGH_SIGNUP = 207
    ACCOUNT_ALREADY_LINKED = 208
    INVALID_SESSION_TOKEN = 209
    MFA_ERROR = 210
    MFA_TOKEN_REQUIRED = 211
    LINKED_ID_MISSING = 250
    INVALID_LINKED_SESSION = 251
    UNSUPPORTED_SERVICE = 252
    INVALID_SCHEMA_OPERATION = 255

    def __init__(self, code: int, message: str = "", http_status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        # Parse answers a few client mistakes with code 1; we keep the code but not the 5xx status,
        # since SDKs retry 5xx responses.
        self.http_status = http_status

    def __repr__(self) -> str:
        return f"ParseError({self.code}, {self.message!r})"

    def to_json(self) -> dict:
        """The error body Parse clients expect."""
        return {"code": self.code, "error": self.message}


class Unauthorized(Exception):
    """A request with bad keys: answered 403 {"error": "unauthorized..."} with no code."""

    def __init__(self, message: str = "unauthorized") -> None:
        super().__init__(message)
        self.message = message


def js_string(value: Any) -> str:
    """How JavaScript prints a value in a template string, for error messages worded as Parse Server's."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, list):  # Array.prototype.join: null and undefined print as ""
        return ",".join("" if v is None else js_string(v) for v in value)
    if isinstance(value, dict):
        return "[object Object]"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
