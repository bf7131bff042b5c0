"""graphQLPublicIntrospection (Parse Server 9): only the master key introspects, unless the option is on;
other callers' error messages carry no schema identifiers they did not write."""

from __future__ import annotations

import pytest

from parse_clone.graphql.introspection import redact

REFUSED = {"errors": [{"message": "Introspection is not allowed", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]}


async def post(gql, query: str, **headers_kw):
    return await gql.raw({"query": query}, gql.headers(**headers_kw))


@pytest.mark.parametrize("query", [
    "{ __schema { queryType { name } } }",
    '{ __type(name: "Query") { name } }',
    "query { health __schema { types { name } } }",
    "query { ...F } fragment F on Query { __schema { queryType { name } } }",
    '{ health ... on Query { __type(name: "User") { fields { name } } } }',
])
async def test_introspection_without_the_master_key_is_refused(gql, query):
    assert await post(gql, query) == (403, REFUSED)


async def test_the_master_key_introspects(gql):
    assert await post(gql, "{ __schema { queryType { name } } }", master=True) == \
        (200, {"data": {"__schema": {"queryType": {"name": "Query"}}}})


async def test_typename_is_not_introspection(gql):
    assert await post(gql, "{ __typename health }") == (200, {"data": {"__typename": "Query", "health": True}})


async def test_a_session_user_is_refused_too(gql):
    status, user = await gql.api.post("/users", {"username": "ann", "password": "pw"})
    assert status == 201
    assert await post(gql, "{ __schema { queryType { name } } }", session=user["sessionToken"]) == (403, REFUSED)


async def test_suggestions_are_stripped_for_callers_who_may_not_introspect(gql):
    status, body = await post(gql, "{ healt }")
    assert status == 400
    assert body["errors"][0]["message"] == "Cannot query field 'healt'."  # graphql-core quotes with '
    status, body = await post(gql, "{ healt }", master=True)
    assert body["errors"][0]["message"] == "Cannot query field 'healt' on type 'Query'. Did you mean 'health'?"


async def test_type_names_the_caller_did_not_write_are_hidden(gql):
    await gql.api.post("/schemas/Visit", {"className": "Visit", "fields": {"note": {"type": "String"}}},
                       master=True)
    status, body = await post(gql, "{ visits { edges { node { nope } } } }")
    assert (status, body["errors"][0]["message"]) == (400, "Cannot query field 'nope'.")
    status, body = await post(gql, "{ visits { edges { node { ... on Visit { nope } } } } }")
    assert (status, body["errors"][0]["message"]) == (400, "Cannot query field 'nope' on type 'Visit'.")


class TestPublicIntrospection:
    @pytest.fixture
    def config_overrides(self):
        return {"mountGraphQL": True, "graphQLPublicIntrospection": True}

    async def test_anyone_introspects_and_sees_suggestions(self, gql):
        assert await post(gql, "{ __schema { queryType { name } } }") == \
            (200, {"data": {"__schema": {"queryType": {"name": "Query"}}}})
        status, body = await post(gql, "{ healt }")
        assert body["errors"][0]["message"] == "Cannot query field 'healt' on type 'Query'. Did you mean 'health'?"


@pytest.mark.parametrize(("message", "source", "redacted"), [
    ("Field 'secret' of required type 'String!' was not provided.", "", "Field of required type was not provided."),
    ("Expected value of type 'JobPointerInput', found 1.", "", "Expected value of the correct type, found 1."),
    ("Expected value of type 'JobPointerInput', found 1.", "($a: JobPointerInput)",
     "Expected value of type 'JobPointerInput', found 1."),
    ("Field 'x' is not defined by type 'CreateJobFieldsInput'.", "", "Field 'x' is not defined."),
    ("Variable '$w' of type 'String' used in position expecting type 'JobWhereInput'.", "$w: String",
     "Variable '$w' of type 'String' used in position expecting a different type."),
    ("Field 'owner' of type 'User' must have a selection of subfields. Did you mean 'owner { ... }'?", "",
     "Field 'owner' must have a selection of subfields."),
    ("Fragment cannot be spread here as objects of type 'Job' can never be of type 'User'.", "on User",
     "Fragment cannot be spread here as objects of the parent type can never be of type 'User'."),
])
def test_redact(message, source, redacted):
    assert redact(message, source) == redacted
