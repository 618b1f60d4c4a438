"""How the runtime runs the notifications service."""

from services.runtime.service import ServiceDefinition

SERVICE = ServiceDefinition(name="notifications")
