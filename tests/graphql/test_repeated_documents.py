"""One query text run again and again: what a checked document keeps between runs (operations, variable
types, collected fields, key projections) never changes an answer; Array items answer by their own type."""

from __future__ import annotations


async def _item(api, fields: dict) -> str:
    status, body = await api.post("/classes/Thing", fields)
    assert status == 201, body
    return body["objectId"]


async def test_array_items_answer_as_elements_run_after_run(gql, api):
    oid = await _item(api, {"tags": ["a", 2, {"k": 1}]})
    query = "query($id: ID!) { thing(id: $id) { tags { __typename ... on Element { value } } } }"
    expected = {"thing": {"tags": [{"__typename": "Element", "value": "a"}, {"__typename": "Element", "value": 2},
                                   {"__typename": "Element", "value": {"k": 1}}]}}
    assert await gql.data(query, {"id": oid}) == expected
    assert await gql.data(query, {"id": oid}) == expected


async def test_include_directive_follows_each_runs_variables(gql, api):
    oid = await _item(api, {"name": "n", "size": 3})
    query = "query($id: ID!, $more: Boolean!) { thing(id: $id) { name size @include(if: $more) } }"
    assert await gql.data(query, {"id": oid, "more": True}) == {"thing": {"name": "n", "size": 3}}
    assert await gql.data(query, {"id": oid, "more": False}) == {"thing": {"name": "n"}}
    assert await gql.data(query, {"id": oid, "more": True}) == {"thing": {"name": "n", "size": 3}}


async def test_operation_name_picks_the_operation_each_run(gql, api):
    oid = await _item(api, {"name": "n", "size": 3})
    query = ("query A($id: ID!) { thing(id: $id) { name } } "
             "query B($id: ID!) { thing(id: $id) { size } }")
    for _ in range(2):
        for name, expected in (("A", {"name": "n"}), ("B", {"size": 3})):
            status, body = await gql.raw({"query": query, "variables": {"id": oid}, "operationName": name})
            assert (status, body) == (200, {"data": {"thing": expected}})


async def test_bad_variables_after_good_ones_are_reported(gql, api):
    oid = await _item(api, {"name": "n"})
    query = "query($id: ID!) { thing(id: $id) { name } }"
    assert await gql.data(query, {"id": oid}) == {"thing": {"name": "n"}}
    status, body = await gql.raw({"query": query, "variables": {}})
    assert status == 400
    assert body["errors"][0]["message"] == "Variable '$id' of required type 'ID!' was not provided."
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}
    status, body = await gql.raw({"query": query, "variables": {"id": None}})
    assert status == 400
    assert body["errors"][0]["message"] == "Variable '$id' of non-null type 'ID!' must not be null."
    status, body = await gql.raw({"query": query, "variables": {"id": ["x"]}})
    assert status == 400
    assert body["errors"][0]["message"].startswith("Variable '$id' got invalid value ['x']; ID cannot represent")


async def test_selection_keys_are_not_shared_between_fields(gql, api):
    oid = await _item(api, {"name": "n", "size": 3})
    query = "query($id: ID!) { a: thing(id: $id) { name } b: thing(id: $id) { size } }"
    for _ in range(2):
        assert await gql.data(query, {"id": oid}) == {"a": {"name": "n"}, "b": {"size": 3}}
