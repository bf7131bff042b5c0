"""Runs the GraphQL scenarios (tests/e2e/graphql/*.mjs: graphql-request, graphql-ws and the `graphql` package)
against a parse_clone server started with --mountGraphQL true."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_sdk import (
    E2E_DIR,
    OUTPUT_TAIL_CHARS,
    SCENARIO_TIMEOUT_S,
    Target,
    _base_command,
    _local_server,
    _require_node,
)

pytestmark = pytest.mark.e2e

SCENARIOS = sorted(p.name for p in (E2E_DIR / "graphql").glob("*.mjs"))


def _graphql_server_command(port: int, database: Path) -> list[str]:
    return _base_command(port, database) + ["--mountGraphQL", "true", "--allowClientClassCreation", "true",
                                            "--liveQuery", '{"classNames": ["GqlLive.*"]}',  # subscriptions.mjs
                                            "--no-schema", "--no-cloud"]


@pytest.fixture(scope="module")
def graphql_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """Our server with the GraphQL endpoint mounted at /graphql."""
    _require_node()
    if not (E2E_DIR / "node_modules" / "graphql-request").is_dir():
        pytest.fail("tests/e2e/node_modules lacks graphql-request: run `make e2e-deps`", pytrace=False)
    yield from _local_server(tmp_path_factory, "e2e-graphql-server", _graphql_server_command)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_graphql_scenario(graphql_target: Target, scenario: str) -> None:
    """Each GraphQL scenario passes under `node --test`."""
    root = graphql_target.url.rsplit("/", 1)[0]
    env = {**os.environ, "SERVER_URL": graphql_target.url, "GRAPHQL_URL": root + "/graphql",
           "APP_ID": graphql_target.app_id, "MASTER_KEY": graphql_target.master_key,
           "JS_KEY": graphql_target.js_key, "NO_COLOR": "1"}
    result = subprocess.run(["node", "--test", "--test-reporter=spec", f"graphql/{scenario}"], cwd=E2E_DIR,
                            env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            timeout=SCENARIO_TIMEOUT_S)
    if result.returncode != 0:
        report = (result.stdout + result.stderr)[-OUTPUT_TAIL_CHARS:]
        pytest.fail(f"node --test graphql/{scenario} exited {result.returncode}:\n{report}\n"
                    f"--- server stderr ---\n{graphql_target.server_stderr_tail()}", pytrace=False)
