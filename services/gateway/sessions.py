"""Server-side sessions, and who is reading a page: the `Visitor` and `SignedIn` dependencies.

The browser holds a random session id in the `__Host-innovnet_session` cookie (HttpOnly,
Secure, SameSite=Lax, Path=/, no Domain); the table keeps only its SHA-256, the proved email,
its blind index, the purpose of the sign-in and the form's draft. A session ends after
`GATEWAY_SESSION_IDLE_MINUTES` without a request, `GATEWAY_SESSION_MAX_HOURS` after the sign-in
however busy, on sign out, and when the directory sees its representative withdrawn or
replaced; the gateway's clean-up job (`housekeeping.py`) deletes the rows of ended ones. Who
the person is gets decided on each request, so a change shows at once: staff by the configured
list, a representative by the directory, else an applicant if they signed in to register;
anyone else's session ends.

In a route:

    def page(request: Request, visitor: CurrentVisitor) -> HTMLResponse: ...      # anyone
    def page(request: Request, person: Representative) -> HTMLResponse: ...     # signed in
    visitor.draft, visitor.save_draft({...}), visitor.clear_draft()             # form draft
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Final, Literal
from uuid import UUID

from fastapi import Depends, Request
from psycopg.types.json import Jsonb
from starlette.responses import Response

from services.gateway.database import GatewayDatabase

SESSION_COOKIE: Final = "__Host-innovnet_session"
MAX_LIFETIME: Final = timedelta(hours=12)
"""The default of `GATEWAY_SESSION_MAX_HOURS`: a session ends this long after its sign-in."""
TOUCH_EVERY: Final = timedelta(seconds=60)
"""A session's last request is written at most this often (each page would be a write)."""

Kind = Literal["applicant", "representative", "staff"]
Purpose = Literal["sign-in", "register"]
"""Why a person signed in: to reach their pages, or to fill the registration form."""


@dataclass(frozen=True)
class SignedIn:
    """The signed-in person: what they proved (email) and what they are."""

    kind: Kind
    email: str
    body_id: str | None = None
    """A representative's body (its ΑΦΜ)."""
    registration_id: UUID | None = None
    representative_id: UUID | None = None
    role: str | None = None
    """A representative's role: main or alternate."""
    staff_subject: str | None = None
    """The subject id a member of staff decides as (`staff.staff_subject`)."""


@dataclass
class StoredSession:
    """A session row: the hash of its id and what it holds."""

    id_hash: bytes
    purpose: Purpose
    email: str
    blind_index: bytes
    draft: dict[str, Any]


class SessionStore:
    """The sessions table."""

    def __init__(
        self, database: GatewayDatabase, idle: timedelta, lifetime: timedelta = MAX_LIFETIME
    ) -> None:
        self._db = database
        self.idle = idle
        self.lifetime = lifetime

    def open(self, purpose: Purpose, email: str, blind: bytes, now: datetime | None = None) -> str:
        """Start a session; its id, for the cookie (never stored)."""
        now = now or datetime.now(UTC)
        session_id = secrets.token_urlsafe(32)
        self._db.execute(
            "INSERT INTO public.sessions VALUES (%s, %s, %s, %s, '{}', %s, %s)",
            (_hash(session_id), purpose, email, blind, now, now),
        )
        return session_id

    def find(self, session_id: str, now: datetime | None = None) -> StoredSession | None:
        """The session of that id if it has not ended; its last request is now."""
        now = now or datetime.now(UTC)
        rows = self._db.execute(
            "SELECT id_hash, purpose, email, blind_index, draft, last_seen_at"
            " FROM public.sessions"
            " WHERE id_hash = %s AND last_seen_at > %s AND created_at > %s",
            (_hash(session_id), now - self.idle, now - self.lifetime),
        )
        if not rows:
            return None
        row = rows[0]
        if now - row["last_seen_at"] > TOUCH_EVERY:
            self._db.execute(
                "UPDATE public.sessions SET last_seen_at = %s WHERE id_hash = %s",
                (now, row["id_hash"]),
            )
        return StoredSession(
            bytes(row["id_hash"]),
            row["purpose"],
            row["email"],
            bytes(row["blind_index"]),
            dict(row["draft"]),
        )

    def save_draft(self, id_hash: bytes, draft: dict[str, Any]) -> None:
        self._db.execute(
            "UPDATE public.sessions SET draft = %s WHERE id_hash = %s", (Jsonb(draft), id_hash)
        )

    def take_draft_part(self, id_hash: bytes, key: str, expected: Any) -> bool:
        """Remove `key` from the draft if it still holds `expected`; whether this call did.

        One statement, so of two requests taking the same part at once only one gets it.
        """
        rows = self._db.execute(
            "UPDATE public.sessions SET draft = draft - %s::text"
            " WHERE id_hash = %s AND draft -> %s::text = %s RETURNING id_hash",
            (key, id_hash, key, Jsonb(expected)),
        )
        return bool(rows)

    def end(self, id_hash: bytes) -> None:
        self._db.execute("DELETE FROM public.sessions WHERE id_hash = %s", (id_hash,))

    def remove_ended(self, now: datetime) -> int:
        """Delete the sessions idle too long or past their lifetime; how many."""
        with self._db.transaction() as conn:
            return conn.execute(
                "DELETE FROM public.sessions WHERE last_seen_at <= %s OR created_at <= %s",
                (now - self.idle, now - self.lifetime),
            ).rowcount


def _hash(session_id: str) -> bytes:
    return hashlib.sha256(session_id.encode()).digest()


@dataclass
class Visitor:
    """Whoever reads the page: the signed-in person (or None) and their session's draft."""

    person: SignedIn | None
    session: StoredSession | None = None
    store: SessionStore | None = field(default=None, repr=False)

    @property
    def draft(self) -> dict[str, Any]:
        """The registration form as filled so far (a copy; empty when signed out)."""
        return dict(self.session.draft) if self.session else {}

    def save_draft(self, draft: dict[str, Any]) -> None:
        """Keep `draft` (JSON values) in the session, between question pages."""
        if self.session is None or self.store is None:
            raise RuntimeError("a draft needs a session: the page must require a sign-in")
        self.store.save_draft(self.session.id_hash, draft)
        self.session.draft = dict(draft)

    def clear_draft(self) -> None:
        self.save_draft({})

    def take_draft_part(self, key: str) -> bool:
        """Claim the draft's `key` (removing it) before acting on it: False if another request
        took it first (a form sent twice), so what it holds is acted on once."""
        if self.session is None or self.store is None or key not in self.session.draft:
            return False
        if not self.store.take_draft_part(self.session.id_hash, key, self.session.draft[key]):
            return False
        self.session.draft.pop(key, None)
        return True

    def sign_out(self) -> None:
        """End the session (the cookie is cleared by `clear_session_cookie`)."""
        if self.session is not None and self.store is not None:
            self.store.end(self.session.id_hash)
        self.session = None
        self.person = None


def visitor_of(request: Request) -> Visitor:
    """Who is reading: found once per request (`render` and the dependencies share it)."""
    found = getattr(request.state, "visitor", None)
    if isinstance(found, Visitor):
        return found
    visitor = _find_visitor(request)
    request.state.visitor = visitor
    return visitor


def _find_visitor(request: Request) -> Visitor:
    session_id = request.cookies.get(SESSION_COOKIE)
    application = getattr(request.app.state, "application", None)
    if not session_id or application is None:
        return Visitor(None)
    store = session_store(request)
    stored = store.find(session_id)
    if stored is None:
        return Visitor(None)
    person = person_for(request, stored)
    if person is None:  # no longer anyone who may sign in: the session ends
        store.end(stored.id_hash)
        return Visitor(None)
    return Visitor(person, stored, store)


def session_store(request: Request) -> SessionStore:
    """The sessions of the running gateway."""
    store: SessionStore = request.app.state.application.sessions
    return store


def person_for(request: Request, stored: StoredSession) -> SignedIn | None:
    """Who the session's email is now: staff, a current representative, an applicant, nobody."""
    application = request.app.state.application
    for member in application.gateway.staff_members:
        if member.email == stored.email:
            return SignedIn("staff", stored.email, staff_subject=member.subject)
    directory = request.app.state.running.projections["directory"]
    representative = directory.current(stored.blind_index)
    if representative is not None:
        return SignedIn(
            "representative",
            stored.email,
            representative.body_id,
            representative.registration_id,
            representative.representative_id,
            representative.role,
        )
    if stored.purpose == "register":
        return SignedIn("applicant", stored.email)
    return None


def set_session_cookie(response: Response, session_id: str) -> None:
    """The session cookie: HttpOnly, Secure, SameSite=Lax, Path=/, no Domain (`__Host-`).

    It lives while the browser does; the session itself ends sooner (see above).
    """
    response.set_cookie(
        SESSION_COOKIE, session_id, path="/", httponly=True, secure=True, samesite="lax"
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, secure=True, samesite="lax")


class SignInRequired(Exception):
    """The page is for signed-in people: the error pages send the reader to sign in first."""

    def __init__(self, next_path: str, purpose: Purpose = "sign-in") -> None:
        super().__init__(next_path)
        self.next_path = next_path
        self.purpose = purpose


class NotForYou(Exception):
    """A signed-in person of another kind asked for the page: the 403 page."""


def current_visitor(request: Request) -> Visitor:
    """Dependency: whoever reads the page."""
    return visitor_of(request)


CurrentVisitor = Annotated[Visitor, Depends(current_visitor)]


def require_kind(*kinds: Kind, purpose: Purpose = "sign-in") -> Callable[[Request], SignedIn]:
    """A dependency giving the signed-in person when of one of `kinds`.

    Signed out: a redirect to the sign-in page (with `purpose`, and back here after); of
    another kind: the 403 page.
    """

    def signed_in_as(request: Request) -> SignedIn:
        person = visitor_of(request).person
        if person is None:
            path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise SignInRequired(path, purpose)
        if person.kind not in kinds:
            raise NotForYou(person.kind)
        return person

    return signed_in_as


AnyoneSignedIn = Annotated[SignedIn, Depends(require_kind("applicant", "representative", "staff"))]
Representative = Annotated[SignedIn, Depends(require_kind("representative"))]
Staff = Annotated[SignedIn, Depends(require_kind("staff"))]
Applicant = Annotated[
    SignedIn, Depends(require_kind("applicant", "representative", "staff", purpose="register"))
]
"""Whoever proved an email and may fill the registration form with it."""
