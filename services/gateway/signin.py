"""Sign-in without a password: an email with a one-time link, then a server-side session.

Who may sign in: staff (the configured list), a current representative (the directory, by the
blind index), and, to fill the registration form (`purpose=register`), anyone proving an
organisation email. The answer to a request is the same for every address, and comes before
anything is looked up: what differs (storing the request, asking notifications to send the
link) happens after the answer has gone, and for an unknown address nothing happens at all.

A link carries a random token; only its SHA-256 is stored, with the address, for 15 minutes,
and it opens one session once; the clean-up job deletes the request once used or expired. The
token travels in the link and in the one call that asks the notifications service to send it
(the request id as its idempotency key), never in a log.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final
from urllib.parse import urlencode

import httpx

from services.gateway.application import GatewayApplication
from services.gateway.directory import Directory, blind_index, normalised_email
from services.gateway.i18n import Language
from services.gateway.sessions import Purpose
from services.runtime.values import is_organisation_email

log = logging.getLogger(__name__)

SEND_ATTEMPTS: Final = 4


@dataclass(frozen=True)
class Consumed:
    """What a used link proves: the address, why it was asked for, where to go next."""

    purpose: Purpose
    email: str
    blind_index: bytes
    next_path: str


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def may_sign_in(
    application: GatewayApplication, directory: Directory, email: str, purpose: Purpose
) -> bool:
    """Staff, a current representative, or (to register) an organisation address."""
    if email in application.gateway.staff():
        return True
    if directory.current(blind_index(application.gateway.blind_index_key, email)) is not None:
        return True
    return purpose == "register" and is_organisation_email(email)


def send_link_if_known(
    application: GatewayApplication,
    directory: Directory,
    typed_email: str,
    purpose: Purpose,
    next_path: str,
    language: Language,
    now: datetime | None = None,
) -> uuid.UUID | None:
    """After the answer: store a request and have its link sent, if the address may sign in.

    Returns the request's id, or None when nothing was sent.
    """
    email = normalised_email(typed_email)
    if not may_sign_in(application, directory, email, purpose):
        return None
    now = now or datetime.now(UTC)
    request_id = uuid.uuid4()
    token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(minutes=application.gateway.sign_in_link_minutes)
    application.database.execute(
        "INSERT INTO public.sign_in_requests"
        " (id, token_hash, purpose, email, blind_index, next_path, created_at, expires_at)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        (
            request_id,
            token_hash(token),
            purpose,
            email,
            blind_index(application.gateway.blind_index_key, email),
            next_path,
            now,
            expires_at,
        ),
    )
    body = {
        "request_id": str(request_id),
        "email": email,
        "language": language,
        "sign_in_url": f"{application.public_url}/sign-in/link?{urlencode({'token': token})}",
        "expires_at": expires_at.isoformat(),
    }
    _ask_notifications(application, request_id, body)
    return request_id


def _ask_notifications(
    application: GatewayApplication, request_id: uuid.UUID, body: dict[str, str]
) -> None:
    """Ask for the email, trying again a few times (the request id makes a retry harmless)."""
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            response = application.calls.as_gateway(
                "notifications", "POST", "/internal/sign-in-links", json=body
            )
        except httpx.TransportError as error:
            outcome = f"no answer ({type(error).__name__})"
        else:
            if response.status_code == httpx.codes.ACCEPTED:
                return
            outcome = f"status {response.status_code}"
            if response.status_code < 500:
                break
        log.warning("sign-in request %s: notifications said %s", request_id, outcome)
        if attempt < SEND_ATTEMPTS:
            time.sleep(0.5 * 2 ** (attempt - 1))
    log.error("sign-in request %s: the link could not be handed over for sending", request_id)


def consume(
    application: GatewayApplication, token: str, now: datetime | None = None
) -> Consumed | None:
    """Use a link's token once: what it proves, or None if unknown, used or expired."""
    now = now or datetime.now(UTC)
    rows = application.database.execute(
        "UPDATE public.sign_in_requests SET used_at = %s"
        " WHERE token_hash = %s AND used_at IS NULL AND expires_at > %s"
        " RETURNING purpose, email, blind_index, next_path",
        (now, token_hash(token), now),
    )
    if not rows:
        return None
    row = rows[0]
    return Consumed(row["purpose"], row["email"], bytes(row["blind_index"]), row["next_path"])


def remove_spent_requests(application: GatewayApplication, now: datetime) -> int:
    """Delete the requests whose link was used or has expired (their address with them)."""
    with application.database.transaction() as conn:
        return conn.execute(
            "DELETE FROM public.sign_in_requests WHERE used_at IS NOT NULL OR expires_at <= %s",
            (now,),
        ).rowcount
