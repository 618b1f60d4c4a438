"""Security a person meets in the browser (tests/gateway checks the rest over HTTP).

A representative replaced by a successor is signed out on their next page, while the body's
other representative stays signed in; signing out ends the session on the server, so a copy
of its cookie opens nothing; a member of one body gets the 404 page for another body's
registration, and cannot send that body a designation with their own session.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser import bodies
from tests.browser.conftest import NewContext
from tests.browser.people import exactly, sign_in, words
from tests.browser.stack import GatewayStack
from tests.registration.conftest import PDF
from tests.support.browser import Screenshots
from tests.support.polling import eventually


def body_page(page: Page, body: bodies.Body) -> None:
    """The signed-in representative's page is this body's."""
    page.goto("/my-body")
    expect(page.get_by_role("main")).to_contain_text(body.tax_id)


def test_a_replaced_representative_is_signed_out_on_their_next_page(
    new_context: NewContext, stack: GatewayStack, screenshots: Screenshots
) -> None:
    body = bodies.active_body(stack, name="Δήμος Αντικατάστασης", with_alternate=True)
    assert body.alternate_email is not None
    replaced = new_context().new_page()
    sign_in(replaced, stack, body.main_email)
    body_page(replaced, body)
    staying = new_context().new_page()
    sign_in(staying, stack, body.alternate_email)
    body_page(staying, body)

    bodies.replace_main(stack, body)

    def asked_to_sign_in() -> None:
        replaced.goto("/my-body")
        expect(replaced.get_by_role("heading", level=1)).to_have_text(
            exactly(words("el", "Sign in with your organisation email")), timeout=1000
        )

    eventually(asked_to_sign_in, timeout=20, interval=0.5)
    expect(replaced.get_by_role("main")).not_to_contain_text(body.tax_id)
    expect(replaced.get_by_role("button", name=words("el", "Sign out"))).to_have_count(0)
    screenshots.take(replaced, "replaced-asked-to-sign-in")
    body_page(staying, body)
    expect(staying.get_by_role("button", name=words("el", "Sign out"))).to_be_visible()


def test_signing_out_ends_the_session_for_a_copy_of_its_cookie_too(
    new_context: NewContext, stack: GatewayStack, screenshots: Screenshots
) -> None:
    body = bodies.register_body(stack, name="Δήμος Αποσύνδεσης")
    context = new_context()
    page = context.new_page()
    sign_in(page, stack, body.main_email)
    copy = new_context(storage_state=context.storage_state()).new_page()
    body_page(copy, body)

    page.get_by_role("button", name=words("el", "Sign out")).click()
    expect(page).to_have_url(f"{stack.public_url}/signed-out")
    screenshots.take(page, "signed-out")

    copy.goto("/my-body")
    expect(copy.get_by_role("heading", level=1)).to_have_text(
        exactly(words("el", "Sign in with your organisation email"))
    )
    expect(copy.get_by_role("main")).not_to_contain_text(body.tax_id)


def test_a_member_cannot_open_another_bodys_page(
    page: Page, stack: GatewayStack, screenshots: Screenshots
) -> None:
    ours = bodies.register_body(stack, name="Δήμος Ημέτερος")
    theirs = bodies.register_body(stack, name="Δήμος Αλλότριος")
    sign_in(page, stack, ours.main_email)
    body_page(page, ours)
    expect(page.get_by_role("main")).not_to_contain_text(theirs.name)

    for label, path in (
        ("their-upload-page", f"/registrations/{theirs.registration_id}/designation"),
        ("their-body-page", f"/my-body?registration={theirs.registration_id}"),
    ):
        response = page.goto(path)
        assert response is not None
        expected_status = 404 if "designation" in path else 200
        assert response.status == expected_status, f"{path}: {response.status}"
        main = page.get_by_role("main")
        expect(main).not_to_contain_text(theirs.name)
        expect(main).not_to_contain_text(theirs.tax_id)
        expect(main).not_to_contain_text(theirs.main_email)
        screenshots.take(page, label)


def test_a_member_cannot_send_another_body_a_designation(page: Page, stack: GatewayStack) -> None:
    ours = bodies.register_body(stack, name="Δήμος Πρώτος")
    theirs = bodies.register_body(stack, name="Δήμος Δεύτερος")
    sign_in(page, stack, ours.main_email)
    page.goto(f"/registrations/{ours.registration_id}/designation")
    csrf = page.locator('input[name="csrf_token"]').first.get_attribute("value")
    assert csrf

    # The session's own cookie and CSRF token, the form posted to the other body's address.
    answer = page.request.post(
        f"/registrations/{theirs.registration_id}/designation",
        multipart={
            "csrf_token": csrf,
            "signed_by_name": "Ελένη Γεωργίου",
            "signed_by_title": "Γενική Γραμματέας",
            "file": {"name": "designation.pdf", "mimeType": "application/pdf", "buffer": PDF},
        },
        max_redirects=0,
    )
    assert answer.status == 404, answer.status
    assert bodies.registration(stack, theirs.registration_id)["designation"] is None
