"""The command line as a Parse Server user types it: `parse-clone config.json`, bare boolean flags and
`--x=false`, and a --help that gives every option's meaning, environment variable and default."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from parse_clone import cli
from parse_clone.commands.option_flags import default_of, flag_options, flag_values
from parse_clone.config import ServerConfig, load_config


def configured(argv: list[str], monkeypatch) -> ServerConfig:
    """The configuration `parse-clone <argv>` would serve (no environment), without starting a server."""
    seen = []
    monkeypatch.setattr(cli, "serve", seen.append)
    cli.main(argv)
    [args] = seen
    return load_config(args.config_file or args.config, flag_values(args), environ={}, warnings=[])


@pytest.fixture
def config_file(tmp_path):
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"apps": [{"appId": "fromFile", "masterKey": "mk", "verbose": True,
                                          "mountGraphQL": True, "port": 1400}]}))
    return str(path)


def test_parse_servers_form_reads_the_config_file_without_serve(config_file, monkeypatch):
    c = configured([config_file], monkeypatch)
    assert (c.appId, c.masterKey, c.verbose, c.mountGraphQL, c.port) == ("fromFile", "mk", True, True, 1400)


def test_parse_servers_form_takes_flags_after_and_before_the_file(config_file, monkeypatch):
    c = configured(["--port", "1500", config_file, "--mountGraphQL=false", "--verbose", "false"], monkeypatch)
    assert (c.appId, c.port, c.mountGraphQL, c.verbose) == ("fromFile", 1500, False, False)


def test_flags_alone_mean_serve(monkeypatch):
    c = configured(["--appId", "flagApp", "--allowClientClassCreation"], monkeypatch)
    assert (c.appId, c.allowClientClassCreation) == ("flagApp", True)


@pytest.mark.parametrize("argv, expected", [
    (["--verbose"], True),
    (["--verbose", "--appId", "x"], True),
    (["--verbose=true"], True),
    (["--verbose=false"], False),
    (["--verbose", "false"], False),
    (["--verbose", "0"], False),
    (["--verbose=no"], False),
    ([], False),
], ids=lambda v: " ".join(v) if isinstance(v, list) else str(v))
def test_a_boolean_is_a_bare_flag_or_takes_a_value(argv, expected, monkeypatch):
    assert configured(["serve", *argv], monkeypatch).verbose is expected


def test_a_bare_nested_boolean_sets_its_key(monkeypatch):
    c = configured(["serve", "--accountLockout.unlockOnPasswordReset", "--accountLockout.threshold", "3"], monkeypatch)
    assert c.accountLockout == {"unlockOnPasswordReset": True, "threshold": 3}


def test_help_gives_every_options_meaning_env_variable_and_default():
    out = subprocess.run([sys.executable, "-m", "parse_clone", "serve", "--help"], capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin", "COLUMNS": "2000"}, timeout=60).stdout
    lines: dict[str, str] = {}  # --flag -> its entry (argparse puts a long flag's help on the next line)
    for line in out.splitlines():
        if line.startswith("  --"):
            flag = line.split()[0]
            lines[flag] = line
        elif line.startswith("    ") and lines:
            lines[flag] += " " + line.strip()
    missing = []
    for option in flag_options():
        line = lines.get(f"--{option.name}", "")
        default = default_of(option)
        wanted = [option.help, f"env {option.env}"]
        if default not in (None, "", {}, []):
            wanted.append(f"default {json.dumps(default)}")
        missing += [f"--{option.name}: {w}" for w in wanted if w not in line]
    assert missing == []
    assert "--appId STRING" in lines["--appId"] and 'default "myAppId"' in lines["--appId"]
    assert "(env PORT; default 1337)" in lines["--port"]
