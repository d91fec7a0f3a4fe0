"""The service benchmark's arithmetic and data (the run itself takes minutes: ``python -m bench.service``)."""

from __future__ import annotations

import os

from bench.service import make_items, peak_rss_mib, percentile


def test_items_are_deterministic_and_valid_shapes() -> None:
    a, b = make_items(200, seed=3), make_items(200, seed=3)
    assert a == b and a != make_items(200, seed=4)
    assert len({i["external_id"] for i in a}) == 200  # no duplicates: every item is created
    assert {i["channel"] for i in a} <= {"web", "app", "store", "phone", "email"}
    assert all(1 <= i["rating"] <= 5 and i["text"] for i in a)


def test_percentile_nearest_rank() -> None:
    values = [float(v) for v in range(1, 21)]
    assert percentile(values, 0.5) == 11.0
    assert percentile(values, 0.95) == 19.0
    assert percentile([5.0], 0.95) == 5.0


def test_peak_rss_of_this_process() -> None:
    rss = peak_rss_mib(os.getpid())
    assert rss is not None and rss > 10
