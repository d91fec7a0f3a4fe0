"""Incremental assignment compares like with like: units embedded one item at a time after ingest live in the
same contextualized space (``nlp.pipeline.contextualize``) as the units the analysis job clustered into the
stored centroids. Uses the production ``NlpBackend`` with the hashing embedder and no tagger (fast)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from nlp.pipeline import Record, contextualize
from service.analysis.backend import vector
from service.analysis.nlp_backend import NlpBackend
from service.models import FeedbackItem, OpinionUnit, PainPoint
from tests.conftest import HashingEmbedder
from tests.service.journey_map.test_journey_api import analyse, ingest

COMPLAINTS = [
    "The parcel arrived two weeks late.",
    "My parcel arrived very late again.",
    "Parcel late, arrived after ten days.",
    "The card was declined at checkout.",
    "Card declined at checkout again.",
    "My card keeps being declined at checkout.",
]
TWO_CLAUSES = "The parcel arrived two weeks late. And the refund was never received."


def ingest_and_analyse(client: TestClient, headers: dict[str, str]) -> None:
    """COMPLAINTS as low-rated items ``a0``..``a5``, then one analysis job."""
    ingest(
        client, headers, [{"external_id": f"a{i}", "text": t, "rating": 1} for i, t in enumerate(COMPLAINTS)]
    )
    analyse(client, headers)


def test_extract_stores_contextualized_vectors_independent_of_batch() -> None:
    embedder = HashingEmbedder()
    backend = NlpBackend(embedder, tagger=None)
    other = Record("The card was declined at checkout twice.", id="a", language="en", rating=1)
    target = Record(TWO_CLAUSES, id="b", language="en", rating=1)
    together = [u for u in backend.extract([other, target]) if u.feedback_id == "b"]
    alone = backend.extract([target])
    assert len(alone) == 2
    raw = embedder.encode([u.text for u in alone])
    expected = contextualize(raw, np.zeros(len(alone), dtype=np.int64), 1)
    for a, t, e, r in zip(alone, together, expected, raw, strict=True):
        np.testing.assert_allclose(a.embedding, t.embedding, atol=1e-6)  # batch-independent
        np.testing.assert_allclose(a.embedding, e, atol=1e-6)  # the clustering space
        assert not np.allclose(a.embedding, r, atol=1e-3)  # not the raw unit vector


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_post_ingest_units_match_the_clustered_space(
    client: TestClient, auth_headers: dict[str, str], engine: Engine, switchable_backend: dict[str, Any]
) -> None:
    ingest_and_analyse(client, auth_headers)
    with Session(engine) as s:
        sizes = {p.id: p.size for p in s.exec(select(PainPoint)).all()}
    # The same text arriving later goes through the post-ingest hook (assign_items → backend.extract).
    ingest(client, auth_headers, [{"external_id": "late-twin", "text": COMPLAINTS[0], "rating": 1}])
    with Session(engine) as s:
        item_id = {i.external_id: i.id for i in s.exec(select(FeedbackItem)).all()}
        units = {u.feedback_id: u for u in s.exec(select(OpinionUnit)).all()}
        first, twin = units[item_id["a0"]], units[item_id["late-twin"]]
        np.testing.assert_allclose(vector(twin.embedding), vector(first.embedding), atol=1e-6)
        assert first.pain_point_id is not None
        assert twin.pain_point_id == first.pain_point_id
        pp = s.get(PainPoint, first.pain_point_id)
        assert pp is not None and pp.size == sizes[pp.id] + 1
