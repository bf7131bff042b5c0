"""Parse files: who may upload, storing through the files adapter, serving, metadata and deletion.

Cloud hooks call-out: the cloud-code registry (built elsewhere) installs one async callable as
`server.extras["file_triggers"]`. It is awaited with a `FileEvent` whose `trigger` is
`before_save_file`, `after_save_file`, `before_delete_file` or `after_delete_file`, and runs
whatever hooks are registered for it. A `before_save_file` hook may change the event's name,
content type, metadata or tags (in place, or by returning a changed FileEvent), or set its `url`
to say the file is already stored elsewhere (nothing is stored then). A ParseError raised by a
hook reaches the client as is; any other exception becomes 130 (save) or 153 (delete).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...config import ServerConfig
from ...files.base import FileOptions, FilesAdapter, StoredFile
from ..runtime.auth import Auth
from ...language.denylist import check_prohibited_keywords, compile_denylist
from ...errors import ParseError, Unauthorized
from ...files.names import ExtensionRule, check_extension, check_file_name, is_stored_name, stored_name, type_for_name

if TYPE_CHECKING:
    from ..runtime.server import Server

log = logging.getLogger("parse_clone.files")

FILE_TRIGGERS = "file_triggers"  # server.extras key of the cloud registry's file-trigger runner


@dataclass(frozen=True)
class UploadRules:
    """Parse Server's `fileUpload` options, validated."""

    enable_for_public: bool = False
    enable_for_anonymous_user: bool = False
    enable_for_authenticated_user: bool = True
    extensions: ExtensionRule = field(default_factory=ExtensionRule)

    @classmethod
    def from_options(cls, options: Any) -> UploadRules:
        """Build from the option value; ValueError (Parse's wording) for a bad one."""
        if options is None:
            options = {}
        if not isinstance(options, dict):
            raise ValueError("fileUpload must be an object value.")
        flags: dict[str, bool] = {}
        for key, attr in (("enableForPublic", "enable_for_public"),
                          ("enableForAnonymousUser", "enable_for_anonymous_user"),
                          ("enableForAuthenticatedUser", "enable_for_authenticated_user")):
            value = options.get(key)
            if value is None:
                continue
            if not isinstance(value, bool):
                raise ValueError(f"fileUpload.{key} must be a boolean value.")
            flags[attr] = value
        return cls(**flags, extensions=ExtensionRule.from_option(options.get("fileExtensions")))


@dataclass
class FileUpload:
    """An upload as the HTTP layer hands it over: the name from the path, the body as chunks."""

    filename: str
    content_type: str | None
    chunks: AsyncIterator[bytes]
    metadata: dict[str, Any] = field(default_factory=dict)
    tags: dict[str, Any] = field(default_factory=dict)
    size: int | None = None  # declared (Content-Length) when known


@dataclass
class SavedFile:
    """The answer to an upload."""

    name: str
    url: str


@dataclass
class FileEvent:
    """What a file trigger sees; a before_save_file hook may change it (see the module docstring)."""

    trigger: str
    name: str
    url: str | None
    auth: Auth
    content_type: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    tags: dict[str, Any] = field(default_factory=dict)
    size: int | None = None


FileTriggerRunner = Callable[[FileEvent], Awaitable["FileEvent | None"]]


def upload_rules(config: ServerConfig) -> UploadRules:
    """The upload rules of a configuration."""
    return UploadRules.from_options(config.fileUpload)


def files_adapter(server: Server) -> FilesAdapter:
    """The server's files adapter (every built server has one)."""
    if server.files is None:
        raise ParseError(ParseError.INTERNAL_SERVER_ERROR, "No files adapter is configured.")
    return server.files


def check_upload_allowed(rules: UploadRules, auth: Auth) -> None:
    """130 (or 403 for the read-only master key) unless this requester may upload."""
    if auth.is_read_only:
        raise Unauthorized("read-only masterKey isn't allowed to create a file.")
    if auth.is_master or auth.is_maintenance:
        return
    user = auth.user
    anonymous = user is not None and _is_anonymous(user)
    if anonymous and not rules.enable_for_anonymous_user:
        raise ParseError(ParseError.FILE_SAVE_ERROR, "File upload by anonymous user is disabled.")
    if user is not None and not anonymous and not rules.enable_for_authenticated_user:
        raise ParseError(ParseError.FILE_SAVE_ERROR, "File upload by authenticated user is disabled.")
    if user is None and not rules.enable_for_public:
        raise ParseError(ParseError.FILE_SAVE_ERROR, "File upload by public is disabled.")


def _is_anonymous(user: dict[str, Any]) -> bool:
    auth_data = user.get("authData")
    return isinstance(auth_data, dict) and bool(auth_data.get("anonymous"))


async def save_file(server: Server, auth: Auth, upload: FileUpload) -> SavedFile:
    """POST /files/:filename: check, run the hooks, stream the body to the adapter."""
    rules = upload_rules(server.config)
    check_upload_allowed(rules, auth)
    check_file_name(upload.filename)
    if not (auth.is_master or auth.is_maintenance):
        check_extension(rules.extensions, upload.filename, upload.content_type)
    for value in (upload.metadata, upload.tags):
        check_prohibited_keywords(value, compile_denylist(server.config.requestKeywordDenylist))
    chunks = await _non_empty(upload.chunks)
    event = FileEvent("before_save_file", upload.filename, None, auth, upload.content_type,
                      upload.metadata, upload.tags, upload.size)
    event = await run_file_trigger(server, event, ParseError.FILE_SAVE_ERROR)
    if event.url:
        saved = SavedFile(event.name, event.url)
        event.size = None
    else:
        check_file_name(event.name)  # a hook's name obeys the same rule as a client's
        name = stored_name(event.name, event.content_type, server.config.preserveFileName)
        options = FileOptions(event.content_type or type_for_name(name), event.metadata, event.tags)
        stored = await _store(server, name, chunks, options, event.name)
        saved = SavedFile(name, server.file_url(name))
        event.size = stored.length
    event.trigger, event.name, event.url = "after_save_file", saved.name, saved.url
    await run_file_trigger(server, event, ParseError.FILE_SAVE_ERROR)
    return saved


async def _non_empty(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """The same chunks, once the first non-empty one has arrived (130 for an empty body)."""
    first = b""
    while not first:
        try:
            first = await chunks.__anext__()
        except StopAsyncIteration:
            raise ParseError(ParseError.FILE_SAVE_ERROR, "Invalid file upload.") from None

    async def replay() -> AsyncIterator[bytes]:
        yield first
        async for chunk in chunks:
            yield chunk

    return replay()


async def _store(server: Server, name: str, chunks: AsyncIterator[bytes], options: FileOptions,
                 requested: str) -> StoredFile:
    try:
        return await files_adapter(server).create(name, chunks, options)
    except ParseError:
        raise
    except Exception:
        log.exception("storing file %s failed", name)
        raise ParseError(ParseError.FILE_SAVE_ERROR, f"Could not store file: {requested}.") from None


async def run_file_trigger(server: Server, event: FileEvent, error_code: int) -> FileEvent:
    """Run the registered hooks for `event.trigger`, if a trigger runner is installed."""
    runner: FileTriggerRunner | None = server.extras.get(FILE_TRIGGERS)
    if runner is None:
        return event
    try:
        result = await runner(event)
    except ParseError:
        raise
    except Exception as e:  # noqa: BLE001 - a hook's failure is the client's answer, not a 500
        raise ParseError(error_code, str(e) or "Script failed.") from None
    return result if isinstance(result, FileEvent) else event


async def delete_file(server: Server, auth: Auth, name: str) -> None:
    """DELETE /files/:filename (master key): 153 when there is no such file."""
    if auth.is_read_only:
        raise Unauthorized("read-only masterKey isn't allowed to delete a file.")
    event = FileEvent("before_delete_file", name, server.file_url(name), auth)
    await run_file_trigger(server, event, ParseError.FILE_DELETE_ERROR)
    try:
        removed = is_stored_name(name) and await files_adapter(server).delete(name)
    except Exception:
        log.exception("deleting file %s failed", name)
        removed = False
    if not removed:
        raise ParseError(ParseError.FILE_DELETE_ERROR, "Could not delete file.")
    event.trigger = "after_delete_file"
    await run_file_trigger(server, event, ParseError.FILE_DELETE_ERROR)


async def find_file(server: Server, app_id: str, name: str) -> StoredFile | None:
    """The stored file a download names (403 code 119 for another app id), or None."""
    if app_id != server.config.appId:
        raise ParseError(ParseError.OPERATION_FORBIDDEN, "Invalid application ID.", http_status=403)
    if not is_stored_name(name):
        return None
    return await files_adapter(server).stat(name)


def read_file(server: Server, file: StoredFile, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
    """Bytes [start, end) of a found file, in chunks."""
    return files_adapter(server).read(file, start, end)


async def file_metadata(server: Server, app_id: str, name: str) -> dict[str, Any]:
    """GET /files/:appId/metadata/:filename: {"metadata": ...} for a stored file, {} otherwise."""
    if app_id != server.config.appId or not is_stored_name(name):
        return {}
    found = await files_adapter(server).stat(name)
    return {"metadata": found.metadata} if found is not None else {}


def download_rules(config: Any) -> dict[str, bool]:
    """fileDownload with Parse Server's defaults (every switch true); ValueError (Parse's message) if malformed."""
    option = config.fileDownload
    if option is None:
        option = {}
    if not isinstance(option, dict):
        raise ValueError("fileDownload must be an object value.")
    rules = {}
    for key in ("enableForAnonymousUser", "enableForAuthenticatedUser", "enableForPublic"):
        value = option.get(key, True)
        if not isinstance(value, bool):
            raise ValueError(f"fileDownload.{key} must be a boolean value.")
        rules[key] = value
    return rules


def downloads_restricted(config: Any) -> bool:
    """Does fileDownload turn any kind of requester away (so the session must be looked up)?"""
    return not all(download_rules(config).values())


def check_download_allowed(config: Any, auth: Auth | None) -> None:
    """fileDownload: 119 when this kind of requester (anonymous user, user, nobody) may not download."""
    if auth is not None and (auth.is_master or auth.is_maintenance):
        return
    rules = download_rules(config)
    user = auth.user if auth is not None else None
    anonymous = user is not None and _is_anonymous(user)
    if anonymous and not rules["enableForAnonymousUser"]:
        raise ParseError(ParseError.OPERATION_FORBIDDEN, "File download by anonymous user is disabled.")
    if user is not None and not anonymous and not rules["enableForAuthenticatedUser"]:
        raise ParseError(ParseError.OPERATION_FORBIDDEN, "File download by authenticated user is disabled.")
    if user is None and not rules["enableForPublic"]:
        raise ParseError(ParseError.OPERATION_FORBIDDEN, "File download by public is disabled.")
