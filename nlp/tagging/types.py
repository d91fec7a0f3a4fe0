"""The contract between the pipeline (nlp/pipeline.py) and the taggers (issue 4).

The pipeline embeds units once and hands the same matrix to the tagger, so tagging costs a few matrix products
rather than a second encoder pass. A tagger is bound to the embedding space it was trained in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np

Sentiment = Literal["negative", "neutral", "positive"]
UNKNOWN_STAGE = "unknown"


@dataclass(frozen=True)
class UnitTags:
    stage: str  # a stage id of the taxonomy, or UNKNOWN_STAGE below the confidence threshold
    stage_confidence: float
    sentiment: Sentiment
    sentiment_score: float  # -1 (very negative) .. 1 (very positive)
    emotion: str | None  # frustration, anger, disappointment, confusion, worry, satisfaction, delight, trust
    emotion_confidence: float
    effort: bool  # the unit reports customer effort (calling again, repeating, waiting, ...)
    effort_type: str | None
    stage_probs: dict[str, float] = field(default_factory=dict)


class Tagger(Protocol):
    @property
    def model_id(self) -> str:
        """Embedding model id the tagger was trained on; must equal the pipeline embedder's model_id."""
        ...

    def tag(
        self,
        texts: Sequence[str],
        embeddings: np.ndarray,
        languages: Sequence[str],
        ratings: Sequence[float | None] | None = None,
        nps: Sequence[int | None] | None = None,
    ) -> list[UnitTags]: ...
