"""How the runtime runs the notifications service."""

from services.notifications.api import router
from services.notifications.application import NotificationsApplication
from services.notifications.delivery import DELIVERY
from services.notifications.newsletter_api import router as newsletter_router
from services.notifications.newsletter_sending import NEWSLETTER_SENDING
from services.notifications.policies import REACTIONS
from services.notifications.projections.audience import Audience
from services.notifications.publishing import to_contract
from services.runtime.service import ServiceDefinition

SERVICE = ServiceDefinition(
    name="notifications",
    application_class=NotificationsApplication,
    to_contract=to_contract,
    routers=(router, newsletter_router),
    projections=(Audience,),
    reactions=REACTIONS,
    jobs=(DELIVERY, NEWSLETTER_SENDING),
)
