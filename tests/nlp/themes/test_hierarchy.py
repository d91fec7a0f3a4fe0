from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from nlp.themes.clustering import Clustering
from nlp.themes.hierarchy import HierarchyParams, duplicate_groups, merge_near_duplicates, theme_groups


def _unit(v: list[float]) -> np.ndarray:
    a = np.asarray(v, dtype=np.float32)
    return a / np.linalg.norm(a)


# Two subjects (axis 0: refunds, axis 2: app), each with two related pain points; pp 0 and 1 are near-dups.
CENTROIDS = np.vstack(
    [
        _unit([1.0, 0.05, 0.0, 0.0]),
        _unit([1.0, 0.10, 0.0, 0.0]),
        _unit([1.0, 0.9, 0.0, 0.0]),
        _unit([0.0, 0.0, 1.0, 0.4]),
        _unit([0.0, 0.0, 1.0, -0.4]),
    ]
)
SIZES = [10, 4, 8, 6, 3]


def test_duplicates_only_merge_very_close_centroids() -> None:
    groups = duplicate_groups(CENTROIDS, SIZES, 0.95)
    assert groups[0] == groups[1] and len(set(groups.tolist())) == 4
    assert groups[0] == 0  # ids by merged size
    assert len(set(duplicate_groups(CENTROIDS, SIZES, 0.9999).tolist())) == 5


@pytest.mark.parametrize(
    "params",
    [HierarchyParams(), HierarchyParams(method="average", theme_distance=0.5)],
    ids=["ward", "average"],
)
def test_theme_groups_by_subject_and_deterministic(params: HierarchyParams) -> None:
    groups = theme_groups(CENTROIDS, SIZES, params)
    assert groups.tolist() == [0, 0, 0, 1, 1]
    assert theme_groups(CENTROIDS, SIZES, params).tolist() == groups.tolist()
    tiny = replace(params, theme_distance=0.0005)
    assert len(set(theme_groups(CENTROIDS, SIZES, tiny).tolist())) == 5
    assert theme_groups(CENTROIDS[:1], SIZES[:1], params).tolist() == [0]


def test_theme_count_is_capped_and_grows_with_the_square_root_of_pain_points() -> None:
    params = HierarchyParams(theme_distance=0.0005)  # the threshold alone would keep every pain point apart
    rng = np.random.default_rng(1)
    for k, cap in ((8, 8), (60, 11), (200, 20)):
        x = rng.normal(size=(k, 16))
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        groups = theme_groups(x, [1] * k, params)
        assert len(set(groups.tolist())) == cap == min(k, params.max_themes(k))


def test_merge_near_duplicates_recomputes_the_clustering() -> None:
    rng = np.random.default_rng(0)
    x = np.vstack([CENTROIDS[k] + rng.normal(0, 0.01, 4) for k in (0, 0, 0, 1, 1, 1, 3, 3, 3)])
    x = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    labels = np.array([0, 0, 0, 1, 1, 1, 2, 2, -1])
    cents = np.vstack([CENTROIDS[0], CENTROIDS[1], CENTROIDS[3]])
    c = Clustering(labels, cents, np.einsum("ij,ij->i", x, cents[np.maximum(labels, 0)]))
    merged = merge_near_duplicates(c, x, 0.95)
    assert merged.labels.tolist() == [0, 0, 0, 0, 0, 0, 1, 1, -1]
    assert merged.centroids.shape == (2, 4)
    assert np.allclose(np.linalg.norm(merged.centroids, axis=1), 1.0, atol=1e-5)
    assert merged.similarity[-1] > 0.9  # an unassigned unit keeps its cosine to the nearest centroid
    assert merge_near_duplicates(c, x, 1.01) is c  # off
