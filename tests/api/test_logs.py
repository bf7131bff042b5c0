"""Logs through the API: the access line, secrets kept out, cloud-code outcome lines, GET /scriptlog."""

from __future__ import annotations

import io
import json
import logging
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from parse_clone.cloud import ParseError
from parse_clone.logs.query import flush_log_files
from parse_clone.logs.setup import configure_logging
from tests.conftest import APP_ID

MASTER = "m4ster-key-that-must-never-be-logged"
ACCESS = re.compile(r"^(GET|POST|PUT|DELETE|OPTIONS) (\S+) (\d{3}) (\d+(?:\.\d)?) ms$")


@pytest.fixture
def backend():
    """Logging does not depend on the storage: one backend is enough."""
    return "sqlite"


@pytest.fixture
def config_overrides(tmp_path):
    return {"logsFolder": str(tmp_path / "logs"), "masterKey": MASTER, "jsonLogs": True}


class Captured:
    """What the console (JSON lines) and the log files received."""

    def __init__(self, stream: io.StringIO, folder: Path) -> None:
        self.stream = stream
        self.folder = folder

    def console(self) -> list[dict]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def file_text(self, kind: str = "info") -> str:
        flush_log_files()
        return "".join(p.read_text() for p in sorted(self.folder.glob(f"parse-server.{kind}.*")))

    def file_lines(self, kind: str = "info") -> list[dict]:
        return [json.loads(line) for line in self.file_text(kind).splitlines()]

    def access(self) -> list[dict]:
        return [e for e in self.console() if ACCESS.match(e["message"])]

    def messages(self, start: str) -> list[dict]:
        return [e for e in self.console() if e["message"].startswith(start)]


@pytest.fixture
def logs(api, tmp_path):
    stream = io.StringIO()
    setup = configure_logging(api.server.config, stream=stream)
    yield Captured(stream, tmp_path / "logs")
    setup.close()


def master_headers(**extra: str) -> dict[str, str]:
    return {"X-Parse-Application-Id": APP_ID, "X-Parse-Master-Key": MASTER, "Content-Type": "application/json",
            **extra}


# ----- the access line -----

async def test_each_request_logs_one_access_line_with_method_path_status_and_duration(api, logs):
    status, _ = await api.get("/classes/Job", params={"limit": 2})
    assert status == 200
    [line] = logs.access()
    assert set(line) == {"level", "message", "timestamp", "method", "url", "status", "durationMs"}
    assert (line["level"], line["method"], line["url"], line["status"]) == ("info", "GET", "/1/classes/Job?limit=2", 200)
    assert line["message"] == f"GET /1/classes/Job?limit=2 200 {line['durationMs']} ms"
    assert isinstance(line["durationMs"], float) and line["durationMs"] >= 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["timestamp"])


async def test_an_error_answer_has_its_status_in_the_access_line_and_a_parse_error_line(api, logs):
    status, body = await api.get("/classes/Job/nope")
    assert (status, body["code"]) == (404, 101)
    [line] = logs.access()
    assert line["message"].startswith("GET /1/classes/Job/nope 404 ")
    [error] = logs.messages("Parse error:")
    assert (error["level"], error["message"], error["code"]) == ("error", "Parse error: Object not found.", 101)
    assert [e["message"] for e in logs.file_lines("err")] == ["Parse error: Object not found."]


async def test_an_options_preflight_is_logged_too(api, logs):
    resp = await api.client.options("/1/classes/Job")
    assert resp.status == 200
    assert [e["message"].rsplit(" ", 2)[0] for e in logs.access()] == ["OPTIONS /1/classes/Job 200"]


async def test_below_info_nothing_of_the_access_line_is_written(api, tmp_path):
    api.server.config.logLevel = "error"
    stream = io.StringIO()
    setup = configure_logging(api.server.config, stream=stream)
    try:
        await api.get("/classes/Job")
    finally:
        setup.close()
    assert stream.getvalue() == ""


# ----- secrets -----

async def test_no_log_line_carries_a_password_a_key_or_a_session_token(api, logs, cloud_log_headers):
    status, user = await api.post("/users", {"username": "ann", "password": "pw-Secret-123"})
    assert status == 201
    token = user["sessionToken"]
    status, _ = await api.request("GET", "/login", params={"username": "ann", "password": "pw-Secret-123"})
    assert status == 200
    await api.request("GET", "/users/me", headers={"X-Parse-Application-Id": APP_ID, "X-Parse-REST-API-Key": "rest",
                                                     "X-Parse-Session-Token": token})
    await api.request("GET", "/classes/Job", headers=master_headers(), params={"where": {"password": "pw-Secret-123"}})
    await api.request("GET", "/verify_email", params={"token": "one-time-token-42", "username": "ann"})
    await api.request("POST", "/functions/echoHeaders", json={"password": "pw-Secret-123"},
                      headers=master_headers(**{"X-Parse-Session-Token": token}))
    everything = logs.stream.getvalue() + logs.file_text("info") + logs.file_text("err")
    for secret in ("pw-Secret-123", MASTER, token, token[2:], "one-time-token-42"):
        assert secret not in everything
    urls = [e["url"] for e in logs.access()]
    assert "/1/login?username=ann&password=********" in urls
    assert any(u.startswith("/1/verify_email?token=********&username=ann") for u in urls)
    assert "headers seen" in everything  # the hook's own line is there, its secrets masked


@pytest.fixture
def cloud_log_headers(api):
    @api.server.cloud.define("echoHeaders")
    def echo(req):
        req.log.info("headers seen: %s params: %s", req.headers, req.params)
        return "ok"


# ----- cloud-code outcome lines (logLevels) -----

async def test_a_before_save_success_is_logged_with_input_and_result_at_info(api, logs):
    @api.server.cloud.before_save("Job")
    def stamp(req):
        req.object["status"] = "open"

    await api.post("/classes/Job", {"title": "sink"})
    [line] = logs.messages("beforeSave triggered for Job")
    assert line["level"] == "info"
    assert line["message"] == ('beforeSave triggered for Job for user undefined:\n'
                               '  Input: {"title":"sink","status":"open"}\n'
                               '  Result: {"object":{"title":"sink","status":"open"}}')
    assert (line["className"], line["triggerType"], line["user"]) == ("Job", "beforeSave", "undefined")


async def test_a_before_save_refusal_is_logged_at_error_with_the_parse_error(api, logs):
    @api.server.cloud.before_save("Job")
    def refuse(req):
        raise ParseError(142, "title required")

    status, _ = await api.post("/classes/Job", {"n": 1})
    assert status == 400
    [line] = logs.messages("beforeSave failed for Job")
    assert line["level"] == "error"
    assert line["message"] == ('beforeSave failed for Job for user undefined:\n  Input: {"n":1}\n'
                               '  Error: {"message":"title required","code":142}')


async def test_an_after_save_is_logged_twice_at_trigger_after_as_in_parse_server(api, logs):
    api.server.config.logLevels = {"triggerAfter": "warn"}
    api.server.cloud.after_save("Job", lambda req: None)
    _, created = await api.post("/classes/Job", {"title": "t"})
    invoked, done = logs.messages("afterSave triggered for Job")
    assert (invoked["level"], done["level"]) == ("warn", "warn")
    head = "afterSave triggered for Job for user undefined:\n  Input: {"
    assert invoked["message"].startswith(head) and f'"objectId":"{created["objectId"]}"' in invoked["message"]
    assert done["message"] == invoked["message"] + "\n  Result: undefined"


async def test_the_user_of_a_trigger_line_is_the_callers_object_id(api, logs):
    api.server.cloud.before_delete("Job", lambda req: None)
    _, user = await api.post("/users", {"username": "tom", "password": "pw-12345"})
    _, job = await api.post("/classes/Job", {"title": "t"})
    await api.delete(f"/classes/Job/{job['objectId']}", session=user["sessionToken"])
    [line] = logs.messages("beforeDelete triggered for Job")
    assert line["message"].startswith(f"beforeDelete triggered for Job for user {user['objectId']}:\n  Input: {{")
    assert line["message"].endswith("\n  Result: {}")
    assert line["user"] == user["objectId"]


async def test_before_find_logs_no_outcome_and_after_find_logs_ids_then_objects(api, logs):
    api.server.cloud.before_find("Job", lambda req: None)
    api.server.cloud.after_find("Job", lambda req: None)
    _, job = await api.post("/classes/Job", {"title": "t"})
    await api.get("/classes/Job")
    assert logs.messages("beforeFind") == []
    pre, post = logs.messages("afterFind triggered for Job")
    assert pre["message"] == ('afterFind triggered for Job for user undefined:\n'
                              '  Input: "AfterFind Input (Pre-Transform)"\n'
                              f'  Result: "[\\"{job["objectId"]}:Job\\"]"')
    assert post["message"].startswith('afterFind triggered for Job for user undefined:\n  Input: "[{\\"objectId')


async def test_a_cloud_function_success_and_failure_use_their_log_levels(api, tmp_path):
    api.server.config.logLevels = {"cloudFunctionSuccess": "verbose", "cloudFunctionError": "warn"}
    api.server.config.verbose = True  # down to the verbose level
    stream = io.StringIO()
    setup = configure_logging(api.server.config, stream=stream)
    logs = Captured(stream, tmp_path / "logs")
    api.server.cloud.define("hello", lambda req: {"hi": req.params["name"]})

    @api.server.cloud.define("boom")
    def boom(req):
        raise ParseError(141, "no way")

    try:
        await api.post("/functions/hello", {"name": "ann"})
        await api.post("/functions/boom", {"x": 1})
    finally:
        setup.close()
    [ok] = logs.messages("Ran cloud function hello")
    assert (ok["level"], ok["functionName"], ok["user"]) == ("verbose", "hello", "undefined")
    assert ok["message"] == 'Ran cloud function hello for user undefined with:\n  Input: {"name":"ann"}\n  Result: {"hi":"ann"}'
    [failed] = logs.messages("Failed running cloud function boom")
    assert failed["level"] == "warn"
    assert failed["message"] == ('Failed running cloud function boom for user undefined with:\n  Input: {"x":1}\n'
                                 '  Error: {"message":"no way","code":141}')


async def test_without_verbose_a_verbose_outcome_line_is_not_written(api, logs):
    api.server.config.logLevels = {"cloudFunctionSuccess": "verbose"}
    api.server.cloud.define("hello", lambda req: 1)
    status, _ = await api.post("/functions/hello", {})
    assert status == 200
    assert logs.messages("Ran cloud function") == []


async def test_silent_outcome_levels_log_nothing(api, logs):
    api.server.config.logLevels = {"triggerBeforeSuccess": "silent", "cloudFunctionSuccess": "silent"}
    api.server.cloud.before_save("Job", lambda req: None)
    api.server.cloud.define("hello", lambda req: 1)
    await api.post("/classes/Job", {"title": "t"})
    await api.post("/functions/hello", {})
    assert logs.messages("beforeSave") == [] and logs.messages("Ran cloud function") == []
    assert len(logs.access()) == 2


async def test_long_inputs_are_cut_at_1000_characters(api, logs):
    api.server.cloud.define("hello", lambda req: None)
    await api.post("/functions/hello", {"text": "x" * 2000})
    [line] = logs.messages("Ran cloud function hello")
    input_part = line["message"].split("Input: ", 1)[1].split("\n  Result:")[0]
    assert len(input_part) == 1000 + len("... (truncated)") and input_part.endswith("... (truncated)")


async def test_a_taken_username_is_logged_at_signup_username_taken(api, logs):
    await api.post("/users", {"username": "ann", "password": "pw-12345"})
    status, body = await api.post("/users", {"username": "ann", "password": "pw-12345"})
    assert (status, body["code"]) == (400, 202)
    [line] = logs.messages("Parse error:")
    assert (line["level"], line["message"], line["code"]) == \
        ("info", "Parse error: Account already exists for this username.", 202)
    assert logs.file_text("err") == ""


async def test_a_silent_signup_username_taken_logs_no_parse_error(api, logs):
    api.server.config.logLevels = {"signupUsernameTaken": "silent"}
    await api.post("/users", {"username": "ann", "password": "pw-12345"})
    await api.post("/users", {"username": "ann", "password": "pw-12345"})
    assert logs.messages("Parse error:") == []


# ----- GET /scriptlog -----

def write_lines(folder: Path, kind: str, day: str, entries: list[tuple[str, str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"parse-server.{kind}.{day}").open("a") as fh:
        for timestamp, message in entries:
            level = "error" if kind == "err" else "info"
            fh.write(json.dumps({"level": level, "message": message, "timestamp": timestamp}) + "\n")


@pytest.fixture
def january(tmp_path):
    folder = tmp_path / "logs"
    write_lines(folder, "info", "2026-01-01", [(f"2026-01-01T10:{m:02d}:00.000Z", f"line {m}") for m in range(12)])
    write_lines(folder, "info", "2026-01-02", [("2026-01-02T08:00:00.000Z", "next day")])
    write_lines(folder, "err", "2026-01-01", [("2026-01-01T10:30:00.000Z", "it broke")])
    return {"from": "2026-01-01T00:00:00Z", "until": "2026-01-31T00:00:00Z"}


async def scriptlog(api, **params):
    return await api.request("GET", "/scriptlog", headers=master_headers(), params=params or None)


async def test_scriptlog_needs_the_master_key(api):
    status, body = await api.get("/scriptlog")
    assert (status, body) == (403, {"error": "unauthorized: master key is required"})


async def test_scriptlog_without_the_master_key_is_permission_denied_when_sanitized(api):
    api.server.config.enableSanitizedErrorResponse = True
    status, body = await api.get("/scriptlog")
    assert (status, body) == (403, {"error": "Permission denied"})


async def test_scriptlog_returns_the_ten_newest_info_lines_by_default(api, january):
    status, body = await scriptlog(api, **january)
    assert status == 200
    assert [e["message"] for e in body] == ["next day"] + [f"line {m}" for m in range(11, 2, -1)]
    assert body[0] == {"level": "info", "message": "next day", "timestamp": "2026-01-02T08:00:00.000Z"}


async def test_scriptlog_size_order_and_n(api, january):
    _, body = await scriptlog(api, size=3, order="asc", **january)
    assert [e["message"] for e in body] == ["line 0", "line 1", "line 2"]
    _, body = await scriptlog(api, size=3, n=1, **january)
    assert [e["message"] for e in body] == ["next day"]
    _, body = await scriptlog(api, size=100, **january)
    assert len(body) == 13


async def test_scriptlog_from_and_until_bound_the_lines(api, january):
    _, body = await scriptlog(api, **{"from": "2026-01-01T10:05:00Z", "until": "2026-01-01T10:07:00Z"})
    assert [e["message"] for e in body] == ["line 7", "line 6", "line 5"]


async def test_scriptlog_level_error_reads_the_error_files(api, january):
    _, body = await scriptlog(api, level="error", **january)
    assert body == [{"level": "error", "message": "it broke", "timestamp": "2026-01-01T10:30:00.000Z"}]


async def test_scriptlog_defaults_to_the_last_seven_days(api, january, tmp_path):
    now = datetime.now(timezone.utc)
    recent = (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    write_lines(tmp_path / "logs", "info", (now - timedelta(hours=1)).strftime("%Y-%m-%d"), [(recent, "recent")])
    status, body = await scriptlog(api)
    assert (status, [e["message"] for e in body]) == (200, ["recent"])
    _, body = await scriptlog(api, **{"from": "not a date"})  # unreadable: the default, as Parse Server
    assert [e["message"] for e in body] == ["recent"]


async def test_scriptlog_reads_what_the_server_logged(api, logs):
    await api.get("/classes/Job/nope")
    _, body = await scriptlog(api, level="error")
    assert [e["message"] for e in body] == ["Parse error: Object not found."]
    _, body = await scriptlog(api, size=2, order="asc")
    assert body[0]["message"] == "Parse error: Object not found."
    assert body[1]["message"].startswith("GET /1/classes/Job/nope 404 ")


async def test_scriptlog_is_an_empty_list_without_log_files(api):
    api.server.config.logsFolder = None
    status, body = await scriptlog(api)
    assert (status, body) == (200, [])


async def test_server_info_announces_the_logs_features(api):
    _, body = await api.get("/serverInfo", headers=master_headers())
    assert body["features"]["logs"] == {"level": True, "size": True, "order": True, "until": True, "from": True}


# ----- verbose -----

async def test_verbose_logs_request_and_response_bodies_without_their_secrets(api, tmp_path):
    api.server.config.verbose = True
    stream = io.StringIO()
    setup = configure_logging(api.server.config, stream=stream)
    try:
        status, user = await api.post("/users", {"username": "ann", "password": "pw-Secret-123"})
    finally:
        setup.close()
    assert status == 201
    logs = Captured(stream, tmp_path / "logs")
    [request] = logs.messages("REQUEST for [POST] /1/users")
    assert request["level"] == "verbose"
    assert request["message"] == ('REQUEST for [POST] /1/users: {\n  "username": "ann",\n'
                                  '  "password": "********"\n}')
    [response] = logs.messages("RESPONSE from [POST] /1/users")
    assert f'"objectId": "{user["objectId"]}"' in response["message"]
    assert '"sessionToken": "********"' in response["message"]
    assert "pw-Secret-123" not in stream.getvalue() and user["sessionToken"] not in stream.getvalue()


async def test_without_verbose_no_body_is_logged(api, logs):
    await api.post("/users", {"username": "ann", "password": "pw-Secret-123"})
    assert logs.messages("REQUEST for") == [] and logs.messages("RESPONSE from") == []
