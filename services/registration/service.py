"""How the runtime runs the registration service."""

from contracts.registration import PersonalDataErased
from services.registration.api import router
from services.registration.application import RegistrationApplication
from services.registration.jobs import LAPSE_CHECK, OVERDUE_CHECK
from services.registration.projections import RegistrationIndex
from services.registration.publishing import to_contract
from services.runtime.service import ServiceDefinition

SERVICE = ServiceDefinition(
    name="registration",
    application_class=RegistrationApplication,
    to_contract=to_contract,
    routers=(router,),
    projections=(RegistrationIndex,),
    jobs=(OVERDUE_CHECK, LAPSE_CHECK),
    erased_event=PersonalDataErased,
)
