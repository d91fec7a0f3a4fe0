"""Second level over pain points: near-duplicates merged, then parent themes by centroid similarity.

Why two thresholds: a pain point is one irritant said many ways; as data grows the unit-level clustering
splits some irritants in two ("refund not received" / "refund takes weeks", or one per language) whose
centroids stay very close. Those are *the same* pain point (merged, ``duplicate_sim``). Pain points that are
only related (all about refunds, all about the app) stay apart but share a parent theme (``theme_distance``),
so a reader gets a short list of themes and the detail under each.

Both steps are agglomerative on the L2-normalised centroids: deterministic (no random start), no number of
themes to supply. Duplicates use complete linkage on cosine distance (every pair in a merged group is above
``duplicate_sim``, so merging cannot chain unrelated pain points); themes use Ward with a distance threshold
and a cap on the number of themes that grows with the square root of the number of pain points.
Group ids are renumbered by decreasing total size, then by first member, so two runs print the same list.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from nlp.themes.clustering import (
    UNASSIGNED,
    Clustering,
    Matrix,
    cluster_sums,
    nearest_centroid,
    own_similarity,
)


@dataclass(frozen=True)
class HierarchyParams:
    # cosine of two pain-point centroids at or above which they are one pain point (contextualized space);
    # 0.85 measured on Banking77 train (docs/benchmarks.md, issue 11): 5k items 155 → 139 pain points at the
    # same V (0.780), 2k 96 → 92 (V −0.004), 1k unchanged; the bilingual fixture unchanged (0.80 too).
    duplicate_sim: float = 0.85
    # Parent themes: Ward on the L2-normalised pain-point centroids, cut at ``theme_distance`` (for two single
    # pain points, Ward's cost is their Euclidean distance: 1.0 ⇔ cosine 0.5) and at most
    # ``max_themes(k)`` = max(``min_theme_cap``, ⌈√(2k)⌉) themes for k pain points, so a reader gets a short
    # list that grows far slower than the pain points (99 → 15, 142 → 17, 200 → 20).
    # Why Ward: average linkage (the first version, with a threshold relative to the median distance)
    # chains long complaint narratives of one industry into one blob: on CFPB (300 items, 99 pain points)
    # capping it at 15 themes put 82% of the units in one theme (V vs Product 0.138), Ward 28% (V 0.362);
    # Banking77 test (1,500 items, 80 pain points) V vs 10 subject groups 0.503 with Ward at the cap (13).
    # ``method="average"`` keeps the first version for comparison (``python -m bench.themes``).
    method: Literal["ward", "average"] = "ward"
    theme_distance: float = 1.0
    min_theme_cap: int = 10
    # average only: the threshold as a fraction of the median pairwise distance (``relative``) or absolute
    relative: bool = False
    # shortest name of a parent theme, in content words. 1 allows "Refund / Remboursement" but also "Rude",
    # "Damaged", "App": on the bilingual fixture (9 themes) names sharing a word with the human name were
    # en 0.889 / fr 0.889 with 1, en 1.0 / fr 0.889 with 2 (``python -m bench.themes --sets fixture``).
    theme_name_words: int = 2

    def max_themes(self, k: int) -> int:
        return max(self.min_theme_cap, math.ceil(math.sqrt(2 * k)))


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def _renumber(raw: np.ndarray, sizes: Sequence[int]) -> np.ndarray:
    def key(g: int) -> tuple[int, int]:
        return (-sum(sizes[int(i)] for i in np.flatnonzero(raw == g)), int(np.argmax(raw == g)))

    groups = sorted({int(g) for g in raw}, key=key)
    new = {g: n for n, g in enumerate(groups)}
    return np.array([new[int(g)] for g in raw], dtype=np.int64)


def _agglomerate(centroids: np.ndarray, distance: float, linkage: str) -> np.ndarray:
    if centroids.shape[0] < 2:
        return np.zeros(centroids.shape[0], dtype=np.int64)
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(
        n_clusters=None, distance_threshold=distance, metric="cosine", linkage=linkage
    )
    return np.asarray(model.fit_predict(_normalise(centroids)), dtype=np.int64)


def duplicate_groups(centroids: np.ndarray, sizes: Sequence[int], min_sim: float) -> np.ndarray:
    """Group id per pain point; pain points sharing one are near-duplicates to merge (ids by size)."""
    return _renumber(_agglomerate(centroids, 1.0 - min_sim, "complete"), sizes)


def theme_groups(centroids: np.ndarray, sizes: Sequence[int], params: HierarchyParams) -> np.ndarray:
    """Parent theme id per pain point (ids by decreasing total size), see ``HierarchyParams``."""
    k = centroids.shape[0]
    if params.method == "ward":
        if k < 2:
            return np.zeros(k, dtype=np.int64)
        from sklearn.cluster import AgglomerativeClustering

        x = _normalise(centroids)
        raw = AgglomerativeClustering(
            n_clusters=None, distance_threshold=params.theme_distance, linkage="ward"
        ).fit_predict(x)
        cap = params.max_themes(k)
        if len(set(raw.tolist())) > cap:
            raw = AgglomerativeClustering(n_clusters=cap, linkage="ward").fit_predict(x)
        return _renumber(np.asarray(raw, dtype=np.int64), sizes)
    return _average_groups(centroids, sizes, params.theme_distance, params.relative)


def _average_groups(
    centroids: np.ndarray, sizes: Sequence[int], distance: float, relative: bool
) -> np.ndarray:
    """The first version: average linkage; ``relative``: ``distance`` is a fraction of the median pairwise
    centroid distance (0.8 was its default)."""
    if relative and centroids.shape[0] >= 3:
        x = _normalise(centroids)
        d = 1.0 - x @ x.T
        distance *= float(np.median(d[np.triu_indices(x.shape[0], 1)]))
    return _renumber(_agglomerate(centroids, distance, "average"), sizes)


def group_centroid(vectors: Matrix, chunk: int = 50_000) -> np.ndarray:
    """Normalised float64 mean of the rows, ``chunk`` rows at a time (a parent theme can hold most of 1.3M
    units: no float64 copy of them all). The rows are added one after another in order, which is what
    ``mean(axis=0)`` over the whole float64 copy does, so the result is the same to the bit."""
    n = vectors.shape[0]
    sums = np.zeros((1, vectors.shape[1]), dtype=np.float64)
    for s in range(0, n, chunk):
        part = np.asarray(vectors[s : s + chunk], dtype=np.float64)
        np.add.at(sums, np.zeros(part.shape[0], dtype=np.intp), part)
    c = sums[0] / n
    return (c / max(float(np.linalg.norm(c)), 1e-12)).astype(np.float32)


def similarities(vectors: Matrix, centroid: np.ndarray, chunk: int = 50_000) -> np.ndarray:
    """Cosine of each row to ``centroid``, chunk by chunk, with a row-by-row product (``einsum``): the
    figures do not depend on the chunking. The matrix-vector product (``@``) used before gave results that
    depend on how many rows it is handed (BLAS blocks rows), so a chunked ``@`` was not an option; the two
    differ by float32 rounding only (< 1e-6 on unit vectors), and only the order of near-equal members when
    a parent theme is named could change (tests/nlp/themes/test_clustering_float16.py)."""
    n = vectors.shape[0]
    parts = [
        np.einsum("ij,j->i", np.asarray(vectors[s : s + chunk], dtype=np.float32), centroid)
        for s in range(0, n, chunk)
    ]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)


def merge_near_duplicates(clustering: Clustering, vectors: Matrix, min_sim: float) -> Clustering:
    """The clustering with near-duplicate clusters merged (centroids, similarity and ids recomputed)."""
    labels = clustering.labels
    k = clustering.centroids.shape[0]
    if k < 2 or min_sim > 1.0:  # above 1: merging off
        return clustering
    sizes = np.bincount(labels[labels >= 0], minlength=k)
    groups = duplicate_groups(clustering.centroids, list(sizes), min_sim)
    if len(set(groups.tolist())) == k:
        return clustering
    # group ids are already by decreasing merged size; ties by first cluster (itself by size, first member)
    merged = np.where(labels >= 0, groups[np.maximum(labels, 0)], UNASSIGNED)
    k2 = int(groups.max()) + 1
    # chunked sums and dot products (nlp.themes.clustering): the same figures, no whole-matrix copies
    centroids = _normalise(cluster_sums(vectors, merged, k2)).astype(np.float32)
    nearest, _ = nearest_centroid(vectors, centroids)
    own = np.where(merged >= 0, merged, nearest)
    similarity = own_similarity(vectors, centroids, own)
    return Clustering(labels=merged.astype(np.int64), centroids=centroids, similarity=similarity)
