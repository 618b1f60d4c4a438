"""How the runtime runs the registration service."""

from services.runtime.service import ServiceDefinition

SERVICE = ServiceDefinition(name="registration")
