"""The signed links and addresses of newsletter emails: confirm, unsubscribe, bounce return path.

The notifications service makes them when it renders an email; the newsletter service and the
gateway read them when they come back. None is ever stored in an event or sent to Kafka.

* The confirmation link is a JWT that expires with the request.
* A subscriber's own token (unsubscribe and preferences link, `List-Unsubscribe` mailto, VERP
  return path) does not expire: an issue read months later must still unsubscribe. It is short
  enough for an address's local part (at most 64 characters): the subscriber id in lower-case
  base32 and an HMAC of it and of its purpose, so one purpose's token is useless for another.
  Lower case, because mail relays may change the case of a local part.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime
from enum import StrEnum
from typing import Final
from uuid import UUID

import jwt

CONFIRM_AUDIENCE: Final = "innovnet:newsletter-confirm"
_MAC_CHARACTERS: Final = 16  # 80 bits of the HMAC in base32
_ID_CHARACTERS: Final = 26  # 16 bytes in unpadded base32


class TokenPurpose(StrEnum):
    """What a subscriber's token may be used for; each purpose signs differently."""

    UNSUBSCRIBE = "unsubscribe"
    """The `List-Unsubscribe` URL and mailto, and the preferences page."""
    BOUNCE = "bounce"
    """The VERP return path of a copy: a bounce to it names the subscriber."""


class NotOurToken(ValueError):
    """The token was not made with this secret for this purpose (forged, altered or truncated)."""


def confirm_url(secret: str, public_url: str, subscriber: UUID, expires: datetime) -> str:
    """The link of a confirmation email, valid until `expires`."""
    claims = {"aud": CONFIRM_AUDIENCE, "sub": str(subscriber), "exp": expires}
    return f"{public_url}/newsletter/confirm?token={jwt.encode(claims, secret, algorithm='HS256')}"


def read_confirm_token(secret: str, token: str) -> UUID:
    """The subscriber a confirmation token names; raises jwt's errors if expired or not ours."""
    claims = jwt.decode(token, secret, algorithms=["HS256"], audience=CONFIRM_AUDIENCE)
    return UUID(claims["sub"])


def subscriber_token(secret: str, subscriber: UUID, purpose: TokenPurpose) -> str:
    """The subscriber's token for `purpose`: 42 lower-case letters and digits."""
    identifier = base64.b32encode(subscriber.bytes).decode().rstrip("=").lower()
    return identifier + _mac(secret, identifier, purpose)


def read_subscriber_token(secret: str, token: str, purpose: TokenPurpose) -> UUID:
    """The subscriber a token names, or NotOurToken."""
    token = token.strip().lower()
    identifier, mac = token[:_ID_CHARACTERS], token[_ID_CHARACTERS:]
    if len(mac) != _MAC_CHARACTERS or not hmac.compare_digest(
        mac, _mac(secret, identifier, purpose)
    ):
        raise NotOurToken("not a token of ours")
    return UUID(bytes=base64.b32decode(identifier.upper() + "======"))


def unsubscribe_url(secret: str, public_url: str, subscriber: UUID) -> str:
    """The `List-Unsubscribe` https URL: GET shows a page with one button, POST unsubscribes."""
    token = subscriber_token(secret, subscriber, TokenPurpose.UNSUBSCRIBE)
    return f"{public_url}/newsletter/unsubscribe/{token}"


def preferences_url(secret: str, public_url: str, subscriber: UUID) -> str:
    """The subscriber's preferences page (language, leaving)."""
    token = subscriber_token(secret, subscriber, TokenPurpose.UNSUBSCRIBE)
    return f"{public_url}/newsletter/preferences/{token}"


def unsubscribe_mailto(secret: str, domain: str, subscriber: UUID) -> str:
    """The `List-Unsubscribe` mailto address: an email to it unsubscribes."""
    return f"unsubscribe+{subscriber_token(secret, subscriber, TokenPurpose.UNSUBSCRIBE)}@{domain}"


def return_path(secret: str, domain: str, subscriber: UUID) -> str:
    """The VERP envelope sender of a copy: its bounces say whose address bounced."""
    return f"bounces+{subscriber_token(secret, subscriber, TokenPurpose.BOUNCE)}@{domain}"


def _mac(secret: str, identifier: str, purpose: TokenPurpose) -> str:
    digest = hmac.new(
        secret.encode(), f"newsletter:{purpose}:{identifier}".encode(), hashlib.sha256
    ).digest()
    return base64.b32encode(digest).decode().lower()[:_MAC_CHARACTERS]
