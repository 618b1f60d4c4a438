"""How the runtime runs the gateway: its pages, its directory projection, its app set-up.

It has no JSON API for others to call, so it serves no OpenAPI document and no /docs.
"""

from services.gateway.app import configure
from services.gateway.application import GatewayApplication
from services.gateway.directory import Directory
from services.gateway.housekeeping import CLEAN_UP
from services.gateway.routes import (
    account,
    activities,
    invitations,
    my_body,
    my_practices,
    newsletter,
    nominations,
    observatory,
    participation,
    public,
    registering,
    unit,
    unit_activities,
    unit_closures,
    unit_deliveries,
    unit_newsletter,
    unit_participation,
    unit_practices,
    unit_registrations,
    unit_roster,
)
from services.runtime.service import ServiceDefinition

SERVICE = ServiceDefinition(
    name="gateway",
    application_class=GatewayApplication,
    routers=(
        public.router,
        observatory.router,
        newsletter.router,
        account.router,
        my_body.router,
        nominations.router,
        registering.router,
        activities.router,
        invitations.router,
        participation.router,
        my_practices.router,
        unit.router,
        unit_registrations.router,
        unit_closures.router,
        unit_roster.router,
        unit_activities.router,
        unit_participation.router,
        unit_deliveries.router,
        unit_practices.router,
        unit_newsletter.router,
    ),
    projections=(Directory,),
    jobs=(CLEAN_UP,),
    configure_app=configure,
    serves_api_docs=False,
)
