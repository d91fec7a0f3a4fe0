from __future__ import annotations

import warnings

import numpy as np
import pytest

from nlp.themes.edits import (
    DegenerateSplitError,
    SplitError,
    TooFewVectorsError,
    merged_centroid,
    split_vectors,
)


def unit(*v: float) -> np.ndarray:
    a = np.array(v, dtype=np.float32)
    return a / np.linalg.norm(a)


def test_merged_centroid_is_size_weighted_and_normalised() -> None:
    out = merged_centroid([unit(1, 0), unit(0, 1)], [3, 1])
    assert out is not None
    expected = np.array([0.75, 0.25]) / np.linalg.norm([0.75, 0.25])
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    assert np.linalg.norm(out) == pytest.approx(1.0)


def test_merged_centroid_counts_empty_pain_points_once() -> None:
    out = merged_centroid([unit(1, 0), unit(0, 1)], [0, 1])
    assert out is not None
    np.testing.assert_allclose(out, unit(1, 1), rtol=1e-6)


def test_merged_centroid_skips_missing_and_foreign_vectors() -> None:
    # No centroid, then one of another dimension than the first present: both left out.
    out = merged_centroid([None, unit(0, 1, 0), unit(1, 0), unit(1, 0, 0)], [5, 1, 100, 1])
    assert out is not None
    np.testing.assert_allclose(out, unit(1, 1, 0), rtol=1e-6)
    assert merged_centroid([None, None], [1, 2]) is None
    with pytest.raises(ValueError, match="sizes"):
        merged_centroid([unit(1, 0)], [1, 2])


def _two_blobs() -> np.ndarray:
    rng = np.random.default_rng(7)
    a = unit(1, 0, 0) + rng.normal(scale=0.05, size=(6, 3))
    b = unit(0, 0, 1) + rng.normal(scale=0.05, size=(3, 3))
    rows = np.vstack([a[:3], b, a[3:]]).astype(np.float32)  # interleaved so indices are not trivial
    return rows


def test_split_finds_the_groups_largest_first() -> None:
    groups = split_vectors(_two_blobs(), 2)
    assert [g.members for g in groups] == [(0, 1, 2, 6, 7, 8), (3, 4, 5)]
    assert [g.size for g in groups] == [6, 3]
    for g in groups:
        assert sorted(g.by_centrality) == list(g.members)
        assert np.linalg.norm(g.centroid) == pytest.approx(1.0)
        assert g.centroid.dtype == np.float64
    assert float(groups[0].centroid @ unit(1, 0, 0)) > 0.99
    assert float(groups[1].centroid @ unit(0, 0, 1)) > 0.99


def test_split_orders_members_by_closeness_to_the_centroid() -> None:
    # Unit vectors, as stored embeddings are: the middle one of each fan is the most central.
    rows = np.vstack([unit(1, 0), unit(1, 0.2), unit(1, 0.4), unit(0, 1), unit(0.2, 1), unit(0.4, 1)])
    groups = split_vectors(rows, 2)
    for g in groups:
        sims = [float(rows[i].astype(np.float64) @ g.centroid) for i in g.by_centrality]
        assert sims == sorted(sims, reverse=True)
    assert {groups[0].by_centrality[0], groups[1].by_centrality[0]} == {1, 4}


def test_split_is_deterministic() -> None:
    rng = np.random.default_rng(3)
    rows = rng.normal(size=(40, 8)).astype(np.float32)
    first, second = split_vectors(rows, 3), split_vectors(list(rows), 3)
    assert [g.members for g in first] == [g.members for g in second]
    assert [g.by_centrality for g in first] == [g.by_centrality for g in second]
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a.centroid, b.centroid)
    assert sorted(i for g in first for i in g.members) == list(range(40))
    sizes = [g.size for g in first]
    assert sizes == sorted(sizes, reverse=True)


def test_split_needs_two_vectors_per_part() -> None:
    with pytest.raises(TooFewVectorsError) as exc:
        split_vectors(np.eye(5, dtype=np.float32), 3)
    assert (exc.value.n_vectors, exc.value.parts, exc.value.min_per_part) == (5, 3, 2)
    with pytest.raises(TooFewVectorsError):
        split_vectors([], 2)
    assert len(split_vectors(np.eye(3, dtype=np.float32), 3, min_per_part=1)) == 3


def test_split_of_identical_vectors_is_degenerate() -> None:
    rows = np.vstack([unit(1, 2, 3)] * 4 + [unit(3, 2, 1)] * 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn warns about duplicate points before we refuse
        with pytest.raises(DegenerateSplitError) as exc:
            split_vectors(rows, 3)
    assert isinstance(exc.value, SplitError) and exc.value.parts == 3
    assert [g.size for g in split_vectors(rows, 2)] == [4, 4]
