"""Issue 14: unit vectors stored as float16 with a header (float32 blobs written before still read), and a
re-clustering that selects columns into one matrix and writes assignments in bulk, without ORM units."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from service.analysis.backend import F16_HEADER, from_blob, to_blob, to_compact_blob, vector
from service.analysis.extraction import AnalysisScope, extract_pending
from service.analysis.runner import recluster
from service.models import OpinionUnit, PainPoint
from tests.helpers.analysis_jobs import ingest_without_incremental
from tests.helpers.journey_backend import TopicBackend
from tests.service.journey_map.test_journey_api import seed_items


def test_compact_blob_round_trip_and_old_blobs() -> None:
    rng = np.random.default_rng(0)
    v = rng.normal(size=384).astype(np.float32)
    v /= np.linalg.norm(v)
    compact = to_compact_blob(v)
    assert compact[:4] == F16_HEADER and len(compact) == 4 + 2 * 384  # half of float32's 4 * 384
    back = from_blob(compact)
    assert back is not None and back.dtype == np.float32 and back.shape == (384,)
    assert np.abs(back - v).max() < 1e-3 and abs(float(back @ v) - 1.0) < 1e-4
    old = to_blob(v)  # written before compact storage: plain float32
    assert len(old) == 4 * 384 and np.array_equal(vector(old), v)
    assert from_blob(None) is None and from_blob(b"") is None
    huge = from_blob(to_compact_blob(np.array([1e6, -1e6], dtype=np.float32)))
    assert huge is not None and np.isfinite(huge).all()  # clipped to float16's range, never inf


def test_recluster_reads_columns_and_mixed_blobs(
    client: TestClient, auth_headers: dict[str, str], workspace_id: str, engine: Engine
) -> None:
    """Half the units keep float32 blobs (an older database): the analysis reads both, selects no ORM unit,
    and stores the same assignments as with uniform blobs; a second run changes nothing."""
    backend = TopicBackend()
    ingest_without_incremental(client, auth_headers, seed_items())
    with Session(engine) as s:
        extract_pending(s, workspace_id, AnalysisScope(), backend)
        units = s.exec(select(OpinionUnit).where(OpinionUnit.workspace_id == workspace_id)).all()
        assert units and all((u.embedding or b"")[:4] == F16_HEADER for u in units)
        for u in units[::2]:
            s.execute(
                update(OpinionUnit)
                .where(col(OpinionUnit.id) == u.id)
                .values(embedding=to_blob(vector(u.embedding)))
            )
        s.commit()
    with Session(engine) as s:
        first = recluster(s, workspace_id, AnalysisScope(), backend)
        assert not [o for o in s.identity_map.values() if isinstance(o, OpinionUnit)]
    assert first.units == len(units) and first.assigned > 0 and first.created

    def assignments() -> dict[str, str | None]:
        with Session(engine) as s:
            rows = s.exec(select(OpinionUnit).where(OpinionUnit.workspace_id == workspace_id)).all()
            return {u.id: u.pain_point_id for u in rows}

    stored = assignments()
    assert sum(1 for p in stored.values() if p) == first.assigned
    with Session(engine) as s:
        sizes = {
            p.id: p.size for p in s.exec(select(PainPoint).where(PainPoint.workspace_id == workspace_id))
        }
    for pp_id, size in sizes.items():
        assert size == sum(1 for p in stored.values() if p == pp_id)
    with Session(engine) as s:
        again = recluster(s, workspace_id, AnalysisScope(), backend)
    assert not again.created and again.assigned == first.assigned
    assert assignments() == stored  # stable ids: nothing moved


@pytest.mark.parametrize("dim", [16, 512])
def test_compact_blob_keeps_neighbours(dim: int) -> None:
    rng = np.random.default_rng(dim)
    vecs = rng.normal(size=(300, dim)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    half = np.vstack([vector(to_compact_blob(v)) for v in vecs])
    sims_full, sims_half = vecs @ vecs.T, half @ half.T
    assert np.abs(sims_full - sims_half).max() < 2e-3
