"""API shapes of names and themes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from service.pain_points.schemas import ScoreOut


class NameLanguage(BaseModel):
    """The language pain point and theme names are shown in; null = the majority language of the data."""

    model_config = ConfigDict(extra="forbid")

    language: Literal["fr", "en"] | None = Field(default=None, description="`fr`, `en`, or null")


class ThemePainPoint(BaseModel):
    id: str
    name: str
    label: str
    priority: float
    items: int


class ThemeOut(BaseModel):
    id: str
    kind: Literal["pain", "opportunity"]
    name: str = Field(description="In the workspace's language when the theme has feedback in it")
    names: dict[str, str] = Field(description="Name per language the theme has feedback in")
    items: int = Field(description="Feedback items mentioning any of its pain points (under the filters)")
    units: int
    mean_sentiment: float | None
    stage_mix: dict[str, float] = Field(description="Share of its opinion units per journey stage")
    pain_points: list[ThemePainPoint] = Field(description="Its pain points, highest priority first")
    score: ScoreOut = Field(description="The pain point priority score, computed over the theme's units")


class ThemePage(BaseModel):
    total: int
    items: list[ThemeOut]
