"""``bench.full_analysis`` reads the phases the worker logs (``nlp.phases``): both agree on the line."""

from __future__ import annotations

import logging

import pytest

from bench.full_analysis import parse_phases
from nlp.phases import memory_kib, phase


def test_logged_phases_are_summed_per_name(caplog: pytest.LogCaptureFixture) -> None:
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    with caplog.at_level(logging.INFO, logger="nlp.phases"):
        for index in range(3):
            with phase("batch", index=index):
                sum(range(10_000))
        with phase("recluster"):
            pass
    lines = [fmt.format(r) for r in caplog.records]
    assert len(lines) == 4 and "index=2" in lines[2]
    phases = parse_phases([*lines, "2026-12-06 04:00:00,000 INFO huey: Executing something"])
    assert set(phases) == {"batch", "recluster"}
    assert phases["batch"]["count"] == 3 and phases["recluster"]["count"] == 1
    rss, hwm = memory_kib()
    assert 0 < rss <= hwm  # this process, from /proc
    assert 0 < phases["batch"]["hwm_mib"] <= hwm / 1024 + 1
