"""CloudObject: reading with pending changes, operations, reverting, JSON forms; Python values -> Parse JSON."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from parse_clone.cloud import CloudObject, GeoPoint, parse_date, pointer
from parse_clone.cloud.objects import encode_result, to_parse_json

STORED = {"objectId": "abc", "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-02T00:00:00.000Z",
          "title": "fix sink", "visits": 2, "tags": ["a"]}


def test_reads_server_state_and_pending_changes():
    obj = CloudObject("Job", STORED, changes={"title": "fix tap"})
    assert obj.id == "abc"
    assert obj["title"] == "fix tap"
    assert obj.get("visits") == 2
    assert obj.get("missing", "dflt") == "dflt"
    assert obj.dirty_keys() == ["title"]
    assert obj.dirty("title") and not obj.dirty("visits")


def test_server_managed_keys_in_changes_are_ignored():
    obj = CloudObject("Job", {}, changes={"objectId": "x", "createdAt": "y", "a": 1})
    assert obj.dirty_keys() == ["a"]
    assert obj.is_new


def test_dates_of_the_server_state():
    obj = CloudObject("Job", STORED)
    assert obj.created_at == datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert obj.updated_at == datetime(2024, 1, 2, tzinfo=timezone.utc)
    assert not obj.is_new


def test_client_operations_show_their_effect_when_read():
    obj = CloudObject("Job", STORED, changes={"visits": {"__op": "Increment", "amount": 3},
                                              "tags": {"__op": "AddUnique", "objects": ["a", "b"]}})
    assert obj["visits"] == 5
    assert obj["tags"] == ["a", "b"]


def test_increment_merges_with_a_pending_increment():
    obj = CloudObject("Job", STORED, changes={"visits": {"__op": "Increment", "amount": 1}})
    obj.increment("visits", 2)
    assert obj.changes() == {"visits": {"__op": "Increment", "amount": 3}}
    assert obj["visits"] == 5


def test_increment_after_a_set_becomes_a_set():
    obj = CloudObject("Job", STORED)
    obj["visits"] = 10
    obj.increment("visits")
    assert obj.changes() == {"visits": 11}


def test_array_operations():
    obj = CloudObject("Job", STORED)
    obj.add("tags", "b", "c")
    assert obj.changes() == {"tags": {"__op": "Add", "objects": ["b", "c"]}}
    obj.add("tags", "d")
    assert obj.changes() == {"tags": {"__op": "Add", "objects": ["b", "c", "d"]}}
    obj.remove("tags", "a")  # a different op folds into a plain value
    assert obj.changes() == {"tags": ["b", "c", "d"]}


def test_unset_and_delete_item():
    obj = CloudObject("Job", STORED)
    del obj["title"]
    assert obj.get("title") is None
    assert "title" not in obj
    assert obj.changes() == {"title": {"__op": "Delete"}}


def test_revert_drops_one_or_all_changes():
    obj = CloudObject("Job", STORED, changes={"title": "x", "visits": 9})
    obj.revert("title")
    assert obj["title"] == "fix sink" and obj.dirty_keys() == ["visits"]
    obj.revert()
    assert not obj.dirty()


def test_server_keys_cannot_be_set():
    with pytest.raises(ValueError, match="managed by the server"):
        CloudObject("Job").set("objectId", "x")


def test_set_accepts_a_dict_of_fields():
    obj = CloudObject("Job").set({"a": 1, "b": 2})
    assert obj.changes() == {"a": 1, "b": 2}


def test_python_values_are_stored_as_parse_json():
    other = CloudObject("Tech", {"objectId": "t1"})
    obj = CloudObject("Job")
    obj["when"] = datetime(2024, 5, 1, 12, 30, tzinfo=timezone.utc)
    obj["where"] = GeoPoint(40.5, -73.9)
    obj["tech"] = other
    obj["raw"] = b"hi"
    assert obj.changes() == {
        "when": {"__type": "Date", "iso": "2024-05-01T12:30:00.000Z"},
        "where": {"__type": "GeoPoint", "latitude": 40.5, "longitude": -73.9},
        "tech": {"__type": "Pointer", "className": "Tech", "objectId": "t1"},
        "raw": {"__type": "Bytes", "base64": "aGk="},
    }


def test_values_parse_cannot_hold_are_refused():
    with pytest.raises(TypeError, match="object cannot be sent"):
        CloudObject("Job").set("x", object())
    with pytest.raises(TypeError, match="not a number"):
        to_parse_json(float("nan"))


def test_to_json_applies_changes_and_full_json_adds_the_class():
    obj = CloudObject("Job", STORED, changes={"title": {"__op": "Delete"}, "n": 1})
    as_json = obj.to_json()
    assert "title" not in as_json and as_json["n"] == 1 and as_json["objectId"] == "abc"
    full = obj.to_full_json()
    assert full["__type"] == "Object" and full["className"] == "Job"


def test_pointer_needs_an_id():
    assert CloudObject("Job", {"objectId": "x"}).to_pointer() == pointer("Job", "x")
    with pytest.raises(ValueError, match="unsaved"):
        CloudObject("Job").to_pointer()


def test_objects_compare_by_class_and_id():
    assert CloudObject("Job", {"objectId": "x"}) == CloudObject("Job", {"objectId": "x", "a": 1})
    assert CloudObject("Job", {"objectId": "x"}) != CloudObject("Tech", {"objectId": "x"})
    assert CloudObject("Job") != CloudObject("Job")


def test_an_unbound_object_cannot_save():
    import asyncio

    with pytest.raises(RuntimeError, match="not bound"):
        asyncio.run(CloudObject("Job").save())


def test_encode_result_encodes_objects_in_full_and_dates():
    result = encode_result({"job": CloudObject("Job", {"objectId": "x", "a": 1}),
                            "at": datetime(2024, 1, 1, tzinfo=timezone.utc), "list": (1, 2)})
    assert result == {"job": {"objectId": "x", "a": 1, "__type": "Object", "className": "Job"},
                      "at": {"__type": "Date", "iso": "2024-01-01T00:00:00.000Z"}, "list": [1, 2]}


def test_parse_date_reads_date_values_and_bare_strings():
    expected = datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert parse_date({"__type": "Date", "iso": "2024-01-01T00:00:00.000Z"}) == expected
    assert parse_date("2024-01-01T00:00:00.000Z") == expected
    assert parse_date("nope") is None and parse_date(3) is None


def test_saved_response_becomes_server_state():
    obj = CloudObject("Job").set("a", 1)
    obj._saved({"objectId": "new1", "createdAt": "2024-01-01T00:00:00.000Z"})
    assert obj.id == "new1" and not obj.dirty() and obj["a"] == 1
    assert obj.updated_at == obj.created_at
