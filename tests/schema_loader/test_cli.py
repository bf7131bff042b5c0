"""`parse-clone schema load | export | docs | check`, on a database directly and over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp
import pytest

from parse_clone.app import build_app, build_server
from parse_clone.cli import main
from parse_clone.commands.remote import HttpSchemaTarget, ParseRest
from parse_clone.errors import ParseError
from parse_clone.schema_loader import LoadOptions, load_schema, read_schema_file
from parse_clone.schema_loader.docs import BEGIN, END
from tests.conftest import make_config, make_storage

REPO = Path(__file__).resolve().parents[2]
SCHEMA = str(REPO / "schema.json")


def cli(*argv: str) -> int:
    with pytest.raises(SystemExit) as caught:
        main(list(argv))
    return caught.value.code


@pytest.fixture
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite3'}"


def test_load_prints_the_plan_then_applies_it(db, capsys):
    assert cli("schema", "load", SCHEMA, "--databaseURI", db) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Plan for {SCHEMA}:\n  + class _User (1 fields, 0 indexes)\n    + field role: String\n")
    assert out.endswith("  created ServiceLog\nApplied.\n")


def test_loading_twice_changes_nothing(db, capsys):
    cli("schema", "load", SCHEMA, "--databaseURI", db)
    capsys.readouterr()
    assert cli("schema", "load", SCHEMA, "--databaseURI", db) == 0
    assert capsys.readouterr().out == (f"Plan for {SCHEMA}:\n  nothing to change: the database already matches "
                                       "the file\n0 change(s) to apply, 0 refused.\n")


def test_a_dry_run_applies_nothing(db, capsys):
    assert cli("schema", "load", SCHEMA, "--databaseURI", db, "--dry-run") == 0
    assert capsys.readouterr().out.endswith("38 change(s) to apply, 0 refused.\nDry run: nothing applied.\n")
    cli("schema", "load", SCHEMA, "--databaseURI", db, "--dry-run")
    assert "38 change(s) to apply" in capsys.readouterr().out


def test_an_invalid_file_is_rejected_whole_with_every_problem(db, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"classes": [
        {"className": "Good", "fields": {"a": {"type": "String"}}},
        {"className": "Bad", "fields": {"b": {"type": "Pointer"}, "c": {"type": "Numbr"}}}]}))
    assert cli("schema", "load", str(bad), "--databaseURI", db) == 1
    assert capsys.readouterr().err == (
        f"{bad}: invalid schema file, nothing applied (2 problem(s)):\n"
        "  $.classes[1].fields.b: 'targetClass' is a required property\n"
        "  $.classes[1].fields.c.type: 'Numbr' is not a Parse field type (one of String, Number, Boolean, Date, "
        "Object, Array, GeoPoint, File, Bytes, Polygon, Pointer, Relation)\n")
    cli("schema", "load", SCHEMA, "--databaseURI", db, "--dry-run")
    assert "+ class Good" not in capsys.readouterr().out


def test_a_type_change_is_refused_unless_allowed(db, tmp_path, capsys):
    first = tmp_path / "v1.json"
    first.write_text(json.dumps({"classes": [{"className": "Note", "fields": {"n": {"type": "String"}}}]}))
    second = tmp_path / "v2.json"
    second.write_text(json.dumps({"classes": [{"className": "Note", "fields": {"n": {"type": "Number"},
                                                                              "m": {"type": "String"}}}]}))
    cli("schema", "load", str(first), "--databaseURI", db)
    capsys.readouterr()
    assert cli("schema", "load", str(second), "--databaseURI", db) == 1
    captured = capsys.readouterr()
    assert "    ! field n: String -> Number (drops the field's data)  REFUSED" in captured.out
    assert captured.err == "Refused changes: nothing applied.\n"
    assert cli("schema", "load", str(second), "--databaseURI", db, "--allow-type-change") == 0
    assert capsys.readouterr().out.endswith("  dropped from Note: n\n  updated Note\nApplied.\n")


def test_export_writes_a_file_that_loads_as_a_no_op(db, tmp_path, capsys):
    cli("schema", "load", SCHEMA, "--databaseURI", db)
    out = tmp_path / "export.json"
    assert cli("schema", "export", "--databaseURI", db, "--out", str(out)) == 0
    exported = json.loads(out.read_text())
    assert [c["className"] for c in exported["classes"]] == ["User", "Job", "PartsInventory", "ServiceLog",
                                                              "Technician"]
    assert exported["classes"][1]["fields"]["technician"] == {"type": "Pointer", "targetClass": "Technician",
                                                              "required": False}
    capsys.readouterr()
    cli("schema", "load", str(out), "--databaseURI", db)
    assert "nothing to change" in capsys.readouterr().out


def test_check_validates_only(capsys):
    assert cli("schema", "check", SCHEMA) == 0
    assert capsys.readouterr().out == f"{SCHEMA}: valid (5 classes)\n"


def test_docs_replace_the_marked_section_of_a_readme(tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text(f"# App\n\n{BEGIN}\nold\n{END}\n\nmore\n")
    assert cli("schema", "docs", SCHEMA, "--readme", str(readme)) == 0
    text = readme.read_text()
    assert text.startswith(f"# App\n\n{BEGIN}\n\n```mermaid\nerDiagram\n")
    assert text.endswith(f"{END}\n\nmore\n") and "old" not in text


def test_docs_without_markers_fail(tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text("# App\n")
    assert cli("schema", "docs", SCHEMA, "--readme", str(readme)) == 1


# ----- over HTTP, against a running server -----

async def test_the_http_target_loads_through_schemas(aiohttp_server, tmp_path):
    server = build_server(make_config(), make_storage("sqlite", tmp_path))
    running = await aiohttp_server(build_app(server))
    template = read_schema_file(SCHEMA)
    async with aiohttp.ClientSession() as session:
        target = HttpSchemaTarget(ParseRest(str(running.make_url("/1")), "test", "test", session))
        plan, done = await load_schema(template, target, LoadOptions())
        assert "created Job" in done
        again, done = await load_schema(template, target, LoadOptions())
        assert (again.is_empty, done) == (True, [])


async def test_a_locked_server_refuses_the_http_load(aiohttp_server, tmp_path):
    server = build_server(make_config(schema={"definitions": SCHEMA, "lockSchemas": True}),
                          make_storage("sqlite", tmp_path))
    running = await aiohttp_server(build_app(server))
    extra = read_schema_file(SCHEMA)
    extra.classes.append(type(extra.classes[0])(class_name="Extra", fields={}))
    async with aiohttp.ClientSession() as session:
        target = HttpSchemaTarget(ParseRest(str(running.make_url("/1")), "test", "test", session))
        with pytest.raises(ParseError) as caught:
            await load_schema(extra, target, LoadOptions())
    assert (caught.value.code, caught.value.message) == (119, "Cannot perform this operation when schemas "
                                                              "options is used.")
