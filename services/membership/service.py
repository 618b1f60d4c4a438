"""How the runtime runs the membership service."""

from services.membership.api import router
from services.membership.application import MembershipApplication
from services.membership.policies import REACTIONS
from services.membership.projections import Participation, Roster
from services.membership.publishing import to_contract
from services.runtime.service import ServiceDefinition

SERVICE = ServiceDefinition(
    name="membership",
    application_class=MembershipApplication,
    to_contract=to_contract,
    routers=(router,),
    projections=(Roster, Participation),
    reactions=REACTIONS,
)
