"""How the runtime runs the observatory service."""

from services.observatory import attachments_api, catalogue_api
from services.observatory.api import router
from services.observatory.application import ObservatoryApplication
from services.observatory.projections import Desk, Members
from services.observatory.projections.catalogue import Catalogue
from services.observatory.publishing import to_contract
from services.runtime.body_limit import KIB
from services.runtime.service import ServiceDefinition

PRACTICE_JSON_LIMIT = 512 * KIB
"""A practice filled to OPSI's limits in Greek and English, each Greek letter sent as a
`\\uXXXX` escape (six bytes), is close to 300 KB of JSON."""

SERVICE = ServiceDefinition(
    name="observatory",
    application_class=ObservatoryApplication,
    to_contract=to_contract,
    routers=(router, attachments_api.router, catalogue_api.router),
    projections=(Members, Desk, Catalogue),
    json_body_limit=PRACTICE_JSON_LIMIT,
)
