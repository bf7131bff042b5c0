"""Email verification and password reset, as Parse Server's user controller does them.

Stored exactly as Parse Server stores them on `_User`: `emailVerified` (Boolean field),
`_email_verify_token` and `_email_verify_token_expires_at` (a Date), `_perishable_token` and
`_perishable_token_expires_at` (a Date). Links carry `token` and `username` in the query string.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import secrets
import string
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ...email import MailDeliveryError, load_email_adapter
from ...errors import ParseError
from ..runtime.auth import Auth
from .user_fields import date_json, find_users, set_user_fields, stored_when, user_fields_schema
from .user_records import js_truthy, rest_user

if TYPE_CHECKING:
    from ..runtime.server import Server

log = logging.getLogger("parse_clone.email")

EMAIL_NOT_CONFIGURED = ("An appName, publicServerURL, and emailAdapter are required for password reset "
                        "and email verification functionality.")
RESET_INVALID = "Failed to reset password: username / email / token is invalid"
RESET_EXPIRED = "The password reset link has expired"
_ALPHABET = string.ascii_letters + string.digits


class LinkRefused(Exception):
    """A verification or reset link that does not (or no longer) work; the message says why."""


def random_token() -> str:
    """A 25-character token, as Parse Server's verify and reset tokens."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(25))


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def config_flag(value: Any, request: dict[str, Any]) -> bool:
    """An option that is `true` or a (possibly async) callable answering `true` for this request."""
    if value is True:
        return True
    if callable(value):
        answer = value(request)
        if inspect.isawaitable(answer):
            answer = await answer
        return answer is True
    return False


def email_adapter(server: "Server") -> Any | None:
    """The server's email adapter, built from the `emailAdapter` option on first use."""
    if "email_adapter" not in server.extras:
        server.extras["email_adapter"] = load_email_adapter(server.config.emailAdapter)
    return server.extras["email_adapter"]


def check_email_options(server: "Server") -> None:
    """Parse Server's start-up checks of the email options (ValueError naming the option)."""
    cfg = server.config
    email_adapter(server)
    if cfg.verifyUserEmails:
        email_configuration_problem(server, strict=True)
    if cfg.emailVerifyTokenValidityDuration is not None:
        if not isinstance(cfg.emailVerifyTokenValidityDuration, (int, float)):
            raise ValueError("Email verify token validity duration must be a valid number.")
        if cfg.emailVerifyTokenValidityDuration <= 0:
            raise ValueError("Email verify token validity duration must be a value greater than 0.")
    if cfg.emailVerifyTokenReuseIfValid and not cfg.emailVerifyTokenValidityDuration:
        raise ValueError("You cannot use emailVerifyTokenReuseIfValid without emailVerifyTokenValidityDuration")
    if not isinstance(cfg.customPages, dict):
        raise ValueError("Parse Server option customPages must be an object.")


def email_configuration_problem(server: "Server", strict: bool = False) -> str | None:
    """What is missing for sending account emails (None when all is there); raises it when strict."""
    cfg = server.config
    problem = None
    if email_adapter(server) is None:
        problem = "An emailAdapter is required for e-mail verification and password resets."
    elif not isinstance(cfg.appName, str):
        problem = "An app name is required for e-mail verification and password resets."
    elif not isinstance(cfg.publicServerURL, str):
        problem = "A public server url is required for e-mail verification and password resets."
    if problem and strict:
        raise ValueError(problem)
    return problem


def require_email_configuration(server: "Server") -> None:
    """Error 1 when the email routes cannot work (as Parse Server answers them)."""
    if email_configuration_problem(server):
        raise ParseError(ParseError.INTERNAL_SERVER_ERROR, EMAIL_NOT_CONFIGURED)


def pages_endpoint(server: "Server") -> str:
    """`apps`, or pages.pagesEndpoint when the pages router is enabled."""
    pages = server.config.pages or {}
    return pages.get("pagesEndpoint") or "apps" if pages.get("enableRouter") else "apps"


def public_url(server: "Server") -> str:
    """publicServerURL without a trailing slash."""
    return (server.config.publicServerURL or server.config.public_url()).rstrip("/")


def email_link(server: "Server", page: str, username: str, token: str) -> str:
    """The link a mail carries (through customPages.parseFrameURL when set)."""
    destination = f"{public_url(server)}/{pages_endpoint(server)}/{server.config.appId}/{page}"
    query = f"token={quote(token, safe='')}&username={quote(username, safe='')}"
    frame = (server.config.customPages or {}).get("parseFrameURL")
    if frame:
        path = destination.replace(public_url(server), "", 1)
        return f"{frame}?link={quote(path, safe='')}&{query}"
    return f"{destination}?{query}"


# ----- verification on sign-up and email change -----

def wants_verification(body: dict[str, Any]) -> bool:
    """A write that sets an email and links no provider other than anonymous."""
    email = body.get("email")
    if not isinstance(email, str) or not email:
        return False
    auth_data = body.get("authData")
    return not isinstance(auth_data, dict) or not auth_data or list(auth_data) == ["anonymous"]


async def prepare_verification(server: "Server", auth: Auth, body: dict[str, Any], internal: dict[str, Any],
                               original: dict[str, Any] | None = None) -> bool:
    """Add a new verify token (and `emailVerified: false`) to a user write; True when a mail should go."""
    if not wants_verification(body):
        return False
    request = {"object": {**(original or {}), **body}, "original": original, "master": auth.is_master,
               "installationId": auth.installation_id}
    if not await config_flag(server.config.verifyUserEmails, request):
        return False
    internal["_email_verify_token"] = random_token()
    if "emailVerified" not in body:
        internal["emailVerified"] = False
    duration = server.config.emailVerifyTokenValidityDuration
    if duration:
        internal["_email_verify_token_expires_at"] = date_json(_now() + timedelta(seconds=duration))
    return True


async def signup_needs_verified_email(server: "Server", auth: Auth, body: dict[str, Any]) -> bool:
    """verifyUserEmails and preventLoginWithUnverifiedEmail: the sign-up gets no session."""
    request = {"object": body, "master": auth.is_master, "installationId": auth.installation_id}
    return (await config_flag(server.config.verifyUserEmails, request)
            and await config_flag(server.config.preventLoginWithUnverifiedEmail, request))


async def check_login_verified(server: "Server", auth: Auth, doc: dict[str, Any], payload: dict[str, Any]) -> None:
    """205 for a login of a user whose email is unverified when verification is required."""
    if (auth.is_master or auth.is_maintenance) and js_truthy(payload.get("ignoreEmailVerification")):
        return
    request = {"object": doc, "master": auth.is_master, "installationId": auth.installation_id}
    if (await config_flag(server.config.verifyUserEmails, request)
            and await config_flag(server.config.preventLoginWithUnverifiedEmail, request)
            and doc.get("emailVerified") is not True):
        raise ParseError(ParseError.EMAIL_NOT_FOUND, "User email is not verified.")


def send_in_background(server: "Server", coro: Any) -> None:
    """Run a mail send without holding up the response (as Parse Server); failures go to the log."""
    tasks: set[asyncio.Task[Any]] = server.extras.setdefault("mail_tasks", set())

    async def run() -> None:
        try:
            await coro
        except Exception:  # noqa: BLE001 - a failed background mail must not crash the server
            log.exception("sending an account email failed")

    task = asyncio.ensure_future(run())
    tasks.add(task)
    task.add_done_callback(tasks.discard)


async def _mail_user(server: "Server", doc: dict[str, Any]) -> dict[str, Any]:
    schema = await user_fields_schema(server)
    return rest_user(server, doc, (schema or {}).get("fields", {}))


async def send_verification_email(server: "Server", object_id: str, master: bool = False) -> None:
    """Mail the verification link to the user (honouring sendUserEmailVerification)."""
    found = await find_users(server, {"objectId": object_id}, limit=1)
    if not found or not isinstance(found[0].get("_email_verify_token"), str):
        return
    doc = found[0]
    user = await _mail_user(server, doc)
    should = server.config.sendUserEmailVerification
    if callable(should):
        should = should({"user": user, "master": master})
        should = await should if inspect.isawaitable(should) else should
    if not should:
        return
    link = email_link(server, "verify_email", doc.get("username") or "", doc["_email_verify_token"])
    options = {"appName": server.config.appName, "link": link, "user": user}
    adapter = email_adapter(server)
    if callable(getattr(adapter, "send_verification_email", None)):
        await adapter.send_verification_email(options)
        return
    await adapter.send_mail({
        "to": user.get("email"),
        "subject": f"Please verify your e-mail for {server.config.appName}",
        "text": (f"Hello,\n\nplease confirm that {user.get('email')} is your e-mail address for "
                 f"{server.config.appName} by opening this link:\n{link}\n"),
    })


async def verify_email(server: "Server", username: str, token: str) -> None:
    """Mark the email verified when the link's token is the user's (LinkRefused when it is not)."""
    if not server.config.verifyUserEmails:
        raise LinkRefused("email verification is off")
    found = await find_users(server, {"username": username}, limit=1)
    if not found:
        raise LinkRefused("no such user")
    doc = found[0]
    if doc.get("emailVerified") is True:
        return  # already verified: the link reports success again
    if doc.get("_email_verify_token") != token:
        raise LinkRefused("token mismatch")
    change: dict[str, Any] = {"emailVerified": True, "_email_verify_token": {"__op": "Delete"}}
    if server.config.emailVerifyTokenValidityDuration:
        expires = stored_when(doc.get("_email_verify_token_expires_at"))
        if expires is None or expires <= _now():
            raise LinkRefused("token expired")
        change["_email_verify_token_expires_at"] = {"__op": "Delete"}
    await set_user_fields(server, doc["objectId"], change)


async def _regenerate_verify_token(server: "Server", doc: dict[str, Any], auth: Auth) -> bool:
    """A fresh verify token for a resend (or the current one while it is valid, with reuse on)."""
    cfg = server.config
    expires = stored_when(doc.get("_email_verify_token_expires_at"))
    if (cfg.emailVerifyTokenReuseIfValid and cfg.emailVerifyTokenValidityDuration
            and doc.get("_email_verify_token") and expires is not None and _now() < expires):
        return True
    internal: dict[str, Any] = {}
    body = {"email": doc.get("email")}
    if not await prepare_verification(server, auth, body, internal, original=doc):
        return False
    internal.pop("emailVerified", None)
    internal["emailVerified"] = False
    await set_user_fields(server, doc["objectId"], internal)
    return True


async def _resend(server: "Server", doc: dict[str, Any], auth: Auth) -> None:
    """New token and mail; on a delivery failure the previous token state is put back."""
    before = {k: doc[k] if k in doc else {"__op": "Delete"}
              for k in ("_email_verify_token", "_email_verify_token_expires_at")}
    if not await _regenerate_verify_token(server, doc, auth):
        return
    try:
        await send_verification_email(server, doc["objectId"], auth.is_master)
    except MailDeliveryError as e:
        await set_user_fields(server, doc["objectId"], before)
        raise ParseError(ParseError.INTERNAL_SERVER_ERROR, f"The verification email could not be sent: {e}") from e


def _email_arg(body: dict[str, Any]) -> str:
    email = body.get("email")
    if not js_truthy(email):
        raise ParseError(ParseError.EMAIL_MISSING, "you must provide an email")
    if not isinstance(email, str):
        raise ParseError(ParseError.INVALID_EMAIL_ADDRESS, "you must provide a valid email string")
    return email


async def request_verification_email(server: "Server", auth: Auth, body: dict[str, Any]) -> dict[str, Any]:
    """POST /verificationEmailRequest: a new link for an unverified email; an unknown or verified email
    answers success too unless emailVerifySuccessOnInvalidEmail is false (then 205 / -1)."""
    require_email_configuration(server)
    email = _email_arg(body)
    found = await find_users(server, {"email": email}, limit=1)
    quiet = server.config.emailVerifySuccessOnInvalidEmail  # Parse 9's default: no account enumeration
    if not found:
        if quiet:
            return {}
        raise ParseError(ParseError.EMAIL_NOT_FOUND, f"No user found with email {email}")
    if found[0].get("emailVerified") is True:
        if quiet:
            return {}
        raise ParseError(ParseError.OTHER_CAUSE, f"Email {email} is already verified.")
    await _resend(server, found[0], auth)
    return {}


async def resend_verification_email(server: "Server", username: str) -> None:
    """The expired-link page's resend form: LinkRefused for an unknown or already verified user."""
    found = await find_users(server, {"username": username}, limit=1)
    if not found or found[0].get("emailVerified") is True:
        raise LinkRefused("no unverified user of that name")
    try:
        await _resend(server, found[0], Auth())
    except ParseError as e:
        raise LinkRefused(e.message) from e


# ----- password reset -----

def _policy(server: "Server") -> dict[str, Any]:
    return server.config.passwordPolicy or {}


async def request_password_reset(server: "Server", body: dict[str, Any]) -> dict[str, Any]:
    """POST /requestPasswordReset: mail a reset link; unknown emails answer {} unless configured not to."""
    require_email_configuration(server)
    email = _email_arg(body)
    where = {"$or": [{"email": email}, {"$and": [{"username": email}, {"email": {"$exists": False}}]}]}
    found = await find_users(server, where, limit=1)
    if not found:
        if _policy(server).get("resetPasswordSuccessOnInvalidEmail", True):
            return {}
        raise ParseError(ParseError.OBJECT_NOT_FOUND, "A user with that email does not exist.")
    doc = found[0]
    policy = _policy(server)
    expires = stored_when(doc.get("_perishable_token_expires_at"))
    reuse = (policy.get("resetTokenReuseIfValid") and policy.get("resetTokenValidityDuration")
             and isinstance(doc.get("_perishable_token"), str) and expires is not None and expires > _now())
    before = {k: doc[k] if k in doc else {"__op": "Delete"}
              for k in ("_perishable_token", "_perishable_token_expires_at")}
    if not reuse:
        change: dict[str, Any] = {"_perishable_token": random_token()}
        if policy.get("resetTokenValidityDuration"):
            change["_perishable_token_expires_at"] = date_json(
                _now() + timedelta(seconds=policy["resetTokenValidityDuration"]))
        doc = await set_user_fields(server, doc["objectId"], change) or doc
    link = email_link(server, "request_password_reset", doc.get("username") or "", doc["_perishable_token"])
    user = await _mail_user(server, doc)
    options = {"appName": server.config.appName, "link": link, "user": user}
    adapter = email_adapter(server)
    try:
        if callable(getattr(adapter, "send_password_reset_email", None)):
            await adapter.send_password_reset_email(options)
        else:
            name = f" (username: {user['username']})" if user.get("username") else ""
            await adapter.send_mail({
                "to": user.get("email") or user.get("username"),
                "subject": f"Password Reset for {server.config.appName}",
                "text": (f"Hello,\n\nsomeone asked to reset the password of your {server.config.appName} "
                         f"account{name}.\nTo choose a new password, open this link:\n{link}\n"),
            })
    except MailDeliveryError as e:
        if not reuse:
            await set_user_fields(server, doc["objectId"], before)
        raise ParseError(ParseError.INTERNAL_SERVER_ERROR, f"The password reset email could not be sent: {e}") from e
    return {}


async def check_reset_token(server: "Server", username: str, token: str) -> dict[str, Any]:
    """The user a reset link belongs to; LinkRefused with Parse Server's message otherwise."""
    found = await find_users(server, {"username": username, "_perishable_token": token}, limit=2)
    if len(found) != 1:
        raise LinkRefused(RESET_INVALID)
    if _policy(server).get("resetTokenValidityDuration"):
        expires = stored_when(found[0].get("_perishable_token_expires_at"))
        if expires is not None and expires < _now():
            raise LinkRefused(RESET_EXPIRED)
    return found[0]
