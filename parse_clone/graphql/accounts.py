"""Resolvers of the user operations: viewer, signUp, logIn, logInWith, logOut, resetPassword,
confirmResetPassword, sendVerificationEmail and challenge, on the same core calls as /users, /login and
friends."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphql import GraphQLResolveInfo

from ..core.auth import challenge as auth_challenge
from ..core.auth import login, sessions, users
from ..core.auth.account_emails import LinkRefused
from ..core.auth.password_reset import reset_password
from ..core.query import find as query
from ..core.query.options import QueryOptions
from ..core.runtime.auth import Auth
from ..errors import ParseError
from .inputs import to_parse_fields
from .selection import children, projection

if TYPE_CHECKING:
    from .context import GraphQLContext


async def viewer_for(ctx: "GraphQLContext", info: GraphQLResolveInfo, token: str | None,
                     nodes: list[Any] | None = None) -> dict[str, Any]:
    """{sessionToken, user}: the token's user read as that user (pointers selected below `user` included)."""
    if not token:
        raise ParseError(ParseError.INVALID_SESSION_TOKEN, "Invalid session token")
    user_auth = await sessions.auth_for_session_token(ctx.server, Auth(), token)
    if not user_auth.user_id:
        raise ParseError(ParseError.INVALID_SESSION_TOKEN, "Invalid session token")
    viewer_nodes = nodes if nodes is not None else info.field_nodes
    user_nodes = children(viewer_nodes, info).get("user", [])
    model = ctx.models["_User"]
    selected = projection(user_nodes, info, model, ctx.models)
    found = await query.get(ctx.server, user_auth, "_User", user_auth.user_id,
                            QueryOptions(keys=selected.keys, include=selected.include))
    found.pop("sessionToken", None)
    return {"sessionToken": token, "user": found}


def _viewer_nodes(info: GraphQLResolveInfo) -> list[Any]:
    return children(info.field_nodes, info).get("viewer", [])


async def resolve_viewer(_root: Any, info: GraphQLResolveInfo) -> Any:
    """`viewer`: the current user, from the X-Parse-Session-Token header."""
    ctx: GraphQLContext = info.context
    return await viewer_for(ctx, info, ctx.request.info.session_token)


async def _create_user(info: GraphQLResolveInfo, input: dict[str, Any], auth_data: Any = None) -> Any:
    """POST /users with these fields (and authData): the new or logged-in user as a viewer."""
    ctx: GraphQLContext = info.context
    body = await to_parse_fields(ctx, ctx.models["_User"], input.get("fields"))
    if auth_data is not None:
        body["authData"] = auth_data
    result = await users.create_user(ctx.server, ctx.auth, body)
    viewer = await viewer_for(ctx, info, result.response.get("sessionToken"), _viewer_nodes(info))
    return {"viewer": viewer, "clientMutationId": input.get("clientMutationId")}


async def resolve_sign_up(_root: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> Any:
    """`signUp(input: {fields})`: POST /users."""
    return await _create_user(info, input)


async def resolve_log_in_with(_root: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> Any:
    """`logInWith(input: {authData, fields})`: a sign-up or login by authData, as POST /users."""
    return await _create_user(info, input, input["authData"])


async def resolve_log_in(_root: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> Any:
    """`logIn(input: {username, password, authData})`: POST /login."""
    ctx: GraphQLContext = info.context
    body = {k: input[k] for k in ("username", "password", "authData") if input.get(k) is not None}
    user = await login.log_in(ctx.server, ctx.auth, body, {})
    viewer = await viewer_for(ctx, info, user.get("sessionToken"), _viewer_nodes(info))
    return {"viewer": viewer, "clientMutationId": input.get("clientMutationId")}


async def resolve_log_out(_root: Any, info: GraphQLResolveInfo, input: dict[str, Any] | None = None) -> Any:
    """`logOut`: POST /logout for the request's session token."""
    ctx: GraphQLContext = info.context
    await sessions.log_out(ctx.server, ctx.request.info.session_token, ctx.auth)
    return {"ok": True, "clientMutationId": (input or {}).get("clientMutationId")}


async def resolve_reset_password(_root: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> Any:
    """`resetPassword(input: {email})`: POST /requestPasswordReset."""
    ctx: GraphQLContext = info.context
    await login.request_password_reset(ctx.server, {"email": input["email"]})
    return {"ok": True, "clientMutationId": input.get("clientMutationId")}


async def resolve_challenge(_root: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> Any:
    """`challenge(input: {username, password, authData, challengeData})`: POST /challenge."""
    ctx: GraphQLContext = info.context
    body = {k: v for k, v in input.items() if k != "clientMutationId"}
    answer = await auth_challenge.challenge(ctx.server, ctx.auth, body)
    return {**answer, "clientMutationId": input.get("clientMutationId")}


async def resolve_confirm_reset_password(_root: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> Any:
    """`confirmResetPassword(input: {username, password, token})`: the reset form's submission."""
    ctx: GraphQLContext = info.context
    if not input.get("username"):
        raise ParseError(ParseError.USERNAME_MISSING, "you must provide a username")
    if not input.get("password"):
        raise ParseError(ParseError.PASSWORD_MISSING, "you must provide a password")
    if not input.get("token"):
        raise ParseError(ParseError.OTHER_CAUSE, "you must provide a token")
    try:
        await reset_password(ctx.server, input["username"], input["token"], input["password"])
    except LinkRefused as exc:
        raise ParseError(ParseError.OTHER_CAUSE, str(exc)) from None
    return {"ok": True, "clientMutationId": input.get("clientMutationId")}


async def resolve_send_verification_email(_root: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> Any:
    """`sendVerificationEmail(input: {email})`: POST /verificationEmailRequest."""
    ctx: GraphQLContext = info.context
    await login.request_verification_email(ctx.server, ctx.auth, {"email": input["email"]})
    return {"ok": True, "clientMutationId": input.get("clientMutationId")}
