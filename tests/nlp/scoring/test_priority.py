"""Priority score: components behave as documented, emerging needs significance, impact has a CI."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from nlp.scoring.priority import (
    FeedbackFact,
    PainPointInput,
    PriorityConfig,
    PriorityWeights,
    UnitSignal,
    score_pain_points,
)
from nlp.scoring.stats import compare_rates, welch_difference
from nlp.scoring.trend import weekly_timeline

AS_OF = date(2026, 6, 30)


def corpus_over(
    days: int, per_day: int, start: date | None = None, rating: float | None = 4.0
) -> list[FeedbackFact]:
    start = start or AS_OF - timedelta(days=days - 1)
    return [
        FeedbackFact(f"d{d}-{k}", start + timedelta(days=d), rating=rating)
        for d in range(days)
        for k in range(per_day)
    ]


def units_for(
    items: list[FeedbackFact], score: float = -0.8, emotion: str | None = "frustration"
) -> list[UnitSignal]:
    return [UnitSignal(f.item_id, score, emotion, 0.9) for f in items]


def test_emerging_requires_significant_growth() -> None:
    corpus = corpus_over(112, 2)  # 84 baseline days + 28 recent days, 2 items a day
    recent = [f for f in corpus if f.day > AS_OF - timedelta(days=28)]
    baseline = [f for f in corpus if f.day <= AS_OF - timedelta(days=28)]
    # Rising: 2 mentions in 168 baseline items, 20 in 56 recent items.
    rising = PainPointInput("rising", units_for(baseline[::84] + recent[::3][:20]))
    # Noise: 1 baseline mention, 2 recent ones: ratio is large but counts are tiny.
    noisy = PainPointInput("noisy", units_for(baseline[5:6] + recent[1:3]))
    # Flat: same share in both windows.
    flat = PainPointInput("flat", units_for(baseline[::8] + recent[::8]))
    res = {r.pain_point_id: r for r in score_pain_points([rising, noisy, flat], corpus, AS_OF)}
    assert res["rising"].trend.emerging
    assert res["rising"].trend.p_value is not None and res["rising"].trend.p_value < 0.05
    assert not res["noisy"].trend.emerging
    assert "fewer than 5" in res["noisy"].trend.reason
    assert not res["flat"].trend.emerging
    assert res["flat"].components.trend == pytest.approx(0.5, abs=0.08)
    assert res["rising"].components.trend > 0.9


def test_emerging_not_flagged_without_baseline() -> None:
    corpus = corpus_over(20, 3)
    pp = PainPointInput("new", units_for(corpus[::2]))
    (res,) = score_pain_points([pp], corpus, AS_OF)
    assert not res.trend.emerging
    assert "baseline" in res.trend.reason
    assert res.components.trend == 0.5


def test_moderate_growth_with_small_counts_is_not_emerging() -> None:
    corpus = corpus_over(112, 1)
    recent = [f for f in corpus if f.day > AS_OF - timedelta(days=28)]
    baseline = [f for f in corpus if f.day <= AS_OF - timedelta(days=28)]
    pp = PainPointInput("x", units_for(baseline[:6] + recent[:5]))  # 6/84 vs 5/28: x2.5 but p > .05?
    (res,) = score_pain_points([pp], corpus, AS_OF)
    cmp = compare_rates(5, 28, 6, 84, "greater")
    assert res.trend.p_value == pytest.approx(cmp.p_value)
    assert res.trend.emerging == (cmp.p_value is not None and cmp.p_value < 0.05)


def test_impact_uses_welch_with_interval_and_prefers_rating() -> None:
    facts = [FeedbackFact(f"a{i}", AS_OF, rating=1.0 + (i % 2)) for i in range(10)]  # with: mean 1.5
    facts += [FeedbackFact(f"b{i}", AS_OF, rating=4.0 + (i % 2), nps=8) for i in range(30)]  # without: 4.5
    pp = PainPointInput("p", units_for(facts[:10]))
    (res,) = score_pain_points([pp], facts, AS_OF)
    assert res.impact_metric == "rating"
    rating = next(i for i in res.impacts if i.metric == "rating")
    assert rating.difference == pytest.approx(3.0)
    assert rating.ci_low is not None and rating.ci_high is not None
    assert rating.ci_low < 3.0 < rating.ci_high
    assert rating.std_error is not None and rating.std_error > 0
    assert res.components.impact > 0.9  # clipped at a 2-star drop, barely shrunk
    nps = next(i for i in res.impacts if i.metric == "nps")
    assert nps.n_with == 0


def test_impact_is_shrunk_when_uncertain_and_zero_when_too_few() -> None:
    facts = [FeedbackFact("w1", AS_OF, rating=1.0), FeedbackFact("w2", AS_OF, rating=5.0)]
    facts += [FeedbackFact(f"o{i}", AS_OF, rating=float(1 + i % 5)) for i in range(20)]
    (res,) = score_pain_points([PainPointInput("p", units_for(facts[:2]))], facts, AS_OF)
    assert res.components.impact == 0.0  # only 2 ratings with the pain point (< impact_min_n)
    assert res.impact_metric is None


def test_welch_matches_scipy() -> None:
    from scipy import stats

    a = [1.0, 2.0, 2.0, 3.0, 1.0]
    b = [4.0, 5.0, 3.0, 5.0, 4.0, 4.0, 2.0]
    d = welch_difference(a, b)
    ref = stats.ttest_ind(b, a, equal_var=False)
    assert d.p_value == pytest.approx(ref.pvalue)
    assert d.difference == pytest.approx(sum(b) / len(b) - sum(a) / len(a))


def test_volume_severity_effort_recency_and_ranking() -> None:
    corpus = corpus_over(60, 2)
    big = PainPointInput("big", [UnitSignal(f.item_id, -0.5, None, 0.0) for f in corpus[:40]])
    small_angry = PainPointInput(
        "small", [UnitSignal(f.item_id, -1.0, "anger", 1.0, effort=True) for f in corpus[-10:]]
    )
    res = {r.pain_point_id: r for r in score_pain_points([big, small_angry], corpus, AS_OF)}
    assert res["big"].components.volume == 1.0
    assert res["small"].components.volume == pytest.approx(10 / 40)
    assert res["small"].components.severity == pytest.approx(1.0)
    assert res["big"].components.severity == pytest.approx(0.6 * 0.5)
    assert res["small"].components.effort == 1.0
    assert res["small"].components.recency == 1.0
    assert res["big"].components.recency < 0.5  # last mention 40 days ago, half-life 30
    assert res["big"].share == pytest.approx(40 / 120)
    # The score is exactly the weighted mean of the components.
    for r in res.values():
        w = r.weights
        c = r.components
        expected = 100 * (
            w["volume"] * c.volume
            + w["severity"] * c.severity
            + w["impact"] * c.impact
            + w["trend"] * c.trend
            + w["effort"] * c.effort
            + w["recency"] * c.recency
        )
        assert r.priority == pytest.approx(expected, abs=0.01)


def test_weights_change_the_ranking() -> None:
    corpus = corpus_over(60, 2)
    big = PainPointInput("big", [UnitSignal(f.item_id, -0.3, None, 0.0) for f in corpus[:60]])
    severe = PainPointInput("severe", [UnitSignal(f.item_id, -1.0, "anger", 1.0) for f in corpus[60:66]])
    volume_first = PriorityConfig(
        weights=PriorityWeights(volume=1, severity=0, impact=0, trend=0, effort=0, recency=0)
    )
    severity_first = PriorityConfig(
        weights=PriorityWeights(volume=0, severity=1, impact=0, trend=0, effort=0, recency=0)
    )
    assert score_pain_points([big, severe], corpus, AS_OF, volume_first)[0].pain_point_id == "big"
    assert score_pain_points([big, severe], corpus, AS_OF, severity_first)[0].pain_point_id == "severe"


def test_weights_validation() -> None:
    with pytest.raises(ValidationError):
        PriorityWeights(volume=-1)
    with pytest.raises(ValidationError):
        PriorityWeights(volume=0, severity=0, impact=0, trend=0, effort=0, recency=0)
    with pytest.raises(ValidationError):
        PriorityConfig.model_validate({"weights": {"volumee": 1}})
    assert sum(PriorityWeights().normalised().values()) == pytest.approx(1.0)


def test_empty_inputs() -> None:
    assert score_pain_points([], [], AS_OF) == []
    (res,) = score_pain_points([PainPointInput("p", [])], corpus_over(3, 1), AS_OF)
    assert res.priority >= 0 and res.n_items == 0 and res.last_seen is None


def test_weekly_timeline_fills_gaps() -> None:
    days = [date(2026, 6, 1), date(2026, 6, 2), date(2026, 6, 17)]  # Monday 1st, Wednesday 17th
    assert weekly_timeline(days) == [(date(2026, 6, 1), 2), (date(2026, 6, 8), 0), (date(2026, 6, 15), 1)]
    assert weekly_timeline([]) == []


def test_compare_rates_rejects_impossible_counts() -> None:
    with pytest.raises(ValueError, match="exceed"):
        compare_rates(5, 3, 1, 10)
    zero = compare_rates(0, 0, 1, 10)
    assert zero.p_value is None and zero.rate_ratio is None


def test_moments_subtraction_matches_direct_welch() -> None:
    from nlp.scoring.stats import Moments, welch_from_moments

    with_vals = [1.0, 2.0, 1.0, 3.0]
    without_vals = [4.0, 5.0, 4.0, 3.0, 5.0, 2.0]
    total = Moments.of(with_vals + without_vals)
    via_totals = welch_from_moments(Moments.of(with_vals), total - Moments.of(with_vals))
    direct = welch_difference(with_vals, without_vals)
    assert via_totals.difference == pytest.approx(direct.difference)
    assert via_totals.std_error == pytest.approx(direct.std_error)
    assert via_totals.p_value == pytest.approx(direct.p_value)
