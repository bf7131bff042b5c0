"""mountGraphQL / graphQLPath: Parse Server's option and environment names."""

from __future__ import annotations

import pytest

from parse_clone.app import build_app, build_server
from parse_clone.config import env_name, load_config
from tests.conftest import make_config, make_storage


def test_env_names_and_defaults():
    assert (env_name("mountGraphQL"), env_name("graphQLPath")) == ("PARSE_SERVER_MOUNT_GRAPHQL",
                                                                   "PARSE_SERVER_GRAPHQL_PATH")
    defaults = load_config(environ={})
    assert (defaults.mountGraphQL, defaults.graphQLPath) == (False, "/graphql")
    cfg = load_config(environ={"PARSE_SERVER_MOUNT_GRAPHQL": "true", "PARSE_SERVER_GRAPHQL_PATH": "/gql"})
    assert (cfg.mountGraphQL, cfg.graphQLPath) == (True, "/gql")


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_custom_path_beside_a_root_mount(aiohttp_client, backend, tmp_path, api):
    """With the REST API mounted at / the GraphQL path still wins over the REST catch-all."""
    server = build_server(make_config(mountGraphQL=True, graphQLPath="gql/", mountPath="/"),
                          make_storage(backend, tmp_path))
    client = await aiohttp_client(build_app(server))
    resp = await client.post("/gql", json={"query": "{ health }"}, headers=api.headers())
    assert (resp.status, await resp.json()) == (200, {"data": {"health": True}})
    resp = await client.get("/health")
    assert resp.status == 200
