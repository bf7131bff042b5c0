"""The GraphQL API on the REST permission pipeline: keys, sessions, ACL, CLP, protectedFields,
pointer permissions, triggers and validators all apply, and come back as Parse-coded GraphQL errors."""

from __future__ import annotations

import pytest

from parse_clone.cloud import Field, ParseError
from tests.support.users import sign_up

pytestmark = pytest.mark.usefixtures("gql")


def only_error(payload: dict) -> tuple[int, str]:
    """(code, message) of the single error of a response."""
    [error] = payload["errors"]
    return error["extensions"]["code"], error["message"]


async def test_keys_are_checked_as_rest(gql):
    status, body = await gql.raw({"query": "{ health }"}, {"Content-Type": "application/json"})
    assert (status, body) == (403, {"error": "unauthorized"})
    status, body = await gql.raw({"query": "{ health }"}, {"X-Parse-Application-Id": "test",
                                                          "X-Parse-REST-API-Key": "wrong"})
    assert (status, body) == (403, {"error": "unauthorized"})
    status, body = await gql.raw({"query": "{ health }"}, gql.headers(session="r:bogus"))
    assert (status, body) == (400, {"code": 209, "error": "Invalid session token"})
    assert await gql.data("{ health }") == {"health": True}


async def test_get_request_and_mutation_over_get(gql):
    status, body = await gql.raw(None, gql.headers(), method="GET", params={"query": "{ health }"})
    assert (status, body) == (200, {"data": {"health": True}})
    status, body = await gql.raw(None, gql.headers(), method="GET", params={
        "query": "mutation { logOut(input: {}) { ok } }"})
    assert status == 405


async def test_parse_and_validation_errors(gql):
    status, body = await gql.raw({"query": "{ health"})
    assert status == 400
    assert body["errors"][0]["extensions"] == {"code": "GRAPHQL_PARSE_FAILED"}
    status, body = await gql.raw({})
    assert status == 400 and body["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}
    status, body = await gql.raw(b"{not json", {**gql.headers()})
    assert (status, body["errors"][0]["message"]) == (400, "POST body sent invalid JSON.")
    status, body = await gql.raw({"query": "query($n: Int!) { users(first: $n) { count } }", "variables": {"n": "x"}})
    assert status == 400 and body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}


async def test_acl_hides_objects_and_denies_writes(gql, api):
    owner = await sign_up(api, "owner")
    other = await sign_up(api, "other")
    status, obj = await api.post("/classes/Note", {"text": "secret", "ACL": {owner["objectId"]: {"read": True, "write": True}}},
                                 session=owner["sessionToken"])
    assert status == 201
    query = "query($id: ID!) { note(id: $id) { text } }"
    assert await gql.data(query, {"id": obj["objectId"]}, session=owner["sessionToken"]) == {"note": {"text": "secret"}}
    denied = await gql(query, {"id": obj["objectId"]}, session=other["sessionToken"])
    assert denied == {"errors": [{"message": "Object not found.", "locations": [{"line": 1, "column": 19}],
                                  "path": ["note"], "extensions": {"code": 101}}], "data": None}
    assert await gql.data("{ notes { count } }", session=other["sessionToken"]) == {"notes": {"count": 0}}
    update = await gql("mutation($id: ID!) { updateNote(input: {id: $id, fields: {text: \"x\"}}) { note { objectId } } }",
                       {"id": obj["objectId"]}, session=other["sessionToken"])
    assert only_error(update) == (101, "Object not found.")
    # ACL input: public read only
    out = await gql.data("""mutation { createNote(input: {fields: {text: "pub",
        ACL: {public: {read: true, write: false}, users: [{userId: "%s", read: true, write: true}]}}}) {
        note { objectId ACL { public { read write } users { userId read write } roles { roleName } } } } }"""
                         % owner["objectId"], session=owner["sessionToken"])
    acl = out["createNote"]["note"]["ACL"]
    from parse_clone.graphql.relay import to_global_id
    assert acl == {"public": {"read": True, "write": False},
                   "users": [{"userId": to_global_id("_User", owner["objectId"]), "read": True, "write": True}],
                   "roles": None}


async def test_clp_denies_create_and_find(gql, api):
    await api.post("/schemas/Locked", {"className": "Locked", "fields": {"n": {"type": "Number"}},
                                      "classLevelPermissions": {"find": {}, "get": {}, "create": {}, "update": {},
                                                                "delete": {}, "addField": {}, "count": {}}},
                   master=True)
    out = await gql("mutation { createLocked(input: {fields: {n: 1}}) { locked { objectId } } }")
    assert only_error(out) == (119, "Permission denied for action create on class Locked.")
    out = await gql("{ lockeds { count } }")
    assert only_error(out)[0] == 119
    assert await gql.data("{ lockeds { count } }", master=True) == {"lockeds": {"count": 0}}


async def test_protected_fields(gql, api):
    reader = await sign_up(api, "reader")
    await api.post("/schemas/Patient", {"className": "Patient", "fields": {
        "name": {"type": "String"}, "ssn": {"type": "String"}},
        "classLevelPermissions": {"find": {"*": True}, "get": {"*": True}, "count": {"*": True},
                                  "create": {"*": True}, "update": {"*": True}, "delete": {"*": True},
                                  "addField": {}, "protectedFields": {"*": ["ssn"]}}}, master=True)
    await api.post("/classes/Patient", {"name": "p", "ssn": "123"})
    q = "{ patients { edges { node { name ssn } } } }"
    assert await gql.data(q, session=reader["sessionToken"]) == {"patients": {"edges": [{"node": {"name": "p", "ssn": None}}]}}
    assert await gql.data(q, master=True) == {"patients": {"edges": [{"node": {"name": "p", "ssn": "123"}}]}}
    # a user's own record shows its email; another user's is not readable (enforcePrivateUsers)
    me = await gql.data("{ viewer { user { username email } } }", session=reader["sessionToken"])
    assert me == {"viewer": {"user": {"username": "reader", "email": None}}}


async def test_pointer_permissions(gql, api):
    owner = await sign_up(api, "o")
    stranger = await sign_up(api, "s")
    await api.post("/schemas/Doc", {"className": "Doc", "fields": {
        "owner": {"type": "Pointer", "targetClass": "_User"}, "title": {"type": "String"}},
        "classLevelPermissions": {"find": {}, "get": {}, "count": {}, "create": {"*": True}, "update": {},
                                  "delete": {}, "addField": {}, "readUserFields": ["owner"],
                                  "writeUserFields": ["owner"]}}, master=True)
    await api.post("/classes/Doc", {"title": "mine", "owner": {"__type": "Pointer", "className": "_User",
                                                              "objectId": owner["objectId"]}})
    q = "{ docs { count edges { node { title owner { objectId username } } } } }"
    assert await gql.data(q, session=owner["sessionToken"]) == {"docs": {"count": 1, "edges": [
        {"node": {"title": "mine", "owner": {"objectId": owner["objectId"], "username": "o"}}}]}}
    assert await gql.data("{ docs { count edges { node { title } } } }", session=stranger["sessionToken"]) == {
        "docs": {"count": 0, "edges": []}}


async def test_triggers_and_validators_apply(gql, api):
    cloud = api.server.cloud

    def refuse(req):
        if req.object.get("title") == "bad":
            raise ParseError(ParseError.VALIDATION_ERROR, "No bad titles")

    cloud.before_save("Job", refuse)
    cloud.after_find("Job", lambda req: [o for o in req.objects if o.get("title") != "hidden"])
    await api.post("/classes/Job", {"title": "ok"})
    await api.post("/classes/Job", {"title": "hidden"})
    out = await gql('mutation { createJob(input: {fields: {title: "bad"}}) { job { objectId } } }')
    assert only_error(out) == (142, "No bad titles")
    assert out["data"] == {"createJob": None}
    assert await gql.data("{ jobs { edges { node { title } } } }") == {"jobs": {"edges": [{"node": {"title": "ok"}}]}}


async def test_call_cloud_code_with_validators(gql, api):
    cloud = api.server.cloud
    cloud.define("hello", lambda req: f"Hello {req.params['name']}")
    cloud.define("visit", lambda req: req.params, fields={"minutes": Field(type=int, required=True)})
    cloud.define("admin", lambda req: "ok", require_master=True)
    call = "mutation($f: CloudCodeFunction!, $p: Object) { callCloudCode(input: {functionName: $f, params: $p}) { result } }"
    assert await gql.data(call, {"f": "hello", "p": {"name": "Ann"}}) == {"callCloudCode": {"result": "Hello Ann"}}
    out = await gql(call, {"f": "visit", "p": {}})
    assert only_error(out) == (142, "Validation failed. Please specify data for minutes.")
    out = await gql(call, {"f": "admin"})
    assert only_error(out) == (142, "Validation failed. Master key is required to complete this request.")
    assert await gql.data(call, {"f": "admin"}, master=True) == {"callCloudCode": {"result": "ok"}}
    status, body = await gql.raw({"query": call, "variables": {"f": "nope"}})
    assert status == 400  # not a value of the CloudCodeFunction enum


async def test_depth_and_complexity_limits(gql, api):
    from parse_clone.graphql.limits import MAX_DEPTH, MAX_FIELDS

    body = "objectId"
    for _ in range(MAX_DEPTH):
        body = f"users {{ edges {{ node {{ {body} }} }} }}"
    status, payload = await gql.raw({"query": "{ " + body + " }"})
    assert status == 400
    assert payload["errors"][0]["message"] == f"The query exceeds the maximum depth of {MAX_DEPTH} nested selections."
    aliases = " ".join(f"a{i}: health" for i in range(MAX_FIELDS + 1))
    status, payload = await gql.raw({"query": "{ " + aliases + " }"})
    assert status == 400
    assert payload["errors"][0]["message"] == (
        f"The query exceeds the maximum complexity of {MAX_FIELDS} selected fields.")
    assert payload["errors"][0]["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
