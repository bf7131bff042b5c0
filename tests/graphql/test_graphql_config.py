"""The GraphQL config (parseGraphQLConfig): GET/PUT /graphql-config as Parse Server answers them, and
the schema it shapes (classes shown, fields, constraints, sort orders, queries and mutations)."""

from __future__ import annotations

import pytest

QUERY_FIELDS = '{ __type(name: "Query") { fields { name } } }'
MUTATION_FIELDS = '{ __type(name: "Mutation") { fields { name } } }'


async def put_config(api, params) -> None:
    assert await api.put("/graphql-config", {"params": params}, master=True) == \
        (200, {"response": {"result": True}})


async def names(gql, query: str) -> set[str]:
    data = await gql.data(query, master=True)
    found = data["__type"]
    return {f["name"] for f in found["fields"]} if found else set()


async def type_fields(gql, type_name: str, kind: str = "fields") -> set[str] | None:
    data = await gql.data(f'{{ __type(name: "{type_name}") {{ {kind} {{ name }} }} }}', master=True)
    found = data["__type"]
    return None if found is None else {f["name"] for f in found[kind]}


@pytest.fixture
async def visit(api):
    status, _ = await api.post("/schemas/Visit", {"className": "Visit", "fields": {
        "note": {"type": "String"}, "minutes": {"type": "Number"}, "secret": {"type": "String"}}}, master=True)
    assert status == 200


async def test_the_config_starts_empty_and_is_replaced_whole(api):
    assert await api.get("/graphql-config", master=True) == (200, {})
    await put_config(api, {"disabledForClasses": ["Foo"]})
    assert await api.get("/graphql-config", master=True) == (200, {"disabledForClasses": ["Foo"]})
    await put_config(api, {"enabledForClasses": ["Bar"]})
    assert await api.get("/graphql-config", master=True) == (200, {"enabledForClasses": ["Bar"]})
    await put_config(api, None)
    assert await api.get("/graphql-config", master=True) == (200, {})


async def test_the_config_is_stored_in_graphql_config_object_1(api):
    await put_config(api, {"disabledForClasses": ["Foo"]})
    api.server.extras.pop("graphql_config")  # a fresh process reads it back from the database
    assert await api.get("/graphql-config", master=True) == (200, {"disabledForClasses": ["Foo"]})


async def test_the_master_key_is_required(api):
    assert await api.get("/graphql-config") == (403, {"error": "unauthorized: master key is required"})
    assert await api.put("/graphql-config", {"params": {}}) == \
        (403, {"error": "unauthorized: master key is required"})


@pytest.mark.parametrize("config_overrides", [{"mountGraphQL": True, "readOnlyMasterKey": "read-only"}])
async def test_the_read_only_master_key_reads_but_cannot_write(api):
    headers = api.headers(**{"X-Parse-Master-Key": "read-only"})
    assert await api.put("/graphql-config", {"params": {}}, headers=headers) == \
        (400, {"code": 119, "error": "read-only masterKey isn't allowed to update the GraphQL config."})
    assert await api.get("/graphql-config", headers=headers) == (200, {})


@pytest.mark.parametrize(("params", "problem"), [
    ([], "must be a valid object"),
    ({"foo": 1}, "encountered invalid keys: [foo]"),
    ({"enabledForClasses": "Job"}, '"enabledForClasses" is not a valid array'),
    ({"disabledForClasses": [""]}, '"disabledForClasses" is not a valid array'),
    ({"classConfigs": {}}, '"classConfigs" is not a valid array'),
    ({"classConfigs": [{"className": "Job", "query": {"find": 1}}]},
     'classConfig:Job is invalid because "query.find" must be a boolean'),
    ({"classConfigs": [{"className": "Job", "colour": 1}]},
     'classConfig:Job is invalid because "invalidKeys" [colour] should not be present'),
    ({"classConfigs": [{"className": ""}]}, 'classConfig: is invalid because "className" must be a valid string'),
    ({"classConfigs": [{"className": "_User", "type": {"inputFields": {"create": ["email"]}}}]},
     'classConfig:_User is invalid because "inputFields.create" must include required fields, username and password'),
    ({"classConfigs": [{"className": "Job", "type": {"sortFields": [{"field": "a", "asc": True}]}}]},
     'classConfig:Job is invalid because "sortField" at index 0 did not provide "asc" or "desc" as booleans'),
    ({"classConfigs": [{"className": "Job", "mutation": {"destroyAlias": 3}}]},
     'classConfig:Job is invalid because "mutation.destroyAlias" must be a string'),
    ({"classConfigs": ["Job"]}, "classConfig:undefined is invalid because it must be a valid object"),
    ({"foo": 1, "enabledForClasses": 2}, 'encountered invalid keys: [foo]; "enabledForClasses" is not a valid array'),
])
async def test_an_invalid_config_is_refused_with_every_problem_named(api, params, problem):
    assert await api.put("/graphql-config", {"params": params}, master=True) == \
        (400, {"code": 107, "error": f"Invalid graphQLConfig: {problem}"})
    assert await api.get("/graphql-config", master=True) == (200, {})


async def test_disabled_and_enabled_classes_leave_the_schema(gql, api, visit):
    assert {"visit", "visits", "createVisit"} <= await names(gql, QUERY_FIELDS) | await names(gql, MUTATION_FIELDS)
    await put_config(api, {"disabledForClasses": ["Visit"]})
    assert not {"visit", "visits"} & await names(gql, QUERY_FIELDS)
    assert await type_fields(gql, "Visit") is None
    await put_config(api, {"enabledForClasses": ["Visit", "_User"], "disabledForClasses": ["_User"]})
    queries = await names(gql, QUERY_FIELDS)
    assert {"visit", "visits", "health", "class", "classes", "node"} <= queries
    assert not {"user", "users", "role", "roles", "viewer"} & queries  # _User hidden: no viewer, no signUp
    assert not {"signUp", "logIn", "logOut", "logInWith"} & await names(gql, MUTATION_FIELDS)


async def test_class_queries_and_mutations_can_be_turned_off_or_renamed(gql, api, visit):
    await put_config(api, {"classConfigs": [{"className": "Visit", "query": {"get": False, "findAlias": "allVisits"},
                                             "mutation": {"create": False, "updateAlias": "editVisit"}}]})
    queries, mutations = await names(gql, QUERY_FIELDS), await names(gql, MUTATION_FIELDS)
    assert "allVisits" in queries and not {"visit", "visits"} & queries
    assert {"editVisit", "deleteVisit"} <= mutations and not {"createVisit", "updateVisit"} & mutations
    assert await type_fields(gql, "CreateVisitInput", "inputFields") is None
    await api.post("/classes/Visit", {"note": "n"}, master=True)
    data = await gql.data("{ allVisits { count edges { node { note } } } }", master=True)
    assert data == {"allVisits": {"count": 1, "edges": [{"node": {"note": "n"}}]}}


async def test_fields_constraints_and_sort_orders_follow_the_class_config(gql, api, visit):
    await put_config(api, {"classConfigs": [{"className": "Visit", "type": {
        "inputFields": {"create": ["note"], "update": ["minutes"]}, "outputFields": ["note", "minutes"],
        "constraintFields": ["minutes"], "sortFields": [{"field": "minutes", "asc": True, "desc": False}]}}]})
    assert await type_fields(gql, "Visit") == {"id", "objectId", "createdAt", "updatedAt", "ACL", "note", "minutes"}
    assert await type_fields(gql, "CreateVisitFieldsInput", "inputFields") == {"ACL", "note"}
    assert await type_fields(gql, "UpdateVisitFieldsInput", "inputFields") == {"ACL", "minutes"}
    assert await type_fields(gql, "VisitWhereInput", "inputFields") == {"minutes", "OR", "AND", "NOR"}
    assert await type_fields(gql, "VisitOrder", "enumValues") == {"minutes_ASC"}
    status, body = await gql.raw({"query": "{ visits { edges { node { secret } } } }"}, gql.headers(master=True))
    assert (status, body["errors"][0]["message"]) == (400, "Cannot query field 'secret' on type 'Visit'.")


async def test_an_empty_sort_list_keeps_id(gql, api, visit):
    await put_config(api, {"classConfigs": [{"className": "Visit", "type": {"sortFields": []}}]})
    assert await type_fields(gql, "VisitOrder", "enumValues") == {"id_ASC", "id_DESC"}
