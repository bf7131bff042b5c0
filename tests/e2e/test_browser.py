"""The Home Health Aide app and the playground in Debian's chromium (playwright-core, browser/story.mjs).

A template server with LiveQuery on Job, Technician and PartsInventory is seeded with the demo
data; the story (dispatcher, technician on a phone-sized page, live board, stock, a refusal, the
playground) runs in two browser contexts. Screenshots go to the test's tmp folder (BROWSER_SHOTS:
elsewhere, e.g. docs/screenshots). Needs /usr/bin/chromium (CHROMIUM: another path) and the built
web app (make web).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from parse_clone.web import STATIC_DIR
from tests.e2e.test_sdk import E2E_DIR, REPO_ROOT, Target, _base_command, _local_server, _require_node

pytestmark = pytest.mark.e2e
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LIVE = json.dumps({"classNames": ["Job", "Technician", "PartsInventory"]})


def _browser_server_command(port: int, database: Path) -> list[str]:
    base = [a for a in _base_command(port, database)]
    for key in ("--restAPIKey", "--javascriptKey"):  # no client keys: the demo seeder sends none
        i = base.index(key)
        del base[i:i + 2]
    return base + ["--schema", str(REPO_ROOT / "schema.json"), "--cloud",
                                            str(REPO_ROOT / "cloud"), "--liveQuery", LIVE,
                 "--mountGraphQL", "true"]  # the playground's GraphiQL tab (as `make serve`)


@pytest.fixture(scope="module")
def app_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """A seeded template server for the browser."""
    _require_node()
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (make browser-deps does it)")
    if not (STATIC_DIR / "index.html").exists():
        pytest.fail(f"the web app is not built in {STATIC_DIR}: run make web")
    for target in _local_server(tmp_path_factory, "browser-server", _browser_server_command):
        seeded = subprocess.run([sys.executable, "-m", "parse_clone", "demo", "seed", "--serverURL", target.url,
                                 "--appId", "test", "--masterKey", "test"], capture_output=True, text=True,
                                cwd=REPO_ROOT, timeout=120)
        assert seeded.returncode == 0, seeded.stderr
        yield target


def _story(target: Target, shots: Path, part: str = "") -> str:
    origin = target.url.rsplit("/", 1)[0]
    env = {**os.environ, "BASE_URL": origin, "SHOTS": str(shots), "CHROMIUM": CHROMIUM, "PART": part}
    done = subprocess.run(["node", str(E2E_DIR / "browser" / "story.mjs")], cwd=E2E_DIR, env=env,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}\nserver:\n{target.server_stderr_tail()}"
    return done.stdout


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("BROWSER_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_story_in_a_browser(app_target: Target, tmp_path: Path) -> None:
    """Dispatcher routes a job, technician works it, the board updates live, stock goes down, a refusal shows."""
    shots = _shots(tmp_path)
    out = _story(app_target, shots)
    assert "story ok" in out
    for name in ("board", "board-live", "technician-route", "technician-refused", "parts", "technicians-map",
                 "service-logs", "profile", "playground-rest", "docs"):
        assert (shots / f"{name}.png").stat().st_size > 1000


def test_the_playground_sends_a_graphql_request(app_target: Target, tmp_path: Path) -> None:
    """GraphiQL in the playground runs a query against the server's GraphQL path."""
    assert "graphql ok" in _story(app_target, _shots(tmp_path), part="graphql")


def test_node_and_chromium_are_found() -> None:
    """The tools this module needs are installed where it looks."""
    assert shutil.which("node") and Path(CHROMIUM).exists()
