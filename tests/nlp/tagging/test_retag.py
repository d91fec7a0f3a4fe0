"""``nlp.tagging.retag`` fuses many units at once with the same bits as the tagger's per-unit fusion."""

from __future__ import annotations

import numpy as np

from nlp.tagging.fusion import SENTIMENT_CLASSES, fuse_sentiment, item_polarity, sentiment_score
from nlp.tagging.retag import fused_sentiments, kept_emotion


def _per_unit(
    p: np.ndarray, ratings: list[float | None], nps: list[int | None]
) -> tuple[list[str], list[float]]:
    """The reference: ``EmbeddingTagger.tag``'s fusion, one unit at a time."""
    labels, scores = [], []
    for i in range(len(p)):
        fused = fuse_sentiment(p[i], item_polarity(ratings[i], nps[i]))
        labels.append(SENTIMENT_CLASSES[int(np.argmax(fused))])
        scores.append(round(sentiment_score(fused), 4))
    return labels, scores


def test_fused_sentiments_equal_the_per_unit_fusion_bit_for_bit() -> None:
    rng = np.random.default_rng(7)
    n = 20_000
    p = rng.dirichlet([0.6, 0.6, 0.6], size=n)
    p[:50] = [1 / 3, 1 / 3, 1 / 3]  # exact ties: argmax takes the first, both ways
    p[50:100] = [0.5, 0.0, 0.5]
    stars: list[float | None] = [None, 1.0, 2.0, 3.0, 4.0, 5.0, 2.5, 7.0, 10.0]
    scores_nps: list[int | None] = [None, 0, 4, 6, 7, 8, 9, 10]
    ratings = [stars[k] for k in rng.integers(0, len(stars), n)]
    nps = [scores_nps[k] for k in rng.integers(0, len(scores_nps), n)]
    labels, scores = fused_sentiments(p, ratings, nps)
    expected_labels, expected_scores = _per_unit(p, ratings, nps)
    assert labels == expected_labels
    assert [s.hex() for s in scores] == [s.hex() for s in expected_scores]
    assert len(set(labels)) == 3 and any(r is None and q is None for r, q in zip(ratings, nps, strict=True))


def test_no_rating_leaves_the_text_probabilities_as_they_are() -> None:
    p = np.array([[0.2, 0.5, 0.3], [0.7, 0.2, 0.1]])
    assert fused_sentiments(p, [None, None], [None, None]) == (["neutral", "negative"], [0.1, -0.6])


def test_an_emotion_is_kept_only_while_it_fits_the_polarity() -> None:
    assert kept_emotion("anger", "negative") and not kept_emotion("anger", "positive")
    assert kept_emotion("trust", "positive") and not kept_emotion("trust", "neutral")
    assert not kept_emotion(None, "negative")
