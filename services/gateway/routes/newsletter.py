"""The public newsletter pages: subscribe, confirm, unsubscribe (RFC 8058 one-click too),
preferences, and the archive with its Atom feed.

A link's GET never changes anything (mail scanners follow links): it shows one button, and
the POST does it. The subscribe answer is one page whatever the address (no enumeration).
"""

from __future__ import annotations

import re
from typing import Annotated, Final
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from services.gateway import newsletter_calls as calls
from services.gateway.calls import json_object, refusal_detail
from services.gateway.i18n import N_, language_of, translate
from services.gateway.pages import render
from services.gateway.rate_limits import client_of, rate_limits_of
from services.gateway.refusals import FormErrors

router = APIRouter(include_in_schema=False)

LANGUAGES: Final = ("el", "en")
EMAIL_NEEDED: Final = N_("Enter your organisation email, like name@ministry.gov.gr")
EMAIL_REFUSED: Final = N_(
    "Enter the address of your organisation: free email services (such as Gmail) cannot be used"
)
LINK_REFUSED: Final = (400, 404, 410, 422)
PageNumber = Annotated[int, Query(ge=1, le=10_000)]


def sanitised_html(html: str) -> Markup:
    """The issue's HTML, marked safe for the template.

    The only place the archive marks HTML safe: the newsletter service rendered it from
    Markdown with raw HTML off and cleaned it with nh3 against an allow-list (p, headings,
    lists, links with rel="noopener", emphasis, code, quotes), so it holds no script, style
    or event attribute; the page's Content-Security-Policy forbids inline scripts besides.
    """
    return Markup(html)  # noqa: S704 - sanitised by the service, see above


async def form_values(request: Request) -> dict[str, str]:
    async with request.form() as form:
        return {k: v.strip() for k, v in form.items() if isinstance(v, str)}


def language_choice(value: str | None, request: Request) -> str:
    return value if value in LANGUAGES else language_of(request)


@router.get("/newsletter", response_class=HTMLResponse)
def subscribe_form(request: Request) -> HTMLResponse:
    return render(
        request, "newsletter/subscribe.html", errors=FormErrors(), values={}, languages=LANGUAGES
    )


@router.post("/newsletter", response_class=HTMLResponse)
async def subscribe(request: Request) -> HTMLResponse:
    settings = request.app.state.application.gateway
    rate_limits_of(request).hit(
        f"newsletter:client:{client_of(request)}", settings.submit_per_client
    )
    values = await form_values(request)
    email = values.get("email", "")
    language = language_choice(values.get("language"), request)
    errors = FormErrors()
    if not email or "@" not in email or len(email) > 320:
        errors.add("email", translate(language_of(request), EMAIL_NEEDED))
    else:
        answer = calls.call(
            request, "POST", "/subscriptions", json={"email": email, "language": language}
        )
        if answer.status_code == 422:
            errors.add("email", translate(language_of(request), EMAIL_REFUSED))
        elif answer.status_code != 202:
            raise HTTPException(503)
    if errors:
        return render(
            request,
            "newsletter/subscribe.html",
            status_code=422,
            errors=errors,
            values={"email": email, "language": language},
            languages=LANGUAGES,
        )
    return render(request, "newsletter/check_email.html")


LINK_TOKEN = re.compile(r"[A-Za-z0-9_.-]{1,2000}")
"""A confirmation link's token: a JWT, base64url parts joined by dots."""
SUBSCRIBER_TOKEN = re.compile(r"[A-Za-z2-7]{42}")
"""A subscriber's own token (unsubscribe, preferences): base32 of their id and of an HMAC."""


def _refused_link(request: Request) -> HTMLResponse:
    """A path naming no subscriber is not found, like any bad id, shown as a link not working."""
    return render(request, "newsletter/link_refused.html", status_code=404, expired=False)


@router.get("/newsletter/confirm", response_class=HTMLResponse)
def confirm_page(request: Request, token: str = "") -> HTMLResponse:
    # The page's path is given without its token: the language switch must not carry it.
    return render(request, "newsletter/confirm.html", token=token)


@router.post("/newsletter/confirm", response_class=HTMLResponse)
async def confirm(request: Request) -> HTMLResponse:
    token = (await form_values(request)).get("token", "")
    if not LINK_TOKEN.fullmatch(token):
        # Not even the shape of a signed link (missing, cut, or hostile characters): there is
        # nothing to ask the newsletter service.
        return render(request, "newsletter/link_refused.html", status_code=400, expired=False)
    answer = calls.call(request, "POST", "/subscriptions/confirm", json={"token": token})
    if answer.status_code == 200:
        return render(request, "newsletter/confirmed.html")
    if answer.status_code in LINK_REFUSED:
        expired = any(d.get("code") == "newsletter_link_expired" for d in refusal_detail(answer))
        expired = expired or answer.status_code == 410
        return render(request, "newsletter/link_refused.html", status_code=400, expired=expired)
    raise HTTPException(503)


@router.get("/newsletter/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_page(request: Request, token: str) -> HTMLResponse:
    return render(request, "newsletter/unsubscribe.html", token=token)


@router.post("/newsletter/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe(request: Request, token: str) -> HTMLResponse:
    """Unsubscribes at once: the RFC 8058 one-click POST (exempt from CSRF in security.py)."""
    if not SUBSCRIBER_TOKEN.fullmatch(token):
        return _refused_link(request)  # not even its shape: nothing to ask the service
    answer = calls.call(
        request, "POST", "/unsubscribe", json={"token": token, "reason": "one_click"}
    )
    if answer.status_code == 200:
        return render(request, "newsletter/unsubscribed.html")
    if answer.status_code in LINK_REFUSED:
        return render(request, "newsletter/link_refused.html", status_code=400, expired=False)
    raise HTTPException(503)


@router.get("/newsletter/preferences/{token}", response_class=HTMLResponse)
def preferences_page(request: Request, token: str) -> HTMLResponse:
    if not SUBSCRIBER_TOKEN.fullmatch(token):
        return _refused_link(request)  # not even its shape: nothing to ask the service
    answer = calls.call(request, "GET", f"/preferences/{quote(token, safe='')}")
    if answer.status_code in LINK_REFUSED:
        return render(request, "newsletter/link_refused.html", status_code=400, expired=False)
    if answer.status_code != 200:
        raise HTTPException(503)
    current = json_object(answer)
    return render(
        request,
        "newsletter/preferences.html",
        token=token,
        current=current,
        languages=LANGUAGES,
        saved=False,
    )


@router.post("/newsletter/preferences/{token}", response_class=HTMLResponse)
async def change_preferences(request: Request, token: str) -> HTMLResponse:
    if not SUBSCRIBER_TOKEN.fullmatch(token):
        return _refused_link(request)  # not even its shape: nothing to ask the service
    values = await form_values(request)
    if values.get("action") == "leave":
        answer = calls.call(
            request, "POST", "/unsubscribe", json={"token": token, "reason": "preferences"}
        )
        if answer.status_code == 200:
            return render(request, "newsletter/unsubscribed.html")
    else:
        language = language_choice(values.get("language"), request)
        answer = calls.call(
            request, "PUT", f"/preferences/{quote(token, safe='')}", json={"language": language}
        )
        if answer.status_code == 200:
            return render(
                request,
                "newsletter/preferences.html",
                token=token,
                current=json_object(answer),
                languages=LANGUAGES,
                saved=True,
            )
    if answer.status_code in LINK_REFUSED:
        return render(request, "newsletter/link_refused.html", status_code=400, expired=False)
    raise HTTPException(503)


@router.get("/newsletter/archive", response_class=HTMLResponse)
def archive(request: Request, page: PageNumber = 1) -> HTMLResponse:
    answer = calls.public_get(request, "/archive", params={"page": page})
    if answer.status_code != 200:
        raise HTTPException(503)
    listing = json_object(answer)
    return render(
        request,
        "newsletter/archive.html",
        listing=listing,
        page=page,
        lang_key=language_of(request),
    )


@router.get("/newsletter/archive/feed.atom")
def archive_feed(request: Request) -> Response:
    answer = calls.public_get(request, "/archive/feed.atom")
    if answer.status_code != 200:
        raise HTTPException(503)
    return Response(answer.content, media_type="application/atom+xml; charset=utf-8")


@router.get("/newsletter/archive/{number}", response_class=HTMLResponse)
def archived_issue(
    request: Request, number: Annotated[int, Path(ge=1, le=2_000_000_000)]
) -> HTMLResponse:
    answer = calls.public_get(request, f"/archive/{number}")
    if answer.status_code == 404:
        raise HTTPException(404)
    if answer.status_code != 200:
        raise HTTPException(503)
    issue = json_object(answer)
    texts = issue.get("texts") or {}
    text = texts.get(language_of(request)) or texts.get("el") or {}
    return render(
        request,
        "newsletter/issue.html",
        issue=issue,
        subject=text.get("subject", ""),
        body=sanitised_html(str(text.get("html", ""))),
    )
