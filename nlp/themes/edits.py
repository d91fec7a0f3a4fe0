"""Vector arithmetic behind human edits of pain points: merging several into one, splitting one into parts.

Kept apart from the API so that the numbers an analyst gets from a merge or a split can be tested, and
reproduced, without a database: a merged centroid is the size-weighted mean of the parts; a split is a
seeded k-means, so the same units always split the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


class SplitError(ValueError):
    """The vectors cannot be split as asked; the caller reports it against the requested number of parts."""


class TooFewVectorsError(SplitError):
    """Fewer vectors than ``parts * min_per_part``: a group of one is a quote, not a pain point."""

    def __init__(self, n_vectors: int, parts: int, min_per_part: int) -> None:
        super().__init__(f"{n_vectors} vectors cannot be split into {parts} groups of {min_per_part}+")
        self.n_vectors = n_vectors
        self.parts = parts
        self.min_per_part = min_per_part


class DegenerateSplitError(SplitError):
    """k-means left a group empty, which happens when there are fewer distinct vectors than parts."""

    def __init__(self, parts: int) -> None:
        super().__init__(f"the vectors do not form {parts} distinct groups")
        self.parts = parts


@dataclass(frozen=True, eq=False)
class SplitGroup:
    """One part of a split. Indices refer to rows of the vectors given to ``split_vectors``."""

    members: tuple[int, ...]  # ascending
    centroid: np.ndarray  # (dim,) float64, L2-normalised
    by_centrality: tuple[int, ...]  # the members, most similar to the centroid first

    @property
    def size(self) -> int:
        return len(self.members)


def merged_centroid(centroids: Sequence[np.ndarray | None], sizes: Sequence[int]) -> np.ndarray | None:
    """Centroid of pain points folded together: their centroids averaged with their sizes as weights,
    re-normalised. A pain point without a centroid, or with one of another dimension than the first
    (stored under another embedding model), is left out rather than failing the merge; an empty one still
    counts once, so emptying a pain point does not erase where it was. ``None`` when nothing is left."""
    if len(centroids) != len(sizes):
        raise ValueError("sizes: must have one size per centroid")
    weights: list[int] = []
    vectors: list[np.ndarray] = []
    for c, size in zip(centroids, sizes, strict=True):
        if c is not None and (not vectors or len(c) == len(vectors[0])):
            vectors.append(c)
            weights.append(max(size, 1))
    if not vectors:
        return None
    centroid = np.average(np.vstack(vectors), axis=0, weights=weights)
    out: np.ndarray = centroid / (np.linalg.norm(centroid) or 1.0)
    return out


def split_vectors(
    vectors: Sequence[np.ndarray] | np.ndarray,
    parts: int,
    *,
    min_per_part: int = 2,
    n_init: int = 10,
    random_state: int = 0,
) -> list[SplitGroup]:
    """Split ``vectors`` (rows of one dimension) into ``parts`` groups with k-means, largest group first
    (ties: k-means label order). The fixed seed makes a split reproducible: asking twice gives the
    same groups.

    Raises ``TooFewVectorsError`` when ``n < parts * min_per_part`` and ``DegenerateSplitError`` when a
    group comes out empty."""
    from sklearn.cluster import KMeans  # heavy import, only needed when someone splits

    n = len(vectors)
    if n < min_per_part * parts:
        raise TooFewVectorsError(n, parts, min_per_part)
    x = np.vstack(list(vectors)).astype(np.float64)
    labels = KMeans(n_clusters=parts, n_init=n_init, random_state=random_state).fit_predict(x)
    order = sorted(range(parts), key=lambda g: (-int((labels == g).sum()), g))
    if any(int((labels == g).sum()) == 0 for g in order):
        raise DegenerateSplitError(parts)
    groups = []
    for g in order:
        members = np.flatnonzero(labels == g)
        vecs = x[labels == g]
        centroid = vecs.mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        central = np.argsort(-(vecs @ centroid))
        groups.append(
            SplitGroup(
                members=tuple(int(i) for i in members),
                centroid=centroid,
                by_centrality=tuple(int(members[i]) for i in central),
            )
        )
    return groups
