"""The analysis job's step between extraction and clustering: adapt the workspace's text sentiment.

A workspace's rated reviews teach the sentiment head its domain, and the adapted head re-tags the sentiment of
its units — unrated tickets and survey answers by the head fitted on every rated item, rated items by the head
fitted on the other folds (``nlp.tagging.adaptation``, the functions ``frictionmap analyze`` calls through
``nlp.pipeline.adapt``). Documents are judged by the pipeline's one document rule
(``nlp.tagging.aggregate.document_polarities``) when the blend weight is chosen and the held-out gain
reported. Refitted at every analysis rather than stored: a few logistic fits over the stored vectors cost
seconds, and a stored head would go stale as reviews arrive. The report (adapted or not, on how many rated
items, held-out gain) goes into the job's result, where ``GET /v1/jobs/{id}`` shows it.

Bounded memory (issue 10 follow-up). Loading every rated unit with its vector at once grew with the
workspace (533 MiB peak at 48k rated items, docs/benchmarks.md). Now:

1. rated items are streamed ``CHUNK`` rows at a time (no vectors) into a per-class bottom-k hash sample
   of at most ``max_rated_per_class`` items (``nlp.tagging.rated_sample``: deterministic, order-free);
2. only the sample's units and vectors are loaded, and the head is fitted on them;
3. every unit in scope is streamed and re-scored ``CHUNK`` units at a time, its changes written per chunk
   (one query per pass, each a single walk of the workspace: keyset pages re-walked it per page). Sampled
   rated units keep their cross-fitted scores (their own rating never scores their own text); rated items
   left out of the sample never trained the head, so the full head scores them honestly.

Below the cap the sample is every rated item, and the result equals the unchunked computation over items in
id order (tests/service/analysis/test_sentiment_adaptation.py). Writes only ``sentiment``,
``sentiment_score`` and ``emotion`` (dropped when it no longer fits the polarity). Units of items that arrive
between analyses keep the generic head's tags until the next analysis.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
from sqlalchemy import bindparam, exists, or_, update
from sqlmodel import Session, col, select

from nlp.pipeline import RatingScale
from nlp.pipeline.adapt import adaptation_features, rating_labels
from nlp.tagging.adaptation import (
    Adaptation,
    AdaptationConfig,
    AdaptationReport,
    adapt_sentiment,
)
from nlp.tagging.features import TEXT_COLUMNS
from nlp.tagging.fusion import SENTIMENT_CLASSES
from nlp.tagging.rated_sample import BottomKSample
from nlp.tagging.retag import fused_sentiments, kept_emotion
from service.analysis.backend import AnalysisBackend, vector
from service.analysis.extraction import AnalysisScope, scoped_items
from service.models import FeedbackItem, OpinionUnit

logger = logging.getLogger(__name__)
SERVICE_RATING_SCALE: RatingScale = 5  # ratings are validated as 1–5 stars at ingest (``FeedbackIn.rating``)
CHUNK = 2000  # items or units per keyset page
MAX_RATED_PER_CLASS = 2500  # default of Settings.max_rated_per_class

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
    OpinionUnit.text_sentiment_proba,
    OpinionUnit.text_features,
    FeedbackItem.rating,
    FeedbackItem.nps,
)
# Core executemany by primary key: the ORM's bulk UPDATE collected and compiled parameters per row (a third of
# the write's time at 30k units).
_UNITS = OpinionUnit.__table__  # type: ignore[attr-defined]
_RETAG = (
    update(_UNITS)
    .where(_UNITS.c.id == bindparam("uid"))
    .values(sentiment=bindparam("s"), sentiment_score=bindparam("score"), emotion=bindparam("emotion"))
)
_F64, _F32 = np.dtype(np.float64).itemsize, np.dtype(np.float32).itemsize  # bytes a stored value
Proba = Callable[[Sequence[str], np.ndarray], np.ndarray]


def _in_scope(workspace_id: str, scope: AnalysisScope) -> Any:
    """The scope's conditions on ``feedback_item`` itself, for a query that reads or joins that table.

    Not ``feedback_item.id IN (SELECT … scoped items)``: SQLite materialises that list (every item of the
    workspace) on each execution, which made each page cost O(workspace) and the step quadratic (issue 14)."""
    return scoped_items(workspace_id, scope).whereclause


def _embedded(model_id: str) -> Any:
    """The item has a unit embedded by the backend's model (what adaptation reads), asked per item of the
    unit's feedback index."""
    return (
        exists()
        .where(
            col(OpinionUnit.feedback_id) == col(FeedbackItem.id),
            col(OpinionUnit.embedding_model) == model_id,
            col(OpinionUnit.embedding).is_not(None),
        )
        .correlate(FeedbackItem)
    )


def _inputs(
    rows: Sequence[Any], texts: Sequence[str], vectors: np.ndarray, proba: Proba
) -> tuple[np.ndarray, np.ndarray]:
    """(adapted-head features, generic text probabilities) of ``rows``: the extraction's stored copies when
    every row has them (0013_unit_text_inputs), else computed as the extraction computed them. Re-analysing
    every unit's text was ~70 % of the re-scoring (docs/benchmarks.md, issue 14). The stored copies were read
    with the units' languages (``nlp_backend.adaptation_inputs``: a per-language sentiment blend applies); the
    fallback, for units stored before them, does not read the units' languages: the shared blend."""
    width = TEXT_COLUMNS
    if rows and all(
        r.text_sentiment_proba is not None
        and r.text_features is not None
        and len(r.text_sentiment_proba) == _F64 * len(SENTIMENT_CLASSES)
        and len(r.text_features) == _F32 * width
        for r in rows
    ):
        n = len(rows)
        generic = np.frombuffer(b"".join(r.text_sentiment_proba for r in rows), dtype=np.float64)
        columns = np.frombuffer(b"".join(r.text_features for r in rows), dtype=np.float32)
        features = np.hstack([np.asarray(vectors, dtype=np.float32), columns.reshape(n, width)])
        return features, generic.reshape(n, len(SENTIMENT_CLASSES))
    return adaptation_features(vectors, texts), proba(texts, vectors)


def _rated_sample(
    session: Session, workspace_id: str, scope: AnalysisScope, model_id: str, cap: int, chunk: int
) -> BottomKSample:
    """Pass 1: rated items in scope with embedded units, one query streamed ``chunk`` rows at a time, no
    vector read (the sample is order-free, so no ORDER BY either)."""
    sample = BottomKSample(cap)
    stmt = (
        select(FeedbackItem.id, FeedbackItem.rating, FeedbackItem.nps)
        .where(
            _in_scope(workspace_id, scope),
            or_(col(FeedbackItem.rating).is_not(None), col(FeedbackItem.nps).is_not(None)),
            _embedded(model_id),
        )
        .execution_options(yield_per=chunk)
    )
    for page in session.execute(stmt).partitions():
        labels = rating_labels([r.rating for r in page], [r.nps for r in page], SERVICE_RATING_SCALE)
        for r, label in zip(page, labels, strict=True):
            sample.offer(r.id, int(label))
    return sample


def _sample_units(
    session: Session, workspace_id: str, model_id: str, item_ids: Sequence[str], chunk: int
) -> tuple[list[str], list[str], np.ndarray, np.ndarray, list[Any]]:
    """Pass 2: the sampled items' units (ids, texts, float32 vectors, item row, the rows read), item-id then
    span order."""
    row_of = {item: i for i, item in enumerate(item_ids)}
    read: list[Any] = []
    ids: list[str] = []
    texts: list[str] = []
    vectors: list[np.ndarray] = []
    rows: list[int] = []
    for start in range(0, len(item_ids), chunk):
        part = item_ids[start : start + chunk]
        found: Sequence[Any] = session.exec(
            select(  # type: ignore[call-overload]
                OpinionUnit.id,
                OpinionUnit.feedback_id,
                OpinionUnit.text,
                OpinionUnit.embedding,
                OpinionUnit.text_sentiment_proba,
                OpinionUnit.text_features,
            )
            .where(
                OpinionUnit.workspace_id == workspace_id,
                OpinionUnit.embedding_model == model_id,
                col(OpinionUnit.embedding).is_not(None),
                col(OpinionUnit.feedback_id).in_(part),
            )
            .order_by(col(OpinionUnit.feedback_id), col(OpinionUnit.start))
        ).all()
        read.extend(found)
        for u in found:
            ids.append(u.id)
            texts.append(u.text)
            vectors.append(vector(u.embedding))
            rows.append(row_of[u.feedback_id])
    matrix = np.vstack(vectors) if vectors else np.zeros((0, 0), dtype=np.float32)
    return ids, texts, matrix, np.asarray(rows, dtype=np.int64), read


def _embedded_in_scope(workspace_id: str, scope: AnalysisScope, model_id: str, *columns: Any) -> Any:
    """``columns`` of the embedded units of the items in scope (joined to their item: the scope's conditions
    and the rating/NPS are the item's)."""
    return (
        select(*columns)
        .join(FeedbackItem, col(FeedbackItem.id) == col(OpinionUnit.feedback_id))
        .where(
            OpinionUnit.workspace_id == workspace_id,
            OpinionUnit.embedding_model == model_id,
            col(OpinionUnit.embedding).is_not(None),
            _in_scope(workspace_id, scope),
        )
    )


def _unit_pages(
    session: Session, workspace_id: str, scope: AnalysisScope, model_id: str, chunk: int
) -> Iterator[Sequence[Any]]:
    """Pass 3: every embedded unit in scope with its item's rating/NPS, one query streamed ``chunk`` rows at
    a time (a server-side cursor on PostgreSQL).

    Was keyset pages on the unit id, each re-planned as a walk of the workspace's units plus a sort (with
    the scope's item list materialised): 0.5–1.3 s a page at 300k units, quadratic in the workspace. The
    re-tagging writes only columns no index and no read condition here involves (sentiment, score,
    emotion) and only of rows already read, so writing while the cursor is open is safe on both databases."""
    stmt = _embedded_in_scope(workspace_id, scope, model_id, *_COLUMNS)
    yield from session.execute(stmt.execution_options(yield_per=chunk)).partitions()


def _rescore(
    session: Session,
    pages: Iterator[Sequence[Any]],
    adaptation: Adaptation,
    cross_fitted: dict[str, np.ndarray],
    proba: Proba,
) -> int:
    """Re-tag each page's units and write the changed ones; returns how many changed."""
    changed_total = 0
    for page in pages:
        texts = [u.text for u in page]
        vectors = np.vstack([vector(u.embedding) for u in page])
        text_proba = adaptation.score(*_inputs(page, texts, vectors, proba))
        for i, u in enumerate(page):
            if u.id in cross_fitted:
                text_proba[i] = cross_fitted[u.id]
        labels, scores = fused_sentiments(text_proba, [u.rating for u in page], [u.nps for u in page])
        changed = [
            {
                "uid": u.id,
                "s": label,
                "score": score,
                "emotion": u.emotion if kept_emotion(u.emotion, label) else None,
            }
            for u, label, score in zip(page, labels, scores, strict=True)
            if (u.sentiment, u.sentiment_score) != (label, score)
            or (u.emotion and not kept_emotion(u.emotion, label))
        ]
        if changed:
            session.execute(_RETAG, changed)
        changed_total += len(changed)
    return changed_total


def adapt_workspace_sentiment(
    session: Session,
    workspace_id: str,
    scope: AnalysisScope,
    backend: AnalysisBackend,
    max_rated_per_class: int = MAX_RATED_PER_CLASS,
    chunk: int = CHUNK,
) -> AdaptationReport | None:
    """Adapt and re-tag the sentiment of the units in scope; None when the backend has no sentiment head
    or the scope has no embedded unit.

    Memory is bounded by the sample (``max_rated_per_class`` items per class, their units and vectors) plus
    one page of ``chunk`` units, whatever the workspace's size. The report's item counts are the sample's.
    """
    proba: Proba | None = getattr(getattr(backend, "tagger", None), "sentiment_proba", None)
    if proba is None:
        return None
    config = AdaptationConfig()
    model_id = backend.model_id
    sample = _rated_sample(session, workspace_id, scope, model_id, max_rated_per_class, chunk)
    chosen = sample.items()
    item_ids = [item for item, _ in chosen]
    labels = np.array([label for _, label in chosen], dtype=np.int64)
    n_neg, n_pos = int(np.sum(labels == -1)), int(np.sum(labels == 1))
    if min(n_neg, n_pos) < config.min_per_class:  # nothing will be fitted: read no vector
        if (
            session.exec(_embedded_in_scope(workspace_id, scope, model_id, OpinionUnit.id).limit(1)).first()
            is None
        ):
            return None
        why = f"needs {config.min_per_class} rated items per class (negative {n_neg}, positive {n_pos})"
        return AdaptationReport(False, why, len(item_ids), n_neg, n_pos, 0.0, None, None, 0, None, None)
    unit_ids, texts, vectors, rows, read = _sample_units(session, workspace_id, model_id, item_ids, chunk)
    features, generic = _inputs(read, texts, vectors, proba)
    adaptation = adapt_sentiment(features, generic, rows, labels, config)
    report = adaptation.report
    if report.adapted:
        cross_fitted = dict(zip(unit_ids, adaptation.text_proba, strict=True))
        del (
            vectors,
            texts,
            features,
            generic,
            read,
        )  # the sample's arrays are not needed while re-scoring page by page
        changed = _rescore(
            session,
            _unit_pages(session, workspace_id, scope, model_id, chunk),
            adaptation,
            cross_fitted,
            proba,
        )
        session.commit()
        logger.info("workspace %s: %d units re-tagged", workspace_id, changed)
    logger.info(
        "workspace %s sentiment adaptation (rated items offered %s, sampled %d): %s",
        workspace_id,
        sample.offered,
        len(item_ids),
        report.to_json(),
    )
    return report
