"""The analysis job adapts a workspace's text sentiment from its rated reviews
(service/analysis/adaptation.py) and applies it to its unrated tickets; the job result says so.

The production ``NlpBackend`` over the hashing embedder, with a tagger whose generic sentiment head knows
nothing of the domain (flat)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

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
