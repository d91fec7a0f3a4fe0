"""Keep pain point ids stable across re-clustering, and assign new units to existing pain points.

Re-clustering produces fresh clusters; a CX team has links, owners and statuses on the old ids. Old and new
clusters are matched one-to-one by centroid cosine similarity (optimal assignment, Hungarian algorithm)
above a threshold: a matched cluster keeps the old id, an unmatched one becomes a new pain point.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

MATCH_THRESHOLD = 0.75
ASSIGN_THRESHOLD = 0.6


def _normalise(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms


def match_clusters(
    old: Sequence[tuple[str, np.ndarray]], new: Sequence[np.ndarray], threshold: float = MATCH_THRESHOLD
) -> dict[int, str]:
    """Map new cluster index -> old id for pairs whose centroids are similar enough."""
    if not old or not new:
        return {}
    a = _normalise(np.vstack([c for _, c in old]).astype(np.float64))
    b = _normalise(np.vstack(new).astype(np.float64))
    sim = b @ a.T
    rows, cols = linear_sum_assignment(-sim)
    return {int(r): old[c][0] for r, c in zip(rows, cols, strict=True) if sim[r, c] >= threshold}


def nearest(
    vectors: np.ndarray, centroids: Sequence[tuple[str, np.ndarray]], threshold: float = ASSIGN_THRESHOLD
) -> list[str | None]:
    """Nearest centroid id per vector, or None below the threshold (stays unassigned)."""
    if not centroids or len(vectors) == 0:
        return [None] * len(vectors)
    c = _normalise(np.vstack([v for _, v in centroids]).astype(np.float64))
    v = _normalise(np.asarray(vectors, dtype=np.float64))
    sim = v @ c.T
    best = sim.argmax(axis=1)
    return [centroids[j][0] if sim[i, j] >= threshold else None for i, j in enumerate(best)]
