"""A practice's attachments for its body: upload, remove, read back.

An upload is checked and cleaned by its content (`attachments.clean_attachment`), stored once
by the SHA-256 of the cleaned bytes, then added to the practice. The body limit bounds the
request before anything reads it; the size check refuses a file past 10 MiB by name. The
public copy of a published practice's attachment is the catalogue's route.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, File, Form, UploadFile, status
from fastapi.responses import Response

from contracts.errors import ErrorCode
from contracts.observatory import Attachment
from contracts.registration import Sha256Hex
from services.observatory import views
from services.observatory.access import (
    ActiveRepresentative,
    App,
    MemberOrAdmin,
    MembersIndex,
    representative_of,
)
from services.observatory.api import attachment_links
from services.observatory.attachments import Files, attachment_response, clean_attachment
from services.observatory.models import NoEmail
from services.runtime.errors import NotFound
from services.runtime.openapi_links import linked_response
from services.runtime.text import CleanText

router = APIRouter(tags=["attachments"])

Caption = Annotated[str, CleanText(max_length=300), NoEmail]
"""Published with the practice, so an email address in it is refused (422 email_in_text)."""


@router.post(
    "/practices/{practice_id}/attachments",
    status_code=status.HTTP_201_CREATED,
    responses=linked_response(
        status.HTTP_201_CREATED,
        **attachment_links("$request.path.practice_id", "$response.body#/sha256"),
    ),
)
def add_attachment(
    practice_id: UUID,
    app: App,
    member: ActiveRepresentative,
    files: Files,
    file: Annotated[
        UploadFile, File(description="A PNG, JPEG or WebP image or a PDF, at most 10 MiB")
    ],
    caption: Annotated[Caption | None, Form()] = None,
) -> Attachment:
    """Attach an image or PDF to an editable practice of the member's body (cleaned first)."""
    practice = app.practice(practice_id)
    practice.check_body_id(member.body_id)
    practice.check_editable()
    # A plain `def` route runs in the thread pool: the spooled file's read stays off the loop.
    cleaned = clean_attachment(file.file.read())
    attachment = Attachment(
        sha256=cleaned.sha256,
        media_type=cleaned.media_type,
        size=cleaned.size,
        # Not the uploader's name (`file.filename`), which may name a person: see CleanedFile.
        filename=cleaned.filename,
        caption=caption,
    )
    # Stored before the event naming it: a crash between leaves a file nobody refers to.
    files.keep(cleaned)
    app.attach(practice_id, member.representative_id, member.body_id, attachment)
    return attachment


@router.delete(
    "/practices/{practice_id}/attachments/{sha256}", status_code=status.HTTP_204_NO_CONTENT
)
def remove_attachment(
    practice_id: UUID, sha256: Sha256Hex, app: App, member: ActiveRepresentative
) -> Response:
    """Remove an attachment of an editable practice of the member's body."""
    app.detach(practice_id, member.representative_id, member.body_id, sha256)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/practices/{practice_id}/attachments/{sha256}", response_class=Response)
def read_attachment(
    practice_id: UUID,
    sha256: Sha256Hex,
    app: App,
    principal: MemberOrAdmin,
    members: MembersIndex,
    files: Files,
) -> Response:
    """The bytes of an attachment, for whoever may read the practice (`views.may_read`)."""
    practice = app.practice(practice_id)
    if not views.may_read(practice, principal, representative_of(principal, members)):
        # The practice's own rule: another body's member, or one who left, learns nothing.
        raise NotFound(ErrorCode.PRACTICE_NOT_FOUND, "No practice with that id.")
    attachment = practice.attachments.get(sha256)
    stored = files.get(sha256) if attachment else None
    if attachment is None or stored is None:
        raise NotFound(ErrorCode.ATTACHMENT_NOT_FOUND, "No attachment with that SHA-256 here.")
    return attachment_response(stored.content, attachment.media_type, sha256)
