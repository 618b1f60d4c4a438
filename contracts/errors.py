"""The stable codes of every refusal the services' HTTP APIs answer with: the one list.

A refused request answers `{"detail": [{"type": <code>, "msg": …, "loc": […], "ctx": {…}}]}`.
`type` is one of these codes and never changes meaning; `msg` is English for people reading
logs; `ctx` holds the code's parameters. A page in Greek or English shows its own text for the
code, filled from `ctx`, so no client copies the rules or translates English messages.

Pydantic's own codes (a missing field, a text too long) pass through unchanged; the ones the
APIs can give are listed in the last section. `contracts/error-codes.md` is generated from
this module by `make contracts`.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """A refusal's stable code, with what it means (its parameters in brackets)."""

    meaning: str

    def __new__(cls, value: str, meaning: str) -> ErrorCode:
        code = str.__new__(cls, value)
        code._value_ = value
        code.meaning = meaning
        return code

    # Any service.
    BODY_TOO_LARGE = "body_too_large", "The request body is larger than allowed [max_bytes]."
    ROLE_REQUIRED = "role_required", "Only some callers may do this [roles]."
    SIGN_IN_REQUIRED = "sign_in_required", "Sign in first: the request carries no token."
    TOKEN_INVALID = "token_invalid", "The bearer token is invalid or expired; sign in again."
    CONCURRENT_CHANGE = (
        "concurrent_change",
        "The thing changed while the command ran; sending it again usually works.",
    )
    UNAVAILABLE = "unavailable", "The service's database is busy or away; try again shortly."
    EMAIL_INVALID = "email_invalid", "Not an email address [why]."
    DATETIME_OUT_OF_RANGE = (
        "datetime_out_of_range",
        "A date or moment outside the years the network keeps [earliest, latest].",
    )
    TEXT_CHARACTER = (
        "text_character",
        "Text with a character that is refused: control, bidi or invisible [why, code, position].",
    )

    # Registration.
    EMAIL_NOT_PROVED = (
        "email_not_proved",
        "Only a person who proved the email of the representative who fills the form (by the "
        "sign-in link) may submit it [role].",
    )
    EXTENSION_NOT_LATER = (
        "extension_not_later",
        "An extension must give a day later than the day the registration lapses on [lapses_on].",
    )
    NOT_LAPSING = (
        "not_lapsing",
        "Only a registration still waiting for its designation can be given more time.",
    )
    AFM_ALL_ZEROS = "afm_all_zeros", "A tax number (ΑΦΜ) of all zeros is not a real one."
    AFM_CHECK_DIGIT = "afm_check_digit", "The Greek tax number (ΑΦΜ) fails its check digit."
    AFM_FORMAT = (
        "afm_format",
        "A Greek tax number (ΑΦΜ) has 9 digits, optionally after 'EL'.",
    )
    ALTERNATE_DETAILS_REQUIRED = (
        "alternate_details_required",
        "The form was filled by the alternate, so the alternate's details are needed.",
    )
    CLOSURE_EXISTS = "closure_exists", "That day is an office closure already [day]."
    CONSENT_REQUIRED = "consent_required", "Consent to the processing of the data is required."
    # The three file codes are shared: registration's designation and the observatory's
    # attachments answer them, so their meanings name neither.
    DESIGNATION_ENCRYPTED = (
        "encrypted_pdf",
        "The PDF is encrypted or password-protected.",
    )
    DESIGNATION_NOT_PDF = "unsupported_media_type", "The file is not of a type accepted here."
    DESIGNATION_PENDING = (
        "designation_pending",
        "A designation is waiting for the innovation unit's check already.",
    )
    DESIGNATION_NOT_LATEST = (
        "designation_not_latest",
        "The designation decided on is not the one waiting for a decision (a newer one came).",
    )
    DESIGNATION_TOO_LARGE = (
        "too_large",
        "The file is larger than allowed [max_bytes; an image: max_pixels].",
    )
    DESIGNATIONS_COMPLETE = (
        "designations_complete",
        "Every representative of the registration is designated already.",
    )
    DIFFERENT_EMAILS = (
        "different_emails",
        "The main and the alternate representative need different emails.",
    )
    EQUIVALENT_NOT_JUSTIFIED = (
        "equivalent_not_justified",
        "A position equivalent to head of department or higher needs a short justification.",
    )
    MAIN_REQUIRED = "main_required", "A registration has a main representative."
    NOT_THE_BODYS = (
        "not_the_bodys",
        "Only the body's representatives or the innovation unit may do this.",
    )
    NOTHING_TO_CHECK = "nothing_to_check", "No designation is waiting to be checked."
    ONE_PER_ROLE = (
        "one_per_role",
        "A body has one main and one alternate representative in force, at most.",
    )
    ONLY_ALTERNATE_ADDED = "only_alternate_added", "Only an alternate can be added later."
    PHONE_INVALID = "phone_invalid", "Not a valid phone number."
    REGISTRATION_NOT_FOUND = "registration_not_found", "No registration with that id."
    DESIGNATION_FILE_NOT_FOUND = (
        "designation_file_not_found",
        "The registration has no designation file to download.",
    )
    REGISTRATION_WITHDRAWN = "registration_withdrawn", "The registration was withdrawn."
    REGISTRATION_LAPSED = (
        "registration_lapsed",
        "The registration lapsed without a designation; the body may register again.",
    )
    REJECTION_REASON_REQUIRED = (
        "rejection_reason_required",
        "A rejected designation needs the reason.",
    )
    REPLACEMENT_PENDING = (
        "replacement_pending",
        "A replacement for this representative is nominated already.",
    )
    REPRESENTATIVE_NOT_CURRENT = (
        "representative_not_current",
        "The representative to replace is not a current one of the registration.",
    )
    REPRESENTATIVE_NOT_FOUND = (
        "representative_not_found",
        "No current representative with that id in the registration.",
    )
    SAME_ROLE_SUCCESSOR = (
        "same_role_successor",
        "A successor takes the role of the representative replaced [role].",
    )
    SECOND_ALTERNATE = "second_alternate", "The body has an alternate representative already."
    SECOND_MUST_BE_ALTERNATE = (
        "second_must_be_alternate",
        "The second representative of a form is the alternate.",
    )
    SENIORITY_TOO_LOW = (
        "seniority_too_low",
        "Representatives are senior executives: head of a department or higher, or equivalent.",
    )
    TAX_ID_REGISTERED = (
        "tax_id_registered",
        "The body (by its tax number) has an open or active registration already.",
    )
    WEBMAIL_NOT_ALLOWED = (
        "webmail_not_allowed",
        "An organisation email is needed, not a free webmail one [domain].",
    )

    # Membership.
    ACTIVITY_CANCELLED = "activity_cancelled", "The activity was cancelled."
    ACTIVITY_NOT_FOUND = "activity_not_found", "No activity with that id."
    ACTIVITY_OVER = (
        "activity_over",
        "The activity is over; its invitations can no longer be answered.",
    )
    ACTIVITY_NOT_STARTED = (
        "activity_not_started",
        "Attendance is recorded once the activity has started.",
    )
    ACTIVITY_NOWHERE = (
        "activity_nowhere",
        "An activity is held at a location, online, or both.",
    )
    BODY_NOT_FOUND = "body_not_found", "No member body with that tax number."
    CAPACITY_TOO_SMALL = "capacity_too_small", "An activity has at least one seat."
    ENDS_BEFORE_START = "ends_before_start", "An activity ends after it starts."
    INVITATION_NOT_FOUND = (
        "invitation_not_found",
        "No invitation of this representative to this activity.",
    )
    LANGUAGES_REQUIRED = "languages_required", "Name the language(s) of the activity."
    LEVEL_WITH_BODIES = (
        "level_with_bodies",
        "Invite the bodies named or the members of one level, not both.",
    )
    NOT_ACTIVE_MEMBER = (
        "not_active_member",
        "Only active members take part; this representative is not one.",
    )
    NOT_OWN_INVITATION = "not_own_invitation", "A member answers only their own invitation."

    # Observatory.
    ATTACHMENT_NOT_FOUND = "attachment_not_found", "No attachment with that SHA-256 here."
    EMAIL_IN_TEXT = (
        "email_in_text",
        "A practice's texts are published: no email addresses in them (link to a web page).",
    )
    PRACTICE_CHANGED = (
        "practice_changed",
        "The practice was changed since it was read (by the body's other representative?) "
        "[version].",
    )
    PRACTICE_INCOMPLETE = (
        "practice_incomplete",
        "A field a submitted practice needs is not filled in yet.",
    )
    PRACTICE_NOT_EDITABLE = (
        "practice_not_editable",
        "A practice is edited only while a draft or returned with changes requested [status].",
    )
    PRACTICE_NOT_FOUND = "practice_not_found", "No practice with that id."
    PRACTICE_WRONG_STATUS = (
        "practice_wrong_status",
        "The practice is not in a state that allows this [status].",
    )
    TEXTS_LANGUAGES = (
        "texts_languages",
        "The texts are given in exactly the practice's languages [languages].",
    )

    # Notifications.
    EMAIL_NOT_FOUND = "email_not_found", "No email with that id."
    EMAIL_NOT_RETRIABLE = (
        "email_not_retriable",
        "Only a failed or dead email can be sent again [status].",
    )
    EMAIL_NOT_SENDING = "email_not_sending", "The email is not being sent [status]."
    SIGN_IN_URL_NOT_OURS = (
        "sign_in_url_not_ours",
        "A sign-in link must start with the network's public address [public_url].",
    )
    SIGN_IN_LINK_EXPIRED = (
        "sign_in_link_expired",
        "A sign-in link to send must expire later than now.",
    )

    # Newsletter.
    NEWSLETTER_LINK_INVALID = (
        "newsletter_link_invalid",
        "The newsletter link is not one of ours (altered, truncated, or of no subscriber).",
    )
    NEWSLETTER_LINK_EXPIRED = (
        "newsletter_link_expired",
        "The confirmation link has expired, or its request lapsed: subscribe again.",
    )
    SUBSCRIBER_NOT_FOUND = "subscriber_not_found", "No subscriber with that id."
    SUBSCRIBER_NOT_HELD = (
        "subscriber_not_held",
        "Only an address on hold can be released [state].",
    )
    ISSUE_NOT_FOUND = "issue_not_found", "No issue with that id (or number, in the archive)."
    ISSUE_CHANGED = (
        "issue_changed",
        "The issue was changed since it was read (by another member of the unit?) [version].",
    )
    ISSUE_WRONG_STATUS = (
        "issue_wrong_status",
        "The issue is not in a state that allows this: a sent issue changes no more [status].",
    )
    ISSUE_SEND_AT_PAST = (
        "issue_send_at_past",
        "An issue is scheduled for a moment still to come [now].",
    )
    ISSUE_TEXT_EMPTY = (
        "issue_text_empty",
        "The Markdown renders to nothing: write some text.",
    )
    TEST_COPY_NO_EMAIL = (
        "test_copy_no_email",
        "The staff member's sign-in names no email address to send the test copy to.",
    )

    # Pydantic's own codes that the APIs give (see pydantic's documentation of each).
    BOOL_TYPE = "bool_type", "A true or false is needed."
    DATE_FROM_DATETIME_INEXACT = (
        "date_from_datetime_inexact",
        "A day is needed, not a moment within it.",
    )
    DATE_FROM_DATETIME_PARSING = "date_from_datetime_parsing", "Not a date [error]."
    DATE_PARSING = "date_parsing", "Not a date [error]."
    DATE_TYPE = "date_type", "A date is needed."
    DATETIME_FROM_DATE_PARSING = "datetime_from_date_parsing", "Not a date and time [error]."
    DATETIME_PARSING = "datetime_parsing", "Not a date and time [error]."
    DATETIME_TYPE = "datetime_type", "A date and time is needed."
    DICT_TYPE = "dict_type", "An object is needed."
    ENUM = "enum", "Not one of the choices [expected]."
    EXTRA_FORBIDDEN = "extra_forbidden", "A field that is not part of the form."
    GREATER_THAN_EQUAL = "greater_than_equal", "A number too small [ge]."
    INT_PARSING = "int_parsing", "Not a whole number."
    INT_TYPE = "int_type", "A whole number is needed."
    JSON_INVALID = "json_invalid", "The body is not valid JSON [error]."
    LESS_THAN_EQUAL = "less_than_equal", "A number too large [le]."
    LIST_TYPE = "list_type", "A list is needed."
    LITERAL_ERROR = "literal_error", "Not one of the choices [expected]."
    MISSING = "missing", "A required field is missing."
    MODEL_ATTRIBUTES_TYPE = "model_attributes_type", "An object with fields is needed."
    STRING_PATTERN_MISMATCH = (
        "string_pattern_mismatch",
        "Text not of the expected form [pattern].",
    )
    STRING_TOO_LONG = "string_too_long", "Text too long [max_length]."
    STRING_TOO_SHORT = "string_too_short", "Text too short, or empty [min_length]."
    STRING_TYPE = "string_type", "Text is needed."
    TIMEZONE_AWARE = "timezone_aware", "A moment needs its time zone."
    TOO_LONG = "too_long", "Too many items [max_length]."
    TOO_SHORT = "too_short", "Too few items [min_length]."
    URL_PARSING = "url_parsing", "Not a web address [error]."
    URL_SCHEME = "url_scheme", "A web address of another scheme [expected_schemes]."
    URL_TOO_LONG = "url_too_long", "A web address too long [max_length]."
    URL_TYPE = "url_type", "A web address is needed, as text."
    UUID_PARSING = "uuid_parsing", "Not an id [error]."
    UUID_TYPE = "uuid_type", "An id is needed."
