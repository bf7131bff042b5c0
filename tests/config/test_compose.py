"""docker-compose.yml and .env.example set only variables the server reads (or the dashboard's own)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from parse_clone.config_sources import BY_ENV

ROOT = Path(__file__).resolve().parents[2]


def _parse_service_env() -> list[str]:
    text = (ROOT / "docker-compose.yml").read_text()
    block = re.search(r"^  parse:\n(.*?)(?=^  \w+:\n|^\S)", text, re.S | re.M).group(1)
    return re.findall(r"^      ([A-Z][A-Z0-9_]+):", block, re.M)


def test_compose_sets_only_variables_the_server_reads():
    names = _parse_service_env()
    assert "PARSE_SERVER_DATABASE_URI" in names
    assert [n for n in names if n not in BY_ENV] == []


def test_env_example_holds_server_variables_and_dashboard_login():
    keys = re.findall(r"^([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M)
    assert [k for k in keys if k not in BY_ENV and not k.startswith("DASHBOARD_")] == []


def test_master_key_is_not_open_to_the_world_by_default():
    for name in ("docker-compose.yml", ".env.example"):
        assert "0.0.0.0/0" not in (ROOT / name).read_text()


def test_image_installs_the_package_at_build_time():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "RUN pip install" in dockerfile
    assert "pip" not in (ROOT / "docker-compose.yml").read_text()


def test_docker_compose_config_is_valid(tmp_path):
    docker = shutil.which("docker")
    if not docker or subprocess.run([docker, "compose", "version"], capture_output=True).returncode != 0:
        pytest.skip("the docker compose client is not installed here")
    env = tmp_path / ".env"
    env.write_text((ROOT / ".env.example").read_text())
    r = subprocess.run([docker, "compose", "--env-file", str(env), "-f", str(ROOT / "docker-compose.yml"),
                        "config", "--quiet"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
