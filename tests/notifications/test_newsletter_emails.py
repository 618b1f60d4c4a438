"""The newsletter's own emails through the delivery log: the confirmation of a subscription
request, in the language asked, with a signed link that expires with the request; and a test
copy of a draft to the staff member who asked, marked as a test.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import jwt
import pytest

from contracts import newsletter as nl
from contracts.registration import Language
from services.runtime.newsletter_links import read_confirm_token
from services.runtime.settings import ServiceSettings
from tests.notifications.conftest import Received
from tests.notifications.newsletter_stack import (
    NOW,
    NewsletterStack,
    expiry,
    issue_texts,
    newsletter_stack,
)
from tests.support.polling import eventually


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NewsletterStack]:
    with newsletter_stack(tmp_path_factory.mktemp("newsletter-emails"), {}) as running:
        yield running


def the_one(stack: NewsletterStack, to: str, template: str) -> Received:
    found = [e for e in stack.smtp.emails() if e.to == [to] and e.template == template]
    assert len(found) == 1, f"{len(found)} {template} to {to}"
    return found[0]


def test_a_subscription_request_sends_one_confirmation_in_its_language(
    stack: NewsletterStack,
) -> None:
    secret = ServiceSettings(service="notifications").jwt_secret
    greek, english = uuid.uuid4(), uuid.uuid4()
    for subscriber, language in ((greek, Language.GREEK), (english, Language.ENGLISH)):
        stack.publish(
            subscriber,
            nl.SubscriptionRequested(
                subscriber_id=subscriber,
                email=stack.sealer.seal(subscriber, f"{subscriber.hex[:8]}@example.gov.gr"),
                language=language,
                requested_at=NOW,
                expires_at=expiry(),
            ),
        )
    in_english = eventually(
        lambda: the_one(stack, f"{english.hex[:8]}@example.gov.gr", "newsletter_confirmation"),
        timeout=60,
    )
    in_greek = eventually(
        lambda: the_one(stack, f"{greek.hex[:8]}@example.gov.gr", "newsletter_confirmation"),
        timeout=30,
    )
    assert in_english.message["Subject"] == "Confirm your subscription to the newsletter"
    assert in_english.message["Content-Language"] == "en"
    assert in_greek.message["Subject"] == "Επιβεβαιώστε την εγγραφή σας στο ενημερωτικό δελτίο"
    assert in_greek.message["Content-Language"] == "el"
    for email, subscriber in ((in_english, english), (in_greek, greek)):
        text = email.part("plain")
        link = next(w for w in text.split() if "/newsletter/confirm?token=" in w)
        token = link.split("token=", 1)[1]
        assert read_confirm_token(secret, token) == subscriber
        claims = jwt.decode(token, options={"verify_signature": False})
        assert datetime.fromtimestamp(claims["exp"], UTC) == expiry()
        assert link in email.part("html")


def test_a_test_copy_goes_to_the_staff_member_marked_as_a_test(stack: NewsletterStack) -> None:
    issue, request = uuid.uuid4(), uuid.uuid4()
    staff = "m.papadaki@example.gov.gr"
    stack.publish(
        issue,
        nl.IssueTestCopyRequested(
            issue_id=issue,
            request_id=request,
            email=stack.sealer.seal(request, staff),
            language=Language.ENGLISH,
            texts=issue_texts(7),
            requested_at=NOW,
        ),
    )
    copy = eventually(lambda: the_one(stack, staff, "newsletter_test_copy"), timeout=60)
    assert copy.message["Subject"] == "[Test] Issue 7: news of the Network"
    assert "<strong>practices</strong> of the Network" in copy.part("html")
    assert "Good practices of the Network" in copy.part("plain")
    assert "Καλές" not in copy.part("plain")
