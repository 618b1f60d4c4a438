"""Every text of the pages has its Greek, and every refusal code a text in both languages."""

from __future__ import annotations

import re

from contracts.errors import ErrorCode
from services.gateway.catalogue import extracted, untranslated
from services.gateway.i18n import translate
from services.gateway.refusals import MESSAGES, field_errors, message_for


def test_every_text_of_the_pages_has_its_greek() -> None:
    missing = untranslated()
    assert not missing, "no Greek in messages.po for:\n" + "\n".join(
        f"  {places[0]}: {msgid!r}" for msgid, places in missing.items()
    )


def test_every_error_code_has_a_greek_and_an_english_text() -> None:
    without_text = [code.name for code in ErrorCode if not MESSAGES.get(code)]
    assert not without_text, f"refusals.MESSAGES has no text for {without_text}"
    without_greek = [
        code.name
        for code, msgid in MESSAGES.items()
        if translate("el", msgid) == msgid or not translate("el", msgid).strip()
    ]
    assert not without_greek, f"no Greek for the texts of {without_greek}"


def test_a_refusal_is_filled_from_its_parameters_in_the_readers_language() -> None:
    ctx = {"max_length": 200}
    assert message_for("string_too_long", ctx, "en") == "Enter at most 200 characters"
    assert message_for("string_too_long", ctx, "el") == "Γράψτε το πολύ 200 χαρακτήρες"
    assert "κάτι" in message_for("a_code_from_the_future", None, "el").lower()


def test_a_services_field_errors_land_on_the_forms_fields() -> None:
    detail = [
        {"type": "afm_check_digit", "loc": ["body", "body", "tax_id"], "msg": "x"},
        {"type": "missing", "loc": ["body", "representatives", 0, "email"], "msg": "x"},
        {"type": "tax_id_registered", "msg": "x"},
    ]
    field_map = {"body.tax_id": "tax_id", "representatives.0": "main"}
    errors = field_errors(detail, field_map, "en")
    assert errors.get("tax_id") == "This tax number (ΑΦΜ) is not valid: check its digits"
    assert errors.get("main") == "This is required: fill it in"
    assert errors.summary[-1][0] == "", "an error of the whole form has no field"


def test_no_text_has_a_lone_percent_sign() -> None:
    # The templates' gettext fills `%(name)s` placeholders, so a literal % must be written %%.
    lone = [msgid for msgid in extracted() if re.search(r"%(?![%(])", msgid.replace("%%", ""))]
    assert not lone, f"write % as %% in: {lone}"
