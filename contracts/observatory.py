"""The events the observatory publishes: good practices from a member's draft to the catalogue.

A practice follows OPSI's case form (the OECD Observatory of Public Sector Innovation), so it
can be sent there as it is. Its texts are in Greek, English or both. `PracticePublished` carries
the whole public record: the catalogue, and any other ministry's copy of it, is a fold of the
topic. No event carries personal data: people are named by their representative ids only, the
texts refuse email addresses, and attachments are stripped of their metadata before they are
stored.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar, Final
from uuid import UUID

from annotated_types import MaxLen
from pydantic import AwareDatetime, Field, HttpUrl

from contracts.events import ContractEvent, ContractModel
from contracts.registration import Language, Level, Sha256Hex, TaxId

LICENCE = "CC-BY-4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
"""The open licence of the published catalogue, stated in every export and the feed."""

MIN_TAGS = 3
MAX_TAGS = 20
MAX_WEBSITES = 10
MAX_ATTACHMENTS = 10

Comment = Annotated[str, Field(min_length=1, max_length=2000)]
"""A reviewer's comment on a decision, or an author's reason for a withdrawal."""
Tag = Annotated[str, Field(min_length=2, max_length=40)]
"""A keyword, lower case, as the author wrote it (trimmed, spaces collapsed)."""
YearLaunched = Annotated[int, Field(ge=1950, le=2100)]


class Stage(StrEnum):
    """OPSI's innovation life-cycle stage the practice has reached."""

    IDENTIFYING_PROBLEMS = "identifying_problems"
    GENERATING_IDEAS = "generating_ideas"
    DEVELOPING_PROPOSALS = "developing_proposals"
    IMPLEMENTATION = "implementation"
    EVALUATION = "evaluation"
    DIFFUSING_LESSONS = "diffusing_lessons"


class Facet(StrEnum):
    """OPSI's innovation facets (portfolio): what kind of innovation it is."""

    ENHANCEMENT = "enhancement"
    MISSION_ORIENTED = "mission_oriented"
    ADAPTIVE = "adaptive"
    ANTICIPATORY = "anticipatory"


class Sector(StrEnum):
    """The primary sector (policy area) of the practice: OPSI's thirteen."""

    PUBLIC_ADMINISTRATION_REFORM = "public_administration_reform"
    DIGITALISATION = "digitalisation"
    """Information society and digital government."""
    HEALTH = "health"
    EDUCATION = "education"
    SOCIAL_PROTECTION = "social_protection"
    EMPLOYMENT = "employment"
    ECONOMIC_AFFAIRS = "economic_affairs"
    ENVIRONMENT = "environment"
    ENERGY = "energy"
    TRANSPORT = "transport"
    HOUSING_URBAN_DEVELOPMENT = "housing_urban_development"
    PUBLIC_ORDER_JUSTICE = "public_order_justice"
    CULTURE_TOURISM_SPORT = "culture_tourism_sport"


class PracticeStatus(StrEnum):
    """Where a practice stands in its life cycle."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    PUBLISHED = "published"
    REJECTED = "rejected"
    ARCHIVED = "archived"
    WITHDRAWN = "withdrawn"


class PracticeTexts(ContractModel):
    """A practice's texts in one language, with OPSI's limits (characters)."""

    title: str = Field(min_length=1, max_length=200)
    short_explanation: str = Field(min_length=1, max_length=500)
    overview: str = Field(min_length=1, max_length=5000)
    innovativeness: str = Field(min_length=1, max_length=1000)
    """What makes it innovative."""
    stage_status: str | None = Field(default=None, max_length=1000)
    """Where it stands now, in words, beside its stage."""
    collaborations: str | None = Field(default=None, max_length=2000)
    """Collaborations and partners."""
    users_beneficiaries: str | None = Field(default=None, max_length=2000)
    results_impact: str | None = Field(default=None, max_length=3000)
    challenges: str | None = Field(default=None, max_length=2000)
    conditions_for_success: str | None = Field(default=None, max_length=2000)
    replication: str | None = Field(default=None, max_length=2000)
    lessons_learned: str | None = Field(default=None, max_length=2000)


REQUIRED_TEXTS: Final = ("title", "short_explanation", "overview", "innovativeness")
"""The texts a submitted practice has in each of its languages."""

EDITABLE: Final = frozenset({PracticeStatus.DRAFT, PracticeStatus.CHANGES_REQUESTED})
"""The statuses in which the body edits a practice (and adds or removes attachments)."""
WITHDRAWABLE: Final = frozenset(
    {
        PracticeStatus.DRAFT,
        PracticeStatus.SUBMITTED,
        PracticeStatus.CHANGES_REQUESTED,
        PracticeStatus.PUBLISHED,
    }
)
"""The statuses from which the body withdraws a practice (a published one leaves the catalogue)."""


def text_max_length(name: str) -> int:
    """OPSI's limit (characters) of the text `name` of `PracticeTexts`, read from the model."""
    for constraint in PracticeTexts.model_fields[name].metadata:
        if isinstance(constraint, MaxLen):
            return int(constraint.max_length)
    raise LookupError(f"PracticeTexts.{name} has no max_length")


class Attachment(ContractModel):
    """An image or PDF of a practice, stored once by the SHA-256 of its cleaned bytes."""

    sha256: Sha256Hex
    media_type: str = Field(pattern=r"^(image/(png|jpeg|webp)|application/pdf)$")
    size: int = Field(gt=0)
    filename: str = Field(min_length=1, max_length=200)
    caption: str | None = Field(default=None, max_length=300)


class PublicPractice(ContractModel):
    """A published practice as the catalogue, its exports and other ministries see it."""

    practice_id: UUID
    body_id: TaxId
    body_name: str = Field(min_length=1)
    level: Level
    languages: list[Language] = Field(min_length=1, max_length=2)
    texts: dict[Language, PracticeTexts]
    """The texts in each of `languages`."""
    stage: Stage
    facets: list[Facet] = Field(min_length=1, max_length=4)
    sector: Sector
    year_launched: YearLaunched
    tags: list[Tag] = Field(min_length=MIN_TAGS, max_length=MAX_TAGS)
    websites: list[HttpUrl] = Field(default_factory=list, max_length=MAX_WEBSITES)
    """The practice's website and other pages about it."""
    attachments: list[Attachment] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)
    first_published_at: AwareDatetime
    published_at: AwareDatetime
    """When this version was published (a later publication replaces the earlier)."""


class ObservatoryEvent(ContractEvent):
    """An event of a practice (key: practice id)."""

    service: ClassVar[str] = "observatory"

    practice_id: UUID
    body_id: TaxId


class PracticeDrafted(ObservatoryEvent):
    """A member started a practice for their body."""

    level: Level
    author_id: UUID
    """The representative who started it; they keep authorship if they leave."""
    title: str = Field(min_length=1, max_length=200)
    drafted_at: AwareDatetime
    body_name: str | None = None
    """The body's name as the observatory knew it when the draft was started."""
    languages: list[Language] = Field(default_factory=list, max_length=2)
    """The languages the draft is written in so far."""


class PracticeEdited(ObservatoryEvent):
    """A representative of the body changed the draft (the texts stay in the service)."""

    editor_id: UUID
    title: str = Field(min_length=1, max_length=200)
    edited_at: AwareDatetime
    languages: list[Language] = Field(default_factory=list, max_length=2)
    """The languages the draft is written in now."""


class PracticeSubmitted(ObservatoryEvent):
    """The practice went to the innovation unit for review, every required field complete."""

    level: Level
    submitted_by: UUID
    title: str = Field(min_length=1, max_length=200)
    languages: list[Language] = Field(min_length=1, max_length=2)
    resubmission: bool
    """True when it comes back after changes were requested."""
    submitted_at: AwareDatetime


class PracticeChangesRequested(ObservatoryEvent):
    """The innovation unit sent it back to the body with what to change."""

    comment: Comment
    decided_by: str | None = None
    requested_at: AwareDatetime


class PracticePublished(ObservatoryEvent):
    """The innovation unit published it: the public record, under CC BY 4.0."""

    comment: Comment
    decided_by: str | None = None
    practice: PublicPractice


class PracticeRejected(ObservatoryEvent):
    """The innovation unit declined to publish it."""

    comment: Comment
    decided_by: str | None = None
    rejected_at: AwareDatetime


class PracticeArchived(ObservatoryEvent):
    """A published practice left the catalogue (kept in the history)."""

    comment: Comment
    decided_by: str | None = None
    archived_at: AwareDatetime


class PracticeWithdrawn(ObservatoryEvent):
    """The body withdrew it; a published one leaves the catalogue."""

    withdrawn_by: UUID
    reason: Comment
    withdrawn_at: AwareDatetime
