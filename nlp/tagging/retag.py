"""The tagger's sentiment fusion (``nlp.tagging.fusion``) for many units at once.

After the sentiment adaptation every unit of a workspace gets new text probabilities, fused with its item's
rating/NPS exactly as ``EmbeddingTagger.tag`` fuses them. Unit by unit (``fuse_sentiment``, an item polarity
per unit, a tags object rebuilt per unit) that was most of the re-scoring's Python time at 1M units
(docs/benchmarks.md, issue 14). Here: one polarity per distinct (rating, NPS) pair, the prior and the
renormalisation as array operations. The operations and their order per unit are the scalar code's, so the
labels and rounded scores are the same bits (tests/nlp/tagging/test_retag.py compares them on random input).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nlp.tagging.fusion import ALPHA, SENTIMENT_CLASSES, item_polarity
from nlp.tagging.tagger import NEGATIVE_EMOTIONS, POSITIVE_EMOTIONS

ALLOWED_EMOTIONS: dict[str, tuple[str, ...]] = {"negative": NEGATIVE_EMOTIONS, "positive": POSITIVE_EMOTIONS}


def fused_sentiments(
    text_proba: np.ndarray, ratings: Sequence[float | None], nps: Sequence[int | None]
) -> tuple[list[str], list[float]]:
    """Per unit: its label (SENTIMENT_CLASSES) and score (p(pos) − p(neg), rounded to 4 places) after
    fusing ``text_proba`` (n, 3) with its item's rating / NPS prior, as ``EmbeddingTagger.tag`` does."""
    fused = np.array(text_proba, dtype=np.float64, copy=True)
    polarities: dict[tuple[float | None, int | None], float | None] = {}
    signs = np.full(len(ratings), np.nan)
    for i, key in enumerate(zip(ratings, nps, strict=True)):
        if key not in polarities:
            polarities[key] = item_polarity(*key)
        s = polarities[key]
        if s is not None:
            signs[i] = s
    has = ~np.isnan(signs)
    if has.any():
        s = signs[has]
        polar = np.stack([np.maximum(-s, 0.0), 1.0 - np.abs(s), np.maximum(s, 0.0)], axis=1)
        prior = ALPHA * polar + (1.0 - ALPHA) / 3.0
        part = fused[has] * prior
        total = (part[:, 0] + part[:, 1]) + part[:, 2]  # the scalar ``sum`` of three, in its order
        fused[has] = part / total[:, None]
    labels = [SENTIMENT_CLASSES[k] for k in np.argmax(fused, axis=1).tolist()]
    scores = [round(x, 4) for x in (fused[:, 2] - fused[:, 0]).tolist()]
    return labels, scores


def kept_emotion(emotion: str | None, sentiment: str) -> bool:
    """An emotion survives re-tagging only while it fits the new polarity."""
    return emotion in ALLOWED_EMOTIONS.get(sentiment, ())
