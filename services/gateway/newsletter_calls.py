"""The public newsletter pages' calls to the newsletter service, as the gateway (role `service`).

The reader is never signed in here: the link's token, or the form's address, is what they hold.
"""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import Request

from services.gateway.calls import calls_of


def call(request: Request, method: str, path: str, **kw: Any) -> httpx.Response:
    """`method path` on the newsletter service as the gateway; transport errors are the 503 page."""
    return calls_of(request).as_gateway("newsletter", method, path, **kw)


def public_get(request: Request, path: str, **kw: Any) -> httpx.Response:
    """A public read of the archive (no token needed, none sent)."""
    return calls_of(request).get("newsletter", path, None, **kw)
