"""docker-compose.yml as production: only variables the server (or the dashboard) reads, keys from .env,
healthchecks and volumes, the master key and the dashboard not open to the world, the image built once."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from parse_clone.config_sources import BY_ENV

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD_SERVER = ROOT / "tests" / "e2e" / "node_modules" / "parse-dashboard" / "Parse-Dashboard" / "server.js"


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _env_example() -> list[str]:
    return re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M)


def test_compose_sets_only_variables_the_server_reads():
    names = list(_compose()["services"]["parse"]["environment"])
    assert "PARSE_SERVER_DATABASE_URI" in names
    assert [n for n in names if n not in BY_ENV] == []


def test_env_example_holds_server_variables_and_dashboard_login():
    keys = _env_example()
    assert {"PARSE_SERVER_APPLICATION_ID", "PARSE_SERVER_MASTER_KEY", "DASHBOARD_PASSWORD"} <= set(keys)
    assert [k for k in keys if k not in BY_ENV and not k.startswith("DASHBOARD_")] == []


def test_every_dashboard_variable_is_one_parse_dashboard_reads():
    if not DASHBOARD_SERVER.exists():
        pytest.skip("tests/e2e/node_modules lacks parse-dashboard: run make e2e-deps")
    source = DASHBOARD_SERVER.read_text()
    dashboard = _compose()["services"]["dashboard"]
    names = list(dashboard["environment"])
    assert "PARSE_DASHBOARD_MASTER_KEY" in names
    assert [n for n in names if f"process.env.{n}" not in source] == []
    # the dashboard's own values come from .env by interpolation; it is given none of the server's
    assert "env_file" not in dashboard


def test_the_server_is_given_its_keys_from_the_env_file():
    parse = _compose()["services"]["parse"]
    assert parse["env_file"] == [".env"] and "PARSE_SERVER_MASTER_KEY" not in parse["environment"]


def test_master_key_is_not_open_to_the_world_by_default():
    for name in ("docker-compose.yml", ".env.example"):
        assert "0.0.0.0/0" not in (ROOT / name).read_text()
    ips = re.search(r"^PARSE_SERVER_MASTER_KEY_IPS=(.*)$", (ROOT / ".env.example").read_text(), re.M).group(1)
    assert ips.split(",") == ["127.0.0.1", "::1", "172.16.0.0/12"]  # this machine and Docker's networks


def test_the_dashboard_is_published_on_the_loopback_only():
    assert _compose()["services"]["dashboard"]["ports"] == ["127.0.0.1:4040:4040"]


def test_every_service_has_a_healthcheck_and_the_stores_their_volumes():
    services = _compose()["services"]
    assert [name for name, s in services.items() if name != "dashboard" and "healthcheck" not in s] == []
    volumes = {name: [v.split(":")[1] for v in s.get("volumes", [])] for name, s in services.items()}
    assert volumes == {"mongo": ["/data/db"], "redis": ["/data"], "parse": ["/app/logs"], "dashboard": []}
    assert set(_compose()["volumes"]) == {"mongo-data", "redis-data", "parse-logs"}


def test_the_server_waits_for_healthy_stores_and_crosses_instances_through_redis():
    parse = _compose()["services"]["parse"]
    assert parse["depends_on"] == {"mongo": {"condition": "service_healthy"},
                                   "redis": {"condition": "service_healthy"}}
    env = parse["environment"]
    assert env["PARSE_SERVER_LIVEQUERY_REDIS_URL"] == env["PARSE_LIVE_QUERY_SERVER_REDIS_URL"] == "redis://redis:6379"
    assert env["PARSE_SERVER_DATABASE_URI"].startswith("mongodb://mongo:27017/")


def test_image_installs_the_package_at_build_time():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "RUN pip install" in dockerfile
    assert not re.search(r"^(CMD|ENTRYPOINT).*pip", dockerfile, re.M)
    assert "pip" not in (ROOT / "docker-compose.yml").read_text()


def _compose_command() -> list[str]:
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    if shutil.which("docker-compose"):  # Debian's docker-compose package (Compose v1)
        return [shutil.which("docker-compose")]
    pytest.skip("neither `docker compose` nor docker-compose is installed here")


def test_docker_compose_config_is_valid(tmp_path):
    command = _compose_command()
    (tmp_path / "docker-compose.yml").write_text((ROOT / "docker-compose.yml").read_text())
    (tmp_path / ".env").write_text((ROOT / ".env.example").read_text())
    for profile in ([], ["--profile", "dashboard"]):
        r = subprocess.run([*command, *profile, "config", "--quiet"], capture_output=True, text=True, cwd=tmp_path)
        assert r.returncode == 0, r.stderr
