"""The generated schema's names and types, as Parse Server generates them for the same class."""

from __future__ import annotations

import pytest
from graphql import GraphQLInputObjectType, GraphQLObjectType

from parse_clone.core.schema.controller import _with_defaults
from parse_clone.graphql.plurals import pluralize
from parse_clone.graphql.schema import build

FIELDS = {"score": {"type": "Number"}, "name": {"type": "String"}, "when": {"type": "Date"},
          "data": {"type": "Bytes"}, "pic": {"type": "File"}, "loc": {"type": "GeoPoint"},
          "area": {"type": "Polygon"}, "meta": {"type": "Object"}, "tags": {"type": "Array"},
          "done": {"type": "Boolean"}, "owner": {"type": "Pointer", "targetClass": "_User"},
          "fans": {"type": "Relation", "targetClass": "_User"}, "rank": {"type": "Number", "required": True}}


def _schema(functions=()):
    schemas = {n: {"className": n, "fields": _with_defaults(n, {})} for n in ("_User", "_Role")}
    schemas["GameScore"] = {"className": "GameScore", "fields": _with_defaults("GameScore", FIELDS)}
    return build(schemas, list(functions)).schema


def _fields(schema, name: str) -> dict[str, str]:
    t = schema.type_map[name]
    assert isinstance(t, (GraphQLObjectType, GraphQLInputObjectType))
    return {n: str(f.type) for n, f in t.fields.items()}


def test_object_type_and_connection():
    schema = _schema()
    assert _fields(schema, "GameScore") == {
        "id": "ID!", "objectId": "ID!", "createdAt": "Date!", "updatedAt": "Date!", "ACL": "ACL!",
        "area": "[GeoPoint!]", "data": "Bytes", "done": "Boolean", "fans": "UserConnection!", "loc": "GeoPoint",
        "meta": "Object", "name": "String", "owner": "User", "pic": "FileInfo", "rank": "Float!", "score": "Float",
        "tags": "[ArrayResult]", "when": "Date"}
    assert [i.name for i in schema.type_map["GameScore"].interfaces] == ["ParseObject", "Node"]
    assert _fields(schema, "GameScoreConnection") == {"pageInfo": "PageInfo!", "edges": "[GameScoreEdge]",
                                                       "count": "Int!"}
    assert _fields(schema, "GameScoreEdge") == {"node": "GameScore", "cursor": "String!"}
    fans = schema.type_map["GameScore"].fields["fans"]
    assert {n: str(a.type) for n, a in fans.args.items()} == {
        "where": "UserWhereInput", "order": "[UserOrder!]", "skip": "Int", "after": "String", "first": "Int",
        "before": "String", "last": "Int", "options": "ReadOptionsInput"}
    assert "password" not in _fields(schema, "User") and "authDataResponse" in _fields(schema, "User")


def test_inputs_where_and_order():
    schema = _schema()
    assert _fields(schema, "CreateGameScoreFieldsInput") == {
        "ACL": "ACLInput", "area": "[GeoPointInput!]", "data": "Bytes", "done": "Boolean",
        "fans": "UserRelationInput", "loc": "GeoPointInput", "meta": "Object", "name": "String",
        "owner": "UserPointerInput", "pic": "FileInput", "rank": "Float!", "score": "Float", "tags": "[Any]",
        "when": "Date"}
    assert _fields(schema, "UpdateGameScoreFieldsInput")["rank"] == "Float"
    assert _fields(schema, "UserPointerInput") == {"link": "ID", "createAndLink": "CreateUserFieldsInput"}
    assert _fields(schema, "UserRelationInput") == {"add": "[ID!]", "remove": "[ID!]",
                                                    "createAndAdd": "[CreateUserFieldsInput!]"}
    where = _fields(schema, "GameScoreWhereInput")
    assert where["id"] == where["objectId"] == "IdWhereInput"
    assert (where["owner"], where["fans"], where["loc"], where["area"]) == (
        "UserRelationWhereInput", "UserRelationWhereInput", "GeoPointWhereInput", "PolygonWhereInput")
    assert (where["ACL"], where["meta"], where["tags"]) == ("ObjectWhereInput", "ObjectWhereInput", "ArrayWhereInput")
    assert where["OR"] == where["AND"] == where["NOR"] == "[GameScoreWhereInput!]"
    order = schema.type_map["GameScoreOrder"].values
    assert order["score_DESC"].value == "-score" and order["id_ASC"].value == "objectId"
    assert _fields(schema, "CreateGameScoreInput") == {"fields": "CreateGameScoreFieldsInput",
                                                        "clientMutationId": "String"}
    assert _fields(schema, "UpdateGameScorePayload") == {"gameScore": "GameScore!", "clientMutationId": "String"}


def test_root_fields_and_cloud_functions():
    schema = _schema()
    query = schema.query_type.fields
    assert str(query["gameScore"].type) == "GameScore!" and str(query["gameScores"].type) == "GameScoreConnection!"
    assert {n: str(query[n].type) for n in ("health", "viewer", "class", "classes", "node")} == {
        "health": "Boolean!", "viewer": "Viewer!", "class": "Class!", "classes": "[Class!]!", "node": "Node"}
    assert "callCloudCode" not in schema.mutation_type.fields and "CloudCodeFunction" not in schema.type_map
    schema = _schema(functions=("hello", "not-a-name", "bye"))
    assert list(schema.type_map["CloudCodeFunction"].values) == ["bye", "hello"]
    assert str(schema.mutation_type.fields["callCloudCode"].type) == "CallCloudCodePayload"
    assert _fields(schema, "UserLoginWithInput") == {"ACL": "ACLInput", "email": "String",
                                                     "emailVerified": "Boolean"}


def test_class_name_already_plural_keeps_its_get_query():
    """`Jobs` pluralizes to itself: the get query keeps the name, no find query (Parse Server skips the
    colliding field too) instead of a schema that cannot be built."""
    schemas = {n: {"className": n, "fields": _with_defaults(n, {})} for n in ("_User", "_Role")}
    schemas["Jobs"] = {"className": "Jobs", "fields": _with_defaults("Jobs", {"name": {"type": "String"}})}
    schema = build(schemas, []).schema
    query = schema.query_type.fields
    assert str(query["jobs"].type) == "Jobs!"
    assert [n for n in query if n.startswith("jobs")] == ["jobs"]


@pytest.mark.parametrize(("word", "plural"), [
    ("gameScore", "gameScores"), ("category", "categories"), ("salesPerson", "salesPeople"), ("quiz", "quizzes"),
    ("hero", "heroes"), ("roof", "roofs"), ("knife", "knives"), ("chief", "chiefs"), ("index", "indices"),
    ("matrix", "matrices"), ("criterion", "criteria"), ("cactus", "cacti"), ("datum", "data"), ("news", "news"),
    ("userData", "userData"), ("catFish", "catFish"), ("jobs", "jobs"), ("lockedE", "lockedES"),
    ("photoID", "photoIDS"), ("item2", "item2s"), ("monkey", "monkeys"), ("titmouse", "titmice"),
])
def test_find_query_names_are_pluralized_as_parse_server_names_them(word, plural):
    """As the npm `pluralize` package (8.0.0, Parse Server's) answers, letter case of the ending included."""
    assert pluralize(word) == plural


def test_the_find_query_of_a_class_uses_the_plural():
    schemas = {n: {"className": n, "fields": _with_defaults(n, {})} for n in ("_User", "_Role")}
    schemas["Category"] = {"className": "Category", "fields": _with_defaults("Category", {})}
    query = build(schemas, []).schema.query_type.fields
    assert str(query["category"].type) == "Category!" and str(query["categories"].type) == "CategoryConnection!"
