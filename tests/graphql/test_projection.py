"""GraphQL reads fetch what the selection asks for: `keys` and `include` derived from the selection set,
as Parse Server's extractKeysAndInclude does; triggers see the projected query and objects."""

from __future__ import annotations

import base64
from typing import Any

ALWAYS = {"createdAt", "updatedAt"}  # a trigger object keeps objectId as its id, not among its keys()


def gid(class_name: str, object_id: str) -> str:
    return base64.b64encode(f"{class_name}:{object_id}".encode()).decode()


def spy(api, class_name: str) -> dict[str, list[Any]]:
    """Records what beforeFind and afterFind of `class_name` see: the query's keys/include, the objects' fields."""
    seen: dict[str, list[Any]] = {"keys": [], "include": [], "fields": []}

    def before(req):
        options = req.query.to_json()
        seen["keys"].append(sorted(options["keys"].split(",")) if "keys" in options else None)
        seen["include"].append(sorted(options["include"].split(",")) if "include" in options else [])

    def after(req):
        seen["fields"].extend(sorted(o.keys()) for o in req.objects)

    api.server.cloud.before_find(class_name, before)
    api.server.cloud.after_find(class_name, after)
    return seen


async def _team_and_player(api) -> tuple[str, str]:
    status, team = await api.post("/classes/Team", {"name": "Reds", "city": "Oslo"})
    assert status == 201, team
    status, player = await api.post("/classes/Player", {
        "name": "Ann", "score": 7, "nick": "a", "team": {"__type": "Pointer", "className": "Team",
                                                       "objectId": team["objectId"]}})
    assert status == 201, player
    return team["objectId"], player["objectId"]


async def test_get_fetches_only_the_selected_fields(gql, api):
    _, pid = await _team_and_player(api)
    seen = spy(api, "Player")
    data = await gql.data("query($id: ID!) { player(id: $id) { id name } }", {"id": pid})
    assert data == {"player": {"id": gid("Player", pid), "name": "Ann"}}
    assert seen["keys"] == [["name", "objectId"]]
    assert seen["include"] == [[]]
    assert seen["fields"] == [sorted(ALWAYS | {"name"})]


async def test_connection_fetches_only_the_node_fields(gql, api):
    await _team_and_player(api)
    seen = spy(api, "Player")
    data = await gql.data("{ players { count edges { cursor node { score } } } }")
    assert data == {"players": {"count": 1, "edges": [{"cursor": "YXJyYXljb25uZWN0aW9uOjA=", "node": {"score": 7}}]}}
    assert seen["keys"] == [["score"]]
    assert seen["fields"] == [sorted(ALWAYS | {"score"})]


async def test_pointer_with_only_its_id_is_not_included(gql, api):
    tid, pid = await _team_and_player(api)
    seen, team_seen = spy(api, "Player"), spy(api, "Team")
    data = await gql.data("query($id: ID!) { player(id: $id) { team { id objectId __typename } } }", {"id": pid})
    assert data == {"player": {"team": {"id": gid("Team", tid), "objectId": tid, "__typename": "Team"}}}
    assert seen["keys"] == [["team"]]
    assert seen["include"] == [[]]
    assert team_seen["fields"] == []


async def test_pointer_sub_selection_is_included_and_projected(gql, api):
    tid, pid = await _team_and_player(api)
    seen, team_seen = spy(api, "Player"), spy(api, "Team")
    data = await gql.data("query($id: ID!) { player(id: $id) { name team { id name } } }", {"id": pid})
    assert data == {"player": {"name": "Ann", "team": {"id": gid("Team", tid), "name": "Reds"}}}
    assert seen["keys"] == [["name", "team.name", "team.objectId"]]
    assert seen["include"] == [["team"]]
    assert team_seen["keys"] == [["name", "objectId"]]
    assert team_seen["fields"] == [sorted(ALWAYS | {"name"})]


async def test_fragments_aliases_and_node_fragments_answer_as_before(gql, api):
    tid, pid = await _team_and_player(api)
    seen = spy(api, "Player")
    query = """
      fragment TeamBits on Team { city }
      fragment PlayerBits on Player { points: score team { ...TeamBits } }
      query($id: ID!) {
        node(id: $id) { id ... on Player { ...PlayerBits who: name } }
        again: player(id: $id) { ... on Node { id } ... on Player { nick } }
      }"""
    data = await gql.data(query, {"id": gid("Player", pid)})
    assert data == {
        "node": {"id": gid("Player", pid), "points": 7, "team": {"city": "Oslo"}, "who": "Ann"},
        "again": {"id": gid("Player", pid), "nick": "a"},
    }
    assert seen["keys"] == [["name", "objectId", "score", "team.city"], ["nick", "objectId"]]
    assert seen["include"] == [["team"], []]
    assert seen["fields"] == [sorted(ALWAYS | {"name", "score", "team"}), sorted(ALWAYS | {"nick"})]


async def test_only_typename_fetches_whole_objects(gql, api):
    await _team_and_player(api)
    seen = spy(api, "Player")
    assert await gql.data("{ players { edges { node { __typename } } } }") == {
        "players": {"edges": [{"node": {"__typename": "Player"}}]}}
    assert seen["keys"] == [None]


async def test_selecting_auth_data_fetches_whole_users(gql, api):
    status, user = await api.post("/users", {"username": "u1", "password": "pw", "email": "u1@example.com"})
    assert status == 201, user
    seen = spy(api, "_User")
    data = await gql.data("query($id: ID!) { user(id: $id) { username authData } }", {"id": user["objectId"]},
                          master=True)
    assert data == {"user": {"username": "u1", "authData": None}}
    assert seen["keys"] == [None]
    assert "email" in seen["fields"][0]


async def test_protected_fields_stay_hidden_when_selected(gql, api):
    await _team_and_player(api)
    status, body = await api.put("/schemas/Player", {"classLevelPermissions": {
        "find": {"*": True}, "get": {"*": True}, "create": {"*": True}, "update": {"*": True},
        "delete": {"*": True}, "addField": {"*": True}, "protectedFields": {"*": ["nick"]}}}, master=True)
    assert status == 200, body
    assert await gql.data("{ players { edges { node { name nick } } } }") == {
        "players": {"edges": [{"node": {"name": "Ann", "nick": None}}]}}


async def test_mutation_read_back_fetches_the_selected_fields(gql, api):
    _, pid = await _team_and_player(api)
    seen = spy(api, "Player")
    data = await gql.data('mutation($id: ID!) { updatePlayer(input: {id: $id, fields: {score: 9}}) '
                          '{ player { score name } } }', {"id": pid})
    assert data == {"updatePlayer": {"player": {"score": 9, "name": "Ann"}}}
    assert seen["keys"] == [["name", "score"]]
    assert seen["fields"] == [sorted(ALWAYS | {"name", "score"})]
