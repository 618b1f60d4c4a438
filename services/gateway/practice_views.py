"""A practice as the observatory answers its members and the innovation unit, and its words.

`GET /practices/{id}` answers a `PracticeView`: the body, the status, the version an edit
must carry, the draft (the current content), its attachments, its history and, for the
caller, whether they may edit it and what it still needs before it is sent. `GET /practices`
answers lines (`PracticeLine`). Unknown keys are ignored, so the service can add to them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from contracts.observatory import EDITABLE, WITHDRAWABLE
from services.gateway.i18n import N_, Language, translate
from services.gateway.practice_form import LANGUAGES, TEXTS, field_label, loc_field
from services.gateway.practice_labels import (
    FACET_NAMES,
    FIELD_NAMES,
    PRACTICE_LANGUAGE_NAMES,
    SECTOR_NAMES,
    STAGE_NAMES,
    label,
)

STATUS_NAMES: Final[dict[str, str]] = {
    "draft": N_("Draft"),
    "submitted": N_("Sent for review"),
    "changes_requested": N_("Returned for changes"),
    "published": N_("Published"),
    "rejected": N_("Not published"),
    "archived": N_("Archived"),
    "withdrawn": N_("Withdrawn"),
}
"""Each status as a tag says it (`rejected`: the unit declined to publish it)."""

STEP_NAMES: Final[dict[str, str]] = {
    "drafted": N_("Draft started"),
    "edited": N_("Draft changed"),
    "submitted": N_("Sent to the innovation unit for review"),
    "changes_requested": N_("The innovation unit asked for changes"),
    "published": N_("Published in the observatory's catalogue"),
    "rejected": N_("The innovation unit declined to publish it"),
    "archived": N_("Taken out of the catalogue by the innovation unit"),
    "withdrawn": N_("Withdrawn by the body"),
}
"""The steps of a history as the observatory writes them (its `HistoryWhat`), in words."""
OTHER_STEP: Final = N_("Changed")


class _Read(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class DraftRead(_Read):
    """The practice's content (a draft may be partial)."""

    languages: list[str] = Field(default_factory=list)
    texts: dict[str, dict[str, str | None]] = Field(default_factory=dict)
    stage: str | None = None
    facets: list[str] = Field(default_factory=list)
    sector: str | None = None
    year_launched: int | None = None
    tags: list[str] = Field(default_factory=list)
    websites: list[str] = Field(default_factory=list)

    def text(self, language: str, name: str) -> str:
        return (self.texts.get(language) or {}).get(name) or ""

    def title(self) -> str:
        """The title in the practice's first language that has one ("" when none does)."""
        return next((t for lang in self.languages if (t := self.text(lang, "title"))), "")


class AttachmentRead(_Read):
    sha256: str
    media_type: str
    size: int
    filename: str
    caption: str | None = None

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")


class Step(_Read):
    """One entry of the history: what happened, when, by whom (the unit's: who decided)."""

    what: str
    at: datetime
    by_role: str = ""
    comment: str | None = None
    decided_by: str | None = None


class PracticeView(_Read):
    practice_id: UUID
    body_id: str
    body_name: str
    level: str = ""
    status: str
    version: int
    author_id: UUID | None = None
    draft: DraftRead = Field(default_factory=DraftRead)
    attachments: list[AttachmentRead] = Field(default_factory=list)
    history: list[Step] = Field(default_factory=list)
    can_edit: bool = False
    missing: list[Any] = Field(default_factory=list)

    @property
    def title(self) -> str:
        return self.draft.title()

    @property
    def editable(self) -> bool:
        """Whether the practice is in a state that is edited (a draft or returned)."""
        return self.status in EDITABLE

    @property
    def withdrawable(self) -> bool:
        return self.status in WITHDRAWABLE

    def missing_fields(self) -> list[str]:
        """The form's fields the practice still needs before it is sent, in the form's order."""
        fields = [loc_field(item) for item in self.missing]
        return list(dict.fromkeys(field for field in fields if field))

    def latest_comment(self) -> Step | None:
        """The unit's last decision with a comment (the changes asked for, the reason)."""
        decided = [step for step in self.history if step.by_role == "admin" and step.comment]
        return decided[-1] if decided else None


class PracticeLine(_Read):
    """A line of `GET /practices`."""

    practice_id: UUID
    body_id: str = ""
    body_name: str = ""
    level: str = ""
    status: str
    title: str | None = None
    languages: list[str] = Field(default_factory=list)
    updated_at: datetime | None = None
    submitted_at: datetime | None = None


def status_name(status: str, language: Language) -> str:
    return label(language, STATUS_NAMES, status)


def step_name(what: str, language: Language) -> str:
    """An entry of the history in words ("PracticeChangesRequested" and "changes_requested"
    alike)."""
    key = what
    if any(char.isupper() for char in what):
        key = "".join(f"_{c.lower()}" if c.isupper() else c for c in what).lstrip("_")
    key = key.removeprefix("practice_")
    return translate(language, STEP_NAMES.get(key, OTHER_STEP))


LANGUAGE_PARTS: Final[dict[str, str]] = {
    "el": N_("The practice in Greek"),
    "en": N_("The practice in English"),
}
KIND_PART: Final = N_("What kind of innovation it is")


def content_parts(
    draft: DraftRead, language: Language, change: str | None = None
) -> list[tuple[str, list[dict[str, Any]]]]:
    """The practice's content as (heading msgid, `forms.summary_list` rows): its texts in each
    of its languages, then what kind of innovation it is. With `change` (the form's address)
    each row links to its field."""

    def row(field: str, key: str, value: Any) -> dict[str, Any]:
        found: dict[str, Any] = {"key": key, "value": value or "", "field": field}
        if change:
            found["href"] = f"{change}#{field.replace('.', '-').replace('_', '-')}"
            # The link's hidden words name the language too ("Τίτλος (ελληνικά)").
            found["change"] = field_label(field, language)
        return found

    def named(field: str) -> str:
        return translate(language, FIELD_NAMES.get(field, field))

    parts: list[tuple[str, list[dict[str, Any]]]] = []
    for code in LANGUAGES:
        if code in draft.languages:
            texts = [
                row(text.field(code), named(text.name), draft.text(code, text.name))
                for text in TEXTS
            ]
            parts.append((LANGUAGE_PARTS[code], texts))
    names = [label(language, PRACTICE_LANGUAGE_NAMES, code) for code in draft.languages]
    kind = [
        row("languages", translate(language, N_("Languages")), names),
        row("stage", named("stage"), label(language, STAGE_NAMES, draft.stage or "")),
        row("facets", named("facets"), [label(language, FACET_NAMES, f) for f in draft.facets]),
        row("sector", named("sector"), label(language, SECTOR_NAMES, draft.sector or "")),
        row("year_launched", named("year_launched"), str(draft.year_launched or "")),
        row("tags", named("tags"), ", ".join(draft.tags)),
        row("websites", named("websites"), list(draft.websites)),
    ]
    parts.append((KIND_PART, kind))
    return parts
