"""API shapes of names and themes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class NameLanguage(BaseModel):
    """The language pain point and theme names are shown in; null = the majority language of the data."""

    model_config = ConfigDict(extra="forbid")

    language: Literal["fr", "en"] | None = Field(default=None, description="`fr`, `en`, or null")
