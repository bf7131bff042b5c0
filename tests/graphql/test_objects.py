"""GraphQL class queries and mutations: shapes, global ids, connections, where inputs, pointers, relations."""

from __future__ import annotations

import base64

from parse_clone.graphql.relay import offset_to_cursor, to_global_id


def gid(class_name: str, object_id: str) -> str:
    return base64.b64encode(f"{class_name}:{object_id}".encode()).decode()


async def _scores(api, *values: int) -> list[str]:
    ids = []
    for i, v in enumerate(values):
        status, body = await api.post("/classes/GameScore", {"score": v, "name": f"p{i}"})
        assert status == 201, body
        ids.append(body["objectId"])
    return ids


async def test_off_by_default(api, aiohttp_client, backend, tmp_path):
    from parse_clone.app import build_app, build_server
    from tests.conftest import make_config, make_storage

    server = build_server(make_config(), make_storage(backend, tmp_path))
    client = await aiohttp_client(build_app(server))
    resp = await client.post("/graphql", json={"query": "{ health }"}, headers=api.headers())
    assert resp.status == 404


async def test_get_by_global_and_object_id(gql, api):
    [oid] = await _scores(api, 10)
    query = "query($id: ID!) { gameScore(id: $id) { id objectId score name ACL { public { read write } users { userId } } } }"
    expected = {"gameScore": {"id": gid("GameScore", oid), "objectId": oid, "score": 10, "name": "p0",
                              "ACL": {"public": {"read": True, "write": True}, "users": None}}}
    assert await gql.data(query, {"id": oid}) == expected
    assert await gql.data(query, {"id": gid("GameScore", oid)}) == expected


async def test_get_missing_is_parse_error_101(gql, api):
    await _scores(api, 1)
    payload = await gql('{ gameScore(id: "nope") { id } }')
    assert payload == {"errors": [{"message": "Object not found.", "locations": [{"line": 1, "column": 3}],
                                   "path": ["gameScore"], "extensions": {"code": 101}}], "data": None}


async def test_connection_pagination(gql, api):
    ids = await _scores(api, 3, 1, 5, 2, 4)
    ids = [ids[1], ids[3], ids[0], ids[4], ids[2]]  # by score
    query = """query($first: Int, $after: String, $last: Int) {
      gameScores(order: [score_ASC], first: $first, after: $after, last: $last) {
        count edges { cursor node { objectId score } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""
    page = (await gql.data(query, {"first": 2}))["gameScores"]
    assert page == {"count": 5, "edges": [{"cursor": offset_to_cursor(0), "node": {"objectId": ids[0], "score": 1}},
                                          {"cursor": offset_to_cursor(1), "node": {"objectId": ids[1], "score": 2}}],
                    "pageInfo": {"hasNextPage": True, "hasPreviousPage": False,
                                 "startCursor": offset_to_cursor(0), "endCursor": offset_to_cursor(1)}}
    page = (await gql.data(query, {"first": 2, "after": page["pageInfo"]["endCursor"]}))["gameScores"]
    assert [e["node"]["score"] for e in page["edges"]] == [3, 4]
    assert page["pageInfo"]["hasPreviousPage"] is True and page["pageInfo"]["hasNextPage"] is True
    page = (await gql.data(query, {"last": 2}))["gameScores"]
    assert [e["node"]["score"] for e in page["edges"]] == [4, 5]
    assert page["edges"][0]["cursor"] == offset_to_cursor(3)
    assert page["pageInfo"]["hasNextPage"] is False
    bad = await gql(query, {"after": "garbage"})
    assert bad["errors"][0]["extensions"] == {"code": 102}
    assert bad["errors"][0]["message"] == "After is not a valid cursor"


async def test_count_only_and_where_operators(gql, api):
    await _scores(api, 1, 5, 10, 20)

    async def count(where: str) -> int:
        return (await gql.data(f"{{ gameScores(where: {where}) {{ count }} }}"))["gameScores"]["count"]

    assert await count("{ score: { greaterThan: 4 } }") == 3
    assert await count("{ score: { greaterThanOrEqualTo: 5, lessThan: 20 } }") == 2
    assert await count("{ score: { in: [1, 20] } }") == 2
    assert await count("{ score: { notIn: [1, 20] } }") == 2
    assert await count("{ score: { notEqualTo: 1 } }") == 3
    assert await count("{ score: { equalTo: 10 } }") == 1
    assert await count('{ name: { matchesRegex: "^P[12]$", options: "i" } }') == 2
    assert await count("{ name: { exists: true } }") == 4
    assert await count("{ OR: [{ score: { equalTo: 1 } }, { score: { equalTo: 20 } }] }") == 2
    assert await count("{ AND: [{ score: { greaterThan: 1 } }, { score: { lessThan: 20 } }] }") == 2
    assert await count("{ NOR: [{ score: { equalTo: 1 } }] }") == 3


async def test_where_id_accepts_global_ids(gql, api):
    ids = await _scores(api, 1, 2)
    out = await gql.data("query($ids: [ID]) { gameScores(where: { id: { in: $ids } }) { edges { node { score } } } }",
                         {"ids": [gid("GameScore", ids[1])]})
    assert out == {"gameScores": {"edges": [{"node": {"score": 2}}]}}


async def test_create_update_delete_roundtrip(gql, api):
    await api.post("/schemas/GameScore", {"className": "GameScore", "fields": {
        "score": {"type": "Number"}, "name": {"type": "String"}, "tags": {"type": "Array"},
        "loc": {"type": "GeoPoint"}, "when": {"type": "Date"}, "meta": {"type": "Object"},
        "area": {"type": "Polygon"}}}, master=True)
    create = """mutation($input: CreateGameScoreInput!) { createGameScore(input: $input) {
        clientMutationId gameScore { id objectId score name tags { ... on Element { value } }
        loc { latitude longitude } when meta area { latitude longitude } } } }"""
    out = await gql.data(create, {"input": {"clientMutationId": "m1", "fields": {
        "score": 7, "name": "x", "tags": ["a", 1], "loc": {"latitude": 10, "longitude": 20},
        "when": "2024-01-02T03:04:05.000Z", "meta": {"k": "v"},
        "area": [{"latitude": 0, "longitude": 0}, {"latitude": 0, "longitude": 1}, {"latitude": 1, "longitude": 1}]}}})
    created = out["createGameScore"]
    oid = created["gameScore"]["objectId"]
    assert created == {"clientMutationId": "m1", "gameScore": {
        "id": gid("GameScore", oid), "objectId": oid, "score": 7, "name": "x",
        "tags": [{"value": "a"}, {"value": 1}], "loc": {"latitude": 10, "longitude": 20},
        "when": "2024-01-02T03:04:05.000Z", "meta": {"k": "v"}, "area": created["gameScore"]["area"]}}
    status, stored = await api.get(f"/classes/GameScore/{oid}")
    assert created["gameScore"]["area"] == [{"latitude": lat, "longitude": lng}
                                            for lat, lng in stored["area"]["coordinates"]]
    assert created["gameScore"]["area"][:3] == [{"latitude": 0, "longitude": 0}, {"latitude": 0, "longitude": 1},
                                                {"latitude": 1, "longitude": 1}]
    assert stored["when"] == {"__type": "Date", "iso": "2024-01-02T03:04:05.000Z"}
    assert stored["loc"] == {"__type": "GeoPoint", "latitude": 10, "longitude": 20}

    update = """mutation($id: ID!) { updateGameScore(input: {id: $id, fields: {score: 8, name: null}}) {
        gameScore { objectId score name updatedAt } } }"""
    out = await gql.data(update, {"id": gid("GameScore", oid)})
    assert out["updateGameScore"]["gameScore"]["score"] == 8
    assert out["updateGameScore"]["gameScore"]["name"] is None
    status, stored = await api.get(f"/classes/GameScore/{oid}")
    assert "name" not in stored and stored["score"] == 8

    out = await gql.data("mutation($id: ID!) { deleteGameScore(input: {id: $id}) { gameScore { objectId score } } }",
                         {"id": oid})
    assert out == {"deleteGameScore": {"gameScore": {"objectId": oid, "score": 8}}}
    status, _ = await api.get(f"/classes/GameScore/{oid}")
    assert status == 404


async def test_pointer_link_create_and_link_and_relations(gql, api):
    await api.post("/schemas/Team", {"className": "Team", "fields": {"name": {"type": "String"}}}, master=True)
    await api.post("/schemas/Player", {"className": "Player", "fields": {
        "name": {"type": "String"}, "team": {"type": "Pointer", "targetClass": "Team"},
        "mates": {"type": "Relation", "targetClass": "Player"}}}, master=True)
    out = await gql.data("""mutation { createPlayer(input: {fields: {name: "a", team: {createAndLink: {name: "T"}}}}) {
        player { objectId team { objectId name } } } }""")
    a = out["createPlayer"]["player"]
    team_id = a["team"]["objectId"]
    assert a["team"]["name"] == "T"
    out = await gql.data("""mutation($team: ID!, $a: ID!) { createPlayer(input: {fields: {name: "b",
        team: {link: $team}, mates: {add: [$a], createAndAdd: [{name: "c"}]}}}) {
        player { objectId team { name } mates(order: [name_ASC]) { count edges { node { name } } } } } }""",
                         {"team": gid("Team", team_id), "a": a["objectId"]})
    b = out["createPlayer"]["player"]
    assert b["team"] == {"name": "T"}
    assert b["mates"] == {"count": 2, "edges": [{"node": {"name": "a"}}, {"node": {"name": "c"}}]}
    # have / haveNot / exists on pointers and relations
    q = "query($w: PlayerWhereInput) { players(where: $w, order: [name_ASC]) { edges { node { name } } } }"
    names = lambda r: [e["node"]["name"] for e in r["players"]["edges"]]  # noqa: E731
    assert names(await gql.data(q, {"w": {"team": {"have": {"name": {"equalTo": "T"}}}}})) == ["a", "b"]
    desc = "{ players(order: [name_DESC]) { edges { node { name } } } }"
    assert [e["node"]["name"] for e in (await gql.data(desc))["players"]["edges"]] == ["c", "b", "a"]
    assert names(await gql.data(q, {"w": {"team": {"exists": False}}})) == ["c"]
    assert names(await gql.data(q, {"w": {"mates": {"have": {"name": {"equalTo": "c"}}}}})) == ["b"]
    assert names(await gql.data(q, {"w": {"team": {"haveNot": {"name": {"equalTo": "T"}}}}})) == ["c"]
    # remove from the relation
    await gql.data("mutation($id: ID!, $a: ID!) { updatePlayer(input: {id: $id, fields: {mates: {remove: [$a]}}}) { player { objectId } } }",
                   {"id": b["objectId"], "a": a["objectId"]})
    out = await gql.data("query($id: ID!) { player(id: $id) { mates { edges { node { name } } } } }", {"id": b["objectId"]})
    assert out == {"player": {"mates": {"edges": [{"node": {"name": "c"}}]}}}
    bad = await gql('mutation { createPlayer(input: {fields: {team: {}}}) { player { objectId } } }')
    assert bad["errors"][0]["extensions"] == {"code": 106}
    assert bad["errors"][0]["message"] == "You need to provide link OR createLink on the pointer mutation of field team"


async def test_node_query(gql, api):
    [oid] = await _scores(api, 3)
    out = await gql.data("query($id: ID!) { node(id: $id) { id ... on GameScore { score } } }",
                         {"id": to_global_id("GameScore", oid)})
    assert out == {"node": {"id": gid("GameScore", oid), "score": 3}}


async def test_node_of_an_unknown_class_or_object_is_101(gql, api):
    """As Parse Server: an id naming no class, or no object of a class, is "Object not found."."""
    await _scores(api, 3)
    for global_id in (gid("Nope", "x1"), gid("GameScore", "x1"), "garbage"):
        payload = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": global_id})
        assert payload == {"errors": [{"message": "Object not found.", "locations": [{"line": 1, "column": 19}],
                                       "path": ["node"], "extensions": {"code": 101}}], "data": {"node": None}}


async def test_schema_follows_rest_schema_changes(gql, api):
    status, payload = await gql.raw({"query": "{ widgets { count } }"})
    assert status == 400
    assert payload == {"errors": [{"message": "Cannot query field 'widgets'.",  # no type name: the caller may not introspect
                                   "locations": [{"line": 1, "column": 3}],
                                   "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}]}
    cache = api.server.extras["graphql_schema"]
    first = await cache.get()
    assert await cache.get() is first  # cached while nothing changes
    await api.post("/classes/Widget", {"size": 3})
    assert (await gql.data("{ widgets { count edges { node { size } } } }")) == {
        "widgets": {"count": 1, "edges": [{"node": {"size": 3}}]}}
    await api.put("/schemas/Widget", {"fields": {"color": {"type": "String"}}}, master=True)
    assert (await gql.data("{ widgets { edges { node { color } } } }")) == {
        "widgets": {"edges": [{"node": {"color": None}}]}}


async def test_schema_follows_the_schema_loader_without_a_restart(gql, api):
    from parse_clone.schema_loader import ControllerTarget, LoadOptions, load_schema, parse_schema_data

    assert (await gql.raw({"query": "{ gadgets { count } }"}))[0] == 400
    document = parse_schema_data({"classes": [{"className": "Gadget", "fields": {"label": {"type": "String"}},
                                               "classLevelPermissions": {"find": {"*": True}, "count": {"*": True},
                                                                         "get": {"*": True}, "create": {"*": True}}}]})
    await load_schema(document, ControllerTarget(api.server.schema), LoadOptions())
    assert await gql.data('mutation { createGadget(input: {fields: {label: "g"}}) { gadget { label } } }') == {
        "createGadget": {"gadget": {"label": "g"}}}
    assert await gql.data("{ gadgets { count } }") == {"gadgets": {"count": 1}}


async def test_the_schema_is_built_once_for_many_requests(gql, api, monkeypatch):
    """Requests while nothing changes reuse the built schema; one schema change builds it once more."""
    from parse_clone.graphql import schema as schema_module

    builds: list[int] = []
    real_build = schema_module.build

    def counting_build(*args, **kwargs):
        builds.append(1)
        return real_build(*args, **kwargs)

    monkeypatch.setattr(schema_module, "build", counting_build)
    await _scores(api, 1)
    for _ in range(3):
        assert await gql.data("{ gameScores { count } }") == {"gameScores": {"count": 1}}
    assert len(builds) == 1
    await api.put("/schemas/GameScore", {"fields": {"color": {"type": "String"}}}, master=True)
    for _ in range(3):
        assert await gql.data("{ gameScores { edges { node { color } } } }") == {
            "gameScores": {"edges": [{"node": {"color": None}}]}}
    assert len(builds) == 2


async def test_connection_cursors_and_page_info_follow_the_selection(gql, api):
    """Cursors and pageInfo are built only when selected: selected under an alias or in a fragment they
    are answered, run after run of the same document; left out, the edges answer without them."""
    ids = await _scores(api, 1, 2)
    query = """{ gameScores(order: [score_ASC], first: 1) { edges { at: cursor node { objectId } } ...P } }
      fragment P on GameScoreConnection { pageInfo { endCursor hasNextPage } }"""
    expected = {"gameScores": {"edges": [{"at": offset_to_cursor(0), "node": {"objectId": ids[0]}}],
                               "pageInfo": {"endCursor": offset_to_cursor(0), "hasNextPage": True}}}
    assert await gql.data(query) == expected
    assert await gql.data(query) == expected
    assert await gql.data("{ gameScores(order: [score_ASC]) { edges { node { score } } } }") == \
        {"gameScores": {"edges": [{"node": {"score": 1}}, {"node": {"score": 2}}]}}
