"""The `schema` option: defined schemas applied on start, with Parse Server's options; and /schemas field options."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from parse_clone.app import build_app, build_server
from parse_clone.cli import schema_option
from parse_clone.config import load_config
from parse_clone.schema_loader import PlanRefused, SchemaFileError
from parse_clone.schema_loader.startup import defined_schemas_from_option
from tests.conftest import Api, make_config, make_storage

REPO = Path(__file__).resolve().parents[2]
LOCKED = {"code": 119, "error": "Cannot perform this operation when schemas options is used."}
NOTE = {"className": "Note", "fields": {"text": {"type": "String"}},
        "classLevelPermissions": {"find": {"*": True}, "get": {"*": True}, "create": {"*": True}}}


@pytest.fixture
def config_overrides():
    return {"schema": str(REPO / "schema.json")}


async def start(aiohttp_client, backend, tmp_path, storage=None, **overrides) -> Api:
    server = build_server(make_config(**overrides), storage or make_storage(backend, tmp_path))
    return Api(await aiohttp_client(build_app(server)), server)


async def test_the_schema_file_is_applied_on_start(api):
    status, body = await api.get("/schemas/Technician", master=True)
    assert status == 200
    assert body["fields"]["availability"] == {"type": "String", "required": True, "defaultValue": "off_duty"}


async def test_the_session_class_exists_with_add_field_closed(api):
    status, body = await api.get("/schemas/_Session", master=True)
    assert (status, body["classLevelPermissions"]["addField"]) == (200, {})


async def test_clients_cannot_add_fields_to_defined_classes(api):
    status, body = await api.post("/users", {"username": "u", "password": "p", "nickname": "x"})
    assert (status, body) == (400, {"code": 119, "error": "Permission denied for action addField on class _User."})


async def test_schemas_stay_writable_without_lock_schemas(api):
    status, _ = await api.post("/schemas/Extra", {"fields": {"a": {"type": "String"}}}, master=True)
    assert status == 200


@pytest.mark.parametrize("config_overrides", [{"schema": {"definitions": str(REPO / "schema.json"),
                                                          "lockSchemas": True}}])
async def test_lock_schemas_refuses_schema_creation_and_changes(api):
    assert await api.post("/schemas/Extra", {"fields": {}}, master=True) == (400, LOCKED)
    assert await api.post("/schemas", {"className": "Extra"}, master=True) == (400, LOCKED)
    assert await api.put("/schemas/Job", {"fields": {"x": {"type": "String"}}}, master=True) == (400, LOCKED)
    status, _ = await api.get("/schemas/Job", master=True)
    assert status == 200


@pytest.mark.parametrize("config_overrides", [{"schema": {"definitions": [NOTE]}}])
async def test_definitions_may_be_inline_as_in_parse_server(api):
    status, body = await api.get("/schemas/Note", master=True)
    assert (status, body["fields"]["text"]) == (200, {"type": "String"})


def test_an_invalid_schema_file_stops_the_build_before_anything_is_touched(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"classes": [{"className": "A", "fields": {"b": {"type": "Nope"}}}]}))
    with pytest.raises(SchemaFileError) as caught:
        build_server(make_config(schema=str(bad)), make_storage("sqlite", tmp_path))
    assert caught.value.problems == [
        "$.classes[0].fields.b.type: 'Nope' is not a Parse field type (one of String, Number, Boolean, Date, "
        "Object, Array, GeoPoint, File, Bytes, Polygon, Pointer, Relation)"]


@pytest.mark.parametrize("option, message", [
    ({"definitions": [], "beforeMigration": 1}, "schema: unknown option(s) beforeMigration (known: definitions, "
                                                "strict, deleteExtraFields, recreateModifiedFields, lockSchemas, "
                                                "keepUnknownIndexes)"),
    ({"definitions": [], "strict": "yes"}, "schema.strict must be a boolean"),
    ({"strict": True}, "schema.definitions: expected a file path, a list of classes or {\"classes\": [...]}"),
])
def test_bad_schema_options_are_refused(option, message):
    with pytest.raises(ValueError) as caught:
        defined_schemas_from_option(option)
    assert str(caught.value) == message


async def _with_text_as_number(aiohttp_client, tmp_path, strict: bool) -> Api:
    """Start once with Note.text a String, then again with a file where it is a Number (same database)."""
    from parse_clone.storage.sqlite import SQLiteAdapter

    path = str(tmp_path / "defined.sqlite3")
    first = await start(aiohttp_client, "sqlite", tmp_path, SQLiteAdapter(path), schema={"definitions": [NOTE]})
    await first.client.close()
    changed = {**NOTE, "fields": {"text": {"type": "Number"}}}
    return await start(aiohttp_client, "sqlite", tmp_path, SQLiteAdapter(path),
                       schema={"definitions": [changed], "strict": strict})


async def test_without_strict_a_refused_type_change_is_logged_and_skipped(aiohttp_client, tmp_path, caplog):
    caplog.set_level(logging.WARNING, "parse_clone.schema")
    api = await _with_text_as_number(aiohttp_client, tmp_path, strict=False)
    _, body = await api.get("/schemas/Note", master=True)
    assert body["fields"]["text"] == {"type": "String"}
    assert "schema.definitions: Note.text not changed: String -> Number" in caplog.text


async def test_with_strict_a_refused_type_change_stops_the_start(aiohttp_client, tmp_path):
    with pytest.raises(PlanRefused):
        await _with_text_as_number(aiohttp_client, tmp_path, strict=True)


def test_serve_defines_schema_json_of_the_working_directory(tmp_path):
    assert schema_option(None, False, cwd=str(tmp_path)) is None
    (tmp_path / "schema.json").write_text("{}")
    assert schema_option(None, False, cwd=str(tmp_path)) == str(tmp_path / "schema.json")
    assert schema_option(None, True, cwd=str(tmp_path)) is None
    assert schema_option("other.json", False, cwd=str(tmp_path)) == "other.json"


def test_keep_unknown_indexes_reaches_the_load_options_from_env_and_flag():
    config = load_config(None, environ={"PARSE_SERVER_SCHEMA_KEEP_UNKNOWN_INDEXES": "true"}, warnings=[])
    assert config.schema == {"keepUnknownIndexes": True}
    flagged = load_config(None, {"schema.keepUnknownIndexes": "true"}, environ={})
    assert flagged.schema == {"keepUnknownIndexes": True}
    defined = defined_schemas_from_option({**flagged.schema, "definitions": []})
    assert defined is not None and defined.options.keep_unknown_indexes is True
    assert defined_schemas_from_option({"definitions": []}).options.keep_unknown_indexes is False


def test_the_schema_option_takes_a_path_or_parse_servers_object_as_json():
    assert load_config(None, {"schema": "s.json"}, environ={}).schema == "s.json"
    config = load_config(None, {"schema": '{"definitions": "s.json", "lockSchemas": true}'}, environ={})
    assert config.schema == {"definitions": "s.json", "lockSchemas": True}


# ----- /schemas: an existing field's options (what the loader relies on) -----

@pytest.mark.parametrize("config_overrides", [{}])
async def test_put_with_a_fields_type_and_new_options_updates_them(api):
    await api.post("/schemas/Note", {"fields": {"text": {"type": "String"}}}, master=True)
    status, body = await api.put("/schemas/Note", {"fields": {"text": {"type": "String", "required": True}}},
                                 master=True)
    assert (status, body["fields"]["text"]) == (200, {"type": "String", "required": True})


@pytest.mark.parametrize("config_overrides", [{}])
async def test_put_with_another_target_class_is_a_schema_mismatch(api):
    await api.post("/schemas/Note", {"fields": {"owner": {"type": "Pointer", "targetClass": "_User"}}}, master=True)
    status, body = await api.put("/schemas/Note", {"fields": {"owner": {"type": "Pointer", "targetClass": "Note"}}},
                                 master=True)
    assert (status, body) == (400, {"code": 111, "error": "schema mismatch for Note.owner; expected Pointer<_User> "
                                                          "but got Pointer<Note>"})
