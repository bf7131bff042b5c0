"""schema.json, the cloud code and the README say the same thing."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from parse_clone.schema_loader import read_schema_file
from parse_clone.schema_loader.docs import BEGIN, END, render

REPO = Path(__file__).resolve().parents[2]


def cloud_model():
    spec = importlib.util.spec_from_file_location("template_model", REPO / "cloud" / "_model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_cloud_codes_values_are_the_schemas_enums():
    doc, model = read_schema_file(str(REPO / "schema.json")), cloud_model()
    assert doc.get("_User").fields["role"].enum == model.ROLES
    assert doc.get("Technician").fields["availability"].enum == model.AVAILABILITY
    assert doc.get("Job").fields["status"].enum == model.JOB_STATUSES
    assert set(model.TRANSITIONS) == set(model.JOB_STATUSES)


def test_the_readmes_data_dictionary_is_generated_from_schema_json():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index(BEGIN) + len(BEGIN):readme.index(END)]
    assert section.strip() == render(read_schema_file(str(REPO / "schema.json"))).strip(), (
        "README.md is out of date: run `parse-clone schema docs --readme README.md`")
