"""Query-string values: JSON when they parse as JSON, else the text as sent (http/request.py)."""

from __future__ import annotations

import pytest

from parse_clone.http.request import decode_query_string


@pytest.mark.parametrize("text, value", [
    ('{"status":"open"}', {"status": "open"}),
    ("20", 20),
    ("-5", -5),
    ("2.5", 2.5),
    ("true", True),
    ("null", None),
    ('["a"]', ["a"]),
    ('"quoted"', "quoted"),
    (" 7", 7),
])
def test_json_values_are_decoded(text, value):
    assert decode_query_string([("v", text)]) == {"v": value}


@pytest.mark.parametrize("text", ["-priority", "priority,-createdAt", "name", "open", "", "-", "{bad", "tru", "1x"])
def test_other_values_stay_text(text):
    assert decode_query_string([("v", text)]) == {"v": text}


def test_a_repeated_parameter_becomes_a_list():
    assert decode_query_string([("keys", "a"), ("keys", "b"), ("keys", "3")]) == {"keys": ["a", "b", 3]}
