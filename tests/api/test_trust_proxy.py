"""trustProxy: the client address behind reverse proxies, as Express's `trust proxy` computes it."""

from __future__ import annotations

import pytest

from parse_clone.option_spec import ConfigError
from parse_clone.trust_proxy import client_ip, trust_from_option

XFF = "203.0.113.7, 10.0.0.5"  # client, then a proxy; the socket peer is the last proxy


@pytest.mark.parametrize("option, remote, expected", [
    (None, "127.0.0.1", "127.0.0.1"),          # default: X-Forwarded-For is ignored
    (False, "127.0.0.1", "127.0.0.1"),
    (True, "127.0.0.1", "203.0.113.7"),        # every hop trusted: the left-most address
    (1, "127.0.0.1", "10.0.0.5"),              # one hop trusted
    (2, "127.0.0.1", "203.0.113.7"),
    ("loopback", "127.0.0.1", "10.0.0.5"),     # 10.0.0.5 is not loopback: it is the client
    ("loopback, uniquelocal", "127.0.0.1", "203.0.113.7"),
    (["127.0.0.1", "10.0.0.0/8"], "127.0.0.1", "203.0.113.7"),
    (["10.0.0.0/8"], "127.0.0.1", "127.0.0.1"),  # the socket peer is not trusted: it is the client
    ("loopback", "::ffff:127.0.0.1", "10.0.0.5"),
])
def test_client_address(option, remote, expected):
    assert client_ip(remote, XFF, trust_from_option(option)) == expected


def test_no_header_keeps_the_socket_address():
    assert client_ip("127.0.0.1", None, trust_from_option(True)) == "127.0.0.1"


@pytest.mark.parametrize("bad", ["nowhere", ["10.0.0.0/99"], [5]])
def test_malformed_option_is_a_config_error(bad):
    with pytest.raises(ConfigError, match=r"^option trustProxy \(PARSE_SERVER_TRUST_PROXY\)"):
        trust_from_option(bad)


def test_env_value_is_json_as_parse_servers_object_parser():
    from parse_clone.config import load_config
    assert load_config(environ={"PARSE_SERVER_TRUST_PROXY": "true"}).trustProxy is True
    assert load_config(environ={"PARSE_SERVER_TRUST_PROXY": '["loopback"]'}).trustProxy == ["loopback"]
    with pytest.raises(ConfigError, match="trustProxy"):
        load_config(environ={"PARSE_SERVER_TRUST_PROXY": "loopback"})


@pytest.mark.parametrize("config_overrides", [{"trustProxy": "loopback", "masterKeyIps": ["127.0.0.1"]}])
async def test_master_key_ips_judge_the_forwarded_client(api):
    ok = await api.client.get("/1/schemas", headers=api.headers(master=True))
    assert ok.status == 200
    forwarded = await api.client.get("/1/schemas", headers=api.headers(master=True, **{"X-Forwarded-For": "198.51.100.2"}))
    assert (forwarded.status, await forwarded.json()) == (403, {"error": "unauthorized"})


async def test_without_trust_proxy_a_forged_header_changes_nothing(api):
    resp = await api.client.get("/1/schemas", headers=api.headers(master=True, **{"X-Forwarded-For": "198.51.100.2"}))
    assert resp.status == 200


@pytest.mark.parametrize("config_overrides", [{"trustProxy": True}])
async def test_cloud_code_sees_the_forwarded_ip(api):
    api.server.cloud.define("whoami", lambda req: req.ip)
    resp = await api.client.post("/1/functions/whoami", json={}, headers=api.headers(**{"X-Forwarded-For": "198.51.100.9"}))
    assert (resp.status, await resp.json()) == (200, {"result": "198.51.100.9"})
