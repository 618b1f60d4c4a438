"""The registration service's application: commands return ids, queries return plain data."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Transcoding

from contracts.registration import Role
from services.registration.calendar import WorkingCalendar
from services.registration.designations import DesignationFiles, check_designation_file
from services.registration.domain import (
    OFFICE_CLOSURES_ID,
    BodyDetails,
    Nomination,
    OfficeClosures,
    Registration,
    RuleBroken,
    TaxIdClaim,
    tax_id_claim_id,
)
from services.registration.models import RegistrationCreate, RepresentativeCreate
from services.runtime.application import ServiceApplication
from services.runtime.errors import Conflict, NotFound
from services.runtime.settings import ServiceSettings


class BodyDetailsAsDict(Transcoding):
    type = BodyDetails
    name = "body_details"

    def encode(self, obj: BodyDetails) -> dict[str, object]:
        return dict(obj.__dict__)

    def decode(self, data: dict[str, object]) -> BodyDetails:
        return BodyDetails(**data)  # type: ignore[arg-type]


class NominationAsDict(Transcoding):
    type = Nomination
    name = "nomination"

    def encode(self, obj: Nomination) -> dict[str, object]:
        return dict(obj.__dict__)

    def decode(self, data: dict[str, object]) -> Nomination:
        return Nomination(**data)  # type: ignore[arg-type]


class RegistrationApplication(ServiceApplication):
    """Registrations of public bodies, their representatives and designations."""

    service_name = "registration"
    designation_files: DesignationFiles

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(BodyDetailsAsDict())
        transcoder.register(NominationAsDict())

    def on_start(self, settings: ServiceSettings) -> None:
        self.designation_files = DesignationFiles(settings.database_url)

    def close(self) -> None:
        if hasattr(self, "designation_files"):
            self.designation_files.close()
        super().close()

    # Commands.

    def submit(self, form: RegistrationCreate, now: datetime | None = None) -> Registration:
        """Register a body: one open or active registration per tax number (else 409)."""
        now = now or datetime.now(UTC)
        self.check_different_emails(form.main, form.alternate)
        if form.submitted_by is Role.ALTERNATE and form.alternate is None:
            raise RuleBroken(
                "The form was filled by the alternate, so the alternate's details are needed.",
                field="alternate",
            )
        due = self.calendar().designation_due(WorkingCalendar.submission_day(now))
        body = BodyDetails(
            name=form.body.name,
            tax_id=form.body.tax_id,
            level=form.body.level,
            parent=form.body.parent,
            website=str(form.body.website) if form.body.website else None,
        )
        registration = Registration.submit(
            body,
            self.nomination(form.main, Role.MAIN),
            self.nomination(form.alternate, Role.ALTERNATE) if form.alternate else None,
            form.submitted_by,
            now,
            due,
        )
        claim = self.claim_tax_id(body.tax_id, registration.id)
        try:
            self.save(registration, claim)
        except IntegrityError:
            # Another form for this body committed first.
            raise Conflict(
                "This body has an open or active registration already.", field="body.tax_id"
            ) from None
        return registration

    def send_designation(
        self,
        registration_id: UUID,
        content: bytes,
        signed_by_name: str,
        signed_by_title: str,
        now: datetime | None = None,
    ) -> UUID:
        """Accept a signed designation PDF for the representatives waiting for one."""
        checked = check_designation_file(content)
        registration = self.registration(registration_id)
        designation_id = uuid.uuid4()
        # The signer's name is personal data of its own subject: the designation.
        sealed_signer = self.sealer.seal(designation_id, signed_by_name)
        registration.send_designation(
            designation_id,
            sealed_signer,
            signed_by_title,
            checked.sha256,
            checked.size_bytes,
            now or datetime.now(UTC),
        )
        self.designation_files.store(checked)
        self.save_or_conflict(registration)
        return designation_id

    def verify_designation(self, registration_id: UUID, now: datetime | None = None) -> None:
        """The innovation unit verifies the pending designation."""
        registration = self.registration(registration_id)
        registration.verify_designation(now or datetime.now(UTC))
        self.save_or_conflict(registration)

    def reject_designation(
        self, registration_id: UUID, reason: str, now: datetime | None = None
    ) -> None:
        """The innovation unit rejects the pending designation with a reason."""
        registration = self.registration(registration_id)
        registration.reject_designation(reason, now or datetime.now(UTC))
        self.save_or_conflict(registration)

    def add_alternate(
        self, registration_id: UUID, details: RepresentativeCreate, now: datetime | None = None
    ) -> UUID:
        """Add the alternate later, with a due day counted from today."""
        now = now or datetime.now(UTC)
        registration = self.registration(registration_id)
        self.check_email_differs_from_current(registration, details)
        nomination = self.nomination(details, Role.ALTERNATE)
        due = self.calendar().designation_due(WorkingCalendar.submission_day(now))
        registration.add_alternate(nomination, due, now)
        self.save_or_conflict(registration)
        return nomination.representative_id

    def replace_representative(
        self,
        registration_id: UUID,
        replaced_id: UUID,
        details: RepresentativeCreate,
        now: datetime | None = None,
    ) -> UUID:
        """Nominate a successor; the replaced representative leaves once it is verified."""
        now = now or datetime.now(UTC)
        registration = self.registration(registration_id)
        replaced = registration.representatives.get(replaced_id)
        if replaced is None:
            raise NotFound("No representative with that id in this registration.")
        self.check_email_differs_from_current(registration, details, except_id=replaced_id)
        nomination = self.nomination(details, replaced.role)
        due = self.calendar().designation_due(WorkingCalendar.submission_day(now))
        registration.replace_representative(replaced_id, nomination, due, now)
        self.save_or_conflict(registration)
        return nomination.representative_id

    def withdraw(
        self, registration_id: UUID, reason: str | None, now: datetime | None = None
    ) -> None:
        """Withdraw the registration; the tax number is free for a new one."""
        registration = self.registration(registration_id)
        registration.withdraw(reason, now or datetime.now(UTC))
        claim: TaxIdClaim = self.repository.get(tax_id_claim_id(registration.body.tax_id))
        claim.release()
        self.save_or_conflict(registration, claim)

    def record_overdue(self, registration_id: UUID, now: datetime | None = None) -> bool:
        """Record the due days that ended with no designation; False when none did."""
        now = now or datetime.now(UTC)
        registration = self.registration(registration_id)
        if not registration.record_overdue(WorkingCalendar.submission_day(now), now):
            return False
        self.save_or_conflict(registration)
        return True

    def add_closure(self, day: date, reason: str) -> None:
        """Add a day the innovation unit is closed to the working-day calendar."""
        closures = self.office_closures() or OfficeClosures()
        if day in closures.closures:
            raise Conflict(f"{day.isoformat()} is a closure already.", field="date")
        closures.add(day, reason)
        self.save_or_conflict(closures)

    # Queries.

    def registration(self, registration_id: UUID) -> Registration:
        """The registration, or NotFound."""
        try:
            found: Aggregate = self.repository.get(registration_id)
        except AggregateNotFoundError:
            raise NotFound("No registration with that id.") from None
        if not isinstance(found, Registration):
            raise NotFound("No registration with that id.")
        return found

    def calendar(self) -> WorkingCalendar:
        """Greek working days, less the innovation unit's closures."""
        closures = self.office_closures()
        return WorkingCalendar(frozenset(closures.closures) if closures else frozenset())

    def office_closures(self) -> OfficeClosures | None:
        try:
            found: OfficeClosures = self.repository.get(OFFICE_CLOSURES_ID)
        except AggregateNotFoundError:
            return None
        return found

    # Helpers.

    def nomination(self, details: RepresentativeCreate, role: Role) -> Nomination:
        """A representative's nomination, personal data sealed with their own new key."""
        representative_id = uuid.uuid4()
        seal = self.sealer.sealing_for(representative_id)
        return Nomination(
            representative_id=representative_id,
            role=role,
            full_name=seal(details.full_name),
            email=seal(details.email),
            phone=seal(details.phone) if details.phone else None,
            position_title=details.position_title,
            unit=details.unit,
            seniority=details.seniority,  # type: ignore[arg-type]
            seniority_justification=details.seniority_justification,
        )

    def claim_tax_id(self, tax_id: str, registration_id: UUID) -> TaxIdClaim:
        try:
            claim: TaxIdClaim = self.repository.get(tax_id_claim_id(tax_id))
        except AggregateNotFoundError:
            return TaxIdClaim(tax_id, registration_id)
        claim.claim_again(registration_id)
        return claim

    @staticmethod
    def check_different_emails(
        main: RepresentativeCreate, alternate: RepresentativeCreate | None
    ) -> None:
        if alternate is not None and alternate.email == main.email:
            raise RuleBroken(
                "The main and the alternate representative need different emails.",
                field="alternate.email",
            )

    def check_email_differs_from_current(
        self,
        registration: Registration,
        details: RepresentativeCreate,
        except_id: UUID | None = None,
    ) -> None:
        for representative in registration.current():
            if representative.id == except_id:
                continue
            if self.sealer.unseal(representative.nomination.email) == details.email:
                raise RuleBroken("Each representative needs an email of their own.", field="email")

    def save_or_conflict(self, *aggregates: Aggregate) -> None:
        """Save; a concurrent change of the same aggregate is a 409, not a 500."""
        try:
            self.save(*aggregates)
        except IntegrityError:
            raise Conflict("The registration changed meanwhile; try again.") from None
