"""The one record type every path feeds the pipeline, and the one rule that reads its rating or NPS.

The CLI builds records from a file, the service from stored feedback items; both go through the same
``Record`` and the same :func:`score_polarity`, so a 2★ review or a 6/10 NPS answer is a complaint candidate
whichever door it came in by.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from nlp.tagging.types import UNKNOWN_STAGE, UnitTags

Polarity = Literal[-1, 0, 1]
RatingScale = Literal[5, 10]
KNOWN_LANGUAGES = ("fr", "en", "other")


@dataclass(frozen=True)
class Record:
    """One piece of customer feedback as the pipeline sees it.

    ``language``: skip detection when the caller already knows it (``fr``, ``en`` or ``other``; ingest stored
    it). ``id`` is the caller's key (a CSV id column, or the service's feedback id).
    """

    text: str
    id: str | None = None
    rating: float | None = None
    nps: int | None = None
    date: str | None = None
    language: str | None = None


def coerce_record(record: Record | Mapping[str, Any]) -> Record:
    if isinstance(record, Record):
        return record
    rating, nps = record.get("rating"), record.get("nps")
    return Record(
        text=str(record.get("text") or ""),
        id=None if record.get("id") is None else str(record.get("id")),
        rating=None if rating in (None, "") else float(rating),
        nps=None if nps in (None, "") else int(nps),
        date=None if record.get("date") is None else str(record.get("date")),
        language=record.get("language"),
    )


def infer_rating_scale(ratings: Sequence[float | None]) -> RatingScale:
    """1–5 stars unless a rating above 5 shows the data is on a 0–10 scale.

    Inferred over a whole corpus, not per item: a 4 means "good" among stars and "bad" among 0–10 scores.
    """
    return 10 if any(r is not None and r > 5 for r in ratings) else 5


def score_polarity(rating: float | None, nps: int | None, scale: RatingScale = 5) -> Polarity:
    """-1 complaint candidate, +1 praise candidate, 0 neither: the item's score, read one way everywhere.

    Stars: ≤2 low, ≥4 high. A 0–10 rating and an NPS answer: ≤6 low (detractor), ≥9 high (promoter). The
    rating wins when both are present (it is what the customer gave this very text). No score at all counts
    as a complaint candidate: unrated channels (tickets, complaint forms) are mostly complaints.
    """
    if rating is not None:
        low, high = (6, 9) if scale == 10 else (2, 4)
        return -1 if rating <= low else (1 if rating >= high else 0)
    if nps is not None:
        return -1 if nps <= 6 else (1 if nps >= 9 else 0)
    return -1


def provisional_tags(polarity: int) -> UnitTags:
    """Tags from the item's score alone (-1, 0 or +1), for storage when no trained tagger matches the
    embedding model."""
    sentiment = {-1: "negative", 0: "neutral", 1: "positive"}[polarity]
    return UnitTags(
        stage=UNKNOWN_STAGE,
        stage_confidence=0.0,
        sentiment=sentiment,  # type: ignore[arg-type]
        sentiment_score=0.5 * polarity,
        emotion=None,
        emotion_confidence=0.0,
        effort=False,
        effort_type=None,
    )
