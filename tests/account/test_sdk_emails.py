"""Account emails through the real Parse JS SDK: our server in a subprocess mails through loopback SMTP."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import uuid
from html import unescape
from pathlib import Path

import aiohttp
import pytest

from tests.e2e.test_sdk import E2E_DIR, REPO_ROOT, _base_command, _free_port, _healthy, _require_node, _stop

from .conftest import link_in

pytestmark = pytest.mark.e2e


def _node(phase: str, url: str, username: str, email: str) -> None:
    env = {**os.environ, "SERVER_URL": url, "APP_ID": "test", "MASTER_KEY": "test", "JS_KEY": "test",
           "PHASE": phase, "USERNAME": username, "EMAIL": email, "NO_COLOR": "1"}
    result = subprocess.run(["node", "--test", "--test-reporter=spec", "account/emails.mjs"], cwd=E2E_DIR, env=env,
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]


async def test_sdk_requests_mails_whose_links_work(smtp, tmp_path: Path):
    _require_node()
    inbox, smtp_port = smtp
    port = _free_port()
    url = f"http://127.0.0.1:{port}/1"
    adapter = {"module": "smtp", "options": {"host": "127.0.0.1", "port": smtp_port, "fromAddress": "app@example.test"}}
    command = _base_command(port, tmp_path / "sdk.sqlite3") + [
        "--no-schema", "--no-cloud", "--appName", "SDK App", "--publicServerURL", url,
        "--verifyUserEmails", "true", "--emailAdapter", json.dumps(adapter)]
    with (tmp_path / "server.stderr").open("wb") as stderr:
        process = subprocess.Popen(command, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=stderr)
    try:
        deadline = time.monotonic() + 30
        while not _healthy(url):
            assert process.poll() is None and time.monotonic() < deadline, (tmp_path / "server.stderr").read_text()
            time.sleep(0.2)
        username = f"sdk_{uuid.uuid4().hex[:8]}"
        email = f"{username}@example.test"
        _node("request", url, username, email)
        mails = await inbox.wait(3)  # sign-up verification, the requested one, the reset
        assert [m["To"] for m in mails] == [email] * 3
        reset = next(m for m in mails if "Password Reset" in m["Subject"])
        verify = [m for m in mails if m is not reset][-1]
        async with aiohttp.ClientSession() as http:
            async with http.get(link_in(verify)) as resp:
                assert resp.url.path == "/1/apps/verify_email_success.html"
            async with http.get(link_in(reset)) as resp:
                page = await resp.text()
            action = unescape(re.search(r'action="([^"]+)"', page).group(1))
            fields = {m.group(1): unescape(m.group(2))
                      for m in re.finditer(r'name="([^"]+)" type="hidden"[^>]*value="([^"]*)"', page)}
            async with http.post(action, data={**fields, "new_password": "second-pass2"}) as resp:
                assert resp.url.path == "/1/apps/password_reset_success.html"
        _node("login", url, username, email)
    finally:
        _stop(process)
