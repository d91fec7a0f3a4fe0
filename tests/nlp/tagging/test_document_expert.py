"""The document sentiment expert (issue 10): blended into the document rule without changing its gates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nlp.tagging.aggregate import document_polarities, document_sentiment
from nlp.tagging.artifacts import ModelMismatchError, TextHead
from nlp.tagging.document_expert import (
    DocumentExpert,
    blended_polarities,
    document_sentiments,
    load_document_expert,
    mean_rows,
)
from nlp.tagging.types import UnitTags

DIM = 4


def _u(sentiment: str, score: float) -> UnitTags:
    return UnitTags("unknown", 0.0, sentiment, score, None, 0.0, False, None)  # type: ignore[arg-type]


def _expert(
    blend: float = 0.5, min_units: int = 2, text: TextHead | None = None, wt: float = 0.0
) -> DocumentExpert:
    """Reads dimension 0 of the mean embedding: +x → positive, −x → negative (neutral near 0)."""
    coef = np.zeros((3, DIM), dtype=np.float32)
    coef[0, 0], coef[2, 0] = -8.0, 8.0
    return DocumentExpert(
        ("negative", "neutral", "positive"), coef, np.zeros(3, np.float32), "m", blend, min_units, wt, text
    )


def test_no_expert_or_zero_blend_is_the_rule() -> None:
    rng = np.random.default_rng(3)
    pol = rng.integers(-1, 2, 60)
    score = rng.uniform(-1, 1, 60)
    rows = np.sort(rng.integers(0, 20, 60))
    ref = document_polarities(pol, score, rows, 20)
    assert (blended_polarities(pol, score, rows, 20, None, 0.5, 1) == ref).all()
    assert (blended_polarities(pol, score, rows, 20, rng.uniform(-1, 1, 20), 0.0, 1) == ref).all()


def test_expert_moves_a_mixed_review_but_not_short_documents_or_neutral_ones() -> None:
    # doc 0: mixed review, mean -0.05 → negative by the rule; the expert reads it as clearly positive.
    # doc 1: one unit (below min_units): the rule alone.
    # doc 2: no polar unit: neutral whatever the expert says.
    pol = np.array([1, -1, -1, 0, 0])
    score = np.array([0.4, -0.5, -0.5, 0.1, -0.1])
    rows = np.array([0, 0, 1, 2, 2])
    expert_score = np.array([0.9, 0.9, 0.9])
    assert document_polarities(pol, score, rows, 3).tolist() == [-1, -1, 0]
    out = blended_polarities(pol, score, rows, 3, expert_score, 0.5, 2)
    assert out.tolist() == [1, -1, 0]
    use = np.array([False, True, True])  # e.g. doc 0 has a rating: the expert is not mixed in
    assert blended_polarities(pol, score, rows, 3, expert_score, 0.5, 2, use).tolist() == [-1, -1, 0]


def test_document_sentiments_without_expert_equal_the_per_document_rule() -> None:
    rng = np.random.default_rng(5)
    classes = ("negative", "neutral", "positive")
    docs = [
        [_u(classes[int(rng.integers(3))], float(rng.uniform(-1, 1))) for _ in range(int(rng.integers(1, 5)))]
        for _ in range(80)
    ]
    embs = [rng.normal(size=(len(d), DIM)).astype(np.float32) for d in docs]
    texts = [f"doc {i}" for i in range(len(docs))]
    assert document_sentiments(docs, embs, texts, None) == [document_sentiment(d) for d in docs]


def test_document_sentiments_use_the_mean_embedding_and_skip_rated_documents() -> None:
    doc = [_u("positive", 0.6), _u("negative", -0.7)]  # mean -0.05: negative by the rule
    emb = np.array([[1.0, 0, 0, 0], [0.6, 0, 0, 0]], dtype=np.float32)  # mean dim 0 = 0.8: expert positive
    assert document_sentiments([doc], [emb], ["t"], _expert()) == ["positive"]
    assert document_sentiments([doc], [emb], ["t"], _expert(), use_expert=[False]) == ["negative"]
    assert document_sentiments([doc], [emb], ["t"], _expert(min_units=3)) == ["negative"]
    assert document_sentiments([doc], [-emb], ["t"], _expert()) == ["negative"]


def test_mean_rows() -> None:
    v = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype=np.float32)
    np.testing.assert_allclose(mean_rows(v, np.array([0, 0, 2]), 3), [[2, 3], [0, 0], [5, 6]])


def test_save_load_roundtrip_refuses_another_space_and_drops_a_stale_text_head(tmp_path: Path) -> None:
    text = TextHead(
        "sentiment",
        ("negative", "neutral", "positive"),
        ("bon", "nul"),
        np.ones(2, np.float32),
        np.array([[0, 3.0], [0, 0], [3.0, 0]], np.float32),
        np.zeros(3, np.float32),
    )
    _expert(0.25, 1, text, 0.35).save(tmp_path)
    got = load_document_expert(tmp_path, "m")
    assert got is not None and got.blend == 0.25 and got.min_units == 1 and got.text_weight == 0.35
    assert got.text is not None and got.text.vocabulary == ("bon", "nul")
    x = np.array([[0.5, 0, 0, 0]], np.float32)
    np.testing.assert_allclose(
        got.proba(x, ["bon"]), _expert(0.25, 1, text, 0.35).proba(x, ["bon"]), rtol=1e-6
    )
    with pytest.raises(ModelMismatchError):
        load_document_expert(tmp_path, "other")
    _expert().save(tmp_path)
    again = load_document_expert(tmp_path, "m")
    assert again is not None and again.text is None
    assert load_document_expert(tmp_path / "none", "m") is None


def test_flat_columns_give_the_same_verdicts_as_per_document_lists() -> None:
    from nlp.tagging.document_expert import document_sentiments_flat

    rng = np.random.default_rng(11)
    classes = ("negative", "neutral", "positive")
    docs = [
        [_u(classes[int(rng.integers(3))], float(rng.uniform(-1, 1))) for _ in range(int(rng.integers(0, 5)))]
        for _ in range(120)
    ]
    embs = [rng.normal(size=(len(d), DIM)).astype(np.float32) for d in docs]
    texts = [f"doc {i}" for i in range(len(docs))]
    use = rng.random(len(docs)) < 0.7
    listed = document_sentiments(docs, embs, texts, _expert(0.5, 1), use.tolist())
    rows = np.array([d for d, units in enumerate(docs) for _ in units])
    flat = document_sentiments_flat(
        [t for d in docs for t in d], rows, len(docs), np.concatenate(embs), texts, _expert(0.5, 1), use
    )
    assert listed == flat
    assert listed != document_sentiments(docs, embs, texts, None)  # the expert changed some verdicts


def test_shipped_minilm_expert_changes_english_verdicts_the_rule_alone_gives() -> None:
    """The bench and the CLI read ``tagger.document_expert``; with the MiniLM expert shipped, a weakly
    negative English document whose text and mean embedding read positive is no longer called negative."""
    from nlp.tagging.tagger import load_tagger

    expert = load_tagger(None, "sentence-transformers:all-MiniLM-L6-v2").document_expert
    assert expert is not None
    direction = (expert.coef[2] - expert.coef[0]).astype(np.float32)
    emb = np.stack([direction, direction]) / np.linalg.norm(direction)
    text = "Great service, fast delivery, nothing to complain about. Really happy."
    tags = [_u("negative", -0.12), _u("positive", 0.05)]
    assert document_sentiments([tags], [emb], [text], None) == ["negative"]
    assert document_sentiments([tags], [emb], [text], expert) == ["positive"]
