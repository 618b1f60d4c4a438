"""What a service's refusal says on a page: every `ErrorCode` as a text in Greek and English.

A service answers `{"detail": [{"type": code, "loc": [...], "ctx": {...}, "msg": ...}]}`; the
page never shows `msg` (English, for logs) but the text below for `type`, filled from `ctx`
(`%(max_length)s`), in the reader's language. `field_errors` maps each `loc` to the form's
field, so the error summary links to it and the field shows its message:

    errors = field_errors(refusal_detail(response), {"body.tax_id": "tax_id"}, language)
    render(request, "page.html", errors=errors, ...)
    # template: {{ forms.error_summary(errors.summary) }} and error=errors.get("tax_id")

A test fails when a code has no text here, or its text has no Greek in the catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from contracts.errors import ErrorCode
from services.gateway.i18n import N_, Language, translate

MESSAGES: Final[dict[ErrorCode, str]] = {
    ErrorCode.BODY_TOO_LARGE: N_("The file is too large: send one of up to 10 MB."),
    ErrorCode.ROLE_REQUIRED: N_("You cannot do this with the account you signed in with."),
    ErrorCode.SIGN_IN_REQUIRED: N_("Sign in first."),
    ErrorCode.TOKEN_INVALID: N_("Your sign-in has expired. Sign in again."),
    ErrorCode.CONCURRENT_CHANGE: N_("Something changed meanwhile. Send the form again."),
    ErrorCode.UNAVAILABLE: N_("The service is busy. Try again in a few minutes."),
    ErrorCode.EMAIL_INVALID: N_(
        "Enter an email address in the right form, like name@example.gov.gr"
    ),
    ErrorCode.DATETIME_OUT_OF_RANGE: N_("Enter a date between %(earliest)s and %(latest)s"),
    ErrorCode.TEXT_CHARACTER: N_(
        "The text has a character that cannot be kept (a control or invisible character). "
        "Type it again without it."
    ),
    ErrorCode.EMAIL_NOT_PROVED: N_(
        "Sign in with the organisation email of the representative who fills in the form: "
        "the email you signed in with is not theirs."
    ),
    ErrorCode.EXTENSION_NOT_LATER: N_(
        "Enter a day later than the day the registration lapses on (%(lapses_on)s)"
    ),
    ErrorCode.NOT_LAPSING: N_(
        "Only a registration still waiting for its designation can be given more time."
    ),
    ErrorCode.AFM_ALL_ZEROS: N_("Enter the body's real tax number (ΑΦΜ)"),
    ErrorCode.AFM_CHECK_DIGIT: N_("This tax number (ΑΦΜ) is not valid: check its digits"),
    ErrorCode.AFM_FORMAT: N_("Enter the tax number (ΑΦΜ) as 9 digits, like 090153025"),
    ErrorCode.ALTERNATE_DETAILS_REQUIRED: N_(
        "The form is filled in by the alternate, so enter the alternate's details"
    ),
    ErrorCode.CLOSURE_EXISTS: N_("%(day)s is an office closure already"),
    ErrorCode.CONSENT_REQUIRED: N_("Confirm that you agree to the processing of the data"),
    ErrorCode.DESIGNATION_ENCRYPTED: N_(
        "The PDF is encrypted or protected with a password: send one that is not"
    ),
    ErrorCode.DESIGNATION_NOT_PDF: N_("The designation must be a PDF file"),
    ErrorCode.DESIGNATION_PENDING: N_(
        "A designation is waiting for the innovation unit's check already"
    ),
    ErrorCode.DESIGNATION_NOT_LATEST: N_(
        "The body sent a new designation after you opened this page, so nothing was decided. "
        "Read the new one before you decide"
    ),
    ErrorCode.DESIGNATION_TOO_LARGE: N_("The file must be smaller than 10 MB"),
    ErrorCode.DESIGNATIONS_COMPLETE: N_("Every representative is designated already"),
    ErrorCode.DIFFERENT_EMAILS: N_(
        "The main and the alternate representative need different emails"
    ),
    ErrorCode.EQUIVALENT_NOT_JUSTIFIED: N_(
        "Explain briefly why the position is equivalent to head of department or higher"
    ),
    ErrorCode.MAIN_REQUIRED: N_("Enter the main representative's details"),
    ErrorCode.NOT_THE_BODYS: N_(
        "Only the body's representatives or the innovation unit may do this"
    ),
    ErrorCode.NOTHING_TO_CHECK: N_("No designation is waiting to be checked"),
    ErrorCode.ONE_PER_ROLE: N_("A body has one main and one alternate representative at most"),
    ErrorCode.ONLY_ALTERNATE_ADDED: N_("Only an alternate can be added later"),
    ErrorCode.PHONE_INVALID: N_("Enter a phone number, like 213 131 3000 or +30 213 131 3000"),
    ErrorCode.REGISTRATION_NOT_FOUND: N_("There is no such registration"),
    ErrorCode.DESIGNATION_FILE_NOT_FOUND: N_("The registration has no designation file yet"),
    ErrorCode.REGISTRATION_WITHDRAWN: N_("The registration was withdrawn"),
    ErrorCode.REGISTRATION_LAPSED: N_(
        "The registration lapsed without a designation; the body may register again"
    ),
    ErrorCode.REJECTION_REASON_REQUIRED: N_("Enter the reason the designation is rejected"),
    ErrorCode.REPLACEMENT_PENDING: N_("A replacement for this representative is named already"),
    ErrorCode.REPRESENTATIVE_NOT_CURRENT: N_("This person is not a current representative"),
    ErrorCode.REPRESENTATIVE_NOT_FOUND: N_("This person is not a current representative"),
    ErrorCode.SAME_ROLE_SUCCESSOR: N_("The new representative takes the role of the one replaced"),
    ErrorCode.SECOND_ALTERNATE: N_("The body has an alternate representative already"),
    ErrorCode.SECOND_MUST_BE_ALTERNATE: N_("The second representative is the alternate"),
    ErrorCode.SENIORITY_TOO_LOW: N_(
        "Representatives are senior executives: head of a department or higher, or an "
        "equivalent level"
    ),
    ErrorCode.TAX_ID_REGISTERED: N_(
        "This body (by its tax number) has an open or active registration already"
    ),
    ErrorCode.WEBMAIL_NOT_ALLOWED: N_(
        "Enter an organisation email, not one of a free email service (%(domain)s)"
    ),
    ErrorCode.ACTIVITY_CANCELLED: N_("The activity was cancelled"),
    ErrorCode.ACTIVITY_NOT_FOUND: N_("There is no such activity"),
    ErrorCode.ACTIVITY_OVER: N_("The activity is over; the invitation can no longer be answered"),
    ErrorCode.ACTIVITY_NOT_STARTED: N_("Attendance is recorded once the activity has started"),
    ErrorCode.ACTIVITY_NOWHERE: N_("Enter where the activity is held, or that it is online"),
    ErrorCode.BODY_NOT_FOUND: N_("There is no member body with this tax number"),
    ErrorCode.CAPACITY_TOO_SMALL: N_("An activity has at least one seat"),
    ErrorCode.ENDS_BEFORE_START: N_("The end must be after the start"),
    ErrorCode.INVITATION_NOT_FOUND: N_("There is no such invitation"),
    ErrorCode.LANGUAGES_REQUIRED: N_("Choose the language of the activity"),
    ErrorCode.LEVEL_WITH_BODIES: N_(
        "Invite either the members of one level of government or the bodies chosen, not both"
    ),
    ErrorCode.NOT_ACTIVE_MEMBER: N_("Only active members take part"),
    ErrorCode.NOT_OWN_INVITATION: N_("You can answer only your own invitation"),
    ErrorCode.ATTACHMENT_NOT_FOUND: N_("There is no such attachment"),
    ErrorCode.EMAIL_IN_TEXT: N_(
        "The practice's texts are published: remove the email address (give the address of a "
        "web page instead)"
    ),
    ErrorCode.PRACTICE_CHANGED: N_(
        "The practice was changed by your body's other representative after you opened this "
        "page, so nothing was saved. Open it again to see their changes"
    ),
    ErrorCode.PRACTICE_INCOMPLETE: N_("Fill this in: the practice cannot be sent without it"),
    ErrorCode.PRACTICE_NOT_EDITABLE: N_(
        "The practice can be changed only while it is a draft or returned to you for changes."
    ),
    ErrorCode.PRACTICE_NOT_FOUND: N_("There is no such practice"),
    ErrorCode.PRACTICE_WRONG_STATUS: N_(
        "The practice is no longer in a state that allows this: it was decided on or "
        "withdrawn meanwhile"
    ),
    ErrorCode.TEXTS_LANGUAGES: N_("Write the texts in the languages chosen for the practice"),
    ErrorCode.EMAIL_NOT_FOUND: N_("There is no such email"),
    ErrorCode.EMAIL_NOT_RETRIABLE: N_("Only an email that failed can be sent again"),
    ErrorCode.EMAIL_NOT_SENDING: N_("The email is not being sent"),
    ErrorCode.SIGN_IN_URL_NOT_OURS: N_("The sign-in link could not be sent. Try again later."),
    ErrorCode.SIGN_IN_LINK_EXPIRED: N_("The sign-in link could not be sent. Try again later."),
    ErrorCode.BOOL_TYPE: N_("Choose yes or no"),
    ErrorCode.DATE_FROM_DATETIME_INEXACT: N_("Enter a day"),
    ErrorCode.DATE_FROM_DATETIME_PARSING: N_("Enter a real date"),
    ErrorCode.DATE_PARSING: N_("Enter a real date"),
    ErrorCode.DATE_TYPE: N_("Enter a date"),
    ErrorCode.DATETIME_FROM_DATE_PARSING: N_("Enter a real date and time"),
    ErrorCode.DATETIME_PARSING: N_("Enter a real date and time"),
    ErrorCode.DATETIME_TYPE: N_("Enter a date and time"),
    ErrorCode.DICT_TYPE: N_("The form could not be read. Send it again."),
    ErrorCode.ENUM: N_("Choose one of the options"),
    ErrorCode.EXTRA_FORBIDDEN: N_("The form had a field it does not ask for"),
    ErrorCode.GREATER_THAN_EQUAL: N_("Enter a number of at least %(ge)s"),
    ErrorCode.INT_PARSING: N_("Enter a whole number"),
    ErrorCode.INT_TYPE: N_("Enter a whole number"),
    ErrorCode.JSON_INVALID: N_("The form could not be read. Send it again."),
    ErrorCode.LESS_THAN_EQUAL: N_("Enter a number of at most %(le)s"),
    ErrorCode.LIST_TYPE: N_("Choose from the list"),
    ErrorCode.LITERAL_ERROR: N_("Choose one of the options"),
    ErrorCode.MISSING: N_("This is required: fill it in"),
    ErrorCode.MODEL_ATTRIBUTES_TYPE: N_("The form could not be read. Send it again."),
    ErrorCode.STRING_PATTERN_MISMATCH: N_("Enter it in the form asked for"),
    ErrorCode.STRING_TOO_LONG: N_("Enter at most %(max_length)s characters"),
    ErrorCode.STRING_TOO_SHORT: N_("This is required: fill it in"),
    ErrorCode.STRING_TYPE: N_("Enter text"),
    ErrorCode.TIMEZONE_AWARE: N_("Enter a date and time"),
    ErrorCode.TOO_LONG: N_("Choose at most %(max_length)s"),
    ErrorCode.TOO_SHORT: N_("Choose at least %(min_length)s"),
    ErrorCode.URL_PARSING: N_("Enter a web address, like https://www.example.gov.gr"),
    ErrorCode.URL_SCHEME: N_("Enter a web address that starts with https://"),
    ErrorCode.URL_TOO_LONG: N_("Enter a shorter web address"),
    ErrorCode.URL_TYPE: N_("Enter a web address, like https://www.example.gov.gr"),
    ErrorCode.UUID_PARSING: N_("There is no such page"),
    ErrorCode.UUID_TYPE: N_("There is no such page"),
    ErrorCode.SUBSCRIBER_NOT_FOUND: N_("The address is no longer on the newsletter's list."),
    ErrorCode.SUBSCRIBER_NOT_HELD: N_("The address is not on hold any more."),
    ErrorCode.ISSUE_NOT_FOUND: N_("There is no such issue."),
    ErrorCode.ISSUE_CHANGED: N_("The issue changed meanwhile. Open it again and make your change."),
    ErrorCode.ISSUE_WRONG_STATUS: N_("The issue is already scheduled or sent."),
    ErrorCode.ISSUE_SEND_AT_PAST: N_("Enter a moment still to come"),
    ErrorCode.ISSUE_TEXT_EMPTY: N_("Enter the subject and the text"),
    ErrorCode.TEST_COPY_NO_EMAIL: N_("Your sign-in has no email address to send a test copy to."),
    ErrorCode.NEWSLETTER_LINK_INVALID: N_("This link does not work"),
    ErrorCode.NEWSLETTER_LINK_EXPIRED: N_("This link has expired"),
}

_CODES: Final = {code.value: code for code in ErrorCode}

UNKNOWN: Final = N_("Something in the form could not be accepted. Check it and send it again.")
"""For a code this gateway does not know yet (a newer service)."""


def message_for(code: str, ctx: Mapping[str, Any] | None, language: Language) -> str:
    """The text of a refusal `code` in `language`, its placeholders filled from `ctx`."""
    known = _CODES.get(code)
    msgid = MESSAGES.get(known, UNKNOWN) if known else UNKNOWN
    text = translate(language, msgid)
    try:
        return text % _Params(ctx or {})
    except (TypeError, ValueError):
        return translate(language, UNKNOWN)


class _Params(dict[str, str]):
    """`ctx` for %-formatting: lists as "a, b", and a missing name as an empty text."""

    def __init__(self, ctx: Mapping[str, Any]) -> None:
        super().__init__(
            {k: ", ".join(map(str, v)) if isinstance(v, list) else str(v) for k, v in ctx.items()}
        )

    def __missing__(self, key: str) -> str:
        return ""


@dataclass
class FormErrors:
    """A form's errors: (field, message) in the order of the form, for the summary and fields.

    A field of "" is an error of the whole form: the summary shows it without a link.
    """

    summary: list[tuple[str, str]] = field(default_factory=list)

    def add(self, field_name: str, message: str) -> None:
        """Add an error (one per field: the first one stays)."""
        if field_name and self.get(field_name) is not None:
            return
        self.summary.append((field_name, message))

    def get(self, field_name: str) -> str | None:
        """The message of `field_name`, or None."""
        return next((message for name, message in self.summary if name == field_name), None)

    def ordered(self, fields: Iterable[str]) -> FormErrors:
        """The same errors in the order of `fields` (the form's), whole-form errors first."""
        rank = {name: index for index, name in enumerate(fields)}
        return FormErrors(sorted(self.summary, key=lambda pair: rank.get(pair[0], -1)))

    def __bool__(self) -> bool:
        return bool(self.summary)


def field_errors(
    detail: Iterable[Mapping[str, Any]],
    field_map: Mapping[str, str],
    language: Language,
    default_field: str = "",
) -> FormErrors:
    """A service's 422 `detail` as the page's `FormErrors`.

    `field_map` maps a `loc` (without its leading "body", dot-joined: "representatives.0.email")
    or a prefix of it to the form's field name; a loc with no mapping goes to `default_field`.
    """
    errors = FormErrors()
    for item in detail:
        loc = [str(part) for part in item.get("loc", [])]
        if loc and loc[0] in ("body", "query", "path"):
            loc = loc[1:]
        errors.add(
            _form_field(loc, field_map, default_field),
            message_for(str(item.get("type", "")), item.get("ctx"), language),
        )
    return errors


def _form_field(loc: list[str], field_map: Mapping[str, str], default_field: str) -> str:
    for length in range(len(loc), 0, -1):  # the longest mapped prefix wins
        mapped = field_map.get(".".join(loc[:length]))
        if mapped is not None:
            return mapped
    return default_field
