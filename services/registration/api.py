"""The registration API: request model → command → response model; rules live in the domain."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, Response, UploadFile, status

from contracts.registration import Role
from services.registration.application import RegistrationApplication
from services.registration.domain import Registration
from services.registration.form import REGISTRATION_FORM, RegistrationForm
from services.registration.form_sheet import render_form_sheet
from services.registration.models import (
    BodyPublic,
    ClosureCreate,
    DesignationDecision,
    DesignationDue,
    DesignationPublic,
    RegistrationCreate,
    RegistrationCreated,
    RegistrationPage,
    RegistrationPublic,
    RegistrationSummary,
    RepresentativeCreate,
    RepresentativePublic,
    RepresentativeRef,
    SignerName,
    SignerTitle,
    WithdrawalCreate,
)
from services.runtime.auth import AdminPrincipal, CurrentPrincipal, OptionalPrincipal, Principal
from services.runtime.dependencies import projection, service_application
from services.runtime.errors import NotAllowed
from services.runtime.openapi_links import link, linked_response
from services.runtime.paging import Paging
from services.runtime.projection import Projection
from services.runtime.values import Day

router = APIRouter(tags=["registration"])

Status = Literal[
    "awaiting_designation",
    "designation_received",
    "active",
    "overdue",
    "designation_rejected",
    "withdrawn",
]


App = Annotated[RegistrationApplication, Depends(service_application)]
Index = Annotated[Projection, Depends(projection("registrations"))]

# OpenAPI links: where a registration's id leads next (clients and the API fuzz tests follow them).
ONE_REGISTRATION = "/registrations/{registration_id}"
BY_ID = "$response.body#/id"
REGISTRATION_LINKS = {
    "GetRegistration": link("GET", ONE_REGISTRATION, registration_id=BY_ID),
    "SendDesignation": link("POST", f"{ONE_REGISTRATION}/designation", registration_id=BY_ID),
    "AddAlternate": link("POST", f"{ONE_REGISTRATION}/alternate", registration_id=BY_ID),
    "Withdraw": link("POST", f"{ONE_REGISTRATION}/withdraw", registration_id=BY_ID),
    "ReplaceMain": link(
        "POST",
        f"{ONE_REGISTRATION}/representatives/{{representative_id}}/replacement",
        registration_id=BY_ID,
        representative_id="$response.body#/representatives/0/id",
    ),
}
# A representative just nominated, as a RepresentativeRef: the registration is the request's.
NOMINATED_LINKS = {
    "GetRegistration": link(
        "GET", ONE_REGISTRATION, registration_id="$request.path.registration_id"
    ),
    "ReplaceThem": link(
        "POST",
        f"{ONE_REGISTRATION}/representatives/{{representative_id}}/replacement",
        registration_id="$request.path.registration_id",
        representative_id=BY_ID,
    ),
}
DESIGNATION_LINKS = {
    "Download": link("GET", f"{ONE_REGISTRATION}/designation.pdf", registration_id=BY_ID),
    "Verify": link("POST", f"{ONE_REGISTRATION}/designation/verify", registration_id=BY_ID),
    "Reject": link("POST", f"{ONE_REGISTRATION}/designation/reject", registration_id=BY_ID),
}


def may_see_personal_data(principal: Principal | None, registration: Registration) -> bool:
    """Admins, and the representatives of the body itself."""
    if principal is None:
        return False
    return principal.role == "admin" or principal.body_id == registration.body.tax_id


def check_acts_for_body(principal: Principal, registration: Registration) -> None:
    """The innovation unit, or a representative of this body."""
    if not may_see_personal_data(principal, registration):
        raise NotAllowed("Only the body's representatives or the innovation unit may do this.")


def public_view(
    app: RegistrationApplication, registration: Registration, with_personal_data: bool
) -> RegistrationPublic:
    """A registration as the caller may see it."""
    unseal = app.sealer.unseal
    representatives = []
    for r in sorted(
        registration.representatives.values(), key=lambda r: (r.role is not Role.MAIN, str(r.id))
    ):
        n = r.nomination
        personal = (
            {
                "full_name": unseal(n.full_name),
                "email": unseal(n.email),
                "phone": unseal(n.phone) if n.phone else None,
            }
            if with_personal_data
            else {}
        )
        representatives.append(
            RepresentativePublic(
                id=r.id,
                role=r.role,
                state=r.state,
                designation_due=r.designation_due,
                position_title=n.position_title,
                unit=n.unit,
                seniority=n.seniority,
                seniority_justification=n.seniority_justification,
                replaces=r.replaces,
                **personal,
            )
        )
    latest = max(registration.designations.values(), key=lambda d: d.received_at, default=None)
    designation = None
    if latest is not None:
        designation = DesignationPublic(
            id=latest.designation_id,
            state=latest.state,
            received_at=latest.received_at,
            signed_by_title=latest.signed_by_title,
            signed_by_name=unseal(latest.signed_by_name) if with_personal_data else None,
            sha256=latest.sha256,
            size_bytes=latest.size_bytes,
            reason=latest.reason,
        )
    body = registration.body
    return RegistrationPublic(
        id=registration.id,
        status=registration.status,
        designation_due=registration.designation_due,
        submitted_at=registration.submitted_at,
        body=BodyPublic(
            name=body.name,
            tax_id=body.tax_id,
            level=body.level,
            parent=body.parent,
            website=body.website,
        ),
        representatives=representatives,
        designation=designation,
        withdrawn_at=registration.withdrawn_at,
    )


@router.post(
    "/registrations",
    status_code=status.HTTP_201_CREATED,
    responses=linked_response(status.HTTP_201_CREATED, **REGISTRATION_LINKS),
)
def submit_registration(form: RegistrationCreate, app: App) -> RegistrationCreated:
    """Submit the registration form for the main and, optionally, the alternate representative."""
    registration = app.submit(form)
    return RegistrationCreated(
        id=registration.id,
        status=registration.status,
        designation_due=registration.designation_due,
        representatives=[RepresentativeRef(id=r.id, role=r.role) for r in registration.current()],
    )


@router.get(
    "/registrations",
    responses=linked_response(
        status.HTTP_200_OK,
        GetRegistration=link("GET", ONE_REGISTRATION, registration_id="$response.body#/items/0/id"),
    ),
)
def list_registrations(
    app: App,
    index: Index,
    principal: AdminPrincipal,
    paging: Paging,
    status: Status | None = None,
) -> RegistrationPage:
    """The innovation unit's list, newest first, filtered by status (e.g. `overdue`)."""
    # `%s IS NULL OR status = %s`: one statement whether a status is asked for or not.
    with index.reading() as curs:
        counted = curs.execute(
            "SELECT count(*) AS n FROM registrations WHERE %(s)s::text IS NULL OR status = %(s)s",
            {"s": status},
        ).fetchone()
        rows = curs.execute(
            "SELECT * FROM registrations WHERE %(s)s::text IS NULL OR status = %(s)s"
            " ORDER BY submitted_at DESC, id LIMIT %(limit)s OFFSET %(offset)s",
            {"s": status, "limit": paging.limit, "offset": paging.offset},
        ).fetchall()
    total = int(counted["n"]) if counted else 0
    return RegistrationPage(
        items=[
            RegistrationSummary(
                id=row["id"],
                body_name=row["body_name"],
                tax_id=row["tax_id"],
                level=row["level"],
                status=row["status"],
                designation_due=row["designation_due"],
                next_due=row["next_due"],
                submitted_at=row["submitted_at"],
            )
            for row in rows
        ],
        total=total,
        page=paging.number,
        page_size=paging.size,
    )


@router.get(
    "/registrations/{registration_id}",
    responses=linked_response(status.HTTP_200_OK, **REGISTRATION_LINKS, **DESIGNATION_LINKS),
)
def get_registration(
    registration_id: UUID, app: App, principal: OptionalPrincipal
) -> RegistrationPublic:
    """A registration's status; personal data only for admins and the body's representatives."""
    registration = app.registration(registration_id)
    return public_view(app, registration, may_see_personal_data(principal, registration))


@router.post(
    "/registrations/{registration_id}/designation",
    status_code=status.HTTP_201_CREATED,
    responses=linked_response(status.HTTP_201_CREATED, **DESIGNATION_LINKS),
)
def send_designation(
    registration_id: UUID,
    app: App,
    principal: CurrentPrincipal,
    file: Annotated[UploadFile, File(description="The signed designation, a PDF of at most 10 MB")],
    signed_by_name: Annotated[SignerName, Form()],
    signed_by_title: Annotated[SignerTitle, Form()],
) -> RegistrationPublic:
    """Upload the designation signed by a senior management executive."""
    registration = app.registration(registration_id)
    check_acts_for_body(principal, registration)
    # A plain `def` route runs in the thread pool, so the blocking reads (the spooled file,
    # the database) stay off the event loop.
    # The body limit bounds the upload; the designation's own checks (size first) refuse it.
    content = file.file.read()
    app.send_designation(registration_id, content, signed_by_name, signed_by_title)
    return public_view(app, app.registration(registration_id), True)


@router.get("/registrations/{registration_id}/designation.pdf")
def download_designation(registration_id: UUID, app: App, principal: AdminPrincipal) -> Response:
    """The latest designation file, for the innovation unit to check."""
    registration = app.registration(registration_id)
    latest = max(registration.designations.values(), key=lambda d: d.received_at, default=None)
    content = app.designation_files.load(latest.sha256) if latest else None
    if content is None:
        return Response(status_code=status.HTTP_404_NOT_FOUND)
    # A file a body uploaded is never rendered by the browser in our origin: saved, not shown.
    return Response(
        content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="designation-{registration_id}.pdf"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.post("/registrations/{registration_id}/designation/verify")
def verify_designation(
    registration_id: UUID, app: App, principal: AdminPrincipal
) -> RegistrationPublic:
    """The innovation unit verifies the designation: the representatives become members."""
    app.verify_designation(registration_id)
    return public_view(app, app.registration(registration_id), True)


@router.post("/registrations/{registration_id}/designation/reject")
def reject_designation(
    registration_id: UUID, decision: DesignationDecision, app: App, principal: AdminPrincipal
) -> RegistrationPublic:
    """The innovation unit rejects the designation with a reason; a new one can be sent."""
    app.reject_designation(registration_id, decision.reason)
    return public_view(app, app.registration(registration_id), True)


@router.post(
    "/registrations/{registration_id}/alternate",
    status_code=status.HTTP_201_CREATED,
    responses=linked_response(status.HTTP_201_CREATED, **NOMINATED_LINKS),
)
def add_alternate(
    registration_id: UUID,
    details: RepresentativeCreate,
    app: App,
    principal: CurrentPrincipal,
) -> RepresentativeRef:
    """Add the alternate representative to a registration that has none."""
    check_acts_for_body(principal, app.registration(registration_id))
    return RepresentativeRef(id=app.add_alternate(registration_id, details), role=Role.ALTERNATE)


@router.post(
    "/registrations/{registration_id}/representatives/{representative_id}/replacement",
    status_code=status.HTTP_201_CREATED,
    responses=linked_response(status.HTTP_201_CREATED, **NOMINATED_LINKS),
)
def replace_representative(
    registration_id: UUID,
    representative_id: UUID,
    details: RepresentativeCreate,
    app: App,
    principal: CurrentPrincipal,
) -> RepresentativeRef:
    """Nominate a successor; the representative replaced leaves once the successor is verified."""
    registration = app.registration(registration_id)
    check_acts_for_body(principal, registration)
    successor = app.replace_representative(registration_id, representative_id, details)
    # `registration` was read before the successor was saved: the successor has the role of
    # the representative it replaces (the command checked that one exists).
    role = registration.representatives[representative_id].role
    return RepresentativeRef(id=successor, role=role)


@router.post("/registrations/{registration_id}/withdraw")
def withdraw_registration(
    registration_id: UUID, withdrawal: WithdrawalCreate, app: App, principal: CurrentPrincipal
) -> RegistrationPublic:
    """Withdraw the registration; the body may register again later."""
    check_acts_for_body(principal, app.registration(registration_id))
    app.withdraw(registration_id, withdrawal.reason)
    return public_view(app, app.registration(registration_id), True)


@router.get("/registration-form")
def registration_form() -> RegistrationForm:
    """The form's fields, their allowed values and help, in Greek and English."""
    return REGISTRATION_FORM


@router.get("/registration-form.pdf", response_class=Response)
def registration_form_sheet() -> Response:
    """The printable sheet of the form's fields, to read before filling it in."""
    return Response(
        render_form_sheet(REGISTRATION_FORM),
        media_type="application/pdf",
        headers={"Content-Disposition": 'inline; filename="innovnet-registration-form.pdf"'},
    )


@router.get("/calendar/designation-due")
def designation_due(submitted: Day, app: App) -> DesignationDue:
    """The day a designation is due for a form submitted on `submitted`."""
    return DesignationDue(
        submitted=submitted, designation_due=app.calendar().designation_due(submitted)
    )


@router.post("/calendar/closures", status_code=status.HTTP_201_CREATED)
def add_closure(closure: ClosureCreate, app: App, principal: AdminPrincipal) -> ClosureCreate:
    """Add a day the innovation unit is closed; due days skip it from now on."""
    app.add_closure(closure.date, closure.reason)
    return closure
