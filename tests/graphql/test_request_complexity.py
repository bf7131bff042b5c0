"""requestComplexity.graphQLDepth and graphQLFields: Parse Server's per-operation GraphQL limits."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import get_operation_ast, parse

from parse_clone.graphql.limits import measure_operation


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return {"mountGraphQL": True, "requestComplexity": {"graphQLDepth": 3, "graphQLFields": 5}}


def refused(message: str) -> tuple[int, dict[str, Any]]:
    return 400, {"errors": [{"message": message, "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]}


DEEP = "{ users { edges { node { objectId } } } }"  # depth 4, 4 fields
WIDE = "{ a: health b: health c: health d: health e: health f: health }"  # depth 1, 6 fields


async def test_an_operation_deeper_than_graphql_depth_is_refused(gql):
    assert await gql.data("{ users { count } }") == {"users": {"count": 0}}
    assert await gql.raw({"query": DEEP}) == refused("GraphQL query depth of 4 exceeds maximum allowed depth of 3")


async def test_an_operation_with_more_fields_than_graphql_fields_is_refused(gql):
    assert await gql.data("{ a: health b: health }") == {"a": True, "b": True}
    assert await gql.raw({"query": WIDE}) == refused("Number of GraphQL fields (6) exceeds maximum allowed (5)")


async def test_fragments_count_as_expanded(gql):
    query = "query { ...H ...H2 } fragment H on Query { a: health b: health c: health } " \
            "fragment H2 on Query { d: health e: health f: health }"
    assert await gql.raw({"query": query}) == refused("Number of GraphQL fields (6) exceeds maximum allowed (5)")


async def test_the_master_key_is_not_limited(gql):
    assert await gql.data(DEEP, master=True) == {"users": {"edges": []}}
    assert (await gql.data(WIDE, master=True))["f"] is True


def test_depth_and_fields_as_parse_server_counts_them():
    document = parse("query Q { users { edges { node { objectId ...F } } } __typename } "
                     "fragment F on User { username createdAt }")
    assert measure_operation(get_operation_ast(document, "Q"), document) == (4, 7)
    twice = parse("{ ...H ...H } fragment H on Query { a: health b: health c: health }")
    assert measure_operation(get_operation_ast(twice), twice) == (1, 6)
