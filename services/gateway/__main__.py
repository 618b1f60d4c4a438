from services.gateway.service import SERVICE
from services.runtime.runner import run

run(SERVICE)
