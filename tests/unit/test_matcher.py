"""The in-memory query matcher: MongoDB semantics on stored-form documents."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parse_clone.errors import ParseError
from parse_clone.language.matcher import (
    MISSING,
    compile_text_score,
    compile_where,
    distance_radians,
    get_path,
    matches,
    sort_documents,
    sort_key,
    text_score,
)


def ptr(class_name: str, object_id: str) -> dict:
    return {"__type": "Pointer", "className": class_name, "objectId": object_id}


def ptr_reordered(class_name: str, object_id: str) -> dict:
    return {"objectId": object_id, "className": class_name, "__type": "Pointer"}


def date(iso: str) -> dict:
    return {"__type": "Date", "iso": iso}


def geopoint(lat: float, lng: float) -> dict:
    return {"__type": "GeoPoint", "latitude": lat, "longitude": lng}


def raises_parse_error(code: int, message: str):
    class _Ctx:
        def __enter__(self):
            self.ctx = pytest.raises(ParseError)
            self.info = self.ctx.__enter__()
            return self.info

        def __exit__(self, *exc):
            handled = self.ctx.__exit__(*exc)
            assert self.info.value.code == code
            assert self.info.value.message == message
            return handled

    return _Ctx()


# ----------------------------------------------------------------------
# Plain equality
# ----------------------------------------------------------------------


def test_empty_where_matches_everything():
    assert matches({"a": 1}, {}) is True


def test_equality_on_string():
    assert matches({"name": "ann"}, {"name": "ann"}) is True
    assert matches({"name": "bob"}, {"name": "ann"}) is False


def test_equality_int_matches_float():
    assert matches({"n": 1.0}, {"n": 1}) is True


def test_equality_number_never_matches_boolean():
    assert matches({"n": 1}, {"n": True}) is False
    assert matches({"n": True}, {"n": 1}) is False
    assert matches({"n": 0}, {"n": False}) is False


def test_equality_boolean():
    assert matches({"b": False}, {"b": False}) is True
    assert matches({"b": True}, {"b": False}) is False


def test_equality_string_does_not_match_number():
    assert matches({"n": "1"}, {"n": 1}) is False


def test_equality_missing_field_does_not_match_value():
    assert matches({}, {"name": "ann"}) is False


def test_scalar_against_array_field_means_contains():
    assert matches({"tags": ["a", "b"]}, {"tags": "b"}) is True
    assert matches({"tags": ["a", "b"]}, {"tags": "c"}) is False


def test_number_against_array_field_means_contains_without_booleans():
    assert matches({"xs": [True, 2]}, {"xs": 1}) is False
    assert matches({"xs": [True, 2.0]}, {"xs": 2}) is True


def test_boolean_against_array_field_means_contains():
    assert matches({"xs": [1, True]}, {"xs": True}) is True
    assert matches({"xs": [1, 0]}, {"xs": False}) is False


def test_array_against_array_field_is_exact_equality():
    assert matches({"tags": ["a", "b"]}, {"tags": ["a", "b"]}) is True
    assert matches({"tags": ["a", "b"]}, {"tags": ["b", "a"]}) is False
    assert matches({"tags": ["a", "b", "c"]}, {"tags": ["a", "b"]}) is False


def test_array_query_matches_nested_array_element():
    assert matches({"m": [["a", "b"], ["c"]]}, {"m": ["c"]}) is True


def test_null_matches_null_and_missing():
    assert matches({"a": None}, {"a": None}) is True
    assert matches({}, {"a": None}) is True
    assert matches({"a": 0}, {"a": None}) is False
    assert matches({"a": ""}, {"a": None}) is False


def test_null_matches_array_holding_null():
    assert matches({"a": [1, None]}, {"a": None}) is True
    assert matches({"a": [1]}, {"a": None}) is False


def test_pointer_equality_ignores_key_order():
    doc = {"owner": ptr("_User", "u1")}
    assert matches(doc, {"owner": ptr_reordered("_User", "u1")}) is True
    assert matches({"owner": ptr_reordered("_User", "u1")}, {"owner": ptr("_User", "u1")}) is True


def test_pointer_equality_requires_same_class_and_id():
    doc = {"owner": ptr("_User", "u1")}
    assert matches(doc, {"owner": ptr("_User", "u2")}) is False
    assert matches(doc, {"owner": ptr("Other", "u1")}) is False


def test_pointer_equality_ignores_extra_keys():
    doc = {"owner": {**ptr("_User", "u1"), "name": "ann"}}
    assert matches(doc, {"owner": ptr("_User", "u1")}) is True


def test_pointer_inside_array_matches_with_different_key_order():
    doc = {"members": [ptr_reordered("_User", "u1"), ptr_reordered("_User", "u2")]}
    assert matches(doc, {"members": ptr("_User", "u2")}) is True
    assert matches(doc, {"members": ptr("_User", "u3")}) is False


def test_pointer_does_not_match_plain_objectid_string():
    assert matches({"owner": "u1"}, {"owner": ptr("_User", "u1")}) is False


def test_date_equality_compares_iso():
    doc = {"due": date("2024-05-01T12:00:00.000Z")}
    assert matches(doc, {"due": date("2024-05-01T12:00:00.000Z")}) is True
    assert matches(doc, {"due": date("2024-05-01T12:00:01.000Z")}) is False


def test_date_equality_normalises_the_query_iso():
    doc = {"due": date("2024-05-01T12:00:00.000Z")}
    assert matches(doc, {"due": {"iso": "2024-05-01T12:00:00Z", "__type": "Date"}}) is True


def test_typed_dict_equality_ignores_key_order():
    doc = {"loc": {"__type": "GeoPoint", "latitude": 1.5, "longitude": 2}}
    assert matches(doc, {"loc": {"longitude": 2.0, "latitude": 1.5, "__type": "GeoPoint"}}) is True


def test_plain_object_equality_is_structural():
    doc = {"meta": {"a": 1, "b": {"c": [1, 2]}}}
    assert matches(doc, {"meta": {"b": {"c": [1, 2]}, "a": 1}}) is True
    assert matches(doc, {"meta": {"a": 1}}) is False


def test_empty_object_query_matches_only_empty_object():
    assert matches({"meta": {}}, {"meta": {}}) is True
    assert matches({"meta": {"a": 1}}, {"meta": {}}) is False


def test_several_fields_must_all_match():
    doc = {"a": 1, "b": 2}
    assert matches(doc, {"a": 1, "b": 2}) is True
    assert matches(doc, {"a": 1, "b": 3}) is False


# ----------------------------------------------------------------------
# Dotted keys
# ----------------------------------------------------------------------


def test_dotted_key_reaches_into_objects():
    doc = {"stats": {"wins": 3, "deep": {"x": "y"}}}
    assert matches(doc, {"stats.wins": 3}) is True
    assert matches(doc, {"stats.deep.x": "y"}) is True
    assert matches(doc, {"stats.losses": None}) is True


def test_dotted_key_through_scalar_is_missing():
    assert matches({"stats": 5}, {"stats.wins": None}) is True
    assert matches({"stats": 5}, {"stats.wins": {"$exists": True}}) is False


def test_dotted_key_fans_out_through_arrays_of_objects():
    doc = {"items": [{"sku": "a", "qty": 1}, {"sku": "b", "qty": 5}]}
    assert matches(doc, {"items.sku": "b"}) is True
    assert matches(doc, {"items.qty": {"$gt": 4}}) is True
    assert matches(doc, {"items.qty": {"$gt": 5}}) is False


def test_dotted_key_numeric_part_indexes_arrays():
    doc = {"items": [{"sku": "a"}, {"sku": "b"}]}
    assert matches(doc, {"items.1.sku": "b"}) is True
    assert matches(doc, {"items.0.sku": "b"}) is False


def test_dotted_ne_through_array_means_no_element_equal():
    doc = {"items": [{"sku": "a"}, {"sku": "b"}]}
    assert matches(doc, {"items.sku": {"$ne": "b"}}) is False
    assert matches(doc, {"items.sku": {"$ne": "c"}}) is True


def test_dotted_null_matches_array_element_without_field():
    assert matches({"items": [{"sku": "a"}, {"qty": 1}]}, {"items.sku": None}) is True
    assert matches({"items": [{"sku": "a"}]}, {"items.sku": None}) is False


def test_dotted_exists_false_through_array():
    assert matches({"items": [{"sku": "a"}, {"qty": 1}]}, {"items.sku": {"$exists": False}}) is False
    assert matches({"items": [{"qty": 1}]}, {"items.sku": {"$exists": False}}) is True


# ----------------------------------------------------------------------
# $eq $ne
# ----------------------------------------------------------------------


def test_eq_is_equality():
    assert matches({"a": 2}, {"a": {"$eq": 2}}) is True
    assert matches({"a": [1, 2]}, {"a": {"$eq": 2}}) is True


def test_eq_with_operator_like_object_compares_literally():
    assert matches({"a": {"$x": 1}}, {"a": {"$eq": {"$x": 1}}}) is True


def test_eq_null_matches_missing():
    assert matches({}, {"a": {"$eq": None}}) is True


def test_ne_scalar():
    assert matches({"a": 1}, {"a": {"$ne": 2}}) is True
    assert matches({"a": 2}, {"a": {"$ne": 2}}) is False


def test_ne_matches_missing_field():
    assert matches({}, {"a": {"$ne": 2}}) is True


def test_ne_null_requires_a_non_null_value():
    assert matches({}, {"a": {"$ne": None}}) is False
    assert matches({"a": None}, {"a": {"$ne": None}}) is False
    assert matches({"a": 0}, {"a": {"$ne": None}}) is True


def test_ne_on_array_field_means_no_element_equal():
    assert matches({"tags": ["a", "b"]}, {"tags": {"$ne": "a"}}) is False
    assert matches({"tags": ["a", "b"]}, {"tags": {"$ne": "c"}}) is True


def test_ne_pointer_compares_class_and_id():
    doc = {"owner": ptr_reordered("_User", "u1")}
    assert matches(doc, {"owner": {"$ne": ptr("_User", "u1")}}) is False
    assert matches(doc, {"owner": {"$ne": ptr("_User", "u2")}}) is True


# ----------------------------------------------------------------------
# $lt $lte $gt $gte
# ----------------------------------------------------------------------


def test_comparisons_on_numbers():
    doc = {"n": 5}
    assert matches(doc, {"n": {"$lt": 6}}) is True
    assert matches(doc, {"n": {"$lt": 5}}) is False
    assert matches(doc, {"n": {"$lte": 5}}) is True
    assert matches(doc, {"n": {"$gt": 4.5}}) is True
    assert matches(doc, {"n": {"$gte": 5.0}}) is True
    assert matches(doc, {"n": {"$gte": 5.1}}) is False


def test_range_with_two_bounds():
    assert matches({"n": 5}, {"n": {"$gt": 1, "$lt": 10}}) is True
    assert matches({"n": 50}, {"n": {"$gt": 1, "$lt": 10}}) is False


def test_comparison_between_number_and_string_never_matches():
    assert matches({"n": "5"}, {"n": {"$gt": 1}}) is False
    assert matches({"n": 5}, {"n": {"$lt": "9"}}) is False


def test_comparison_ignores_booleans_for_numbers():
    assert matches({"n": True}, {"n": {"$gt": 0}}) is False


def test_comparison_between_booleans():
    assert matches({"b": True}, {"b": {"$gt": False}}) is True
    assert matches({"b": False}, {"b": {"$gt": False}}) is False


def test_comparison_on_strings_is_by_code_point():
    assert matches({"s": "b"}, {"s": {"$gt": "a"}}) is True
    assert matches({"s": "B"}, {"s": {"$gt": "a"}}) is False
    assert matches({"s": "é"}, {"s": {"$gt": "z"}}) is True


def test_comparison_on_missing_field_never_matches():
    assert matches({}, {"n": {"$lt": 10}}) is False
    assert matches({}, {"n": {"$gt": 10}}) is False


def test_comparison_on_dates_uses_iso():
    doc = {"due": date("2024-05-01T12:00:00.000Z")}
    assert matches(doc, {"due": {"$gt": date("2024-04-30T00:00:00.000Z")}}) is True
    assert matches(doc, {"due": {"$lt": date("2024-04-30T00:00:00.000Z")}}) is False
    assert matches(doc, {"due": {"$lte": date("2024-05-01T12:00:00.000Z")}}) is True


def test_comparison_date_against_string_never_matches():
    assert matches({"due": "2024-05-01T12:00:00.000Z"}, {"due": {"$lt": date("2030-01-01T00:00:00.000Z")}}) is False


def test_comparison_on_created_at_compares_iso_strings():
    doc = {"createdAt": "2024-05-01T12:00:00.000Z"}
    assert matches(doc, {"createdAt": {"$gt": "2024-04-01T00:00:00.000Z"}}) is True
    assert matches(doc, {"createdAt": {"$lt": "2024-04-01T00:00:00.000Z"}}) is False


def test_date_json_on_created_at_is_read_as_iso_string():
    doc = {"createdAt": "2024-05-01T12:00:00.000Z"}
    assert matches(doc, {"createdAt": {"$gte": date("2024-05-01T12:00:00Z")}}) is True
    assert matches(doc, {"createdAt": date("2024-05-01T12:00:00.000Z")}) is True


def test_comparison_on_array_field_matches_any_element():
    assert matches({"xs": [1, 10]}, {"xs": {"$gt": 5}}) is True
    assert matches({"xs": [1, 2]}, {"xs": {"$gt": 5}}) is False


def test_comparison_on_array_elements_can_be_satisfied_by_different_elements():
    # MongoDB: each bound may be met by a different element.
    assert matches({"xs": [1, 10]}, {"xs": {"$gt": 5, "$lt": 2}}) is True


def test_lte_null_matches_null_and_missing():
    assert matches({}, {"a": {"$lte": None}}) is True
    assert matches({"a": None}, {"a": {"$gte": None}}) is True
    assert matches({"a": 1}, {"a": {"$gte": None}}) is False


def test_lt_null_matches_nothing():
    assert matches({}, {"a": {"$lt": None}}) is False
    assert matches({"a": None}, {"a": {"$gt": None}}) is False


def test_comparison_on_pointers_orders_by_class_then_id():
    doc = {"p": ptr("B", "x")}
    assert matches(doc, {"p": {"$gt": ptr("A", "z")}}) is True
    assert matches(doc, {"p": {"$gt": ptr("B", "y")}}) is False


def test_comparison_between_object_and_number_never_matches():
    assert matches({"p": {"a": 1}}, {"p": {"$gt": 1}}) is False


# ----------------------------------------------------------------------
# $in $nin
# ----------------------------------------------------------------------


def test_in_scalar():
    assert matches({"a": 2}, {"a": {"$in": [1, 2]}}) is True
    assert matches({"a": 3}, {"a": {"$in": [1, 2]}}) is False


def test_in_empty_list_matches_nothing():
    assert matches({"a": 1}, {"a": {"$in": []}}) is False


def test_in_numbers_match_across_int_and_float():
    assert matches({"a": 2.0}, {"a": {"$in": [2]}}) is True


def test_in_does_not_mix_booleans_and_numbers():
    assert matches({"a": True}, {"a": {"$in": [1]}}) is False
    assert matches({"a": 1}, {"a": {"$in": [True]}}) is False
    assert matches({"a": True}, {"a": {"$in": [True]}}) is True


def test_in_on_array_field_means_any_element_in():
    assert matches({"tags": ["a", "b"]}, {"tags": {"$in": ["b", "z"]}}) is True
    assert matches({"tags": ["a", "b"]}, {"tags": {"$in": ["y", "z"]}}) is False


def test_in_whole_array_value():
    assert matches({"tags": ["a", "b"]}, {"tags": {"$in": [["a", "b"]]}}) is True


def test_in_null_matches_missing_and_null():
    assert matches({}, {"a": {"$in": [None, 1]}}) is True
    assert matches({"a": None}, {"a": {"$in": [None]}}) is True
    assert matches({"a": 2}, {"a": {"$in": [None, 1]}}) is False


def test_in_pointers_compare_by_class_and_id():
    doc = {"owner": ptr_reordered("_User", "u1")}
    assert matches(doc, {"owner": {"$in": [ptr("_User", "u2"), ptr("_User", "u1")]}}) is True
    assert matches(doc, {"owner": {"$in": [ptr("Other", "u1")]}}) is False


def test_in_pointers_inside_array_field():
    doc = {"members": [ptr_reordered("_User", "u1")]}
    assert matches(doc, {"members": {"$in": [ptr("_User", "u1")]}}) is True


def test_in_dates_compare_by_iso():
    doc = {"due": date("2024-05-01T12:00:00.000Z")}
    assert matches(doc, {"due": {"$in": [date("2024-05-01T12:00:00Z")]}}) is True


def test_in_plain_objects_compare_structurally():
    doc = {"meta": {"a": 1, "b": 2}}
    assert matches(doc, {"meta": {"$in": [{"b": 2, "a": 1}]}}) is True


def test_in_created_at_with_date_json():
    doc = {"createdAt": "2024-05-01T12:00:00.000Z"}
    assert matches(doc, {"createdAt": {"$in": [date("2024-05-01T12:00:00.000Z")]}}) is True


def test_nin_scalar():
    assert matches({"a": 3}, {"a": {"$nin": [1, 2]}}) is True
    assert matches({"a": 2}, {"a": {"$nin": [1, 2]}}) is False


def test_nin_matches_missing_field():
    assert matches({}, {"a": {"$nin": [1]}}) is True


def test_nin_with_null_excludes_missing():
    assert matches({}, {"a": {"$nin": [None]}}) is False


def test_nin_on_array_field_means_no_element_in():
    assert matches({"tags": ["a", "b"]}, {"tags": {"$nin": ["b"]}}) is False
    assert matches({"tags": ["a", "b"]}, {"tags": {"$nin": ["c"]}}) is True


def test_nin_empty_list_matches_everything():
    assert matches({"a": 1}, {"a": {"$nin": []}}) is True


def test_in_with_non_list_raises_107():
    with raises_parse_error(107, "bad $in value"):
        matches({"a": 1}, {"a": {"$in": 1}})


def test_nin_with_non_list_raises_107():
    with raises_parse_error(107, "bad $nin value"):
        matches({"a": 1}, {"a": {"$nin": "abc"}})


def test_acl_filter_matches_public_documents():
    where = {"_rperm": {"$in": [None, "*", "u1"]}}
    assert matches({"title": "x"}, where) is True


def test_acl_filter_matches_readable_documents():
    where = {"_rperm": {"$in": [None, "*", "u1"]}}
    assert matches({"_rperm": ["u1"]}, where) is True
    assert matches({"_rperm": ["*"]}, where) is True
    assert matches({"_rperm": ["role:Admin", "u1"]}, where) is True


def test_acl_filter_rejects_unreadable_documents():
    where = {"_rperm": {"$in": [None, "*", "u1"]}}
    assert matches({"_rperm": ["u2"]}, where) is False


def test_acl_filter_rejects_master_only_documents():
    assert matches({"_rperm": []}, {"_rperm": {"$in": [None, "*"]}}) is False


# ----------------------------------------------------------------------
# $exists
# ----------------------------------------------------------------------


def test_exists_true():
    assert matches({"a": 0}, {"a": {"$exists": True}}) is True
    assert matches({}, {"a": {"$exists": True}}) is False


def test_exists_true_matches_null_value():
    assert matches({"a": None}, {"a": {"$exists": True}}) is True


def test_exists_false():
    assert matches({}, {"a": {"$exists": False}}) is True
    assert matches({"a": None}, {"a": {"$exists": False}}) is False


def test_exists_combined_with_other_operators():
    assert matches({"a": 3}, {"a": {"$exists": True, "$gt": 2}}) is True
    assert matches({"a": 1}, {"a": {"$exists": True, "$gt": 2}}) is False


# ----------------------------------------------------------------------
# $all
# ----------------------------------------------------------------------


def test_all_requires_every_item():
    doc = {"tags": ["a", "b", "c"]}
    assert matches(doc, {"tags": {"$all": ["a", "c"]}}) is True
    assert matches(doc, {"tags": {"$all": ["a", "z"]}}) is False


def test_all_on_scalar_field():
    assert matches({"tag": "a"}, {"tag": {"$all": ["a"]}}) is True
    assert matches({"tag": "a"}, {"tag": {"$all": ["a", "b"]}}) is False


def test_all_empty_list_matches_nothing():
    assert matches({"tags": ["a"]}, {"tags": {"$all": []}}) is False


def test_all_on_missing_field():
    assert matches({}, {"tags": {"$all": ["a"]}}) is False


def test_all_with_pointers_in_other_key_order():
    doc = {"members": [ptr_reordered("_User", "u1"), ptr_reordered("_User", "u2")]}
    assert matches(doc, {"members": {"$all": [ptr("_User", "u1"), ptr("_User", "u2")]}}) is True
    assert matches(doc, {"members": {"$all": [ptr("_User", "u1"), ptr("_User", "u3")]}}) is False


def test_all_with_regex_items_matches_starts_with():
    doc = {"tags": ["apple", "banana"]}
    assert matches(doc, {"tags": {"$all": [{"$regex": "^\\Qapp\\E"}, {"$regex": "^\\Qban\\E"}]}}) is True
    assert matches(doc, {"tags": {"$all": [{"$regex": "^\\Qapp\\E"}, {"$regex": "^\\Qche\\E"}]}}) is False


def test_all_with_non_list_raises_107():
    with raises_parse_error(107, "bad $all value"):
        matches({"tags": ["a"]}, {"tags": {"$all": "a"}})


# ----------------------------------------------------------------------
# $containedBy
# ----------------------------------------------------------------------


def test_contained_by_all_elements_in_list():
    assert matches({"xs": [1, 2]}, {"xs": {"$containedBy": [1, 2, 3]}}) is True
    assert matches({"xs": [1, 4]}, {"xs": {"$containedBy": [1, 2, 3]}}) is False


def test_contained_by_empty_array_matches():
    assert matches({"xs": []}, {"xs": {"$containedBy": [1]}}) is True


def test_contained_by_missing_field_matches():
    assert matches({}, {"xs": {"$containedBy": [1]}}) is True


def test_contained_by_scalar_field_matches_like_mongo_translation():
    assert matches({"xs": 9}, {"xs": {"$containedBy": [1]}}) is True


def test_contained_by_pointers():
    doc = {"members": [ptr_reordered("_User", "u1")]}
    assert matches(doc, {"members": {"$containedBy": [ptr("_User", "u1"), ptr("_User", "u2")]}}) is True
    assert matches(doc, {"members": {"$containedBy": [ptr("_User", "u2")]}}) is False


def test_contained_by_with_non_list_raises_107():
    with raises_parse_error(107, "bad $containedBy: should be an array"):
        matches({"xs": [1]}, {"xs": {"$containedBy": 1}})


# ----------------------------------------------------------------------
# $regex
# ----------------------------------------------------------------------


def test_regex_searches_anywhere():
    assert matches({"s": "hello world"}, {"s": {"$regex": "wor"}}) is True
    assert matches({"s": "hello world"}, {"s": {"$regex": "^wor"}}) is False


def test_regex_case_insensitive_option():
    assert matches({"s": "Hello"}, {"s": {"$regex": "^hello$", "$options": "i"}}) is True
    assert matches({"s": "Hello"}, {"s": {"$regex": "^hello$"}}) is False


def test_regex_multiline_option():
    assert matches({"s": "a\nbc"}, {"s": {"$regex": "^bc", "$options": "m"}}) is True
    assert matches({"s": "a\nbc"}, {"s": {"$regex": "^bc"}}) is False


def test_regex_dotall_option():
    assert matches({"s": "a\nb"}, {"s": {"$regex": "a.b", "$options": "s"}}) is True
    assert matches({"s": "a\nb"}, {"s": {"$regex": "a.b"}}) is False


def test_regex_extended_option_ignores_whitespace():
    assert matches({"s": "abc"}, {"s": {"$regex": "a b  c # comment", "$options": "x"}}) is True


def test_regex_quoted_literal_starts_with():
    assert matches({"s": "a.b*c!"}, {"s": {"$regex": "^\\Qa.b*c\\E"}}) is True
    assert matches({"s": "axb*c"}, {"s": {"$regex": "^\\Qa.b*c\\E"}}) is False


def test_regex_quoted_literal_ends_with():
    assert matches({"s": "file.txt"}, {"s": {"$regex": "\\Q.txt\\E$"}}) is True
    assert matches({"s": "filetxt"}, {"s": {"$regex": "\\Q.txt\\E$"}}) is False


def test_regex_on_non_string_does_not_match():
    assert matches({"n": 123}, {"n": {"$regex": "1"}}) is False
    assert matches({}, {"n": {"$regex": ".*"}}) is False
    assert matches({"n": None}, {"n": {"$regex": ".*"}}) is False


def test_regex_on_array_of_strings_matches_any_element():
    assert matches({"tags": ["alpha", "beta"]}, {"tags": {"$regex": "^be"}}) is True
    assert matches({"tags": ["alpha", 1]}, {"tags": {"$regex": "^be"}}) is False


def test_regex_bad_options_raise_102():
    with raises_parse_error(102, "Bad $options value for query: q"):
        matches({"s": "a"}, {"s": {"$regex": "a", "$options": "q"}})


def test_regex_non_string_options_raise_102():
    with raises_parse_error(102, "Bad $options value for query: 1"):
        matches({"s": "a"}, {"s": {"$regex": "a", "$options": 1}})


def test_regex_invalid_pattern_raises_102():
    with pytest.raises(ParseError) as info:
        matches({"s": "a"}, {"s": {"$regex": "a("}})
    assert info.value.code == 102
    assert info.value.message.startswith("Invalid regular expression: /a(/: ")


def test_regex_non_string_pattern_raises_107():
    with raises_parse_error(107, "bad regex: 5"):
        matches({"s": "a"}, {"s": {"$regex": 5}})


def test_options_without_regex_raises_107():
    with raises_parse_error(107, "Invalid constraint: $options"):
        matches({"s": "a"}, {"s": {"$options": "i"}})


def test_ne_combined_with_regex():
    assert matches({"s": "abc"}, {"s": {"$regex": "^a", "$ne": "abc"}}) is False
    assert matches({"s": "abd"}, {"s": {"$regex": "^a", "$ne": "abc"}}) is True


# ----------------------------------------------------------------------
# Geo
# ----------------------------------------------------------------------


def test_near_sphere_without_max_distance_matches_any_point():
    assert matches({"loc": geopoint(10, 10)}, {"loc": {"$nearSphere": geopoint(-40, 100)}}) is True


def test_near_sphere_does_not_match_missing_or_non_point():
    assert matches({}, {"loc": {"$nearSphere": geopoint(0, 0)}}) is False
    assert matches({"loc": "here"}, {"loc": {"$nearSphere": geopoint(0, 0)}}) is False


def test_near_sphere_with_max_distance_in_radians():
    where = {"loc": {"$nearSphere": geopoint(0, 0), "$maxDistance": math.radians(1.0)}}
    assert matches({"loc": geopoint(0, 0.99)}, where) is True
    assert matches({"loc": geopoint(0, 1.01)}, where) is False


def test_near_sphere_max_distance_is_inclusive():
    where = {"loc": {"$nearSphere": geopoint(0, 0), "$maxDistance": math.radians(1.0) + 1e-12}}
    assert matches({"loc": geopoint(0, 1.0)}, where) is True


def test_near_sphere_max_distance_across_the_antimeridian():
    where = {"loc": {"$nearSphere": geopoint(0, 179.5), "$maxDistance": math.radians(1.5)}}
    assert matches({"loc": geopoint(0, -179.5)}, where) is True


def test_near_sphere_max_distance_in_kilometers():
    where = {"loc": {"$nearSphere": geopoint(0, 0), "$maxDistanceInKilometers": 200}}
    assert matches({"loc": geopoint(0, 1)}, where) is True  # about 111 km
    assert matches({"loc": geopoint(0, 2)}, where) is False  # about 222 km


def test_max_distance_without_near_sphere_raises_107():
    with raises_parse_error(107, "Invalid constraint: $maxDistance"):
        matches({}, {"loc": {"$maxDistance": 1}})


def test_near_sphere_with_bad_point_raises_107():
    with pytest.raises(ParseError) as info:
        matches({}, {"loc": {"$nearSphere": "here"}})
    assert info.value.code == 107


def test_within_box_includes_inside_and_border():
    where = {"loc": {"$within": {"$box": [geopoint(0, 0), geopoint(10, 10)]}}}
    assert matches({"loc": geopoint(5, 5)}, where) is True
    assert matches({"loc": geopoint(10, 10)}, where) is True
    assert matches({"loc": geopoint(0, 5)}, where) is True
    assert matches({"loc": geopoint(10.01, 5)}, where) is False
    assert matches({"loc": geopoint(5, -0.01)}, where) is False


def test_within_box_accepts_corners_in_any_order():
    where = {"loc": {"$within": {"$box": [geopoint(10, 10), geopoint(0, 0)]}}}
    assert matches({"loc": geopoint(5, 5)}, where) is True


def test_within_box_does_not_match_missing_field():
    where = {"loc": {"$within": {"$box": [geopoint(0, 0), geopoint(10, 10)]}}}
    assert matches({}, where) is False


def test_within_malformed_box_raises_107():
    with raises_parse_error(107, "malformatted $within arg"):
        matches({}, {"loc": {"$within": {"$box": [geopoint(0, 0)]}}})


def test_geo_within_polygon_inside_border_outside():
    square = [geopoint(0, 0), geopoint(0, 10), geopoint(10, 10), geopoint(10, 0)]
    where = {"loc": {"$geoWithin": {"$polygon": square}}}
    assert matches({"loc": geopoint(1.5, 1.5)}, where) is True
    assert matches({"loc": geopoint(10, 10)}, where) is True
    assert matches({"loc": geopoint(5, 10)}, where) is True
    assert matches({"loc": geopoint(20, 20)}, where) is False


def test_geo_within_polygon_closed_path():
    ring = [geopoint(0, 0), geopoint(0, 10), geopoint(10, 10), geopoint(10, 0), geopoint(0, 0)]
    where = {"loc": {"$geoWithin": {"$polygon": ring}}}
    assert matches({"loc": geopoint(1.5, 1.5)}, where) is True
    assert matches({"loc": geopoint(-1, 5)}, where) is False


def test_geo_within_polygon_concave():
    # An L shape: the notch at the top right is outside.
    shape = [geopoint(0, 0), geopoint(0, 10), geopoint(5, 10), geopoint(5, 5), geopoint(10, 5), geopoint(10, 0)]
    where = {"loc": {"$geoWithin": {"$polygon": shape}}}
    assert matches({"loc": geopoint(8, 2)}, where) is True
    assert matches({"loc": geopoint(8, 8)}, where) is False


def test_geo_within_polygon_raw_pairs_read_as_longitude_latitude():
    where = {"loc": {"$geoWithin": {"$polygon": [[0, 0], [20, 0], [20, 1], [0, 1]]}}}
    assert matches({"loc": geopoint(0.5, 15)}, where) is True
    assert matches({"loc": geopoint(15, 0.5)}, where) is False


def test_geo_within_polygon_with_fewer_than_three_points_raises_107():
    with pytest.raises(ParseError) as info:
        matches({}, {"loc": {"$geoWithin": {"$polygon": [geopoint(0, 0), geopoint(1, 1)]}}})
    assert info.value.code == 107


def test_geo_within_center_sphere():
    where = {"loc": {"$geoWithin": {"$centerSphere": [geopoint(0, 0), math.radians(2)]}}}
    assert matches({"loc": geopoint(1, 1)}, where) is True
    assert matches({"loc": geopoint(3, 0)}, where) is False


def test_geo_within_center_sphere_accepts_longitude_latitude_pair():
    where = {"loc": {"$geoWithin": {"$centerSphere": [[100, 0], math.radians(1)]}}}
    assert matches({"loc": geopoint(0, 100.5)}, where) is True
    assert matches({"loc": geopoint(100.5, 0)}, where) is False


def test_geo_within_center_sphere_negative_radius_raises_107():
    with pytest.raises(ParseError) as info:
        matches({}, {"loc": {"$geoWithin": {"$centerSphere": [geopoint(0, 0), -1]}}})
    assert info.value.code == 107


def test_geo_within_unknown_shape_raises_107():
    with raises_parse_error(107, "bad $geoWithin value"):
        matches({}, {"loc": {"$geoWithin": {"$circle": 1}}})


def test_geo_intersects_point_in_polygon_field():
    area = {"__type": "Polygon", "coordinates": [[0, 0], [0, 1], [1, 1], [1, 0]]}
    assert matches({"area": area}, {"area": {"$geoIntersects": {"$point": geopoint(0.5, 0.5)}}}) is True
    assert matches({"area": area}, {"area": {"$geoIntersects": {"$point": geopoint(2, 2)}}}) is False


def test_geo_intersects_point_on_border_counts():
    area = {"__type": "Polygon", "coordinates": [[0, 0], [0, 1], [1, 1], [1, 0]]}
    assert matches({"area": area}, {"area": {"$geoIntersects": {"$point": geopoint(0, 0.5)}}}) is True
    assert matches({"area": area}, {"area": {"$geoIntersects": {"$point": geopoint(1, 1)}}}) is True


def test_geo_intersects_on_non_polygon_field_does_not_match():
    where = {"area": {"$geoIntersects": {"$point": geopoint(0, 0)}}}
    assert matches({"area": geopoint(0, 0)}, where) is False
    assert matches({}, where) is False


def test_geo_intersects_bad_point_raises_107():
    with raises_parse_error(107, "bad $geoIntersect value; $point should be GeoPoint"):
        matches({}, {"area": {"$geoIntersects": {"$point": [0, 0]}}})


def test_distance_radians_is_exported():
    assert distance_radians(geopoint(0, 0), geopoint(0, 90)) == pytest.approx(math.pi / 2)


# ----------------------------------------------------------------------
# $text
# ----------------------------------------------------------------------

SUBJECTS = [
    "coffee",
    "Coffee Shopping",
    "Baking a cake",
    "baking",
    "Café Con Leche",
    "Сырники",
    "coffee and cream",
    "Cafe con Leche",
]


def text_where(term: str, **options) -> dict:
    return {"subject": {"$text": {"$search": {"$term": term, **options}}}}


def text_hits(where: dict) -> list[str]:
    pred = compile_where(where)
    return [s for s in SUBJECTS if pred({"subject": s})]


def test_text_matches_word_case_insensitively():
    assert text_hits(text_where("coffee")) == ["coffee", "Coffee Shopping", "coffee and cream"]


def test_text_matches_stemmed_words():
    assert text_hits(text_where("bake")) == ["Baking a cake", "baking"]


def test_text_terms_are_ored():
    assert text_hits(text_where("cream cake")) == ["Baking a cake", "coffee and cream"]


def test_text_phrase_must_appear():
    assert text_hits(text_where('"coffee shop"')) == ["Coffee Shopping"]


def test_text_negated_term_excludes():
    assert text_hits(text_where("coffee -cream")) == ["coffee", "Coffee Shopping"]


def test_text_only_negations_match_nothing():
    assert text_hits(text_where("-coffee")) == []


def test_text_is_diacritic_insensitive_by_default():
    assert text_hits(text_where("CAFÉ")) == ["Café Con Leche", "Cafe con Leche"]


def test_text_diacritic_sensitive():
    assert text_hits(text_where("CAFÉ", **{"$diacriticSensitive": True})) == ["Café Con Leche"]


def test_text_case_sensitive():
    assert text_hits(text_where("Coffee", **{"$caseSensitive": True})) == ["Coffee Shopping"]


def test_text_with_language():
    assert text_hits(text_where("leche", **{"$language": "spanish"})) == ["Café Con Leche", "Cafe con Leche"]


def test_text_non_latin_words():
    assert text_hits(text_where("сырники")) == ["Сырники"]


def test_text_stop_words_alone_match_nothing():
    assert text_hits(text_where("and")) == []


def test_text_on_array_of_strings():
    assert matches({"subject": ["tea", "black coffee"]}, text_where("coffee")) is True


def test_text_on_non_string_does_not_match():
    assert matches({"subject": 5}, text_where("5")) is False
    assert matches({}, text_where("coffee")) is False


def test_text_without_term_raises_107():
    with raises_parse_error(107, "bad $text: $term, should be string"):
        matches({}, {"subject": {"$text": {"$search": {}}}})


def test_text_with_non_object_search_raises_107():
    with raises_parse_error(107, "bad $text: $search, should be object"):
        matches({}, {"subject": {"$text": {"$search": True}}})


def test_text_with_bad_case_sensitive_raises_107():
    with raises_parse_error(107, "bad $text: $caseSensitive, should be boolean"):
        matches({}, text_where("x", **{"$caseSensitive": "yes"}))


def test_text_score_prefers_the_exact_field():
    where = text_where("cake")
    assert text_score({"subject": "cake"}, where) == pytest.approx(1.1)
    assert text_score({"subject": "Baking a cake"}, where) == pytest.approx(0.75)


def test_text_score_orders_coffee_subjects():
    score = compile_text_score(text_where("coffee"))
    assert score({"subject": "coffee"}) == pytest.approx(1.0)
    assert score({"subject": "Coffee Shopping"}) == pytest.approx(0.75)
    assert score({"subject": "coffee and cream"}) == pytest.approx(0.75)


def test_text_score_grows_with_repetitions():
    where = text_where("coffee")
    assert text_score({"subject": "coffee coffee tea"}, where) > text_score({"subject": "coffee tea"}, where)


def test_text_score_is_zero_for_non_matching_document():
    assert text_score({"subject": "tea"}, text_where("coffee")) == 0.0


def test_text_score_is_zero_without_text_constraint():
    assert text_score({"subject": "coffee"}, {"subject": "coffee"}) == 0.0


def test_text_score_finds_text_inside_and():
    where = {"$and": [{"n": 1}, text_where("coffee")]}
    assert text_score({"subject": "coffee"}, where) == pytest.approx(1.0)


# ----------------------------------------------------------------------
# $or $and $nor
# ----------------------------------------------------------------------


def test_or_matches_if_any_branch_matches():
    where = {"$or": [{"a": 1}, {"b": 2}]}
    assert matches({"a": 1}, where) is True
    assert matches({"b": 2}, where) is True
    assert matches({"a": 2, "b": 1}, where) is False


def test_and_requires_every_branch():
    where = {"$and": [{"a": {"$gt": 1}}, {"a": {"$lt": 5}}]}
    assert matches({"a": 3}, where) is True
    assert matches({"a": 7}, where) is False


def test_nor_requires_no_branch():
    where = {"$nor": [{"a": 1}, {"b": 2}]}
    assert matches({"a": 3}, where) is True
    assert matches({"b": 2}, where) is False


def test_logical_operators_nest():
    where = {"$or": [{"$and": [{"a": 1}, {"$nor": [{"b": 2}]}]}, {"c": 3}]}
    assert matches({"a": 1, "b": 1}, where) is True
    assert matches({"a": 1, "b": 2}, where) is False
    assert matches({"a": 1, "b": 2, "c": 3}, where) is True


def test_logical_operator_combines_with_fields():
    where = {"kind": "x", "$or": [{"a": 1}, {"a": 2}]}
    assert matches({"kind": "x", "a": 2}, where) is True
    assert matches({"kind": "y", "a": 2}, where) is False


def test_or_with_non_list_raises_102():
    with raises_parse_error(102, "Bad $or format - use an array of at least 1 value."):
        matches({}, {"$or": {"a": 1}})


def test_empty_nor_raises_102():
    with raises_parse_error(102, "Bad $nor format - use an array of at least 1 value."):
        matches({}, {"$nor": []})


def test_non_dict_where_raises_102():
    with raises_parse_error(102, "where must be a JSON object"):
        matches({}, [])  # type: ignore[arg-type]


# ----------------------------------------------------------------------
# Unknown operators never match silently
# ----------------------------------------------------------------------


@pytest.mark.parametrize("op", ["$near", "$size", "$elemMatch", "$where", "$relatedTo", "$inQuery", "$select"])
def test_unknown_field_operator_raises_107(op):
    with raises_parse_error(107, f"Invalid constraint: {op}"):
        matches({"a": 1}, {"a": {op: 1}})


def test_unknown_top_level_operator_raises_107():
    with raises_parse_error(107, "Invalid constraint: $where"):
        matches({"a": 1}, {"$where": "this.a == 1"})


def test_operator_dict_with_plain_key_raises_107():
    with raises_parse_error(107, "Invalid constraint: b"):
        matches({"a": 1}, {"a": {"$gt": 0, "b": 1}})


# ----------------------------------------------------------------------
# compile_where
# ----------------------------------------------------------------------


def test_compiled_where_is_reusable():
    pred = compile_where({"n": {"$gte": 2}, "tags": "x"})
    docs = [{"n": 1, "tags": ["x"]}, {"n": 2, "tags": ["x"]}, {"n": 3, "tags": ["y"]}]
    assert [pred(d) for d in docs] == [False, True, False]


def test_compile_where_validates_before_any_document():
    with pytest.raises(ParseError):
        compile_where({"a": {"$bogus": 1}})


# ----------------------------------------------------------------------
# get_path
# ----------------------------------------------------------------------


def test_get_path_top_level_and_nested():
    doc = {"a": {"b": {"c": 3}}, "x": None}
    assert get_path(doc, "a.b.c") == 3
    assert get_path(doc, "a.b") == {"c": 3}
    assert get_path(doc, "x") is None


def test_get_path_missing():
    assert get_path({"a": 1}, "b") is MISSING
    assert get_path({"a": 1}, "a.b") is MISSING


def test_get_path_through_array_of_objects_lists_values():
    doc = {"items": [{"sku": "a"}, {"qty": 1}, {"sku": "b"}]}
    assert get_path(doc, "items.sku") == ["a", "b"]
    assert get_path(doc, "items.1.qty") == 1
    assert get_path(doc, "items.color") is MISSING


def test_missing_is_falsy_singleton():
    assert bool(MISSING) is False
    assert repr(MISSING) == "MISSING"


# ----------------------------------------------------------------------
# sort_key and sort_documents
# ----------------------------------------------------------------------


def test_sort_key_orders_types_like_bson():
    values = [
        date("2020-01-01T00:00:00.000Z"),
        True,
        {"__type": "Bytes", "base64": "AA=="},
        [1],
        {"a": 1},
        "s",
        3,
        None,
    ]
    ordered = sorted(values, key=sort_key)
    assert ordered == [None, 3, "s", {"a": 1}, [1], {"__type": "Bytes", "base64": "AA=="}, True, date("2020-01-01T00:00:00.000Z")]


def test_sort_key_missing_equals_null():
    assert sort_key(MISSING) == sort_key(None)


def test_sort_key_numbers_across_int_and_float():
    assert sorted([2.5, 1, 3, -0.5], key=sort_key) == [-0.5, 1, 2.5, 3]


def test_sort_key_nan_sorts_below_numbers():
    assert sort_key(float("nan")) < sort_key(-1e308)


def test_sort_key_booleans():
    assert sort_key(False) < sort_key(True)


def test_sort_key_dates_by_iso():
    assert sort_key(date("2020-01-01T00:00:00.000Z")) < sort_key(date("2021-01-01T00:00:00.000Z"))


def test_sort_key_pointers_by_class_then_id():
    assert sort_key(ptr_reordered("A", "z")) < sort_key(ptr("B", "a")) < sort_key(ptr("B", "b"))


def test_sort_key_pointer_ignores_key_order():
    assert sort_key(ptr("A", "x")) == sort_key(ptr_reordered("A", "x"))


def test_sort_key_arrays_compare_element_by_element():
    assert sort_key([1, 2]) < sort_key([1, 3]) < sort_key([2])
    assert sort_key([1]) < sort_key([1, 0])


def test_sort_documents_ascending_mixed_types():
    docs = [{"v": True}, {"v": "a"}, {}, {"v": 3}, {"v": {"x": 1}}, {"v": None}]
    result = sort_documents(docs, [("v", 1)])
    assert result == [{}, {"v": None}, {"v": 3}, {"v": "a"}, {"v": {"x": 1}}, {"v": True}]


def test_sort_documents_descending():
    docs = [{"v": 1}, {"v": 3}, {"v": 2}]
    assert sort_documents(docs, [("v", -1)]) == [{"v": 3}, {"v": 2}, {"v": 1}]


def test_sort_documents_is_stable():
    docs = [{"k": 1, "id": "a"}, {"k": 0, "id": "b"}, {"k": 1, "id": "c"}, {"k": 0, "id": "d"}]
    assert [d["id"] for d in sort_documents(docs, [("k", 1)])] == ["b", "d", "a", "c"]
    assert [d["id"] for d in sort_documents(docs, [("k", -1)])] == ["a", "c", "b", "d"]


def test_sort_documents_multiple_keys():
    docs = [{"a": 1, "b": 1}, {"a": 0, "b": 5}, {"a": 1, "b": 2}, {"a": 0, "b": 7}]
    result = sort_documents(docs, [("a", 1), ("b", -1)])
    assert result == [{"a": 0, "b": 7}, {"a": 0, "b": 5}, {"a": 1, "b": 2}, {"a": 1, "b": 1}]


def test_sort_documents_dotted_key():
    docs = [{"s": {"n": 2}}, {"s": {"n": 1}}, {"s": {}}]
    assert sort_documents(docs, [("s.n", 1)]) == [{"s": {}}, {"s": {"n": 1}}, {"s": {"n": 2}}]


def test_sort_documents_array_ascending_uses_smallest_element():
    docs = [{"id": "a", "v": [5, 1]}, {"id": "b", "v": 2}, {"id": "c", "v": [3, 4]}]
    assert [d["id"] for d in sort_documents(docs, [("v", 1)])] == ["a", "b", "c"]


def test_sort_documents_array_descending_uses_largest_element():
    docs = [{"id": "a", "v": [5, 1]}, {"id": "b", "v": 6}, {"id": "c", "v": [3, 4]}]
    assert [d["id"] for d in sort_documents(docs, [("v", -1)])] == ["b", "a", "c"]


def test_sort_documents_empty_array_sorts_below_null():
    docs = [{"id": "null", "v": None}, {"id": "empty", "v": []}, {"id": "one", "v": [1]}]
    assert [d["id"] for d in sort_documents(docs, [("v", 1)])] == ["empty", "null", "one"]
    assert [d["id"] for d in sort_documents(docs, [("v", -1)])] == ["one", "null", "empty"]


def test_sort_documents_through_array_of_objects():
    docs = [{"id": "a", "items": [{"q": 9}, {"q": 4}]}, {"id": "b", "items": [{"q": 5}]}]
    assert [d["id"] for d in sort_documents(docs, [("items.q", 1)])] == ["a", "b"]
    assert [d["id"] for d in sort_documents(docs, [("items.q", -1)])] == ["a", "b"]


def test_sort_documents_by_date_and_created_at():
    docs = [
        {"id": "late", "due": date("2024-02-01T00:00:00.000Z"), "createdAt": "2024-01-02T00:00:00.000Z"},
        {"id": "early", "due": date("2024-01-01T00:00:00.000Z"), "createdAt": "2024-01-03T00:00:00.000Z"},
    ]
    assert [d["id"] for d in sort_documents(docs, [("due", 1)])] == ["early", "late"]
    assert [d["id"] for d in sort_documents(docs, [("createdAt", 1)])] == ["late", "early"]


def test_sort_documents_returns_new_list():
    docs = [{"v": 2}, {"v": 1}]
    result = sort_documents(docs, [("v", 1)])
    assert docs == [{"v": 2}, {"v": 1}]
    assert result == [{"v": 1}, {"v": 2}]


# ----------------------------------------------------------------------
# Properties
# ----------------------------------------------------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(-5, 5, allow_nan=False),
    st.sampled_from(["a", "b", "B", ""]),
)
_typed = st.one_of(
    st.builds(ptr, st.sampled_from(["A", "B"]), st.sampled_from(["x", "y"])),
    st.builds(ptr_reordered, st.sampled_from(["A", "B"]), st.sampled_from(["x", "y"])),
    st.builds(date, st.sampled_from(["2024-01-01T00:00:00.000Z", "2025-01-01T00:00:00.000Z"])),
    st.builds(geopoint, st.integers(-2, 2), st.integers(-2, 2)),
)
_json = st.recursive(
    st.one_of(_scalars, _typed),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(["a", "b", "__type"]), children, max_size=3),
    ),
    max_leaves=6,
)
_FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FAST
@given(st.lists(_json, max_size=8))
def test_sort_key_never_raises_and_sorts(values):
    ordered = sorted(values, key=sort_key)
    keys = [sort_key(v) for v in ordered]
    assert keys == sorted(keys)


@_FAST
@given(st.lists(st.dictionaries(st.sampled_from(["v", "w"]), _json, max_size=2), max_size=6))
def test_sort_documents_never_raises(docs):
    assert len(sort_documents(docs, [("v", 1), ("w", -1)])) == len(docs)
    assert len(sort_documents(docs, [("v.a", -1)])) == len(docs)


@_FAST
@given(st.one_of(st.just(MISSING), _json), st.lists(st.one_of(_scalars, _typed, st.lists(_scalars, max_size=2)), max_size=4))
def test_in_equals_or_of_equalities(value, items):
    doc = {} if value is MISSING else {"f": value}
    expected = any(matches(doc, {"f": {"$eq": item}}) for item in items)
    assert matches(doc, {"f": {"$in": items}}) is expected
    assert matches(doc, {"f": {"$nin": items}}) is (not expected)


@_FAST
@given(_json, _json)
def test_ne_is_negation_of_eq(value, query):
    doc = {"f": value}
    assert matches(doc, {"f": {"$ne": query}}) is (not matches(doc, {"f": {"$eq": query}}))
