"""How the runtime runs the notifications service."""

from services.notifications.api import router
from services.notifications.application import NotificationsApplication
from services.notifications.delivery import DELIVERY
from services.notifications.policies import REACTIONS
from services.notifications.publishing import to_contract
from services.runtime.service import ServiceDefinition

SERVICE = ServiceDefinition(
    name="notifications",
    application_class=NotificationsApplication,
    to_contract=to_contract,
    routers=(router,),
    reactions=REACTIONS,
    jobs=(DELIVERY,),
)
