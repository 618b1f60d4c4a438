"""The registration API: request model → command → response model; rules live in the domain."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from uuid import UUID

from fastapi import APIRouter, Body, Depends, File, Form, Query, Response, UploadFile, status

from contracts.errors import ErrorCode
from contracts.registration import Role
from services.registration.application import RegistrationApplication
from services.registration.domain import Registration
from services.registration.form import REGISTRATION_FORM
from services.registration.form_model import RegistrationForm
from services.registration.form_sheet import render_form_sheet
from services.registration.models import (
    ClosureCreate,
    ClosureEffect,
    ClosurePage,
    ClosurePublic,
    DesignationDecision,
    DesignationDue,
    DesignationVerification,
    ExtensionCreate,
    RegistrationCreate,
    RegistrationCreated,
    RegistrationPage,
    RegistrationPublic,
    RepresentativeCreate,
    RepresentativeRef,
    SignerName,
    SignerTitle,
    WithdrawalCreate,
)
from services.registration.nominations import RegistrationStatus
from services.registration.projections import RegistrationIndex
from services.registration.views import (
    closure_effect_view,
    closure_view,
    created_view,
    public_view,
    summary_view,
)
from services.runtime.auth import (
    AdminPrincipal,
    ApplicantPrincipal,
    CurrentPrincipal,
    OptionalPrincipal,
    Principal,
)
from services.runtime.dependencies import projection, service_application
from services.runtime.errors import NotAllowed, NotFound
from services.runtime.openapi_links import link, linked_response
from services.runtime.paging import Paging
from services.runtime.values import Day

router = APIRouter(tags=["registration"])
Route = TypeVar("Route", bound=Callable[..., Any])

App = Annotated[RegistrationApplication, Depends(service_application)]
Index = Annotated[RegistrationIndex, Depends(projection(RegistrationIndex.name))]

# OpenAPI links: where a registration's id leads next (clients and the API fuzz tests follow them).
ONE_REGISTRATION = "/registrations/{registration_id}"
BY_ID = "$response.body#/id"
REGISTRATION_LINKS = {
    "GetRegistration": link("GET", ONE_REGISTRATION, registration_id=BY_ID),
    "SendDesignation": link("POST", f"{ONE_REGISTRATION}/designation", registration_id=BY_ID),
    "AddAlternate": link("POST", f"{ONE_REGISTRATION}/alternate", registration_id=BY_ID),
    "Withdraw": link("POST", f"{ONE_REGISTRATION}/withdraw", registration_id=BY_ID),
    "Extend": link("POST", f"{ONE_REGISTRATION}/extension", registration_id=BY_ID),
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


def creates(path: str, links: dict[str, dict[str, Any]]) -> Callable[[Route], Route]:
    """A POST route that answers 201, declaring where what it created leads next."""
    return router.post(
        path,
        status_code=status.HTTP_201_CREATED,
        responses=linked_response(status.HTTP_201_CREATED, **links),
    )


def changed_view(
    app: RegistrationApplication, registration_id: UUID, principal: Principal
) -> RegistrationPublic:
    """The registration after a change, as the one who changed it (the unit, or one of the
    body's representatives) sees it."""
    return public_view(app.sealer, app.registration(registration_id), True, principal.is_admin)


def check_acts_for(principal: Principal, registration: Registration) -> None:
    """The innovation unit, or a representative of this body."""
    if not principal.acts_for(registration.body.tax_id):
        raise NotAllowed(
            ErrorCode.NOT_THE_BODYS,
            "Only the body's representatives or the innovation unit may do this.",
        )


@creates("/registrations", REGISTRATION_LINKS)
def submit_registration(
    form: RegistrationCreate, app: App, principal: ApplicantPrincipal
) -> RegistrationCreated:
    """Submit the registration form for the main and, optionally, the alternate representative.

    Only by an applicant who proved the email of the representative named by `submitted_by`.
    """
    return created_view(app.registration(app.submit(form, principal.email)))


@router.get(
    "/registrations",
    responses=linked_response(
        status.HTTP_200_OK,
        GetRegistration=link("GET", ONE_REGISTRATION, registration_id="$response.body#/items/0/id"),
    ),
)
def list_registrations(
    index: Index,
    principal: AdminPrincipal,
    paging: Paging,
    status: RegistrationStatus | None = None,
    lapses_before: Annotated[
        Day | None,
        Query(
            description="Only those that lapse on this day or earlier unless a designation "
            "comes (Europe/Athens), the soonest first"
        ),
    ] = None,
) -> RegistrationPage:
    """The innovation unit's list, newest first, filtered by status (e.g. `overdue`) and by
    lapse day."""
    listed = index.registrations(status, paging, lapses_before)
    return RegistrationPage.of(listed, paging, summary_view)


@router.get(
    "/registrations/{registration_id}",
    responses=linked_response(status.HTTP_200_OK, **REGISTRATION_LINKS, **DESIGNATION_LINKS),
)
def get_registration(
    registration_id: UUID, app: App, principal: OptionalPrincipal
) -> RegistrationPublic:
    """A registration's status; personal data only for admins and the body's representatives."""
    registration = app.registration(registration_id)
    with_personal_data = principal is not None and principal.acts_for(registration.body.tax_id)
    for_admin = principal is not None and principal.is_admin
    return public_view(app.sealer, registration, with_personal_data, for_admin)


@creates("/registrations/{registration_id}/designation", DESIGNATION_LINKS)
def send_designation(
    registration_id: UUID,
    app: App,
    principal: CurrentPrincipal,
    file: Annotated[UploadFile, File(description="The signed designation, a PDF of at most 10 MB")],
    signed_by_name: Annotated[SignerName, Form()],
    signed_by_title: Annotated[SignerTitle, Form()],
) -> RegistrationPublic:
    """Upload the designation signed by a senior management executive."""
    check_acts_for(principal, app.registration(registration_id))
    # A plain `def` route runs in the thread pool, so the blocking reads (the spooled file,
    # the database) stay off the event loop.
    # The body limit bounds the upload; the designation's own checks (size first) refuse it.
    content = file.file.read()
    app.send_designation(registration_id, content, signed_by_name, signed_by_title)
    return changed_view(app, registration_id, principal)


@router.get("/registrations/{registration_id}/designation.pdf")
def download_designation(registration_id: UUID, app: App, principal: AdminPrincipal) -> Response:
    """The latest designation file, for the innovation unit to check."""
    latest = app.registration(registration_id).latest_designation()
    content = app.designation_files.load(latest.sha256) if latest else None
    if content is None:
        raise NotFound(
            ErrorCode.DESIGNATION_FILE_NOT_FOUND, "This registration has no designation file."
        )
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
    registration_id: UUID,
    app: App,
    principal: AdminPrincipal,
    verification: Annotated[DesignationVerification | None, Body()] = None,
) -> RegistrationPublic:
    """The innovation unit verifies the designation: the representatives become members.

    The body is optional; with `designation_id`, only that designation is verified.
    """
    designation_id = verification.designation_id if verification else None
    app.verify_designation(registration_id, principal.subject, designation_id=designation_id)
    return changed_view(app, registration_id, principal)


@router.post("/registrations/{registration_id}/designation/reject")
def reject_designation(
    registration_id: UUID, decision: DesignationDecision, app: App, principal: AdminPrincipal
) -> RegistrationPublic:
    """The innovation unit rejects the designation with a reason; a new one can be sent.

    With `designation_id`, only that designation is rejected.
    """
    app.reject_designation(
        registration_id, decision.reason, principal.subject, designation_id=decision.designation_id
    )
    return changed_view(app, registration_id, principal)


@creates("/registrations/{registration_id}/alternate", NOMINATED_LINKS)
def add_alternate(
    registration_id: UUID,
    details: RepresentativeCreate,
    app: App,
    principal: CurrentPrincipal,
) -> RepresentativeRef:
    """Add the alternate representative to a registration that has none."""
    check_acts_for(principal, app.registration(registration_id))
    return RepresentativeRef(id=app.add_alternate(registration_id, details), role=Role.ALTERNATE)


@creates(
    "/registrations/{registration_id}/representatives/{representative_id}/replacement",
    NOMINATED_LINKS,
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
    check_acts_for(principal, registration)
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
    check_acts_for(principal, app.registration(registration_id))
    app.withdraw(registration_id, withdrawal.reason)
    return changed_view(app, registration_id, principal)


@router.post("/registrations/{registration_id}/extension")
def extend_registration(
    registration_id: UUID, extension: ExtensionCreate, app: App, principal: AdminPrincipal
) -> RegistrationPublic:
    """The innovation unit gives a registration waiting for its designation until a later day."""
    app.extend(registration_id, extension.lapses_on, extension.reason, principal.subject)
    return changed_view(app, registration_id, principal)


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


@router.get("/calendar/closures")
def list_closures(app: App, principal: AdminPrincipal, paging: Paging) -> ClosurePage:
    """The days the innovation unit is closed, by day, who added each and when."""
    return ClosurePage.of(app.closures(paging), paging, closure_view)


@router.get("/calendar/closures/effect")
def closure_effect(date: Day, app: App, principal: AdminPrincipal) -> ClosureEffect:
    """What closing `date` would change: the due days of forms submitted from today on that
    it would move."""
    return closure_effect_view(date, app.closure_effect(date))


@router.post("/calendar/closures", status_code=status.HTTP_201_CREATED)
def add_closure(closure: ClosureCreate, app: App, principal: AdminPrincipal) -> ClosurePublic:
    """Add a day the innovation unit is closed; due days of forms submitted from now on skip
    it. A day closed already is a 409 (`closure_exists`)."""
    return closure_view(app.add_closure(closure.date, closure.reason, principal.subject))
