"""/files on every backend: upload, download with ranges, metadata, delete, upload rules, path safety, limits."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from typing import Any

import orjson
import pytest
from yarl import URL

from parse_clone.errors import ParseError
from parse_clone.core.files.service import FILE_TRIGGERS, FileEvent
from parse_clone.files.local import LocalFilesAdapter
from tests.support.users import sign_up

BASE = "http://localhost:8378/1"
TEXT = b"argle bargle"
PUBLIC = {"enableForPublic": True}


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    """Public upload on, as in the conformance set-up; tests about the rules change it."""
    return {"fileUpload": dict(PUBLIC)}


# ----- helpers -----
def raw_headers(api, content_type: str | None = "text/plain", **extra: str) -> dict[str, str]:
    h = {"X-Parse-Application-Id": "test", "X-Parse-REST-API-Key": "rest", **extra}
    if content_type is not None:
        h["Content-Type"] = content_type
    return h


async def upload(api, name: str, data: Any = TEXT, content_type: str | None = "text/plain",
                 **headers: str) -> tuple[int, Any, Any]:
    """POST raw bytes to /files/<name> (name as given: already URL-encoded); (status, body, response)."""
    resp = await api.client.post(URL(f"/1/files/{name}", encoded=True), data=data,
                                 headers=raw_headers(api, content_type, **headers))
    text = await resp.text()
    try:
        return resp.status, (orjson.loads(text) if text else None), resp
    except orjson.JSONDecodeError:
        return resp.status, text, resp  # refused by the HTTP parser itself


async def download(api, url_or_name: str, **headers: str):
    """GET a file by its url or stored name; (status, bytes, response)."""
    path = url_or_name.replace(BASE, "/1") if url_or_name.startswith(BASE) else f"/1/files/test/{url_or_name}"
    resp = await api.client.get(URL(path, encoded=True), headers=headers)
    return resp.status, await resp.read(), resp


async def delete(api, name: str, **headers: str):
    h = raw_headers(api, None, **{"X-Parse-Master-Key": "test", **headers})
    resp = await api.client.delete(URL(f"/1/files/{name}", encoded=True), headers=h)
    return resp.status, await resp.read()


async def leftovers(api) -> list[Any]:
    """Everything the files adapter holds: files on disk, or fs.files/fs.chunks rows."""
    files = api.server.files
    if isinstance(files, LocalFilesAdapter):
        root = Path(files.root)
        return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file()) if root.exists() else []
    db = api.server.storage.database
    rows = [r async for r in db["fs.files"].find({})]
    return rows + [r async for r in db["fs.chunks"].find({}, {"n": 1})]


def stored_name_of(name: str) -> re.Pattern[str]:
    return re.compile(r"^[0-9a-f]{32}_" + re.escape(name) + "$")


# ----- upload -----
async def test_upload_answers_201_with_url_name_and_location(api):
    status, body, resp = await upload(api, "hello.txt")
    assert status == 201
    assert set(body) == {"url", "name"}
    assert stored_name_of("hello.txt").match(body["name"])
    assert body["url"] == f"{BASE}/files/test/{body['name']}"
    assert resp.headers["Location"] == body["url"]


async def test_uploaded_bytes_download_unchanged_with_type_from_the_name(api):
    _, body, _ = await upload(api, "hello.txt", content_type="image/jpeg")
    status, data, resp = await download(api, body["url"])
    assert (status, data) == (200, TEXT)
    assert resp.headers["Content-Type"] == "text/plain"
    assert resp.headers["Content-Length"] == str(len(TEXT))
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Accept-Ranges"] == "bytes"


async def test_upload_without_content_type_works(api):
    status, body, _ = await upload(api, "hello.txt", content_type=None)
    assert status == 201
    assert (await download(api, body["url"]))[1] == TEXT


async def test_js_sdk_json_body_form_is_decoded(api):
    payload = {"base64": base64.b64encode(b"<svg/>").decode(), "_ContentType": "image/png",
               "fileData": {"metadata": {"owner": "ann"}, "tags": {"t": "1"}},
               "_ApplicationId": "test", "_JavaScriptKey": "test", "_ClientVersion": "js6.1.1"}
    resp = await api.client.post("/1/files/pic.png", data=orjson.dumps(payload), headers={"Content-Type": "text/plain"})
    body = await resp.json()
    assert resp.status == 201
    assert stored_name_of("pic.png").match(body["name"])
    assert (await download(api, body["url"]))[1] == b"<svg/>"
    _, meta = await api.get(f"/files/test/metadata/{body['name']}")
    assert meta == {"metadata": {"owner": "ann"}}


async def test_js_sdk_json_form_without_app_id_is_403(api):
    payload = {"base64": "aGVsbG8=", "_ApplicationId": "other", "_JavaScriptKey": "test"}
    resp = await api.client.post("/1/files/a.txt", data=orjson.dumps(payload), headers={"Content-Type": "text/plain"})
    assert resp.status == 403
    assert await resp.json() == {"error": "unauthorized"}


async def test_missing_extension_is_added_from_the_content_type(api):
    _, body, _ = await upload(api, "photo", content_type="image/jpeg")
    assert stored_name_of("photo.jpg").match(body["name"])
    _, _, resp = await download(api, body["url"])
    assert resp.headers["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize("config_overrides", [{"fileUpload": PUBLIC, "preserveFileName": True}])
async def test_preserve_file_name_stores_the_name_as_given(api):
    _, body, _ = await upload(api, "report.txt")
    assert body == {"name": "report.txt", "url": f"{BASE}/files/test/report.txt"}


async def test_names_with_spaces_are_url_encoded(api):
    status, body, _ = await upload(api, "hello%20world.txt")
    assert status == 201
    assert body["name"].endswith("_hello world.txt")
    assert body["url"].endswith("_hello%20world.txt")
    assert (await download(api, body["url"]))[1] == TEXT


async def test_metadata_and_tags_headers_are_stored(api):
    _, body, _ = await upload(api, "a.txt", **{"X-Parse-File-Metadata": '{"job": "J1"}'})
    _, meta = await api.get(f"/files/test/metadata/{body['name']}")
    assert meta == {"metadata": {"job": "J1"}}


async def test_metadata_header_must_be_a_json_object(api):
    status, body, _ = await upload(api, "a.txt", **{"X-Parse-File-Metadata": "[1]"})
    assert (status, body) == (400, {"code": 107, "error": "Invalid JSON in X-Parse-File-Metadata header."})


async def test_prohibited_keys_in_metadata_are_105(api):
    status, body, _ = await upload(api, "a.txt", **{"X-Parse-File-Metadata": '{"__proto__": {"x": 1}}'})
    assert status == 400
    assert body["code"] == 105


async def test_empty_upload_is_130(api):
    status, body, _ = await upload(api, "file.txt", data=b"")
    assert (status, body) == (400, {"code": 130, "error": "Invalid file upload."})
    assert await leftovers(api) == []


@pytest.mark.parametrize("path", ["", "/"])
async def test_upload_without_a_name_is_122(api, path):
    resp = await api.client.post(f"/1/files{path}", data=b"yolo", headers=raw_headers(api))
    assert resp.status == 400
    assert await resp.text() == '{"code":122,"error":"Filename not provided."}'


@pytest.mark.parametrize("name", ["di$avowed.txt", "_ok%22quote.txt", "a%3Bb.txt", "%C3%A9t%C3%A9.txt",
                                  ".htaccess", "-dash.txt"])
async def test_invalid_file_names_are_122(api, name):
    status, body, _ = await upload(api, name)
    assert (status, body) == (400, {"code": 122, "error": "Filename contains invalid characters."})


async def test_names_over_128_characters_are_122(api):
    status, body, _ = await upload(api, "a" * 125 + ".txt")
    assert (status, body) == (400, {"code": 122, "error": "Filename too long."})
    assert (await upload(api, "a" * 124 + ".txt"))[0] == 201


# ----- path safety -----
TRAVERSALS = ["..%2F..%2Fevil.txt", "%2e%2e%2fevil.txt", "%252e%252e%252fevil.txt", "..%5Cevil.txt",
              "evil%00.txt", "evil.txt%00.png", "..", "%2e%2e", "evil%0d%0aSet-Cookie:%20a=b.txt"]


@pytest.mark.parametrize("name", TRAVERSALS)
async def test_traversal_uploads_store_nothing(api, tmp_path, name):
    status, body, resp = await upload(api, name)
    assert status in (400, 404)
    if isinstance(body, dict) and "code" in body:
        assert body["code"] in (107, 122)  # unroutable path, or a name Parse refuses
    assert "Set-Cookie" not in resp.headers
    assert await leftovers(api) == []
    assert not any(p.name.startswith("evil") for p in tmp_path.parent.rglob("*"))


@pytest.fixture
def secret(tmp_path) -> Path:
    """A file beside the database and the files directory that no request may read or delete."""
    path = tmp_path / "secret.txt"
    path.write_text("top secret")
    return path


@pytest.mark.parametrize("name", ["..%2Fsecret.txt", "%2e%2e%2fsecret.txt", "%252e%252e%252fsecret.txt",
                                  "..%5Csecret.txt", "secret.txt%00", "..", "%2e%2e%2f..%2fetc%2fpasswd",
                                  "%2Fetc%2Fpasswd"])
async def test_traversal_downloads_find_nothing(api, secret, name):
    await upload(api, "hello.txt")
    status, data, _ = await download(api, name)
    assert status in (400, 403, 404)
    assert b"secret" not in data and b"root:" not in data
    _, meta = await api.get(f"/files/test/metadata/{name}")
    assert meta in ({}, None) or "error" in meta


@pytest.mark.parametrize("name", ["..%2Fsecret.txt", "%252e%252e%252fsecret.txt", "..%5Csecret.txt",
                                  "secret.txt%00"])
async def test_traversal_deletes_remove_nothing(api, secret, name):
    status, _ = await delete(api, name)
    assert status in (400, 404)
    assert secret.read_text() == "top secret"


async def test_header_injection_in_download_names_is_impossible(api):
    resp = await api.client.get(URL("/1/files/test/a%0d%0aSet-Cookie:%20x=y", encoded=True))
    assert resp.status in (400, 404)
    assert "Set-Cookie" not in resp.headers


# ----- upload rules (fileUpload) -----
@pytest.mark.parametrize("config_overrides", [{}])
async def test_public_upload_is_off_by_default(api):
    status, body, _ = await upload(api, "a.txt")
    assert (status, body) == (400, {"code": 130, "error": "File upload by public is disabled."})


@pytest.mark.parametrize("config_overrides", [{}])
async def test_authenticated_users_may_upload_by_default(api):
    user = await sign_up(api, "ann")
    status, _, _ = await upload(api, "a.txt", **{"X-Parse-Session-Token": user["sessionToken"]})
    assert status == 201


@pytest.mark.parametrize("config_overrides", [{}])
async def test_anonymous_users_may_not_upload_by_default(api):
    status, user = await api.post("/users", {"authData": {"anonymous": {"id": "9f3b1c7e"}}})
    assert status == 201
    status, body, _ = await upload(api, "a.txt", **{"X-Parse-Session-Token": user["sessionToken"]})
    assert (status, body) == (400, {"code": 130, "error": "File upload by anonymous user is disabled."})


@pytest.mark.parametrize("config_overrides", [{"fileUpload": {"enableForAnonymousUser": True}}])
async def test_anonymous_upload_can_be_enabled(api):
    _, user = await api.post("/users", {"authData": {"anonymous": {"id": "9f3b1c7e"}}})
    status, _, _ = await upload(api, "a.txt", **{"X-Parse-Session-Token": user["sessionToken"]})
    assert status == 201


@pytest.mark.parametrize("config_overrides", [{"fileUpload": {"enableForAuthenticatedUser": False}}])
async def test_authenticated_upload_can_be_disabled(api):
    user = await sign_up(api, "ann")
    status, body, _ = await upload(api, "a.txt", **{"X-Parse-Session-Token": user["sessionToken"]})
    assert (status, body) == (400, {"code": 130, "error": "File upload by authenticated user is disabled."})


@pytest.mark.parametrize("config_overrides", [{"fileUpload": {"enableForAuthenticatedUser": False,
                                                              "fileExtensions": ["jpg"]}}])
async def test_master_key_may_always_upload_any_extension(api):
    status, _, _ = await upload(api, "page.html", content_type="text/html", **{"X-Parse-Master-Key": "test"})
    assert status == 201


@pytest.mark.parametrize("config_overrides", [{"fileUpload": PUBLIC, "readOnlyMasterKey": "ro"}])
async def test_read_only_master_key_is_refused_upload_and_delete(api):
    status, body, _ = await upload(api, "a.txt", **{"X-Parse-Master-Key": "ro"})
    assert (status, body) == (403, {"error": "read-only masterKey isn't allowed to create a file."})
    _, saved, _ = await upload(api, "a.txt")
    status, data = await delete(api, saved["name"], **{"X-Parse-Master-Key": "ro"})
    assert (status, orjson.loads(data)) == (403, {"error": "read-only masterKey isn't allowed to delete a file."})


async def test_upload_with_bad_keys_is_403(api):
    status, body, _ = await upload(api, "a.txt", **{"X-Parse-REST-API-Key": "wrong"})
    assert (status, body) == (403, {"error": "unauthorized"})


async def test_upload_with_unknown_session_token_is_209(api):
    status, body, _ = await upload(api, "a.txt", **{"X-Parse-Session-Token": "r:nope"})
    assert status == 400
    assert body["code"] == 209


@pytest.mark.parametrize("name,content_type,refused", [
    ("page.html", "text/html", "html"), ("page.HTM", "text/plain", "HTM"), ("logo.svg", "image/svg+xml", "svg"),
    ("feed.xml", "text/xml", "xml"), ("page", "text/html", "html"), ("blob.xyz", "image/svg+xml", "svg+xml"),
])
async def test_default_extension_rules_refuse_active_content(api, name, content_type, refused):
    status, body, _ = await upload(api, name, content_type=content_type)
    assert (status, body) == (400, {"code": 130, "error": f"File upload of extension {refused} is disabled."})


@pytest.mark.parametrize("name,content_type", [("photo.jpg", "image/jpeg"), ("notes.txt", "text/plain"),
                                               ("data.json", "application/json"), ("clip.mp4", "video/mp4"),
                                               ("raw", "application/octet-stream"), ("app.js", "text/javascript")])
async def test_default_extension_rules_allow_common_types(api, name, content_type):
    assert (await upload(api, name, content_type=content_type))[0] == 201


async def test_malformed_content_type_for_an_unknown_extension_is_refused(api):
    status, body, _ = await upload(api, "blob.xyz", content_type="image//svg+xml")
    assert (status, body) == (400, {"code": 130, "error": "Invalid Content-Type."})


@pytest.mark.parametrize("config_overrides", [{"fileUpload": {"enableForPublic": True, "fileExtensions": ["jpg"]}}])
async def test_file_extensions_allow_list(api):
    assert (await upload(api, "a.jpg", content_type="image/jpeg"))[0] == 201
    status, body, _ = await upload(api, "a.txt")
    assert (status, body) == (400, {"code": 130, "error": "File upload of extension txt is disabled."})


@pytest.mark.parametrize("config_overrides", [{"fileUpload": {"enableForPublic": True, "fileExtensions": ["*"]}}])
async def test_file_extensions_star_allows_everything(api):
    assert (await upload(api, "page.html", content_type="text/html"))[0] == 201


@pytest.mark.parametrize("options,message", [
    ("yes", "fileUpload must be an object value."),
    ({"enableForPublic": "true"}, "fileUpload.enableForPublic must be a boolean value."),
    ({"fileExtensions": "jpg"}, "fileUpload.fileExtensions must be an array."),
])
def test_invalid_file_upload_options_fail_at_start(options, message, tmp_path):
    from parse_clone.app import build_server
    from tests.conftest import make_config, make_storage

    with pytest.raises(ValueError, match=re.escape(message)):
        build_server(make_config(fileUpload=options), make_storage("sqlite", tmp_path))


# ----- download -----
async def test_unknown_file_is_404_text(api):
    status, data, resp = await download(api, "0123_missing.txt")
    assert (status, data) == (404, b"File not found.")
    assert resp.headers["Content-Type"].startswith("text/plain")


async def test_download_with_another_app_id_is_403_119(api):
    resp = await api.client.get("/1/files/invalid-id/invalid-file.txt")
    assert resp.status == 403
    assert await resp.json() == {"code": 119, "error": "Invalid application ID."}


async def test_malformed_file_path_without_keys_is_403(api):
    resp = await api.client.get(URL("/1/files/invalid-id//invalid-path/%20/invalid-file.txt", encoded=True))
    assert resp.status == 403
    assert await resp.json() == {"error": "unauthorized"}


async def test_downloads_need_no_keys(api):
    _, body, _ = await upload(api, "hello.txt")
    resp = await api.client.get(URL(body["url"].replace(BASE, "/1"), encoded=True))
    assert resp.status == 200


async def test_head_answers_headers_only(api):
    _, body, _ = await upload(api, "hello.txt")
    resp = await api.client.head(URL(body["url"].replace(BASE, "/1"), encoded=True))
    assert resp.status == 200
    assert resp.headers["Content-Length"] == str(len(TEXT))
    assert await resp.read() == b""


@pytest.mark.parametrize("config_overrides", [{"fileUpload": {"enableForPublic": True, "fileExtensions": ["*"]}}])
@pytest.mark.parametrize("name,content_type", [("page.html", "text/html"), ("logo.svg", "image/svg+xml"),
                                               ("app.js", "text/javascript")])
async def test_active_content_is_served_as_an_attachment(api, name, content_type):
    _, body, _ = await upload(api, name, data=b"<script>alert(1)</script>", content_type=content_type)
    _, _, resp = await download(api, body["url"])
    assert resp.headers["Content-Disposition"] == f'attachment; filename="{body["name"]}"'
    assert resp.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


async def test_images_are_served_inline(api):
    _, body, _ = await upload(api, "photo.jpg", content_type="image/jpeg")
    _, _, resp = await download(api, body["url"])
    assert "Content-Disposition" not in resp.headers
    assert resp.headers["Content-Type"] == "image/jpeg"


async def test_unknown_extensions_are_served_as_octet_stream(api):
    _, body, _ = await upload(api, "blob.xyz", content_type="application/octet-stream")
    _, _, resp = await download(api, body["url"])
    assert resp.headers["Content-Type"] == "application/octet-stream"


# ----- ranges -----
@pytest.mark.parametrize("header,expected,content_range", [
    ("bytes=0-5", b"argle ", "bytes 0-5/12"),
    ("bytes=0-2", b"arg", "bytes 0-2/12"),
    ("bytes=6-", b"bargle", "bytes 6-11/12"),
    ("bytes=-3", b"gle", "bytes 9-11/12"),
    ("bytes=-100", TEXT, "bytes 0-11/12"),
    ("bytes=4-4", b"e", "bytes 4-4/12"),
    ("bytes=0-2000", TEXT, "bytes 0-11/12"),
])
async def test_single_ranges_answer_206(api, header, expected, content_range):
    _, body, _ = await upload(api, "file.txt")
    status, data, resp = await download(api, body["url"], Range=header)
    assert (status, data) == (206, expected)
    assert resp.headers["Content-Range"] == content_range
    assert resp.headers["Content-Length"] == str(len(expected))


@pytest.mark.parametrize("header", ["bytes=12-", "bytes=15000-18000", "bytes=-0"])
async def test_unsatisfiable_ranges_answer_416(api, header):
    _, body, _ = await upload(api, "file.txt")
    status, data, resp = await download(api, body["url"], Range=header)
    assert (status, data) == (416, b"")
    assert resp.headers["Content-Range"] == "bytes */12"


@pytest.mark.parametrize("header", ["bytes=5-2", "items=0-5", "bytes=a-b", "bytes=0-1,4-5", "bytes=-"])
async def test_invalid_or_multiple_ranges_send_the_whole_file(api, header):
    _, body, _ = await upload(api, "file.txt")
    status, data, resp = await download(api, body["url"], Range=header)
    assert (status, data) == (200, TEXT)
    assert "Content-Range" not in resp.headers


async def test_ranges_across_storage_chunks(api):
    data = bytes(range(256)) * 4000  # 1 MB: several GridFS chunks and local read blocks
    _, body, _ = await upload(api, "blob.bin", data=data, content_type="application/octet-stream")
    start, end = 261_000, 800_123
    status, got, _ = await download(api, body["url"], Range=f"bytes={start}-{end}")
    assert status == 206
    assert got == data[start:end + 1]


# ----- metadata -----
async def test_metadata_of_a_file_without_metadata_is_empty_metadata(api):
    _, body, _ = await upload(api, "a.txt")
    status, meta = await api.get(f"/files/test/metadata/{body['name']}")
    assert (status, meta) == (200, {"metadata": {}})


@pytest.mark.parametrize("path", ["/files/test/metadata/0123_missing.txt", "/files/invalid-id/metadata/x.txt"])
async def test_metadata_of_unknown_files_or_apps_is_an_empty_object(api, path):
    resp = await api.client.get("/1" + path)
    assert resp.status == 200
    assert await resp.json() == {}


# ----- delete -----
async def test_delete_with_master_key_answers_200_empty_then_the_file_is_gone(api):
    _, body, _ = await upload(api, "a.txt")
    assert await delete(api, body["name"]) == (200, b"")
    assert (await download(api, body["url"]))[0] == 404
    assert await leftovers(api) == []


async def test_deleting_an_unknown_file_is_153(api):
    status, data = await delete(api, "file.txt")
    assert (status, orjson.loads(data)) == (400, {"code": 153, "error": "Could not delete file."})


@pytest.mark.parametrize("key", [None, "tryagain"])
async def test_delete_without_the_master_key_is_403(api, key):
    _, body, _ = await upload(api, "a.txt")
    headers = raw_headers(api, None, **({"X-Parse-Master-Key": key} if key else {}))
    resp = await api.client.delete(f"/1/files/{body['name']}", headers=headers)
    assert resp.status == 403
    assert (await resp.json())["error"].startswith("unauthorized")
    assert (await download(api, body["url"]))[0] == 200


# ----- size limit -----
@pytest.mark.parametrize("config_overrides", [{"fileUpload": PUBLIC, "maxUploadSize": "1kb"}])
async def test_oversize_upload_with_content_length_is_413_and_stores_nothing(api):
    status, body, _ = await upload(api, "big.bin", data=b"x" * 2048, content_type="application/octet-stream")
    assert (status, body) == (413, {"code": 130, "error": "File size exceeds maximum allowed: 1024 bytes."})
    assert await leftovers(api) == []


@pytest.mark.parametrize("config_overrides", [{"fileUpload": PUBLIC, "maxUploadSize": "1mb"}])
async def test_oversize_chunked_upload_is_413_and_stores_nothing(api):
    async def body():
        for _ in range(20):
            yield b"y" * 100_000  # 2 MB in all, no Content-Length: refused while streaming

    status, answer, _ = await upload(api, "big.bin", data=body(), content_type="application/octet-stream")
    assert (status, answer) == (413, {"code": 130, "error": "File size exceeds maximum allowed: 1048576 bytes."})
    assert await leftovers(api) == []


@pytest.mark.parametrize("config_overrides", [{"fileUpload": PUBLIC, "maxUploadSize": "1kb"}])
async def test_upload_of_exactly_the_limit_is_accepted(api):
    assert (await upload(api, "edge.bin", data=b"z" * 1024, content_type="application/octet-stream"))[0] == 201


@pytest.mark.parametrize("config_overrides", [{"fileUpload": PUBLIC, "maxUploadSize": "64mb"}])
async def test_large_streamed_upload_round_trips(api):
    size, piece = 50 * 1024 * 1024, 1024 * 1024
    sent = hashlib.sha256()

    async def body():
        for i in range(size // piece):
            chunk = i.to_bytes(4, "big") * (piece // 4)
            sent.update(chunk)
            yield chunk

    status, saved, _ = await upload(api, "big.bin", data=body(), content_type="application/octet-stream")
    assert status == 201
    resp = await api.client.get(URL(saved["url"].replace(BASE, "/1"), encoded=True))
    received, total = hashlib.sha256(), 0
    async for chunk in resp.content.iter_chunked(1024 * 1024):
        received.update(chunk)
        total += len(chunk)
    assert (resp.status, total) == (200, size)
    assert received.hexdigest() == sent.hexdigest()


# ----- file references in objects -----
async def test_saved_file_attached_to_an_object_reads_back_with_its_url(api):
    _, saved, _ = await upload(api, "photo.jpg", content_type="image/jpeg")
    _, created = await api.post("/classes/Job", {"photo": {"__type": "File", "name": saved["name"],
                                                           "url": "http://elsewhere/x"}})
    _, job = await api.get(f"/classes/Job/{created['objectId']}")
    assert job["photo"] == {"__type": "File", "name": saved["name"], "url": saved["url"]}


async def test_nested_files_keep_their_url(api):
    meep = {"__type": "File", "name": "meep", "url": "http://meep.meep"}
    _, created = await api.post("/classes/Job", {"files": [meep, meep], "obj": {"file": meep}})
    _, job = await api.get(f"/classes/Job/{created['objectId']}")
    assert job["files"] == [meep, meep]
    assert job["obj"] == {"file": meep}


@pytest.mark.parametrize("config_overrides", [{"fileKey": "KEY"}])
@pytest.mark.parametrize("name,url", [
    ("tfss-123.txt", "http://files.parsetfss.com/KEY/tfss-123.txt"),
    ("d6e80979-a128-4c57-a167-302f874700dc-123.txt",
     "http://files.parse.com/KEY/d6e80979-a128-4c57-a167-302f874700dc-123.txt"),
    ("123.txt", f"{BASE}/files/test/123.txt"),
])
async def test_legacy_parse_com_files_get_parse_com_urls_with_a_file_key(api, name, url):
    _, created = await api.post("/classes/Old", {"f": {"__type": "File", "name": name}})
    _, obj = await api.get(f"/classes/Old/{created['objectId']}")
    assert obj["f"]["url"] == url


# ----- cloud hook call-out (server.extras["file_triggers"]) -----
class RecordingTriggers:
    """Stands in for the cloud registry: records events, optionally changes or refuses them."""

    def __init__(self, before_save=None, before_delete=None) -> None:
        self.events: list[tuple[str, str, int | None]] = []
        self.before_save = before_save
        self.before_delete = before_delete

    async def __call__(self, event: FileEvent) -> FileEvent | None:
        self.events.append((event.trigger, event.name, event.size))
        if event.trigger == "before_save_file" and self.before_save:
            return self.before_save(event)
        if event.trigger == "before_delete_file" and self.before_delete:
            return self.before_delete(event)
        return None


async def test_file_triggers_run_around_save_and_delete(api):
    triggers = RecordingTriggers()
    api.server.extras[FILE_TRIGGERS] = triggers
    _, saved, _ = await upload(api, "a.txt")
    await delete(api, saved["name"])
    assert triggers.events == [("before_save_file", "a.txt", len(TEXT)),
                               ("after_save_file", saved["name"], len(TEXT)),
                               ("before_delete_file", saved["name"], None),
                               ("after_delete_file", saved["name"], None)]


async def test_before_save_file_may_rename_and_set_metadata(api):
    def change(event: FileEvent) -> None:
        event.name, event.metadata = "renamed.txt", {"checked": True}

    api.server.extras[FILE_TRIGGERS] = RecordingTriggers(before_save=change)
    _, saved, _ = await upload(api, "a.txt")
    assert stored_name_of("renamed.txt").match(saved["name"])
    assert (await api.get(f"/files/test/metadata/{saved['name']}"))[1] == {"metadata": {"checked": True}}


async def test_before_save_file_may_refuse_with_a_parse_error(api):
    def refuse(event: FileEvent) -> None:
        raise ParseError(ParseError.SCRIPT_FAILED, "no files on Sundays")

    api.server.extras[FILE_TRIGGERS] = RecordingTriggers(before_save=refuse)
    status, body, _ = await upload(api, "a.txt")
    assert (status, body) == (400, {"code": 141, "error": "no files on Sundays"})
    assert await leftovers(api) == []


async def test_before_save_file_errors_without_a_code_are_130(api):
    def fail(event: FileEvent) -> None:
        raise RuntimeError("scanner offline")

    api.server.extras[FILE_TRIGGERS] = RecordingTriggers(before_save=fail)
    status, body, _ = await upload(api, "a.txt")
    assert (status, body) == (400, {"code": 130, "error": "scanner offline"})


async def test_before_save_file_with_a_url_skips_storing(api):
    def elsewhere(event: FileEvent) -> FileEvent:
        event.name, event.url = "cdn.txt", "https://cdn.example/cdn.txt"
        return event

    api.server.extras[FILE_TRIGGERS] = RecordingTriggers(before_save=elsewhere)
    status, body, _ = await upload(api, "a.txt")
    assert (status, body) == (201, {"name": "cdn.txt", "url": "https://cdn.example/cdn.txt"})
    assert await leftovers(api) == []


async def test_before_delete_file_may_refuse(api):
    def refuse(event: FileEvent) -> None:
        raise ParseError(ParseError.OPERATION_FORBIDDEN, "keep it")

    _, saved, _ = await upload(api, "a.txt")
    api.server.extras[FILE_TRIGGERS] = RecordingTriggers(before_delete=refuse)
    status, data = await delete(api, saved["name"])
    assert (status, orjson.loads(data)) == (400, {"code": 119, "error": "keep it"})
    assert (await download(api, saved["url"]))[0] == 200
