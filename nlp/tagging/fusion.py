"""Fusing an item's star rating or NPS answer with the sentiment of each of its units.

The rating is said about the whole item, the text model speaks about one sentence. A 1★ review often holds
neutral-sounding sentences ("I ordered on Monday.", "Livraison prévue mardi.") that belong to a negative
story, and sometimes a genuinely positive one ("the driver was nice") that must stay positive. So the rating
acts as a *prior*, multiplied with the text probabilities (a product of experts), never as an override:

    q = ALPHA * polar(s) + (1 - ALPHA) * uniform
    p_fused ∝ p_text * q

where ``s`` in [-1, 1] is the rating's polarity and ``polar(s) = (max(-s, 0), 1 - |s|, max(s, 0))`` over
(negative, neutral, positive). With ALPHA = 0.5 a 1★ rating makes "negative" 4× as likely as "neutral" or
"positive" a priori: a neutral sentence (neutral at 0.6, negative at 0.25) turns negative, while a confident
positive sentence (positive ≥ 0.8) stays positive. A 3★ / NPS 7 prior is uniform-ish toward neutral and only
nudges. The score is recomputed as p(pos) - p(neg) after fusion.

Scales: stars 1–5 (``(r - 3) / 2``); values above 5 are read as a 0–10 scale (``(r - 5) / 5``). NPS 0–10 uses
``(n - 7) / 3`` clipped to [-1, 1]: detractors 0–4 are fully negative, 6 is mildly negative, 7 is passive
(neutral), 9–10 promoters are positive — the NPS bands, made continuous.
"""

from __future__ import annotations

import math

import numpy as np

SENTIMENT_CLASSES = ("negative", "neutral", "positive")
ALPHA = 0.6


def rating_polarity(rating: float | None) -> float | None:
    """Star rating → polarity in [-1, 1]; None (or NaN) when absent."""
    if rating is None or (isinstance(rating, float) and math.isnan(rating)):
        return None
    r = float(rating)
    s = (r - 5.0) / 5.0 if r > 5 else (r - 3.0) / 2.0
    return float(np.clip(s, -1.0, 1.0))


def nps_polarity(nps: int | None) -> float | None:
    """NPS answer (0–10) → polarity in [-1, 1]; None when absent."""
    if nps is None:
        return None
    return float(np.clip((float(nps) - 7.0) / 3.0, -1.0, 1.0))


def item_polarity(rating: float | None, nps: int | None) -> float | None:
    """One polarity per item: the mean of the signals present (a survey can carry both)."""
    parts = [p for p in (rating_polarity(rating), nps_polarity(nps)) if p is not None]
    return float(np.mean(parts)) if parts else None


def prior_from_polarity(s: float) -> np.ndarray:
    polar = np.array([max(-s, 0.0), 1.0 - abs(s), max(s, 0.0)])
    return ALPHA * polar + (1.0 - ALPHA) / 3.0


def fuse_sentiment(p_text: np.ndarray, polarity: float | None) -> np.ndarray:
    """Text probabilities (negative, neutral, positive) fused with the item's polarity prior."""
    p = np.asarray(p_text, dtype=np.float64)
    if polarity is None:
        return p
    fused = p * prior_from_polarity(polarity)
    return fused / fused.sum()


def sentiment_score(p: np.ndarray) -> float:
    """-1 (surely negative) .. 1 (surely positive)."""
    return float(p[2] - p[0])
