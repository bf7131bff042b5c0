"""The per-class part of the generated schema, as SDL: types, inputs, where-inputs, orders, connections.

For a class GameScore: `GameScore`, `GameScoreConnection`/`GameScoreEdge`, `CreateGameScoreFieldsInput`,
`UpdateGameScoreFieldsInput`, `GameScorePointerInput`, `GameScoreRelationInput`, `GameScoreWhereInput`,
`GameScoreRelationWhereInput`, `GameScoreOrder`, and the create/update/delete input and payload types.
"""

from __future__ import annotations

from .model import ClassModel

_SIMPLE_INPUT = {"String": "String", "Number": "Float", "Boolean": "Boolean", "Array": "[Any]", "Object": "Object",
                 "Date": "Date", "File": "FileInput", "GeoPoint": "GeoPointInput", "Polygon": "[GeoPointInput!]",
                 "Bytes": "Bytes", "ACL": "ACLInput"}
_SIMPLE_OUTPUT = {"String": "String", "Number": "Float", "Boolean": "Boolean", "Array": "[ArrayResult]",
                  "Object": "Object", "Date": "Date", "File": "FileInfo", "GeoPoint": "GeoPoint",
                  "Polygon": "[GeoPoint!]", "Bytes": "Bytes", "ACL": "ACL!"}
_SIMPLE_WHERE = {"String": "StringWhereInput", "Number": "NumberWhereInput", "Boolean": "BooleanWhereInput",
                 "Array": "ArrayWhereInput", "Object": "ObjectWhereInput", "Date": "DateWhereInput",
                 "File": "FileWhereInput", "GeoPoint": "GeoPointWhereInput", "Polygon": "PolygonWhereInput",
                 "Bytes": "BytesWhereInput", "ACL": "ObjectWhereInput"}


def find_args(type_name: str) -> str:
    """The arguments of a `<classes>` query and of a Relation field."""
    return (f"(where: {type_name}WhereInput, order: [{type_name}Order!], skip: Int, after: String, first: Int, "
            f"before: String, last: Int, options: ReadOptionsInput)")


class ClassSDL:
    """Writes one class's SDL; `models` resolves pointer and relation targets to their types."""

    def __init__(self, model: ClassModel, models: dict[str, ClassModel]) -> None:
        self.model = model
        self.models = models
        self.name = model.type_name

    def _target(self, field: str) -> str | None:
        target = self.models.get(self.model.target(field) or "")
        return target.type_name if target else None

    def _input_type(self, field: str) -> str | None:
        ptype = self.model.field_type(field)
        if ptype in ("Pointer", "Relation"):
            target = self._target(field)
            return f"{target}{ptype}Input" if target else "Object"
        return _SIMPLE_INPUT.get(ptype or "")

    def _output_field(self, field: str) -> str | None:
        ptype = self.model.field_type(field)
        required = bool(self.model.fields[field].get("required"))
        if ptype == "Pointer":
            gql = self._target(field) or "Object"
        elif ptype == "Relation":
            target = self._target(field)
            return f"  {field}{find_args(target)}: {target}Connection!" if target else f"  {field}: Object!"
        else:
            gql = _SIMPLE_OUTPUT.get(ptype or "")
        if gql is None:
            return None
        return f"  {field}: {gql}{'!' if required and not gql.endswith('!') else ''}"

    def _where_type(self, field: str) -> str | None:
        if field in ("id", "objectId"):
            return "IdWhereInput"
        ptype = self.model.field_type(field)
        if ptype in ("Pointer", "Relation"):
            target = self._target(field)
            return f"{target}RelationWhereInput" if target else "Object"
        return _SIMPLE_WHERE.get(ptype or "")

    def input_lines(self, creating: bool, skip: tuple[str, ...] = ()) -> list[str]:
        """The fields of Create/Update<Class>FieldsInput (required fields are required on create only)."""
        lines = ["  ACL: ACLInput"]
        for field in self.model.create_fields if creating else self.model.update_fields:
            gql = self._input_type(field)
            if gql is None or field in skip:
                continue
            required = creating and bool(self.model.fields[field].get("required"))
            lines.append(f"  {field}: {gql}{'!' if required else ''}")
        return lines

    def types(self) -> str:
        """Every type this class adds."""
        n = self.name
        create = self.input_lines(creating=True)
        update = self.input_lines(creating=False)
        where = []
        for field in self.model.constraint_fields:
            if field in ("OR", "AND", "NOR"):
                continue
            gql = self._where_type(field)
            if gql:
                where.append(f"  {field}: {gql}")
        order = [f"  {field}_{d}" for field, asc, desc in self.model.sort_fields
                 for d, on in (("ASC", asc), ("DESC", desc)) if on] or ["  id_ASC", "  id_DESC"]
        output = ["  id: ID!", "  objectId: ID!", "  createdAt: Date!", "  updatedAt: Date!", "  ACL: ACL!"]
        if self.model.class_name == "_User":
            output.append("  authDataResponse: Object")
        output += [line for line in map(self._output_field, self.model.output_fields) if line]
        lf = self.model.get_query
        return f'''
"""Objects of the {self.model.class_name} class."""
type {n} implements ParseObject & Node {{
{chr(10).join(output)}
}}

type {n}Edge {{
  node: {n}
  cursor: String!
}}

type {n}Connection {{
  pageInfo: PageInfo!
  edges: [{n}Edge]
  count: Int!
}}

input Create{n}FieldsInput {{
{chr(10).join(create)}
}}

input Update{n}FieldsInput {{
{chr(10).join(update)}
}}

"""Link an existing {n} (global or object id) or create one and link it."""
input {n}PointerInput {{
  link: ID
  createAndLink: Create{n}FieldsInput
}}

"""Add existing {n} objects to a relation, remove them, or create and add new ones."""
input {n}RelationInput {{
  add: [ID!]
  remove: [ID!]
  createAndAdd: [Create{n}FieldsInput!]
}}

input {n}WhereInput {{
{chr(10).join(where)}
  OR: [{n}WhereInput!]
  AND: [{n}WhereInput!]
  NOR: [{n}WhereInput!]
}}

input {n}RelationWhereInput {{
  have: {n}WhereInput
  haveNot: {n}WhereInput
  exists: Boolean
}}

enum {n}Order {{
{chr(10).join(order)}
}}

{self._mutation_types()}'''

    def _mutation_types(self) -> str:
        """Create/Update/Delete<Class>Input and their payloads (Relay mutations with clientMutationId)."""
        n, lf = self.name, self.model.get_query
        inputs = {"Create": f"  fields: Create{n}FieldsInput", "Update": f"  id: ID!\n  fields: Update{n}FieldsInput",
                  "Delete": "  id: ID!"}
        kinds = {"Create": "create", "Update": "update", "Delete": "destroy"}
        return "".join(f"""input {verb}{n}Input {{
{fields}
  clientMutationId: String
}}

type {verb}{n}Payload {{
  {lf}: {n}!
  clientMutationId: String
}}

""" for verb, fields in inputs.items() if self.model.mutation_name(kinds[verb]))

    def queries(self) -> list[str]:
        """The `<class>(id)` and `<classes>(...)` fields of Query."""
        n, get, find = self.name, self.model.query_name("get"), self.model.query_name("find")
        return ([f"  {get}(id: ID!, options: ReadOptionsInput): {n}!"] if get else []) + \
            ([f"  {find}{find_args(n)}: {n}Connection!"] if find else [])

    def mutations(self) -> list[str]:
        """The create/update/delete fields of Mutation."""
        n = self.name
        return [f"  {name}(input: {verb}{n}Input!): {verb}{n}Payload"
                for verb, kind in (("Create", "create"), ("Update", "update"), ("Delete", "destroy"))
                if (name := self.model.mutation_name(kind))]
