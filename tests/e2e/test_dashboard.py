"""Parse Dashboard (npm parse-dashboard, pinned in package.json) against our server, in Debian chromium.

One server (SQLite temp file, tests/e2e/cloud loaded, GraphQL mounted), one `parse-dashboard --dev` process
(a config file: the app's keys and its graphQLServerURL) and one browser per module: dashboard/run.mjs
drives every page an admin uses (dashboard/steps.mjs, the data browser's columns, rows, users and filters
in data_steps.mjs over data_browser.mjs, admin_steps.mjs, row_steps.mjs: a File cell's upload, a
relation's page, Edit's clone and delete actions, config_steps.mjs, as_user_steps.mjs: Browse as User
and the REST Console's "Run as...", console_steps.mjs: the GraphQL and JS consoles, view_steps.mjs:
Views and Canvas) and checks each action's effect through the REST API, then each test below reports
one step. Screenshots go to the module's tmp folder (printed; DASHBOARD_SHOTS: elsewhere). Skips only
when chromium or tests/e2e/node_modules is missing locally; with CI=true they are required.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_sdk import E2E_DIR, Target, _base_command, _local_server, _stop

pytestmark = pytest.mark.e2e
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
DASHBOARD_BIN = E2E_DIR / "node_modules" / ".bin" / "parse-dashboard"
APP_NAME = "parse_clone e2e"
REST_KEY = "rest"  # _base_command's --restAPIKey
SETTINGS_CLASS = "DashboardSettings"  # where the dashboard keeps its settings once told to keep them on the server
STARTUP_TIMEOUT_S = 60.0
STORY_TIMEOUT_S = 600.0


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: `make test` installs it)", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_command(port: int, database: Path) -> list[str]:
    return _base_command(port, database) + ["--no-schema", "--cloud", str(E2E_DIR / "cloud"),
                                            "--mountGraphQL", "true"]  # the GraphQL Console


def _dashboard_config(target: Target, workdir: Path) -> Path:
    """The dashboard's config file: the app with its client keys (Browse as User logs in with the JavaScript
    key, the REST Console sends the REST key without the master key), its GraphQL endpoint and the class
    for settings kept on the server."""
    config = {"apps": [{"appName": APP_NAME, "appId": target.app_id, "masterKey": target.master_key,
                        "javascriptKey": target.js_key, "restKey": REST_KEY, "serverURL": target.url,
                        "graphQLServerURL": target.url.rsplit("/", 1)[0] + "/graphql",
                        "config": {"className": SETTINGS_CLASS}}]}
    path = workdir / "dashboard-config.json"
    path.write_text(json.dumps(config))
    return path


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _start_dashboard(target: Target, workdir: Path) -> Iterator[str]:
    port = _free_port()
    log = workdir / "dashboard.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(DASHBOARD_BIN), "--dev", "--config", str(_dashboard_config(target, workdir)),
             "--host", "127.0.0.1", "--port", str(port)],
            cwd=E2E_DIR, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _answers(url + "/"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"parse-dashboard did not start on {url}:\n{log.read_text(errors='replace')}", pytrace=False)
            time.sleep(0.2)
        yield url
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def dashboard_results(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict]]:
    """Runs every dashboard step once; answers {step: {"ok": true} | {"skip": reason} | {"error": text}}."""
    if shutil.which("node") is None:
        _missing("node is not on PATH: the dashboard test drives chromium from Node")
    if not Path(CHROMIUM).exists():
        _missing(f"{CHROMIUM} is missing: make browser-deps installs chromium")
    if not DASHBOARD_BIN.exists() or not (E2E_DIR / "node_modules" / "playwright-core").is_dir():
        _missing("tests/e2e/node_modules lacks parse-dashboard or playwright-core: run make e2e-deps")
    workdir = tmp_path_factory.mktemp("dashboard")
    shots = Path(os.environ.get("DASHBOARD_SHOTS") or workdir / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    for target in _local_server(tmp_path_factory, "dashboard-server", _server_command):
        for dashboard in _start_dashboard(target, workdir):
            results_path = workdir / "results.json"
            env = {**os.environ, "SERVER_URL": target.url, "DASHBOARD_URL": dashboard, "APP_NAME": APP_NAME,
                   "APP_ID": target.app_id, "MASTER_KEY": target.master_key, "JS_KEY": target.js_key,
                   "REST_KEY": REST_KEY, "SETTINGS_CLASS": SETTINGS_CLASS, "SHOTS": str(shots),
                   "RESULTS": str(results_path), "CHROMIUM": CHROMIUM}
            done = subprocess.run(["node", str(E2E_DIR / "dashboard" / "run.mjs")], cwd=E2E_DIR, env=env,
                                  capture_output=True, text=True, timeout=STORY_TIMEOUT_S)
            print(f"dashboard screenshots: {shots}\n{done.stdout}")
            assert done.returncode == 0 and results_path.exists(), (
                f"{done.stdout}\n{done.stderr}\nserver:\n{target.server_stderr_tail()}")
            results = json.loads(results_path.read_text())
            results["_shots"] = {"path": str(shots)}
            results["_server"] = {"tail": target.server_stderr_tail()}
            yield results


STEPS = ["dataBrowser", "createClass", "config", "jobs", "logs", "apiConsole", "webhooks"]
DATA_STEPS = ["addColumns", "rows", "users", "filters"]  # data_steps.mjs (appended to steps.mjs's steps)
ADMIN_STEPS = ["classLevelPermissions", "protectedFields", "jobSchedule", "appSettings", "cloudCode"]  # admin_steps.mjs
ROW_STEPS = ["fileUpload", "relationView", "rowActions"]  # row_steps.mjs (after admin_steps.mjs)
CONFIG_STEPS = ["configParameters"]  # config_steps.mjs
LATER_STEPS = ["browseAsUser", "runAsUser",  # as_user_steps.mjs
               "graphqlConsole", "jsConsole",  # console_steps.mjs
               "views", "canvas", "viewsOnServer"]  # view_steps.mjs


@pytest.mark.parametrize("step", STEPS + DATA_STEPS + ADMIN_STEPS + ROW_STEPS + CONFIG_STEPS + LATER_STEPS)
def test_dashboard_page(dashboard_results: dict[str, dict], step: str) -> None:
    """The step ran in the dashboard, its effect read back through the REST API, and its page rendered."""
    result = dashboard_results.get(step)
    assert result is not None, f"step {step} did not run"
    if "skip" in result:
        pytest.skip(result["skip"])
    assert result.get("ok"), f"{result.get('error')}\nserver log:\n{dashboard_results['_server']['tail'][-4000:]}"
