"""How the runtime runs the membership service."""

from services.runtime.service import ServiceDefinition

SERVICE = ServiceDefinition(name="membership")
