"""The account pages: email verification and password reset links, as Parse Server serves them.

Two routers, as in Parse Server: the default one (`pages.enableRouter` false) answers with 302
redirects to the pages of `public_html/` or to `customPages` urls; the pages router
(`pages.enableRouter: true`) renders the pages of `pagesPath` (default: `pages/` here) with
placeholders, localization (`<locale>/` subfolders, `localizationJsonPath`), `customUrls`,
`x-parse-page-param-*` headers and 303 redirects after POSTs.
"""

from __future__ import annotations

import html
import inspect
import json
import os
import re
from typing import Any, Callable
from urllib.parse import quote, urlencode, urlsplit, urlunsplit, parse_qsl

from ...core.auth import account_emails as emails
from ...core.auth.account_emails import LinkRefused
from ...core.auth.password_reset import reset_password
from ...core.runtime.server import Server
from ...errors import ParseError, Unauthorized
from ...option_spec import load_callable
from ..request import ParseRequest
from ..router import Reply, Route, Router

_HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PAGES = os.path.normpath(os.path.join(_HERE, "..", "pages"))
LEGACY_PAGES = os.path.normpath(os.path.join(_HERE, "..", "public_html"))
HEADER_PREFIX = "x-parse-page-param-"
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


def _header_safe(text: str) -> str:
    """`text` with the characters an HTTP header cannot carry (beyond Latin-1) percent-encoded."""
    return "".join(ch if ord(ch) < 256 else quote(ch) for ch in text)
_TAG = re.compile(r"\{\{\{\s*([\w.]+)\s*\}\}\}|\{\{\s*([\w.]+)\s*\}\}")
_LOCALE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")

PAGE_FILES = {
    "passwordReset": "password_reset.html",
    "passwordResetSuccess": "password_reset_success.html",
    "passwordResetLinkInvalid": "password_reset_link_invalid.html",
    "emailVerificationSuccess": "email_verification_success.html",
    "emailVerificationSendFail": "email_verification_send_fail.html",
    "emailVerificationSendSuccess": "email_verification_send_success.html",
    "emailVerificationLinkInvalid": "email_verification_link_invalid.html",
    "emailVerificationLinkExpired": "email_verification_link_expired.html",
}


def render(template: str, values: dict[str, Any]) -> str:
    """Mustache's two tags: {{name}} HTML-escaped, {{{name}}} as is (missing names render empty)."""
    def fill(m: re.Match[str]) -> str:
        raw, escaped = m.group(1), m.group(2)
        value = values.get(raw or escaped)
        text = "" if value is None else str(value)
        return text if raw else html.escape(text, quote=True)
    return _TAG.sub(fill, template)


def _html(text: str, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return Reply(raw=text.encode("utf-8"), status=status, content_type="text/html", headers=headers or {})


def _not_found() -> Reply:
    return _html("Not found.", 404)


def _with_query(url: str, params: dict[str, Any]) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update({k: str(v) for k, v in params.items() if v is not None})
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))


def _redirect(url: str, status: int = 302) -> Reply:
    return Reply(None, status, {"Location": url})


def _text_arg(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def _check_app(server: Server, app_id: str | None) -> None:
    if app_id != server.config.appId:
        raise Unauthorized("unauthorized")


def _is_xhr(req: ParseRequest) -> bool:
    return any(k.lower() == "x-requested-with" and "xmlhttprequest" in v.lower() for k, v in req.headers.items())


def _form(req: ParseRequest) -> dict[str, Any]:
    return req.body if isinstance(req.body, dict) else {}


# ----- the default (legacy) router: redirects to public_html pages or customPages -----

def _legacy_url(server: Server, key: str, default_file: str) -> str:
    custom = (server.config.customPages or {}).get(key)
    return custom or f"{emails.public_url(server)}/apps/{default_file}"


def _invalid_link(server: Server) -> Reply:
    return _redirect(_legacy_url(server, "invalidLink", "invalid_link.html"))


def _legacy_link_args(server: Server, req: ParseRequest) -> tuple[str, str] | Reply:
    """(username, token) of a mailed link, or the reply for a link that cannot work."""
    _check_app(server, req.params.get("appId"))
    if not server.config.publicServerURL:
        return _not_found()
    username, token = _text_arg(req.query.get("username")), _text_arg(req.query.get("token"))
    if not username or not token:
        return _invalid_link(server)
    return username, token


class LegacyPages:
    """Parse Server's default public API pages."""

    @staticmethod
    async def verify_email(server: Server, req: ParseRequest) -> Reply:
        """GET /apps/:appId/verify_email?token&username."""
        args = _legacy_link_args(server, req)
        if isinstance(args, Reply):
            return args
        username, token = args
        try:
            await emails.verify_email(server, username, token)
        except LinkRefused:
            url = _legacy_url(server, "invalidVerificationLink", "invalid_verification_link.html")
            return _redirect(_with_query(url, {"username": username, "appId": req.params["appId"]}))
        url = _legacy_url(server, "verifyEmailSuccess", "verify_email_success.html")
        return _redirect(_with_query(url, {"username": username}))

    @staticmethod
    async def resend(server: Server, req: ParseRequest) -> Reply:
        """POST /apps/:appId/resend_verification_email (form: username)."""
        _check_app(server, req.params.get("appId"))
        if not server.config.publicServerURL:
            return _not_found()
        username = _text_arg(_form(req).get("username"))
        if not username:
            return _invalid_link(server)
        try:
            await emails.resend_verification_email(server, username)
        except LinkRefused:
            return _redirect(_legacy_url(server, "linkSendFail", "link_send_fail.html"))
        return _redirect(_legacy_url(server, "linkSendSuccess", "link_send_success.html"))

    @staticmethod
    async def choose_password(server: Server, req: ParseRequest) -> Reply:
        """GET /apps/choose_password?token&id&username&app[&error]: the new-password form."""
        _check_app(server, _text_arg(req.query.get("id")))
        if not server.config.publicServerURL:
            return _not_found()
        with open(os.path.join(LEGACY_PAGES, "choose_password.html"), encoding="utf-8") as fh:
            template = fh.read()
        values = {"publicServerUrl": emails.public_url(server), "appId": server.config.appId,
                  "appName": _text_arg(req.query.get("app")) or server.config.appName,
                  **{k: _text_arg(req.query.get(k)) for k in ("username", "token", "error")}}
        return _html(render(template, values))

    @staticmethod
    async def open_reset_link(server: Server, req: ParseRequest) -> Reply:
        """GET /apps/:appId/request_password_reset?token&username: on to the form, or the invalid page."""
        args = _legacy_link_args(server, req)
        if isinstance(args, Reply):
            return args
        username, token = args
        try:
            await emails.check_reset_token(server, username, token)
        except LinkRefused:
            return _invalid_link(server)
        url = _legacy_url(server, "choosePassword", "choose_password")
        return _redirect(_with_query(url, {"token": token, "id": server.config.appId, "username": username,
                                           "app": server.config.appName}))

    @staticmethod
    async def submit_password(server: Server, req: ParseRequest) -> Reply:
        """POST /apps/:appId/request_password_reset (form: username, token, new_password)."""
        _check_app(server, req.params.get("appId"))
        if not server.config.publicServerURL:
            return _not_found()
        args = _reset_args(req)
        if args is None:
            return _invalid_link(server)
        username, token, password = args
        error = await _reset(server, username, token, password, _is_xhr(req))
        if isinstance(error, Reply):
            return error
        if error is None:
            url = _legacy_url(server, "passwordResetSuccess", "password_reset_success.html")
            return _redirect(_with_query(url, {"username": username}))
        url = _legacy_url(server, "choosePassword", "choose_password")
        return _redirect(_with_query(url, {"username": username, "token": token, "id": server.config.appId,
                                           "error": error, "app": server.config.appName}))

    @staticmethod
    async def static(server: Server, req: ParseRequest) -> Reply:
        """GET /apps/<page>.html: the default pages, filled from the query string."""
        name = req.params.get("file", "")
        if req.params.get("endpoint") != "apps" or "/" in name:
            return _not_found()
        path = os.path.normpath(os.path.join(LEGACY_PAGES, name))
        if not path.startswith(LEGACY_PAGES + os.sep) or not os.path.isfile(path):
            return _not_found()
        with open(path, encoding="utf-8") as fh:
            template = fh.read()
        values = {"publicServerUrl": emails.public_url(server), "appName": server.config.appName,
                  "appId": _text_arg(req.query.get("appId")) or server.config.appId,
                  "username": _text_arg(req.query.get("username"))}
        return _html(render(template, values))


def _reset_args(req: ParseRequest) -> tuple[str, str, str] | None:
    """(username, token, new_password) of the form; None for an incomplete form post; Parse errors for xhr."""
    form = _form(req)
    username, token = _text_arg(form.get("username")), _text_arg(form.get("token"))
    password = _text_arg(form.get("new_password"))
    if (not username or not token or not password) and not _is_xhr(req):
        return None
    if not username:
        raise ParseError(ParseError.USERNAME_MISSING, "Missing username")
    if not token:
        raise ParseError(ParseError.OTHER_CAUSE, "Missing token")
    if not password:
        raise ParseError(ParseError.PASSWORD_MISSING, "Missing password")
    return username, token, password


async def _reset(server: Server, username: str, token: str, password: str, xhr: bool) -> str | Reply | None:
    """Run the reset: None on success, the error text, or (xhr) the final reply."""
    try:
        await reset_password(server, username, token, password)
    except LinkRefused as e:
        if xhr:
            raise ParseError(ParseError.OTHER_CAUSE, str(e)) from None
        return str(e)
    if xhr:
        return Reply("Password successfully reset")
    return None


# ----- the pages router (pages.enableRouter: true) -----

class PagesRouter:
    """Parse Server's PagesRouter: rendered pages, localization, custom urls."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.options: dict[str, Any] = server.config.pages or {}
        self.endpoint: str = self.options.get("pagesEndpoint") or "apps"
        path = self.options.get("pagesPath")
        self.root = os.path.abspath(path) if path else DEFAULT_PAGES
        self.translations: dict[str, Any] | None = None
        self.custom = custom_routes(self.options)  # pages.customRoutes
        json_path = self.options.get("localizationJsonPath")
        if json_path:
            with open(os.path.abspath(json_path), encoding="utf-8") as fh:
                self.translations = json.load(fh)

    def default_params(self) -> dict[str, Any]:
        """appId, appName and publicServerUrl, given to every page."""
        cfg = self.server.config
        return {"appId": cfg.appId, "appName": cfg.appName, "publicServerUrl": cfg.publicServerURL}

    @staticmethod
    def locale(req: ParseRequest) -> str | None:
        """The request's locale: query, form, or the x-parse-page-param-locale header."""
        value = req.query.get("locale") or _form(req).get("locale") or next(
            (v for k, v in req.headers.items() if k.lower() == HEADER_PREFIX + "locale"), None)
        value = _text_arg(value)
        return value if value and _LOCALE.match(value) else None

    def page_url(self, file: str, subdir: str | None = None) -> str:
        """The public url of a page file."""
        base = emails.public_url(self.server)
        return f"{base}/{self.endpoint}/" + (f"{subdir}/" if subdir else "") + file

    def localized(self, file: str, locale: str | None) -> tuple[str, str | None]:
        """(path, locale subfolder) of the best translation of a page: locale, then language, then default."""
        if self.options.get("enableLocalization") and locale:
            for sub in (locale, locale.split("-")[0]):
                path = os.path.join(self.root, sub, file)
                if os.path.isfile(path):
                    return path, sub
        return os.path.join(self.root, file), None

    def json_placeholders(self, locale: str | None, params: dict[str, Any]) -> dict[str, Any]:
        """Translations of the localization JSON, with their own placeholders filled."""
        if not self.options.get("enableLocalization") or self.translations is None:
            return {}
        fallback = self.options.get("localizationFallbackLocale", "en")
        locale = locale or fallback
        resource = (self.translations.get(locale) or self.translations.get(locale.split("-")[0])
                    or self.translations.get(fallback) or {})
        translation = resource.get("translation") or {}
        return {k: render(v, params) if isinstance(v, str) else v for k, v in translation.items()}

    async def config_placeholders(self, params: dict[str, Any]) -> dict[str, Any]:
        """pages.placeholders: an object, or a (possibly async) callable of the params."""
        value = self.options.get("placeholders")
        if callable(value):
            value = value(params)
            if hasattr(value, "__await__"):
                value = await value
        return value if isinstance(value, dict) else {}

    def read(self, path: str) -> str | None:
        """A file of the pages folder (nothing outside it)."""
        path = os.path.normpath(path)
        if not path.startswith(self.root + os.sep) or not os.path.isfile(path):
            return None
        with open(path, encoding="utf-8") as fh:
            return fh.read()

    def param_headers(self, params: dict[str, Any]) -> dict[str, str]:
        """x-parse-page-param-* headers for programmatic clients: URI-encoded with
        pages.encodePageParamHeaders (as JavaScript's encodeURIComponent), else as they are; control
        characters always stripped. A character a header cannot carry (beyond Latin-1) is encoded anyway."""
        encode = bool(self.options.get("encodePageParamHeaders"))
        headers = {}
        for key, value in params.items():
            if value is None:
                continue
            text = quote(str(value), safe="-_.!~*'()") if encode else _header_safe(str(value))
            headers[HEADER_PREFIX + key.lower()] = _CONTROL_CHARS.sub("", text)
        return headers

    async def page_reply(self, path: str, params: dict[str, Any], placeholders: dict[str, Any]) -> Reply:
        """A rendered page (404 when the file is missing)."""
        template = self.read(path)
        if template is None:
            return _not_found()
        values = {**params, "pagesEndpoint": self.endpoint, **(await self.config_placeholders(params)),
                  **placeholders}
        return _html(render(template, values), headers=self.param_headers(params))

    def redirect_reply(self, url: str, params: dict[str, Any]) -> Reply:
        """303 to a page url with the params in its query."""
        return Reply(None, 303, {"Location": _with_query(url, params), **self.param_headers(params)})

    async def go_to(self, req: ParseRequest, page: str, params: dict[str, Any] | None = None,
                    redirect: bool | None = None) -> Reply:
        """Parse Server's goToPage: content for GET, redirect for POST, custom urls win."""
        if self.options.get("forceRedirect"):
            redirect = True
        elif redirect is None:
            redirect = req.method == "POST"
        defaults = self.default_params()
        if any(v is None for v in defaults.values()):
            return _not_found()
        params = {**(params or {}), **defaults}
        locale = self.locale(req)
        params["locale"] = locale
        file = PAGE_FILES.get(page, page)
        custom = (self.options.get("customUrls") or {}).get(page)
        if custom and re.match(r"^[a-z][a-z0-9+.-]*://", custom, re.I):
            return self.redirect_reply(custom, params)
        placeholders = self.json_placeholders(locale, params) if self.options.get("localizationJsonPath") else {}
        path, subdir = self.localized(file, locale)
        if redirect:
            return self.redirect_reply(self.page_url(file, subdir), params)
        return await self.page_reply(path, params, placeholders)

    async def verify_email(self, req: ParseRequest) -> Reply:
        """GET /<endpoint>/:appId/verify_email."""
        username, token = _text_arg(req.query.get("username")), _text_arg(req.query.get("token"))
        if not username or not token:
            return await self.go_to(req, "emailVerificationLinkInvalid")
        try:
            await emails.verify_email(self.server, username, token)
        except LinkRefused:
            return await self.go_to(req, "emailVerificationLinkExpired", {"username": username})
        return await self.go_to(req, "emailVerificationSuccess", {"username": username})

    async def resend(self, req: ParseRequest) -> Reply:
        """POST /<endpoint>/:appId/resend_verification_email."""
        username = _text_arg(_form(req).get("username"))
        if not username:
            return await self.go_to(req, "emailVerificationLinkInvalid")
        try:
            await emails.resend_verification_email(self.server, username)
        except LinkRefused:  # an unknown or verified user: a success page unless the option says otherwise
            if self.server.config.emailVerifySuccessOnInvalidEmail:
                return await self.go_to(req, "emailVerificationSendSuccess")
            return await self.go_to(req, "emailVerificationSendFail")
        return await self.go_to(req, "emailVerificationSendSuccess")

    async def choose_password(self, req: ParseRequest) -> Reply:
        """GET /<endpoint>/choose_password: the form, filled from the query string."""
        q = req.query
        return await self.go_to(req, "passwordReset", {
            "appId": _text_arg(q.get("appId")), "appName": self.server.config.appName,
            "token": _text_arg(q.get("token")), "username": _text_arg(q.get("username")),
            "publicServerUrl": self.server.config.publicServerURL})

    async def open_reset_link(self, req: ParseRequest) -> Reply:
        """GET /<endpoint>/:appId/request_password_reset: the form, or the invalid-link page."""
        username, token = _text_arg(req.query.get("username")), _text_arg(req.query.get("token"))
        if not username or not token:
            return await self.go_to(req, "passwordResetLinkInvalid")
        try:
            await emails.check_reset_token(self.server, username, token)
        except LinkRefused:
            return await self.go_to(req, "passwordResetLinkInvalid", {"username": username})
        return await self.go_to(req, "passwordReset", {"token": token, "username": username})

    async def submit_password(self, req: ParseRequest) -> Reply:
        """POST /<endpoint>/:appId/request_password_reset."""
        args = _reset_args(req)
        if args is None:
            return await self.go_to(req, "passwordResetLinkInvalid")
        username, token, password = args
        error = await _reset(self.server, username, token, password, _is_xhr(req))
        if isinstance(error, Reply):
            return error
        if error is None:
            return await self.go_to(req, "passwordResetSuccess", {"username": username}, redirect=False)
        return await self.go_to(req, "passwordReset", {"username": username, "token": token, "error": error},
                                redirect=False)

    async def static(self, req: ParseRequest) -> Reply:
        """GET /<endpoint>/<path>: a page (rendered) or another file of the pages folder."""
        path = os.path.join(self.root, req.params.get("file", ""))
        if not path.endswith(".html"):
            text = self.read(path)
            return _not_found() if text is None else Reply(raw=text.encode("utf-8"), content_type="text/plain")
        params = self.default_params()
        locale = self.locale(req)
        if locale:
            params["locale"] = locale
        return await self.page_reply(path, params, self.json_placeholders(locale, params))


def custom_routes(pages: dict[str, Any] | None) -> list[tuple[str, str, Callable[..., Any]]]:
    """pages.customRoutes as (METHOD, path, handler); ValueError naming what is wrong. A handler is a
    callable or "module:function"; it gets the request and answers {"file": <page>, "query": {...}} or
    None (404), maybe awaitably."""
    found = []
    for i, route in enumerate((pages or {}).get("customRoutes") or []):
        where = f"pages.customRoutes[{i}]"
        if not isinstance(route, dict):
            raise ValueError(f"{where} must be an object with method, path and handler")
        method, path, handler = route.get("method"), route.get("path"), route.get("handler")
        if not isinstance(method, str) or method.upper() not in ("GET", "POST", "PUT", "DELETE", "PATCH"):
            raise ValueError(f"{where}.method must be an HTTP method, not {method!r}")
        if not isinstance(path, str) or not path.strip("/"):
            raise ValueError(f"{where}.path must be a path below /<pagesEndpoint>/<appId>/, not {path!r}")
        found.append((method.upper(), path.strip("/"), load_callable(handler, f"{where}.handler")))
    return found


async def _custom_route(server: Server, req: ParseRequest) -> Reply:
    """A route of pages.customRoutes (pages.enableRouter): its handler names the page to render."""
    options = server.config.pages or {}
    router = _pages_router(server)
    wanted = (req.method, req.params.get("custom", "").strip("/"))
    match = next((h for m, p, h in router.custom if (m, p) == wanted), None)
    if not options.get("enableRouter") or match is None or req.params.get("endpoint") != router.endpoint:
        static = _STATIC_PATH.match(req.path) if req.method == "GET" else None
        if static:  # not a custom route: a file of the pages folder, as before
            req.params = {**req.params, **static.groupdict()}
            return await _STATIC(server, req)
        return Reply({"error": f"Cannot {req.method} {req.mount_prefix}{req.path}"}, 404)
    _check_app(server, req.params.get("appId"))
    answer = match(req)
    if inspect.isawaitable(answer):
        answer = await answer
    file = answer.get("file") if isinstance(answer, dict) else None
    if not isinstance(file, str) or not file:
        return _not_found()
    query = answer.get("query") if isinstance(answer.get("query"), dict) else {}
    return await router.go_to(req, file, query, redirect=False)


def _pages_router(server: Server) -> PagesRouter:
    router = server.extras.get("pages_router")
    if router is None:
        router = server.extras["pages_router"] = PagesRouter(server)
    return router


def _dispatch(legacy_name: str, pages_name: str, app_param: bool = True):
    async def handler(server: Server, req: ParseRequest) -> Reply:
        options = server.config.pages or {}
        if not options.get("enableRouter"):
            if req.params.get("endpoint") != "apps":
                return Reply({"error": f"Cannot {req.method} {req.mount_prefix}{req.path}"}, 404)
            return await getattr(LegacyPages, legacy_name)(server, req)
        router = _pages_router(server)
        if req.params.get("endpoint") != router.endpoint:
            return Reply({"error": f"Cannot {req.method} {req.mount_prefix}{req.path}"}, 404)
        if app_param:
            _check_app(server, req.params.get("appId"))
        elif pages_name == "choose_password":
            _check_app(server, _text_arg(req.query.get("appId")))
        return await getattr(router, pages_name)(req)
    handler.__doc__ = f"The {pages_name} page route."
    return handler


_STATIC = _dispatch("static", "static", False)
_STATIC_PATH = re.compile(r"^/(?P<endpoint>[^/]+)/(?P<file>[A-Za-z0-9_./-]+\.[A-Za-z0-9]+)$")


def register(router: Router) -> None:
    """Mount the page routes (last: other routes win on shared shapes)."""
    def add(method: str, regex: str, legacy: str, pages: str, app_param: bool = True) -> None:
        router.routes.append(Route(method, re.compile(regex), _dispatch(legacy, pages, app_param), public=True))

    add("GET", r"^/(?P<endpoint>[^/]+)/(?P<appId>[^/]+)/verify_email/?$", "verify_email", "verify_email")
    add("POST", r"^/(?P<endpoint>[^/]+)/(?P<appId>[^/]+)/resend_verification_email/?$", "resend", "resend")
    add("GET", r"^/(?P<endpoint>[^/]+)/choose_password/?$", "choose_password", "choose_password", False)
    add("GET", r"^/(?P<endpoint>[^/]+)/(?P<appId>[^/]+)/request_password_reset/?$", "open_reset_link",
        "open_reset_link")
    add("POST", r"^/(?P<endpoint>[^/]+)/(?P<appId>[^/]+)/request_password_reset/?$", "submit_password",
        "submit_password")
    for method in ("GET", "POST", "PUT", "DELETE", "PATCH"):  # pages.customRoutes, before the static files
        router.routes.append(Route(method, re.compile(r"^/(?P<endpoint>[^/]+)/(?P<appId>[^/]+)/(?P<custom>.+)$"),
                                   _custom_route, public=True))
    router.routes.append(Route("GET", _STATIC_PATH, _STATIC, public=True))
