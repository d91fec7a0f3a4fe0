"""The stage comparison's source weighting: each source sums to its requested total."""

from __future__ import annotations

import numpy as np
import pytest

from training.compare_stage import _weights


def test_each_source_sums_to_its_total() -> None:
    w = _weights([4, 10, 2], [4.0, 4.0, 1.0])
    assert len(w) == 16
    assert w[:4].sum() == pytest.approx(4.0)
    assert w[4:14].sum() == pytest.approx(4.0)
    assert w[14:].sum() == pytest.approx(1.0)
    assert np.allclose(w[14:], 0.5)


def test_an_empty_source_adds_no_rows() -> None:
    assert len(_weights([3, 0], [3.0, 5.0])) == 3
