"""The bounce receiver: an SMTP endpoint for the return paths and the mailto of the newsletter.

Every copy of an issue leaves with a VERP envelope sender, `bounces+<token>@<domain>`, so the
delivery status notification a relay sends back names the subscriber by its recipient alone;
the `List-Unsubscribe` mailto is `unsubscribe+<token>@<domain>`. At RCPT only those two, with
a token signed for their purpose, are accepted (550 otherwise), one per message. At DATA:

* a bounce is classified by `flufl.bounce`: a permanent failure is a hard bounce, a temporary
  one (delayed) a soft bounce, anything else (an auto-reply, a message that is no DSN) is
  logged and ignored;
* a mail to the unsubscribe address unsubscribes, whatever it says.

A message over 1 MiB is refused (552) by the SMTP server itself. A message that cannot be read
is accepted and dropped (250: sending it again would not mend it), counted and logged; when the
application cannot record what a message says (its database away), the answer is 451 and the
sending relay tries again later. The receiver runs as a supervised part of the worker role, so
a port it cannot bind shows in `/ready`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from enum import StrEnum
from typing import Any, Final, Protocol
from uuid import UUID

from aiosmtpd.smtp import SMTP, Envelope, Session
from flufl.bounce import all_failures  # type: ignore[import-untyped]
from prometheus_client import Counter

from contracts.newsletter import BounceKind, UnsubscribeReason
from services.newsletter.settings import NewsletterSettings
from services.runtime.newsletter_links import NotOurToken, TokenPurpose, read_subscriber_token
from services.runtime.service import ServicePart

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES: Final = 1024 * 1024
"""A DSN is a few kilobytes, with the original message's headers at most; more is refused."""
IDLE_TIMEOUT_SECONDS: Final = 60.0
"""A connection that says nothing this long is closed."""
STOP_POLL_SECONDS: Final = 0.5

IGNORED: Final = "ignored"
"""The metric's kind of a message to a return path that reports no failure."""
UNSUBSCRIBE: Final = "unsubscribe"
"""The metric's kind of a message to the unsubscribe address."""

BOUNCES = Counter(
    "innovnet_newsletter_bounces_total",
    "Messages the bounce receiver recorded: hard or soft bounces, ignored ones (no failure "
    "reported) and unsubscribe mails.",
    ["kind"],
)
UNREADABLE = Counter(
    "innovnet_newsletter_bounces_unreadable_total",
    "Messages to a return path the bounce receiver could not read (accepted, dropped, logged).",
)

ACCEPTED: Final = "250 2.0.0 OK"
NO_SUCH_RECIPIENT: Final = "550 5.1.1 No such recipient here"
ONE_RECIPIENT: Final = "452 4.5.3 One recipient per message"
TRY_LATER: Final = "451 4.3.0 Not recorded now; try again later"


class Mailbox(StrEnum):
    """The two addresses the receiver has, by their local part's prefix."""

    BOUNCES = "bounces"
    UNSUBSCRIBE = "unsubscribe"


_PURPOSES: Final = {
    Mailbox.BOUNCES: TokenPurpose.BOUNCE,
    Mailbox.UNSUBSCRIBE: TokenPurpose.UNSUBSCRIBE,
}


class Subscriptions(Protocol):
    """What the receiver asks of the newsletter's application."""

    def record_bounce(self, subscriber_id: UUID, kind: BounceKind) -> None: ...

    def unsubscribe(self, subscriber_id: UUID, reason: UnsubscribeReason) -> bool: ...


@dataclass(frozen=True)
class Recipient:
    """An address of ours: which mailbox, for which subscriber."""

    mailbox: Mailbox
    subscriber_id: UUID


def recipient_of(address: str, secret: str, domain: str) -> Recipient | None:
    """The mailbox and subscriber `address` names, or None when it is not one of ours.

    Case does not matter: relays may change the case of a local part, and the tokens are
    lower-case."""
    local, at, address_domain = address.strip().lower().rpartition("@")
    prefix, plus, token = local.partition("+")
    if not at or not plus or address_domain != domain.lower():
        return None
    try:
        mailbox = Mailbox(prefix)
        return Recipient(mailbox, read_subscriber_token(secret, token, _PURPOSES[mailbox]))
    except (ValueError, NotOurToken):  # no such mailbox; a token forged, altered or cut
        return None


def bounce_kind(content: bytes) -> BounceKind | None:
    """What a delivery status notification reports: a permanent failure (hard), a temporary
    one (soft), or None (an auto-reply, a message that is no DSN). Raises when unreadable."""
    message: Message = BytesParser(policy=compat32).parsebytes(content)
    temporary, permanent = all_failures(message)
    if permanent:
        return BounceKind.HARD
    if temporary:
        return BounceKind.SOFT
    return None


class BounceHandler:
    """aiosmtpd's handler: recipients checked at RCPT, each message acted upon at DATA."""

    def __init__(self, subscriptions: Subscriptions, secret: str, domain: str) -> None:
        self.subscriptions = subscriptions
        self.secret = secret
        self.domain = domain

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if recipient_of(address, self.secret, self.domain) is None:
            return NO_SUCH_RECIPIENT
        # A DSN goes to one return path, a mailto to one address: with one recipient a message
        # is recorded or tried again as a whole.
        if envelope.rcpt_tos:
            return ONE_RECIPIENT
        envelope.rcpt_tos.append(address)
        return ACCEPTED

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        try:
            [address] = envelope.rcpt_tos
            recipient = recipient_of(address, self.secret, self.domain)
            if recipient is None:  # checked at RCPT; never here
                return NO_SUCH_RECIPIENT
            content = envelope.original_content or b""
            if recipient.mailbox is Mailbox.UNSUBSCRIBE:
                return await self._unsubscribe(recipient.subscriber_id)
            return await self._bounce(recipient.subscriber_id, content)
        except Exception:  # whatever a message holds, the receiver goes on
            UNREADABLE.inc()
            log.exception("a message to the bounce receiver was dropped")
            return ACCEPTED

    async def _bounce(self, subscriber_id: UUID, content: bytes) -> str:
        try:
            # Off the event loop: a hostile message may keep the detectors' patterns busy.
            kind = await asyncio.to_thread(bounce_kind, content)
        except Exception:
            UNREADABLE.inc()
            log.warning("subscriber %s: an unreadable bounce dropped", subscriber_id, exc_info=True)
            return ACCEPTED
        if kind is None:
            BOUNCES.labels(IGNORED).inc()
            log.info(
                "subscriber %s: a message to the return path reports no failure", subscriber_id
            )
            return ACCEPTED
        try:
            await asyncio.to_thread(self.subscriptions.record_bounce, subscriber_id, kind)
        except Exception:
            log.exception("subscriber %s: a %s bounce not recorded", subscriber_id, kind)
            return TRY_LATER
        BOUNCES.labels(kind.value).inc()
        log.info("subscriber %s: a %s bounce recorded", subscriber_id, kind)
        return ACCEPTED

    async def _unsubscribe(self, subscriber_id: UUID) -> str:
        try:
            await asyncio.to_thread(
                self.subscriptions.unsubscribe, subscriber_id, UnsubscribeReason.MAILTO
            )
        except Exception:
            log.exception("subscriber %s: an unsubscribe mail not recorded", subscriber_id)
            return TRY_LATER
        BOUNCES.labels(UNSUBSCRIBE).inc()
        log.info("subscriber %s: unsubscribed by mail", subscriber_id)
        return ACCEPTED


class BounceReceiver:
    """The SMTP server of `handler` on `host`:`port`, run in the calling thread until stopped."""

    def __init__(self, handler: BounceHandler, host: str, port: int) -> None:
        self.handler = handler
        self.host = host
        self.port = port
        self.listening = threading.Event()
        """Set once the port is bound (tests wait for it)."""

    def run(self, stop: threading.Event) -> None:
        """Listen until `stop` is set; raises when the port cannot be bound."""
        asyncio.run(self._serve(stop))

    async def _serve(self, stop: threading.Event) -> None:
        loop = asyncio.get_running_loop()
        handler: Any = self.handler  # aiosmtpd looks its hooks up by name

        def connection() -> SMTP:
            return SMTP(
                handler,
                data_size_limit=MAX_MESSAGE_BYTES,
                hostname=self.handler.domain,  # not the default: a DNS lookup per connection
                timeout=IDLE_TIMEOUT_SECONDS,
                loop=loop,
            )

        server = await loop.create_server(connection, self.host, self.port)
        self.listening.set()
        log.info("the bounce receiver listens on %s:%s", self.host, self.port)
        try:
            while not stop.is_set():
                await asyncio.sleep(STOP_POLL_SECONDS)
        finally:
            self.listening.clear()
            server.close()
            await server.wait_closed()


def run_bounce_receiver(stores: Any, stop: threading.Event) -> None:
    """The worker's bounce receiver on `NEWSLETTER_BOUNCE_HOST`:`NEWSLETTER_BOUNCE_PORT`, with
    the application's secret; with port 0 it only waits for the stop."""
    settings = NewsletterSettings()
    if not settings.bounce_port:
        log.info("the bounce receiver is off (NEWSLETTER_BOUNCE_PORT=0)")
        stop.wait()
        return
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command chatter
    application = stores.application
    handler = BounceHandler(application, application.jwt_secret, settings.return_domain)
    BounceReceiver(handler, settings.bounce_host, settings.bounce_port).run(stop)


BOUNCE_RECEIVER = ServicePart("bounce-receiver", run_bounce_receiver)
