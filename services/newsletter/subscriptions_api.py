"""The newsletter's subscription API: the public form and links (through the gateway, role
`service`) and the innovation unit's subscribers (role `admin`).

The form's answer is one fixed body, whatever the address: nobody learns from it whether an
address is subscribed, pending or new.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Final, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Response, status
from pydantic import BaseModel, ConfigDict, Field

from contracts.newsletter import HoldReason, UnsubscribeReason
from contracts.registration import Language
from services.newsletter.application import NewsletterApplication
from services.newsletter.domain import Subscriber, SubscriberState
from services.newsletter.projections import Subscribers
from services.newsletter.projections.subscribers import SubscriberRow
from services.runtime.auth import AdminPrincipal, ServicePrincipal
from services.runtime.dependencies import projection, service_application
from services.runtime.paging import PageOf, Paging
from services.runtime.values import OrganisationEmail

router = APIRouter(tags=["subscriptions"])

App = Annotated[NewsletterApplication, Depends(service_application)]
SubscribersIndex = Annotated[Subscribers, Depends(projection(Subscribers.name))]

ACCEPTED: Final = b'{"status":"accepted"}'
"""The form's one answer: the same bytes for a new, a pending, a confirmed or a held address."""
ERASED: Final = "(erased)"
RELEASE: Final = "/subscribers/{subscriber_id}/release"

Token = Annotated[str, Field(min_length=1, max_length=2048)]
SubscriberToken = Annotated[str, Path(min_length=1, max_length=64)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SubscriptionRequest(Strict):
    """The public form: an organisation's address (never free webmail) and a language."""

    email: OrganisationEmail
    language: Language = Language.GREEK


class Confirmation(Strict):
    token: Token
    """The `token` of the confirmation link."""


class Confirmed(BaseModel):
    language: Language


class Unsubscription(Strict):
    token: Token
    """The subscriber's token of the unsubscribe link, its mailto or its preferences page."""
    reason: Literal[
        UnsubscribeReason.ONE_CLICK, UnsubscribeReason.PREFERENCES, UnsubscribeReason.MAILTO
    ]


class Preferences(BaseModel):
    language: Language
    state: SubscriberState


class PreferencesChange(Strict):
    language: Language


class Count(BaseModel):
    state: SubscriberState
    language: Language
    count: int


class Summary(BaseModel):
    """How many addresses are in each state and language (a missing pair: none)."""

    counts: list[Count]
    total: int


class HeldSubscriber(BaseModel):
    subscriber_id: UUID
    email: str
    """The address, unsealed; `(erased)` once the person was erased."""
    reason: HoldReason | None
    since: datetime


class Released(BaseModel):
    state: SubscriberState


@router.post(
    "/subscriptions",
    status_code=status.HTTP_202_ACCEPTED,
    responses={status.HTTP_202_ACCEPTED: {"content": {"application/json": {}}}},
)
def subscribe(request: SubscriptionRequest, app: App, _: ServicePrincipal) -> Response:
    """Ask for the newsletter: a confirmation email goes out when the address needs one."""
    app.subscribe(request.email, request.language)
    return Response(ACCEPTED, status.HTTP_202_ACCEPTED, media_type="application/json")


@router.post("/subscriptions/confirm")
def confirm(confirmation: Confirmation, app: App, _: ServicePrincipal) -> Confirmed:
    """Follow the confirmation link (422 a link not ours, 410 one that expired)."""
    return Confirmed(language=app.confirm(confirmation.token))


@router.post("/unsubscribe")
def unsubscribe(unsubscription: Unsubscription, app: App, _: ServicePrincipal) -> Preferences:
    """Receive nothing more, at once; a second time changes nothing."""
    subscriber = app.subscriber_of_token(unsubscription.token)
    app.unsubscribe(subscriber.id, UnsubscribeReason(unsubscription.reason))
    return preferences_of(app.subscriber(subscriber.id))


@router.get("/preferences/{token}")
def preferences(token: SubscriberToken, app: App, _: ServicePrincipal) -> Preferences:
    """The subscriber's language and state, for the preferences page."""
    return preferences_of(app.subscriber_of_token(token))


@router.put("/preferences/{token}")
def change_preferences(
    token: SubscriberToken, change: PreferencesChange, app: App, _: ServicePrincipal
) -> Preferences:
    """Issues in the other language from now on."""
    subscriber = app.subscriber_of_token(token)
    app.change_language(subscriber.id, change.language)
    return preferences_of(app.subscriber(subscriber.id))


@router.get("/subscribers/summary")
def summary(subscribers: SubscribersIndex, _: AdminPrincipal) -> Summary:
    """The unit's counts of addresses by state and language."""
    counts = [
        Count(state=c.state, language=c.language, count=c.count) for c in subscribers.counts()
    ]
    return Summary(counts=counts, total=sum(c.count for c in counts))


@router.get("/subscribers")
def held_subscribers(
    subscribers: SubscribersIndex,
    paging: Paging,
    _: AdminPrincipal,
    state: Literal["held"] = "held",
) -> PageOf[HeldSubscriber]:
    """The addresses on hold (bounced), the latest first, each with why and since when."""
    sealer = subscribers.sealer
    return PageOf[HeldSubscriber].of(
        subscribers.held(paging), paging, lambda row: held_view(row, sealer.unseal_or)
    )


@router.post(RELEASE)
def release(subscriber_id: UUID, app: App, principal: AdminPrincipal) -> Released:
    """Release a held address: it receives the next issue again."""
    app.release(subscriber_id, principal.subject)
    return Released(state=app.subscriber(subscriber_id).state)


def preferences_of(subscriber: Subscriber) -> Preferences:
    return Preferences(language=subscriber.language, state=subscriber.state)


def held_view(row: SubscriberRow, unseal_or: Any) -> HeldSubscriber:
    return HeldSubscriber(
        subscriber_id=row.subscriber_id,
        email=unseal_or(row.email, ERASED),
        reason=row.hold_reason,
        since=row.since,
    )
