"""Both representatives hear of every change to their body and of its lapse, over real SMTP.

The registration service makes the changes (through its API, and its lapse check with a clock
the test controls); the notifications service turns them into emails, each in the language its
reader asked for on the form.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any
from uuid import UUID

import httpx

from services.notifications.templates import date_el, date_en
from services.registration.application import RegistrationApplication
from services.registration.lapses import LapseStep, warning_day
from services.runtime.eventstore import open_application
from services.runtime.settings import ServiceSettings
from services.runtime.timezone import ATHENS
from tests.notifications.conftest import NotificationsStack, Received
from tests.notifications.test_delivery import ALTERNATE, MAIN, received_templates, submit, wait_for
from tests.registration.conftest import ADMIN, TAX_IDS, form, token
from tests.support.tokens import applicant_for

MEMBER = token("member", body_id=TAX_IDS[0])


def alternate_details(language: str) -> dict[str, Any]:
    details = dict(form(with_alternate=True)["alternate"])
    details["language"] = language
    return details


def the_email(emails: list[Received], to: str, template: str) -> Received:
    [found] = [e for e in emails if e.to[0] == to and e.template == template]
    return found


def words(email: Received, part: str = "plain") -> str:
    return " ".join(email.part(part).split())


def test_an_alternate_added_later_and_the_body_s_withdrawal_reach_both_in_their_language(
    notifications_stack: NotificationsStack,
) -> None:
    stack = notifications_stack
    filled = form(tax_id=TAX_IDS[0])
    filled["main"]["language"] = "en"
    with stack.registration_client() as client:
        created = client.post("/registrations", json=filled, headers=applicant_for(filled))
        assert created.status_code == 201, created.text
        registration_id = created.json()["id"]
        wait_for(stack, Counter({(MAIN, "acknowledgement"): 1}))
        added = client.post(
            f"/registrations/{registration_id}/alternate",
            json=alternate_details("el"),
            headers=MEMBER,
        )
        assert added.status_code == 201, added.text
        wait_for(
            stack,
            Counter(
                {
                    (MAIN, "acknowledgement"): 1,
                    (ALTERNATE, "acknowledgement"): 1,
                    (MAIN, "representative_nominated"): 1,
                }
            ),
        )
        withdrawn = client.post(
            f"/registrations/{registration_id}/withdraw",
            json={"reason": "Συγχώνευση με άλλο φορέα"},
            headers=MEMBER,
        )
        assert withdrawn.status_code == 200, withdrawn.text

    expected = Counter(
        {
            (MAIN, "acknowledgement"): 1,
            (ALTERNATE, "acknowledgement"): 1,
            (MAIN, "representative_nominated"): 1,
            (MAIN, "registration_withdrawn"): 1,
            (ALTERNATE, "registration_withdrawn"): 1,
        }
    )
    emails = wait_for(stack, expected)
    time.sleep(2)  # nothing more: no second notice, the reminders cancelled
    assert received_templates(stack) == expected

    news = the_email(emails, MAIN, "representative_nominated")
    assert news.message["Content-Language"] == "en"
    assert news.message["Subject"] == "A new representative of Δήμος Παραδείγματος"
    assert "nominated a new alternate member to the Innovation Network: Γιώργος Νικολάου" in words(
        news
    )
    assert "If you did not expect this change" in words(news)
    greek = the_email(emails, ALTERNATE, "registration_withdrawn")
    assert greek.message["Content-Language"] == "el"
    assert "ανακλήθηκε" in words(greek)
    assert "Συγχώνευση με άλλο φορέα" in words(greek)
    assert "withdrawn" not in words(greek)
    english = the_email(emails, MAIN, "registration_withdrawn")
    assert "you no longer represent it. Reason: Συγχώνευση με άλλο φορέα" in words(english)


def test_the_lapse_is_warned_of_extended_and_announced_to_both_representatives(
    notifications_stack: NotificationsStack,
) -> None:
    stack = notifications_stack
    with stack.registration_client() as client:
        created = submit(client, languages=("el", "en"))
    registration_id = created["id"]
    wait_for(stack, Counter({(MAIN, "acknowledgement"): 1, (ALTERNATE, "acknowledgement"): 1}))
    settings = ServiceSettings(service="registration", database_url=stack.registration_database)
    registration = open_application(RegistrationApplication, settings)

    def lapses_on() -> date:
        day = registration.registration(UUID(registration_id)).lapses_on
        assert day is not None
        return day

    def after(day: date) -> datetime:
        return datetime.combine(day + timedelta(days=1), clock(0, 1), ATHENS).astimezone(UTC)

    try:
        due = date.fromisoformat(created["designation_due"])
        assert registration.record_overdue(UUID(registration_id), now=after(due))
        first_day = lapses_on()
        step = registration.record_lapse_step(UUID(registration_id), after(warning_day(first_day)))
        assert step is LapseStep.WARNED
        later = first_day + timedelta(days=14)
        with stack.registration_client() as client:
            extended = client.post(
                f"/registrations/{registration_id}/extension",
                json={"lapses_on": later.isoformat(), "reason": "Η υπογραφή καθυστερεί"},
                headers=ADMIN,
            )
        assert extended.status_code == 200, extended.text
        assert lapses_on() == later
        steps = [
            registration.record_lapse_step(UUID(registration_id), after(warning_day(later))),
            registration.record_lapse_step(UUID(registration_id), after(later)),
        ]
        assert steps == [LapseStep.WARNED, LapseStep.LAPSED]
    finally:
        registration.close()

    per_person = {
        "acknowledgement": 1,
        "overdue": 1,
        "registration_lapsing": 2,  # a week before the first day, and before the later one
        "registration_extended": 1,
        "registration_lapsed": 1,
    }
    expected = Counter(
        {(to, template): n for to in (MAIN, ALTERNATE) for template, n in per_person.items()}
        | {("innovationunit@example.gov.gr", "overdue_unit"): 1}
    )
    emails = wait_for(stack, expected)

    warnings = [e for e in emails if e.to[0] == MAIN and e.template == "registration_lapsing"]
    assert sorted(date_el(first_day) in words(w) for w in warnings) == [False, True]
    greek_warning = next(w for w in warnings if date_el(first_day) in words(w))
    assert greek_warning.message["Subject"] == (
        f"Η εγγραφή του φορέα Δήμος Παραδείγματος λήγει την {date_el(first_day)}"
    )
    upload = f"{ServiceSettings.model_fields['public_url'].default}/registrations/"
    assert f"{upload}{registration_id}/designation" in words(greek_warning)
    extension = the_email(emails, ALTERNATE, "registration_extended")
    assert extension.message["Content-Language"] == "en"
    assert date_en(later) in words(extension)
    assert "Reason: Η υπογραφή καθυστερεί" in words(extension)
    lapsed = the_email(emails, ALTERNATE, "registration_lapsed")
    assert f"lapsed on {date_en(later + timedelta(days=1))}" in words(lapsed)
    assert "/register" in words(lapsed)
    with httpx.Client(base_url=stack.registration.base_url, timeout=30) as client:
        shown = client.get(f"/registrations/{registration_id}", headers=ADMIN).json()
    assert shown["status"] == "lapsed"
