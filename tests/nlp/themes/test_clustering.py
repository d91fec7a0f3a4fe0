from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score

from nlp.themes.clustering import UNASSIGNED, ClusterParams, cluster_units, knn_smooth, nearest_centroid


def blobs(
    n_per: int = 40, k: int = 6, dim: int = 64, noise: float = 0.25, seed: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, dim))
    x = np.vstack(
        [c + noise * rng.normal(size=(n_per, dim)) * np.linalg.norm(c) / np.sqrt(dim) for c in centres]
    )
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32), np.repeat(np.arange(k), n_per)


def test_recovers_blobs_without_a_cluster_count() -> None:
    x, y = blobs()
    c = cluster_units(x)
    assert c.n_clusters == 6
    assert adjusted_rand_score(y, c.labels) > 0.95
    assert (c.labels == UNASSIGNED).mean() <= 0.10


def test_deterministic_and_ids_by_size() -> None:
    x, _ = blobs()
    x = np.vstack([x, x[:30]])  # make cluster 0 the biggest
    a, b = cluster_units(x), cluster_units(x.copy())
    assert np.array_equal(a.labels, b.labels) and np.allclose(a.centroids, b.centroids)
    sizes = np.bincount(a.labels[a.labels >= 0])
    assert list(sizes) == sorted(sizes, reverse=True)


def test_outliers_stay_unassigned_within_cap() -> None:
    x, _ = blobs()
    rng = np.random.default_rng(5)
    noise = rng.normal(size=(20, x.shape[1])).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    c = cluster_units(np.vstack([x, noise]))
    unassigned = c.labels == UNASSIGNED
    assert unassigned.mean() <= 0.10
    assert unassigned[-20:].sum() >= 10  # random directions fit no blob


def test_sampled_fit_assigns_everyone_close() -> None:
    x, y = blobs(n_per=200)
    c = cluster_units(x, ClusterParams(sample_cap=300, chunk=100))
    assert c.n_clusters == 6
    assert adjusted_rand_score(y, c.labels) > 0.95


def test_small_input_and_empty() -> None:
    x, _ = blobs(n_per=5, k=6)
    c = cluster_units(x)
    assert len(c.labels) == 30 and (c.labels == UNASSIGNED).mean() <= 0.10
    assert cluster_units(np.zeros((0, 8), np.float32)).n_clusters == 0


def test_alternative_methods_run() -> None:
    x, y = blobs()
    for method in ("hdbscan", "overmerge"):
        c = cluster_units(x, ClusterParams(method=method))  # type: ignore[arg-type]
        assert adjusted_rand_score(y, c.labels) > 0.8, method


def test_knn_smooth_and_nearest_centroid() -> None:
    x, _ = blobs()
    s = knn_smooth(x, 5, block=17)
    assert np.allclose(np.linalg.norm(s, axis=1), 1, atol=1e-5)
    idx, sim = nearest_centroid(x[:3], x[:2], chunk=1)
    assert list(idx[:2]) == [0, 1] and sim[0] > 0.999


def test_ward_threshold_grows_with_the_units_so_pain_points_grow_slower() -> None:
    """Below ``ward_reference`` units nothing changes; above, fewer clusters than with a fixed threshold."""
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(12, 24))

    def blobs(n: int) -> np.ndarray:
        x = centres[rng.integers(0, 12, n)] + rng.normal(scale=0.9, size=(n, 24))
        return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)

    fixed = ClusterParams(ward_growth=0.0, min_size=3)
    grown = ClusterParams(ward_growth=0.25, ward_reference=400, min_size=3)
    small = blobs(300)
    assert cluster_units(small, fixed).labels.tolist() == cluster_units(small, grown).labels.tolist()
    big = blobs(2400)
    assert cluster_units(big, grown).n_clusters < cluster_units(big, fixed).n_clusters
