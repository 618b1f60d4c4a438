"""The notifications service's read models of other services' topics."""
