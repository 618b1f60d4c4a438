"""How the runtime runs the notifications service."""

from contracts import membership, registration
from contracts.topics import topic_for_event
from services.notifications.api import router
from services.notifications.application import NotificationsApplication
from services.notifications.delivery import DELIVERY
from services.notifications.publishing import to_contract
from services.runtime.service import ServiceDefinition

SERVICE = ServiceDefinition(
    name="notifications",
    application_class=NotificationsApplication,
    to_contract=to_contract,
    routers=(router,),
    reacts_to=(
        topic_for_event(registration.RegistrationSubmitted).name,
        topic_for_event(membership.MemberActivated).name,
    ),
    jobs=(DELIVERY,),
)
