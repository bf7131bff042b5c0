"""The generated GraphQL schema: assembled from the live class schemas and cloud functions, built once
and cached until either changes (the schema controller drops its cache on every schema change)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from graphql import GraphQLSchema, build_schema

from ..core.schema.graphql_config import graphql_config
from . import accounts, objects, operations
from .base_sdl import BASE_SDL, SCHEMA_SDL
from .class_sdl import ClassSDL
from .documents import DocumentCache
from .execution import source_only
from .model import ClassModel, class_models
from .scalars import bind_scalars

if TYPE_CHECKING:
    from ..core.runtime.server import Server

_ENUM_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*$")

_USER_SDL = '''
type Viewer {
  sessionToken: String!
  user: User!
}

input SignUpInput {
  fields: CreateUserFieldsInput
  clientMutationId: String
}

type SignUpPayload {
  viewer: Viewer!
  clientMutationId: String
}

input UserLoginWithInput {
{login_with_fields}
}

input LogInWithInput {
  authData: Object!
  fields: UserLoginWithInput
  clientMutationId: String
}

type LogInWithPayload {
  viewer: Viewer!
  clientMutationId: String
}

input LogInInput {
  username: String!
  password: String!
  authData: Object
  clientMutationId: String
}

type LogInPayload {
  viewer: Viewer!
  clientMutationId: String
}

input LogOutInput {
  clientMutationId: String
}

type LogOutPayload {
  ok: Boolean!
  clientMutationId: String
}

input ChallengeInput {
  username: String
  password: String
  authData: Object
  challengeData: Object
  clientMutationId: String
}

type ChallengePayload {
  challengeData: Object
  clientMutationId: String
}
''' + "".join(f'''
input {name}Input {{
{fields}
  clientMutationId: String
}}

type {name}Payload {{
  ok: Boolean!
  clientMutationId: String
}}
''' for name, fields in (
    ("ResetPassword", "  email: String!"),
    ("ConfirmResetPassword", "  username: String!\n  password: String!\n  token: String!"),
    ("SendVerificationEmail", "  email: String!"),
))

_FIXED_OPERATIONS_SDL = "".join(f'''
input {verb}ClassInput {{
  name: String!
{"  schemaFields: SchemaFieldsInput" if verb != "Delete" else ""}
  clientMutationId: String
}}

type {verb}ClassPayload {{
  class: Class!
  clientMutationId: String
}}
''' for verb in ("Create", "Update", "Delete")) + '''
input CreateFileInput {
  upload: Upload!
  clientMutationId: String
}

type CreateFilePayload {
  fileInfo: FileInfo!
  clientMutationId: String
}
'''

_CLOUD_SDL = '''
"""The cloud functions this server defines."""
enum CloudCodeFunction {{
{values}
}}

input CallCloudCodeInput {{
  functionName: CloudCodeFunction!
  params: Object
  clientMutationId: String
}}

type CallCloudCodePayload {{
  result: Any
  clientMutationId: String
}}
'''

_FIXED_QUERIES = ["  health: Boolean!", "  class(name: String!): Class!", "  classes: [Class!]!",
                  "  node(id: ID!): Node"]
_FIXED_MUTATIONS = [
    "  createFile(input: CreateFileInput!): CreateFilePayload",
    "  createClass(input: CreateClassInput!): CreateClassPayload",
    "  updateClass(input: UpdateClassInput!): UpdateClassPayload",
    "  deleteClass(input: DeleteClassInput!): DeleteClassPayload",
]
# signUp, logIn... and viewer: only while the GraphQL config shows the _User class
_USER_QUERIES = ["  viewer: Viewer!"]
_USER_MUTATIONS = [
    "  signUp(input: SignUpInput!): SignUpPayload",
    "  logInWith(input: LogInWithInput!): LogInWithPayload",
    "  logIn(input: LogInInput!): LogInPayload",
    "  logOut(input: LogOutInput!): LogOutPayload",
    "  resetPassword(input: ResetPasswordInput!): ResetPasswordPayload",
    "  confirmResetPassword(input: ConfirmResetPasswordInput!): ConfirmResetPasswordPayload",
    "  sendVerificationEmail(input: SendVerificationEmailInput!): SendVerificationEmailPayload",
    "  challenge(input: ChallengeInput!): ChallengePayload",
]


@dataclass
class BuiltSchema:
    """An executable schema, the class models it was generated from, and its checked documents."""

    schema: GraphQLSchema
    models: dict[str, ClassModel]
    sdl: str
    documents: DocumentCache = field(default_factory=DocumentCache)


_LIVE_SDL = """
\"\"\"What happened to an object a subscription watches (LiveQuery's events).\"\"\"
enum LiveQueryEvent {
  create
  update
  delete
  enter
  leave
}
"""


def _live_types(model: ClassModel) -> str:
    n = model.type_name
    return f"""
\"\"\"One LiveQuery event of a {n} subscription: the object now, and before for update/enter/leave.\"\"\"
type {n}LiveEvent {{
  event: LiveQueryEvent!
  object: {n}!
  original: {n}
}}
"""


def schema_sdl(models: dict[str, ClassModel], function_names: list[str], live: list[ClassModel] | None = None) -> str:
    """The whole schema as SDL (a Subscription type for the `live` classes, if any)."""
    parts = [BASE_SDL, SCHEMA_SDL]
    queries: list[str] = []
    mutations: list[str] = []
    for model in models.values():
        writer = ClassSDL(model, models)
        parts.append(writer.types())
        queries += writer.queries()
        mutations += writer.mutations()
    parts.append(f"union ArrayResult = Element{''.join(' | ' + m.type_name for m in models.values())}\n")
    parts.append(_FIXED_OPERATIONS_SDL)
    mutations += _FIXED_MUTATIONS
    queries += _FIXED_QUERIES
    if "_User" in models:
        login_with = ClassSDL(models["_User"], models).input_lines(True, skip=("password", "username", "authData"))
        parts.append(_USER_SDL.replace("{login_with_fields}", "\n".join(login_with)))
        mutations += _USER_MUTATIONS
        queries += _USER_QUERIES
    if function_names:
        parts.append(_CLOUD_SDL.format(values="\n".join("  " + n for n in function_names)))
        mutations.append("  callCloudCode(input: CallCloudCodeInput!): CallCloudCodePayload")
    parts.append("type Query {\n" + "\n".join(queries) + "\n}\n")
    parts.append("type Mutation {\n" + "\n".join(mutations) + "\n}\n")
    if live:
        parts.append(_LIVE_SDL + "".join(_live_types(m) for m in live))
        parts.append("type Subscription {\n" + "\n".join(
            f"  {m.get_query}(where: {m.type_name}WhereInput): {m.type_name}LiveEvent!" for m in live) + "\n}\n")
    return "\n".join(parts)


def _bind(schema: GraphQLSchema, models: dict[str, ClassModel]) -> None:
    """Attach the resolvers to the built schema's fields."""
    types = schema.type_map
    bind_scalars(types)
    query = types["Query"].fields  # type: ignore[union-attr]
    mutation = types["Mutation"].fields  # type: ignore[union-attr]
    for model in models.values():
        n = model.type_name
        for name, resolver in ((model.query_name("get"), objects.get_resolver(model)),
                               (model.query_name("find"), objects.find_resolver(model))):
            if name:
                query[name].resolve = resolver
        for name, resolver in ((model.mutation_name("create"), objects.write_resolver(model, creating=True)),
                               (model.mutation_name("update"), objects.write_resolver(model, creating=False)),
                               (model.mutation_name("destroy"), objects.delete_resolver(model))):
            if name:
                mutation[name].resolve = resolver
        for name, value in types[f"{n}Order"].values.items():  # type: ignore[union-attr]
            field, _, direction = name.rpartition("_")  # score_DESC -> "-score", id_ASC -> "objectId"
            field = "objectId" if field == "id" else field
            value.value = f"-{field}" if direction == "DESC" else field
        out = types[n].fields  # type: ignore[union-attr]
        out["id"].resolve = objects.global_id_resolver(model.class_name)
        out["ACL"].resolve = objects.resolve_acl
        for field in model.output_fields:
            ptype = model.field_type(field)
            if field not in out:
                continue
            if ptype == "Relation" and models.get(model.target(field) or ""):
                out[field].resolve = objects.relation_resolver(model, field)
            elif ptype == "Polygon":
                out[field].resolve = objects.polygon_resolver(field)
            elif ptype == "Array":
                out[field].resolve = objects.array_resolver(field)
    acl = types["ACL"].fields  # type: ignore[union-attr]
    acl["users"].resolve, acl["roles"].resolve, acl["public"].resolve = (
        objects.acl_users, objects.acl_roles, objects.acl_public)
    by_class = {m.class_name: m.type_name for m in models.values()}
    types["ArrayResult"].resolve_type = source_only(  # type: ignore[union-attr]
        lambda value, *_: by_class.get(value.get("className"), "Element")
        if value.get("__type") == "Object" else "Element")
    types["Node"].resolve_type = source_only(  # type: ignore[union-attr]
        lambda value, *_: by_class.get(value.get("className")))
    types["SchemaField"].resolve_type = operations.resolve_schema_field_type  # type: ignore[union-attr]
    for name, resolver in (("health", operations.resolve_health), ("viewer", accounts.resolve_viewer),
                           ("class", operations.resolve_class), ("classes", operations.resolve_classes),
                           ("node", objects.resolve_node)):
        if name in query:
            query[name].resolve = resolver
    for name, resolver in (("createFile", operations.resolve_create_file),
                           ("signUp", accounts.resolve_sign_up), ("logInWith", accounts.resolve_log_in_with),
                           ("logIn", accounts.resolve_log_in), ("logOut", accounts.resolve_log_out),
                           ("resetPassword", accounts.resolve_reset_password),
                           ("confirmResetPassword", accounts.resolve_confirm_reset_password),
                           ("sendVerificationEmail", accounts.resolve_send_verification_email),
                           ("challenge", accounts.resolve_challenge),
                           ("createClass", operations.resolve_create_class),
                           ("updateClass", operations.resolve_update_class),
                           ("deleteClass", operations.resolve_delete_class),
                           ("callCloudCode", operations.resolve_call_cloud_code)):
        if name in mutation:
            mutation[name].resolve = resolver


def _event_root(root: dict[str, Any], _info: Any, **_args: Any) -> dict[str, Any]:
    """A subscription field answers the LiveQuery event it is executed for."""
    return root


def build(schemas: dict[str, dict[str, Any]], function_names: list[str],
          is_live: Callable[[str], bool] | None = None, config: dict[str, Any] | None = None) -> BuiltSchema:
    """An executable schema for these class schemas and cloud functions (and LiveQuery classes), as the
    GraphQL config (`config`) shapes it."""
    models = class_models(schemas, config)
    names = sorted(n for n in function_names if _ENUM_NAME.match(n) and n not in ("true", "false", "null"))
    live = [m for m in models.values() if is_live(m.class_name)] if is_live else []
    sdl = schema_sdl(models, names, live)
    schema = build_schema(sdl)
    _bind(schema, models)
    if live:
        for field in schema.subscription_type.fields.values():  # type: ignore[union-attr]
            field.resolve = _event_root
    return BuiltSchema(schema, models, sdl)


class SchemaCache:
    """The built schema of one Server, rebuilt when its class schemas or cloud functions change.

    The schema controller replaces its cached class map on every invalidation (a class or field added
    through REST, the schema loader or another instance), so the identity of that map is the version.
    """

    def __init__(self, server: "Server") -> None:
        self.server = server
        self._built: BuiltSchema | None = None
        self._source: Any = None
        self._functions: tuple[str, ...] = ()
        self._config: dict[str, Any] = {}
        self.is_live: Callable[[str], bool] | None = None  # LiveQuery classes get subscriptions

    async def get(self) -> BuiltSchema:
        """The current schema (built on first use and after a schema change)."""
        schemas = await self.server.schema.all()
        functions = tuple(self.server.cloud.function_names())
        config = await graphql_config(self.server).get()
        if self._built is None or schemas is not self._source or functions != self._functions or \
                config != self._config:
            complete = dict(schemas)
            for name in ("_User", "_Role"):  # always there once the server started; volatile otherwise
                if name not in complete:
                    complete[name] = await self.server.schema.get(name) or {"className": name, "fields": {}}
            self._built = build(complete, list(functions), self.is_live, config)
            self._source, self._functions, self._config = schemas, functions, config
        return self._built
