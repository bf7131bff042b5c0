"""Number fields (GraphQL Float) print as JavaScript prints them, as Parse Server's GraphQL answers:
an integral value without a fraction (3, not 3.0), any other value as it is."""

from __future__ import annotations

import orjson


async def _raw_data(gql, query: str, variables: dict | None = None) -> bytes:
    body = {"query": query, **({"variables": variables} if variables else {})}
    resp = await gql.api.client.post("/graphql", data=orjson.dumps(body), headers=gql.headers())
    assert resp.status == 200
    return await resp.read()


async def _place(api) -> str:
    status, body = await api.post("/classes/Place", {
        "whole": 3, "half": 2.5, "negative": -7, "big": 2 ** 53, "huge": 2 ** 60, "vast": 1e21, "where": {"__type": "GeoPoint", "latitude": 1,
                                                                           "longitude": -2.25}})
    assert status == 201, body
    return body["objectId"]


async def test_integral_numbers_print_without_a_fraction(gql, api):
    oid = await _place(api)
    raw = await _raw_data(gql, "query($id: ID!) { place(id: $id) { whole half negative where { latitude longitude } } }",
                          {"id": oid})
    assert raw == (b'{"data":{"place":{"whole":3,"half":2.5,"negative":-7,'
                   b'"where":{"latitude":1,"longitude":-2.25}}}}')


async def test_integral_numbers_print_without_a_fraction_in_connections_and_under_directives(gql, api):
    await _place(api)
    raw = await _raw_data(gql, "{ places { edges { node { whole @include(if: true) half } } } }")
    assert raw == b'{"data":{"places":{"edges":[{"node":{"whole":3,"half":2.5}}]}}}'


async def test_integers_past_a_doubles_exact_range_print_their_shortest_digits_zero_padded(gql, api):
    oid = await _place(api)
    raw = await _raw_data(gql, "query($id: ID!) { place(id: $id) { big huge vast } }", {"id": oid})
    assert raw == b'{"data":{"place":{"big":9007199254740992,"huge":1152921504606847000,"vast":1e+21}}}'
