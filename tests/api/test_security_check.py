"""The `security` option: GET /security answers Parse Server's security check report (master key,
security.enableCheck), /serverInfo says whether it is on, enableCheckLog writes it to the log at start."""

from __future__ import annotations

import logging

import pytest

from parse_clone.security_check import security_report, strong_secret
from tests.conftest import make_config

ON = {"security": {"enableCheck": True}}


def _states(report: dict) -> dict[str, str]:
    return {c["title"]: c["state"] for g in report["report"]["groups"] for c in g["checks"]}


async def test_off_by_default_409(api) -> None:
    assert await api.get("/security", master=True) == (
        409, {"error": "Enable Parse Server option `security.enableCheck` to run security check."})
    status, info = await api.get("/serverInfo", master=True)
    assert info["features"]["settings"] == {"securityCheck": False}


@pytest.mark.parametrize("config_overrides", [ON])
async def test_the_master_key_gets_the_report(api) -> None:
    status, body = await api.get("/security", master=True)
    assert status == 200
    report = body["report"]
    assert (report["version"], report["state"]) == ("1.0.0", "fail")
    assert [g["name"] for g in report["groups"]] == ["Parse Server Configuration", "Database"]
    weak_key = next(c for c in report["groups"][0]["checks"] if c["title"] == "Secure master key")
    assert weak_key == {
        "title": "Secure master key", "state": "fail",
        "warning": "The Parse Server master key is insecure and vulnerable to brute force attacks.",
        "solution": "Choose a longer and/or more complex master key with a combination of upper- and lowercase "
                    "characters, numbers and special characters."}
    passed = next(c for c in report["groups"][0]["checks"] if c["title"] == "Security log disabled")
    assert passed == {"title": "Security log disabled", "state": "success"}
    _, info = await api.get("/serverInfo", master=True)
    assert info["features"]["settings"] == {"securityCheck": True}


@pytest.mark.parametrize("config_overrides", [ON])
async def test_without_the_master_key_403(api) -> None:
    # (the test config turns enableSanitizedErrorResponse off; by default the message is "Permission denied")
    assert await api.get("/security") == (403, {"error": "unauthorized: master key is required"})


def test_each_check_follows_its_setting() -> None:
    loose = make_config(masterKey="test", allowClientClassCreation=True, enforcePrivateUsers=False,
                        mountPlayground=True, graphQLPublicIntrospection=True,
                        databaseOptions={"allowPublicExplain": True}, readOnlyMasterKey="ro",
                        readOnlyMasterKeyIps=["0.0.0.0/0"], requestComplexity={"includeDepth": -1},
                        passwordPolicy={"resetPasswordSuccessOnInvalidEmail": False},
                        emailVerifySuccessOnInvalidEmail=False,
                        liveQuery={"classNames": ["Job"], "regexTimeout": 0},
                        databaseURI="postgres://u:pw@localhost/db",
                        security={"enableCheck": True, "enableCheckLog": True})
    failed = [t for t, s in _states(security_report(loose)).items() if s == "fail"]
    assert failed == [t for t in _states(security_report(loose)) if t != "Insecure auth adapters disabled"]
    tight = make_config(masterKey="Very-Strong-Key-123", allowClientClassCreation=False, enforcePrivateUsers=True,
                        mountPlayground=False, graphQLPublicIntrospection=False,
                        databaseOptions={"allowPublicExplain": False}, readOnlyMasterKey="ro",
                        readOnlyMasterKeyIps=["127.0.0.1"],
                        requestComplexity={"includeDepth": 5, "queryDepth": 10},
                        databaseURI="postgres://u:Db-Password-9876!@localhost/db")
    report = security_report(tight)
    assert report["report"]["state"] == "success", _states(report)


@pytest.mark.parametrize(("secret", "strong"), [("short1A!", False), ("alllowercaseletters", False),
                                                ("lowercase-and-digits-123", True), ("UPPERlower12345", True),
                                                (None, False)])
def test_strong_secret(secret, strong) -> None:
    assert strong_secret(secret) is strong


def test_the_log_at_start(caplog) -> None:
    from parse_clone.security_check import log_security_report

    with caplog.at_level(logging.INFO, logger="parse_clone"):
        log_security_report(make_config(security={"enableCheck": True}))
        assert caplog.records == []
        log_security_report(make_config(security={"enableCheck": True, "enableCheckLog": True}))
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert "weak security setting(s) found!" in record.getMessage()
    assert "FAIL Secure master key" in record.getMessage()
