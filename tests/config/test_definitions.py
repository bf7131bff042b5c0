"""The option table is Parse Server's Definitions.js, as the release this project follows (9.10) has it.

scripts/gen_option_table.py writes parse_clone/options_table.py from that file; here the table in the
repository must be exactly what the script writes now, so that no option, environment variable, type
or default has drifted from Parse Server's (a hand edit of a name or an env variable fails).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _generator():
    spec = importlib.util.spec_from_file_location("gen_option_table", ROOT / "scripts" / "gen_option_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gen():
    module = _generator()
    if not module.RELEASE.exists():
        pytest.skip(f"{module.RELEASE} is missing: the Parse Server release is installed with the peer "
                    "(shared/peer/parse-server.sh)")
    return module


def test_the_release_read_is_parse_server_9_10(gen):
    package = gen.RELEASE.parents[2] / "package.json"
    assert '"version": "9.10.' in package.read_text()


def test_the_table_is_what_the_generator_writes_from_definitions_js(gen):
    rows = gen.flatten(gen.parse_groups(gen.read_definitions(None)))
    assert gen.render(rows, gen.current_table()) == gen.TABLE.read_text()


def test_every_env_variable_of_definitions_js_is_in_the_table(gen):
    from parse_clone.options_table import OPTIONS

    rows = gen.flatten(gen.parse_groups(gen.read_definitions(None)))
    table = {o.name: o.env for o in OPTIONS}
    assert [(r["name"], r["env"]) for r in rows if table.get(r["name"], "missing") != r["env"]] == []
    # the names of the issue: Parse Server's, not this server's earlier ones
    assert {table["appId"], table["port"], table["fileUpload"], table["auth"], table["enableAnonymousUsers"],
            table["publicServerURL"], table["cacheTTL"], table["verbose"]} == {
        "PARSE_SERVER_APPLICATION_ID", "PORT", "PARSE_SERVER_FILE_UPLOAD_OPTIONS", "PARSE_SERVER_AUTH_PROVIDERS",
        "PARSE_SERVER_ENABLE_ANON_USERS", "PARSE_PUBLIC_SERVER_URL", "PARSE_SERVER_CACHE_TTL", "VERBOSE"}
