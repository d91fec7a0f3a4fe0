"""Opinion units → clusters (pain points from negative units, opportunities from positive ones).

Method (chosen by the numbers in docs/benchmarks.md, where HDBSCAN and over-cluster+merge were compared):
1. **kNN smoothing** — each vector is replaced by the normalised mean of its k (5) nearest neighbours (itself
   included). One step of this mean-shift-like denoising pulls paraphrases together and lifted V-measure by
   ~0.01 on Banking77 with MiniLM at no real cost; k=5 beat k=10 on mapped macro-F1 on both labeled sets.
2. **Ward agglomerative clustering with a distance threshold** — no cluster count to supply; the threshold is
   in units of Ward's merge cost on unit vectors, so it means the same thing on every corpus. Deterministic
   (no random initialisation; ties follow input order, and input order is fixed by the caller).
3. **Small clusters dissolve** (fewer than ``min_size`` members: not a *recurring* irritant), and members
   whose
   cosine to their own centroid is below ``assign_min_sim`` are released (smoothing/chaining pulled them in);
   these units and any others are re-assigned to the nearest surviving centroid when cosine ≥
   ``assign_min_sim``. If more than
   ``max_unassigned`` of the units would remain unassigned, the best-fitting leftovers are assigned until the
   share is at that cap; the rest stay explicitly ``-1``.
4. **Scale** — above ``sample_cap`` units, steps 1–3 run on a deterministic sample (seeded), and every other
   unit is assigned to the nearest centroid in fixed-size chunks, so memory stays flat (Ward needs O(n²) on
   the
   sample only) and time is linear in n.

Cluster ids are renumbered by decreasing size (then first member) so that two runs print the same list.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

Method = Literal["ward", "hdbscan", "overmerge"]
UNASSIGNED = -1


@dataclass(frozen=True)
class ClusterParams:
    method: Method = "ward"
    knn: int = 5
    ward_threshold: float = 2.5
    # Ward's merge cost between two groups grows with their sizes (√(2·n₁n₂/(n₁+n₂)) × centroid distance), so
    # a fixed threshold splits one irritant into more and more pain points as data grows. Above
    # ``ward_reference`` fitted units the threshold is multiplied by (n / ward_reference) ** ``ward_growth``.
    # The reference is the size the 2.5 was chosen at (Banking77 test, ~4,000 units), so results below it
    # are unchanged. Growth curves in docs/benchmarks.md (issue 11); 0 turns it off.
    ward_reference: int = 4000
    ward_growth: float = 0.25
    min_size: int | None = None  # None: max(3, 0.3% of the fitted units)
    assign_min_sim: float = 0.45
    max_unassigned: float = 0.10
    sample_cap: int = 8000
    chunk: int = 50_000
    seed: int = 0
    # over-cluster + merge: k-means with n/overmerge_ratio centres, then average-linkage merge of the centres.
    overmerge_ratio: int = 8
    overmerge_threshold: float = 0.35


@dataclass
class Clustering:
    labels: np.ndarray  # (n,) int, -1 = unassigned
    centroids: np.ndarray  # (k, dim) float32, L2-normalised, row i = cluster i
    similarity: np.ndarray  # (n,) cosine of each unit to its cluster centroid (to the nearest one if -1)

    @property
    def n_clusters(self) -> int:
        return int(self.centroids.shape[0])


class Rows:
    """Rows ``index`` of ``matrix`` without a copy of them all: the units of one kind among 1.3M are read
    a chunk (or a sample) at a time, gathered and widened to float32 on read. Every read gives the values
    and shape ``matrix[index].astype(float32)[key]`` gives, so results equal those on that copy."""

    def __init__(self, matrix: np.ndarray, index: np.ndarray) -> None:
        self.matrix = matrix
        self.index = np.asarray(index, dtype=np.int64)

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.index.shape[0]), int(self.matrix.shape[1]))

    def __len__(self) -> int:
        return int(self.index.shape[0])

    def __getitem__(self, key: Any) -> np.ndarray:
        return np.asarray(self.matrix[self.index[key]], dtype=np.float32)


Matrix = np.ndarray | Rows  # unit vectors: an array (float32, or float16 as the service stores them) or rows


def _normalise(x: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(x, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return (x / n).astype(np.float32)


def knn_smooth(x: np.ndarray, k: int, block: int = 2048) -> np.ndarray:
    """Mean of the k most similar rows (self included), blockwise so memory is O(block·n)."""
    n = x.shape[0]
    k = min(k, n)
    if k <= 1:
        return x
    out = np.empty_like(x)
    for s in range(0, n, block):
        sims = x[s : s + block] @ x.T
        # argpartition is not order-stable; sort the selected k to keep the result independent of ties order.
        idx = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        out[s : s + block] = x[np.sort(idx, axis=1)].mean(axis=1)
    return _normalise(out)


def _ward(x: np.ndarray, threshold: float) -> np.ndarray:
    from sklearn.cluster import AgglomerativeClustering

    if x.shape[0] < 2:
        return np.zeros(x.shape[0], dtype=np.int64)
    return AgglomerativeClustering(n_clusters=None, distance_threshold=threshold, linkage="ward").fit_predict(
        x
    )


def _hdbscan(x: np.ndarray, min_size: int) -> np.ndarray:
    from sklearn.cluster import HDBSCAN

    if x.shape[0] <= min_size:
        return np.zeros(x.shape[0], dtype=np.int64)
    return HDBSCAN(min_cluster_size=min_size, min_samples=min(5, min_size), copy=True).fit_predict(x)


def _overmerge(x: np.ndarray, params: ClusterParams) -> np.ndarray:
    from sklearn.cluster import AgglomerativeClustering, KMeans

    k = max(2, min(2000, x.shape[0] // params.overmerge_ratio))
    if x.shape[0] <= k:
        return np.arange(x.shape[0])
    km = KMeans(n_clusters=k, n_init=1, random_state=params.seed).fit(x)
    centres = _normalise(km.cluster_centers_)
    merge = AgglomerativeClustering(
        n_clusters=None, distance_threshold=params.overmerge_threshold, metric="cosine", linkage="average"
    ).fit_predict(centres)
    return np.asarray(merge[km.labels_])


def cluster_sums(x: Matrix, labels: np.ndarray, k: int, chunk: int = 50_000) -> np.ndarray:
    """float64 sum of each cluster's rows. Rows are added in input order, ``chunk`` at a time: the same sums
    as one ``add.at`` over all rows, without a masked copy of the whole matrix. ``x`` may be float16: each
    chunk is widened to float32 first (exact), as a float32 copy of the matrix would have been."""
    sums = np.zeros((k, x.shape[1]), dtype=np.float64)
    for s in range(0, x.shape[0], chunk):
        lab = labels[s : s + chunk]
        mask = lab >= 0
        np.add.at(sums, lab[mask], np.asarray(x[s : s + chunk][mask], dtype=np.float32))
    return sums


def _centroids(x: Matrix, labels: np.ndarray, k: int, chunk: int = 50_000) -> np.ndarray:
    return _normalise(cluster_sums(x, labels, k, chunk))


def own_similarity(x: Matrix, centroids: np.ndarray, own: np.ndarray, chunk: int = 50_000) -> np.ndarray:
    """Cosine of each row to centroid ``own[i]``, ``chunk`` rows at a time: each row's dot product is the one
    ``einsum`` computes over the whole matrix, without an (n, dim) copy of the gathered centroids."""
    out = np.empty(x.shape[0], dtype=np.float32)
    for s in range(0, x.shape[0], chunk):
        part = np.asarray(x[s : s + chunk], dtype=np.float32)
        out[s : s + chunk] = np.einsum("ij,ij->i", part, centroids[own[s : s + chunk]])
    return out


def nearest_centroid(x: Matrix, centroids: np.ndarray, chunk: int = 50_000) -> tuple[np.ndarray, np.ndarray]:
    """(index, cosine) of the nearest centroid per row, chunked so memory stays flat for millions of rows."""
    n = x.shape[0]
    idx = np.full(n, UNASSIGNED, dtype=np.int64)
    sim = np.full(n, -1.0, dtype=np.float32)
    if centroids.shape[0] == 0 or n == 0:
        return idx, sim
    for s in range(0, n, chunk):
        sims = np.asarray(x[s : s + chunk], dtype=np.float32) @ centroids.T
        idx[s : s + chunk] = sims.argmax(axis=1)
        sim[s : s + chunk] = sims.max(axis=1)
    return idx, sim


def _renumber(labels: np.ndarray) -> tuple[np.ndarray, int]:
    """Ids by decreasing size, ties by first occurrence: stable across runs and readable (0 = biggest)."""
    valid = labels[labels >= 0]
    if valid.size == 0:
        return np.full_like(labels, UNASSIGNED), 0
    uniq, first, counts = np.unique(valid, return_index=True, return_counts=True)
    order = sorted(range(len(uniq)), key=lambda i: (-counts[i], first[i]))
    mapping = {int(uniq[i]): rank for rank, i in enumerate(order)}
    out = np.array([mapping.get(int(v), UNASSIGNED) for v in labels], dtype=np.int64)
    return out, len(uniq)


def _fit(x: np.ndarray, params: ClusterParams, min_size: int) -> np.ndarray:
    smoothed = knn_smooth(x, params.knn) if params.knn > 1 else x
    if params.method == "ward":
        growth = max(1.0, x.shape[0] / params.ward_reference) ** params.ward_growth
        raw = _ward(smoothed, params.ward_threshold * growth)
    elif params.method == "hdbscan":
        raw = _hdbscan(smoothed, min_size)
    elif params.method == "overmerge":
        raw = _overmerge(smoothed, params)
    else:  # pragma: no cover - Literal guards it
        raise ValueError(f"clustering method: unknown {params.method!r}")
    raw = np.asarray(raw, dtype=np.int64)
    # dissolve clusters too small to be recurring
    if raw.size:
        counts = np.bincount(raw[raw >= 0]) if (raw >= 0).any() else np.zeros(0, dtype=np.int64)
        small = np.isin(raw, np.flatnonzero(counts < min_size))
        raw = np.where(small, UNASSIGNED, raw)
    labels, _ = _renumber(raw)
    return labels


def _sample(n: int, cap: int, seed: int) -> np.ndarray:
    if n <= cap:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=cap, replace=False))


def cluster_units(embeddings: Matrix, params: ClusterParams | None = None) -> Clustering:
    """Cluster L2-normalised unit embeddings; see the module docstring for the method and its guarantees."""
    params = params or ClusterParams()
    # float16 input (the service's stored vectors) stays float16, and ``Rows`` stay uncopied: every step
    # below widens what it reads to float32 (the sample, or one chunk), which is exact.
    x: Matrix
    if isinstance(embeddings, Rows):
        x = embeddings
    else:
        half = np.asarray(embeddings).dtype == np.float16
        x = np.ascontiguousarray(embeddings, dtype=np.float16 if half else np.float32)
    n = x.shape[0]
    if n == 0:
        return Clustering(
            np.zeros(0, dtype=np.int64), np.zeros((0, x.shape[1]), np.float32), np.zeros(0, np.float32)
        )
    sample = _sample(n, params.sample_cap, params.seed)
    min_size = params.min_size or max(3, math.ceil(0.003 * len(sample)))
    xs = np.asarray(x[sample], dtype=np.float32)
    fit_labels = _fit(xs, params, min_size)
    k = int(fit_labels.max()) + 1 if (fit_labels >= 0).any() else 0
    centroids = _centroids(xs, fit_labels, k)

    # A member far from its cluster's centre was pulled in by smoothing or chaining, not by meaning:
    # release it.
    if k:
        member = fit_labels >= 0
        fit_sim = np.einsum("ij,ij->i", xs, centroids[np.maximum(fit_labels, 0)])
        fit_labels = np.where(member & (fit_sim < params.assign_min_sim), UNASSIGNED, fit_labels)
    del xs
    labels = np.full(n, UNASSIGNED, dtype=np.int64)
    labels[sample] = fit_labels
    # Units outside the sample, and those left by the fit, go to the nearest centroid when close enough.
    nearest, sim = nearest_centroid(x, centroids, params.chunk)
    todo = labels == UNASSIGNED
    labels[todo & (sim >= params.assign_min_sim)] = nearest[todo & (sim >= params.assign_min_sim)]
    left = np.flatnonzero(labels == UNASSIGNED)
    allowed = math.floor(params.max_unassigned * n)
    if k and left.size > allowed:
        # Best-fitting leftovers first; stable sort keeps ties in input order (determinism).
        best = left[np.argsort(-sim[left], kind="stable")][: left.size - allowed]
        labels[best] = nearest[best]
    # Refresh centroids on all members so incremental assignment uses the full picture.
    centroids = _centroids(x, labels, k, params.chunk) if k else centroids
    own = np.where(labels >= 0, labels, nearest)
    similarity = own_similarity(x, centroids, own, params.chunk) if k else np.zeros(n, np.float32)
    return Clustering(labels=labels, centroids=centroids, similarity=similarity)
