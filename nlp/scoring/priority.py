"""Priority score of pain points, returned with every component so anyone can explain a ranking.

The score answers "what should we fix first?". It is a weighted mean of six components, each in [0, 1]:

- **volume** – share of feedback items that mention the pain point, relative to the most mentioned one
  (so the top pain point scores 1 and the scale does not depend on how much feedback a workspace has);
- **severity** – how bad it feels: ``0.6 * negativity + 0.4 * emotion intensity``, where negativity is the
  mean of ``max(0, -sentiment_score)`` over its units and emotion intensity weights high-arousal negative
  emotions (anger > frustration > disappointment/worry > confusion) by the tagger's confidence;
- **trend** – recent window (default 28 days) vs the baseline before it (default 84 days), compared as
  *shares of all feedback* so a busy week does not look like a rising irritant. ``0.5`` means flat, ``1``
  four times more frequent or more, ``0`` four times less. The ``emerging`` flag is separate and stricter:
  a one-sided Fisher exact test must reject "same share" at ``emerging_alpha``, the recent window must hold
  at least ``emerging_min_count`` mentions and the ratio must reach ``emerging_min_ratio``;
- **impact** – how much lower the KPI is for feedback mentioning it than for the rest (Welch difference in
  means with its standard error and 95 % interval). Rating (1–5) is preferred, then NPS score (0–10), then
  CSAT (1–5). The difference is expressed as a fraction of half the scale (a 2-star drop = 1.0) and shrunk
  toward zero by ``d² / (d² + se²)`` so an estimate from three reviews cannot dominate the ranking;
- **effort** – share of its units reporting customer effort (calling again, repeating, waiting);
- **recency** – ``0.5 ** (days since last mention / half-life)``: an irritant nobody mentioned for months
  matters less than one reported yesterday.

Default weights (see ``PriorityWeights``): volume 0.30, severity 0.20, impact 0.20, trend 0.15,
effort 0.10, recency 0.05. Reasoning: how many customers are hurt is the most robust signal and the one
CX teams are asked about first; severity and measured KPI impact say how much it hurts each of them and
weigh together as much as volume; trend matters for catching fires early but is noisy on small counts, so
it weighs less; effort is a known churn driver (CES research) but is tagged on fewer units; recency only
breaks ties between otherwise equal irritants. Weights are configurable per workspace and are normalised
by their sum, so ``{"volume": 3, "impact": 1}`` is a valid choice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from nlp.scoring.config import PriorityConfig as PriorityConfig
from nlp.scoring.config import PriorityWeights as PriorityWeights
from nlp.scoring.stats import Moments, welch_from_moments
from nlp.scoring.trend import TrendDetail, trend_component, trend_detail, window_totals

KpiName = Literal["rating", "nps", "csat"]

# Half the span of each KPI scale: a drop of this size is "maximal" impact (1.0).
KPI_HALF_SCALE: dict[str, float] = {"rating": 2.0, "nps": 5.0, "csat": 2.0}
KPI_PREFERENCE: tuple[KpiName, ...] = ("rating", "nps", "csat")

# How intense each emotion is as a pain signal; positive emotions and None contribute 0.
EMOTION_INTENSITY: dict[str, float] = {
    "anger": 1.0,
    "frustration": 0.8,
    "disappointment": 0.6,
    "worry": 0.6,
    "confusion": 0.4,
}


@dataclass(frozen=True)
class FeedbackFact:
    """One feedback item as the scorer sees it (the whole corpus the shares are taken over)."""

    item_id: str
    day: date
    rating: float | None = None
    nps: float | None = None
    csat: float | None = None

    def kpi(self, name: str) -> float | None:
        value: float | None = getattr(self, name)
        return value


@dataclass(frozen=True)
class UnitSignal:
    """The tags of one opinion unit of a pain point."""

    item_id: str
    sentiment_score: float  # -1 .. 1
    emotion: str | None = None
    emotion_confidence: float = 0.0
    effort: bool = False


@dataclass(frozen=True)
class PainPointInput:
    pain_point_id: str
    units: Sequence[UnitSignal]


@dataclass(frozen=True)
class Components:
    volume: float
    severity: float
    impact: float
    trend: float
    effort: float
    recency: float


@dataclass(frozen=True)
class KpiImpact:
    metric: str
    mean_with: float | None
    mean_without: float | None
    n_with: int
    n_without: int
    difference: float | None
    std_error: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None

    @classmethod
    def between(cls, metric: str, with_m: Moments, total: Moments) -> KpiImpact:
        """Mean of ``metric`` among items mentioning the pain point vs the rest (Welch), from moments: the
        per-item path and the stored-sums path (``aggregated.py``) build it the same way."""
        d = welch_from_moments(with_m, total - with_m)
        return cls(
            metric,
            d.mean_with,
            d.mean_without,
            d.n_with,
            d.n_without,
            d.difference,
            d.std_error,
            d.ci_low,
            d.ci_high,
            d.p_value,
        )


@dataclass(frozen=True)
class PriorityResult:
    pain_point_id: str
    priority: float  # 0 .. 100
    components: Components
    weights: dict[str, float]
    n_items: int
    n_units: int
    share: float
    negativity: float
    emotion_intensity: float
    effort_share: float
    last_seen: date | None
    days_since_last_seen: int | None
    trend: TrendDetail
    impact_metric: str | None
    impacts: list[KpiImpact] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["last_seen"] = self.last_seen.isoformat() if self.last_seen else None
        return data


def _clip(x: float, lo: float = 0.0, hi: float = 1.0) -> float:
    return max(lo, min(hi, x))


def severity_parts(units: Sequence[UnitSignal]) -> tuple[float, float]:
    """(negativity, emotion intensity), both in [0, 1]."""
    if not units:
        return 0.0, 0.0
    negativity = sum(max(0.0, -_clip(u.sentiment_score, -1, 1)) for u in units) / len(units)
    intensity = sum(
        EMOTION_INTENSITY.get((u.emotion or "").lower(), 0.0) * _clip(u.emotion_confidence) for u in units
    ) / len(units)
    return negativity, intensity


def kpi_moments(
    corpus: Iterable[FeedbackFact], metrics: Sequence[str] = KPI_PREFERENCE
) -> dict[str, Moments]:
    values: dict[str, list[float]] = {m: [] for m in metrics}
    for fact in corpus:
        for m in metrics:
            v = fact.kpi(m)
            if v is not None:
                values[m].append(float(v))
    return {m: Moments.of(vs) for m, vs in values.items()}


def kpi_impacts(
    item_ids: set[str],
    corpus: Sequence[FeedbackFact],
    metrics: Sequence[str] = KPI_PREFERENCE,
    totals: dict[str, Moments] | None = None,
    by_id: dict[str, FeedbackFact] | None = None,
) -> list[KpiImpact]:
    """Welch comparison per KPI; with ``totals`` and ``by_id`` only the pain point's own items are read."""
    totals = totals if totals is not None else kpi_moments(corpus, metrics)
    by_id = by_id if by_id is not None else {f.item_id: f for f in corpus}
    out: list[KpiImpact] = []
    for metric in metrics:
        total = totals.get(metric, Moments())
        if not total.n:
            continue
        with_vals = [float(v) for i in item_ids if i in by_id and (v := by_id[i].kpi(metric)) is not None]
        out.append(KpiImpact.between(metric, Moments.of(with_vals), total))
    return out


def impact_component(impacts: Sequence[KpiImpact], min_n: int) -> tuple[float, str | None]:
    """Component from the preferred KPI with enough data on both sides, shrunk by its uncertainty."""
    by_metric = {i.metric: i for i in impacts}
    for metric in KPI_PREFERENCE:
        imp = by_metric.get(metric)
        if imp is None or imp.difference is None or imp.std_error is None:
            continue
        if imp.n_with < min_n or imp.n_without < min_n:
            continue
        d = imp.difference
        reliability = d * d / (d * d + imp.std_error**2) if (d or imp.std_error) else 0.0
        return _clip(d / KPI_HALF_SCALE[metric]) * reliability, metric
    return 0.0, None


def recency_component(last_seen: date | None, as_of: date, half_life_days: float) -> float:
    if last_seen is None:
        return 0.0
    days = max(0, (as_of - last_seen).days)
    return float(0.5 ** (days / half_life_days))


def score_pain_points(
    pain_points: Sequence[PainPointInput],
    corpus: Sequence[FeedbackFact],
    as_of: date | datetime | None = None,
    config: PriorityConfig | None = None,
) -> list[PriorityResult]:
    """Score every pain point against the corpus, highest priority first.

    ``corpus`` is all feedback in scope (the denominator of shares and the "without" side of impact);
    every unit's ``item_id`` should appear in it. ``as_of`` defaults to the newest feedback day.
    """
    config = config or PriorityConfig()
    by_id = {f.item_id: f for f in corpus}
    corpus_days = [f.day for f in corpus]
    if isinstance(as_of, datetime):
        as_of = as_of.date()
    if as_of is None:
        as_of = max(corpus_days) if corpus_days else date.today()
    total_items = len(corpus)
    weights = config.weights.normalised()

    trend_totals = window_totals(corpus_days, as_of, config)
    moments = kpi_moments(corpus)
    prepared = []
    for pp in pain_points:
        item_ids = {u.item_id for u in pp.units if u.item_id in by_id}
        prepared.append((pp, item_ids))
    max_share = max((len(ids) / total_items for _, ids in prepared), default=0.0) if total_items else 0.0

    results: list[PriorityResult] = []
    for pp, item_ids in prepared:
        share = len(item_ids) / total_items if total_items else 0.0
        volume = share / max_share if max_share else 0.0
        negativity, intensity = severity_parts(pp.units)
        mention_days = [by_id[i].day for i in item_ids]
        trend = trend_detail(mention_days, corpus_days, as_of, config, trend_totals)
        impacts = kpi_impacts(item_ids, corpus, totals=moments, by_id=by_id)
        effort_share = sum(1 for u in pp.units if u.effort) / len(pp.units) if pp.units else 0.0
        last_seen = max(mention_days) if mention_days else None
        results.append(
            assemble_result(
                pp.pain_point_id,
                (len(item_ids), len(pp.units)),
                (share, volume, negativity, intensity, effort_share),
                trend,
                impacts,
                last_seen,
                as_of,
                config,
                weights,
            )
        )
    results.sort(key=lambda r: (-r.priority, -r.n_items, r.pain_point_id))
    return results


def assemble_result(
    pain_point_id: str,
    counts: tuple[int, int],
    parts: tuple[float, float, float, float, float],
    trend: TrendDetail,
    impacts: list[KpiImpact],
    last_seen: date | None,
    as_of: date,
    config: PriorityConfig,
    weights: dict[str, float],
) -> PriorityResult:
    """The components and the weighted score from the parts both paths compute their own way (per item here,
    from stored sums in ``aggregated.py``): one formula, so the CLI and the service rank alike.

    ``counts`` = (items, units); ``parts`` = (share, volume, negativity, intensity, effort share)."""
    n_items, n_units = counts
    share, volume, negativity, intensity, effort_share = parts
    impact, impact_metric = impact_component(impacts, config.impact_min_n)
    components = Components(
        volume=volume,
        severity=_clip(0.6 * negativity + 0.4 * intensity),
        impact=impact,
        trend=trend_component(trend),
        effort=effort_share,
        recency=recency_component(last_seen, as_of, config.recency_half_life_days),
    )
    priority = 100.0 * sum(weights[k] * v for k, v in asdict(components).items())
    return PriorityResult(
        pain_point_id=pain_point_id,
        priority=round(priority, 2),
        components=components,
        weights=weights,
        n_items=n_items,
        n_units=n_units,
        share=share,
        negativity=negativity,
        emotion_intensity=intensity,
        effort_share=effort_share,
        last_seen=last_seen,
        days_since_last_seen=(as_of - last_seen).days if last_seen else None,
        trend=trend,
        impact_metric=impact_metric,
        impacts=impacts,
    )
