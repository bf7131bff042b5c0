"""requestComplexity: include, query and subquery nesting, subquery results, $regex and batch size."""

from __future__ import annotations

import pytest

from parse_clone.app import build_server
from parse_clone.config import load_config
from parse_clone.core.request_complexity import RequestComplexity, read_request_complexity
from tests.conftest import make_config


@pytest.fixture
def config_overrides():
    return {"requestComplexity": {"includeDepth": 2, "includeCount": 3, "queryDepth": 1, "subqueryDepth": 1,
                                  "subqueryLimit": 2, "allowRegex": False, "batchRequestLimit": 2}}


def invalid_query(message: str):
    return 400, {"code": 102, "error": message}


async def chain(api) -> None:
    """A Post -> author (Person) -> team (Team) -> league (League) chain."""
    _, league = await api.post("/classes/League", {"name": "L"})
    _, team = await api.post("/classes/Team", {"league": ptr("League", league["objectId"])})
    _, person = await api.post("/classes/Person", {"team": ptr("Team", team["objectId"])})
    await api.post("/classes/Post", {"author": ptr("Person", person["objectId"]), "editor": None})


def ptr(class_name: str, object_id: str) -> dict[str, str]:
    return {"__type": "Pointer", "className": class_name, "objectId": object_id}


async def test_an_include_deeper_than_include_depth_is_refused(api):
    await chain(api)
    status, body = await api.get("/classes/Post", params={"include": "author.team"})
    assert status == 200 and body["results"][0]["author"]["team"]["className"] == "Team"
    assert await api.get("/classes/Post", params={"include": "author.team.league"}) == invalid_query(
        "Include depth of 3 exceeds maximum allowed depth of 2")


async def test_include_count_counts_every_prefix(api):
    await chain(api)
    assert (await api.get("/classes/Post", params={"include": "author.team,editor"}))[0] == 200
    assert await api.get("/classes/Post", params={"include": "author.team,editor,reviewer"}) == invalid_query(
        "Number of include fields (4) exceeds maximum allowed (3)")


async def test_keys_with_dots_imply_includes_that_count(api):
    await chain(api)
    assert await api.get("/classes/Post", params={"keys": "author.team.league.name"}) == invalid_query(
        "Include depth of 3 exceeds maximum allowed depth of 2")


async def test_the_master_key_is_not_limited(api):
    await chain(api)
    status, body = await api.get("/classes/Post", params={"include": "author.team.league"}, master=True)
    assert status == 200 and body["results"][0]["author"]["team"]["league"]["name"] == "L"
    where = {"$or": [{"$or": [{"name": {"$regex": "^L"}}]}]}
    assert (await api.get("/classes/League", params={"where": where}, master=True))[0] == 200


async def test_nested_or_deeper_than_query_depth_is_refused(api):
    await api.post("/classes/League", {"name": "L"})
    status, body = await api.get("/classes/League", params={"where": {"$or": [{"name": "L"}, {"name": "M"}]}})
    assert status == 200 and len(body["results"]) == 1
    assert await api.get("/classes/League", params={"where": {"$and": [{"$or": [{"name": "L"}]}]}}) == \
        invalid_query("Query condition nesting depth exceeds maximum allowed depth of 1")


async def test_a_logical_operator_under_a_field_still_counts(api):
    where = {"tags": {"$elemMatch": {"$or": [{"$nor": [{"a": 1}]}]}}}
    assert await api.get("/classes/League", params={"where": where}) == invalid_query(
        "Query condition nesting depth exceeds maximum allowed depth of 1")


async def test_a_subquery_inside_a_subquery_is_refused(api):
    await chain(api)
    one = {"team": {"$inQuery": {"className": "Team", "where": {}}}}
    status, body = await api.get("/classes/Person", params={"where": one})
    assert status == 200 and len(body["results"]) == 1
    two = {"author": {"$inQuery": {"className": "Person", "where": {
        "team": {"$inQuery": {"className": "Team", "where": {}}}}}}}
    assert await api.get("/classes/Post", params={"where": two}) == invalid_query(
        "Subquery nesting depth exceeds maximum allowed depth of 1")
    select = {"name": {"$select": {"key": "name", "query": {"className": "League", "where": {
        "objectId": {"$select": {"key": "x", "query": {"className": "Team", "where": {}}}}}}}}}
    assert await api.get("/classes/League", params={"where": select}) == invalid_query(
        "Subquery nesting depth exceeds maximum allowed depth of 1")


async def test_a_subquery_returns_at_most_subquery_limit_results(api):
    for i in range(4):
        _, target = await api.post("/classes/Target", {"n": i})
        await api.post("/classes/Source", {"target": ptr("Target", target["objectId"])})
    where = {"target": {"$inQuery": {"className": "Target", "where": {}}}}
    status, body = await api.get("/classes/Source", params={"where": where})
    assert status == 200 and len(body["results"]) == 2
    status, body = await api.get("/classes/Source", params={"where": where}, master=True)
    assert status == 200 and len(body["results"]) == 4


async def test_regex_is_refused_when_allow_regex_is_false(api):
    await api.post("/classes/League", {"name": "L"})
    assert await api.get("/classes/League", params={"where": {"name": {"$regex": "^L"}}}) == invalid_query(
        "$regex operator is not allowed")
    assert await api.get("/classes/League", params={"where": {"$or": [{"name": {"$regex": "L"}}]}}) == \
        invalid_query("$regex operator is not allowed")


async def test_a_batch_over_batch_request_limit_is_refused(api):
    requests = [{"method": "POST", "path": "/1/classes/Item", "body": {"n": i}} for i in range(3)]
    assert await api.post("/batch", {"requests": requests}) == (400, {
        "code": 107, "error": "Batch request contains 3 sub-requests, which exceeds the limit of 2."})
    status, body = await api.get("/classes/Item", master=True)
    assert body["results"] == []
    status, body = await api.post("/batch", {"requests": requests[:2]})
    assert status == 200 and len(body) == 2
    status, body = await api.post("/batch", {"requests": requests}, master=True)
    assert status == 200 and len(body) == 3


def test_defaults_are_all_off():
    assert read_request_complexity(None) == RequestComplexity(
        allowRegex=True, batchRequestLimit=-1, graphQLDepth=-1, graphQLFields=-1, includeCount=-1,
        includeDepth=-1, queryDepth=-1, subqueryDepth=-1, subqueryLimit=-1)
    assert read_request_complexity({"includeDepth": 5.0}).includeDepth == 5


BAD = [
    ([1], "requestComplexity must be an object."),
    ("deep", "requestComplexity must be an object."),
    ({"includeDeep": 2}, "requestComplexity contains unknown property 'includeDeep'."),
    ({"allowRegex": "no"}, "requestComplexity.allowRegex must be a boolean."),
    ({"includeDepth": 0}, "requestComplexity.includeDepth must be a positive integer or -1 to disable."),
    ({"queryDepth": -2}, "requestComplexity.queryDepth must be a positive integer or -1 to disable."),
    ({"subqueryLimit": 1.5}, "requestComplexity.subqueryLimit must be a positive integer or -1 to disable."),
    ({"batchRequestLimit": True}, "requestComplexity.batchRequestLimit must be a positive integer or -1 to disable."),
    ({"graphQLFields": "10"}, "requestComplexity.graphQLFields must be a positive integer or -1 to disable."),
]


@pytest.mark.parametrize("value, message", BAD)
def test_a_bad_request_complexity_stops_the_start(value, message):
    from mongomock_motor import AsyncMongoMockClient

    from parse_clone.storage.mongo import MongoAdapter

    with pytest.raises(ValueError) as info:
        build_server(make_config(requestComplexity=value),
                     storage=MongoAdapter("mongodb://mock/rc", client=AsyncMongoMockClient()))
    assert str(info.value) == message


def test_sub_options_have_their_environment_variables():
    config = load_config(environ={"PARSE_SERVER_REQUEST_COMPLEXITY_INCLUDE_DEPTH": "4",
                                  "PARSE_SERVER_REQUEST_COMPLEXITY_ALLOW_REGEX": "false"})
    assert config.requestComplexity == {"includeDepth": 4, "allowRegex": False}
    assert read_request_complexity(config.requestComplexity).includeDepth == 4
