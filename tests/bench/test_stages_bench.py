"""bench.stages' per-language scoring, on a stub pipeline (no models)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from bench.sentiment import DocOut, Table
from bench.sentiment_data import Labelled
from bench.stages import bench_units
from training.corpus import Unit


class StubRunner:
    """Predicts ``usage`` for every document: the scores then follow from the labels alone."""

    def documents(self, docs: Sequence[Labelled]) -> tuple[str, list[DocOut]]:
        return "stub", [DocOut("negative", "usage", None, True, True, 1, 1) for _ in docs]


def _unit(text: str, lang: str, stage: str) -> Unit:
    return Unit(text, lang, stage, None, None, None, None, group=text)


def test_accuracy_and_macro_f1_per_language() -> None:
    units = [
        _unit("a", "fr", "usage"),
        _unit("b", "fr", "support"),
        _unit("c", "en", "usage"),
        _unit("d", "en", "usage"),
        _unit("e", "en", "retention"),
        _unit("f", "en", "support"),
    ]
    table = Table()
    runner: Any = StubRunner()
    bench_units(runner, table, "irritants held-out", units)
    got = {(r["lang"], r["metric"]): (r["n"], r["value"]) for r in table.rows}
    assert got[("fr", "accuracy")] == (2, 0.5)
    # F1 usage = 2/3, support = 0 → macro 1/3 over the two stages present
    assert got[("fr", "macro-F1")] == (2, pytest.approx(0.3333, abs=1e-4))
    assert got[("en", "accuracy")] == (4, 0.5)
    # usage: precision 2/4, recall 1 → 2/3; retention, support 0 → macro 2/9
    assert got[("en", "macro-F1")] == (4, pytest.approx(0.2222, abs=1e-4))
