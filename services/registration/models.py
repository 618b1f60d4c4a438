"""What the registration API accepts and answers: every field checked, every error named."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import phonenumbers
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError
from stdnum.gr import vat

from contracts.errors import ErrorCode
from contracts.registration import Language, Level, Role, Seniority
from services.registration.history import HistoryWhat
from services.registration.nominations import (
    DesignationState,
    RegistrationStatus,
    RepresentativeState,
    check_equivalent_is_justified,
    check_senior_enough,
)
from services.runtime.errors import RuleBroken, refusal
from services.runtime.paging import PageOf
from services.runtime.requests import RequestBody
from services.runtime.text import CleanText
from services.runtime.values import Consent, Day, OrganisationEmail


def greek_tax_id(value: str) -> str:
    """A valid Greek tax number (ΑΦΜ), 9 digits, as stored: `EL` prefix and spaces dropped."""
    compact = vat.compact(value)
    if not compact.isdigit() or len(compact) != 9:
        raise refusal(
            ErrorCode.AFM_FORMAT, "a Greek tax number (ΑΦΜ) has 9 digits, optionally after 'EL'"
        )
    if set(compact) == {"0"}:
        raise refusal(ErrorCode.AFM_ALL_ZEROS, "a tax number (ΑΦΜ) of all zeros is not a real one")
    if not vat.is_valid(compact):
        raise refusal(
            ErrorCode.AFM_CHECK_DIGIT,
            "this tax number (ΑΦΜ) fails its check digit: please check it",
        )
    return compact


def phone_number(value: str) -> str:
    """A phone number, Greek unless it says otherwise, in international form."""
    try:
        parsed = phonenumbers.parse(value, "GR")
    except phonenumbers.NumberParseException:
        raise refusal(ErrorCode.PHONE_INVALID, "not a phone number") from None
    if not phonenumbers.is_valid_number(parsed):
        raise refusal(ErrorCode.PHONE_INVALID, "not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def refused(broken: RuleBroken) -> PydanticCustomError:
    """A domain rule's refusal as a validator's, keeping its code and parameters."""
    return refusal(broken.code, broken.message, **broken.params)


TaxId = Annotated[str, CleanText(max_length=20), AfterValidator(greek_tax_id)]
Phone = Annotated[str, CleanText(max_length=40), AfterValidator(phone_number)]
Website = Annotated[HttpUrl, CleanText(max_length=2000)]
Text = Annotated[str, CleanText(max_length=300)]
FullName = Annotated[str, CleanText(min_length=3, max_length=200)]
Choice = Annotated[str, CleanText(max_length=100)]
Justification = Annotated[str, CleanText(max_length=1000, multiline=True)]
Reason = Annotated[str, CleanText(min_length=3, max_length=2000, multiline=True)]
OptionalReason = Annotated[str, CleanText(min_length=0, max_length=2000, multiline=True)]
SignerName = Annotated[str, CleanText(min_length=3, max_length=200)]
SignerTitle = Annotated[str, CleanText(min_length=3, max_length=300)]


class BodyCreate(RequestBody):
    """The public body."""

    name: Text
    tax_id: TaxId
    level: Level
    parent: Text | None = None
    website: Website | None = None


class RepresentativeCreate(RequestBody):
    """A representative: a senior executive of the body."""

    full_name: FullName
    position_title: Text
    unit: Text
    seniority: Choice = Field(
        description="general_directorate_head, directorate_head, department_head or equivalent"
    )
    seniority_justification: Justification | None = Field(None, validate_default=True)
    email: OrganisationEmail
    phone: Phone | None = None
    language: Language = Field(
        Language.GREEK, description="The language the representative reads the network in"
    )

    @field_validator("seniority")
    @classmethod
    def check_senior_enough(cls, value: str) -> str:
        """The domain's rule, checked here so the 422 names the field."""
        try:
            return check_senior_enough(value).value
        except RuleBroken as broken:
            raise refused(broken) from None

    @field_validator("seniority_justification")
    @classmethod
    def check_equivalent_is_justified(cls, value: str | None, info: ValidationInfo) -> str | None:
        """The domain's rule, checked here so the 422 names the field."""
        try:
            check_equivalent_is_justified(info.data.get("seniority"), value)
        except RuleBroken as broken:
            raise refused(broken) from None
        return value


class RegistrationCreate(RequestBody):
    """The registration form, filled by one representative for both."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "body": {
                        "name": "Δήμος Παραδείγματος",
                        "tax_id": "094014201",
                        "level": "local",
                        "parent": "Υπουργείο Εσωτερικών",
                        "website": "https://example.gov.gr",
                    },
                    "main": {
                        "full_name": "Μαρία Παπαδοπούλου",
                        "position_title": "Προϊσταμένη Διεύθυνσης",
                        "unit": "Διεύθυνση Ψηφιακής Διακυβέρνησης",
                        "seniority": "directorate_head",
                        "email": "m.papadopoulou@example.gov.gr",
                        "phone": "+30 210 0000000",
                    },
                    "alternate": None,
                    "submitted_by": "main",
                    "consent": True,
                }
            ]
        }
    )

    body: BodyCreate
    main: RepresentativeCreate
    alternate: RepresentativeCreate | None = None
    submitted_by: Role
    consent: Consent

    @field_validator("consent")
    @classmethod
    def check_consent(cls, value: bool) -> bool:
        if not value:
            raise refusal(
                ErrorCode.CONSENT_REQUIRED, "consent to the processing of the data is required"
            )
        return value


DESIGNATION_SEEN = (
    "The id of the designation the decision is about (the one the unit read). When given and "
    "it is not the designation waiting for a decision, the request is refused with 409 "
    "`designation_not_latest`; when left out, the decision is about the one waiting."
)


class DesignationVerification(RequestBody):
    """Which designation the innovation unit verifies (optional)."""

    designation_id: UUID | None = Field(default=None, description=DESIGNATION_SEEN)


class DesignationDecision(RequestBody):
    """The innovation unit's reason for rejecting a designation, and which one it rejects."""

    reason: Reason
    designation_id: UUID | None = Field(default=None, description=DESIGNATION_SEEN)


class WithdrawalCreate(RequestBody):
    """Why the registration is withdrawn (optional)."""

    reason: OptionalReason | None = None


class ExtensionCreate(RequestBody):
    """The innovation unit gives a registration without a designation until a later day."""

    lapses_on: Day
    reason: Reason


class ClosureCreate(RequestBody):
    """A day the innovation unit is closed."""

    date: Day
    reason: Text


class RepresentativeRef(BaseModel):
    """A representative's id and role."""

    id: UUID
    role: Role


class RegistrationCreated(BaseModel):
    """The answer to a submitted form."""

    id: UUID
    status: RegistrationStatus
    designation_due: date
    representatives: list[RepresentativeRef]


class RepresentativePublic(BaseModel):
    """A representative as shown; personal data only to admins and the body's own members."""

    id: UUID
    role: Role
    state: RepresentativeState
    designation_due: date
    position_title: str
    unit: str
    seniority: Seniority
    seniority_justification: str | None
    replaces: UUID | None
    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    language: Language | None = None


class DesignationPublic(BaseModel):
    """The latest designation and the innovation unit's decision."""

    id: UUID
    state: DesignationState
    received_at: datetime
    signed_by_title: str
    signed_by_name: str | None = None
    sha256: str
    size_bytes: int
    reason: str | None


class BodyPublic(BaseModel):
    """The body, as registered."""

    name: str
    tax_id: str
    level: Level
    parent: str | None
    website: str | None


class HistoryEntry(BaseModel):
    """One step of a registration's history: what happened, when, and to or by whom."""

    at: datetime
    what: HistoryWhat
    role: Role | None = Field(
        description="The representative's role; for `submitted`, the role of the one who "
        "filled the form"
    )
    representative_id: UUID | None
    reason: str | None = Field(
        description="Why (a rejection, a withdrawal, an extension); only for admins and the "
        "body's representatives"
    )
    lapses_on: date | None = Field(description="The lapse day a warning or an extension set")
    decided_by: str | None = Field(
        description="The subject id of the innovation-unit member who decided; only for admins, "
        "and None for decisions recorded before it was kept"
    )


class RegistrationPublic(BaseModel):
    """A registration's state."""

    id: UUID
    status: RegistrationStatus
    designation_due: date
    submitted_at: datetime
    body: BodyPublic
    representatives: list[RepresentativePublic]
    designation: DesignationPublic | None
    withdrawn_at: datetime | None
    lapses_on: date | None = Field(
        description="The day it lapses unless a designation comes (Europe/Athens); null when "
        "it is not waiting for one past its due day"
    )
    lapsed_at: datetime | None
    history: list[HistoryEntry] = Field(description="What happened to it, oldest first")


class RegistrationSummary(BaseModel):
    """One line of the innovation unit's list."""

    id: UUID
    body_name: str
    tax_id: str
    level: Level
    status: RegistrationStatus
    designation_due: date
    next_due: date | None
    lapses_on: date | None
    submitted_at: datetime


class DesignationDue(BaseModel):
    """When a designation sent for a form submitted that day is due."""

    submitted: date
    designation_due: date


class RegistrationPage(PageOf[RegistrationSummary]):
    """A page of the innovation unit's list of registrations."""


class ClosurePublic(BaseModel):
    """A day the innovation unit is closed, who closed it and when."""

    date: date
    reason: str
    decided_by: str | None = Field(
        description="The subject id of the innovation-unit member who added it; None for "
        "closures added before it was kept"
    )
    added_at: datetime | None = Field(description="None for closures added before it was kept")


class ClosurePage(PageOf[ClosurePublic]):
    """A page of the innovation unit's closures, by day."""


class DueDayChanged(BaseModel):
    """A submission day whose designation due day a closure would move."""

    submitted: date
    due_before: date
    due_after: date


class ClosureEffect(BaseModel):
    """What closing a day would change: the due days of forms submitted from today on."""

    date: date
    changes_anything: bool
    changes: list[DueDayChanged] = Field(
        description="By submission day; none when the day is a weekend, a public holiday or "
        "a closure already"
    )
