"""The web surface: /openapi.json (valid OpenAPI 3.1), /docs (dictionary + SVG ER diagram), the app pages."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.validators import OpenAPIV31SpecValidator

from parse_clone.http import web as web_routes

CLASSES = ("_User", "Technician", "Job", "PartsInventory", "ServiceLog")


async def test_openapi_is_valid_31_and_covers_every_class(api):
    resp = await api.client.get("/openapi.json")
    assert resp.status == 200 and resp.content_type == "application/json"
    doc = await resp.json()
    validate(doc, cls=OpenAPIV31SpecValidator)
    assert doc["openapi"] == "3.1.0"
    for name in ("Technician", "Job", "PartsInventory", "ServiceLog"):
        item = doc["paths"][f"/classes/{name}"]
        assert set(item) == {"get", "post"}
        assert set(doc["paths"][f"/classes/{name}/{{objectId}}"]) == {"parameters", "get", "put", "delete"}
        assert item["get"]["responses"]["400"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ParseError"}
    assert {"/users", "/users/{objectId}", "/login", "/logout", "/users/me", "/roles", "/sessions"} <= set(doc["paths"])
    job = doc["components"]["schemas"]["Job"]["properties"]
    assert job["status"] == {"type": "string", "default": "open"}
    assert job["scheduledTime"] == {"$ref": "#/components/schemas/Date"}
    assert job["technician"] == {"allOf": [{"$ref": "#/components/schemas/Pointer"}],
                                 "description": "Pointer to Technician"}
    assert "password" not in doc["components"]["schemas"]["_User"]["properties"]
    assert "/functions/assignNearestTechnician" in doc["paths"]
    assert "/functions/technicianRoute" in doc["paths"]


async def test_openapi_follows_the_live_schema(api):
    status, _ = await api.post("/schemas/Extra", {"className": "Extra", "fields": {"n": {"type": "Number"}}},
                               master=True)
    assert status == 200
    doc = await (await api.client.get("/openapi.json")).json()
    validate(doc, cls=OpenAPIV31SpecValidator)
    assert doc["components"]["schemas"]["Extra"]["properties"]["n"] == {"type": "number"}
    assert "/classes/Extra/{objectId}" in doc["paths"]


async def test_docs_page_has_dictionary_svg_rules_and_links(api):
    resp = await api.client.get("/docs")
    assert resp.status == 200 and resp.content_type == "text/html"
    html = await resp.text()
    for name in ("Technician", "Job", "PartsInventory", "ServiceLog"):
        assert f'id="class-{name}"' in html
    assert "Moves only along open → assigned" in html  # a field description from schema.json
    assert "<svg" in html and "mermaid" not in html
    assert 'href="/playground"' in html and 'href="/openapi.json"' in html
    assert "cloud/routing.py" in html and "assignNearestTechnician" in html
    assert "answers 142" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")  # nothing external


async def test_er_svg_draws_every_class_and_pointer(api):
    resp = await api.client.get("/docs/er.svg")
    assert resp.status == 200 and resp.content_type == "image/svg+xml"
    root = ET.fromstring(await resp.text())
    ns = "{http://www.w3.org/2000/svg}"
    groups = {g.get("data-class"): g for g in root.iter(f"{ns}g")}
    assert sorted(groups) == sorted(CLASSES)
    x = {name: float(g.find(f"{ns}rect").get("x")) for name, g in groups.items()}
    # every class stands right of the classes it points to, so lines run one way
    assert x["_User"] < x["Technician"] < x["Job"] < x["PartsInventory"] == x["ServiceLog"]
    titles = sorted(t.text for t in root.iter(f"{ns}title"))
    assert titles == sorted([
        "Technician.user → User (Pointer)", "Job.technician → Technician (Pointer)",
        "PartsInventory.job → Job (Pointer)", "ServiceLog.technician → Technician (Pointer)",
        "ServiceLog.job → Job (Pointer)"])


async def test_pages_without_a_build_explain_how_to_build(api, tmp_path, monkeypatch):
    monkeypatch.setattr(web_routes, "STATIC_DIR", tmp_path / "none")
    for path in ("/", "/playground"):
        resp = await api.client.get(path)
        assert resp.status == 503
        assert "make web" in await resp.text()


async def test_pages_carry_the_client_config(api, tmp_path, monkeypatch):
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<head><!--parse-config--></head>app", encoding="utf-8")
    (tmp_path / "assets" / "a.js").write_text("x=1", encoding="utf-8")
    monkeypatch.setattr(web_routes, "STATIC_DIR", tmp_path)
    resp = await api.client.get("/")
    assert resp.status == 200
    text = await resp.text()
    assert text == ('<head><script>window.PARSE_CONFIG = {"appId": "test", "javascriptKey": "test", '
                    '"mountPath": "/1", "graphQLPath": "/graphql", "playgroundPath": "/playground"};'
                    '</script></head>app')
    assert (await api.client.get("/assets/a.js")).status == 200
    assert (await api.client.get("/assets/../index.html")).status == 404
    assert (await api.client.get("/assets/missing.js")).status == 404


@pytest.mark.parametrize("path", ["/1/health"])
async def test_the_api_still_answers_beside_the_pages(api, path):
    assert (await api.client.get(path)).status == 200


def _fake_build(tmp_path, monkeypatch) -> None:
    for name in ("index.html", "playground.html"):
        (tmp_path / name).write_text(f"<head><!--parse-config--></head>{name}", encoding="utf-8")
    monkeypatch.setattr(web_routes, "STATIC_DIR", tmp_path)


async def _page_config(api, path: str) -> tuple[int, dict | None, str]:
    resp = await api.client.get(path)
    text = await resp.text()
    if resp.status != 200:
        return resp.status, None, text
    start = text.index("window.PARSE_CONFIG = ") + len("window.PARSE_CONFIG = ")
    return resp.status, json.loads(text[start:text.index(";</script>")]), resp.headers["Cache-Control"]


async def test_playground_has_no_master_key_without_mount_playground(api, tmp_path, monkeypatch):
    _fake_build(tmp_path, monkeypatch)
    status, config, cache = await _page_config(api, "/playground")
    assert status == 200 and "masterKey" not in config and cache == "no-cache"


@pytest.mark.parametrize("template_config", [{"mountPlayground": True}])
async def test_mount_playground_fills_in_the_master_key_for_allowed_ips(api, tmp_path, monkeypatch):
    _fake_build(tmp_path, monkeypatch)
    status, config, cache = await _page_config(api, "/playground")  # the test client is 127.0.0.1
    assert status == 200 and config["masterKey"] == "test" and cache == "no-store"
    status, config, _ = await _page_config(api, "/")  # the app page never carries it
    assert status == 200 and "masterKey" not in config


@pytest.mark.parametrize("template_config", [{"mountPlayground": True, "masterKeyIps": ["10.1.2.0/24"]}])
async def test_mount_playground_keeps_the_master_key_from_other_ips(api, tmp_path, monkeypatch):
    _fake_build(tmp_path, monkeypatch)
    status, config, cache = await _page_config(api, "/playground")
    assert status == 200 and "masterKey" not in config and cache == "no-cache"


@pytest.mark.parametrize("template_config", [{"playgroundPath": "tools/api/"}])
async def test_playground_path_moves_the_page_and_the_links(api, tmp_path, monkeypatch):
    _fake_build(tmp_path, monkeypatch)
    status, config, _ = await _page_config(api, "/tools/api")
    assert status == 200 and config["playgroundPath"] == "/tools/api"
    assert (await api.client.get("/playground")).status == 404
    html = await (await api.client.get("/docs")).text()
    assert 'href="/tools/api"' in html and 'href="/playground"' not in html
