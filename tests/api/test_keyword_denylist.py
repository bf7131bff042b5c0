"""requestKeywordDenylist: a configured list replaces Parse Server's default; key/value are patterns."""

from __future__ import annotations

import pytest

from parse_clone.language.denylist import compile_denylist
from parse_clone.option_spec import ConfigError

CUSTOM = [{"key": "^secret"}, {"value": "DROP TABLE"}, {"key": "level", "value": 9}]


def _refused(shown: str) -> tuple[int, dict]:
    return 400, {"code": 105, "error": f"Prohibited keyword in request data: {shown}."}


@pytest.mark.parametrize("config_overrides", [{"requestKeywordDenylist": CUSTOM}])
@pytest.mark.parametrize("body, shown", [
    ({"secretCode": 1}, '{"key":"^secret"}'),
    ({"a": {"b": [{"secret": True}]}}, '{"key":"^secret"}'),
    ({"note": "x; DROP TABLE users"}, '{"value":"DROP TABLE"}'),
    ({"level": 9}, '{"key":"level","value":9}'),
    ({"note": "DROP TABLE", "secret": 1}, '{"key":"^secret"}'),  # the first entry of the list wins
])
async def test_configured_entries_refuse_writes(api, body, shown):
    assert await api.post("/classes/Thing", body) == _refused(shown)


@pytest.mark.parametrize("config_overrides", [{"requestKeywordDenylist": CUSTOM}])
async def test_configured_list_replaces_the_default_and_applies_to_updates_and_config(api):
    status, created = await api.post("/classes/Thing", {"level": 8, "mySecret": 1, "constructor": 2})
    assert status == 201, created
    assert await api.put(f"/classes/Thing/{created['objectId']}", {"x.secretKey": 1}) == _refused('{"key":"^secret"}')
    assert await api.put("/config", {"params": {"q": "DROP TABLE"}}, master=True) == _refused('{"value":"DROP TABLE"}')


@pytest.mark.parametrize("config_overrides", [{"requestKeywordDenylist": []}])
async def test_an_empty_list_denies_nothing(api):
    status, _ = await api.post("/classes/Thing", {"constructor": 1})
    assert status == 201


@pytest.mark.parametrize("bad, message", [
    ({"key": "x"}, "must be an array"),
    (["x"], "each entry is an object"),
    ([{}], "each entry is an object"),
    ([{"key": "a", "other": 1}], "each entry is an object"),
    ([{"key": "("}], "is not a valid regular expression"),
    ([{"key": 5}], "must be a string"),
    ([{"key": "a", "value": None}], "may not be null"),
])
def test_malformed_option_is_a_config_error(bad, message):
    with pytest.raises(ConfigError, match=r"^option requestKeywordDenylist \(PARSE_SERVER_REQUEST_KEYWORD_DENYLIST\)") as e:
        compile_denylist(bad)
    assert message in str(e.value)
