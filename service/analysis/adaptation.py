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

import numpy as np
from sqlmodel import Session, col, select

from nlp.pipeline import RatingScale
from nlp.pipeline.adapt import adaptation_features, rating_labels
from nlp.tagging.adaptation import AdaptationReport, adapt_unit_tags
from nlp.tagging.types import UNKNOWN_STAGE, UnitTags
from service.analysis.backend import AnalysisBackend, from_blob
from service.analysis.extraction import AnalysisScope, scoped_items
from service.models import FeedbackItem, OpinionUnit

logger = logging.getLogger(__name__)
SERVICE_RATING_SCALE: RatingScale = 5  # ratings are validated as 1–5 stars at ingest (``FeedbackIn.rating``)


def _stored(u: OpinionUnit) -> UnitTags:
    return UnitTags(
        stage=u.stage or UNKNOWN_STAGE,
        stage_confidence=u.stage_confidence or 0.0,
        sentiment=u.sentiment or "neutral",  # type: ignore[arg-type]
        sentiment_score=u.sentiment_score or 0.0,
        emotion=u.emotion,
        emotion_confidence=0.0,
        effort=u.effort,
        effort_type=u.effort_type,
    )


def adapt_workspace_sentiment(
    session: Session, workspace_id: str, scope: AnalysisScope, backend: AnalysisBackend
) -> AdaptationReport | None:
    """Adapt and re-tag the sentiment of the units in scope; None when the backend has no sentiment head."""
    proba = getattr(getattr(backend, "tagger", None), "sentiment_proba", None)
    if proba is None:
        return None
    pairs = session.exec(
        select(OpinionUnit, FeedbackItem.rating, FeedbackItem.nps)
        .join(FeedbackItem, col(FeedbackItem.id) == col(OpinionUnit.feedback_id))
        .where(
            OpinionUnit.workspace_id == workspace_id,
            OpinionUnit.embedding_model == backend.model_id,
            col(FeedbackItem.id).in_(scoped_items(workspace_id, scope).with_only_columns(FeedbackItem.id)),
        )
        .order_by(col(FeedbackItem.created_at), col(FeedbackItem.id), col(OpinionUnit.start))
    ).all()
    kept = [(u, r, n, v) for u, r, n in pairs if (v := from_blob(u.embedding)) is not None]
    if not kept:
        return None
    item_index: dict[str, int] = {}
    ratings: list[float | None] = []
    nps: list[int | None] = []
    for u, r, n, _ in kept:
        if u.feedback_id not in item_index:
            item_index[u.feedback_id] = len(item_index)
            ratings.append(r)
            nps.append(n)
    rows = np.array([item_index[u.feedback_id] for u, *_ in kept], dtype=np.int64)
    tags, report = adapt_unit_tags(
        [_stored(u) for u, *_ in kept],
        [u.text for u, *_ in kept],
        np.vstack([v for *_, v in kept]).astype(np.float32),
        rows,
        rating_labels(ratings, nps, SERVICE_RATING_SCALE),
        [r for _, r, _, _ in kept],
        [n for _, _, n, _ in kept],
        proba,
        adaptation_features,
    )
    if report.adapted:
        for (u, *_), t in zip(kept, tags, strict=True):
            if (u.sentiment, u.sentiment_score, u.emotion) != (t.sentiment, t.sentiment_score, t.emotion):
                u.sentiment, u.sentiment_score, u.emotion = t.sentiment, t.sentiment_score, t.emotion
                session.add(u)
        session.commit()
    logger.info("workspace %s sentiment adaptation: %s", workspace_id, report.to_json())
    return report
