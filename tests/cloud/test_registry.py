"""The registry: decorators, Parse's class rules for triggers, validators at registration, merging."""

from __future__ import annotations

import pytest

from parse_clone.cloud import Cloud, CloudRegistrationError, Field, Validator
from parse_clone.cloud.registry import FILE_CLASS


def test_before_save_registers_the_handler_and_returns_it_unchanged():
    cloud = Cloud()

    @cloud.before_save("Job")
    async def handler(req):
        return None

    hook = cloud.trigger("before_save", "Job")
    assert hook is not None and hook.handler is handler
    assert hook.label == "beforeSave Job"
    assert hook.source.endswith("test_registry.py:" + str(handler.__code__.co_firstlineno))


def test_every_object_trigger_has_a_decorator():
    cloud = Cloud()
    for kind in ("before_save", "after_save", "before_delete", "after_delete", "before_find", "after_find"):
        getattr(cloud, kind)("Job")(lambda req: None)
        assert cloud.has(kind, "Job")
    assert not cloud.has("before_save", "Other")


def test_a_handler_may_be_passed_directly_as_in_parse():
    cloud = Cloud()

    def handler(req):
        return None

    assert cloud.after_delete("Job", handler) is handler
    assert cloud.trigger("after_delete", "Job").handler is handler


def test_login_and_logout_triggers_need_no_class_name():
    cloud = Cloud()

    @cloud.before_login
    def before(req):
        return None

    @cloud.after_login()
    def after(req):
        return None

    @cloud.after_logout
    def logout(req):
        return None

    assert cloud.trigger("before_login", "_User").handler is before
    assert cloud.trigger("after_login", "_User").handler is after
    assert cloud.trigger("after_logout", "_Session").handler is logout


def test_file_triggers_live_under_the_file_pseudo_class():
    cloud = Cloud()
    cloud.before_save_file(lambda req: None)
    assert cloud.has("before_save_file", FILE_CLASS)


@pytest.mark.parametrize("kind, class_name, message", [
    ("before_save", "_Session", "Only the afterLogout trigger is allowed for the _Session class."),
    ("after_find", "_Session", "Only the afterLogout trigger is allowed for the _Session class."),
    ("before_save", "_PushStatus", "Only afterSave is allowed on _PushStatus"),
])
def test_parse_class_rules_are_enforced_at_registration(kind, class_name, message):
    with pytest.raises(CloudRegistrationError, match=message):
        getattr(Cloud(), kind)(class_name)(lambda req: None)


def test_after_save_is_allowed_on_push_status():
    cloud = Cloud()
    cloud.after_save("_PushStatus")(lambda req: None)
    assert cloud.has("after_save", "_PushStatus")


def test_a_trigger_needs_a_class_name():
    with pytest.raises(CloudRegistrationError, match="needs a class name"):
        Cloud().before_save("")(lambda req: None)


def test_define_uses_the_function_name_by_default():
    cloud = Cloud()

    @cloud.define
    async def hello(req):
        return "hi"

    @cloud.define()
    def plain(req):
        return 1

    @cloud.define("renamed")
    def whatever(req):
        return 2

    assert cloud.function("hello").handler is hello
    assert cloud.function("plain").handler is plain
    assert cloud.function("renamed").handler is whatever
    assert cloud.function_names() == ["hello", "plain", "renamed"]


def test_define_takes_validator_options_as_keywords():
    cloud = Cloud()

    @cloud.define("f", require_user=True, fields={"n": Field(type=int)})
    def f(req):
        return None

    validator = cloud.function("f").validator
    assert isinstance(validator, Validator)
    assert validator.require_user is True
    assert validator.fields == {"n": Field(type=int)}


def test_validator_fields_may_be_plain_dicts_or_types():
    cloud = Cloud()
    cloud.before_save("Job", fields={"a": {"required": True}, "b": str})(lambda req: None)
    fields = cloud.trigger("before_save", "Job").validator.fields
    assert fields == {"a": Field(required=True), "b": Field(type=str)}


def test_an_unknown_validator_option_fails_at_registration_naming_it():
    with pytest.raises(CloudRegistrationError, match="unknown validator option.*require_usr"):
        Cloud().define("f", require_usr=True)


def test_a_validator_function_is_kept_as_is():
    def check(req):
        return None

    cloud = Cloud()
    cloud.define("f", validator=check)(lambda req: None)
    assert cloud.function("f").validator is check


def test_validator_and_options_together_are_refused():
    with pytest.raises(CloudRegistrationError, match="either validator= or validator options"):
        Cloud().define("f", validator=lambda req: None, require_user=True)


def test_a_bad_rate_limit_zone_is_refused():
    with pytest.raises(CloudRegistrationError, match="zone"):
        Cloud().define("f", rate_limit={"requests": 1, "window": 1, "zone": "planet"})


def test_jobs_register_by_name():
    cloud = Cloud()

    @cloud.job
    async def nightly(req):
        return "done"

    cloud.job("other", lambda req: None)
    assert cloud.get_job("nightly").handler is nightly
    assert cloud.job_names() == ["nightly", "other"]


def test_registering_twice_keeps_the_last_and_warns(caplog):
    cloud = Cloud()
    cloud.define("f", lambda req: 1)

    def second(req):
        return 2

    cloud.define("f", second)
    assert cloud.function("f").handler is second
    assert "defined twice" in caplog.text


def test_include_merges_another_registry():
    main, part = Cloud(), Cloud()
    part.define("f", lambda req: 1)
    part.before_save("Job", lambda req: None)
    part.job("j", lambda req: None)
    main.include(part)
    assert main.function("f") and main.has("before_save", "Job") and main.get_job("j")


def test_two_registries_are_independent():
    first, second = Cloud(), Cloud()
    first.define("only_first", lambda req: 1)
    assert second.function("only_first") is None
    assert second.is_empty() and not first.is_empty()


def test_a_webhook_takes_precedence_and_removing_it_restores_the_python_hook():
    cloud = Cloud()

    def local(req):
        return "local"

    def remote(req):
        return "remote"

    cloud.define("f", local)
    cloud.set_webhook_function("f", remote, "http://example/f")
    assert cloud.function("f").handler is remote and cloud.function("f").webhook
    cloud.remove_webhook_function("f")
    assert cloud.function("f").handler is local


def test_webhook_triggers_obey_the_class_rules():
    with pytest.raises(CloudRegistrationError):
        Cloud().set_webhook_trigger("before_save", "_Session", lambda req: None, "http://x")


def test_live_query_hooks_register_where_the_live_query_server_looks():
    cloud = Cloud()

    def connect(req):
        return None

    cloud.before_connect(connect)
    cloud.before_subscribe("Job")(lambda req: None)
    cloud.after_live_query_event("Job", lambda req: None)
    assert cloud.trigger("before_connect", "@Connect").handler is connect
    assert cloud.has("before_subscribe", "Job") and cloud.has("after_live_query_event", "Job")


def test_the_live_query_server_finds_hooks_registered_on_the_cloud():
    from types import SimpleNamespace

    from parse_clone.livequery.hooks import find_hook

    cloud = Cloud()

    def subscribe(req):
        return None

    cloud.before_subscribe("Job", subscribe)
    server = SimpleNamespace(cloud=cloud, extras={})
    assert find_hook(server, "before_subscribe", "Job") is subscribe
    assert find_hook(server, "before_subscribe", "Other") is None
