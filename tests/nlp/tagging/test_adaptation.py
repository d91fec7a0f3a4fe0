"""Per-workspace sentiment adaptation (nlp/tagging/adaptation.py, nlp/pipeline/adapt.py)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nlp.pipeline import Record, analyze_records
from nlp.pipeline.adapt import rating_labels
from nlp.tagging.adaptation import (
    AdaptationConfig,
    adapt_sentiment,
    adapt_unit_tags,
    blend,
    document_f1,
)
from nlp.tagging.aggregate import DocumentRule
from nlp.tagging.types import UnitTags

DIM = 16


def _workspace(n_items: int, seed: int = 0, signal: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Items of 1–3 units; the item's polarity lives along one feature direction the generic head ignores."""
    rng = np.random.default_rng(seed)
    truth = np.where(rng.random(n_items) < 0.5, -1, 1)
    rows = np.repeat(np.arange(n_items), rng.integers(1, 4, n_items))
    x = rng.normal(size=(len(rows), DIM))
    x[:, 0] += signal * 2.0 * truth[rows]
    return x, rows, truth


def _flat_generic(n: int) -> np.ndarray:
    """A generic head that knows nothing of this domain: 30 % neutral, polar mass split evenly."""
    return np.tile([0.35, 0.30, 0.35], (n, 1))


def test_adapts_and_scores_unrated_items_well() -> None:
    x, rows, truth = _workspace(400)
    labels = truth.copy()
    labels[200:] = 0  # half the workspace unrated (tickets, surveys)
    a = adapt_sentiment(x, _flat_generic(len(rows)), rows, labels)
    assert a.report.adapted and a.weight > 0
    assert a.report.rated_items == 200
    unrated = np.arange(200, 400)
    assert document_f1(_flat_generic(len(rows)), rows, unrated, truth) < 0.2
    assert document_f1(a.text_proba, rows, unrated, truth) > 0.9
    gain = a.report.heldout_gain
    assert gain is not None and gain > 0.5 and a.report.heldout_items == 50


def test_too_few_rated_items_keeps_the_generic_head() -> None:
    x, rows, truth = _workspace(100)
    labels = np.zeros_like(truth)
    labels[np.flatnonzero(truth == 1)[:30]] = 1
    labels[np.flatnonzero(truth == -1)[:10]] = -1
    generic = _flat_generic(len(rows))
    a = adapt_sentiment(x, generic, rows, labels)
    assert not a.report.adapted and a.head is None
    assert "negative 10" in a.report.reason
    np.testing.assert_array_equal(a.text_proba, generic)


def test_noise_is_not_adapted() -> None:
    """Features unrelated to the ratings: cross-validation keeps the generic head (weight 0)."""
    x, rows, truth = _workspace(200, signal=0.0)
    generic = np.tile([0.6, 0.1, 0.3], (len(rows), 1))
    generic[np.isin(rows, np.flatnonzero(truth == 1))] = [0.3, 0.1, 0.6]  # a generic head that is right
    a = adapt_sentiment(x, generic, rows, truth)
    assert not a.report.adapted
    assert a.report.reason == "cross-validation kept the generic head"


def test_a_weight_that_loses_on_held_out_items_is_not_applied() -> None:
    """A grid of weight 1 only forces cross-validation to pick it (on all rated items and on three quarters
    of them); on noise features the held-out quarter then scores worse than the right generic head, so the
    tags stand (R21). Without the guard it would apply."""
    x, rows, truth = _workspace(200, signal=0.0)
    generic = np.tile([0.6, 0.1, 0.3], (len(rows), 1))
    generic[np.isin(rows, np.flatnonzero(truth == 1))] = [0.3, 0.1, 0.6]
    a = adapt_sentiment(x, generic, rows, truth, AdaptationConfig(weights=(1.0,)))
    assert not a.report.adapted and a.head is None and a.weight == 0.0
    assert a.report.reason == "the choice to adapt did not hold on a held-out quarter"
    gain = a.report.heldout_gain
    assert gain is not None and gain < 0
    np.testing.assert_array_equal(a.text_proba, generic)
    unguarded = adapt_sentiment(
        x, generic, rows, truth, AdaptationConfig(weights=(1.0,), require_stable_choice=False)
    )
    assert unguarded.report.adapted and unguarded.weight == 1.0


def test_a_rated_items_own_label_never_scores_its_own_text() -> None:
    """Random high-dimensional features and a weak penalty: a head fitted on every rated item memorises
    them (in-sample F1 ~1), so only cross-fitting gives rated items an honest (chance) text score."""
    rng = np.random.default_rng(3)
    n = 120
    rows = np.arange(n)
    truth = np.where(rng.random(n) < 0.5, -1, 1)
    x = rng.normal(size=(n, 400))
    cfg = AdaptationConfig(weights=(1.0,), c=100.0)
    a = adapt_sentiment(x, _flat_generic(n), rows, truth, cfg)
    assert a.report.adapted and a.head is not None
    in_sample = blend(_flat_generic(n), a.head.p_positive(x), 1.0)
    assert document_f1(in_sample, rows, rows, truth) > 0.95
    assert document_f1(a.text_proba, rows, rows, truth) < 0.75


def test_blend_keeps_the_generic_neutral_mass() -> None:
    generic = np.array([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3]])
    out = blend(generic, np.array([1.0, 0.0]), 0.5)
    np.testing.assert_allclose(out[:, 1], generic[:, 1])
    np.testing.assert_allclose(out.sum(axis=1), 1.0)
    assert out[0, 2] > generic[0, 2] and out[1, 0] > generic[1, 0]


def test_rating_labels_read_stars_ten_point_and_nps() -> None:
    stars = rating_labels([1, 2, 3, 4, 5, None, None], [None, None, None, None, None, 3, None], 5)
    assert stars.tolist() == [-1, -1, 0, 1, 1, -1, 0]
    ten = rating_labels([2, 6, 7, 9, 10], [None] * 5, 10)
    assert ten.tolist() == [-1, -1, 0, 1, 1]


def _tags(n: int) -> list[UnitTags]:
    return [UnitTags("support", 0.9, "neutral", 0.0, None, 0.0, False, None) for _ in range(n)]


def test_adapt_unit_tags_retags_unrated_and_fuses_ratings() -> None:
    x, rows, truth = _workspace(300, seed=5)
    labels = truth.copy()
    labels[150:] = 0
    ratings: list[float | None] = [
        5.0 if labels[r] == 1 else (1.0 if labels[r] == -1 else None) for r in rows
    ]
    texts = [f"unit {i}" for i in range(len(rows))]

    def generic(t: Sequence[str], v: np.ndarray) -> np.ndarray:
        return _flat_generic(len(t))

    tags, report = adapt_unit_tags(
        _tags(len(rows)), texts, x, rows, labels, ratings, [None] * len(rows), generic, lambda v, t: v
    )
    assert report.adapted
    unrated = rows >= 150
    predicted = np.array([{"negative": -1, "neutral": 0, "positive": 1}[t.sentiment] for t in tags])
    assert np.mean(predicted[unrated] == truth[rows[unrated]]) > 0.8
    assert all(t.stage == "support" for t in tags)  # only sentiment changes


def test_adapt_unit_tags_without_enough_ratings_is_a_no_op() -> None:
    tags = _tags(3)

    def boom(t: Sequence[str], v: np.ndarray) -> np.ndarray:
        raise AssertionError("the sentiment head must not run when nothing can be fitted")

    out, report = adapt_unit_tags(
        tags, ["a", "b", "c"], np.zeros((3, 2)), np.arange(3), np.array([1, -1, 0]), [5.0, 1.0, None],
        [None] * 3, boom, lambda v, t: v,
    )  # fmt: skip
    assert out == tags and not report.adapted and report.rated_items == 2


class FlatTagger:
    """Neutral tags, and a generic sentiment head that cannot tell this domain's complaints from praise."""

    model_id = "test-hashing"

    def sentiment_proba(
        self, texts: Sequence[str], embeddings: np.ndarray, languages: Sequence[str] | None = None
    ) -> np.ndarray:
        return _flat_generic(len(texts))

    def tag(self, texts, embeddings, languages, ratings=None, nps=None) -> list[UnitTags]:  # type: ignore[no-untyped-def]
        return _tags(len(texts))


def test_cli_pipeline_adapts_from_the_rating_column(hashing_embedder) -> None:  # type: ignore[no-untyped-def]
    records = [Record(f"Câble cassant et fragile, lot {i}.", rating=1, language="fr") for i in range(25)]
    records += [Record(f"Câble solide et robuste, lot {i}.", rating=5, language="fr") for i in range(25)]
    records += [Record("Mon câble est cassant et fragile.", language="fr")]
    res = analyze_records(records, embedder=hashing_embedder, tagger=FlatTagger())
    report = res.to_json()["sentiment_adaptation"]
    assert report["adapted"] is True and report["rated_items"] == 50, report
    ticket = [u for u in res.units if u.row == len(records) - 1]
    assert ticket and all(u.sentiment == "negative" for u in ticket)
    assert all(u.pain_point is not None for u in ticket)


def test_document_f1_judges_documents_by_the_pipelines_rule() -> None:
    """A review of praise and criticism (mean score 0.1: neutral under the old ±0.2 band) is positive by
    the rule the product applies, and the adaptation's F1 must say so."""
    proba = np.array([[0.2, 0.1, 0.7], [0.6, 0.1, 0.3], [0.8, 0.1, 0.1], [0.7, 0.2, 0.1]])
    rows = np.array([0, 0, 1, 1])
    labels = np.array([1, -1])
    assert document_f1(proba, rows, np.arange(2), labels) == 1.0
    assert document_f1(proba, rows, np.arange(2), labels, DocumentRule(band=0.2)) < 1.0
