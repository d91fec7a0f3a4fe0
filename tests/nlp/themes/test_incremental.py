from __future__ import annotations

import numpy as np
import pytest

from nlp.themes.incremental import PreviousCluster, assign_new_units, match_clusters


def unit(*v: float) -> np.ndarray:
    a = np.array(v, dtype=np.float32)
    return a / np.linalg.norm(a)


def test_assign_new_units_threshold() -> None:
    centroids = np.vstack([unit(1, 0, 0), unit(0, 1, 0)])
    new = np.vstack([unit(0.9, 0.1, 0), unit(0, 0, 1), unit(0.1, 1, 0)])
    assert assign_new_units(new, centroids, ["pp-1", "pp-2"], min_sim=0.8) == ["pp-1", None, "pp-2"]
    with pytest.raises(ValueError, match="cluster_ids"):
        assign_new_units(new, centroids, ["pp-1"])


def test_match_keeps_ids_and_reports_new_merged_gone() -> None:
    prev = [
        PreviousCluster("pp-1", unit(1, 0, 0, 0), frozenset({1, 2, 3, 4})),
        PreviousCluster("pp-2", unit(0, 1, 0, 0), frozenset({5, 6, 7, 8})),
        PreviousCluster("pp-7", unit(0.95, 0.3, 0, 0), frozenset({9, 10})),  # folds into the first
        PreviousCluster("pp-3", unit(0, 0, 1, 0), frozenset({11, 12})),  # disappears
    ]
    new_centroids = np.vstack([unit(0, 1, 0, 0), unit(1, 0.1, 0, 0), unit(0, 0, 0, 1)])
    new_members = [frozenset({5, 6, 7, 8, 20}), frozenset({1, 2, 3, 4, 9, 10}), frozenset({30, 31})]
    m = match_clusters(prev, new_centroids, new_members)
    assert m.ids[:2] == ["pp-2", "pp-1"]
    assert m.ids[2] == "pp-8" and m.new == ["pp-8"]  # fresh ids continue after the highest seen
    assert m.merged == {"pp-1": ["pp-7"]}
    assert m.gone == ["pp-3"]


def test_match_from_nothing() -> None:
    m = match_clusters([], np.vstack([unit(1, 0)]), [frozenset({1})])
    assert m.ids == ["pp-1"] and m.new == ["pp-1"] and not m.gone
