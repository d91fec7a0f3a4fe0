"""Issue 14 at 1M units: the re-clustering holds its units as columns with a float16 matrix; what the
backends and the writes see must be what the old per-unit objects with float32 vectors gave."""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from service.analysis.backend import (
    StackedUnits,
    UnitForClustering,
    from_blob,
    to_blob,
    to_compact_blob,
    vector,
)
from service.analysis.extraction import AnalysisScope, extract_pending
from service.analysis.nlp_backend import NlpBackend
from service.analysis.runner import _scope_units
from service.models import OpinionUnit
from tests.helpers.analysis_jobs import ingest_without_incremental
from tests.helpers.journey_backend import TopicBackend
from tests.service.journey_map.test_journey_api import seed_items


@pytest.mark.parametrize("old_blobs", [False, True])
def test_scope_units_columns_give_the_old_unit_objects(
    client: TestClient, auth_headers: dict[str, str], workspace_id: str, engine: Engine, old_blobs: bool
) -> None:
    backend = TopicBackend()
    ingest_without_incremental(client, auth_headers, seed_items())
    with Session(engine) as s:
        extract_pending(s, workspace_id, AnalysisScope(), backend)
        rows = s.exec(select(OpinionUnit).where(OpinionUnit.workspace_id == workspace_id)).all()
        if old_blobs:  # every other unit as an older database wrote it (float32)
            for u in rows[::2]:
                s.execute(
                    update(OpinionUnit)
                    .where(col(OpinionUnit.id) == u.id)
                    .values(embedding=to_blob(vector(u.embedding)))
                )
            s.commit()
    with Session(engine) as s:
        by_id = {u.id: u for u in s.exec(select(OpinionUnit).where(OpinionUnit.workspace_id == workspace_id))}
        selected = _scope_units(s, workspace_id, AnalysisScope(), backend.model_id)
    units = selected.units
    assert len(units) == len(by_id) > 10 and not selected.no_vector
    assert units.matrix.dtype == (np.float32 if old_blobs else np.float16)
    for i in range(len(units)):
        got, row = units[i], by_id[units.unit_ids[i]]
        old = UnitForClustering(
            row.id,
            row.feedback_id,
            row.text,
            row.language,
            row.sentiment,
            row.sentiment_score,
            row.stage,
            row.stage_confidence,
            vector(row.embedding),
            row.start,
            row.end,
        )
        assert got.embedding.dtype == np.float32 and np.array_equal(got.embedding, old.embedding)
        assert {**vars(got), "embedding": None} == {**vars(old), "embedding": None}
        assert units.key(i) == (row.feedback_id, row.start, row.end)
        assert selected.stored[i] == row.pain_point_id


def test_nlp_backend_clusters_columns_like_unit_objects() -> None:
    """Same clusters, names, quotes, stages and parent themes from a float16 column matrix as from unit
    objects with float32 vectors (which the backend stacks itself)."""
    rng = np.random.default_rng(7)
    words = ["card", "refund", "delay", "fee", "app", "login", "carte", "retard", "frais", "appli"]
    centres = rng.normal(size=(6, 64))
    units: list[UnitForClustering] = []
    for i in range(360):
        t = i % 6
        v = centres[t] + 0.3 * rng.normal(size=64)
        v = (v / np.linalg.norm(v)).astype(np.float32)
        blob = to_compact_blob(v)  # as stored
        lang = "fr" if i % 4 == 0 else "en"
        text = f"{words[t]} {words[(t + 3) % 10]} problem {i % 7}"
        units.append(
            UnitForClustering(
                f"u{i}",
                f"f{i // 2}",
                text,
                lang,
                "negative" if i % 3 else "positive",
                -0.7 if i % 3 else 0.6,
                None if i % 5 == 0 else ["delivery", "usage", "support"][t % 3],
                None if i % 5 == 0 else 0.5 + (i % 4) / 10,
                cast(np.ndarray, from_blob(blob)),
                (i % 2) * 20,
                (i % 2) * 20 + 15,
            )
        )
    stacked = StackedUnits.from_units(units)
    stacked.matrix = stacked.matrix.astype(np.float16)  # what _scope_units reads from float16 blobs
    backend = NlpBackend(cast(Any, None), None)
    a, b = backend.cluster(units), backend.cluster(stacked)
    assert len(a) >= 4 and {c.kind for c in a} == {"pain", "opportunity"}
    assert any(c.theme is not None for c in a) and any(c.stage for c in a)
    for x, y in zip(a, b, strict=True):
        assert np.array_equal(x.centroid, y.centroid)
        assert {**vars(x), "centroid": None} == {**vars(y), "centroid": None}
