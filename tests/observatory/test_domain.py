"""The observatory's rules, in memory: a practice from draft to decision, and what is refused."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, cast

import pytest
from pydantic import ValidationError

from contracts import observatory as contract
from contracts.errors import ErrorCode
from contracts.events import ContractEvent
from contracts.observatory import (
    EDITABLE,
    REQUIRED_TEXTS,
    WITHDRAWABLE,
    Attachment,
    PracticeStatus,
    PracticeTexts,
    text_max_length,
)
from contracts.registration import Language, Level
from services.observatory.application import ObservatoryApplication
from services.observatory.domain import (
    HistoryWhat,
    Practice,
    PracticeIncomplete,
    Representative,
)
from services.observatory.models import PracticeDraft, PracticeEdit
from services.observatory.publishing import to_contract
from services.runtime.errors import Conflict, DomainError, NotAllowed, NotFound, RuleBroken

BODY = "094014201"
OTHER_BODY = "090153025"
UNIT = "staff-0123456789abcdef0123"


def representative(body_id: str = BODY, active: bool = True) -> Representative:
    return Representative(uuid.uuid4(), body_id, "Δήμος Παραδείγματος", Level.LOCAL, active)


def texts(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Ψηφιακό γκισέ",
        "short_explanation": "Οι πολίτες εξυπηρετούνται από το σπίτι.",
        "overview": "Μια υπηρεσία βιντεοκλήσης για κάθε αίτηση.\nΧωρίς ουρές.",
        "innovativeness": "Πρώτη φορά σε δήμο.",
        **overrides,
    }


def complete(**overrides: Any) -> dict[str, Any]:
    return {
        "languages": ["el"],
        "texts": {"el": texts()},
        "stage": "implementation",
        "facets": ["enhancement"],
        "sector": "digitalisation",
        "year_launched": 2024,
        "tags": ["Βιντεοκλήση", "εξυπηρέτηση", "  Ψηφιακό   Κράτος "],
        "websites": ["https://example.gov.gr/gkise"],
        **overrides,
    }


def draft(**fields: Any) -> PracticeDraft:
    return PracticeDraft.model_validate(
        fields or {"languages": ["el"], "texts": {"el": {"title": "Τίτλος"}}}
    )


def refused(error: pytest.ExceptionInfo[DomainError], code: ErrorCode) -> dict[str, object]:
    assert error.value.code is code
    return error.value.params


def published(app: ObservatoryApplication, practice_id: uuid.UUID) -> list[ContractEvent | None]:
    """The contract events of the practice's stored events (None: not published)."""
    return [to_contract(cast("Any", e)) for e in app.events.get(practice_id)]


@pytest.fixture
def app() -> ObservatoryApplication:
    return ObservatoryApplication()


def submitted(app: ObservatoryApplication, author: Representative) -> Practice:
    practice = app.draft(author, PracticeDraft.model_validate(complete()).content())
    app.submit(practice.id, author, practice.version)
    return app.practice(practice.id)


# Drafting and editing.


def test_a_partial_draft_of_an_active_member_is_their_bodys(app: ObservatoryApplication) -> None:
    author = representative()
    practice = app.draft(author, draft().content())
    stored = app.practice(practice.id)
    assert (stored.body_id, stored.author_id, stored.status) == (
        BODY,
        author.representative_id,
        PracticeStatus.DRAFT,
    )
    assert stored.version == 1
    assert stored.missing() == [
        "texts.el.short_explanation",
        "texts.el.overview",
        "texts.el.innovativeness",
        "stage",
        "facets",
        "sector",
        "year_launched",
        "tags",
    ]


def test_a_draft_needs_a_title(app: ObservatoryApplication) -> None:
    with pytest.raises(RuleBroken) as error:
        app.draft(representative(), draft(languages=["en"], texts={"en": {}}).content())
    assert error.value.code is ErrorCode.MISSING
    assert error.value.field == "texts.en.title"


@pytest.mark.parametrize("who", [None, representative(active=False)])
def test_only_an_active_member_drafts(
    app: ObservatoryApplication, who: Representative | None
) -> None:
    with pytest.raises(NotAllowed) as error:
        app.draft(who, draft().content())
    assert error.value.code is ErrorCode.NOT_ACTIVE_MEMBER


def test_the_bodys_other_representative_edits_on_the_version_read(
    app: ObservatoryApplication,
) -> None:
    author, other = representative(), representative()
    practice = app.draft(author, draft().content())
    edit = PracticeDraft.model_validate(complete()).content()
    assert app.edit(practice.id, other, edit, 1) == 2
    with pytest.raises(Conflict) as error:
        app.edit(practice.id, author, edit, 1)
    assert refused(error, ErrorCode.PRACTICE_CHANGED) == {"version": 2}
    assert error.value.field == "version"
    stored = app.practice(practice.id)
    assert stored.author_id == author.representative_id
    assert stored.content == edit
    assert [s.what for s in stored.history] == [HistoryWhat.DRAFTED, HistoryWhat.EDITED]


def test_another_bodys_member_and_one_who_left_may_not_edit(app: ObservatoryApplication) -> None:
    author = representative()
    practice = app.draft(author, draft().content())
    with pytest.raises(NotAllowed) as error:
        app.edit(practice.id, representative(OTHER_BODY), draft().content(), 1)
    assert error.value.code is ErrorCode.NOT_THE_BODYS
    left = Representative(author.representative_id, BODY, "Δήμος", Level.LOCAL, active=False)
    commands: tuple[Callable[[], object], ...] = (
        lambda: app.edit(practice.id, left, draft().content(), 1),
        lambda: app.submit(practice.id, left, 1),
        lambda: app.withdraw(practice.id, left, "Λάθος"),
    )
    for command in commands:
        with pytest.raises(NotAllowed) as error:
            command()
        assert error.value.code is ErrorCode.NOT_ACTIVE_MEMBER
    assert app.practice(practice.id).author_id == author.representative_id


def test_an_unknown_practice_is_not_found(app: ObservatoryApplication) -> None:
    with pytest.raises(NotFound) as error:
        app.publish(uuid.uuid4(), "Καλό", UNIT)
    assert error.value.code is ErrorCode.PRACTICE_NOT_FOUND


# Submission.


def test_an_incomplete_submission_names_every_missing_field(app: ObservatoryApplication) -> None:
    author = representative()
    partial = complete(
        languages=["el", "en"],
        texts={"el": texts(overview=None), "en": {"title": "Digital desk"}},
        facets=[],
        tags=["ένα", "δύο"],
    )
    practice = app.draft(author, PracticeDraft.model_validate(partial).content())
    with pytest.raises(PracticeIncomplete) as error:
        app.submit(practice.id, author, 1)
    assert error.value.code is ErrorCode.PRACTICE_INCOMPLETE
    assert error.value.fields == [
        "texts.el.overview",
        "texts.en.short_explanation",
        "texts.en.overview",
        "texts.en.innovativeness",
        "facets",
        "tags",
    ]
    assert app.practice(practice.id).status is PracticeStatus.DRAFT


def test_the_whole_review_cycle_to_publication(app: ObservatoryApplication) -> None:
    author, other = representative(), representative()
    practice = submitted(app, author)
    assert practice.status is PracticeStatus.SUBMITTED
    with pytest.raises(Conflict) as error:
        app.edit(practice.id, author, draft().content(), practice.version)
    assert refused(error, ErrorCode.PRACTICE_NOT_EDITABLE) == {"status": "submitted"}

    version = app.request_changes(practice.id, "Προσθέστε αποτελέσματα.", UNIT, practice.version)
    version = app.edit(
        practice.id,
        other,
        PracticeDraft.model_validate(
            complete(texts={"el": texts(results_impact="Μισές ουρές.")})
        ).content(),
        version,
    )
    app.submit(practice.id, other, version)
    app.publish(practice.id, "Δημοσιεύεται.", UNIT)
    now = app.practice(practice.id)
    assert now.status is PracticeStatus.PUBLISHED
    assert [(s.what, s.decided_by) for s in now.history] == [
        (HistoryWhat.DRAFTED, None),
        (HistoryWhat.SUBMITTED, None),
        (HistoryWhat.CHANGES_REQUESTED, UNIT),
        (HistoryWhat.EDITED, None),
        (HistoryWhat.SUBMITTED, None),
        (HistoryWhat.PUBLISHED, UNIT),
    ]

    events = published(app, practice.id)
    assert [type(e).__name__ for e in events] == [
        "PracticeDrafted",
        "PracticeSubmitted",
        "PracticeChangesRequested",
        "PracticeEdited",
        "PracticeSubmitted",
        "PracticePublished",
    ]
    drafted, first, _, edited, second, publication = events
    assert isinstance(drafted, contract.PracticeDrafted)
    assert (drafted.title, drafted.body_name, drafted.languages) == (
        "Ψηφιακό γκισέ",
        "Δήμος Παραδείγματος",
        ["el"],
    )
    assert isinstance(edited, contract.PracticeEdited)
    assert edited.editor_id == other.representative_id
    assert isinstance(first, contract.PracticeSubmitted)
    assert isinstance(second, contract.PracticeSubmitted)
    assert (first.resubmission, second.resubmission) == (False, True)
    assert isinstance(publication, contract.PracticePublished)
    record = publication.practice
    assert publication.decided_by == UNIT
    assert (record.body_name, record.level, record.first_published_at) == (
        "Δήμος Παραδείγματος",
        Level.LOCAL,
        record.published_at,
    )
    assert record.texts[Language.GREEK].results_impact == "Μισές ουρές."
    assert record.tags == ["βιντεοκλήση", "εξυπηρέτηση", "ψηφιακό κράτος"]


def test_decisions_only_in_their_state(app: ObservatoryApplication) -> None:
    author = representative()
    practice = app.draft(author, draft().content())
    for decide in (app.request_changes, app.publish, app.reject, app.archive):
        with pytest.raises(Conflict) as error:
            decide(practice.id, "Σχόλιο", UNIT)
        assert refused(error, ErrorCode.PRACTICE_WRONG_STATUS) == {"status": "draft"}
    reviewed = submitted(app, author)
    with pytest.raises(Conflict) as error:
        app.archive(reviewed.id, "Σχόλιο", UNIT)
    assert refused(error, ErrorCode.PRACTICE_WRONG_STATUS) == {"status": "submitted"}
    with pytest.raises(Conflict) as error:
        app.reject(reviewed.id, "Σχόλιο", UNIT, version=reviewed.version - 1)
    assert error.value.code is ErrorCode.PRACTICE_CHANGED
    app.reject(reviewed.id, "Εκτός θέματος.", UNIT, version=reviewed.version)
    rejected = app.practice(reviewed.id)
    assert rejected.status is PracticeStatus.REJECTED
    commands: tuple[Callable[[], object], ...] = (
        lambda: app.publish(reviewed.id, "Σχόλιο", UNIT),
        lambda: app.withdraw(reviewed.id, author, "Λόγος"),
    )
    for command in commands:
        with pytest.raises(Conflict) as error:
            command()
        assert refused(error, ErrorCode.PRACTICE_WRONG_STATUS) == {"status": "rejected"}


def test_a_published_practice_is_archived_or_withdrawn(app: ObservatoryApplication) -> None:
    author = representative()
    archived, withdrawn = submitted(app, author), submitted(app, author)
    for practice in (archived, withdrawn):
        app.publish(practice.id, "Δημοσιεύεται.", UNIT)
    app.archive(archived.id, "Παλιό.", UNIT)
    assert app.practice(archived.id).status is PracticeStatus.ARCHIVED
    with pytest.raises(NotAllowed):
        app.withdraw(withdrawn.id, representative(OTHER_BODY), "Όχι δικό μας.")
    app.withdraw(withdrawn.id, author, "Καταργήθηκε.")
    gone = app.practice(withdrawn.id)
    assert gone.status is PracticeStatus.WITHDRAWN
    assert gone.history[-1].comment == "Καταργήθηκε."
    with pytest.raises(Conflict) as error:
        app.archive(withdrawn.id, "Σχόλιο", UNIT)
    assert error.value.code is ErrorCode.PRACTICE_WRONG_STATUS


@pytest.mark.parametrize("status", ["draft", "submitted", "changes_requested"])
def test_the_body_withdraws_before_a_decision(app: ObservatoryApplication, status: str) -> None:
    author = representative()
    practice = app.draft(author, draft().content()) if status == "draft" else submitted(app, author)
    if status == "changes_requested":
        app.request_changes(practice.id, "Λίγο ακόμα.", UNIT)
    app.withdraw(practice.id, author, "Δεν ισχύει πια.")
    assert app.practice(practice.id).status is PracticeStatus.WITHDRAWN


# Attachments.


def attachment(n: int) -> Attachment:
    return Attachment(sha256=f"{n:064x}", media_type="image/png", size=10, filename=f"{n}.png")


def test_attachments_while_editable_ten_at_most(app: ObservatoryApplication) -> None:
    author = representative()
    practice = app.draft(author, PracticeDraft.model_validate(complete()).content())
    for n in range(10):
        app.attach(practice.id, author.representative_id, BODY, attachment(n))
    version = app.attach(practice.id, author.representative_id, BODY, attachment(0))
    assert version == 11  # the same again changes nothing
    with pytest.raises(RuleBroken) as error:
        app.attach(practice.id, author.representative_id, BODY, attachment(10))
    assert (error.value.code, error.value.field) == (ErrorCode.TOO_LONG, "attachments")
    with pytest.raises(NotAllowed):
        app.attach(practice.id, author.representative_id, OTHER_BODY, attachment(11))
    app.detach(practice.id, author.representative_id, BODY, attachment(3).sha256)
    with pytest.raises(NotFound) as missing:
        app.detach(practice.id, author.representative_id, BODY, attachment(3).sha256)
    assert missing.value.code is ErrorCode.ATTACHMENT_NOT_FOUND
    app.submit(practice.id, author, app.practice(practice.id).version)
    with pytest.raises(Conflict):
        app.attach(practice.id, author.representative_id, BODY, attachment(3))
    app.publish(practice.id, "Ναι.", UNIT)
    record = published(app, practice.id)[-1]
    assert isinstance(record, contract.PracticePublished)
    assert len(record.practice.attachments) == 9


# The request models.


def test_the_draft_limits_are_the_contracts() -> None:
    # OPSI's limits, written out: the helper the gateway shares reads them from the contract.
    assert {name: text_max_length(name) for name in PracticeTexts.model_fields} == {
        "title": 200,
        "short_explanation": 500,
        "overview": 5000,
        "innovativeness": 1000,
        "stage_status": 1000,
        "collaborations": 2000,
        "users_beneficiaries": 2000,
        "results_impact": 3000,
        "challenges": 2000,
        "conditions_for_success": 2000,
        "replication": 2000,
        "lessons_learned": 2000,
    }
    assert REQUIRED_TEXTS == ("title", "short_explanation", "overview", "innovativeness")
    assert {PracticeStatus.DRAFT, PracticeStatus.CHANGES_REQUESTED} == EDITABLE
    assert PracticeStatus.PUBLISHED in WITHDRAWABLE
    assert PracticeStatus.REJECTED not in WITHDRAWABLE
    too_long = "α" * (text_max_length("short_explanation") + 1)
    with pytest.raises(ValidationError) as error:
        PracticeDraft.model_validate(complete(texts={"el": texts(short_explanation=too_long)}))
    (problem,) = error.value.errors()
    assert problem["type"] == "string_too_long"
    assert problem["loc"] == ("texts", "el", "short_explanation")


@pytest.mark.parametrize("field", ["title", "overview", "lessons_learned"])
def test_an_email_address_in_any_text_is_refused_naming_it(field: str) -> None:
    with pytest.raises(ValidationError) as error:
        PracticeDraft.model_validate(
            complete(texts={"el": texts(**{field: "Γράψτε στο info@dimos.gov.gr για όλα"})})
        )
    (problem,) = error.value.errors()
    assert problem["type"] == "email_in_text"
    assert problem["loc"] == ("texts", "el", field)


def test_texts_in_exactly_the_languages() -> None:
    with pytest.raises(ValidationError) as error:
        PracticeDraft.model_validate(complete(languages=["el", "en"]))
    (problem,) = error.value.errors()
    assert (problem["type"], problem["loc"]) == ("texts_languages", ("texts",))
    assert problem["ctx"] == {"languages": ["el", "en"]}


def test_tags_normalised_and_deduplicated_and_fields_bounded() -> None:
    model = PracticeDraft.model_validate(
        complete(
            tags=["  Καινοτομία ", "καινοτομία", "Open   Data"], facets=["adaptive", "adaptive"]
        )
    )
    assert model.tags == ["καινοτομία", "open data"]
    assert model.facets == ["adaptive"]
    assert (
        model.texts[Language.GREEK].overview
        == "Μια υπηρεσία βιντεοκλήσης για κάθε αίτηση.\nΧωρίς ουρές."
    )
    for bad, where in (
        ({"tags": ["x"]}, ("tags", 0)),
        ({"tags": ["İ" * 40]}, ("tags", 0)),  # longer once lowered
        ({"websites": ["ftp://example.gov.gr"]}, ("websites", 0)),
        ({"year_launched": 1800}, ("year_launched",)),
        ({"texts": {"el": texts(title="Γραμμή\nδεύτερη")}}, ("texts", "el", "title")),
    ):
        with pytest.raises(ValidationError) as error:
            PracticeDraft.model_validate(complete(**bad))
        assert error.value.errors()[0]["loc"] == where
    with pytest.raises(ValidationError) as error:
        PracticeEdit.model_validate(complete())
    assert error.value.errors()[0]["loc"] == ("version",)


def test_a_blank_text_is_one_not_filled_in() -> None:
    model = PracticeDraft.model_validate(complete(texts={"el": texts(overview="   ")}))
    assert model.texts[Language.GREEK].overview is None
    assert "overview" not in model.content().texts[Language.GREEK]
