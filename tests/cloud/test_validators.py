"""Validators: each of Parse's options in Python form, with Parse's messages (142) and rate limits (429/100)."""

from __future__ import annotations

import pytest

from parse_clone.cloud import (
    CloudObject,
    Database,
    Field,
    FunctionRequest,
    ParseError,
    RateLimit,
    TriggerRequest,
    Validator,
)
from parse_clone.cloud.validators import RateLimiter, check_rate_limit, run_validator

DB = Database(source=None)  # type: ignore[arg-type]  # validators never touch data
USER = CloudObject("_User", {"objectId": "u1", "username": "ann", "phone": "555"})


def call(**kw):
    return FunctionRequest(db=DB, function_name="f", **kw)


def save(obj, original=None, **kw):
    return TriggerRequest(db=DB, trigger_name="beforeSave", object=obj, original=original, **kw)


async def fails(validator, req, message):
    with pytest.raises(ParseError) as info:
        await run_validator(validator, req)
    assert info.value.code == ParseError.VALIDATION_ERROR
    assert info.value.message == message


async def test_require_user():
    await fails(Validator(require_user=True), call(), "Validation failed. Please login to continue.")
    await run_validator(Validator(require_user=True), call(user=USER))


async def test_a_signing_up_user_counts_as_logged_in():
    await run_validator(Validator(require_user=True), save(CloudObject("_User", {}, changes={"username": "x"})))


async def test_require_master():
    await fails(Validator(require_master=True), call(user=USER),
                "Validation failed. Master key is required to complete this request.")
    await run_validator(Validator(require_master=True), call(master=True))


async def test_master_skips_validation_unless_validate_master_key():
    await run_validator(Validator(fields=["x"]), call(master=True))
    await fails(Validator(fields=["x"], validate_master_key=True), call(master=True),
                "Validation failed. Please specify data for x.")


async def test_required_field_list_reads_params():
    await fails(Validator(fields=["name"]), call(params={"name": None}), "Validation failed. Please specify data for name.")
    await run_validator(Validator(fields=["name"]), call(params={"name": "x"}))


async def test_required_field_reads_the_object_with_changes():
    obj = CloudObject("Job", {"objectId": "j", "title": "t"}, changes={"title": {"__op": "Delete"}})
    await fails(Validator(fields={"title": Field(required=True)}), save(obj),
                "Validation failed. Please specify data for title.")


async def test_custom_error_message():
    await fails(Validator(fields={"title": Field(required=True, error="A job needs a title")}), call(),
                "A job needs a title")


@pytest.mark.parametrize("expected, value, name", [
    (str, 1, "string"), (int, "1", "number"), (float, True, "number"), (bool, 0, "boolean"),
    (list, {}, "array"), (dict, [], "object"),
])
async def test_type_mismatch_names_the_field_and_parse_type(expected, value, name):
    await fails(Validator(fields={"x": Field(type=expected)}), call(params={"x": value}),
                f"Validation failed. Invalid type for x. Expected: {name}")


async def test_numbers_accept_int_and_float():
    await run_validator(Validator(fields={"x": Field(type=int)}), call(params={"x": 1.5}))


async def test_an_optional_missing_field_is_not_type_checked():
    await run_validator(Validator(fields={"x": Field(type=str)}), call(params={}))


async def test_options_list():
    validator = Validator(fields={"s": Field(options=["open", "done"])})
    await fails(validator, call(params={"s": "lost"}), "Validation failed. Invalid option for s. Expected: open, done")
    await run_validator(validator, call(params={"s": "done"}))


async def test_options_predicate_sync_and_async():
    async def positive(v):
        return v > 0

    await fails(Validator(fields={"n": Field(options=lambda v: v > 0)}), call(params={"n": -1}),
                "Validation failed. Invalid value for n.")
    await fails(Validator(fields={"n": Field(options=positive)}), call(params={"n": -1}),
                "Validation failed. Invalid value for n.")
    await run_validator(Validator(fields={"n": Field(options=positive)}), call(params={"n": 2}))


async def test_default_fills_params_and_objects():
    req = call(params={})
    await run_validator(Validator(fields={"n": Field(default=5)}), req)
    assert req.params == {"n": 5}
    obj = CloudObject("Job", {})
    await run_validator(Validator(fields={"status": Field(default="open")}), save(obj))
    assert obj.changes() == {"status": "open"}


async def test_constant_reverts_on_update_and_forces_the_default_on_create():
    stored = {"objectId": "j", "createdAt": "2024-01-01T00:00:00.000Z", "kind": "a"}
    obj = CloudObject("Job", stored, changes={"kind": "b"})
    await run_validator(Validator(fields={"kind": Field(constant=True)}), save(obj, CloudObject("Job", stored)))
    assert obj.changes() == {} and obj["kind"] == "a"
    new = CloudObject("Job", {}, changes={"kind": "b"})
    await run_validator(Validator(fields={"kind": Field(constant=True, default="a")}), save(new))
    assert new.changes() == {"kind": "a"}


async def test_require_user_keys():
    await fails(Validator(require_user_keys=["email"]), call(user=USER),
                "Validation failed. Please set data for email on your account.")
    await run_validator(Validator(require_user_keys=["phone"]), call(user=USER))
    await fails(Validator(require_user_keys=["phone"]), call(), "Please login to make this request.")
    await fails(Validator(require_user_keys={"username": Field(options=["bob"])}), call(user=USER),
                "Validation failed. Invalid option for username. Expected: bob")


async def test_require_any_and_all_roles():
    req = call(user=USER, roles=["Nurse"])
    await run_validator(Validator(require_any_user_roles=["Admin", "Nurse"]), req)
    await fails(Validator(require_any_user_roles=["Admin"]), req,
                "Validation failed. User does not match the required roles.")
    await fails(Validator(require_all_user_roles=["Admin", "Nurse"]), req,
                "Validation failed. User does not match all the required roles.")
    await fails(Validator(require_any_user_roles=["Nurse"]), call(), "Validation failed. Please login to continue.")


async def test_roles_may_come_from_a_function():
    async def roles():
        return ["Nurse"]

    await run_validator(Validator(require_all_user_roles=roles), call(user=USER, roles=["Nurse"]))


async def test_a_validator_function_failure_is_142_unless_a_parse_error():
    def check(req):
        raise ValueError("too late in the day")

    await fails(check, call(), "too late in the day")

    def own(req):
        raise ParseError(101, "gone")

    with pytest.raises(ParseError) as info:
        await run_validator(own, call())
    assert info.value.code == 101


def test_rate_limit_counts_per_zone_and_window():
    now = [0.0]
    limiter = RateLimiter(clock=lambda: now[0])
    limit = RateLimit(requests=2, window=10)
    for _ in range(2):
        check_rate_limit(limiter, "f", limit, call(ip="1.1.1.1"))
    with pytest.raises(ParseError) as info:
        check_rate_limit(limiter, "f", limit, call(ip="1.1.1.1"))
    assert (info.value.code, info.value.message, info.value.http_status) == (100, "Too many requests.", 429)
    check_rate_limit(limiter, "f", limit, call(ip="2.2.2.2"))  # another ip, another count
    now[0] = 11.0
    check_rate_limit(limiter, "f", limit, call(ip="1.1.1.1"))  # a new window


def test_rate_limit_skips_master_unless_included():
    limiter = RateLimiter()
    limit = RateLimit(requests=0, window=10, message="slow down")
    check_rate_limit(limiter, "f", limit, call(master=True))
    with pytest.raises(ParseError, match="slow down"):
        check_rate_limit(limiter, "f", RateLimit(requests=0, window=10, message="slow down",
                                                 include_master_key=True), call(master=True))


def test_rate_limit_by_user():
    limiter = RateLimiter()
    limit = RateLimit(requests=1, window=10, zone="user")
    check_rate_limit(limiter, "f", limit, call(user=USER, ip="1"))
    with pytest.raises(ParseError):
        check_rate_limit(limiter, "f", limit, call(user=USER, ip="2"))
