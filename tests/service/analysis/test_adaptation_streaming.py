"""The adaptation's passes over a workspace are single streamed queries (service/analysis/adaptation.py).

Keyset pages made SQLite re-walk the workspace's units (and materialise the scope's item list) on every
page: quadratic in the workspace, the cost that kept a 1M-item analysis in this step for over 17 minutes
(docs/benchmarks.md, issue 14). Checked here as the number of statements, which does not depend on timing:
one query per pass whatever the chunk size, with the stored result unchanged, on SQLite and PostgreSQL
(where the stream is a server-side cursor the re-tagging writes beside). And the extraction keeps the
step's text-only inputs with each unit (0013_unit_text_inputs), so the re-scoring does not re-analyse every
unit's text: the stored copies give exactly the recomputed result."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, update
from sqlmodel import Session, select

from nlp.tagging.features import text_columns
from service.analysis.adaptation import adapt_workspace_sentiment
from service.analysis.backend import vector
from service.analysis.extraction import AnalysisScope
from service.analysis.nlp_backend import NlpBackend
from service.models import FeedbackItem, OpinionUnit
from tests.conftest import HashingEmbedder
from tests.nlp.tagging.test_adaptation import FlatTagger
from tests.service.analysis.test_sentiment_adaptation import _items, _stored_sentiment, _unchunked
from tests.service.journey_map.test_journey_api import analyse, ingest


@contextmanager
def _selects(engine: Engine) -> Iterator[list[str]]:
    """The SELECTs the engine runs inside the block, except pass 2's reads of the sampled items' units (by
    id lists of ``chunk`` items: bounded by the sample, not the workspace)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "feedback_id IN (" not in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _workspace(engine: Engine) -> str:
    with Session(engine) as s:
        ws = s.exec(select(FeedbackItem.workspace_id)).first()
    assert ws is not None
    return ws


def test_each_pass_is_one_query_whatever_the_chunk(
    client: TestClient, auth_headers: dict[str, str], engine: Engine, switchable_backend: dict[str, Any]
) -> None:
    backend = NlpBackend(HashingEmbedder(), tagger=FlatTagger())  # type: ignore[arg-type]
    switchable_backend["backend"] = backend
    ingest(client, auth_headers, _items(25))  # 52 items: 18 pages of 3
    analyse(client, auth_headers)
    reference = _unchunked(engine, backend)
    ws = _workspace(engine)
    counts = []
    for chunk in (3, 2000):
        with Session(engine) as s, _selects(engine) as seen:
            report = adapt_workspace_sentiment(s, ws, AnalysisScope(), backend, chunk=chunk)
        assert report is not None and report.adapted
        assert _stored_sentiment(engine) == reference
        counts.append(len(seen))
    assert counts[0] == counts[1], counts  # pages of 3 issue no more statements than one page of 2,000


def test_a_scoped_adaptation_retags_only_the_units_in_scope(
    client: TestClient, auth_headers: dict[str, str], engine: Engine, switchable_backend: dict[str, Any]
) -> None:
    backend = NlpBackend(HashingEmbedder(), tagger=FlatTagger())  # type: ignore[arg-type]
    switchable_backend["backend"] = backend
    shop = [{**item, "source": "shop"} for item in _items(25)]
    app = [{**item, "external_id": f"app-{item['external_id']}", "source": "app"} for item in _items(25)]
    ingest(client, auth_headers, shop + app)
    analyse(client, auth_headers)
    ws = _workspace(engine)
    with Session(engine) as s:  # a marker no re-tagging writes: what stays so was not re-tagged
        s.execute(update(OpinionUnit).values(sentiment="neutral", sentiment_score=0.0, emotion=None))
        s.commit()
        source_of = {i.id: i.source for i in s.exec(select(FeedbackItem)).all()}
        unit_source = {u.id: source_of[u.feedback_id] for u in s.exec(select(OpinionUnit)).all()}
        report = adapt_workspace_sentiment(s, ws, AnalysisScope(source="shop"), backend, chunk=5)
    assert report is not None and report.adapted and report.rated_items == 50  # shop's rated items only
    after = _stored_sentiment(engine)
    app_units = [u for u, src in unit_source.items() if src == "app"]
    shop_units = [u for u, src in unit_source.items() if src == "shop"]
    assert app_units and all(after[u] == ("neutral", 0.0) for u in app_units)
    assert sum(after[u] != ("neutral", 0.0) for u in shop_units) > len(shop_units) // 2


class VectorTagger(FlatTagger):
    """A generic head that reads the vector (row by row, so any batch gives the same bits): what the stored
    copy must reproduce."""

    def __init__(self) -> None:
        self.proba_calls = 0

    def sentiment_proba(
        self, texts: Sequence[str], embeddings: np.ndarray, languages: Sequence[str] | None = None
    ) -> np.ndarray:
        self.proba_calls += 1
        z = np.exp(4.0 * np.asarray(embeddings, dtype=np.float64)[:, :3])
        return np.asarray(z / z.sum(axis=1, keepdims=True))


def _clear_inputs(engine: Engine) -> None:
    with Session(engine) as s:
        s.execute(update(OpinionUnit).values(text_sentiment_proba=None, text_features=None))
        s.commit()


def test_extraction_stores_the_adaptation_inputs_as_the_adaptation_computes_them(
    client: TestClient, auth_headers: dict[str, str], engine: Engine, switchable_backend: dict[str, Any]
) -> None:
    tagger = VectorTagger()
    switchable_backend["backend"] = NlpBackend(HashingEmbedder(), tagger=tagger)  # type: ignore[arg-type]
    ingest(client, auth_headers, _items(25))
    analyse(client, auth_headers)
    with Session(engine) as s:
        units = s.exec(select(OpinionUnit)).all()
    assert units
    for u in units:
        assert u.text_sentiment_proba is not None and u.text_features is not None
        stored = np.frombuffer(u.text_sentiment_proba, dtype=np.float64)
        assert np.array_equal(stored, tagger.sentiment_proba([u.text], vector(u.embedding)[None, :])[0])
        assert np.array_equal(np.frombuffer(u.text_features, dtype=np.float32), text_columns([u.text])[0])


def test_stored_inputs_give_the_result_of_recomputing_them_without_reading_the_texts_again(
    client: TestClient, auth_headers: dict[str, str], engine: Engine, switchable_backend: dict[str, Any]
) -> None:
    tagger = VectorTagger()
    backend = NlpBackend(HashingEmbedder(), tagger=tagger)  # type: ignore[arg-type]
    switchable_backend["backend"] = backend
    ingest(client, auth_headers, _items(25))
    analyse(client, auth_headers)
    ws = _workspace(engine)
    results = []
    for stored in (True, False):
        if not stored:
            _clear_inputs(engine)
        tagger.proba_calls = 0
        with Session(engine) as s:
            s.execute(update(OpinionUnit).values(sentiment="neutral", sentiment_score=0.0, emotion=None))
            s.commit()
            report = adapt_workspace_sentiment(s, ws, AnalysisScope(), backend, chunk=7)
        assert report is not None and report.adapted
        results.append((_stored_sentiment(engine), report.to_json(), tagger.proba_calls))
    (with_inputs, report_with, calls_with), (recomputed, report_without, calls_without) = results
    assert with_inputs == recomputed and report_with == report_without
    assert calls_with == 0 and calls_without > 0  # the generic head ran only where nothing was stored
