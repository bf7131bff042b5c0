"""Save, delete and find triggers through the REST API: changes, refusals, ordering, context, loops."""

from __future__ import annotations

import asyncio
import logging

import pytest

from parse_clone.cloud import ParseError, Query
from tests.support.users import sign_up


@pytest.fixture
def config_overrides():
    return {"cloudCodeTimeout": 300}


@pytest.fixture
def cloud(api):
    return api.server.cloud


async def stored(api, class_name, object_id):
    status, body = await api.get(f"/classes/{class_name}/{object_id}", master=True)
    return body if status == 200 else None


# ----- before_save -----

async def test_before_save_changes_are_stored_and_echoed_on_create(api, cloud):
    @cloud.before_save("Job")
    def defaults(req):
        req.object["status"] = "open"
        req.object["title"] = req.object["title"].strip()

    status, body = await api.post("/classes/Job", {"title": "  fix sink "})
    assert status == 201
    assert body["status"] == "open" and body["title"] == "fix sink"
    assert set(body) == {"objectId", "createdAt", "status", "title"}
    saved = await stored(api, "Job", body["objectId"])
    assert saved["status"] == "open" and saved["title"] == "fix sink"


async def test_fields_the_hook_leaves_alone_are_not_echoed(api, cloud):
    cloud.before_save("Job", lambda req: None)
    status, body = await api.post("/classes/Job", {"title": "t", "n": 1})
    assert set(body) == {"objectId", "createdAt"}


async def test_before_save_on_update_sees_the_original_and_the_client_changes(api, cloud):
    _, created = await api.post("/classes/Job", {"title": "a", "visits": 1})
    seen = {}

    @cloud.before_save("Job")
    def compare(req):
        seen.update(before=req.original["title"], after=req.object["title"], dirty=req.object.dirty_keys(),
                    visits=req.object["visits"], new=req.object.is_new)
        req.object["changedBy"] = "hook"

    status, body = await api.put(f"/classes/Job/{created['objectId']}", {"title": "b"})
    assert status == 200 and body["changedBy"] == "hook" and "updatedAt" in body
    assert seen == {"before": "a", "after": "b", "dirty": ["title"], "visits": 1, "new": False}
    assert (await stored(api, "Job", created["objectId"]))["changedBy"] == "hook"


async def test_client_operations_reach_the_hook_applied_and_are_written_as_operations(api, cloud):
    _, created = await api.post("/classes/Job", {"visits": 1})
    seen = []
    cloud.before_save("Job", lambda req: seen.append(req.object["visits"]))
    status, body = await api.put(f"/classes/Job/{created['objectId']}", {"visits": {"__op": "Increment", "amount": 2}})
    assert seen == [3]
    assert body["visits"] == 3


async def test_a_hook_that_reverts_a_change_echoes_the_stored_value(api, cloud):
    _, created = await api.post("/classes/Job", {"status": "open", "title": "t"})
    cloud.before_save("Job", lambda req: req.object.revert("status"))
    status, body = await api.put(f"/classes/Job/{created['objectId']}", {"status": "done", "title": "u"})
    assert status == 200 and body["status"] == "open"
    saved = await stored(api, "Job", created["objectId"])
    assert saved["status"] == "open" and saved["title"] == "u"


async def test_a_hook_unsetting_a_field_echoes_a_delete(api, cloud):
    cloud.before_save("Job", lambda req: req.object.unset("secret"))
    _, body = await api.post("/classes/Job", {"title": "t", "secret": "x"})
    assert body["secret"] == {"__op": "Delete"}
    assert "secret" not in await stored(api, "Job", body["objectId"])


async def test_before_save_may_reject_with_its_own_code(api, cloud):
    def refuse(req):
        raise ParseError(ParseError.VALIDATION_ERROR, "A job needs an address")

    cloud.before_save("Job", refuse)
    assert await api.post("/classes/Job", {"title": "t"}) == (400, {"code": 142, "error": "A job needs an address"})
    assert (await api.get("/classes/Job", master=True))[1]["results"] == []


async def test_any_other_exception_rejects_with_141(api, cloud, caplog):
    def broken(req):
        return 1 / 0

    cloud.before_save("Job", broken)
    with caplog.at_level(logging.ERROR, logger="parse_clone.cloud"):
        assert await api.post("/classes/Job", {"title": "t"}) == (400, {"code": 141, "error": "division by zero"})
    assert "beforeSave Job failed" in caplog.text and "ZeroDivisionError" in caplog.text


async def test_a_rejected_update_leaves_the_object_unchanged(api, cloud):
    _, created = await api.post("/classes/Job", {"title": "a"})

    def refuse(req):
        raise ValueError("no")

    cloud.before_save("Job", refuse)
    assert (await api.put(f"/classes/Job/{created['objectId']}", {"title": "b"}))[0] == 400
    assert (await stored(api, "Job", created["objectId"]))["title"] == "a"


async def test_a_hanging_before_save_times_out_and_nothing_is_written(api, cloud):
    async def hang(req):
        await asyncio.sleep(5)

    cloud.before_save("Job", hang)
    assert await api.post("/classes/Job", {"title": "t"}) == (400, {"code": 141, "error": "beforeSave Job timed out"})
    assert (await api.get("/classes/Job", master=True))[1]["results"] == []


async def test_before_save_returning_something_is_a_clear_error(api, cloud):
    cloud.before_save("Job", lambda req: {"title": "x"})
    status, body = await api.post("/classes/Job", {"title": "t"})
    assert (status, body["code"]) == (400, 141)
    assert body["error"] == "beforeSave Job returned a dict; expected None (change req.object instead)"


async def test_an_invalid_field_set_by_a_hook_is_refused(api, cloud):
    cloud.before_save("Job", lambda req: req.object.set("bad-name", 1))
    assert await api.post("/classes/Job", {"title": "t"}) == (400, {"code": 105, "error": "Invalid field name: bad-name."})


async def test_before_save_does_not_run_when_the_caller_cannot_write(api, cloud):
    _, created = await api.post("/classes/Job", {"title": "t", "ACL": {"*": {"read": True}}})
    calls = []
    cloud.before_save("Job", lambda req: calls.append(1))
    assert await api.put(f"/classes/Job/{created['objectId']}", {"title": "u"}) == (
        404, {"code": 101, "error": "Object not found."})
    assert calls == []


async def test_before_save_runs_for_users_signing_up(api, cloud):
    @cloud.before_save("_User")
    def nickname(req):
        req.object["nickname"] = req.object["username"].upper()

    user = await sign_up(api, "ann")
    assert user["nickname"] == "ANN" and "sessionToken" in user


async def test_validator_default_is_stored_and_echoed(api, cloud):
    cloud.before_save("Job", lambda req: None, fields={"status": {"default": "open"}})
    _, body = await api.post("/classes/Job", {"title": "t"})
    assert body["status"] == "open"
    assert (await stored(api, "Job", body["objectId"]))["status"] == "open"


async def test_validator_constant_ignores_the_clients_change_on_update(api, cloud):
    cloud.before_save("Job", lambda req: None, fields={"kind": {"constant": True}})
    _, created = await api.post("/classes/Job", {"kind": "home"})
    _, body = await api.put(f"/classes/Job/{created['objectId']}", {"kind": "clinic"})
    assert body["kind"] == "home"
    assert (await stored(api, "Job", created["objectId"]))["kind"] == "home"


async def test_validator_failure_on_a_save_is_142_naming_the_field(api, cloud):
    cloud.before_save("Job", lambda req: None, fields={"title": {"type": str, "required": True}})
    assert await api.post("/classes/Job", {"title": 3}) == (
        400, {"code": 142, "error": "Validation failed. Invalid type for title. Expected: string"})


async def test_skip_with_master_key(api, cloud):
    calls = []
    cloud.before_save("Job", lambda req: calls.append(req.master), skip_with_master_key=True)
    await api.post("/classes/Job", {"title": "t"}, master=True)
    await api.post("/classes/Job", {"title": "t"})
    assert calls == [False]


# ----- after_save -----

async def test_after_save_sees_the_stored_object_and_runs_after_before_save(api, cloud):
    order = []
    cloud.before_save("Job", lambda req: order.append(("before", req.object.id)))

    @cloud.after_save("Job")
    async def after(req):
        found = await req.db.master.query("Job").count()
        order.append(("after", req.object.id, req.object["title"], found))

    _, body = await api.post("/classes/Job", {"title": "t"})
    assert order == [("before", None), ("after", body["objectId"], "t", 1)]


async def test_after_save_failure_does_not_undo_the_write(api, cloud, caplog):
    def broken(req):
        raise RuntimeError("mailer down")

    cloud.after_save("Job", broken)
    status, body = await api.post("/classes/Job", {"title": "t"})
    assert status == 201
    assert await stored(api, "Job", body["objectId"])
    assert "mailer down" in caplog.text


async def test_after_save_returning_a_dict_replaces_the_response(api, cloud):
    cloud.after_save("Job", lambda req: {"custom": True})
    assert await api.post("/classes/Job", {"title": "t"}) == (201, {"custom": True})


async def test_after_save_on_update_has_the_original(api, cloud):
    _, created = await api.post("/classes/Job", {"title": "a"})
    seen = []
    cloud.after_save("Job", lambda req: seen.append((req.original["title"], req.object["title"])))
    await api.put(f"/classes/Job/{created['objectId']}", {"title": "b"})
    assert seen == [("a", "b")]


async def test_a_hook_saving_its_own_class_does_not_trigger_itself_again(api, cloud):
    calls = []

    @cloud.after_save("Job")
    async def count_visits(req):
        calls.append(req.object.id)
        req.object.increment("saves")
        await req.object.save(use_master_key=True)

    _, body = await api.post("/classes/Job", {"title": "t"})
    assert calls == [body["objectId"]]
    assert (await stored(api, "Job", body["objectId"]))["saves"] == 1


async def test_a_hook_writing_another_class_runs_that_class_hooks(api, cloud):
    @cloud.after_save("Job")
    async def log_it(req):
        await req.db.object("Log", job=req.object).save()

    cloud.before_save("Log", lambda req: req.object.set("seen", True))
    await api.post("/classes/Job", {"title": "t"})
    _, logs = await api.get("/classes/Log", master=True)
    assert [entry["seen"] for entry in logs["results"]] == [True]


# ----- context -----

async def test_context_reaches_before_and_after_hooks_and_before_edits_reach_after(api, cloud):
    seen = []

    def before(req):
        seen.append(dict(req.context))
        req.context["fromBefore"] = 1

    cloud.before_save("Job", before)
    cloud.after_save("Job", lambda req: seen.append(dict(req.context)))
    headers = {**api.headers(), "X-Parse-Cloud-Context": '{"reason": "import"}'}
    await api.post("/classes/Job", {"title": "t"}, headers=headers)
    assert seen == [{"reason": "import"}, {"reason": "import", "fromBefore": 1}]


async def test_a_bad_context_header_is_107(api):
    headers = {**api.headers(), "X-Parse-Cloud-Context": "[1]"}
    assert await api.post("/classes/Job", {"title": "t"}, headers=headers) == (
        400, {"code": 107, "error": "Invalid object for context."})


# ----- deletes -----

async def test_before_delete_may_refuse(api, cloud):
    _, created = await api.post("/classes/Job", {"title": "t", "locked": True})

    def keep_locked(req):
        if req.object["locked"]:
            raise ParseError(ParseError.OPERATION_FORBIDDEN, "locked")

    cloud.before_delete("Job", keep_locked)
    assert await api.delete(f"/classes/Job/{created['objectId']}") == (400, {"code": 119, "error": "locked"})
    assert await stored(api, "Job", created["objectId"])


async def test_after_delete_runs_after_the_delete_and_its_error_reaches_the_client(api, cloud):
    _, created = await api.post("/classes/Job", {"title": "t"})
    seen = []

    @cloud.after_delete("Job")
    async def after(req):
        seen.append((req.object["title"], await req.db.master.query("Job").count()))
        raise ParseError(ParseError.SCRIPT_FAILED, "cleanup failed")

    assert await api.delete(f"/classes/Job/{created['objectId']}") == (400, {"code": 141, "error": "cleanup failed"})
    assert seen == [("t", 0)]
    assert await stored(api, "Job", created["objectId"]) is None


async def test_delete_hooks_do_not_run_for_a_missing_object(api, cloud):
    await api.post("/classes/Job", {"title": "t"})
    calls = []
    cloud.before_delete("Job", lambda req: calls.append(1))
    assert await api.delete("/classes/Job/nope123456") == (404, {"code": 101, "error": "Object not found."})
    assert calls == []


# ----- finds -----

async def test_before_find_can_add_constraints(api, cloud):
    for title, status in (("a", "open"), ("b", "done")):
        await api.post("/classes/Job", {"title": title, "status": status})
    cloud.before_find("Job", lambda req: req.query.equal_to("status", "open"))
    _, body = await api.get("/classes/Job")
    assert [r["title"] for r in body["results"]] == ["a"]


async def test_before_find_can_return_a_new_query_with_limit_and_order(api, cloud):
    for title in ("a", "b", "c"):
        await api.post("/classes/Job", {"title": title})

    def newest_two(req):
        return Query("Job").descending("title").limit(2)

    cloud.before_find("Job", newest_two)
    _, body = await api.get("/classes/Job", params={"where": {"title": "a"}})
    assert [r["title"] for r in body["results"]] == ["c", "b"]


async def test_before_find_knows_gets_and_counts(api, cloud):
    _, created = await api.post("/classes/Job", {"title": "a"})
    seen = []
    cloud.before_find("Job", lambda req: seen.append((req.is_get, req.count)))
    await api.get(f"/classes/Job/{created['objectId']}")
    await api.get("/classes/Job", params={"count": 1, "limit": 0})
    assert seen == [(True, False), (False, True)]


async def test_before_find_returning_a_wrong_type_is_141(api, cloud):
    cloud.before_find("Job", lambda req: "everything")
    await api.post("/classes/Job", {"title": "a"})
    status, body = await api.get("/classes/Job")
    assert (status, body["code"]) == (400, 141)
    assert body["error"] == "beforeFind Job returned a str; expected a Query or None"


async def test_after_find_can_rewrite_results(api, cloud):
    await api.post("/classes/Job", {"title": "a", "secret": "s"})
    await api.post("/classes/Job", {"title": "b", "secret": "s"})

    def redact(req):
        for obj in req.objects:
            obj.unset("secret")
        return [o for o in req.objects if o["title"] != "b"]

    cloud.after_find("Job", redact)
    _, body = await api.get("/classes/Job")
    assert [(r["title"], "secret" in r) for r in body["results"]] == [("a", False)]


async def test_after_find_applies_to_gets(api, cloud):
    _, created = await api.post("/classes/Job", {"title": "a"})
    cloud.after_find("Job", lambda req: [o.set("decorated", True) for o in req.objects])
    _, body = await api.get(f"/classes/Job/{created['objectId']}")
    assert body["decorated"] is True


async def test_after_find_returning_a_wrong_type_is_141(api, cloud):
    await api.post("/classes/Job", {"title": "a"})
    cloud.after_find("Job", lambda req: 42)
    status, body = await api.get("/classes/Job")
    assert (status, body["code"], body["error"]) == (400, 141, "afterFind Job returned a int; expected a list of "
                                                                 "objects or None")


async def test_find_hooks_see_the_callers_user(api, cloud):
    user = await sign_up(api, "ann")
    seen = []
    cloud.before_find("Job", lambda req: seen.append(req.user.get("username") if req.user else None))
    await api.get("/classes/Job", session=user["sessionToken"])
    await api.get("/classes/Job")
    assert seen == ["ann", None]


async def test_a_find_inside_before_find_does_not_loop(api, cloud):
    await api.post("/classes/Job", {"title": "a"})

    @cloud.before_find("Job")
    async def peek(req):
        total = await req.db.query("Job").count()
        req.query.limit(total)

    _, body = await api.get("/classes/Job")
    assert len(body["results"]) == 1


# ----- through /batch -----

async def test_batch_sub_requests_run_the_hooks(api, cloud):
    cloud.before_save("Job", lambda req: req.object.set("status", "open"))
    _, body = await api.post("/batch", {"requests": [{"method": "POST", "path": "/1/classes/Job", "body": {"t": 1}}]})
    assert body[0]["success"]["status"] == "open"


async def test_a_hook_that_reverts_a_change_on_create_echoes_a_delete(api, cloud):
    cloud.before_save("Job", lambda req: req.object.revert("status"))
    _, body = await api.post("/classes/Job", {"status": "x", "title": "t"})
    assert body["status"] == {"__op": "Delete"}
    assert "status" not in await stored(api, "Job", body["objectId"])


async def test_a_reverted_field_without_a_stored_value_is_not_echoed_on_update(api, cloud):
    _, created = await api.post("/classes/Job", {"title": "t"})
    cloud.before_save("Job", lambda req: req.object.revert("status"))
    assert set((await api.put(f"/classes/Job/{created['objectId']}", {"status": "x"}))[1]) == {"updatedAt"}


async def test_a_before_save_hook_cannot_set_a_users_password(api, cloud):
    cloud.before_save("_User", lambda req: req.object.set("password", "plain"))
    status, body = await api.post("/users", {"username": "ann", "password": "pass"})
    assert (status, body) == (400, {"code": 141, "error": "beforeSave _User cannot set the password"})
