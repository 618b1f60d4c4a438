"""Accept and decline links of an invitation: signed with the token secret, expiring.

The notifications service makes them when it renders an invitation email; the gateway reads
them when a link is followed. They are never stored in an event or sent to Kafka.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final
from uuid import UUID

import jwt

AUDIENCE: Final = "innovnet:invitation-answer"


def invitation_links(
    secret: str, public_url: str, activity: UUID, representative: UUID, expires: datetime
) -> dict[str, str]:
    """`accept_url` and `decline_url` for one invitee, valid until `expires`."""
    links = {}
    for key, answer in (("accept_url", "accepted"), ("decline_url", "declined")):
        claims = {
            "aud": AUDIENCE,
            "sub": str(representative),
            "activity_id": str(activity),
            "answer": answer,
            "exp": expires,
        }
        signed = jwt.encode(claims, secret, algorithm="HS256")
        links[key] = f"{public_url}/invitations/answer?token={signed}"
    return links


def read_invitation_answer(secret: str, token: str) -> tuple[UUID, UUID, str]:
    """(activity id, representative id, answer) of a link; raises jwt's errors if not valid."""
    claims = jwt.decode(token, secret, algorithms=["HS256"], audience=AUDIENCE)
    return UUID(claims["activity_id"]), UUID(claims["sub"]), str(claims["answer"])
