"""`keys` on finds and gets: exactly which fields come back, whatever the storage reads to answer.

Storage reads only the selected fields' columns (plus what ACL, protectedFields and the include step
need); these tests pin the response objects so that the projection changes nothing a client sees.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.users import pointer, sign_up

BASE = ("objectId", "createdAt", "updatedAt")


async def create(api, class_name: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Create with the master key; the object as a master get answers it."""
    status, created = await api.post(f"/classes/{class_name}", fields, master=True)
    assert status == 201, created
    status, whole = await api.get(f"/classes/{class_name}/{created['objectId']}", master=True)
    assert status == 200, whole
    return whole


def only(obj: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: obj[k] for k in (*BASE, *names) if k in obj}


async def rest_find(api, class_name: str, session: str | None = None, **params: Any) -> list[dict[str, Any]]:
    status, body = await api.get(f"/classes/{class_name}", params=params, session=session)
    assert status == 200, body
    return body["results"]


async def set_clp(api, class_name: str, clp: dict[str, Any], fields: dict[str, Any] | None = None) -> None:
    body: dict[str, Any] = {"className": class_name, "classLevelPermissions": clp, "fields": fields or {}}
    status, result = await api.post(f"/schemas/{class_name}", body, master=True)
    assert status == 200, result


async def test_find_keys_answer_the_base_fields_and_the_named_ones(api):
    obj = await create(api, "Wide", {"a": 1, "b": "two", "c": [1, 2], "d": {"x": 1}, "ACL": {"*": {"read": True}}})
    assert await rest_find(api, "Wide", keys="a,d") == [{**only(obj, "a", "d"), "ACL": {"*": {"read": True}}}]


async def test_get_keys_answer_the_base_fields_and_the_named_ones(api):
    obj = await create(api, "Wide", {"a": 1, "b": "two", "c": [1, 2]})
    status, body = await api.get(f"/classes/Wide/{obj['objectId']}", params={"keys": "c,b"})
    assert (status, body) == (200, only(obj, "b", "c"))


async def test_keys_naming_only_base_fields_answer_only_them(api):
    obj = await create(api, "Wide", {"a": 1})
    assert await rest_find(api, "Wide", keys="objectId") == [only(obj)]


async def test_keys_on_fields_that_do_not_exist_answer_the_base_fields(api):
    obj = await create(api, "Wide", {"a": 1})
    assert await rest_find(api, "Wide", keys="nothing") == [only(obj)]


async def test_keys_on_a_field_holding_null_answer_the_null(api, backend):
    obj = await create(api, "Wide", {"a": None, "b": 1})
    expected = only(obj, "a")
    assert await rest_find(api, "Wide", keys="a") == [expected]


async def test_keys_with_a_dotted_path_into_an_object_field_answer_the_whole_field(api):
    obj = await create(api, "Wide", {"d": {"x": 1, "y": 2}, "b": 1})
    assert await rest_find(api, "Wide", keys="d.x") == [only(obj, "d")]


async def test_keys_keep_file_urls_and_relation_stubs_only_when_named(api):
    file = {"__type": "File", "name": "f.txt", "url": "http://localhost:8378/1/files/test/f.txt"}
    obj = await create(api, "Wide", {"f": {"__type": "File", "name": "f.txt"}, "b": 1})
    await api.put(f"/classes/Wide/{obj['objectId']}",
                  {"rel": {"__op": "AddRelation", "objects": [pointer("Wide", obj["objectId"])]}}, master=True)
    (row,) = await rest_find(api, "Wide", keys="f,rel")
    assert (row["f"], row["rel"]) == (file, {"__type": "Relation", "className": "Wide"})
    assert set(row) == {*BASE, "f", "rel"}
    (row,) = await rest_find(api, "Wide", keys="b")
    assert set(row) == {*BASE, "b"}


async def test_dotted_keys_into_an_include_project_the_included_object(api):
    city = await create(api, "City", {"name": "Oslo", "size": 3})
    author = await create(api, "Author", {"name": "ann", "age": 40, "home": pointer("City", city["objectId"])})
    await create(api, "Book", {"title": "b", "pages": 10, "author": pointer("Author", author["objectId"])})
    (book,) = await rest_find(api, "Book", keys="title,author.name,author.home.size")
    assert set(book) == {*BASE, "title", "author"}
    assert book["author"] == {"__type": "Object", "className": "Author", **only(author, "name"),
                              "home": {"__type": "Object", "className": "City", **only(city, "size")}}


async def test_include_of_a_field_not_in_keys_is_not_answered(api):
    author = await create(api, "Author", {"name": "ann"})
    book = await create(api, "Book", {"title": "b", "author": pointer("Author", author["objectId"])})
    assert await rest_find(api, "Book", keys="title", include="author") == [only(book, "title")]


async def test_keys_with_exclude_keys_answer_the_difference(api):
    obj = await create(api, "Wide", {"a": 1, "b": 2, "c": 3})
    assert await rest_find(api, "Wide", keys="a,b", excludeKeys="b,c") == [only(obj, "a")]


async def test_keys_score_answers_the_score_and_no_other_field(api, backend):
    if backend == "mongomock":
        pytest.skip("mongomock-motor does not implement MongoDB's $text search")
    await create(api, "Drink", {"name": "coffee", "kind": "hot"})
    (row,) = await rest_find(api, "Drink", keys="$score",
                             where={"name": {"$text": {"$search": {"$term": "coffee"}}}})
    assert set(row) == {*BASE, "score"} and row["score"] > 0


async def test_user_keys_never_answer_password_or_others_auth_data(api):
    ann = await sign_up(api, "ann", email="ann@example.com")
    acl = {"*": {"read": True}, ann["objectId"]: {"read": True, "write": True}}
    status, _ = await api.put(f"/users/{ann['objectId']}", {"authData": {"anonymous": {"id": "a1"}}, "ACL": acl},
                              master=True)
    assert status == 200
    bob = await sign_up(api, "bob")
    rows = await rest_find(api, "_User", session=bob["sessionToken"], keys="username,password,authData,sessionToken",
                           where={"objectId": ann["objectId"]})
    assert [set(r) for r in rows] == [{*BASE, "username", "ACL"}]
    status, me = await api.get(f"/users/{ann['objectId']}", session=ann["sessionToken"],
                               params={"keys": "authData,email"})
    assert status == 200
    assert set(me) == {*BASE, "ACL", "authData", "email", "sessionToken"}
    assert me["authData"] == {"anonymous": {"id": "a1"}}


async def test_pointer_permissions_apply_with_keys_not_naming_the_pointer(api):
    ann = await sign_up(api, "ann")
    bob = await sign_up(api, "bob")
    await set_clp(api, "Doc", {"find": {}, "get": {}, "readUserFields": ["owner"]},
                  {"owner": {"type": "Pointer", "targetClass": "_User"}})
    mine = await create(api, "Doc", {"owner": pointer("_User", ann["objectId"]), "n": 1})
    await create(api, "Doc", {"owner": pointer("_User", bob["objectId"]), "n": 2})
    assert await rest_find(api, "Doc", session=ann["sessionToken"], keys="n") == [only(mine, "n")]


async def test_protected_fields_stay_hidden_when_named_in_keys(api):
    await set_clp(api, "Doc", {"find": {"*": True}, "get": {"*": True}, "protectedFields": {"*": ["secret"]}},
                  {"secret": {"type": "String"}})
    obj = await create(api, "Doc", {"secret": "s", "open": "o", "other": 1})
    assert await rest_find(api, "Doc", keys="secret,open") == [only(obj, "open")]


async def test_protected_fields_of_a_user_field_follow_the_pointer_not_in_keys(api):
    ann = await sign_up(api, "ann")
    bob = await sign_up(api, "bob")
    await set_clp(api, "Doc", {"find": {"*": True}, "get": {"*": True},
                               "protectedFields": {"*": ["secret"], "userField:owner": []}},
                  {"owner": {"type": "Pointer", "targetClass": "_User"}, "secret": {"type": "String"}})
    obj = await create(api, "Doc", {"owner": pointer("_User", ann["objectId"]), "secret": "s", "n": 1})
    assert await rest_find(api, "Doc", session=ann["sessionToken"], keys="secret") == [only(obj, "secret")]
    assert await rest_find(api, "Doc", session=bob["sessionToken"], keys="secret") == [only(obj)]


async def test_after_find_sees_the_projected_objects(api):
    seen: list[list[str]] = []
    api.server.cloud.after_find("Wide", lambda req: seen.extend(sorted(o.to_json()) for o in req.objects))
    obj = await create(api, "Wide", {"a": 1, "b": 2})
    seen.clear()
    assert await rest_find(api, "Wide", keys="a") == [only(obj, "a")]
    assert seen == [sorted({*BASE, "a"})]


async def test_a_residual_filter_on_a_field_not_in_keys_still_applies(api):
    await create(api, "Wide", {"a": 1, "tags": ["x", "y"]})
    obj = await create(api, "Wide", {"a": 2, "tags": ["z"]})
    rows = await rest_find(api, "Wide", keys="a", where={"tags": {"$regex": "^z"}})
    assert rows == [only(obj, "a")]


async def test_an_order_on_a_field_not_in_keys_still_applies(api):
    low = await create(api, "Wide", {"a": 1, "rank": {"v": 2}})
    high = await create(api, "Wide", {"a": 2, "rank": {"v": 1}})
    assert await rest_find(api, "Wide", keys="a", order="rank.v") == [only(high, "a"), only(low, "a")]
