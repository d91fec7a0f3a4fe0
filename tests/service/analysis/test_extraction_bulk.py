"""Issue 14: extraction writes a batch's units with one bulk INSERT and one float16 conversion; the stored
rows are exactly what the per-unit ORM path wrote (same spans, text, tags, vector bytes, model, kept pain
points)."""

from __future__ import annotations

import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from nlp.pipeline import Record
from service.analysis.backend import compact_blobs, from_blob, to_compact_blob
from service.analysis.extraction import AnalysisScope, as_record, extract_items, extract_pending
from service.analysis.runner import recluster
from service.models import FeedbackItem, OpinionUnit
from tests.helpers.analysis_jobs import ingest_without_incremental
from tests.helpers.journey_backend import TopicBackend
from tests.service.journey_map.test_journey_api import seed_items


def test_compact_blobs_equal_per_row_blobs() -> None:
    rng = np.random.default_rng(1)
    m = rng.normal(size=(7, 512)).astype(np.float32)
    m[0, :3] = [1e6, -1e6, 65519.0]  # clipped to float16's range like the per-row path
    assert compact_blobs(m) == [to_compact_blob(row) for row in m]
    assert compact_blobs(np.zeros((0, 512), dtype=np.float32)) == []


def _expected(
    backend: TopicBackend, items: list[FeedbackItem]
) -> dict[tuple[str, int, int], tuple[object, ...]]:
    records: list[Record] = [as_record(i) for i in items]
    return {
        (u.feedback_id, u.start, u.end): (
            u.text,
            u.language,
            u.tags.sentiment,
            u.tags.sentiment_score,
            u.tags.emotion,
            u.tags.stage,
            u.tags.stage_confidence,
            u.tags.effort,
            u.tags.effort_type,
            to_compact_blob(u.embedding),
            backend.model_id,
        )
        for u in backend.extract(records)
    }


def _stored(s: Session, workspace_id: str) -> dict[tuple[str, int, int], tuple[object, ...]]:
    return {
        (u.feedback_id, u.start, u.end): (
            u.text,
            u.language,
            u.sentiment,
            u.sentiment_score,
            u.emotion,
            u.stage,
            u.stage_confidence,
            u.effort,
            u.effort_type,
            u.embedding,
            u.embedding_model,
        )
        for u in s.exec(select(OpinionUnit).where(OpinionUnit.workspace_id == workspace_id))
    }


def test_bulk_written_units_equal_backend_output(
    client: TestClient, auth_headers: dict[str, str], workspace_id: str, engine: Engine
) -> None:
    backend = TopicBackend()
    ingest_without_incremental(client, auth_headers, seed_items())
    with Session(engine) as s:
        written = extract_pending(s, workspace_id, AnalysisScope(), backend, batch_size=5)
        items = list(s.exec(select(FeedbackItem).where(FeedbackItem.workspace_id == workspace_id)))
        stored = _stored(s, workspace_id)
        assert written == len(stored) > 0
        assert stored == _expected(backend, items)
        units = list(s.exec(select(OpinionUnit).where(OpinionUnit.workspace_id == workspace_id)))
        assert len({u.id for u in units}) == len(units) and all(u.created_at is not None for u in units)
        assert all(from_blob(u.embedding) is not None for u in units)
    with Session(engine) as s:
        assert recluster(s, workspace_id, AnalysisScope(), backend).assigned > 0
        assigned = _pain_points(s, workspace_id)
    with Session(engine) as s:
        ids = sorted({u.feedback_id for u in units})
        assert extract_items(s, workspace_id, ids, backend) == len(stored)
        assert _stored(s, workspace_id) == stored
        # Same spans: every unit keeps its pain point through the re-extraction.
        assert _pain_points(s, workspace_id) == assigned and any(assigned.values())


def _pain_points(s: Session, workspace_id: str) -> dict[tuple[str, int, int], str | None]:
    return {
        (u.feedback_id, u.start, u.end): u.pain_point_id
        for u in s.exec(select(OpinionUnit).where(OpinionUnit.workspace_id == workspace_id))
    }
