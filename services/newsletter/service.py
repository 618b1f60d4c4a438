"""How the runtime runs the newsletter service."""

from services.newsletter import subscriptions_api
from services.newsletter.application import NewsletterApplication
from services.newsletter.expiry import EXPIRY
from services.newsletter.policies import REACTIONS
from services.newsletter.projections import Subscribers
from services.newsletter.publishing import to_contract
from services.runtime.service import ServiceDefinition

SERVICE = ServiceDefinition(
    name="newsletter",
    application_class=NewsletterApplication,
    to_contract=to_contract,
    routers=(subscriptions_api.router,),
    projections=(Subscribers,),
    reactions=REACTIONS,
    jobs=(EXPIRY,),
)
