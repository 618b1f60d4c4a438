"""How the runtime runs the observatory service."""

from services.runtime.service import ServiceDefinition

SERVICE = ServiceDefinition(name="observatory")
