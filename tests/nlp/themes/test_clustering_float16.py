"""Issue 14 at 1M units: the clustering reads a float16 matrix and works in chunks; the results must be the
ones the float32 copy and the unchunked code gave (bit for bit, not within a tolerance)."""

from __future__ import annotations

import math

import numpy as np

from nlp.pipeline.themes import cluster_themes, group_themes
from nlp.themes.clustering import (
    UNASSIGNED,
    Clustering,
    ClusterParams,
    Rows,
    _normalise,
    cluster_sums,
    cluster_units,
    nearest_centroid,
    own_similarity,
)
from nlp.themes.hierarchy import group_centroid, merge_near_duplicates, similarities
from nlp.themes.labelling import label_clusters
from tests.nlp.themes.test_clustering import blobs


def _half(n_per: int = 60, k: int = 8, dim: int = 48, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors as the service stores them (float16) and their exact float32 widening."""
    x, _ = blobs(n_per=n_per, k=k, dim=dim, seed=seed)
    x16 = x.astype(np.float16)
    return x16, x16.astype(np.float32)


def _old_cluster_units(embeddings: np.ndarray, params: ClusterParams) -> Clustering:
    """``cluster_units`` as it was before issue 14's chunking: whole-matrix ``add.at`` and ``einsum``."""
    from nlp.themes.clustering import _fit, _sample

    x = np.ascontiguousarray(embeddings, dtype=np.float32)
    n = x.shape[0]
    sample = _sample(n, params.sample_cap, params.seed)
    min_size = params.min_size or max(3, math.ceil(0.003 * len(sample)))
    fit_labels = _fit(x[sample], params, min_size)
    k = int(fit_labels.max()) + 1 if (fit_labels >= 0).any() else 0

    def centroids_of(v: np.ndarray, labels: np.ndarray) -> np.ndarray:
        sums = np.zeros((k, v.shape[1]), dtype=np.float64)
        mask = labels >= 0
        np.add.at(sums, labels[mask], v[mask])
        return _normalise(sums)

    centroids = centroids_of(x[sample], fit_labels)
    if k:
        member = fit_labels >= 0
        fit_sim = np.einsum("ij,ij->i", x[sample], centroids[np.maximum(fit_labels, 0)])
        fit_labels = np.where(member & (fit_sim < params.assign_min_sim), UNASSIGNED, fit_labels)
    labels = np.full(n, UNASSIGNED, dtype=np.int64)
    labels[sample] = fit_labels
    nearest, sim = nearest_centroid(x, centroids, params.chunk)
    todo = labels == UNASSIGNED
    labels[todo & (sim >= params.assign_min_sim)] = nearest[todo & (sim >= params.assign_min_sim)]
    left = np.flatnonzero(labels == UNASSIGNED)
    allowed = math.floor(params.max_unassigned * n)
    if k and left.size > allowed:
        best = left[np.argsort(-sim[left], kind="stable")][: left.size - allowed]
        labels[best] = nearest[best]
    centroids = centroids_of(x, labels) if k else centroids
    own = np.where(labels >= 0, labels, nearest)
    similarity = np.einsum("ij,ij->i", x, centroids[own]) if k else np.zeros(n, np.float32)
    return Clustering(labels=labels, centroids=centroids, similarity=similarity.astype(np.float32))


def _same(a: Clustering, b: Clustering) -> None:
    assert np.array_equal(a.labels, b.labels)
    assert a.centroids.dtype == b.centroids.dtype and np.array_equal(a.centroids, b.centroids)
    assert a.similarity.dtype == b.similarity.dtype and np.array_equal(a.similarity, b.similarity)


def test_float16_chunked_clustering_equals_the_old_float32_path() -> None:
    x16, x32 = _half()
    # a sample smaller than n (the 1M path: fit on a sample, assign the rest) and chunks that split it
    for params in (ClusterParams(chunk=37), ClusterParams(sample_cap=200, chunk=37), ClusterParams()):
        old = _old_cluster_units(x32, params)
        assert old.n_clusters >= 4
        _same(cluster_units(x16, params), old)
        _same(cluster_units(x32, params), old)


def test_chunked_sums_and_similarities_equal_whole_matrix_ones() -> None:
    x16, x32 = _half(n_per=50, k=5, dim=32, seed=9)
    labels = np.asarray(np.random.default_rng(0).integers(-1, 5, size=x32.shape[0]), dtype=np.int64)
    whole = np.zeros((5, x32.shape[1]), dtype=np.float64)
    np.add.at(whole, labels[labels >= 0], x32[labels >= 0])
    for chunk in (1, 7, 64, 10_000):
        assert np.array_equal(cluster_sums(x16, labels, 5, chunk), whole)
    cents = _normalise(whole)
    own = np.maximum(labels, 0)
    ref = np.einsum("ij,ij->i", x32, cents[own]).astype(np.float32)
    for chunk in (1, 7, 64, 10_000):
        assert np.array_equal(own_similarity(x16, cents, own, chunk), ref)
        assert np.array_equal(own_similarity(x32, cents, own, chunk), ref)
    # and a chunk that does nothing when every row is kept out
    assert not cluster_sums(x16, np.full(x16.shape[0], UNASSIGNED), 5, 7).any()


def test_merge_labels_and_themes_read_float16_like_its_float32_copy() -> None:
    x16, x32 = _half(n_per=40, k=6, dim=40, seed=4)
    clustering = cluster_units(x32, ClusterParams(chunk=29))
    for min_sim in (0.0, 0.3):  # 0.0 merges everything into one: the merge path runs
        _same(
            merge_near_duplicates(clustering, x16, min_sim), merge_near_duplicates(clustering, x32, min_sim)
        )
    texts = [f"unit {i % 17} about topic {i % 6} and delay" for i in range(x32.shape[0])]
    langs = ["en" if i % 3 else "fr" for i in range(x32.shape[0])]
    a = label_clusters(texts, langs, clustering.labels, x16, clustering.centroids, max_units_per_cluster=11)
    b = label_clusters(texts, langs, clustering.labels, x32, clustering.centroids, max_units_per_cluster=11)
    assert a == b and a
    polarity = np.where(np.arange(x32.shape[0]) % 2 == 0, -1, 1).astype(np.int8)
    c16 = cluster_themes(texts, langs, x16, polarity)
    c32 = cluster_themes(texts, langs, x32, polarity)
    assert [(c.members, c.similarity, c.label, c.quotes, c.name) for c in c16] == [
        (c.members, c.similarity, c.label, c.quotes, c.name) for c in c32
    ]
    assert all(np.array_equal(p.centroid, q.centroid) for p, q in zip(c16, c32, strict=True))
    g16, g32 = group_themes(c16, texts, langs, x16), group_themes(c32, texts, langs, x32)
    assert [(g.children, g.members, g.names) for g in g16] == [(g.children, g.members, g.names) for g in g32]
    assert all(np.array_equal(p.centroid, q.centroid) for p, q in zip(g16, g32, strict=True))


def test_rows_of_a_kind_cluster_like_their_float32_copy() -> None:
    """``cluster_themes`` hands each kind to the clustering as ``Rows`` (no copy of 1M vectors)."""
    x16, x32 = _half(n_per=50, k=6, dim=40, seed=11)
    idx = np.flatnonzero(np.arange(x32.shape[0]) % 3 != 0)
    rows = Rows(x16, idx)
    assert rows.shape == (idx.size, 40) and np.array_equal(rows[5:9], x32[idx][5:9])
    assert np.array_equal(rows[np.int64(4)], x32[idx][4]) and np.array_equal(rows[[3, 1]], x32[idx][[3, 1]])
    for params in (ClusterParams(chunk=23), ClusterParams(sample_cap=90, chunk=23)):
        old = _old_cluster_units(x32[idx], params)
        _same(cluster_units(rows, params), old)
        _same(merge_near_duplicates(old, rows, 0.0), merge_near_duplicates(old, x32[idx], 0.0))


def test_group_centroid_and_similarities_in_chunks_equal_the_whole_copy() -> None:
    rng = np.random.default_rng(2)
    v16 = rng.normal(size=(5000, 64)).astype(np.float16)
    members = np.sort(rng.choice(5000, size=3001, replace=False))
    whole = v16[members].astype(np.float32)  # the old path: a float32 copy of the members
    c = np.asarray(whole, dtype=np.float64).mean(axis=0)
    old = (c / max(float(np.linalg.norm(c)), 1e-12)).astype(np.float32)
    for chunk in (1, 333, 50_000):
        got = group_centroid(Rows(v16, members), chunk)
        assert np.array_equal(got, old)
        sims = similarities(Rows(v16, members), old, chunk)
        # row by row: the same figures whatever the chunking; within float32 rounding of the old ``@``
        assert np.array_equal(sims, np.einsum("ij,j->i", whole, old))
        assert np.abs(sims - whole @ old).max() < 1e-5  # |rows| ~ 8 here; unit vectors give < 1e-6
