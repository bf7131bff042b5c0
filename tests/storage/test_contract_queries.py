"""Storage contract: the where language (storage/base.py), ordering, skip and limit.

One shared data set; each test states one rule of MongoDB's query semantics on
stored-form documents.
"""

from __future__ import annotations

import pytest

from parse_clone.storage.base import FindOptions

from .conftest import date, ids, make_doc, make_schema, pointer, seed

# mongomock compares with Python's ==, so true == 1 there; MongoDB itself keeps them apart.
BOOL_IS_NOT_ONE = pytest.mark.not_on_mongomock("it compares true equal to 1 (Python ==); MongoDB does not")

ITEM = make_schema("Item", name="String", n="Number", flag="Boolean", tags="Array", when="Date",
                   owner="Pointer:_User", members="Array", meta="Object")
# `mixed` is not in the schema: it holds values of several kinds.
DOCS = [
    make_doc("a", name="alpha", n=1, flag=True, tags=["x", "y"], when=date("2024-01-01T00:00:00.000Z"),
             owner=pointer("_User", "u1"), members=[pointer("_User", "u1"), pointer("_User", "u2")],
             meta={"color": "red", "size": 3}, mixed=1, createdAt="2024-01-01T00:00:00.000Z"),
    make_doc("b", name="beta", n=2.5, flag=False, tags=["y"], when=date("2024-02-01T00:00:00.000Z"),
             owner=pointer("_User", "u2"), members=[pointer("_User", "u3")], meta={"color": "blue", "size": 5},
             mixed=True, _rperm=["*"], createdAt="2024-02-01T00:00:00.000Z"),
    make_doc("c", name="gamma", n=10, tags=[], when=date("2024-03-01T00:00:00.000Z"), owner=pointer("_User", "u1"),
             meta={"color": "red"}, mixed="5", _rperm=["u1"], createdAt="2024-03-01T00:00:00.000Z"),
    make_doc("d", name="Delta", n=-3, flag=True, tags=["z", "x"], meta={"list": [{"k": 1}, {"k": 2}]}, mixed=5,
             _rperm=[], createdAt="2024-04-01T00:00:00.000Z"),
    make_doc("e", name=None, mixed=None, _rperm=["u2"], _wperm=["u2"]),
    make_doc("f", _rperm=["role:admin"], _wperm=["role:admin"]),
]


@pytest.fixture
async def items(adapter):
    await seed(adapter, ITEM, DOCS)

    async def q(where, **options):
        docs = await adapter.find("Item", ITEM, where, FindOptions(**options))
        return ids(docs) if options.get("sort") else sorted(ids(docs))

    return q


# ----- equality -----

async def test_equality_on_a_string(items):
    assert await items({"name": "beta"}) == ["b"]


async def test_equality_on_a_number_ignores_int_or_float(items):
    assert await items({"n": 1.0}) == ["a"]


async def test_equality_on_a_boolean(items):
    assert await items({"flag": False}) == ["b"]


@BOOL_IS_NOT_ONE
async def test_true_does_not_match_the_number_one(items):
    assert await items({"mixed": True}) == ["b"]


@BOOL_IS_NOT_ONE
async def test_the_number_one_does_not_match_true(items):
    assert await items({"mixed": 1}) == ["a"]


async def test_a_string_does_not_match_the_same_digits_as_a_number(items):
    assert await items({"mixed": "5"}) == ["c"]


async def test_a_number_does_not_match_the_same_digits_as_a_string(items):
    assert await items({"mixed": 5}) == ["d"]


async def test_none_matches_null_and_missing(items):
    assert await items({"name": None}) == ["e", "f"]


async def test_eq_operator_is_equality(items):
    assert await items({"name": {"$eq": "gamma"}}) == ["c"]


async def test_equality_with_a_scalar_on_an_array_means_contains(items):
    assert await items({"tags": "y"}) == ["a", "b"]


async def test_equality_with_an_array_means_the_same_array(items):
    assert await items({"tags": ["x", "y"]}) == ["a"]


async def test_equality_on_a_date(items):
    assert await items({"when": date("2024-02-01T00:00:00.000Z")}) == ["b"]


async def test_equality_on_an_object_id(items):
    assert await items({"objectId": "c"}) == ["c"]


async def test_no_constraint_matches_everything(items):
    assert await items({}) == ["a", "b", "c", "d", "e", "f"]


# ----- pointers -----

async def test_pointer_equality(items):
    assert await items({"owner": pointer("_User", "u1")}) == ["a", "c"]


async def test_pointer_equality_whatever_the_key_order(items):
    assert await items({"owner": {"objectId": "u1", "className": "_User", "__type": "Pointer"}}) == ["a", "c"]


async def test_pointer_equality_needs_the_same_class(items):
    assert await items({"owner": pointer("Other", "u1")}) == []


async def test_pointer_in(items):
    assert await items({"owner": {"$in": [pointer("_User", "u2"), pointer("_User", "zz")]}}) == ["b"]


async def test_pointer_nin_matches_missing_pointers(items):
    assert await items({"owner": {"$nin": [pointer("_User", "u1")]}}) == ["b", "d", "e", "f"]


async def test_pointer_ne(items):
    assert await items({"owner": {"$ne": pointer("_User", "u1")}}) == ["b", "d", "e", "f"]


async def test_pointer_inside_an_array_matches_by_contains(items):
    assert await items({"members": pointer("_User", "u2")}) == ["a"]


async def test_pointer_inside_an_array_whatever_the_key_order(items):
    assert await items({"members": {"objectId": "u3", "__type": "Pointer", "className": "_User"}}) == ["b"]


async def test_pointer_in_on_an_array_of_pointers(items):
    assert await items({"members": {"$in": [pointer("_User", "u3"), pointer("_User", "u1")]}}) == ["a", "b"]


# ----- comparisons -----

async def test_gt_on_numbers(items):
    assert await items({"n": {"$gt": 1}}) == ["b", "c"]


async def test_gte_on_numbers(items):
    assert await items({"n": {"$gte": 1}}) == ["a", "b", "c"]


async def test_lt_on_numbers(items):
    assert await items({"n": {"$lt": 1}}) == ["d"]


async def test_lte_on_numbers(items):
    assert await items({"n": {"$lte": 2.5}}) == ["a", "b", "d"]


async def test_two_bounds_on_one_field(items):
    assert await items({"n": {"$gt": 0, "$lt": 5}}) == ["a", "b"]


async def test_gt_on_strings_compares_bytes(items):
    assert await items({"name": {"$gt": "b"}}) == ["b", "c"]


async def test_number_comparison_skips_strings_and_booleans(items):
    assert await items({"mixed": {"$gt": 0}}) == ["a", "d"]


async def test_string_comparison_skips_numbers(items):
    assert await items({"mixed": {"$gte": "0"}}) == ["c"]


async def test_date_comparison(items):
    assert await items({"when": {"$gte": date("2024-02-01T00:00:00.000Z")}}) == ["b", "c"]


async def test_date_range(items):
    assert await items({"when": {"$gt": date("2024-01-01T00:00:00.000Z"),
                                 "$lt": date("2024-03-01T00:00:00.000Z")}}) == ["b"]


async def test_created_at_compares_as_iso_strings(items):
    assert await items({"createdAt": {"$gte": "2024-03-01T00:00:00.000Z"}}) == ["c", "d", "e", "f"]


async def test_object_id_comparison(items):
    assert await items({"objectId": {"$gt": "d"}}) == ["e", "f"]


async def test_comparison_on_an_array_matches_any_element(items):
    assert await items({"tags": {"$gt": "y"}}) == ["d"]


# ----- $ne, $in, $nin, $exists -----

async def test_ne_matches_missing_and_null(items):
    assert await items({"name": {"$ne": "alpha"}}) == ["b", "c", "d", "e", "f"]


async def test_ne_on_a_boolean(items):
    assert await items({"flag": {"$ne": True}}) == ["b", "c", "e", "f"]


async def test_ne_on_an_array_excludes_arrays_containing_the_value(items):
    assert await items({"tags": {"$ne": "y"}}) == ["c", "d", "e", "f"]


async def test_ne_of_a_number_keeps_other_kinds(items):
    assert await items({"mixed": {"$ne": 5}}) == ["a", "b", "c", "e", "f"]


async def test_ne_none_means_present_and_not_null(items):
    assert await items({"name": {"$ne": None}}) == ["a", "b", "c", "d"]


async def test_in_on_strings(items):
    assert await items({"name": {"$in": ["alpha", "gamma", "omega"]}}) == ["a", "c"]


@BOOL_IS_NOT_ONE
async def test_in_keeps_kinds_apart(items):
    assert await items({"mixed": {"$in": [True, "5"]}}) == ["b", "c"]


async def test_in_with_none_matches_missing(items):
    assert await items({"flag": {"$in": [None, False]}}) == ["b", "c", "e", "f"]


async def test_in_on_an_array_matches_any_element(items):
    assert await items({"tags": {"$in": ["z", "q"]}}) == ["d"]


async def test_in_of_an_empty_list_matches_nothing(items):
    assert await items({"name": {"$in": []}}) == []


async def test_in_on_object_ids(items):
    assert await items({"objectId": {"$in": ["a", "c", "zz"]}}) == ["a", "c"]


async def test_in_with_a_long_list(items):
    assert await items({"name": {"$in": ["beta"] + [f"v{i}" for i in range(200)]}}) == ["b"]


async def test_in_on_object_ids_with_a_long_list(items):
    assert await items({"objectId": {"$in": ["b", "e"] + [f"zz{i}" for i in range(300)]}}) == ["b", "e"]


async def test_nin_on_object_ids_with_a_long_list(items):
    assert await items({"objectId": {"$nin": ["a", "b", "c", "d"] + [f"zz{i}" for i in range(300)]}}) == ["e", "f"]


@BOOL_IS_NOT_ONE
async def test_nin_matches_missing(items):
    assert await items({"mixed": {"$nin": [1, 5]}}) == ["b", "c", "e", "f"]


async def test_nin_on_an_array_excludes_arrays_holding_any(items):
    assert await items({"tags": {"$nin": ["x"]}}) == ["b", "c", "e", "f"]


async def test_nin_on_object_ids(items):
    assert await items({"objectId": {"$nin": ["a", "b"]}}) == ["c", "d", "e", "f"]


async def test_exists_true_includes_null_values(items):
    assert await items({"mixed": {"$exists": True}}) == ["a", "b", "c", "d", "e"]


async def test_exists_false_means_missing(items):
    assert await items({"mixed": {"$exists": False}}) == ["f"]


async def test_exists_on_a_pointer(items):
    assert await items({"owner": {"$exists": True}}) == ["a", "b", "c"]


# ----- arrays: $all, $containedBy -----

async def test_all_needs_every_value(items):
    assert await items({"tags": {"$all": ["x", "y"]}}) == ["a"]


async def test_all_of_one_value(items):
    assert await items({"tags": {"$all": ["x"]}}) == ["a", "d"]


async def test_all_with_starts_with_regexes(items):
    assert await items({"tags": {"$all": [{"$regex": "^\\Qx\\E"}, {"$regex": "^\\Qz\\E"}]}}) == ["d"]


async def test_contained_by_keeps_arrays_within_the_list(adapter):
    schema = make_schema("Bag", tags="Array")
    await seed(adapter, schema, [make_doc("a", tags=["x", "y"]), make_doc("b", tags=["y"]), make_doc("c", tags=[]),
                                 make_doc("d", tags=["x", "z"])])
    docs = await adapter.find("Bag", schema, {"tags": {"$containedBy": ["x", "y"]}}, FindOptions())
    assert sorted(ids(docs)) == ["a", "b", "c"]


# ----- $regex -----

async def test_regex(items):
    assert await items({"name": {"$regex": "mm"}}) == ["c"]


async def test_regex_is_case_sensitive_by_default(items):
    assert await items({"name": {"$regex": "^d"}}) == []


async def test_regex_with_the_i_option(items):
    assert await items({"name": {"$regex": "^d", "$options": "i"}}) == ["d"]


async def test_regex_with_the_m_option(adapter):
    schema = make_schema("Note", text="String")
    await seed(adapter, schema, [make_doc("a", text="one\ntwo"), make_doc("b", text="one two")])
    docs = await adapter.find("Note", schema, {"text": {"$regex": "^two", "$options": "m"}}, FindOptions())
    assert ids(docs) == ["a"]


async def test_regex_quotes_literals_between_q_and_e(adapter):
    schema = make_schema("Note", text="String")
    await seed(adapter, schema, [make_doc("a", text="a.b*c"), make_doc("b", text="axbbc")])
    docs = await adapter.find("Note", schema, {"text": {"$regex": "^\\Qa.b*c\\E$"}}, FindOptions())
    assert ids(docs) == ["a"]


async def test_regex_on_an_array_matches_any_element(items):
    assert await items({"tags": {"$regex": "^z"}}) == ["d"]


async def test_regex_with_another_constraint_on_the_same_field(items):
    assert await items({"name": {"$regex": "a$", "$ne": "beta"}}) == ["a", "c", "d"]


# ----- $or, $and, $nor -----

async def test_or(items):
    assert await items({"$or": [{"n": 1}, {"name": "beta"}]}) == ["a", "b"]


async def test_or_with_a_regex_branch(items):
    assert await items({"$or": [{"n": 1}, {"name": {"$regex": "^g"}}]}) == ["a", "c"]


async def test_or_next_to_a_field_constraint(items):
    assert await items({"flag": True, "$or": [{"n": 1}, {"n": 10}]}) == ["a"]


async def test_and(items):
    assert await items({"$and": [{"tags": "x"}, {"flag": True}]}) == ["a", "d"]


async def test_and_of_or(items):
    assert await items({"$and": [{"$or": [{"n": 1}, {"n": 10}]}, {"meta.color": "red"}]}) == ["a", "c"]


async def test_nor(items):
    assert await items({"$nor": [{"flag": True}, {"n": 10}]}) == ["b", "e", "f"]


async def test_nor_with_a_regex(items):
    assert await items({"$nor": [{"name": {"$regex": "a$"}}]}) == ["e", "f"]


# ----- dotted keys -----

async def test_dotted_key_equality(items):
    assert await items({"meta.color": "red"}) == ["a", "c"]


async def test_dotted_key_comparison(items):
    assert await items({"meta.size": {"$gt": 3}}) == ["b"]


async def test_dotted_key_exists_false(items):
    assert await items({"meta.color": {"$exists": False}}) == ["d", "e", "f"]


async def test_dotted_key_ne(items):
    assert await items({"meta.color": {"$ne": "red"}}) == ["b", "d", "e", "f"]


async def test_dotted_key_reaches_into_arrays_of_objects(items):
    assert await items({"meta.list.k": 2}) == ["d"]


async def test_dotted_key_in(items):
    assert await items({"meta.color": {"$in": ["blue", "green"]}}) == ["b"]


# ----- ACL -----

async def test_rperm_in_with_none_matches_objects_without_acl(items):
    assert await items({"_rperm": {"$in": [None, "*", "u1"]}}) == ["a", "b", "c"]


async def test_an_empty_rperm_is_readable_by_nobody(items):
    assert "d" not in await items({"_rperm": {"$in": [None, "*", "u1", "u2", "role:admin"]}})


async def test_rperm_matches_a_role(items):
    assert await items({"_rperm": {"$in": [None, "role:admin"]}}) == ["a", "f"]


async def test_wperm_in(items):
    assert await items({"_wperm": {"$in": [None, "u2"]}}) == ["a", "b", "c", "d", "e"]


async def test_acl_filter_with_an_object_id(items):
    assert await items({"objectId": "c", "_rperm": {"$in": [None, "*", "u2"]}}) == []


async def test_acl_entities_match_whole_names_only(adapter):
    docs = [make_doc("r1", _rperm=["role:Field Staff"]), make_doc("r2", _rperm=["role:Field", "x,y"]),
            make_doc("r3", _rperm=['we"ird', "a\\b"]), make_doc("r4", _rperm=["u12"])]
    await seed(adapter, ITEM, docs)

    async def readable(*entities):
        found = await adapter.find("Item", ITEM, {"_rperm": {"$in": list(entities)}}, FindOptions())
        return sorted(ids(found))

    assert await readable("role:Field Staff") == ["r1"]
    assert await readable("role:Field") == ["r2"]
    assert await readable("u1", "Staff", "role:Field S") == []  # no prefix, suffix or partial match
    assert await readable("x,y") == ["r2"]
    assert await readable('","') == []  # not the separator between two entries
    assert await readable('we"ird') == ["r3"]
    assert await readable("a\\b") == ["r3"]
    assert await adapter.count("Item", ITEM, {"_rperm": {"$in": ["u12", "role:Field"]}}) == 2


# ----- order, skip, limit -----

async def test_sort_ascending(items):
    assert await items({"n": {"$exists": True}}, sort=[("n", 1)]) == ["d", "a", "b", "c"]


async def test_sort_descending(items):
    assert await items({"n": {"$exists": True}}, sort=[("n", -1)]) == ["c", "b", "a", "d"]


async def test_sort_puts_missing_and_null_first(items):
    got = await items({}, sort=[("n", 1)])
    assert sorted(got[:2]) == ["e", "f"] and got[2:] == ["d", "a", "b", "c"]


async def test_sort_on_strings_compares_bytes(items):
    assert await items({"name": {"$ne": None}}, sort=[("name", 1)]) == ["d", "a", "b", "c"]


async def test_sort_on_a_date(items):
    assert await items({"when": {"$exists": True}}, sort=[("when", -1)]) == ["c", "b", "a"]


async def test_sort_on_created_at(items):
    assert await items({"objectId": {"$in": ["a", "b", "c", "d"]}}, sort=[("createdAt", -1)]) == ["d", "c", "b", "a"]


async def test_sort_on_two_keys(items):
    assert await items({"flag": {"$exists": True}}, sort=[("flag", 1), ("n", -1)]) == ["b", "a", "d"]


async def test_sort_across_kinds_follows_mongodb_type_order(items):
    assert await items({"mixed": {"$ne": None}}, sort=[("mixed", 1)]) == ["a", "d", "c", "b"]


async def test_sort_on_a_dotted_key(items):
    assert await items({"meta.size": {"$exists": True}}, sort=[("meta.size", -1)]) == ["b", "a"]


async def test_skip_and_limit(items):
    assert await items({"n": {"$exists": True}}, sort=[("n", 1)], skip=1, limit=2) == ["a", "b"]


async def test_limit(items):
    assert await items({"n": {"$exists": True}}, sort=[("n", -1)], limit=1) == ["c"]


async def test_skip_past_the_end_is_empty(items):
    assert await items({}, sort=[("objectId", 1)], skip=10) == []


async def test_skip_and_limit_after_a_regex_filter(items):
    assert await items({"name": {"$regex": "a"}}, sort=[("n", 1)], skip=1, limit=2) == ["a", "b"]


async def test_limit_without_sort_returns_that_many(items):
    assert len(await items({}, limit=4)) == 4
