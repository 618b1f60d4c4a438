"""The practice pages in process, against the real registration, membership and observatory
as processes: a member drafts a practice (a text past its limit refused at its field, the
counter saying so), sends it incomplete and is shown what is missing, completes and sends it;
another body's representative does not reach it; the unit finds it in its queue, asks for
changes (the check page sent twice decides once); the member reads the comment, edits and
sends it again; the unit publishes it, once, and it leaves the queue. A form's hostile version
is refused in words; a representative whose body is not an active member is told so, offered
no new practice, and what they typed is kept when the observatory refuses it (403).
"""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from services.gateway.i18n import translate
from services.gateway.practice_form import parse_version
from services.gateway.practice_views import STEP_NAMES
from services.gateway.routes.my_practices import FORM_UNREAD
from services.observatory.domain import HistoryWhat
from tests.gateway.conftest import STAFF, csrf_token
from tests.gateway.member_site import (
    MemberBody,
    MemberSite,
    bearer,
    fresh_tax_id,
    running_site,
)
from tests.gateway.unit_site import STAFF_NAME, error_summary
from tests.registration.conftest import form
from tests.support.polling import eventually

OVERVIEW = "Ένα ψηφιακό σημείο εξυπηρέτησης για τους δημότες.\nΛειτουργεί από το 2023."


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MemberSite]:
    names = ("registration", "membership", "observatory")
    staff = {"GATEWAY_STAFF_EMAILS": f"{STAFF_NAME} <{STAFF}>"}
    with running_site(tmp_path_factory.mktemp("practices"), names, staff) as running:
        yield running


@pytest.fixture(scope="module")
def body(site: MemberSite) -> MemberBody:
    found = site.active_body("Δήμος Καλών Πρακτικών", with_alternate=False)
    # The observatory knows members from membership's topic: it reads the activation first.
    with site.api("observatory", found.member_token(found.main)) as api:
        eventually(lambda: _listed(api.get("/practices")), timeout=60, interval=0.3)
    return found


def _listed(answer: Any) -> None:
    assert answer.status_code == 200, answer.text


@pytest.fixture(scope="module")
def unit(site: MemberSite) -> TestClient:
    return site.sign_in(STAFF)


def send_form(client: TestClient, page: str, action: str, data: dict[str, Any]) -> Any:
    shown = client.get(page)
    assert shown.status_code == 200, shown.text
    return client.post(action, data={"csrf_token": csrf_token(shown.text), **data})


def new_draft(member: TestClient, title: str) -> str:
    """The path of a new Greek draft titled `title`, saved through the form."""
    saved = send_form(
        member,
        "/my-body/practices/new",
        "/my-body/practices/new",
        {"languages": ["el"], "el.title": title},
    )
    return str(saved.headers["location"]).removesuffix("/edit?saved=1")


def complete(title: str) -> dict[str, Any]:
    return {
        "languages": ["el"],
        "el.title": title,
        "el.short_explanation": "Οι δημότες εξυπηρετούνται σε ένα σημείο, με ένα ραντεβού.",
        "el.overview": OVERVIEW,
        "el.innovativeness": "Συνδυάζει για πρώτη φορά τις υπηρεσίες τριών διευθύνσεων.",
        "stage": "implementation",
        "facets": ["enhancement", "adaptive"],
        "sector": "digitalisation",
        "year_launched": "2023",
        "tags": "εξυπηρέτηση, ψηφιακός δήμος, ραντεβού",
        "websites": "https://www.example.gov.gr/kep",
    }


def history(site: MemberSite, body: MemberBody, practice_id: str) -> list[str]:
    with site.api("observatory", body.member_token(body.main)) as api:
        found = api.get(f"/practices/{practice_id}")
    assert found.status_code == 200, found.text
    return [step["what"] for step in found.json()["history"]]


def decide_twice(unit: TestClient, practice_id: str, decision: str, comment: str) -> None:
    """The decision's question, then its check page sent twice (a double click)."""
    base = f"/unit/practices/{practice_id}"
    asked = send_form(unit, base, f"{base}/{decision}", {"comment": comment})
    assert asked.status_code == 303, asked.text
    assert asked.headers["location"] == f"{base}/{decision}/check"
    check = unit.get(f"{base}/{decision}/check")
    assert check.status_code == 200
    assert comment in check.text
    token = csrf_token(check.text)
    first = unit.post(f"{base}/{decision}/check", data={"csrf_token": token})
    second = unit.post(f"{base}/{decision}/check", data={"csrf_token": token})
    assert first.headers["location"] == f"{base}/{decision}/done", first.text
    assert second.status_code == 303
    assert second.headers["location"] == base


def test_a_practice_from_draft_to_the_catalogue(
    site: MemberSite, body: MemberBody, unit: TestClient
) -> None:
    member = body.main.client
    listed = member.get("/my-body/practices")
    assert listed.status_code == 200
    assert 'href="/my-body/practices/new"' in listed.text
    assert 'aria-current="page">Πρακτικές' in listed.text
    assert 'href="/observatory">Παρατηρητήριο</a>' in listed.text, "the observatory in the nav"
    assert 'href="/observatory">Παρατηρητήριο</a>' in unit.get("/unit/practices").text

    # A short explanation past its limit: the observatory's refusal at its field, counted.
    form = member.get("/my-body/practices/new")
    assert "0 από 500 χαρακτήρες" in form.text
    assert 'src="/static/counters.js"' in form.text
    too_long = {"languages": ["el"], "el.title": "Ψηφιακό ΚΕΠ", "el.short_explanation": "α" * 501}
    refused = send_form(member, "/my-body/practices/new", "/my-body/practices/new", too_long)
    assert refused.status_code == 422, refused.text
    summary = error_summary(refused.text)
    assert 'href="#el-short-explanation"' in summary
    assert "Σύντομη περιγραφή (ελληνικά): γράψτε το πολύ 500 χαρακτήρες" in summary
    assert "501 από 500 χαρακτήρες: 1 παραπάνω από το όριο" in refused.text
    assert "α" * 501 in refused.text, "what was typed is kept"

    # A draft with a title only; sending it names every field still missing.
    title = "Ψηφιακό ΚΕΠ του δήμου"
    drafted = send_form(
        member,
        "/my-body/practices/new",
        "/my-body/practices/new",
        {"languages": ["el"], "el.title": title, "action": "save"},
    )
    assert drafted.status_code == 303, drafted.text
    found = re.match(
        r"/my-body/practices/([0-9a-f-]{36})/edit\?saved=1$", drafted.headers["location"]
    )
    assert found, drafted.headers["location"]
    practice_id = found.group(1)
    base = f"/my-body/practices/{practice_id}"
    check = member.get(f"{base}/check")
    assert check.status_code == 200
    assert "Επισκόπηση (ελληνικά)" in check.text
    incomplete = member.post(f"{base}/check", data={"csrf_token": csrf_token(check.text)})
    assert incomplete.status_code == 422, incomplete.text
    summary = error_summary(incomplete.text)
    for field in ("el-overview", "el-innovativeness", "stage", "facets", "sector", "tags"):
        assert f'href="#{field}"' in summary, field
    assert "«Επισκόπηση (ελληνικά)»" in summary
    assert 'id="el-overview"' in incomplete.text, "the summary's links land on the form's fields"
    assert history(site, body, practice_id) == ["drafted"]

    # Another body's representative reaches neither the page nor the form.
    other = site.active_body("Δήμος Άλλου Φορέα", with_alternate=False)
    for path in (base, f"{base}/edit", f"{base}/check"):
        assert other.main.client.get(path).status_code == 404, path

    # Completed and sent; in the unit's queue, counted on its overview.
    saved = send_form(
        member,
        f"{base}/edit",
        f"{base}/edit",
        {**complete(title), "action": "check", "version": _version(member, base)},
    )
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"{base}/check"
    shown = member.get(f"{base}/check")
    assert 'id="missing"' not in shown.text
    submitted = member.post(f"{base}/check", data={"csrf_token": csrf_token(shown.text)})
    assert submitted.headers["location"] == f"{base}/sent", submitted.text

    def in_the_queue() -> None:  # the unit's queue is a fold of the observatory's topic
        queue = unit.get("/unit/practices")
        assert queue.status_code == 200
        assert title in queue.text

    eventually(in_the_queue, timeout=30, interval=0.3)
    home = unit.get("/unit")
    assert re.search(r'id="count-practices">\s*<span class="innovnet-counts__number">1<', home.text)

    # The unit asks for changes: the check page sent twice decides once.
    page = unit.get(f"/unit/practices/{practice_id}")
    assert page.status_code == 200
    assert f'href="/unit/practices/{practice_id}/request-changes"' in page.text
    comment = "Προσθέστε τα αποτελέσματα της πρώτης χρονιάς."
    decide_twice(unit, practice_id, "request-changes", comment)
    assert history(site, body, practice_id).count("changes_requested") == 1
    decided_by = translate("el", "Decided by %(name)s", name=STAFF_NAME)
    assert decided_by in unit.get(f"/unit/practices/{practice_id}").text

    # The member reads the comment, adds the results, sends it again.
    listed = member.get("/my-body/practices")
    assert comment in listed.text
    assert comment in member.get(base).text
    again = {
        **complete(title),
        "el.results_impact": "Χρόνος αναμονής μειωμένος κατά 40%.",
        "action": "check",
    }
    saved = send_form(
        member, f"{base}/edit", f"{base}/edit", {**again, "version": _version(member, base)}
    )
    assert saved.status_code == 303, saved.text
    shown = member.get(f"{base}/check")
    assert "40%" in shown.text
    token = csrf_token(shown.text)
    resubmitted = member.post(f"{base}/check", data={"csrf_token": token})
    sent_twice = member.post(f"{base}/check", data={"csrf_token": token})
    assert resubmitted.headers["location"] == f"{base}/sent", resubmitted.text
    assert sent_twice.headers["location"] == base, "the second send finds nothing to send"
    assert history(site, body, practice_id).count("submitted") == 2, "sent, then sent again"

    # The unit publishes it, once; the member's page links to the public page.
    decide_twice(unit, practice_id, "publish", "Ευχαριστούμε: δημοσιεύεται.")
    assert history(site, body, practice_id).count("published") == 1
    assert title not in unit.get("/unit/practices").text
    assert title in unit.get("/unit/practices?status=published").text
    assert f'href="/observatory/practices/{practice_id}"' in member.get(base).text

    # The pages in English too.
    for client, path in (
        (member, "/my-body/practices"),
        (member, base),
        (member, f"{base}/withdraw"),
        (unit, f"/unit/practices/{practice_id}"),
        (unit, f"/unit/practices/{practice_id}/archive"),
        (unit, "/unit/practices?status=published"),
    ):
        client.cookies.set("lang", "en")
        try:
            page = client.get(path)
        finally:
            client.cookies.set("lang", "el")
        assert page.status_code == 200, path
        assert '<html lang="en">' in page.text, path


def _version(member: TestClient, base: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', member.get(f"{base}/edit").text)
    assert found
    return found.group(1)


def test_a_stale_edit_says_so_and_saves_nothing(site: MemberSite, body: MemberBody) -> None:
    member = body.main.client
    base = new_draft(member, "Ανοιχτά δεδομένα")
    version = _version(member, base)
    first = send_form(
        member,
        f"{base}/edit",
        f"{base}/edit",
        {"languages": ["el"], "el.title": "Πρώτη", "version": version},
    )
    assert first.status_code == 303
    stale = send_form(
        member,
        f"{base}/edit",
        f"{base}/edit",
        {"languages": ["el"], "el.title": "Δεύτερη", "version": version},
    )
    assert stale.status_code == 409, stale.text
    assert "οι αλλαγές σας δεν αποθηκεύτηκαν" in error_summary(stale.text)
    assert 'value="Δεύτερη"' in stale.text, "the form keeps what was typed"
    assert 'id="theirs"' in stale.text
    assert "Πρώτη" in stale.text


def test_an_attachment_is_added_read_back_and_removed_and_the_practice_withdrawn(
    site: MemberSite, body: MemberBody
) -> None:
    member = body.main.client
    base = new_draft(member, "Χάρτης ποδηλατοδρόμων")
    page = member.get(f"{base}/attachments")
    assert 'type="file"' in page.text
    not_a_file = member.post(
        f"{base}/attachments",
        data={"csrf_token": csrf_token(page.text), "caption": "Ο χάρτης"},
        files={"file": ("map.png", b"not an image", "image/png")},
    )
    assert not_a_file.status_code == 422, not_a_file.text
    assert 'href="#file"' in error_summary(not_a_file.text)
    assert "πρέπει να είναι εικόνα (PNG, JPEG, WebP) ή PDF" in error_summary(not_a_file.text)
    added = member.post(
        f"{base}/attachments",
        data={"csrf_token": csrf_token(page.text), "caption": "Ο χάρτης"},
        files={"file": ("map.png", png(), "image/png")},
    )
    assert added.status_code == 303, added.text
    listed = member.get(added.headers["location"])
    # Named as the observatory names it (a neutral name, not necessarily the one uploaded).
    found = re.search(rf'href="({base}/attachments/[0-9a-f]{{64}})">([^<]+)<', listed.text)
    assert found, listed.text
    download = member.get(found.group(1))
    assert download.status_code == 200
    assert download.content.startswith(b"\x89PNG")
    named = re.sub(r"[^A-Za-z0-9._-]", "_", found.group(2))
    assert download.headers["content-disposition"] == f'attachment; filename="{named}"'
    assert download.headers["x-content-type-options"] == "nosniff"
    removed = member.post(f"{found.group(1)}/remove", data={"csrf_token": csrf_token(listed.text)})
    assert removed.status_code == 303, removed.text
    assert 'id="no-attachments"' in member.get(f"{base}/attachments").text

    # Withdrawn with a reason: asked, checked, then confirmed once.
    without = send_form(member, f"{base}/withdraw", f"{base}/withdraw", {"reason": ""})
    assert without.status_code == 422
    assert 'href="#reason"' in error_summary(without.text)
    asked = send_form(
        member, f"{base}/withdraw", f"{base}/withdraw", {"reason": "Διπλή καταχώριση."}
    )
    assert asked.headers["location"] == f"{base}/withdraw/check", asked.text
    check = member.get(f"{base}/withdraw/check")
    assert "Διπλή καταχώριση." in check.text
    token = csrf_token(check.text)
    first = member.post(f"{base}/withdraw/check", data={"csrf_token": token})
    second = member.post(f"{base}/withdraw/check", data={"csrf_token": token})
    assert first.headers["location"] == f"{base}/withdraw/done", first.text
    assert second.headers["location"] == base
    practice_id = base.rsplit("/", 1)[-1]
    assert history(site, body, practice_id).count("withdrawn") == 1
    assert "Διπλή καταχώριση." in member.get(base).text, "the reason is in the history"


def png() -> bytes:
    image = Image.new("RGB", (8, 8), (0, 84, 186))
    kept = io.BytesIO()
    image.save(kept, "PNG")
    return kept.getvalue()


def test_the_history_names_the_steps_the_observatory_writes_and_no_others() -> None:
    assert set(STEP_NAMES) == {str(what) for what in HistoryWhat}


@pytest.mark.parametrize("typed", ["abc", "²", "-1", str(10**30), "", " 1", "1.0", "٣", None])
def test_a_version_is_ascii_digits_and_bounded_or_nothing(typed: str | None) -> None:
    assert parse_version(typed) is None


def test_a_version_as_the_form_writes_it_is_read() -> None:
    assert parse_version("0") == 0
    assert parse_version("17") == 17


def test_a_hostile_version_is_refused_in_words_keeping_what_was_typed(
    site: MemberSite, body: MemberBody
) -> None:
    member = body.main.client
    base = new_draft(member, "Κοινόχρηστα ποδήλατα")
    words = translate("el", FORM_UNREAD)
    for version in ("abc", "²", "-1", str(10**30), ""):
        refused = send_form(
            member,
            f"{base}/edit",
            f"{base}/edit",
            {"languages": ["el"], "el.title": "Άλλος τίτλος", "version": version},
        )
        assert refused.status_code == 422, (version, refused.text)
        assert words.split(",")[0] in error_summary(refused.text), version
        assert 'value="Άλλος τίτλος"' in refused.text, "the form keeps what was typed"
    assert "Άλλος τίτλος" not in member.get(base).text, "nothing was saved"
    for path in (f"{base}/attachments/{'AB' * 32}", f"{base}/attachments/{'ab' * 31}"):
        assert member.get(path).status_code == 404, "not an attachment's key"


def test_a_body_not_an_active_member_is_told_so_and_loses_nothing_typed(
    site: MemberSite,
) -> None:
    """Its registration sent, its designation not checked: its representative signs in, but
    the observatory takes only active members (403 `not_active_member`)."""
    tax_id = fresh_tax_id()
    email = f"main.{uuid.uuid4().hex[:6]}@example.gov.gr"
    filled = form(tax_id, with_alternate=False)
    filled["main"]["email"] = email
    with site.api("registration", bearer("applicant", email, email=email)) as api:
        created = api.post("/registrations", json=filled)
    assert created.status_code == 201, created.text
    nominee = site.sign_in(email)

    listed = nominee.get("/my-body/practices")
    assert listed.status_code == 403, listed.text
    assert 'id="not-member"' in listed.text
    assert 'id="what-to-do"' in listed.text
    assert "/my-body/practices/new" not in listed.text, "no new practice is offered"
    asked = nominee.get("/my-body/practices/new")
    assert asked.status_code == 403
    assert 'id="not-member"' in asked.text
    assert 'name="el.title"' not in asked.text

    # A form posted anyway (a page kept open): refused in words, what was typed kept.
    typed = "Μια πρακτική που γράφτηκε πριν από τη λήξη"
    token = csrf_token(listed.text)
    refused = nominee.post(
        "/my-body/practices/new",
        data={"csrf_token": token, "languages": ["el"], "el.title": typed, "el.overview": OVERVIEW},
    )
    assert refused.status_code == 403, refused.text
    summary = error_summary(refused.text)
    assert "ο φορέας σας δεν είναι τώρα" in summary
    assert f'value="{typed}"' in refused.text
    assert "Λειτουργεί από το 2023." in refused.text
