"""What the observatory's member and unit API accepts and answers.

A draft's texts have the limits of the contract's `PracticeTexts` (OPSI's), read from it so
they cannot drift; every text goes through the runtime's text type, and any text holding an
email address is refused naming its field, since the texts are published.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Final
from urllib.parse import unquote
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    HttpUrl,
    Strict,
    StrictInt,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticKnownError

from contracts.errors import ErrorCode
from contracts.observatory import (
    MAX_TAGS,
    MAX_WEBSITES,
    Attachment,
    Facet,
    PracticeStatus,
    Sector,
    Stage,
    YearLaunched,
    text_max_length,
)
from contracts.registration import Language, Level, TaxId
from services.observatory.domain import ByRole, Content, HistoryWhat
from services.runtime.errors import refusal
from services.runtime.paging import PageOf
from services.runtime.requests import RequestBody
from services.runtime.text import CleanText

MAX_TAG_LENGTH: Final = 40
"""The contract's `Tag` bound."""
EMAIL: Final = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")
"""Something written as an email address (`name@example.gov.gr`), anywhere in a text."""


def no_email(text: str) -> str:
    """A published text names no email address (a web page is linked instead)."""
    if EMAIL.search(text):
        raise refusal(ErrorCode.EMAIL_IN_TEXT, ErrorCode.EMAIL_IN_TEXT.meaning)
    return text


def no_personal_url(url: HttpUrl) -> HttpUrl:
    """A published website names no person: no user (`https://jane@host/`, a user and password)
    and no email address anywhere in it (its query, path or fragment, encoded or not)."""
    text = str(url)
    if url.username or url.password or EMAIL.search(text) or EMAIL.search(unquote(text)):
        raise refusal(
            ErrorCode.EMAIL_IN_TEXT,
            "A website is published: it names no email address and no user (user@host).",
        )
    return url


def tag(text: str) -> str:
    """A tag as kept: lower case, spaces collapsed (still within the contract's bounds).

    The one normalisation of a tag: the draft's tags and the catalogue's `tag` filter."""
    kept = " ".join(text.lower().split())
    if len(kept) > MAX_TAG_LENGTH:  # a few capitals grow when lowered ("İ" is two)
        raise PydanticKnownError("string_too_long", {"max_length": MAX_TAG_LENGTH})
    return kept


NoEmail = AfterValidator(no_email)

Title = Annotated[str, CleanText(max_length=text_max_length("title")), NoEmail]
ShortExplanation = Annotated[
    str, CleanText(max_length=text_max_length("short_explanation"), multiline=True), NoEmail
]
Overview = Annotated[
    str, CleanText(max_length=text_max_length("overview"), multiline=True), NoEmail
]
Innovativeness = Annotated[
    str, CleanText(max_length=text_max_length("innovativeness"), multiline=True), NoEmail
]
StageStatus = Annotated[
    str, CleanText(max_length=text_max_length("stage_status"), multiline=True), NoEmail
]
Collaborations = Annotated[
    str, CleanText(max_length=text_max_length("collaborations"), multiline=True), NoEmail
]
UsersBeneficiaries = Annotated[
    str, CleanText(max_length=text_max_length("users_beneficiaries"), multiline=True), NoEmail
]
ResultsImpact = Annotated[
    str, CleanText(max_length=text_max_length("results_impact"), multiline=True), NoEmail
]
Challenges = Annotated[
    str, CleanText(max_length=text_max_length("challenges"), multiline=True), NoEmail
]
ConditionsForSuccess = Annotated[
    str, CleanText(max_length=text_max_length("conditions_for_success"), multiline=True), NoEmail
]
Replication = Annotated[
    str, CleanText(max_length=text_max_length("replication"), multiline=True), NoEmail
]
LessonsLearned = Annotated[
    str, CleanText(max_length=text_max_length("lessons_learned"), multiline=True), NoEmail
]

Tag = Annotated[
    str, CleanText(min_length=2, max_length=MAX_TAG_LENGTH), AfterValidator(tag), NoEmail
]
Website = Annotated[HttpUrl, CleanText(max_length=2000), AfterValidator(no_personal_url)]
Comment = Annotated[str, CleanText(min_length=1, max_length=2000, multiline=True)]
Version = Annotated[StrictInt, Field(ge=1, description="The practice's version read")]
Year = Annotated[YearLaunched, Strict()]
"""The contract's year, strict like every number a request carries: 2020, never "2020"."""


class DraftTexts(RequestBody):
    """A practice's texts in one language; in a draft each may still be missing."""

    title: Title | None = None
    short_explanation: ShortExplanation | None = None
    overview: Overview | None = None
    innovativeness: Innovativeness | None = None
    stage_status: StageStatus | None = None
    collaborations: Collaborations | None = None
    users_beneficiaries: UsersBeneficiaries | None = None
    results_impact: ResultsImpact | None = None
    challenges: Challenges | None = None
    conditions_for_success: ConditionsForSuccess | None = None
    replication: Replication | None = None
    lessons_learned: LessonsLearned | None = None

    @model_validator(mode="before")
    @classmethod
    def blank_is_missing(cls, data: Any) -> Any:
        """A field left blank is one not filled in yet (a form sends it empty)."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}
        return data


class PracticeDraft(RequestBody):
    """A practice as its body writes it: partial while a draft."""

    languages: list[Language] = Field(min_length=1, max_length=2)
    texts: dict[Language, DraftTexts] = Field(default_factory=dict)
    """The texts in each of `languages`, exactly."""
    stage: Stage | None = None
    facets: list[Facet] = Field(default_factory=list, max_length=len(Facet))
    sector: Sector | None = None
    year_launched: Year | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS)
    websites: list[Website] = Field(default_factory=list, max_length=MAX_WEBSITES)

    @field_validator("languages", "facets", "tags")
    @classmethod
    def drop_duplicates(cls, values: list[Any]) -> list[Any]:
        """Each once, in the order first given."""
        return list(dict.fromkeys(values))

    @field_validator("texts")
    @classmethod
    def check_texts_languages(
        cls, texts: dict[Language, DraftTexts], info: ValidationInfo
    ) -> dict[Language, DraftTexts]:
        """The texts are given in exactly the practice's languages."""
        languages = info.data.get("languages")
        if languages is not None and set(texts) != set(languages):
            raise refusal(
                ErrorCode.TEXTS_LANGUAGES,
                "The texts are given in exactly the practice's languages: {languages}",
                languages=[language.value for language in dict.fromkeys(languages)],
            )
        return texts

    def content(self) -> Content:
        """The draft as the domain keeps it."""
        return Content(
            languages=tuple(self.languages),
            texts={
                language: self.texts[language].model_dump(exclude_none=True)
                for language in self.languages
                if language in self.texts
            },
            stage=self.stage,
            facets=tuple(self.facets),
            sector=self.sector,
            year_launched=self.year_launched,
            tags=tuple(self.tags),
            websites=tuple(str(url) for url in self.websites),
        )

    @classmethod
    def of(cls, content: Content) -> PracticeDraft:
        """The draft a practice's content is."""
        return cls.model_validate(
            {
                **content.recorded(),
                "texts": {
                    language.value: dict(content.texts.get(language, {}))
                    for language in content.languages
                },
            }
        )


class PracticeEdit(PracticeDraft):
    """A new content of the draft, made on the version read."""

    version: Version


class VersionRead(RequestBody):
    """The version of the practice the command was made on."""

    version: Version


class Withdrawal(RequestBody):
    """Why the body withdraws its practice."""

    reason: Comment


class Decision(RequestBody):
    """The innovation unit's comment on its decision, optionally on the version it read."""

    comment: Comment
    version: Version | None = None


class Drafted(BaseModel):
    """A new practice."""

    practice_id: UUID
    version: int


class Versioned(BaseModel):
    """The practice's version after the command."""

    version: int


class HistoryEntry(BaseModel):
    """A step of a practice's history, oldest first."""

    what: HistoryWhat
    at: datetime
    by_role: ByRole
    comment: str | None = None
    """A decision's comment, or the reason of a withdrawal."""
    decided_by: str | None = None
    """The subject of the unit member who decided: shown to the unit only."""


class PracticeView(BaseModel):
    """A practice as its body and the innovation unit see it."""

    practice_id: UUID
    body_id: TaxId
    body_name: str
    level: Level
    status: PracticeStatus
    version: int
    author_id: UUID
    draft: PracticeDraft
    """The current content."""
    attachments: list[Attachment]
    history: list[HistoryEntry]
    can_edit: bool
    """Whether the caller may edit it now."""
    missing: list[str]
    """The fields (as `texts.el.overview`) still needed to submit."""


class PracticeSummary(BaseModel):
    """A practice in a list."""

    practice_id: UUID
    body_id: str
    body_name: str
    level: Level
    status: PracticeStatus
    title: str
    languages: list[Language]
    updated_at: datetime
    submitted_at: datetime | None = None


class PracticePage(PageOf[PracticeSummary]):
    """A page of practices: the review queue oldest submitted first, others newest first."""
