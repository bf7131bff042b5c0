"""Configuration as Parse Server's: every option of the table reaches ServerConfig or is warned about."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import fields

import pytest

from parse_clone.config import ServerConfig, load_config
from parse_clone.option_spec import EXTENSION, IMPLEMENTED, NOT_IMPLEMENTED, ConfigError
from parse_clone.options_table import OPTIONS

SAMPLE = {"string": "x", "number": "7", "boolean": "true", "array": "a,b", "object": "{}",
          "module|object": "m", "number|boolean": "2", "number|string": "3", "boolean|function": "true",
          "string|function": "s"}
EXPECT = {"string": "x", "number": 7, "boolean": True, "array": ["a", "b"], "object": {}, "module|object": "m",
          "boolean|function": True}


def _get(config: ServerConfig, dotted: str):
    top, *path = dotted.split(".")
    value = getattr(config, top)
    for key in path:
        value = value[key]
    return value


def test_state_matches_server_config():
    implemented = {o.name for o in OPTIONS if not o.nested and o.state in (IMPLEMENTED, EXTENSION)}
    assert implemented == {f.name for f in fields(ServerConfig)}


def test_env_names_are_unique():
    envs = [o.env for o in OPTIONS if o.env]
    assert len(envs) == len(set(envs))


@pytest.mark.parametrize("option", [o for o in OPTIONS if o.env and o.addressable and o.type in SAMPLE],
                         ids=lambda o: o.name)
def test_every_env_variable_reaches_its_option_or_warns(option):
    warnings: list[str] = []
    value = "{\"k\": 1}" if option.name == "auth" else SAMPLE[option.type]
    config = load_config(environ={option.env: value}, warnings=warnings)
    top = next(o for o in OPTIONS if o.name == option.top)
    if option.state == NOT_IMPLEMENTED or top.state == NOT_IMPLEMENTED:
        assert any(option.env in w or top.name in w for w in warnings), warnings
    elif option.name == "schema.definitions":  # here also a schema file path: the text is kept
        assert _get(config, option.name) == value
    elif option.type in EXPECT and option.name != "auth":
        assert _get(config, option.name) == EXPECT[option.type]


def test_parse_server_names_reach_the_config():
    env = {"PARSE_SERVER_APPLICATION_ID": "prod", "PORT": "8080", "PARSE_PUBLIC_SERVER_URL": "https://x/parse",
           "PARSE_SERVER_ENABLE_ANON_USERS": "false", "PARSE_SERVER_CACHE_TTL": "10", "VERBOSE": "1",
           "PARSE_SERVER_FILE_UPLOAD_OPTIONS": '{"enableForPublic": true}', "PARSE_SERVER_AUTH_PROVIDERS": "{}"}
    c = load_config(environ=env, warnings=[])
    assert (c.appId, c.port, c.publicServerURL, c.enableAnonymousUsers, c.cacheTTL, c.verbose, c.fileUpload) == \
        ("prod", 8080, "https://x/parse", False, 10, True, {"enableForPublic": True})


def test_old_names_are_aliases_with_a_warning():
    warnings: list[str] = []
    c = load_config(environ={"PARSE_SERVER_APP_ID": "old"}, warnings=warnings)
    assert c.appId == "old"
    assert warnings == ["environment variable PARSE_SERVER_APP_ID is deprecated: use PARSE_SERVER_APPLICATION_ID (appId)"]


def test_new_name_wins_over_the_alias():
    c = load_config(environ={"PARSE_SERVER_APP_ID": "old", "PARSE_SERVER_APPLICATION_ID": "new"}, warnings=[])
    assert c.appId == "new"


@pytest.mark.parametrize("env,message", [
    ({"PORT": "abc"}, "option port (env PORT): expected a number, got 'abc'"),
    ({"VERBOSE": "maybe"}, "option verbose (env VERBOSE): expected a boolean (true or false), got 'maybe'"),
    ({"PARSE_SERVER_ACCOUNT_LOCKOUT": "{bad"}, "option accountLockout (env PARSE_SERVER_ACCOUNT_LOCKOUT): "
                                              "expected a JSON object, got invalid JSON"),
])
def test_malformed_values_stop_the_start(env, message):
    with pytest.raises(ConfigError) as e:
        load_config(environ=env)
    assert str(e.value).startswith(message)


def test_nested_env_variables_set_a_key_of_the_group():
    c = load_config(environ={"PARSE_SERVER_ACCOUNT_LOCKOUT": '{"threshold": 3}',
                             "PARSE_SERVER_ACCOUNT_LOCKOUT_DURATION": "5"}, warnings=[])
    assert c.accountLockout == {"threshold": 3, "duration": 5}


def test_precedence_flags_then_env_then_file(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"appId": "file", "masterKey": "fileKey", "port": 1}))
    c = load_config(str(path), {"appId": "flag"}, environ={"PARSE_SERVER_MASTER_KEY": "envKey", "PORT": "2"})
    assert (c.appId, c.masterKey, c.port) == ("flag", "envKey", 2)


def test_apps_form_with_one_app(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"apps": [{"appId": "one"}]}))
    assert load_config(str(path), environ={}).appId == "one"


def test_apps_form_with_two_apps_is_refused(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"apps": [{"appId": "one"}, {"appId": "two"}]}))
    with pytest.raises(ConfigError, match="`apps` lists 2 apps"):
        load_config(str(path), environ={})


def test_unknown_key_in_the_file_stops_the_start(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"appID": "x"}))
    with pytest.raises(ConfigError, match="unknown option appID .*did you mean appId"):
        load_config(str(path), environ={})


def test_unknown_nested_key_stops_the_start(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"accountLockout": {"duraton": 5}}))
    with pytest.raises(ConfigError, match="unknown option accountLockout.duraton"):
        load_config(str(path), environ={})


def test_not_implemented_option_in_the_file_warns(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"scheduledPush": True}))
    warnings: list[str] = []
    load_config(str(path), environ={}, warnings=warnings)
    assert warnings == ["option scheduledPush (env PARSE_SERVER_SCHEDULED_PUSH) is a Parse Server option this "
                        "server does not implement; it has no effect (Allow pushes scheduled for later)"]


@pytest.mark.parametrize("env, why", [
    ({"PARSE_SERVER_CACHE_ADAPTER": "redis-cache"}, "A JavaScript cache module; this server loads no JavaScript"),
    ({"PARSE_SERVER_LOGGER_ADAPTER": "winston"}, "A JavaScript logger module; this server loads no JavaScript"),
    ({"PARSE_SERVER_MIDDLEWARE": "m"}, "there is no Express (nor JavaScript) here to run it in"),
    ({"PARSE_SERVER_MASTER_KEY_TTL": "60"}, "here masterKey is a string, so there is nothing to renew"),
    ({"PARSE_SERVER_ALLOW_EXPIRED_AUTH_DATA_TOKEN": "true"}, "validates authData on every login whatever this says"),
    ({"PARSE_SERVER_LIVEQUERY_REGEX_TIMEOUT": "50"}, "Python's re cannot stop a running match"),
])
def test_the_warning_of_an_option_that_cannot_apply_says_why(env, why):
    warnings: list[str] = []
    load_config(environ=env, warnings=warnings)
    assert len(warnings) == 1 and "does not implement; it has no effect (" in warnings[0] and why in warnings[0]


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "parse_clone", *args], capture_output=True, text=True,
                          env=env or {"PATH": "/usr/bin:/bin"}, timeout=60)


def test_cli_version():
    assert _cli("--version").stdout.startswith("parse-clone ")


def test_cli_help_lists_every_flag_option_with_its_env():
    out = _cli("serve", "--help").stdout
    for o in OPTIONS:
        if o.addressable:
            assert f"--{o.name} " in out or f"--{o.name}\n" in out, o.name


def test_cli_unknown_flag_exits_non_zero_without_traceback():
    r = _cli("--appID", "x")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "unknown option --appID" in r.stderr


def test_cli_malformed_env_exits_non_zero_without_traceback():
    r = _cli("serve", env={"PATH": "/usr/bin:/bin", "PORT": "abc"})
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "option port (env PORT): expected a number" in r.stderr


def test_cli_bare_boolean_before_config_file():
    from parse_clone.commands.option_flags import bare_booleans
    assert bare_booleans(["--verbose", "c.json", "--mountGraphQL", "false"]) == \
        ["--verbose=true", "c.json", "--mountGraphQL", "false"]


def test_docs_configuration_is_generated_from_the_table():
    from pathlib import Path

    from parse_clone.option_docs import configuration_markdown
    doc = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
    assert doc.read_text() == configuration_markdown()
