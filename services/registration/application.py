"""The registration service's application: commands return ids, queries return plain data."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from uuid import UUID

from eventsourcing.persistence import JSONTranscoder, Transcoding

from contracts.errors import ErrorCode
from contracts.registration import Role
from services.registration.calendar import DueDayChange, WorkingCalendar
from services.registration.designations import DesignationFiles, check_designation_file
from services.registration.domain import (
    OFFICE_CLOSURES_ID,
    Closure,
    OfficeClosures,
    Registration,
    TaxIdClaim,
    tax_id_claim_id,
    tax_id_registered,
)
from services.registration.lapses import LapseStep
from services.registration.models import RegistrationCreate, RepresentativeCreate
from services.registration.nominations import (
    BodyDetails,
    Nomination,
    check_different_emails,
    check_email_proved,
)
from services.runtime.application import ServiceApplication
from services.runtime.errors import NotFound, RuleBroken
from services.runtime.paging import Listed, Page
from services.runtime.settings import ServiceSettings


class FieldsAsDict(Transcoding):
    """A dataclass of the events, stored as its fields (its `__post_init__` restores enums)."""

    def __init__(self, kind: type, name: str) -> None:
        self.type = kind
        self.name = name

    def encode(self, obj: object) -> dict[str, object]:
        return dict(obj.__dict__)

    def decode(self, data: dict[str, object]) -> object:
        return self.type(**data)


class RegistrationApplication(ServiceApplication):
    """Registrations of public bodies, their representatives and designations."""

    service_name = "registration"
    designation_files: DesignationFiles

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        # The names are stored with every event that holds one: they never change.
        transcoder.register(FieldsAsDict(BodyDetails, "body_details"))
        transcoder.register(FieldsAsDict(Nomination, "nomination"))

    def open_resources(self, settings: ServiceSettings) -> None:
        self.designation_files = self.keeps(DesignationFiles(settings.database_url))

    # Commands.

    def submit(
        self, form: RegistrationCreate, proved_email: str | None, now: datetime | None = None
    ) -> UUID:
        """Register a body: by the person who proved the email of the representative filling
        the form (else 403); one open or active registration per tax number (else 409)."""
        now = now or datetime.now(UTC)
        filler = form.main if form.submitted_by is Role.MAIN else form.alternate
        if filler is not None:  # no alternate's details to fill the form: refused below
            check_email_proved(proved_email, filler.email, form.submitted_by)
        if form.alternate is not None:
            check_different_emails(
                form.alternate.email,
                [form.main.email],
                field="alternate.email",
                message="The main and the alternate representative need different emails.",
            )
        if form.submitted_by is Role.ALTERNATE and form.alternate is None:
            raise RuleBroken(
                ErrorCode.ALTERNATE_DETAILS_REQUIRED,
                "The form was filled by the alternate, so the alternate's details are needed.",
                field="alternate",
            )
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
            self.designation_due(now),
        )
        claim = self.claim_tax_id(body.tax_id, registration.id)
        # A conflict: another form for this body committed first.
        self.save_or_conflict(registration, claim, conflict=tax_id_registered())
        return registration.id

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

    def verify_designation(
        self,
        registration_id: UUID,
        decided_by: str,
        now: datetime | None = None,
        designation_id: UUID | None = None,
    ) -> UUID:
        """The innovation unit verifies the pending designation (the one it read, if named)."""
        registration = self.registration(registration_id)
        verified = registration.verify_designation(
            now or datetime.now(UTC), decided_by, designation_id
        )
        self.save_or_conflict(registration)
        return verified.designation_id

    def reject_designation(
        self,
        registration_id: UUID,
        reason: str,
        decided_by: str,
        now: datetime | None = None,
        designation_id: UUID | None = None,
    ) -> UUID:
        """The innovation unit rejects the pending designation (the one it read, if named)."""
        registration = self.registration(registration_id)
        rejected = registration.reject_designation(
            reason, now or datetime.now(UTC), decided_by, designation_id
        )
        self.save_or_conflict(registration)
        return rejected.designation_id

    def add_alternate(
        self, registration_id: UUID, details: RepresentativeCreate, now: datetime | None = None
    ) -> UUID:
        """Add the alternate later, with a due day counted from today."""
        now = now or datetime.now(UTC)
        registration = self.registration(registration_id)
        self.check_email_of_their_own(registration, details)
        nomination = self.nomination(details, Role.ALTERNATE)
        registration.add_alternate(nomination, self.designation_due(now), now)
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
            raise NotFound(
                ErrorCode.REPRESENTATIVE_NOT_FOUND,
                "No representative with that id in this registration.",
            )
        self.check_email_of_their_own(registration, details, except_id=replaced_id)
        nomination = self.nomination(details, replaced.role)
        registration.replace_representative(replaced_id, nomination, self.designation_due(now), now)
        self.save_or_conflict(registration)
        return nomination.representative_id

    def withdraw(
        self, registration_id: UUID, reason: str | None, now: datetime | None = None
    ) -> UUID:
        """Withdraw the registration; the tax number is free for a new one."""
        registration = self.registration(registration_id)
        registration.withdraw(reason, now or datetime.now(UTC))
        self.save_or_conflict(registration, self.released_claim(registration))
        return registration.id

    def extend(
        self,
        registration_id: UUID,
        lapses_on: date,
        reason: str,
        decided_by: str,
        now: datetime | None = None,
    ) -> UUID:
        """The innovation unit gives a registration waiting for its designation a later day."""
        registration = self.registration(registration_id)
        registration.extend(lapses_on, reason, now or datetime.now(UTC), decided_by)
        self.save_or_conflict(registration)
        return registration.id

    def record_lapse_step(
        self, registration_id: UUID, now: datetime | None = None
    ) -> LapseStep | None:
        """Warn of a lapse a week before, or lapse and free the tax number; None when neither
        is due yet."""
        now = now or datetime.now(UTC)
        registration = self.registration(registration_id)
        step = registration.record_lapse_step(WorkingCalendar.submission_day(now), now)
        if step is LapseStep.LAPSED:
            self.save_or_conflict(registration, self.released_claim(registration))
        elif step is LapseStep.WARNED:
            self.save_or_conflict(registration)
        return step

    def record_overdue(self, registration_id: UUID, now: datetime | None = None) -> bool:
        """Record the due days that ended with no designation; False when none did."""
        now = now or datetime.now(UTC)
        registration = self.registration(registration_id)
        if not registration.record_overdue(WorkingCalendar.submission_day(now), now):
            return False
        self.save_or_conflict(registration)
        return True

    def add_closure(
        self, day: date, reason: str, decided_by: str, now: datetime | None = None
    ) -> Closure:
        """Add a day the innovation unit is closed to the working-day calendar (once a day)."""
        closures = self.office_closures() or OfficeClosures()
        closures.add(day, reason, decided_by, now or datetime.now(UTC))
        self.save_or_conflict(closures)
        return closures.closures[day]

    # Queries.

    def registration(self, registration_id: UUID) -> Registration:
        """The registration, or a 404."""
        return self.get(
            registration_id,
            Registration,
            "No registration with that id.",
            ErrorCode.REGISTRATION_NOT_FOUND,
        )

    def office_closures(self) -> OfficeClosures | None:
        """The innovation unit's closures; None before the first."""
        return self.find(OFFICE_CLOSURES_ID, OfficeClosures)

    def closures(self, page: Page) -> Listed[Closure]:
        """One page of the closures, by day."""
        found = self.office_closures()
        every = sorted(found.closures.values(), key=lambda c: c.day) if found else []
        return Listed(every[page.offset : page.offset + page.limit], len(every))

    def calendar(self) -> WorkingCalendar:
        """Greek working days, less the innovation unit's closures."""
        closures = self.office_closures()
        return WorkingCalendar(frozenset(closures.closures) if closures else frozenset())

    def closure_effect(self, day: date, now: datetime | None = None) -> list[DueDayChange]:
        """How closing `day` would move the due days of forms submitted from today on."""
        today = WorkingCalendar.submission_day(now or datetime.now(UTC))
        return self.calendar().closure_effect(day, since=today)

    def designation_due(self, now: datetime) -> date:
        """The due day of a designation for representatives nominated at `now`."""
        return self.calendar().designation_due(WorkingCalendar.submission_day(now))

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
            language=details.language,
        )

    def released_claim(self, registration: Registration) -> TaxIdClaim:
        """The claim on the registration's tax number, released for a new registration."""
        claim: TaxIdClaim = self.repository.get(tax_id_claim_id(registration.body.tax_id))
        claim.release()
        return claim

    def claim_tax_id(self, tax_id: str, registration_id: UUID) -> TaxIdClaim:
        claim = self.find(tax_id_claim_id(tax_id), TaxIdClaim)
        if claim is None:
            return TaxIdClaim(tax_id, registration_id)
        claim.claim_again(registration_id)
        return claim

    def check_email_of_their_own(
        self,
        registration: Registration,
        details: RepresentativeCreate,
        except_id: UUID | None = None,
    ) -> None:
        """A new representative's email differs from those of the current ones."""
        others = (
            self.sealer.unseal(r.nomination.email)
            for r in registration.current()
            if r.id != except_id
        )
        check_different_emails(details.email, others, field="email")
