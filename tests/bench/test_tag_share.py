"""bench.tag_share: the share tagging adds is tag / (total − tag) per run, medians over the timed runs, and
the loader is the CLI's for the setting (one untimed warm-up run first)."""

from __future__ import annotations

from typing import Any

import pytest

from bench import tag_share


class _Result:
    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings


def test_measure_reports_the_median_share(monkeypatch: pytest.MonkeyPatch) -> None:
    runs = iter(
        [
            {"embed": 9.0, "tag": 9.0, "total": 99.0},  # warm-up: not counted
            {"embed": 1.0, "tag": 1.0, "total": 5.0},
            {"embed": 2.0, "tag": 1.0, "total": 3.0},
            {"embed": 3.0, "tag": 1.0, "total": 11.0},
        ]
    )
    spaces: list[str] = []

    def fake_analyze(records: Any, embedder: str, tagger_loader: Any) -> _Result:
        assert embedder == "auto" and records == [{"text": "a"}, {"text": "b"}]
        return _Result(next(runs))

    monkeypatch.setattr(tag_share, "analyze_records", fake_analyze)
    monkeypatch.setattr(tag_share, "tagger_loader", lambda sentiment_space: spaces.append(sentiment_space))
    out = tag_share.measure(["a", "b"], "auto", repeats=3)
    assert spaces == ["auto"]
    assert out["tag_added_share_runs"] == [0.25, 0.5, 0.1]
    assert out["tag_added_share_median"] == 0.25
    assert (out["embed"], out["tag"], out["total"]) == (2.0, 1.0, 5.0)
    with pytest.raises(StopIteration):
        next(runs)
