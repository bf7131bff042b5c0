"""protectedFieldsTriggerExempt and protectedFieldsSaveResponseExempt, with Parse Server 9's defaults."""

from __future__ import annotations

from typing import Any

import pytest

from parse_clone.config import load_config
from tests.support.users import sign_up

PROTECTED = {"Note": {"*": ["secret"]}}
OPEN = {"*": {"read": True, "write": True}}


def _seen(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"secret": obj.get("secret"), "title": obj.get("title")}


async def _note(api) -> str:
    status, body = await api.post("/classes/Note", {"secret": "s", "title": "t", "ACL": OPEN}, master=True)
    assert status == 201, body
    return body["objectId"]


def _record_save_hooks(api) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def before(req):
        seen["before"], seen["before_original"] = _seen(req.object), _seen(req.original)

    def after(req):
        seen["after"], seen["after_original"] = _seen(req.object), _seen(req.original)

    api.server.cloud.before_save("Note", before)
    api.server.cloud.after_save("Note", after)
    return seen


async def _user_updates_a_note(api, change: dict[str, Any]) -> dict[str, Any]:
    """A user (no master key) updates a stored Note; what the save hooks saw."""
    object_id = await _note(api)
    seen = _record_save_hooks(api)
    token = (await sign_up(api, "ann"))["sessionToken"]
    status, body = await api.put(f"/classes/Note/{object_id}", change, session=token)
    assert status == 200, body
    return seen


@pytest.mark.parametrize("config_overrides", [{"protectedFields": PROTECTED}])
async def test_by_default_triggers_lack_the_requesters_protected_fields(api):
    seen = await _user_updates_a_note(api, {"title": "u"})
    assert seen == {"before": {"secret": None, "title": "u"}, "before_original": {"secret": None, "title": "t"},
                    "after": {"secret": None, "title": "u"}, "after_original": {"secret": None, "title": "t"}}


@pytest.mark.parametrize("config_overrides", [{"protectedFields": PROTECTED}])
async def test_a_protected_field_the_save_writes_reaches_the_triggers(api):
    seen = await _user_updates_a_note(api, {"secret": "new"})
    assert seen["before"]["secret"] == "new" and seen["after"]["secret"] == "new"
    assert seen["before_original"]["secret"] is None


@pytest.mark.parametrize("config_overrides", [{"protectedFields": PROTECTED}])
async def test_the_master_key_triggers_see_protected_fields(api):
    object_id = await _note(api)
    seen = _record_save_hooks(api)
    status, _ = await api.put(f"/classes/Note/{object_id}", {"title": "u"}, master=True)
    assert status == 200
    assert seen["before_original"] == {"secret": "s", "title": "t"} and seen["after"]["secret"] == "s"


@pytest.mark.parametrize("config_overrides", [{"protectedFields": PROTECTED}])
async def test_by_default_delete_triggers_lack_protected_fields(api):
    object_id = await _note(api)
    seen: dict[str, Any] = {}
    api.server.cloud.before_delete("Note", lambda req: seen.update(before=_seen(req.object)))
    api.server.cloud.after_delete("Note", lambda req: seen.update(after=_seen(req.object)))
    token = (await sign_up(api, "ann"))["sessionToken"]
    status, _ = await api.delete(f"/classes/Note/{object_id}", session=token)
    assert status == 200
    assert seen == {"before": {"secret": None, "title": "t"}, "after": {"secret": None, "title": "t"}}


@pytest.mark.parametrize("config_overrides", [{"protectedFields": PROTECTED, "protectedFieldsTriggerExempt": True}])
async def test_trigger_exempt_shows_triggers_the_whole_object(api):
    seen = await _user_updates_a_note(api, {"title": "u"})
    assert seen == {"before": {"secret": "s", "title": "u"}, "before_original": {"secret": "s", "title": "t"},
                    "after": {"secret": "s", "title": "u"}, "after_original": {"secret": "s", "title": "t"}}


@pytest.mark.parametrize("config_overrides", [{"protectedFields": PROTECTED, "protectedFieldsTriggerExempt": True}])
async def test_trigger_exempt_still_hides_protected_fields_from_queries(api):
    object_id = await _note(api)
    token = (await sign_up(api, "ann"))["sessionToken"]
    status, body = await api.get(f"/classes/Note/{object_id}", session=token)
    assert status == 200 and "secret" not in body and body["title"] == "t"


def _hook_sets_secret(api) -> None:
    def before(req):
        req.object["secret"] = "from-hook"
    api.server.cloud.before_save("Note", before)


@pytest.mark.parametrize("config_overrides", [{"protectedFields": PROTECTED}])
async def test_by_default_a_save_answer_shows_a_protected_field_the_hook_set(api):
    object_id = await _note(api)
    _hook_sets_secret(api)
    token = (await sign_up(api, "ann"))["sessionToken"]
    status, body = await api.put(f"/classes/Note/{object_id}", {"title": "u"}, session=token)
    assert status == 200 and set(body) == {"updatedAt", "secret"} and body["secret"] == "from-hook"


@pytest.mark.parametrize("config_overrides", [{"protectedFields": PROTECTED,
                                               "protectedFieldsSaveResponseExempt": False}])
async def test_save_response_not_exempt_leaves_protected_fields_out_of_an_update_answer(api):
    object_id = await _note(api)
    _hook_sets_secret(api)
    token = (await sign_up(api, "ann"))["sessionToken"]
    status, body = await api.put(f"/classes/Note/{object_id}", {"title": "u"}, session=token)
    assert status == 200 and set(body) == {"updatedAt"}
    status, stored = await api.get(f"/classes/Note/{object_id}", master=True)
    assert stored["secret"] == "from-hook"


@pytest.mark.parametrize("config_overrides", [{"protectedFields": PROTECTED,
                                               "protectedFieldsSaveResponseExempt": False}])
async def test_save_response_not_exempt_leaves_protected_fields_out_of_a_create_answer(api):
    _hook_sets_secret(api)
    status, body = await api.post("/classes/Note", {"title": "t", "ACL": OPEN})
    assert status == 201 and set(body) == {"objectId", "createdAt"}


@pytest.mark.parametrize("config_overrides", [{"protectedFields": PROTECTED,
                                               "protectedFieldsSaveResponseExempt": False}])
async def test_save_response_not_exempt_keeps_protected_fields_for_the_master_key(api):
    _hook_sets_secret(api)
    status, body = await api.post("/classes/Note", {"title": "t"}, master=True)
    assert status == 201 and body["secret"] == "from-hook"


@pytest.mark.parametrize("config_overrides", [{"protectedFields": PROTECTED,
                                               "protectedFieldsSaveResponseExempt": False}])
async def test_save_response_not_exempt_hides_an_operation_result_on_a_protected_field(api):
    status, created = await api.post("/classes/Note", {"secret": 1, "ACL": OPEN}, master=True)
    status, body = await api.put(f"/classes/Note/{created['objectId']}",
                                 {"secret": {"__op": "Increment", "amount": 1}})
    assert status == 200 and set(body) == {"updatedAt"}


def test_env_variables_reach_both_options():
    config = load_config(environ={"PARSE_SERVER_PROTECTED_FIELDS_TRIGGER_EXEMPT": "true",
                                  "PARSE_SERVER_PROTECTED_FIELDS_SAVE_RESPONSE_EXEMPT": "false"}, warnings=[])
    assert config.protectedFieldsTriggerExempt is True and config.protectedFieldsSaveResponseExempt is False
