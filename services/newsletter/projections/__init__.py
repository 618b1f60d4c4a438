"""The newsletter's read models, folded from its own topic."""

from services.newsletter.projections.subscribers import Subscribers

__all__ = ["Subscribers"]
