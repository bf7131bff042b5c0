"""Reading schema files: the template's format, Parse's definitions, and every problem listed by JSON path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parse_clone.schema_loader import SchemaFileError, parse_schema_data, parse_schema_text, read_schema_file

REPO = Path(__file__).resolve().parents[2]


def problems_of(data) -> list[str]:
    with pytest.raises(SchemaFileError) as caught:
        parse_schema_data(data, "bad.json")
    return caught.value.problems


def test_the_template_schema_is_valid():
    doc = read_schema_file(str(REPO / "schema.json"))
    assert [c.class_name for c in doc.classes] == ["_User", "Technician", "Job", "PartsInventory", "ServiceLog"]


def test_user_means_the_built_in_user_class_as_class_and_as_target():
    doc = read_schema_file(str(REPO / "schema.json"))
    assert doc.get("Technician").fields["user"].target_class == "_User"
    user = doc.get("_User")
    assert list(user.fields) == ["role"]
    assert list(user.builtin_fields) == ["username", "email", "password"]


def test_fields_keep_parse_options_and_doc_extensions():
    doc = read_schema_file(str(REPO / "schema.json"))
    status = doc.get("Job").fields["status"]
    assert status.to_parse() == {"type": "String", "required": True, "defaultValue": "open"}
    assert status.enum == ("open", "assigned", "in_progress", "completed", "cancelled")
    assert status.description.startswith("Moves only along")


def test_a_bare_list_of_classes_is_parse_servers_definitions_form():
    doc = parse_schema_data([{"className": "Note", "fields": {"text": {"type": "String"}}}])
    assert doc.get("Note").fields["text"].to_parse() == {"type": "String"}


def test_an_invalid_file_lists_every_problem_by_json_path():
    bad = {"classes": [
        {"className": "User", "fields": {"role": {"type": "Strnig"}, "username": {"type": "Number"}}},
        {"className": "Job",
         "fields": {"technician": {"type": "Pointer"}, "status": {"type": "String", "requried": True},
                    "priority": {"type": "Number", "defaultValue": "high"}, "where": {"type": "GeoPoint"},
                    "also": {"type": "GeoPoint"}, "owner": {"type": "Pointer", "targetClass": "Persn"},
                    "note": {"type": "String", "targetClass": "Job"}, "length": {"type": "Number"}},
         "indexes": {"by_nothing": {"nothing": 1}, "_id_": {"objectId": 1}},
         "classLevelPermissions": {"find": {"role:x": "yes"}, "fly": {}}},
        {"className": "Job"},
        {"className": "9lives", "fields": {"bad-name": {"type": "String"}}},
        {"className": "_Hooks"},
        {"fields": {}},
    ], "extra": 1}
    assert problems_of(bad) == [
        "$: Additional properties are not allowed ('extra' was unexpected)",
        "$.classes[0].fields.role.type: 'Strnig' is not a Parse field type (one of String, Number, Boolean, Date, "
        "Object, Array, GeoPoint, File, Bytes, Polygon, Pointer, Relation)",
        "$.classes[0].fields.username.type: username is built into _User as String",
        "$.classes[1].classLevelPermissions: 'fly' is not one of ['find', 'count', 'get', 'create', 'update', "
        "'delete', 'addField', 'readUserFields', 'writeUserFields', 'protectedFields']",
        "$.classes[1].classLevelPermissions.find['role:x']: True was expected",
        "$.classes[1].fields: 'length' is not a valid field name",
        "$.classes[1].fields: only one GeoPoint field per class (found where, also)",
        "$.classes[1].fields.note: targetClass is only for Pointer and Relation fields",
        "$.classes[1].fields.owner.targetClass: class Persn is not defined in this file",
        "$.classes[1].fields.priority.defaultValue: \"high\" is not a Number",
        "$.classes[1].fields.status: Additional properties are not allowed ('requried' was unexpected)",
        "$.classes[1].fields.technician: 'targetClass' is a required property",
        "$.classes[1].indexes._id_: the index name _id_ is reserved by Parse",
        "$.classes[1].indexes.by_nothing: field nothing is not a field of Job",
        "$.classes[2].className: class Job is defined twice (also at $.classes[1])",
        "$.classes[3].className: '9lives' is not a valid name (letters, digits and _, starting with a letter)",
        "$.classes[3].fields: 'bad-name' is not a valid name (letters, digits and _, starting with a letter)",
        "$.classes[4].className: '_Hooks' is not a valid class name",
        "$.classes[5]: 'className' is a required property",
    ]


def test_clp_problems_use_parses_wording():
    clp = {"find": {"*": True}, "readUserFields": ["nope"]}
    assert problems_of({"classes": [{"className": "A", "classLevelPermissions": clp}]}) == [
        "$.classes[0].classLevelPermissions: 'nope' is not a valid column for class level pointer permissions "
        "readUserFields"]


def test_enum_values_and_default_must_fit_the_field():
    field = {"type": "String", "enum": ["a", 2], "defaultValue": "c"}
    assert problems_of({"classes": [{"className": "A", "fields": {"f": field}}]}) == [
        "$.classes[0].fields.f.defaultValue: \"c\" is not one of its enum values",
        "$.classes[0].fields.f.enum[1]: 2 is not a String",
    ]


def test_a_relation_takes_no_required_or_default():
    field = {"type": "Relation", "targetClass": "User", "required": True}
    assert problems_of({"classes": [{"className": "A", "fields": {"f": field}}]}) == [
        "$.classes[0].fields.f: a Relation takes neither required nor defaultValue"]


def test_invalid_json_names_line_and_column():
    with pytest.raises(SchemaFileError) as caught:
        parse_schema_text('{"classes": [\n  {"className": "A",}\n]}', "x.json")
    assert caught.value.problems == ["$: invalid JSON: Expecting property name enclosed in double quotes "
                                     "(line 2, column 21)"]


def test_a_missing_file_is_a_problem_too(tmp_path):
    with pytest.raises(SchemaFileError) as caught:
        read_schema_file(str(tmp_path / "nope.json"))
    assert caught.value.problems == ["$: cannot read the file: No such file or directory"]


def test_the_error_message_names_the_file_and_each_problem(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"classes": [{"className": 3}]}))
    with pytest.raises(SchemaFileError) as caught:
        read_schema_file(str(path))
    assert str(caught.value) == f"{path}: 1 problem(s)\n  $.classes[0].className: 3 is not of type 'string'"
