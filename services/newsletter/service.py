"""How the runtime runs the newsletter service."""

from services.newsletter import archive_api, issues_api, subscriptions_api
from services.newsletter.application import NewsletterApplication
from services.newsletter.bounces import BOUNCE_RECEIVER
from services.newsletter.expiry import EXPIRY
from services.newsletter.issue_models import ISSUE_JSON_LIMIT
from services.newsletter.issue_schedule import ISSUE_SCHEDULER
from services.newsletter.policies import REACTIONS
from services.newsletter.projections import Subscribers
from services.newsletter.projections.issues import Issues
from services.newsletter.publishing import to_contract
from services.runtime.service import ServiceDefinition

SERVICE = ServiceDefinition(
    name="newsletter",
    application_class=NewsletterApplication,
    to_contract=to_contract,
    routers=(subscriptions_api.router, issues_api.router, archive_api.router),
    projections=(Subscribers, Issues),
    reactions=REACTIONS,
    jobs=(EXPIRY, ISSUE_SCHEDULER),
    parts=(BOUNCE_RECEIVER,),
    json_body_limit=ISSUE_JSON_LIMIT,
)
