"""The registration API on the real stack: the whole flow, bad input, roles, uploads, races."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from services.registration.calendar import WorkingCalendar
from tests.registration.conftest import ADMIN, PDF, TAX_IDS, RegistrationStack, form, token
from tests.support.polling import eventually
from tests.support.tokens import applicant_for


def submit(client: httpx.Client, **kwargs: Any) -> dict[str, Any]:
    response = client.post(
        "/registrations", json=form(**kwargs), headers=applicant_for(form(**kwargs))
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def upload(
    client: httpx.Client, registration_id: str, headers: dict[str, str], content: bytes = PDF
) -> httpx.Response:
    return client.post(
        f"/registrations/{registration_id}/designation",
        files={"file": ("designation.pdf", content, "application/pdf")},
        data={"signed_by_name": "Νίκος Αθανασίου", "signed_by_title": "Γενικός Γραμματέας"},
        headers=headers,
    )


def test_submit_upload_verify_makes_the_body_active_and_publishes_sealed_cloudevents(
    registration_stack: RegistrationStack,
) -> None:
    representative = token("member", body_id=TAX_IDS[0])
    with registration_stack.client() as client:
        created = submit(client, with_alternate=True)
        today = WorkingCalendar.submission_day(datetime.now(UTC))
        expected_due = WorkingCalendar().designation_due(today)
        assert created["status"] == "awaiting_designation"
        assert created["designation_due"] == expected_due.isoformat()
        assert [r["role"] for r in created["representatives"]] == ["main", "alternate"]

        registration_id = created["id"]
        sent = upload(client, registration_id, representative)
        assert sent.status_code == 201, sent.text
        assert sent.json()["status"] == "designation_received"

        verified = client.post(
            f"/registrations/{registration_id}/designation/verify", headers=ADMIN
        )
        assert verified.status_code == 200, verified.text
        assert verified.json()["status"] == "active"
        assert verified.json()["designation"]["state"] == "verified"

    def published() -> list[Any]:
        messages = registration_stack.topic_messages()
        types = [event.type.split(".")[-2] for _, _, event, _ in messages]
        assert types.count("RepresentativeNominated") == 2
        assert "DesignationVerified" in types
        return messages

    messages = eventually(published, timeout=30)
    for _, _, event, raw in messages:
        headers = dict(raw.headers())
        for name in (
            "ce_specversion",
            "ce_id",
            "ce_source",
            "ce_type",
            "ce_time",
            "ce_subject",
            "content-type",
            "ce_sequence",
            "ce_correlationid",
            "ce_causationid",
        ):
            assert name in headers, name
        assert headers["ce_source"] == b"/innovnet/registration"
        assert raw.key() == str(event.aggregate_id).encode()
        text = raw.value().decode()
        for plain in (
            "Μαρία Παπαδοπούλου",
            "m.papadopoulou@example.gov.gr",
            "Νίκος Αθανασίου",
            json.dumps("Μαρία Παπαδοπούλου")[1:-1],
        ):
            assert plain not in text, f"personal data in clear in {event.type}"
    nominated = [e for _, _, e, _ in messages if e.type.endswith("RepresentativeNominated.v1")]
    assert set(nominated[0].data["full_name"]) == {"subject_id", "ciphertext", "alg"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"body": {**form()["body"], "tax_id": "094014202"}}, ["body", "tax_id"]),
        ({"body": {**form()["body"], "tax_id": "000000000"}}, ["body", "tax_id"]),
        ({"body": {**form()["body"], "tax_id": "12345"}}, ["body", "tax_id"]),
        ({"body": {**form()["body"], "level": "municipal"}}, ["body", "level"]),
        ({"body": {**form()["body"], "name": ""}}, ["body", "name"]),
        ({"body": {**form()["body"], "website": "not a url"}}, ["body", "website"]),
        ({"main": None}, ["main"]),
        ({"main": {**form()["main"], "email": "maria@gmail.com"}}, ["main", "email"]),
        ({"main": {**form()["main"], "email": "not-an-email"}}, ["main", "email"]),
        ({"main": {**form()["main"], "seniority": "section_head"}}, ["main", "seniority"]),
        (
            {"main": {**form()["main"], "seniority": "equivalent"}},
            ["main", "seniority_justification"],
        ),
        ({"main": {**form()["main"], "phone": "12"}}, ["main", "phone"]),
        ({"main": {**form()["main"], "full_name": ""}}, ["main", "full_name"]),
        ({"main": {**form()["main"], "position_title": ""}}, ["main", "position_title"]),
        ({"main": {**form()["main"], "unit": ""}}, ["main", "unit"]),
        ({"submitted_by": "someone"}, ["submitted_by"]),
        ({"consent": False}, ["consent"]),
        ({"alternate": {**form()["main"]}}, ["alternate", "email"]),
        ({"submitted_by": "alternate"}, ["alternate"]),
        ({"unexpected": 1}, ["unexpected"]),
    ],
)
def test_bad_input_is_answered_422_naming_the_field_and_leaves_no_event(
    shared_registration: RegistrationStack, change: dict[str, Any], field: list[str]
) -> None:
    before = shared_registration.stored_event_count()
    with shared_registration.client() as client:
        response = client.post(
            "/registrations", json=form(**change), headers=applicant_for(form(**change))
        )
    assert response.status_code == 422, response.text
    locations = [detail["loc"] for detail in response.json()["detail"]]
    assert any(loc[-len(field) :] == field for loc in locations), locations
    assert shared_registration.stored_event_count() == before


def test_a_body_that_is_not_json_or_not_a_form_is_a_422_not_a_500(
    shared_registration: RegistrationStack,
) -> None:
    with shared_registration.client() as client:
        applicant = applicant_for(form())
        garbled = client.post(
            "/registrations",
            content=b"{not json",
            headers={"Content-Type": "application/json", **applicant},
        )
        empty = client.post("/registrations", json={}, headers=applicant)
    assert garbled.status_code == 422
    assert empty.status_code == 422
    missing = {tuple(d["loc"]) for d in empty.json()["detail"]}
    assert {("body", "body"), ("body", "main"), ("body", "consent")} <= missing


def test_concurrent_forms_for_one_tax_number_give_exactly_one_201(
    registration_stack: RegistrationStack,
) -> None:
    statuses: list[int] = []
    start = threading.Barrier(10)

    def send() -> None:
        with registration_stack.client() as client:
            start.wait()
            statuses.append(
                client.post(
                    "/registrations", json=form(), headers=applicant_for(form())
                ).status_code
            )

    senders = [threading.Thread(target=send) for _ in range(10)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    assert sorted(statuses) == [201] + [409] * 9


def test_a_withdrawn_registration_frees_the_tax_number(
    registration_stack: RegistrationStack,
) -> None:
    with registration_stack.client() as client:
        first = submit(client)
        assert (
            client.post("/registrations", json=form(), headers=applicant_for(form())).status_code
            == 409
        )
        withdrawn = client.post(
            f"/registrations/{first['id']}/withdraw", json={"reason": "λάθος"}, headers=ADMIN
        )
        assert withdrawn.json()["status"] == "withdrawn"
        submit(client)


def test_only_the_innovation_unit_verifies_and_only_the_body_sends_its_designation(
    registration_stack: RegistrationStack,
) -> None:
    with registration_stack.client() as client:
        registration_id = submit(client)["id"]
        assert upload(client, registration_id, {}).status_code == 401
        other_body = token("member", body_id=TAX_IDS[1])
        assert upload(client, registration_id, other_body).status_code == 403
        assert upload(client, registration_id, ADMIN).status_code == 201

        verify = f"/registrations/{registration_id}/designation/verify"
        assert client.post(verify).status_code == 401
        own_body = token("member", body_id=TAX_IDS[0])
        assert client.post(verify, headers=own_body).status_code == 403
        assert client.get("/registrations", headers=own_body).status_code == 403

        public = client.get(f"/registrations/{registration_id}").json()
        assert public["representatives"][0]["full_name"] is None
        assert public["designation"]["signed_by_name"] is None
        own = client.get(f"/registrations/{registration_id}", headers=own_body).json()
        assert own["representatives"][0]["full_name"] == "Μαρία Παπαδοπούλου"
        assert own["representatives"][0]["email"] == "m.papadopoulou@example.gov.gr"


def test_a_designation_is_a_pdf_by_its_bytes_and_at_most_10_mb(
    registration_stack: RegistrationStack,
) -> None:
    with registration_stack.client() as client:
        registration_id = submit(client)["id"]
        disguised = upload(client, registration_id, ADMIN, b"MZ\x90\x00 not a pdf at all")
        assert disguised.status_code == 415
        assert disguised.json()["detail"][0]["loc"] == ["body", "file"]
        large = PDF[:-6] + b"\0" * (10 * 1024 * 1024) + b"%%EOF\n"
        assert upload(client, registration_id, ADMIN, large).status_code == 413
        assert upload(client, registration_id, ADMIN).status_code == 201
        again = upload(client, registration_id, ADMIN)
        assert again.status_code == 409, "one designation is waiting already"

        downloaded = client.get(f"/registrations/{registration_id}/designation.pdf", headers=ADMIN)
        assert downloaded.content == PDF


def test_a_rejected_designation_can_be_sent_again(registration_stack: RegistrationStack) -> None:
    with registration_stack.client() as client:
        registration_id = submit(client)["id"]
        upload(client, registration_id, ADMIN)
        no_reason = client.post(
            f"/registrations/{registration_id}/designation/reject", json={}, headers=ADMIN
        )
        assert no_reason.status_code == 422
        rejected = client.post(
            f"/registrations/{registration_id}/designation/reject",
            json={"reason": "Δεν υπογράφεται από Γενικό Γραμματέα."},
            headers=ADMIN,
        ).json()
        assert rejected["status"] == "designation_rejected"
        assert rejected["designation"]["reason"] == "Δεν υπογράφεται από Γενικό Γραμματέα."
        assert upload(client, registration_id, ADMIN).status_code == 201


def test_an_alternate_added_later_gets_its_own_due_day_and_never_a_second_one(
    registration_stack: RegistrationStack,
) -> None:
    alternate = {**form()["main"], "email": "alt@example.gov.gr", "full_name": "Ελένη Ιωάννου"}
    with registration_stack.client() as client:
        registration_id = submit(client)["id"]
        added = client.post(
            f"/registrations/{registration_id}/alternate", json=alternate, headers=ADMIN
        )
        assert added.status_code == 201, added.text
        assert added.json()["role"] == "alternate"
        again = client.post(
            f"/registrations/{registration_id}/alternate",
            json={**alternate, "email": "other@example.gov.gr"},
            headers=ADMIN,
        )
        assert again.status_code == 409
        same_email = client.post(
            f"/registrations/{registration_id}/representatives/{added.json()['id']}/replacement",
            json={**alternate, "email": "m.papadopoulou@example.gov.gr"},
            headers=ADMIN,
        )
        assert same_email.status_code == 422


def test_the_innovation_unit_lists_registrations_by_status_with_paging(
    registration_stack: RegistrationStack,
) -> None:
    with registration_stack.client() as client:
        ids = [submit(client, tax_id=tax_id)["id"] for tax_id in TAX_IDS[:3]]
        upload(client, ids[0], ADMIN)

        def listed() -> dict[str, Any]:
            page = client.get(
                "/registrations",
                params={"status": "awaiting_designation", "page_size": 1},
                headers=ADMIN,
            ).json()
            assert page["total"] == 2
            return dict(page)

        first_page = eventually(listed, timeout=30)
        assert len(first_page["items"]) == 1
        second = client.get(
            "/registrations",
            params={"status": "awaiting_designation", "page_size": 1, "page": 2},
            headers=ADMIN,
        ).json()
        assert {first_page["items"][0]["id"], second["items"][0]["id"]} == set(ids[1:])
        bad = client.get("/registrations", params={"status": "lost"}, headers=ADMIN)
        assert bad.status_code == 422


def test_the_designation_due_day_skips_easter_and_the_closures_the_unit_adds(
    registration_stack: RegistrationStack,
) -> None:
    with registration_stack.client() as client:
        due = client.get("/calendar/designation-due", params={"submitted": "2026-04-09"})
        assert due.json()["designation_due"] == "2026-04-15"
        closure = {"date": "2026-04-14", "reason": "Απογραφή"}
        assert client.post("/calendar/closures", json=closure).status_code == 401
        assert client.post("/calendar/closures", json=closure, headers=ADMIN).status_code == 201
        assert client.post("/calendar/closures", json=closure, headers=ADMIN).status_code == 409
        due = client.get("/calendar/designation-due", params={"submitted": "2026-04-09"})
        assert due.json()["designation_due"] == "2026-04-16"


def test_the_form_fields_can_be_read_and_downloaded_before_filling_it(
    registration_stack: RegistrationStack,
) -> None:
    with registration_stack.client() as client:
        fields = client.get("/registration-form").json()
        sheet = client.get("/registration-form.pdf")
    names = {field["name"] for field in fields["fields"]}
    assert {"body.tax_id", "main.email", "alternate.email", "consent"} <= names
    assert sheet.headers["content-type"] == "application/pdf"
    assert sheet.content.startswith(b"%PDF")
