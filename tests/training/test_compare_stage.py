"""The stage comparison's source weighting: each source sums to its requested total."""

from __future__ import annotations

import numpy as np
import pytest

from training.compare_stage import _balanced, _confusion, _source_weights, _weights


def test_each_source_sums_to_its_total() -> None:
    w = _weights([4, 10, 2], [4.0, 4.0, 1.0])
    assert len(w) == 16
    assert w[:4].sum() == pytest.approx(4.0)
    assert w[4:14].sum() == pytest.approx(4.0)
    assert w[14:].sum() == pytest.approx(1.0)
    assert np.allclose(w[14:], 0.5)


def test_an_empty_source_adds_no_rows() -> None:
    assert len(_weights([3, 0], [3.0, 5.0])) == 3


def test_class_balancing_power_spreads_a_source_total_over_its_classes() -> None:
    labels = ["usage"] * 6 + ["support"] * 2
    kept = _balanced(labels, 4.0, 0.0)  # power 0: the source's own mix, uniform rows
    assert np.allclose(kept, 0.5)
    even = _balanced(labels, 4.0, 1.0)  # power 1: each class gets the same total
    assert even.sum() == pytest.approx(4.0)
    assert even[:6].sum() == pytest.approx(2.0) and even[6:].sum() == pytest.approx(2.0)
    half = _balanced(labels, 4.0, 0.5)
    assert 2.0 < half[:6].sum() < 3.0  # between the two


def test_source_weights_balance_only_the_last_source() -> None:
    w = _source_weights([2, 4], [2.0, 2.0], ["a", "a", "a", "b"], 1.0)
    assert np.allclose(w[:2], 1.0)
    assert w[2:5].sum() == pytest.approx(1.0) and w[5] == pytest.approx(1.0)
    assert np.allclose(
        _source_weights([2, 4], [2.0, 2.0], ["a", "a", "a", "b"], 0.0), _weights([2, 4], [2.0, 2.0])
    )


def test_confusion_counts_each_truth_by_prediction() -> None:
    got = _confusion(["support", "support", "usage"], ["usage", "support", "usage"])
    assert got == {"support": {"usage": 1, "support": 1}, "usage": {"usage": 1}}
