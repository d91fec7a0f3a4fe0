"""The analysis job adapts a workspace's text sentiment from its rated reviews
(service/analysis/adaptation.py) and applies it to its unrated tickets; the job result says so.

The production ``NlpBackend`` over the hashing embedder, with a tagger whose generic sentiment head knows
nothing of the domain (flat)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from nlp.pipeline.adapt import adaptation_features, rating_labels
from nlp.tagging.adaptation import adapt_unit_tags
from nlp.tagging.rated_sample import BottomKSample, item_hash
from nlp.tagging.types import UNKNOWN_STAGE, UnitTags
from service.analysis.adaptation import adapt_workspace_sentiment
from service.analysis.backend import vector
from service.analysis.extraction import AnalysisScope
from service.analysis.nlp_backend import NlpBackend
from service.models import FeedbackItem, OpinionUnit
from tests.conftest import HashingEmbedder
from tests.nlp.tagging.test_adaptation import FlatTagger
from tests.service.journey_map.test_journey_api import analyse, ingest


def _items(rated: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i in range(rated):
        out.append({"external_id": f"neg{i}", "text": f"Câble cassant et fragile, lot {i}.", "rating": 1})
        out.append({"external_id": f"pos{i}", "text": f"Câble solide et robuste, lot {i}.", "rating": 5})
    out.append({"external_id": "t-neg", "text": "Mon câble est cassant et fragile.", "rating": None})
    out.append({"external_id": "t-pos", "text": "Mon câble est solide et robuste.", "rating": None})
    return out


def test_rated_reviews_adapt_unrated_tickets(
    client: TestClient, auth_headers: dict[str, str], engine: Engine, switchable_backend: dict[str, Any]
) -> None:
    switchable_backend["backend"] = NlpBackend(HashingEmbedder(), tagger=FlatTagger())  # type: ignore[arg-type]
    ingest(client, auth_headers, _items(30))
    job = analyse(client, auth_headers)
    report = job["result"]["sentiment_adaptation"]
    assert report["adapted"] is True, report
    assert report["rated_items"] == 60 and report["negative_items"] == report["positive_items"] == 30
    assert report["heldout_items"] == 16 and report["heldout_gain"] > 0
    with Session(engine) as s:
        by_ext = {i.id: i.external_id for i in s.exec(select(FeedbackItem)).all()}
        units = {by_ext[u.feedback_id]: u for u in s.exec(select(OpinionUnit)).all()}
    assert units["t-neg"].sentiment == "negative" and (units["t-neg"].sentiment_score or 0) < 0
    assert units["t-pos"].sentiment == "positive"
    assert units["t-neg"].pain_point_id is not None  # the unrated complaint reaches the pain points


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_too_few_rated_reviews_leave_tags_alone(
    client: TestClient, auth_headers: dict[str, str], engine: Engine, switchable_backend: dict[str, Any]
) -> None:
    switchable_backend["backend"] = NlpBackend(HashingEmbedder(), tagger=FlatTagger())  # type: ignore[arg-type]
    ingest(client, auth_headers, _items(5))
    report = analyse(client, auth_headers)["result"]["sentiment_adaptation"]
    assert report["adapted"] is False and "negative 5" in report["reason"]
    with Session(engine) as s:
        assert {u.sentiment for u in s.exec(select(OpinionUnit)).all()} == {"neutral"}


def _stored(u: Any) -> UnitTags:
    """A stored unit's tags, as the reference re-tags them."""
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


def _unchunked(engine: Engine, backend: NlpBackend) -> dict[str, tuple[str, float]]:
    """The reference: every unit in memory at once (items in id order), through the same nlp function."""
    with Session(engine) as s:
        found = s.exec(
            select(OpinionUnit, FeedbackItem)
            .join(FeedbackItem, FeedbackItem.id == OpinionUnit.feedback_id)  # type: ignore[arg-type]
            .order_by(FeedbackItem.id, OpinionUnit.start)  # type: ignore[arg-type]
        ).all()
    items = sorted({i.id for _, i in found})
    by_id = {i.id: i for _, i in found}
    tags, report = adapt_unit_tags(
        [_stored(u) for u, _ in found],
        [u.text for u, _ in found],
        np.vstack([vector(u.embedding) for u, _ in found]),
        np.array([items.index(i.id) for _, i in found]),
        rating_labels([by_id[i].rating for i in items], [by_id[i].nps for i in items], 5),
        [i.rating for _, i in found],
        [i.nps for _, i in found],
        backend.tagger.sentiment_proba,  # type: ignore[union-attr]
        adaptation_features,
    )
    assert report.adapted
    return {u.id: (t.sentiment, t.sentiment_score) for (u, _), t in zip(found, tags, strict=True)}


def _stored_sentiment(engine: Engine) -> dict[str, tuple[str, float]]:
    with Session(engine) as s:
        return {u.id: (u.sentiment, u.sentiment_score) for u in s.exec(select(OpinionUnit)).all()}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_chunked_adaptation_is_deterministic_and_equals_the_unchunked_result(
    client: TestClient, auth_headers: dict[str, str], engine: Engine, switchable_backend: dict[str, Any]
) -> None:
    """Below the cap, keyset pages of 3 (or the default 2,000) give exactly the all-in-memory result."""
    backend = NlpBackend(HashingEmbedder(), tagger=FlatTagger())  # type: ignore[arg-type]
    switchable_backend["backend"] = backend
    ingest(client, auth_headers, _items(25))
    assert analyse(client, auth_headers)["result"]["sentiment_adaptation"]["adapted"] is True
    reference = _unchunked(engine, backend)
    after_job = _stored_sentiment(engine)  # the job's run: one page
    assert after_job == reference
    with Session(engine) as s:
        ws = s.exec(select(FeedbackItem.workspace_id)).first()
        assert ws is not None
        for _ in range(2):
            report = adapt_workspace_sentiment(s, ws, AnalysisScope(), backend, chunk=3)
            assert report is not None and report.adapted and report.rated_items == 50
            assert _stored_sentiment(engine) == reference


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_rated_items_above_the_cap_are_a_deterministic_hash_sample(
    client: TestClient, auth_headers: dict[str, str], engine: Engine, switchable_backend: dict[str, Any]
) -> None:
    backend = NlpBackend(HashingEmbedder(), tagger=FlatTagger())  # type: ignore[arg-type]
    switchable_backend["backend"] = backend
    ingest(client, auth_headers, _items(30))
    analyse(client, auth_headers)
    with Session(engine) as s:
        ws = s.exec(select(FeedbackItem.workspace_id)).first()
        rated = s.exec(select(FeedbackItem.id, FeedbackItem.rating).where(FeedbackItem.rating != None)).all()  # noqa: E711
        assert ws is not None and len(rated) == 60
        runs = []
        for chunk in (7, 2000):
            report = adapt_workspace_sentiment(
                s, ws, AnalysisScope(), backend, max_rated_per_class=22, chunk=chunk
            )
            assert report is not None and report.adapted
            assert (report.rated_items, report.negative_items, report.positive_items) == (44, 22, 22)
            runs.append(_stored_sentiment(engine))
        assert runs[0] == runs[1]
    expected = BottomKSample(22)
    for item_id, rating in reversed(rated):  # another order: the same sample
        expected.offer(item_id, -1 if rating == 1 else 1)
    kept = {i for i, _ in expected.items()}
    assert len(kept) == 44
    by_hash = sorted((item_hash(i), i) for i, r in rated if r == 1)[:22]
    assert {i for _, i in by_hash} <= kept
    units = _stored_sentiment(engine)
    with Session(engine) as s:
        by_ext = {i.id: i.external_id for i in s.exec(select(FeedbackItem)).all()}
        t_neg = [u.id for u in s.exec(select(OpinionUnit)).all() if by_ext[u.feedback_id] == "t-neg"]
    assert t_neg and all(units[u][0] == "negative" for u in t_neg)  # the full head scores the tickets
