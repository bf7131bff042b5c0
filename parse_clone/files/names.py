"""File names and types: Parse's name rule, stored names, mime types, the extension allow-list, serving policy."""

from __future__ import annotations

import mimetypes
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ..config import ServerConfig
from ..errors import ParseError

# Parse's rule for a file name: one path segment, so no name can climb out of a directory,
# carry a NUL, or break a header (no CR, LF, quote, backslash or slash can match).
_NAME = re.compile(r"[_a-zA-Z0-9][a-zA-Z0-9@. ~_-]*")
MAX_NAME_LENGTH = 128
MAX_STORED_NAME_LENGTH = 255  # prefix + name; also what file systems accept for one segment

# Python's built-in table (not the host's /etc/mime.types, so answers are the same everywhere),
# plus the types phones commonly upload that Python 3.11 does not list.
_MIME = mimetypes.MimeTypes()
for _type, _ext in (("image/webp", ".webp"), ("audio/mp4", ".m4a"), ("application/xhtml+xml", ".xhtml"),
                    ("image/heif", ".heif"), ("text/markdown", ".md")):
    _MIME.add_type(_type, _ext)

# Parse Server 9's default blocklist: extensions browsers render as active content.
DEFAULT_BLOCKED_EXTENSIONS = frozenset({
    "html", "htm", "shtml", "shtm", "xhtml", "xhtm", "html+xml", "htm+xml", "shtml+xml", "xhtml+xml",
    "xht", "svg", "svgz", "svg+xml", "xml", "xsl", "xslt", "xsl+xml", "xslt+xml", "xsd", "rng",
    "rdf", "rdf+xml", "owl", "mathml", "mathml+xml",
})
# Served as attachments (never rendered on our origin), whoever uploaded them.
ACTIVE_CONTENT_TYPES = frozenset({
    "text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml",
    "text/xsl", "application/xslt+xml", "application/mathml+xml", "application/rdf+xml",
    "text/javascript", "application/javascript", "application/ecmascript", "text/ecmascript",
})
_LEGACY_PARSE_NAME = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}-")
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~A-Za-z0-9]+")


def check_file_name(name: str) -> None:
    """122 unless `name` is a name a client may upload under."""
    if not name:
        raise ParseError(ParseError.INVALID_FILE_NAME, "Filename not provided.")
    if len(name) > MAX_NAME_LENGTH:
        raise ParseError(ParseError.INVALID_FILE_NAME, "Filename too long.")
    if not _NAME.fullmatch(name):
        raise ParseError(ParseError.INVALID_FILE_NAME, "Filename contains invalid characters.")


def is_stored_name(name: str) -> bool:
    """Can `name` be a stored file's name? (what downloads and deletes accept)."""
    return 0 < len(name) <= MAX_STORED_NAME_LENGTH and _NAME.fullmatch(name) is not None


def bare_type(content_type: str | None) -> str | None:
    """'Text/HTML; charset=utf-8' -> 'text/html'; None for an empty value."""
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def type_for_name(name: str) -> str | None:
    """The mime type a name's extension stands for, or None."""
    return _MIME.guess_type(name, strict=False)[0]


def stored_name(name: str, content_type: str | None, preserve: bool) -> str:
    """The name a file is stored under: extension from the type when missing, then a random prefix."""
    if "." not in name:
        extension = _MIME.guess_extension(bare_type(content_type) or "", strict=False)
        if extension:
            name += extension
    if not preserve:
        name = secrets.token_hex(16) + "_" + name
    return name


@dataclass(frozen=True)
class ExtensionRule:
    """fileUpload.fileExtensions: regexes an extension must match, or Parse's default blocklist."""

    patterns: tuple[re.Pattern[str], ...] | None = None  # None: the default blocklist
    allow_all: bool = False

    @classmethod
    def from_option(cls, value: Any) -> ExtensionRule:
        """Build from the option's value; ValueError for a bad one."""
        if value is None:
            return cls()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("fileUpload.fileExtensions must be an array.")
        try:
            return cls(tuple(re.compile(v) for v in value if v != "*"), "*" in value)
        except re.error as e:
            raise ValueError(f"fileUpload.fileExtensions has an invalid pattern: {e}") from None

    def allows(self, extension: str) -> bool:
        """Is this extension (or content subtype) accepted?"""
        if self.allow_all:
            return True
        if self.patterns is None:
            return extension.lower() not in DEFAULT_BLOCKED_EXTENSIONS
        return any(p.search(extension) for p in self.patterns)


def check_extension(rule: ExtensionRule, name: str, content_type: str | None) -> None:
    """130 when the name's extension, or the type of a file without a known extension, is not allowed."""
    extension = name.rsplit(".", 1)[1] if "." in name else ""
    extension = re.sub(r"\s+", "", extension.split(";", 1)[0])
    if extension and not rule.allows(extension):
        raise _extension_refused(extension)
    if (extension and type_for_name(name)) or not content_type or rule.allow_all:
        return
    # The name says nothing a browser would trust, so the declared type is what must be checked.
    main, slash, rest = content_type.partition("/")
    subtype = rest.split(";", 1)[0].strip()
    if not slash or not _TOKEN.fullmatch(main.strip()) or not _TOKEN.fullmatch(subtype):
        token = re.sub(r"\s+", "", (main if slash else content_type.split(";", 1)[0]))
        if token and not rule.allows(token):
            raise _extension_refused(token)
        raise ParseError(ParseError.FILE_SAVE_ERROR, "Invalid Content-Type.")
    if not rule.allows(subtype):
        raise _extension_refused(subtype)


def _extension_refused(extension: str) -> ParseError:
    return ParseError(ParseError.FILE_SAVE_ERROR, f"File upload of extension {extension} is disabled.")


@dataclass(frozen=True)
class ServingPolicy:
    """How a stored file is answered: its content type and whether it must be downloaded, not shown."""

    content_type: str
    attachment: bool


def serving_policy(name: str) -> ServingPolicy:
    """Type from the name alone (never from the uploader); active content only as an attachment."""
    content_type = type_for_name(name) or "application/octet-stream"
    return ServingPolicy(content_type, content_type in ACTIVE_CONTENT_TYPES)


def file_location(config: ServerConfig, name: str) -> str:
    """The url of a stored file; parse.com-era names point at parse.com when a fileKey is set."""
    if config.fileKey is not None:
        if name.startswith("tfss-"):
            return f"http://files.parsetfss.com/{config.fileKey}/{quote(name, safe='')}"
        if _LEGACY_PARSE_NAME.match(name):
            return f"http://files.parse.com/{config.fileKey}/{quote(name, safe='')}"
    return f"{config.public_url()}/files/{config.appId}/{quote(name, safe='')}"
