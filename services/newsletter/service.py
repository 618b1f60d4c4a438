"""How the runtime runs the newsletter service."""

from services.runtime.service import ServiceDefinition

SERVICE = ServiceDefinition(name="newsletter")
