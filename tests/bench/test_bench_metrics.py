from __future__ import annotations

import pytest

from bench.metrics import mapped_macro_f1, scores


def test_mapped_macro_f1_counts_unassigned_as_missing() -> None:
    truth = ["a", "a", "b", "b"]
    assert mapped_macro_f1(truth, [0, 0, 1, 1]) == pytest.approx(1.0)
    # cluster 0 maps to "a"; the unassigned "b" documents are misses -> b has F1 0
    assert mapped_macro_f1(truth, [0, 0, -1, -1]) == pytest.approx(0.5)
    s = scores(truth, [0, 0, -1, -1])
    assert s["unassigned"] == 0.5 and s["clusters"] == 1
