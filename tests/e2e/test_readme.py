"""The README's examples, run as printed against a server started as `make serve` starts it.

Only the server's address differs: the README's http://localhost:1337/parse becomes the test
server's. Each test first runs `.venv/bin/parse-clone demo reset`, so each starts from the demo data.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_sdk import E2E_DIR, REPO_ROOT, Target, _local_server, _require_node
from tests.support.markdown import code_blocks

pytestmark = pytest.mark.e2e
README = REPO_ROOT / "README.md"
README_URL = "http://localhost:1337/parse"
PARSE_CLONE = Path(sys.executable).parent / "parse-clone"  # what `make install` puts in .venv/bin
COMMAND_TIMEOUT_S = 120


def _make_serve_command(port: int, database: Path) -> list[str]:
    """`make serve`'s options (default keys, schema.json, cloud/, account mails to the log) on a free port."""
    return [sys.executable, "-m", "parse_clone", "serve", "--port", str(port), "--databaseURI", f"sqlite:///{database}",
            "--appId", "myAppId", "--masterKey", "myMasterKey", "--schema", str(REPO_ROOT / "schema.json"),
            "--cloud", str(REPO_ROOT / "cloud"), "--appName", "Home Health Aide",
            "--publicServerURL", f"http://127.0.0.1:{port}/parse", "--emailAdapter", "log",
            "--verifyUserEmails", "true"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """A template server as `make serve` runs it."""
    yield from _local_server(tmp_path_factory, "readme-server", _make_serve_command, mount_path="/parse")


def demo_reset(target: Target) -> list[str]:
    """Run `.venv/bin/parse-clone demo reset` against the server; its output lines."""
    done = subprocess.run([str(PARSE_CLONE), "demo", "reset", "--serverURL", target.url], capture_output=True,
                          text=True, cwd=REPO_ROOT, timeout=COMMAND_TIMEOUT_S)
    assert done.returncode == 0, f"{done.stderr}\nserver:\n{target.server_stderr_tail()}"
    return done.stdout.splitlines()


def readme_block(lang: str, marker: str) -> str:
    """The README's code block of this language that contains `marker`."""
    found = [b.text for b in code_blocks(README) if b.lang == lang and marker in b.text]
    assert len(found) == 1, f"README.md has {len(found)} {lang} blocks with {marker!r}"
    return found[0]


def test_demo_reset_prints_the_same_lines_every_time(served):
    demo_reset(served)
    lines = demo_reset(served)
    assert lines[:3] == [
        "Removed 7 demo users, 5 technicians, 6 jobs, 7 parts and 1 service log.",
        "Seeded 7 users, 5 technicians across Chicago, 6 jobs for today (one completed, with its service log) "
        "and 7 parts.",
        "",
    ]
    assert lines[3] == f"Log in at {served.url} (password for everyone: homehealth):"
    assert demo_reset(served) == lines


def test_the_readme_js_walkthrough_runs_as_printed(served, tmp_path):
    _require_node()
    demo_reset(served)
    script = readme_block("js", "require('parse/node')")
    assert README_URL in script
    (tmp_path / "walkthrough.cjs").write_text(script.replace(README_URL, served.url))
    env = {**os.environ, "NODE_PATH": str(E2E_DIR / "node_modules")}  # the `parse` of tests/e2e/package.json
    done = subprocess.run(["node", "walkthrough.cjs"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=COMMAND_TIMEOUT_S)
    assert (done.returncode, done.stderr) == (0, ""), done.stdout
    assert done.stdout.splitlines() == [
        "4 technicians available",
        "routed to Alex Kowalski, 3.02 km away",
        "1. Hospital bed: rail latch sticks",
        "39 nasal cannulas left",
        "service log: Latch spring replaced.",
    ]


def _run_shell(script: str, target: Target) -> tuple[str, list[str]]:
    """Run a README shell block with bash -e; its stdout and the HTTP status of each curl call, in order."""
    if shutil.which("curl") is None:
        pytest.skip("curl is not on PATH")
    statuses = "curl() { command curl --write-out '%{stderr}HTTP %{http_code}\\n' \"$@\"; }\n"
    done = subprocess.run(["bash", "-e", "-c", statuses + script.replace(README_URL, target.url)],
                          capture_output=True, text=True, cwd=REPO_ROOT, timeout=COMMAND_TIMEOUT_S)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}\nserver:\n{target.server_stderr_tail()}"
    return done.stdout, re.findall(r"^HTTP (\d+)$", done.stderr, re.M)


def test_the_readme_login_example_logs_dana_in(served):
    demo_reset(served)
    block = readme_block("sh", "demo seed")
    login = block[block.index("curl "):]
    stdout, statuses = _run_shell(login, served)
    assert statuses == ["200"]
    assert '"username":"dana"' in stdout.replace(" ", "") and '"sessionToken"' in stdout


def test_the_readme_curl_walkthrough_succeeds_step_by_step(served):
    demo_reset(served)
    stdout, statuses = _run_shell(readme_block("sh", "URL=" + README_URL), served)
    # log in, technicians, new job, route, log in, route, parts, take one, log in, refused, start, complete, logs
    assert statuses == ["200", "200", "201", "200", "200", "200", "200", "200", "200", "400", "200", "200", "200"]
    assert '{"code":119,"error":"Only the assigned technician or a dispatcher can update this job"}' in stdout
    assert '"description":"Replaced the compressor filter; mist restored."' in stdout
