"""Who is calling: signed bearer tokens and the FastAPI dependencies every service guards with.

Roles: the public carries no token; a member is a representative bound to a body; an admin
belongs to the innovation unit; an applicant is a person who proved control of one email (the
gateway's one-time sign-in link) and may register a body with it; a service is another of
innovnet's services calling an internal endpoint. Services check roles on every write, so the
gateway is never the only guard.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Final, Literal

import jwt
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from contracts.errors import ErrorCode
from services.runtime.errors import refusal_detail

Access = Literal["admin", "member", "applicant", "service"]
"""What a principal may do: an admin (the innovation unit), a member (of one body), an applicant
(a proved email, before any body is registered) or a service (internal endpoints)."""

ISSUER: Final = "innovnet"
AUDIENCE: Final = "innovnet"
DEFAULT_TOKEN_TTL: Final = timedelta(hours=8)  # one working day
_ALGORITHM: Final = "HS256"
_CLOCK_SKEW: Final = timedelta(seconds=30)  # services on different machines disagree a little
_REQUIRED_CLAIMS: Final = ["sub", "role", "iat", "exp", "iss", "aud"]


# Named as the fact it reports, like the project's other errors (hence N818).
class InvalidToken(Exception):
    """A bearer token that cannot be trusted: malformed, expired, forged or incomplete."""


class Principal(BaseModel):
    """The authenticated caller: a member, an admin, an applicant or another service."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    subject: str
    role: Access
    email: str | None = None
    body_id: str | None = None

    @model_validator(mode="after")
    def members_belong_to_a_body(self) -> Principal:
        """A member acts for exactly one body; the other roles act for none."""
        if self.role == "member" and not self.body_id:
            raise ValueError("a member must belong to a body (body_id)")
        if self.role != "member" and self.body_id is not None:
            raise ValueError(f"an {self.role} belongs to no body (no body_id)")
        if self.role == "applicant" and not self.email:
            raise ValueError("an applicant is the email they proved (email)")
        return self

    @property
    def is_admin(self) -> bool:
        """Staff of the innovation unit."""
        return self.role == "admin"

    def acts_for(self, body_id: str) -> bool:
        """May act for (and see the personal data of) the body: an admin, or its member."""
        return self.is_admin or self.body_id == body_id


def mint_token(
    secret: str,
    *,
    subject: str,
    role: Access,
    email: str | None = None,
    body_id: str | None = None,
    ttl: timedelta = DEFAULT_TOKEN_TTL,
    now: datetime | None = None,
) -> str:
    """Sign an HS256 token for a principal, valid for `ttl` from `now`."""
    principal = Principal(subject=subject, role=role, email=email, body_id=body_id)
    issued_at = now or datetime.now(UTC)
    if issued_at.tzinfo is None:
        raise ValueError("`now` must carry a time zone")
    if ttl <= timedelta(0):
        raise ValueError("`ttl` must be positive")
    claims: dict[str, Any] = {
        "sub": principal.subject,
        "role": principal.role,
        "email": principal.email,
        "body_id": principal.body_id,
        "iat": issued_at,
        "exp": issued_at + ttl,
        "iss": ISSUER,
        "aud": AUDIENCE,
    }
    return jwt.encode(claims, secret, algorithm=_ALGORITHM)


def read_token(secret: str, token: str) -> Principal:
    """The principal a token was minted for; raises `InvalidToken` if it cannot be trusted."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[_ALGORITHM],  # pinned: the token's own header never picks the algorithm
            audience=AUDIENCE,
            issuer=ISSUER,
            leeway=_CLOCK_SKEW,
            options={"require": _REQUIRED_CLAIMS},
        )
        return Principal(
            subject=claims["sub"],
            role=claims["role"],
            email=claims.get("email"),
            body_id=claims.get("body_id"),
        )
    except jwt.PyJWTError as error:
        raise InvalidToken(str(error)) from error
    except ValidationError as error:
        # Name the claims only: their values (an email) must not reach the logs.
        problems = "; ".join(
            f"{'.'.join(map(str, problem['loc'])) or 'claims'}: {problem['msg']}"
            for problem in error.errors()
        )
        raise InvalidToken(f"the token's claims are not a principal: {problems}") from None


_bearer = HTTPBearer(auto_error=False, description="A token from the gateway's login.")


async def optional_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    """The caller, or None for the public; a token that is sent but invalid is a 401."""
    if credentials is None:
        return None
    try:
        return read_token(_jwt_secret(request), credentials.credentials)
    except InvalidToken:
        # Never serve an expired session the public view: the client must log in again.
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail=refusal_detail(
                ErrorCode.TOKEN_INVALID, "the bearer token is invalid or expired"
            ),
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        ) from None


OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]


async def require_principal(principal: OptionalPrincipal) -> Principal:
    """The caller; the public gets a 401."""
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail=refusal_detail(ErrorCode.SIGN_IN_REQUIRED, "log in first"),
            headers={"WWW-Authenticate": "Bearer"},
        )
    return principal


CurrentPrincipal = Annotated[Principal, Depends(require_principal)]


def require_role(*roles: Access) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency giving the caller when their role is one of `roles`, else a 403."""
    if not roles:
        raise ValueError("name at least one role")
    needed = " or ".join(roles)

    async def principal_in_role(principal: CurrentPrincipal) -> Principal:
        if principal.role not in roles:
            detail = refusal_detail(
                ErrorCode.ROLE_REQUIRED, f"only {needed} may do this", roles=list(roles)
            )
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail=detail)
        return principal

    return principal_in_role


AdminPrincipal = Annotated[Principal, Depends(require_role("admin"))]
MemberPrincipal = Annotated[Principal, Depends(require_role("member"))]
ApplicantPrincipal = Annotated[Principal, Depends(require_role("applicant"))]
ServicePrincipal = Annotated[Principal, Depends(require_role("service"))]


def _jwt_secret(request: Request) -> str:
    settings = getattr(request.app.state, "settings", None)
    if settings is None:
        raise RuntimeError("app.state.settings is not set: the app factory must set it")
    secret: str = settings.jwt_secret
    return secret
