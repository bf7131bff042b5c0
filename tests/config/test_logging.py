"""Logging options as Parse Server's: levels, silent, jsonLogs, logsFolder files and their rotation, maxLogFiles."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import time

import pytest

from parse_clone.app import build_server
from parse_clone.config import ServerConfig, load_config
from parse_clone.logs.files import DailyFileHandler, Retention, parse_max_log_files, prune
from parse_clone.logs.levels import VERBOSE, outcome_levels, threshold
from parse_clone.logs.query import flush_log_files, log_query, parse_date
from parse_clone.logs.redact import MASK, Redactor, masked_url
from parse_clone.logs.setup import configure_logging

log = logging.getLogger("parse_clone.test")


def local_noon(day: str) -> float:
    """The epoch time of noon (local time) on `day`: the file a record goes to is named after local dates."""
    return time.mktime(time.strptime(day + " 12:00:00", "%Y-%m-%d %H:%M:%S"))


def record(message: str, day: str, level: int = logging.INFO) -> logging.LogRecord:
    rec = logging.LogRecord("parse_clone.test", level, __file__, 1, message, None, None)
    rec.created = local_noon(day)
    return rec


@pytest.fixture
def configured(tmp_path):
    """configure_logging for a config, its console captured; the handlers removed afterwards."""
    setups = []

    def configure(**options):
        config = ServerConfig(logsFolder=str(tmp_path / "logs"), **options)
        stream = io.StringIO()
        setups.append(configure_logging(config, stream=stream))
        return stream

    yield configure
    for setup in setups:
        setup.close()


# ----- levels -----

@pytest.mark.parametrize("log_level,verbose,expected", [
    (None, False, logging.INFO), ("error", False, logging.ERROR), ("warn", False, logging.WARNING),
    ("debug", False, logging.DEBUG), ("silly", False, 5), (None, True, VERBOSE), ("error", True, logging.ERROR),
    ("silly", True, VERBOSE), ("INFO", False, logging.INFO), ("loud", False, logging.INFO)])
def test_log_level_and_verbose_combine_as_in_parse_server(log_level, verbose, expected):
    assert threshold(log_level, verbose) == expected


def test_verbose_lines_are_written_with_verbose_and_dropped_at_info(configured):
    stream = configured(verbose=True, jsonLogs=True)
    log.log(VERBOSE, "chatty")
    log.debug("too chatty")
    assert [json.loads(line)["level"] for line in stream.getvalue().splitlines()] == ["verbose"]


def test_log_level_error_drops_info_and_warn(configured):
    stream = configured(logLevel="error")
    log.info("i")
    log.warning("w")
    log.error("e")
    assert stream.getvalue().count("\n") == 1 and "ERROR parse_clone.test: e" in stream.getvalue()


def test_log_levels_defaults_are_parse_servers():
    assert outcome_levels({}) == {"cloudFunctionError": "error", "cloudFunctionSuccess": "info",
                                  "signupUsernameTaken": "info", "triggerAfter": "info",
                                  "triggerBeforeError": "error", "triggerBeforeSuccess": "info"}
    assert outcome_levels({"triggerAfter": "silent"})["triggerAfter"] == "silent"


def test_an_unknown_log_levels_value_stops_the_start():
    with pytest.raises(ValueError) as e:
        build_server(ServerConfig(databaseURI="sqlite:///:memory:", logLevels={"triggerAfter": "loud"}))
    assert str(e.value) == ("'triggerAfter' must be one of "
                            '["error","warn","info","debug","verbose","silly","silent"]')


def test_log_levels_env_variables_reach_the_config():
    config = load_config(environ={"PARSE_SERVER_LOG_LEVELS_TRIGGER_AFTER": "warn",
                                  "PARSE_SERVER_LOG_LEVELS_SIGNUP_USERNAME_TAKEN": "silent"}, warnings=[])
    assert config.logLevels == {"triggerAfter": "warn", "signupUsernameTaken": "silent"}


def test_the_logging_env_variables_reach_the_config():
    warnings: list[str] = []
    config = load_config(environ={"VERBOSE": "1", "PARSE_SERVER_LOG_LEVEL": "warn", "SILENT": "true",
                                  "JSON_LOGS": "true", "PARSE_SERVER_LOGS_FOLDER": "/var/log/parse",
                                  "PARSE_SERVER_MAX_LOG_FILES": "14d"}, warnings=warnings)
    assert (config.verbose, config.logLevel, config.silent, config.jsonLogs, config.logsFolder,
            config.maxLogFiles) == (True, "warn", True, True, "/var/log/parse", "14d")
    assert warnings == []


# ----- console: text, JSON, silent -----

def test_the_console_line_is_time_level_logger_message_by_default(configured):
    stream = configured()
    log.info("hello %s", "there")
    assert stream.getvalue().endswith(" INFO parse_clone.test: hello there\n")


def test_json_logs_write_one_json_object_per_line(configured):
    stream = configured(jsonLogs=True)
    log.info("one")
    log.warning("two", extra={"meta": {"code": 7}})
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(e["level"], e["message"]) for e in lines] == [("info", "one"), ("warn", "two")]
    assert set(lines[0]) == {"level", "message", "timestamp"} and lines[1]["code"] == 7


def test_silent_writes_nothing_to_the_console_but_still_writes_the_files(configured, tmp_path):
    stream = configured(silent=True)
    log.info("quiet")
    assert stream.getvalue() == ""
    flush_log_files()
    [path] = (tmp_path / "logs").glob("parse-server.info.*")
    assert json.loads(path.read_text())["message"] == "quiet"


# ----- files -----

def test_the_files_are_parse_server_info_and_err_with_the_date(configured, tmp_path):
    configured(silent=True)
    log.info("fine")
    log.error("broken")
    flush_log_files()
    day = time.strftime("%Y-%m-%d")
    folder = tmp_path / "logs"
    assert sorted(p.name for p in folder.iterdir()) == [f"parse-server.err.{day}", f"parse-server.info.{day}"]
    info = [json.loads(line) for line in (folder / f"parse-server.info.{day}").read_text().splitlines()]
    assert [(e["level"], e["message"]) for e in info] == [("info", "fine"), ("error", "broken")]
    errors = [json.loads(line) for line in (folder / f"parse-server.err.{day}").read_text().splitlines()]
    assert [(e["level"], e["message"]) for e in errors] == [("error", "broken")]


def test_an_error_line_is_on_disk_at_once_with_the_lines_before_it(tmp_path):
    handler = DailyFileHandler(str(tmp_path), "parse-server.info", logging.INFO)
    try:
        handler.handle(record("buffered", "2026-12-04"))
        path = tmp_path / "parse-server.info.2026-12-04"
        handler.handle(record("broken", "2026-12-04", logging.ERROR))
        assert [json.loads(line)["message"] for line in path.read_text().splitlines()] == ["buffered", "broken"]
        handler.handle(record("later", "2026-12-04"))
        handler.flush()
        assert path.read_text().count("\n") == 3
    finally:
        handler.close()


def test_two_writers_of_one_file_never_cut_into_each_others_lines(tmp_path):
    first, second = (DailyFileHandler(str(tmp_path), "parse-server.info", logging.INFO) for _ in range(2))
    try:
        for i in range(2000):  # each writer's batch passes MAX_PENDING several times
            (first if i % 2 else second).handle(record(f"line {i} " + "x" * 100, "2026-12-04"))
    finally:
        first.close()
        second.close()
    lines = (tmp_path / "parse-server.info.2026-12-04").read_text().splitlines()
    assert sorted(int(json.loads(line)["message"].split()[1]) for line in lines) == list(range(2000))


def test_a_new_file_starts_each_day(tmp_path):
    handler = DailyFileHandler(str(tmp_path), "parse-server.info", logging.INFO)
    for day in ("2026-12-04", "2026-12-04", "2026-12-05"):
        handler.handle(record(f"on {day}", day))
    handler.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parse-server.info.2026-12-04", "parse-server.info.2026-12-05"]
    assert (tmp_path / "parse-server.info.2026-12-04").read_text().count("\n") == 2


def test_max_log_files_keeps_the_newest_files(tmp_path):
    handler = DailyFileHandler(str(tmp_path), "parse-server.info", logging.INFO, Retention(count=2))
    for day in ("2026-12-01", "2026-12-02", "2026-12-03"):
        handler.handle(record("x", day))
    handler.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parse-server.info.2026-12-02", "parse-server.info.2026-12-03"]


def test_max_log_files_in_days_keeps_the_last_days(tmp_path):
    for day in ("2026-11-20", "2026-12-03", "2026-12-04", "parse-server.err.2026-11-01"):
        name = day if day.startswith("parse") else f"parse-server.info.{day}"
        (tmp_path / name).write_text("")
    removed = prune(str(tmp_path), "parse-server.info", Retention(days=2), "2026-12-05")
    assert [os.path.basename(p) for p in removed] == ["parse-server.info.2026-11-20", "parse-server.info.2026-12-03"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parse-server.err.2026-11-01", "parse-server.info.2026-12-04"]


def test_without_max_log_files_nothing_is_removed(tmp_path):
    for day in ("2025-01-01", "2026-12-04"):
        (tmp_path / f"parse-server.info.{day}").write_text("")
    assert prune(str(tmp_path), "parse-server.info", Retention(), "2026-12-05") == []


@pytest.mark.parametrize("value,expected", [(None, Retention()), (5, Retention(count=5)), ("5", Retention(count=5)),
                                            ("14d", Retention(days=14))])
def test_max_log_files_is_a_number_of_files_or_of_days(value, expected):
    assert parse_max_log_files(value) == expected


@pytest.mark.parametrize("value", ["abc", 0, -1, "0d", 2.5, True, "14w"])
def test_a_bad_max_log_files_is_refused(value):
    with pytest.raises(ValueError, match="maxLogFiles must be a number of files or a number of days"):
        parse_max_log_files(value)


@pytest.mark.parametrize("folder", [None, "", "null"])
def test_a_null_logs_folder_writes_no_files(tmp_path, folder, monkeypatch):
    monkeypatch.chdir(tmp_path)
    setup = configure_logging(ServerConfig(logsFolder=folder, silent=True), stream=io.StringIO())
    try:
        log.error("nowhere")
    finally:
        setup.close()
    assert setup.folder is None and list(tmp_path.iterdir()) == []


def test_the_logs_folder_is_created_with_the_first_line_only(tmp_path):
    setup = configure_logging(ServerConfig(logsFolder=str(tmp_path / "logs"), logLevel="error", silent=True))
    try:
        log.info("below the level")
        assert not (tmp_path / "logs").exists()
        log.error("now")
    finally:
        setup.close()
    assert (tmp_path / "logs").is_dir()


def test_the_default_logs_folder_is_logs_under_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    setup = configure_logging(ServerConfig(silent=True))
    setup.close()
    assert setup.folder == str(tmp_path / "logs")


# ----- redaction -----

def test_sensitive_query_parameters_are_masked_in_urls():
    assert masked_url("/parse/login", "username=ann&password=s3cret") == "/parse/login?username=ann&password=********"
    assert masked_url("/parse/apps/x/request_password_reset", "token=abc&username=ann") == \
        "/parse/apps/x/request_password_reset?token=********&username=ann"
    assert masked_url("/parse/classes/Job", "") == "/parse/classes/Job"


@pytest.mark.parametrize("text,expected", [
    ('{"password":"s3cret","n":1}', '{"password":"********","n":1}'),
    ("{'sessionToken': 'abc', 'x': 2}", "{'sessionToken': '********', 'x': 2}"),
    ("token r:0123456789abcdef0123456789abcdef here", "token ******** here"),
    ("GET /login?username=a&password=pw HTTP", "GET /login?username=a&password=******** HTTP"),
    ("where=%7B%22password%22:%22pw%22%7D", "where=%7B%22password%22:%22********%22%7D"),
    ("key is the-long-master-key!", "key is ********!"),
    ("appId test is short", "appId test is short"),
])
def test_the_redactor_masks_secrets_in_any_line(text, expected):
    assert Redactor(["the-long-master-key", "test"]).redact(text) == expected


def test_the_redactor_rewrites_records_and_their_meta():
    rec = logging.LogRecord("x", logging.INFO, __file__, 1, "key %s", ("the-long-master-key",), None)
    rec.meta = {"password": "pw", "params": {"sessionToken": "t", "n": 1}}
    Redactor(["the-long-master-key"]).filter(rec)
    assert rec.getMessage() == f"key {MASK}"
    assert rec.meta == {"password": MASK, "params": {"sessionToken": MASK, "n": 1}}


# ----- /scriptlog options -----

def test_scriptlog_dates_are_iso_dates_or_date_times():
    assert parse_date("2026-01-02").isoformat() == "2026-01-02T00:00:00+00:00"
    assert parse_date("2026-01-02T03:04:05.678Z").isoformat() == "2026-01-02T03:04:05.678000+00:00"
    assert parse_date("yesterday") is None and parse_date(20260102) is None


@pytest.mark.parametrize("params,size,order,level", [
    ({}, 10, "desc", "info"), ({"size": 3}, 3, "desc", "info"), ({"size": "0"}, 10, "desc", "info"),
    ({"size": "x"}, 10, "desc", "info"), ({"n": 2, "size": 5}, 2, "desc", "info"),
    ({"order": "asc", "level": "error"}, 10, "asc", "error"), ({"order": "up", "level": "warn"}, 10, "desc", "info")])
def test_scriptlog_options_default_as_parse_servers(params, size, order, level):
    query = log_query(params)
    assert (query.size, query.order, query.level) == (size, order, level)


# ----- the command -----

def _serve(tmp_path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "parse_clone", "serve", "--port", "0", "--no-schema", "--no-cloud",
                           "--databaseURI", f"sqlite:///{tmp_path / 'db.sqlite3'}", *args],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path,
                          env={"PATH": "/usr/bin:/bin", **(env or {})})


def test_serve_refuses_a_bad_max_log_files(tmp_path):
    result = _serve(tmp_path, "--maxLogFiles", "often")
    assert result.returncode == 1
    assert "not starting, an option is invalid: maxLogFiles must be a number of files" in result.stderr


def test_serve_refuses_an_unknown_log_levels_value(tmp_path):
    result = _serve(tmp_path, env={"PARSE_SERVER_LOG_LEVELS_TRIGGER_AFTER": "loud"})
    assert result.returncode == 1
    assert "not starting, an option is invalid: 'triggerAfter' must be one of" in result.stderr
    assert not (tmp_path / "logs").exists()
