"""Journey taxonomy as validated data.

The stages of a customer journey differ between businesses (a B2B SaaS has "trial" and "renewal", an insurer
has "claim"), so the taxonomy is a document, not code: a workspace can replace the shipped default and the
tagger adapts (see ``nlp.tagging.prototypes``). Validation is strict because a taxonomy drives every
downstream aggregate: ids must be unique slugs, stages are listed in journey order, and every stage carries
French and English labels, a description and example phrases in both languages — the descriptions and
examples are what the tagger embeds to recognise a custom stage, so a stage without them could never be
predicted.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from nlp.tagging.types import UNKNOWN_STAGE
from nlp.text.storable import StorableStr  # PUT /v1/taxonomy with a "\\u0000" label was a 500 on PostgreSQL

SLUG_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
LANGUAGES = ("en", "fr")
MAX_STAGES = 20
MAX_EXAMPLES = 50
DEFAULT_TOUCHPOINTS = ("web", "app", "store", "phone", "email", "chat", "social", "delivery")


class Bilingual(BaseModel):
    """A short text in both languages the product supports."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    en: StorableStr = Field(min_length=1, max_length=500, description="English text.")
    fr: StorableStr = Field(min_length=1, max_length=500, description="Texte en français.")


class BilingualExamples(BaseModel):
    """Example phrases in both languages."""

    model_config = ConfigDict(extra="forbid")

    en: list[StorableStr] = Field(
        min_length=1,
        max_length=MAX_EXAMPLES,
        description="Example phrases customers write in English about this stage.",
    )
    fr: list[StorableStr] = Field(
        min_length=1,
        max_length=MAX_EXAMPLES,
        description="Exemples de phrases que les clients écrivent en français sur cette étape.",
    )

    @field_validator("en", "fr")
    @classmethod
    def _non_blank(cls, phrases: list[str]) -> list[str]:
        cleaned = [p.strip() for p in phrases]
        if any(not p for p in cleaned):
            raise ValueError("example phrases must not be blank")
        if any(len(p) > 500 for p in cleaned):
            raise ValueError("example phrases must be at most 500 characters")
        return cleaned


class Stage(BaseModel):
    """One step of the customer journey."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=SLUG_PATTERN, description="Lower-case slug, stable across edits.")
    label: Bilingual = Field(description="Name shown for the stage, in English and French.")
    description: Bilingual = Field(
        description="What happens at this stage, in English and French; it helps the tagger."
    )
    examples: BilingualExamples = Field(
        description="Typical customer phrases of this stage, used to place feedback on it."
    )

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value == UNKNOWN_STAGE:
            raise ValueError(f"'{UNKNOWN_STAGE}' is reserved for units below the confidence threshold")
        return value

    def prototype_texts(self) -> list[str]:
        """Texts whose embeddings describe the stage (labels, descriptions, examples, both languages)."""
        return [
            self.label.en,
            self.label.fr,
            self.description.en,
            self.description.fr,
            *self.examples.en,
            *self.examples.fr,
        ]


class Touchpoint(BaseModel):
    """A place or channel where the customer meets the company."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(
        pattern=SLUG_PATTERN, description="Lower-case slug, matched against feedback `channel` values."
    )
    label: Bilingual = Field(description="Name shown for the touchpoint, in English and French.")


def _check_unique(ids: list[str]) -> None:
    seen: set[str] = set()
    duplicates = sorted({i for i in ids if i in seen or seen.add(i)})  # type: ignore[func-returns-value]
    if duplicates:
        raise ValueError(f"ids must be unique; duplicated: {', '.join(duplicates)}")


class Taxonomy(BaseModel):
    """A journey: stages in order (the list order *is* the journey order) and touchpoints."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(
        default="custom", pattern=SLUG_PATTERN, description="Lower-case slug naming this taxonomy."
    )
    version: int = Field(default=1, ge=1, description="Version number, raised by each change.")
    name: Bilingual = Field(description="Name of the journey, in English and French.")
    stages: list[Stage] = Field(
        min_length=2,
        max_length=MAX_STAGES,
        description="The journey's stages, in journey order (2 to the maximum allowed).",
    )
    touchpoints: list[Touchpoint] = Field(
        min_length=1, max_length=50, description="Where customers meet the company (web, app, store...)."
    )

    @field_validator("stages")
    @classmethod
    def _unique_stage_ids(cls, stages: list[Stage]) -> list[Stage]:
        _check_unique([s.id for s in stages])
        return stages

    @field_validator("touchpoints")
    @classmethod
    def _unique_touchpoint_ids(cls, touchpoints: list[Touchpoint]) -> list[Touchpoint]:
        _check_unique([t.id for t in touchpoints])
        return touchpoints

    @property
    def stage_ids(self) -> list[str]:
        return [s.id for s in self.stages]

    def stage_order(self) -> dict[str, int]:
        return {s.id: i for i, s in enumerate(self.stages)}

    def fingerprint(self) -> str:
        """Stable hash of the content, used to cache stage prototypes per taxonomy."""
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def parse_taxonomy(data: dict[str, Any]) -> Taxonomy:
    """Validate a taxonomy document; raises ``pydantic.ValidationError`` naming each field and rule."""
    return Taxonomy.model_validate(data)


@lru_cache(maxsize=1)
def load_default_taxonomy() -> Taxonomy:
    text = (resources.files("nlp.tagging") / "data" / "taxonomy_default.json").read_text(encoding="utf-8")
    return parse_taxonomy(json.loads(text))
