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


def test_variants_name_a_space_and_optionally_a_gate(monkeypatch: pytest.MonkeyPatch) -> None:
    """``space[:gate]``: the gate overrides the split tagger's (``none``: the ungated mix); without one the
    setting's own gate is kept, and a single-space tagger is left alone."""
    assert tag_share.parse_variant("same") == ("same", tag_share.KEEP)
    assert tag_share.parse_variant(" auto:none ") == ("auto", None)
    assert tag_share.parse_variant("auto:0.7") == ("auto", 0.7)

    class Split(tag_share.SplitSpaceTagger):
        def __init__(self) -> None:
            self.sentiment_gate = 0.6

    loaded: list[Any] = []

    def fake_analyze(records: Any, embedder: str, tagger_loader: Any) -> _Result:
        loaded.append(tagger_loader("embedder"))
        return _Result({"embed": 1.0, "tag": 1.0, "total": 3.0})

    monkeypatch.setattr(tag_share, "analyze_records", fake_analyze)
    monkeypatch.setattr(tag_share, "tagger_loader", lambda sentiment_space: lambda embedder: Split())
    tag_share.measure(["a"], "auto", repeats=1, gate=None)
    assert [t.sentiment_gate for t in loaded] == [None, None]
    loaded.clear()
    tag_share.measure(["a"], "auto", repeats=1, gate=0.8)
    assert [t.sentiment_gate for t in loaded] == [0.8, 0.8]
    loaded.clear()
    tag_share.measure(["a"], "auto", repeats=1)
    assert [t.sentiment_gate for t in loaded] == [0.6, 0.6]
    monkeypatch.setattr(tag_share, "tagger_loader", lambda sentiment_space: lambda embedder: "one space")
    loaded.clear()
    tag_share.measure(["a"], "same", repeats=1, gate=None)
    assert loaded == ["one space", "one space"]


def test_variants_timed_runs_are_interleaved(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every variant warmed, then run 1 of each, run 2 of each: a change in load falls on all alike."""
    order: list[str] = []

    def fake_analyze(records: Any, embedder: str, tagger_loader: Any) -> _Result:
        order.append(tagger_loader("embedder"))
        return _Result({"embed": 1.0, "tag": 1.0, "total": 3.0})

    monkeypatch.setattr(tag_share, "analyze_records", fake_analyze)
    monkeypatch.setattr(tag_share, "tagger_loader", lambda sentiment_space: lambda embedder: sentiment_space)
    out = tag_share.measure_many(["a"], [("same", tag_share.KEEP), ("auto", tag_share.KEEP)], repeats=2)
    assert order == ["same", "auto"] * 3
    assert [o["tag_added_share_runs"] for o in out] == [[0.5, 0.5], [0.5, 0.5]]
