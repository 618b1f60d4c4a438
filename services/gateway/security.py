"""Security headers on every answer, and CSRF tokens on every form.

CSRF is a signed double-submit token, one mechanism for signed-out and signed-in forms: a
random value in the `__Host-innovnet_csrf` cookie (HttpOnly, Secure, SameSite=Lax, Path=/, no
Domain), and in each form the HMAC of that value and of the hash of the session cookie the
browser holds, if any (`csrf_field()` writes it). A POST whose `csrf_token` field is not that
HMAC of its own cookies is refused with the 403 page before any route sees it. Another site
can make a browser send the cookies, but cannot read them, so it cannot write the field.

The `__Host-` prefix makes a browser refuse the cookie from a sibling subdomain or over plain
http, and a token planted some other way is still bound to a session the planter does not
hold. Signing in and out give the browser a new CSRF cookie (`rotate_csrf_cookie`), so a value
known before the sign-in opens nothing after it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Final

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.gateway.sessions import SESSION_COOKIE

log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY: Final = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
SECURITY_HEADERS: Final[dict[str, str]] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
HSTS: Final = "max-age=31536000"
TOO_LARGE: Final = 413

CSRF_COOKIE: Final = "__Host-innovnet_csrf"
CSRF_FIELD: Final = "csrf_token"
UNSAFE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_STATE_KEY: Final = "csrf_cookie"

Page = Callable[[Request, int], Awaitable[Response]]
"""Renders the error page of a status for a request (the CSRF 403, the 500)."""


def carries_token(request: Request) -> bool:
    """The address holds a link's secret (`?token=`: a sign-in or an invitation link)."""
    return "token" in request.query_params


def csrf_key(jwt_secret: str) -> bytes:
    """The key of the CSRF HMAC, derived from the deployment's token secret."""
    return hmac.new(jwt_secret.encode(), b"innovnet gateway csrf", hashlib.sha256).digest()


def csrf_token_for(key: bytes, cookie: str, session_cookie: str | None = None) -> str:
    """The form token that goes with a CSRF cookie value and the session cookie (if any)."""
    session = hashlib.sha256(session_cookie.encode()).hexdigest() if session_cookie else ""
    return hmac.new(key, f"{cookie}:{session}".encode(), hashlib.sha256).hexdigest()


def csrf_token_of(request: Request) -> str:
    """The token this request's forms carry (empty outside the CSRF middleware, e.g. in tests)."""
    cookie = request.scope.get("state", {}).get(_STATE_KEY)
    key = getattr(request.app.state, "csrf_key", None)
    if not cookie or key is None:
        return ""
    return csrf_token_for(key, cookie, request.cookies.get(SESSION_COOKIE))


def rotate_csrf_cookie(request: Request) -> None:
    """Give the browser a new CSRF cookie with this answer (at sign-in and sign-out)."""
    request.scope.setdefault("state", {})[_STATE_KEY] = _new_cookie()


def _new_cookie() -> str:
    return secrets.token_urlsafe(32)


class SecurityHeadersMiddleware:
    """Adds the security headers to every answer; an unhandled error becomes the 500 page.

    Outermost of the app's middleware, so the body limit's 413 and the error pages carry them.
    """

    def __init__(self, app: ASGIApp, *, page: Page, https: bool) -> None:
        self.app = app
        self.page = page
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        too_large = False
        replacing = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started, too_large
            if too_large and not replacing:
                return  # the body limit's JSON refusal, replaced by the page below
            if message["type"] == "http.response.start":
                if message["status"] == TOO_LARGE and not started and not replacing:
                    too_large = True  # the runtime's body limit answers JSON: a page instead
                    return
                started = True
                headers = MutableHeaders(scope=message)
                # A file a person uploaded keeps the sandbox its route asked for, on top of ours.
                sandboxed = "sandbox" in headers.get("content-security-policy", "")
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                if sandboxed:
                    headers["Content-Security-Policy"] = f"{CONTENT_SECURITY_POLICY}; sandbox"
                if carries_token(Request(scope)):
                    # A link's secret stays out of the Referer of the page's own requests too.
                    headers["Referrer-Policy"] = "no-referrer"
                if headers.get("content-disposition", "").startswith("attachment"):
                    headers["Cache-Control"] = "no-store"  # a body's file stays in no cache
                if self.https:
                    headers["Strict-Transport-Security"] = HSTS
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
            if too_large:
                replacing = True
                page = await self.page(Request(scope), TOO_LARGE)
                await page(scope, receive, send_with_headers)
        except Exception:
            log.exception("%s %s failed", scope.get("method"), scope.get("path"))
            if started:
                raise
            response = await self.page(Request(scope), 500)
            await response(scope, receive, send_with_headers)


class CsrfMiddleware:
    """Gives every visitor a CSRF cookie and refuses an unsafe request without its token.

    Inside the body limit, so the body it reads to find the token is bounded already; the
    route then reads the same body again.
    """

    def __init__(self, app: ASGIApp, *, key: bytes, refuse: Page) -> None:
        self.app = app
        self.key = key
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = Request(scope).cookies
        sent_cookie = cookies.get(CSRF_COOKIE, "")
        cookie = sent_cookie if _well_formed(sent_cookie) else _new_cookie()
        state = scope.setdefault("state", {})
        state[_STATE_KEY] = cookie

        async def send_with_cookie(message: Message) -> None:
            # The route may have rotated it: the cookie of the answer is read when it starts.
            current = state.get(_STATE_KEY, cookie)
            if message["type"] == "http.response.start" and current != sent_cookie:
                headers = MutableHeaders(scope=message)
                headers.append(
                    "set-cookie",
                    f"{CSRF_COOKIE}={current}; Path=/; HttpOnly; Secure; SameSite=Lax",
                )
            await send(message)

        if scope["method"] not in UNSAFE_METHODS or csrf_exempt(scope):
            await self.app(scope, receive, send_with_cookie)
            return
        body = await _read_body(receive)
        replay = _replaying(body, receive)
        token = await _submitted_token(scope, body)
        expected = None
        if sent_cookie == cookie:  # a cookie it has just made has no form yet
            expected = csrf_token_for(self.key, sent_cookie, cookies.get(SESSION_COOKIE))
        if expected is None or not hmac.compare_digest(token, expected):
            log.info("%s %s refused: no valid CSRF token", scope["method"], scope["path"])
            response = await self.refuse(Request(scope, replay), 403)
            await response(scope, replay, send_with_cookie)
            return
        await self.app(scope, replay, send_with_cookie)


ONE_CLICK_UNSUBSCRIBE: Final = re.compile(r"/newsletter/unsubscribe/[^/]+")


def csrf_exempt(scope: Scope) -> bool:
    """The one route an unsafe request reaches without a CSRF token: the newsletter's
    one-click unsubscribe, `POST /newsletter/unsubscribe/{token}`.

    RFC 8058: a mail provider POSTs `List-Unsubscribe=One-Click` to the URL of the message's
    `List-Unsubscribe` header itself, with no cookies, so it cannot carry our token. The
    signed subscriber token in the path is the proof instead (only its address's mail holds
    it), and the worst a forged cross-site POST can do is what the link's holder may do anyway.
    """
    return scope["method"] == "POST" and ONE_CLICK_UNSUBSCRIBE.fullmatch(scope["path"]) is not None


def _well_formed(cookie: str) -> bool:
    """A value this middleware could have made: 43 URL-safe base64 characters."""
    return len(cookie) == 43 and all(c.isalnum() or c in "-_" for c in cookie)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break  # the client went away; the route meets the same end
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives `body` once, then what the server says (a disconnect)."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _submitted_token(scope: Scope, body: bytes) -> str:
    """The `csrf_token` field of a form body (urlencoded or multipart), else an empty string."""
    content_type = Headers(scope=scope).get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return ""
    request = Request(scope, _replaying(body, _no_more))
    try:
        async with request.form() as form:
            value = form.get(CSRF_FIELD)
    except Exception:  # a form that does not parse carries no token either
        return ""
    return value if isinstance(value, str) else ""


async def _no_more() -> Message:
    return {"type": "http.disconnect"}
