"""Runs the Parse JS SDK scenarios (tests/e2e/scenarios/*.mjs) against a live server.

By default a parse_clone server is started on a free port with a throw-away SQLite file.
Set E2E_SERVER_URL (e.g. http://localhost:1338/1) to target a running Parse-compatible
server instead; E2E_APP_ID, E2E_MASTER_KEY and E2E_JS_KEY override its keys (default "test").
The template scenario (template.mjs) gets a second server with the repository's schema.json
and cloud/ loaded (E2E_TEMPLATE_SERVER_URL: use a running one; with only E2E_SERVER_URL it is skipped).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

E2E_DIR = Path(__file__).resolve().parent
REPO_ROOT = E2E_DIR.parent.parent
# Scenarios that need the Home Health Aide template (schema.json and cloud/ of the repository)
# run against a second server of their own; the rest share one with the test hooks.
TEMPLATE_SCENARIOS = ("template.mjs",)
SCENARIOS = sorted(p.name for p in (E2E_DIR / "scenarios").glob("*.mjs") if p.name not in TEMPLATE_SCENARIOS)
HEALTH_TIMEOUT_S = 30.0
SCENARIO_TIMEOUT_S = 300.0
OUTPUT_TAIL_CHARS = 20_000


@dataclass(frozen=True)
class Target:
    """Where the scenarios send their requests, with the keys they use."""

    url: str
    app_id: str
    master_key: str
    js_key: str
    stderr_path: Path | None = None

    def server_stderr_tail(self) -> str:
        if self.stderr_path is None or not self.stderr_path.exists():
            return ""
        return self.stderr_path.read_text(errors="replace")[-OUTPUT_TAIL_CHARS:]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _require_node() -> None:
    if shutil.which("node") is None:
        pytest.skip("node is not on PATH: the e2e scenarios run the Parse JS SDK in Node")
    if not (E2E_DIR / "node_modules" / "parse").is_dir():
        pytest.fail(
            "tests/e2e/node_modules is missing the Parse JS SDK: run `make e2e-deps` "
            "(npm ci in tests/e2e)",
            pytrace=False,
        )


def _base_command(port: int, database: Path) -> list[str]:
    """Our server with the e2e keys on a fresh SQLite file."""
    return [
        sys.executable, "-m", "parse_clone", "serve",
        "--port", str(port),
        "--databaseURI", f"sqlite:///{database}",
        "--appId", "test",
        "--masterKey", "test",
        "--javascriptKey", "test",
        "--restAPIKey", "rest",
        "--mountPath", "/1",
    ]  # fmt: skip


def _server_command(port: int, database: Path) -> list[str]:
    return _base_command(port, database) + [
        "--allowClientClassCreation", "true",
        "--liveQuery", '{"classNames": ["E2ELiveJob"]}',  # scenarios/livequery.mjs
        "--no-schema",
        "--cloud", str(E2E_DIR / "cloud"),  # the hooks scenarios/cloud.mjs relies on
    ]  # fmt: skip


def _template_server_command(port: int, database: Path) -> list[str]:
    return _base_command(port, database) + [
        "--schema", str(REPO_ROOT / "schema.json"),
        "--cloud", str(REPO_ROOT / "cloud"),
    ]  # fmt: skip


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def e2e_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """The server under test: E2E_SERVER_URL if set, else our server in a subprocess."""
    _require_node()
    external = os.environ.get("E2E_SERVER_URL", "").rstrip("/")
    if external:
        if not _healthy(external):
            pytest.fail(f"E2E_SERVER_URL={external}: GET {external}/health did not answer 200")
        yield Target(
            url=external,
            app_id=os.environ.get("E2E_APP_ID", "test"),
            master_key=os.environ.get("E2E_MASTER_KEY", "test"),
            js_key=os.environ.get("E2E_JS_KEY", "test"),
        )
        return

    yield from _local_server(tmp_path_factory, "e2e-server", _server_command)


@pytest.fixture(scope="session")
def template_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """A server with the repository's schema.json and cloud/ (E2E_TEMPLATE_SERVER_URL: one already running)."""
    _require_node()
    external = os.environ.get("E2E_TEMPLATE_SERVER_URL", "").rstrip("/")
    if external:
        yield Target(external, os.environ.get("E2E_APP_ID", "test"), os.environ.get("E2E_MASTER_KEY", "test"),
                     os.environ.get("E2E_JS_KEY", "test"))
        return
    if os.environ.get("E2E_SERVER_URL"):
        pytest.skip("the template scenario needs parse_clone with schema.json and cloud/ (Python cloud code): "
                    "set E2E_TEMPLATE_SERVER_URL to such a server")
    yield from _local_server(tmp_path_factory, "e2e-template-server", _template_server_command)


def _local_server(tmp_path_factory: pytest.TempPathFactory, name: str,
                  command: Callable[[int, Path], list[str]], mount_path: str = "/1") -> Iterator[Target]:
    """Our server in a subprocess on a free port with a throw-away SQLite file, until the session ends."""
    workdir = tmp_path_factory.mktemp(name)
    port = _free_port()
    # 127.0.0.1 rather than localhost: Node may resolve localhost to ::1 first.
    url = f"http://127.0.0.1:{port}{mount_path}"
    stdout_path, stderr_path = workdir / "server.stdout", workdir / "server.stderr"
    with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            command(port, workdir / "e2e.sqlite3"),
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
        )
    target = Target(url, "test", "test", "test", stderr_path=stderr_path)
    try:
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        while not _healthy(url):
            if process.poll() is not None:
                pytest.fail(
                    f"server exited with code {process.returncode} before answering "
                    f"{url}/health; stderr:\n{target.server_stderr_tail()}",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"server did not answer GET {url}/health with 200 within "
                    f"{HEALTH_TIMEOUT_S:.0f} s; stderr:\n{target.server_stderr_tail()}",
                    pytrace=False,
                )
            time.sleep(0.2)
        yield target
    finally:
        _stop(process)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_sdk_scenario(e2e_target: Target, scenario: str) -> None:
    """Each scenario file passes under `node --test` against the target server."""
    _run_scenario(e2e_target, scenario)


@pytest.mark.parametrize("scenario", TEMPLATE_SCENARIOS)
def test_template_scenario(template_target: Target, scenario: str) -> None:
    """The Home Health Aide flow passes against a server with the template loaded."""
    _run_scenario(template_target, scenario)


def _run_scenario(target: Target, scenario: str) -> None:
    env = {
        **os.environ,
        "SERVER_URL": target.url,
        "APP_ID": target.app_id,
        "MASTER_KEY": target.master_key,
        "JS_KEY": target.js_key,
        "NO_COLOR": "1",
    }
    try:
        result = subprocess.run(
            ["node", "--test", "--test-reporter=spec", f"scenarios/{scenario}"],
            cwd=E2E_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=SCENARIO_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{scenario} ran longer than {SCENARIO_TIMEOUT_S:.0f} s:\n{exc.stdout or ''}")
    if result.returncode != 0:
        report = (result.stdout + result.stderr)[-OUTPUT_TAIL_CHARS:]
        server = target.server_stderr_tail()
        pytest.fail(
            f"node --test scenarios/{scenario} exited {result.returncode}:\n{report}"
            + (f"\n--- server stderr ---\n{server}" if server else ""),
            pytrace=False,
        )
