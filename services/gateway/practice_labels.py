"""The words of a good practice's values and fields (OPSI's case form), in one place.

Each value of `contracts.observatory` (stage, innovation facet, sector) and each level of
government has its msgid here, and so has each field of `PracticeTexts` (its heading on the
practice's public page, its label on the members' form). The public pages and the members'
and the unit's practice pages read them from here: `label(language, STAGE_NAMES, value)`.
"""

from __future__ import annotations

from typing import Final

from contracts.observatory import Facet, PracticeTexts, Sector, Stage
from services.gateway.activity_views import LEVEL_NAMES
from services.gateway.i18n import N_, Language, translate

__all__ = [
    "FACET_NAMES",
    "FIELD_NAMES",
    "LEVEL_NAMES",
    "PRACTICE_LANGUAGE_NAMES",
    "SECTOR_NAMES",
    "STAGE_NAMES",
    "TEXT_FIELDS",
    "choices",
    "label",
]

STAGE_NAMES: Final[dict[str, str]] = {
    Stage.IDENTIFYING_PROBLEMS: N_("Identifying or discovering problems"),
    Stage.GENERATING_IDEAS: N_("Generating ideas"),
    Stage.DEVELOPING_PROPOSALS: N_("Developing proposals"),
    Stage.IMPLEMENTATION: N_("Implementation"),
    Stage.EVALUATION: N_("Evaluation"),
    Stage.DIFFUSING_LESSONS: N_("Diffusing lessons"),
}
"""OPSI's innovation life-cycle stages, in their order."""

FACET_NAMES: Final[dict[str, str]] = {
    Facet.ENHANCEMENT: N_("Enhancement-oriented innovation"),
    Facet.MISSION_ORIENTED: N_("Mission-oriented innovation"),
    Facet.ADAPTIVE: N_("Adaptive innovation"),
    Facet.ANTICIPATORY: N_("Anticipatory innovation"),
}
"""OPSI's innovation facets (its portfolio of four)."""

SECTOR_NAMES: Final[dict[str, str]] = {
    Sector.PUBLIC_ADMINISTRATION_REFORM: N_("Public administration reform"),
    Sector.DIGITALISATION: N_("Information society and digital government"),
    Sector.HEALTH: N_("Health"),
    Sector.EDUCATION: N_("Education"),
    Sector.SOCIAL_PROTECTION: N_("Social protection"),
    Sector.EMPLOYMENT: N_("Employment"),
    Sector.ECONOMIC_AFFAIRS: N_("Economic affairs"),
    Sector.ENVIRONMENT: N_("Environment"),
    Sector.ENERGY: N_("Energy"),
    Sector.TRANSPORT: N_("Transport"),
    Sector.HOUSING_URBAN_DEVELOPMENT: N_("Housing and urban development"),
    Sector.PUBLIC_ORDER_JUSTICE: N_("Public order and justice"),
    Sector.CULTURE_TOURISM_SPORT: N_("Culture, tourism and sport"),
}
"""OPSI's thirteen primary sectors."""

PRACTICE_LANGUAGE_NAMES: Final[dict[str, str]] = {"el": N_("Greek"), "en": N_("English")}
"""The languages a practice is written in, named in the page's language."""

FIELD_NAMES: Final[dict[str, str]] = {
    "title": N_("Title"),
    "short_explanation": N_("Short explanation"),
    "overview": N_("Overview"),
    "innovativeness": N_("What makes it innovative"),
    "stage_status": N_("Where it stands now"),
    "collaborations": N_("Collaborations and partners"),
    "users_beneficiaries": N_("Users and beneficiaries"),
    "results_impact": N_("Results and impact"),
    "challenges": N_("Challenges"),
    "conditions_for_success": N_("Conditions for success"),
    "replication": N_("Replication"),
    "lessons_learned": N_("Lessons learned"),
    "stage": N_("Innovation stage"),
    "facets": N_("Innovation facets"),
    "sector": N_("Primary sector"),
    "level": N_("Level of government"),
    "year_launched": N_("Year launched"),
    "tags": N_("Tags"),
    "websites": N_("Websites"),
    "attachments": N_("Attachments"),
}
"""Each field of a practice (the texts of `PracticeTexts` and the others), as OPSI names it."""

TEXT_FIELDS: Final[tuple[str, ...]] = tuple(
    name for name in PracticeTexts.model_fields if name != "title"
)
"""The texts below a practice's title, in the order OPSI's case form asks for them."""


def label(language: Language, names: dict[str, str], value: str) -> str:
    """`value` in `language` by `names`; a value this gateway does not know yet as it is."""
    msgid = names.get(value)
    return translate(language, msgid) if msgid else value


def choices(language: Language, names: dict[str, str]) -> list[tuple[str, str]]:
    """(value, words) of every value of `names`, in its order: a form's options."""
    return [(str(value), translate(language, msgid)) for value, msgid in names.items()]
