"""The analysis job's step between extraction and clustering: adapt the workspace's text sentiment.

A workspace's rated reviews teach the sentiment head its domain, and the adapted head re-tags the sentiment of
its units — unrated tickets and survey answers by the head fitted on every rated item, rated items by the head
fitted on the other folds (``nlp.tagging.adaptation``, the same function ``frictionmap analyze`` calls through
``nlp.pipeline.adapt``). Refitted at every analysis rather than stored: a few logistic fits over the stored
vectors cost seconds, and a stored head would go stale as reviews arrive. The report (adapted or not, on
how many rated items, held-out gain) goes into the job's result, where ``GET /v1/jobs/{id}`` shows it.

Reads the units' stored vectors (the clustering space) and texts; writes only ``sentiment``,
``sentiment_score`` and ``emotion`` (dropped when it no longer fits the polarity). Units of items that arrive
between analyses keep the generic head's tags until the next analysis.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import update
from sqlmodel import Session, col, select

from nlp.pipeline import RatingScale
from nlp.pipeline.adapt import adaptation_features, rating_labels
from nlp.tagging.adaptation import AdaptationReport, adapt_unit_tags
from nlp.tagging.types import UNKNOWN_STAGE, UnitTags
from service.analysis.backend import AnalysisBackend, vector
from service.analysis.extraction import AnalysisScope, scoped_items
from service.models import FeedbackItem, OpinionUnit

logger = logging.getLogger(__name__)
SERVICE_RATING_SCALE: RatingScale = 5  # ratings are validated as 1–5 stars at ingest (``FeedbackIn.rating``)


_COLUMNS = (
    OpinionUnit.id,
    OpinionUnit.feedback_id,
    OpinionUnit.text,
    OpinionUnit.embedding,
    OpinionUnit.sentiment,
    OpinionUnit.sentiment_score,
    OpinionUnit.emotion,
    OpinionUnit.stage,
    OpinionUnit.stage_confidence,
    OpinionUnit.effort,
    OpinionUnit.effort_type,
    FeedbackItem.rating,
    FeedbackItem.nps,
)


def _stored(u: Any) -> UnitTags:
    return UnitTags(
        stage=u.stage or UNKNOWN_STAGE,
        stage_confidence=u.stage_confidence or 0.0,
        sentiment=u.sentiment or "neutral",
        sentiment_score=u.sentiment_score or 0.0,
        emotion=u.emotion,
        emotion_confidence=0.0,
        effort=bool(u.effort),
        effort_type=u.effort_type,
    )


def adapt_workspace_sentiment(
    session: Session, workspace_id: str, scope: AnalysisScope, backend: AnalysisBackend
) -> AdaptationReport | None:
    """Adapt and re-tag the sentiment of the units in scope; None when the backend has no sentiment head.

    Reads columns, not ORM objects, and writes one bulk UPDATE of the changed units (a workspace's units
    with their vectors would otherwise be materialised as ORM objects, ~12 KB per unit: issue 14).
    """
    proba = getattr(getattr(backend, "tagger", None), "sentiment_proba", None)
    if proba is None:
        return None
    found: Sequence[Any] = session.exec(  # rows with named columns
        select(*_COLUMNS)  # type: ignore[call-overload]
        .join(FeedbackItem, col(FeedbackItem.id) == col(OpinionUnit.feedback_id))
        .where(
            OpinionUnit.workspace_id == workspace_id,
            OpinionUnit.embedding_model == backend.model_id,
            col(FeedbackItem.id).in_(scoped_items(workspace_id, scope).with_only_columns(FeedbackItem.id)),
            col(OpinionUnit.embedding).is_not(None),
        )
        .order_by(col(FeedbackItem.created_at), col(FeedbackItem.id), col(OpinionUnit.start))
    ).all()
    if not found:
        return None
    item_index: dict[str, int] = {}
    ratings: list[float | None] = []
    nps: list[int | None] = []
    for u in found:
        if u.feedback_id not in item_index:
            item_index[u.feedback_id] = len(item_index)
            ratings.append(u.rating)
            nps.append(u.nps)
    tags, report = adapt_unit_tags(
        [_stored(u) for u in found],
        [u.text for u in found],
        np.vstack([vector(u.embedding) for u in found]),
        np.array([item_index[u.feedback_id] for u in found], dtype=np.int64),
        rating_labels(ratings, nps, SERVICE_RATING_SCALE),
        [u.rating for u in found],
        [u.nps for u in found],
        proba,
        adaptation_features,
    )
    if report.adapted:
        changed = [
            {"id": u.id, "sentiment": t.sentiment, "sentiment_score": t.sentiment_score, "emotion": t.emotion}
            for u, t in zip(found, tags, strict=True)
            if (u.sentiment, u.sentiment_score, u.emotion) != (t.sentiment, t.sentiment_score, t.emotion)
        ]
        if changed:
            session.execute(update(OpinionUnit), changed)
        session.commit()
    logger.info("workspace %s sentiment adaptation: %s", workspace_id, report.to_json())
    return report
