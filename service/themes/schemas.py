"""API shapes of names and themes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from service.pain_points.schemas import ScoreOut


class NameLanguage(BaseModel):
    """The language pain point and theme names are shown in; null = the majority language of the data."""

    model_config = ConfigDict(extra="forbid")

    language: Literal["fr", "en"] | None = Field(default=None, description="`fr`, `en`, or null")


class ThemePainPoint(BaseModel):
    id: str = Field(description="Pain point id (`GET /v1/pain-points/{id}`).")
    name: str = Field(description="Its natural name in the workspace's language.")
    label: str = Field(description="Its short label (keyphrases, or set by a person).")
    priority: float = Field(description="Its priority score, 0 to 1.")
    items: int = Field(description="Feedback items that mention it (under the filters).")


class ThemeOut(BaseModel):
    id: str = Field(description="Theme id (stable across re-analyses).")
    kind: Literal["pain", "opportunity"] = Field(
        description="`pain` (groups irritants) or `opportunity` (groups praised things)."
    )
    name: str = Field(
        description="A person's name when renamed (`name_edited`); else in the workspace's language when the "
        "theme has feedback in it, with the other language's name after ' / ' when both are present"
    )
    name_edited: bool = Field(
        default=False, description="True when a person renamed it; kept through re-analysis"
    )
    names: dict[str, str] = Field(description="Name per language the theme has feedback in")
    items: int = Field(description="Feedback items mentioning any of its pain points (under the filters)")
    units: int = Field(description="Opinion units of its pain points (under the filters).")
    mean_sentiment: float | None = Field(
        description="Mean sentiment score of its units, −1 to 1; null when none is scored."
    )
    stage_mix: dict[str, float] = Field(description="Share of its opinion units per journey stage")
    pain_points: list[ThemePainPoint] = Field(description="Its pain points, highest priority first")
    score: ScoreOut | None = Field(
        description="The pain point priority score, computed over the theme's units; null only when a "
        "renamed theme has no pain point with mentions left"
    )


class ThemePatch(BaseModel):
    """A person's name for a theme; it wins over the generated names and survives re-analysis."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=300, description="New name (not blank).")

    @field_validator("name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be blank")
        return value


THEME_PATCH_EXAMPLES: dict[str, dict[str, Any]] = {
    "rename_fr": {"summary": "Renommer un thème", "value": {"name": "Remboursements et avoirs"}},
    "rename_en": {"summary": "Rename a theme", "value": {"name": "Refunds and credit notes"}},
}


class ThemePage(BaseModel):
    total: int = Field(description="Number of themes.")
    items: list[ThemeOut] = Field(description="Themes, highest priority first.")


NAME_LANGUAGE_EXAMPLES: dict[str, dict[str, Any]] = {
    "french_fr": {"summary": "Noms des points de douleur en français", "value": {"language": "fr"}},
    "english_en": {"summary": "Pain point names in English", "value": {"language": "en"}},
    "data_en": {"summary": "Names in the majority language of the data", "value": {"language": None}},
}
