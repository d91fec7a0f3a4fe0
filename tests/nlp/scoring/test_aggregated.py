"""``score_from_sums`` (the service's read side, on stored sums) gives the same results as
``score_pain_points`` (the CLI, on per-item facts) on random corpora: same ranking, same counts, same
components up to float summation order."""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

import pytest

from nlp.scoring.aggregated import CorpusSums, PainPointSums, score_from_sums
from nlp.scoring.closed_loop import closed_loop_report
from nlp.scoring.priority import (
    EMOTION_INTENSITY,
    FeedbackFact,
    PainPointInput,
    PriorityConfig,
    UnitSignal,
    score_pain_points,
)
from nlp.scoring.stats import Moments
from nlp.scoring.trend import weekly_timeline

EMOTIONS = [None, "anger", "frustration", "joy", "worry", "Confusion", "disappointment"]


def random_case(rng: random.Random) -> tuple[list[FeedbackFact], list[PainPointInput]]:
    start = date(2026, 1, 1)
    span = rng.choice([3, 40, 200])
    n_items = rng.randint(0, 300)
    corpus = []
    for i in range(n_items):
        corpus.append(
            FeedbackFact(
                f"i{i}",
                start + timedelta(days=rng.randrange(span)),
                rating=float(rng.randint(1, 5)) if rng.random() < 0.7 else None,
                nps=float(rng.randint(0, 10)) if rng.random() < 0.3 else None,
                csat=float(rng.randint(1, 5)) if rng.random() < 0.2 else None,
            )
        )
    pps = []
    for p in range(rng.randint(1, 8)):
        units = []
        for _ in range(rng.randint(0, 80)):
            if not corpus:
                break
            emotion = rng.choice(EMOTIONS)
            units.append(
                UnitSignal(
                    rng.choice(corpus).item_id,
                    rng.uniform(-1.2, 1.2) if rng.random() < 0.9 else 0.0,
                    emotion,
                    1.0 if emotion else 0.0,
                    rng.random() < 0.3,
                )
            )
        pps.append(PainPointInput(f"p{p}", units))
    return corpus, pps


def sums_of(corpus: list[FeedbackFact], pps: list[PainPointInput]) -> tuple[CorpusSums, list[PainPointSums]]:
    """Aggregate the way the database does: per day, items counted once per pain point."""
    by_id = {f.item_id: f for f in corpus}

    def moments(facts: list[FeedbackFact]) -> dict[str, Moments]:
        out = {}
        for m in ("rating", "nps", "csat"):
            vals = [float(v) for f in facts if (v := f.kpi(m)) is not None]
            out[m] = Moments.of(vals)
        return out

    corpus_sums = CorpusSums(Counter(f.day for f in corpus), moments(corpus))
    pp_sums = []
    for pp in pps:
        items = [by_id[i] for i in sorted({u.item_id for u in pp.units})]
        pp_sums.append(
            PainPointSums(
                pp.pain_point_id,
                n_units=len(pp.units),
                items_by_day=Counter(f.day for f in items),
                negativity_sum=sum(max(0.0, -max(-1.0, min(1.0, u.sentiment_score))) for u in pp.units),
                intensity_sum=sum(EMOTION_INTENSITY.get((u.emotion or "").lower(), 0.0) for u in pp.units),
                effort_units=sum(1 for u in pp.units if u.effort),
                kpis=moments(items),
            )
        )
    return corpus_sums, pp_sums


def assert_close(a: Any, b: Any, path: str = "") -> None:
    if isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), (path, a, b)
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            assert_close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_close(x, y, f"{path}[{i}]")
    else:
        assert a == b, (path, a, b)


@pytest.mark.parametrize("seed", range(60))
def test_sums_score_equals_fact_score(seed: int) -> None:
    rng = random.Random(seed)
    corpus, pps = random_case(rng)
    config = PriorityConfig(recent_days=rng.choice([7, 28]), baseline_days=rng.choice([14, 84]))
    as_of = None if seed % 3 else date(2026, 3, 1)
    expected = score_pain_points(pps, corpus, as_of, config)
    corpus_sums, pp_sums = sums_of(corpus, pps)
    got = score_from_sums(pp_sums, corpus_sums, as_of, config)
    assert [r.pain_point_id for r in got] == [r.pain_point_id for r in expected]
    for g, e in zip(got, expected, strict=True):
        assert_close(asdict(g), asdict(e))


def test_sums_score_sees_a_changed_count() -> None:
    """The comparison can fail: one more mention changes the result."""
    corpus, pps = random_case(random.Random(7))
    corpus_sums, pp_sums = sums_of(corpus, pps)
    first = pp_sums[0]
    day = next(iter(first.items_by_day), date(2026, 1, 1))
    bumped = PainPointSums(
        first.pain_point_id,
        first.n_units + 1,
        {**first.items_by_day, day: first.items_by_day.get(day, 0) + 1},
        first.negativity_sum,
        first.intensity_sum,
        first.effort_units,
        first.kpis,
    )
    expected = score_pain_points(pps, corpus)
    got = score_from_sums([bumped, *pp_sums[1:]], corpus_sums)
    e = next(r for r in expected if r.pain_point_id == first.pain_point_id)
    g = next(r for r in got if r.pain_point_id == first.pain_point_id)
    assert (g.n_items, g.n_units) != (e.n_items, e.n_units)


def test_closed_loop_accepts_day_counts() -> None:
    rng = random.Random(3)
    days = [date(2026, 1, 1) + timedelta(days=rng.randrange(120)) for _ in range(400)]
    mentions = days[::5]
    a = closed_loop_report(mentions, days, date(2026, 3, 1), date(2026, 4, 30))
    b = closed_loop_report(Counter(mentions), Counter(days), date(2026, 3, 1), date(2026, 4, 30))
    assert a == b


def test_weekly_timeline_accepts_day_counts() -> None:
    rng = random.Random(5)
    days = [date(2026, 1, 1) + timedelta(days=rng.randrange(90)) for _ in range(200)]
    assert weekly_timeline(Counter(days)) == weekly_timeline(days)
