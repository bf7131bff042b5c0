"""Planning and applying a schema file through the SchemaController, on every backend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from parse_clone.core.schema.controller import SchemaController
from parse_clone.schema_loader import (
    ControllerTarget,
    LoadOptions,
    PlanRefused,
    format_plan,
    load_schema,
    parse_schema_data,
    read_schema_file,
)
from tests.conftest import make_storage

REPO = Path(__file__).resolve().parents[2]
OPEN = {"find": {"*": True}, "get": {"*": True}, "count": {"*": True}, "create": {"*": True},
        "update": {"*": True}, "delete": {"*": True}}


class CountingTarget(ControllerTarget):
    """A ControllerTarget that records the /schemas calls made."""

    def __init__(self, controller: SchemaController) -> None:
        super().__init__(controller)
        self.calls: list[tuple[str, str]] = []

    async def create_class(self, class_name, fields, clp, indexes):
        self.calls.append(("create", class_name))
        await super().create_class(class_name, fields, clp, indexes)

    async def update_class(self, class_name, fields, clp, indexes):
        self.calls.append(("update", class_name))
        await super().update_class(class_name, fields, clp, indexes)


@pytest.fixture
async def target(backend, tmp_path):
    storage = make_storage(backend, tmp_path)
    await storage.connect()
    yield CountingTarget(SchemaController(storage))
    await storage.close()


def doc(*classes: dict[str, Any]):
    return parse_schema_data({"classes": list(classes)}, "test.json")


def note(**fields: Any) -> dict[str, Any]:
    return {"className": "Note", "fields": fields or {"text": {"type": "String"}}, "classLevelPermissions": OPEN}


async def test_loading_the_template_creates_its_classes(target):
    plan, done = await load_schema(read_schema_file(str(REPO / "schema.json")), target, LoadOptions())
    assert done == ["created _User", "created Technician", "created Job", "created PartsInventory",
                    "created ServiceLog"]
    job = (await target.schemas())["Job"]
    assert job["fields"]["status"] == {"type": "String", "required": True, "defaultValue": "open"}
    assert job["fields"]["technician"] == {"type": "Pointer", "targetClass": "Technician"}
    assert job["indexes"]["technician_status"] == {"technician": 1, "status": 1}
    assert job["classLevelPermissions"]["create"] == {"role:dispatcher": True, "role:manager": True}
    assert job["classLevelPermissions"]["addField"] == {}


async def test_loading_twice_is_a_no_op(target):
    template = read_schema_file(str(REPO / "schema.json"))
    await load_schema(template, target, LoadOptions())
    target.calls.clear()
    plan, done = await load_schema(template, target, LoadOptions())
    assert (plan.is_empty, plan.changes, done, target.calls) == (True, [], [], [])


async def test_an_existing_class_gets_only_what_it_lacks(target):
    await load_schema(doc(note()), target, LoadOptions())
    plan, done = await load_schema(doc(note(text={"type": "String"}, stars={"type": "Number"})), target, LoadOptions())
    assert [(c.action, c.kind, c.name) for c in plan.changes] == [("add", "field", "stars")]
    assert done == ["updated Note"]
    assert (await target.schemas())["Note"]["fields"]["stars"] == {"type": "Number"}


async def test_a_dry_run_prints_the_plan_and_applies_nothing(target):
    await load_schema(doc(note(text={"type": "String"}, old={"type": "String"})), target, LoadOptions())
    changed = note(text={"type": "String", "required": True}, stars={"type": "Number"})
    changed["indexes"] = {"text_1": {"text": 1}}
    changed["classLevelPermissions"] = {**OPEN, "delete": {}}
    before = await target.schemas()
    plan, done = await load_schema(doc(changed, {"className": "Tag", "fields": {"n": {"type": "String"}}}),
                                   target, LoadOptions(delete_extra_fields=True), dry_run=True)
    assert done == [] and await target.schemas() == before
    assert format_plan(plan) == "\n".join([
        "Plan for test.json:",
        "  ~ class Note",
        "    ~ field text: String -> String, required",
        "    + field stars: Number",
        "    - field old: String (not in the file; its data is deleted)",
        "    + index text_1: {\"text\": 1}",
        "    ~ CLP delete: {\"*\": true} -> {}",
        "  + class Tag (1 fields, 0 indexes)",
        "    + field n: String",
        "    + CLP: find: master key only; count: master key only; get: master key only; create: master key only; "
        "update: master key only; delete: master key only; addField: master key only",
        "8 change(s) to apply, 0 refused.",
    ])


async def test_a_type_change_is_refused_and_nothing_is_applied(target):
    await load_schema(doc(note(text={"type": "String"})), target, LoadOptions())
    before = await target.schemas()
    with pytest.raises(PlanRefused) as caught:
        await load_schema(doc(note(text={"type": "Number"}, stars={"type": "Number"})), target, LoadOptions())
    assert caught.value.reasons == [
        "Note.text: String -> Number (drops the field's data): a type change drops the field's data; "
        "allow it with --allow-type-change (recreateModifiedFields)"]
    assert await target.schemas() == before


async def test_a_refused_change_is_shown_in_the_plan(target):
    await load_schema(doc(note(text={"type": "String"})), target, LoadOptions())
    plan, _ = await load_schema(doc(note(text={"type": "Pointer", "targetClass": "User"})), target, LoadOptions(),
                                dry_run=True)
    assert format_plan(plan).splitlines()[2] == (
        "    ! field text: String -> Pointer<_User> (drops the field's data)  REFUSED: a type change drops the "
        "field's data; allow it with --allow-type-change (recreateModifiedFields)")


async def test_an_allowed_type_change_recreates_the_field(target):
    await load_schema(doc(note(text={"type": "String"})), target, LoadOptions())
    plan, done = await load_schema(doc(note(text={"type": "Number"})), target,
                                   LoadOptions(recreate_modified_fields=True))
    assert done == ["dropped from Note: text", "updated Note"]
    assert (await target.schemas())["Note"]["fields"]["text"] == {"type": "Number"}


async def test_required_and_default_changes_update_the_field(target):
    await load_schema(doc(note(text={"type": "String"})), target, LoadOptions())
    await load_schema(doc(note(text={"type": "String", "required": True, "defaultValue": "-"})), target, LoadOptions())
    assert (await target.schemas())["Note"]["fields"]["text"] == {"type": "String", "required": True,
                                                                   "defaultValue": "-"}
    await load_schema(doc(note(text={"type": "String"})), target, LoadOptions())
    assert (await target.schemas())["Note"]["fields"]["text"] == {"type": "String"}


async def test_fields_not_in_the_file_are_kept_unless_asked(target):
    await load_schema(doc(note(text={"type": "String"}, old={"type": "String"})), target, LoadOptions())
    plan, done = await load_schema(doc(note(text={"type": "String"})), target, LoadOptions())
    assert (done, [(k.kind, k.name) for k in plan.kept]) == ([], [("field", "old")])
    await load_schema(doc(note(text={"type": "String"})), target, LoadOptions(delete_extra_fields=True))
    assert "old" not in (await target.schemas())["Note"]["fields"]


async def _reload_with_one_index_changed_one_gone(target, options: LoadOptions):
    """Load Note with indexes by_text and by_stars, then a file where by_text changed and by_stars is gone."""
    first = note(text={"type": "String"}, stars={"type": "Number"})
    first["indexes"] = {"by_text": {"text": 1}, "by_stars": {"stars": 1}}
    await load_schema(doc(first), target, LoadOptions())
    second = note(text={"type": "String"}, stars={"type": "Number"})
    second["indexes"] = {"by_text": {"text": -1}}
    plan, _ = await load_schema(doc(second), target, options)
    return plan


async def test_indexes_are_made_to_match_the_file(target):
    plan = await _reload_with_one_index_changed_one_gone(target, LoadOptions())
    assert [(c.action, c.name) for c in plan.changes] == [("change", "by_text"), ("drop", "by_stars")]
    indexes = (await target.schemas())["Note"]["indexes"]
    assert {k: v for k, v in indexes.items() if k != "_id_"} == {"by_text": {"text": -1}}


async def test_keep_unknown_indexes_keeps_what_the_file_does_not_list(target):
    plan = await _reload_with_one_index_changed_one_gone(target, LoadOptions(keep_unknown_indexes=True))
    assert [(c.action, c.name) for c in plan.changes] == [("change", "by_text")]  # a changed one is still replaced
    assert [(k.kind, k.name) for k in plan.kept] == [("index", "by_stars")]
    indexes = (await target.schemas())["Note"]["indexes"]
    assert {k: v for k, v in indexes.items() if k != "_id_"} == {"by_text": {"text": -1}, "by_stars": {"stars": 1}}


async def test_the_clp_is_the_files_with_add_field_closed(target):
    await load_schema(doc(note()), target, LoadOptions())
    clp = (await target.schemas())["Note"]["classLevelPermissions"]
    assert clp == {**OPEN, "addField": {}, "protectedFields": {}}


async def test_classes_not_in_the_file_keep_their_clp_but_close_add_field(target):
    await target.controller.create_class("Other", {"a": {"type": "String"}}, None, None)
    plan, _ = await load_schema(doc(note()), target, LoadOptions())
    assert [(k.kind, k.class_name) for k in plan.kept] == [("class", "Other")]
    clp = (await target.schemas())["Other"]["classLevelPermissions"]
    assert (clp["find"], clp["addField"]) == ({"*": True}, {})


async def test_parses_internal_classes_are_left_alone(target):
    await target.controller.storage.create_class("_JobStatus", {"className": "_JobStatus", "fields": {},
                                                                "classLevelPermissions": None, "indexes": None})
    plan, _ = await load_schema(doc(note()), target, LoadOptions(strict=True))
    assert [cp.class_name for cp in plan.classes] == ["Note"] and plan.kept == []
