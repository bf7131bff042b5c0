"""The fixed part of the generated schema: Parse's scalars, inputs and where-input types.

Type, field and argument names follow Parse Server's GraphQL API so that its clients work unchanged.
"""

from __future__ import annotations

_COMPARISONS = ("equalTo", "notEqualTo", "lessThan", "lessThanOrEqualTo", "greaterThan", "greaterThanOrEqualTo")


def _where_input(name: str, value: str, *, ordered: bool = True, extra: str = "") -> str:
    """A `<Type>WhereInput`: comparisons, in/notIn, exists, extra constraints, then the select keys."""
    ops = _COMPARISONS if ordered else _COMPARISONS[:2]
    lines = [f"  {op}: {value}" for op in ops]
    if ordered:
        lines += [f"  in: [{value}]", f"  notIn: [{value}]"]
    lines.append("  exists: Boolean")
    lines += [line for line in extra.strip("\n").split("\n") if line]
    lines += ["  inQueryKey: SelectInput", "  notInQueryKey: SelectInput"]
    return f'"""Constraints on a {value} field."""\ninput {name} {{\n' + "\n".join(lines) + "\n}\n"


_REGEX = "  matchesRegex: String\n  options: String\n"

BASE_SDL = '''
"""A file upload (GraphQL multipart request spec)."""
scalar Upload
"""Any JSON value."""
scalar Any
"""A JSON object."""
scalar Object
"""An ISO 8601 date."""
scalar Date
"""Base64 binary data."""
scalar Bytes
"""A Parse file, by name."""
scalar File

type FileInfo {
  name: String!
  url: String!
}

input FileInput {
  file: File
  upload: Upload
}

input GeoPointInput {
  latitude: Float!
  longitude: Float!
}

type GeoPoint {
  latitude: Float!
  longitude: Float!
}

"""The fields every Parse object has."""
interface ParseObject {
  objectId: ID!
  createdAt: Date!
  updatedAt: Date!
  ACL: ACL!
}

enum ReadPreference {
  PRIMARY
  PRIMARY_PREFERRED
  SECONDARY
  SECONDARY_PREFERRED
  NEAREST
}

input ReadOptionsInput {
  readPreference: ReadPreference
  includeReadPreference: ReadPreference
  subqueryReadPreference: ReadPreference
}

input SearchInput {
  term: String!
  language: String
  caseSensitive: Boolean
  diacriticSensitive: Boolean
}

input TextInput {
  search: SearchInput!
}

input BoxInput {
  bottomLeft: GeoPointInput!
  upperRight: GeoPointInput!
}

input WithinInput {
  box: BoxInput!
}

input CenterSphereInput {
  center: GeoPointInput!
  distance: Float!
}

input GeoWithinInput {
  polygon: [GeoPointInput!]
  centerSphere: CenterSphereInput
}

input GeoIntersectsInput {
  point: GeoPointInput
}

input KeyValueInput {
  key: String!
  value: Any!
}

input GeoPointWhereInput {
  exists: Boolean
  nearSphere: GeoPointInput
  maxDistance: Float
  maxDistanceInRadians: Float
  maxDistanceInMiles: Float
  maxDistanceInKilometers: Float
  within: WithinInput
  geoWithin: GeoWithinInput
}

input PolygonWhereInput {
  exists: Boolean
  geoIntersects: GeoIntersectsInput
}

"""One item of an Array field that is not a Parse object."""
type Element {
  value: Any!
}

input ACLInput {
  users: [UserACLInput!]
  roles: [RoleACLInput!]
  public: PublicACLInput
}

input UserACLInput {
  userId: ID!
  read: Boolean!
  write: Boolean!
}

input RoleACLInput {
  roleName: String!
  read: Boolean!
  write: Boolean!
}

input PublicACLInput {
  read: Boolean!
  write: Boolean!
}

type ACL {
  users: [UserACL!]
  roles: [RoleACL!]
  public: PublicACL
}

type UserACL {
  userId: ID!
  read: Boolean!
  write: Boolean!
}

type RoleACL {
  roleName: ID!
  read: Boolean!
  write: Boolean!
}

type PublicACL {
  read: Boolean
  write: Boolean
}

input SubqueryInput {
  className: String!
  where: Object!
}

input SelectInput {
  query: SubqueryInput!
  key: String!
}

"""An object with a global id (Relay)."""
interface Node {
  id: ID!
}

type PageInfo {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}
''' + "".join((
    _where_input("IdWhereInput", "ID"),
    _where_input("StringWhereInput", "String", extra=_REGEX + "  text: TextInput\n"),
    _where_input("NumberWhereInput", "Float"),
    _where_input("BooleanWhereInput", "Boolean", ordered=False),
    _where_input("ArrayWhereInput", "Any", extra="  containedBy: [Any]\n  contains: [Any]\n"),
    _where_input("DateWhereInput", "Date"),
    _where_input("BytesWhereInput", "Bytes"),
    _where_input("FileWhereInput", "File", extra=_REGEX),
    '''
"""Constraints on an Object field: each names a key path and a value."""
input ObjectWhereInput {
  equalTo: KeyValueInput
  notEqualTo: KeyValueInput
  in: [KeyValueInput]
  notIn: [KeyValueInput]
  lessThan: KeyValueInput
  lessThanOrEqualTo: KeyValueInput
  greaterThan: KeyValueInput
  greaterThanOrEqualTo: KeyValueInput
  exists: Boolean
  inQueryKey: SelectInput
  notInQueryKey: SelectInput
}
''',
))

_SCHEMA_FIELD_KINDS = ("String", "Number", "Boolean", "Array", "Object", "Date", "File", "GeoPoint", "Polygon",
                       "Bytes")

SCHEMA_SDL = """
input SchemaFieldInput {
  name: String!
}

interface SchemaField {
  name: String!
}
""" + "".join(f"""
input Schema{kind}FieldInput {{
  name: String!
}}

type Schema{kind}Field implements SchemaField {{
  name: String!
}}
""" for kind in _SCHEMA_FIELD_KINDS) + """
input PointerFieldInput {
  name: String!
  targetClassName: String!
}

type SchemaPointerField implements SchemaField {
  name: String!
  targetClassName: String!
}

input RelationFieldInput {
  name: String!
  targetClassName: String!
}

type SchemaRelationField implements SchemaField {
  name: String!
  targetClassName: String!
}

type SchemaACLField implements SchemaField {
  name: String!
}

input SchemaFieldsInput {
  addStrings: [SchemaStringFieldInput!]
  addNumbers: [SchemaNumberFieldInput!]
  addBooleans: [SchemaBooleanFieldInput!]
  addArrays: [SchemaArrayFieldInput!]
  addObjects: [SchemaObjectFieldInput!]
  addDates: [SchemaDateFieldInput!]
  addFiles: [SchemaFileFieldInput!]
  addGeoPoint: SchemaGeoPointFieldInput
  addPolygons: [SchemaPolygonFieldInput!]
  addBytes: [SchemaBytesFieldInput!]
  addPointers: [PointerFieldInput!]
  addRelations: [RelationFieldInput!]
  remove: [SchemaFieldInput!]
}

type Class {
  name: String!
  schemaFields: [SchemaField!]!
}
"""
