"""The priority score from stored sums instead of per-item facts: the same ``PriorityResult`` as
``score_pain_points``, in time proportional to the number of pain points and days, not items.

The service keeps per-day, per-dimension sums (distinct items, units, negativity and emotion-intensity sums,
effort counts, KPI count / sum / sum of squares) and adds them up under a view's filters; every component of
the score is a function of those sums:

- volume and trend need distinct items per day (a mention is an item, counted once however many of its
  units belong to the pain point), and the corpus's items per day;
- severity and effort are means over units: sums divided by the unit count;
- impact is Welch's test on KPI moments, and the "without" side is the corpus moments minus the "with" side
  (``Moments`` subtract), exactly as ``score_pain_points`` computes it;
- recency needs the last day with a mention.

``score_pain_points`` stays the reference (the CLI uses it); a property test checks both agree on random
data, so the two doors rank the same way. Float sums may differ in the last bits (another summation order).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from nlp.scoring.config import PriorityConfig
from nlp.scoring.priority import KPI_PREFERENCE, KpiImpact, PriorityResult, assemble_result
from nlp.scoring.stats import Moments
from nlp.scoring.trend import trend_detail, window_totals


@dataclass(frozen=True)
class CorpusSums:
    """All feedback in scope: items per day and KPI moments (the denominators and the "without" side)."""

    items_by_day: Mapping[date, int]
    kpis: Mapping[str, Moments] = field(default_factory=dict)

    @property
    def n_items(self) -> int:
        return sum(self.items_by_day.values())


@dataclass(frozen=True)
class MentionWindows:
    """What the score reads of a pain point's mentions per day, added up already (by the database, for
    the window bounds of ``trend.window_starts``): distinct items in scope, in the trend's recent and
    baseline windows, and the last day with a mention."""

    n_items: int
    recent: int
    baseline: int
    last_seen: date | None


@dataclass(frozen=True)
class PainPointSums:
    """One pain point's mentions in scope.

    ``items_by_day`` counts distinct items per day, or ``windows`` gives those days already added up for
    the scoring's ``as_of`` (``items_by_day`` is then not read); ``kpis`` are the moments of those items'
    KPIs;
    ``negativity_sum`` is Σ max(0, −clip(sentiment)) and ``intensity_sum`` Σ emotion intensity × confidence
    over its ``n_units`` units; ``effort_units`` how many of them report effort.
    """

    pain_point_id: str
    n_units: int
    items_by_day: Mapping[date, int]
    negativity_sum: float = 0.0
    intensity_sum: float = 0.0
    effort_units: int = 0
    kpis: Mapping[str, Moments] = field(default_factory=dict)
    windows: MentionWindows | None = None

    @property
    def n_items(self) -> int:
        return self.windows.n_items if self.windows is not None else sum(self.items_by_day.values())


def impacts_from_moments(
    with_kpis: Mapping[str, Moments], totals: Mapping[str, Moments], metrics: Sequence[str] = KPI_PREFERENCE
) -> list[KpiImpact]:
    """``kpi_impacts`` on moments: Welch per KPI the corpus has values of."""
    out: list[KpiImpact] = []
    for metric in metrics:
        total = totals.get(metric, Moments())
        if not total.n:
            continue
        out.append(KpiImpact.between(metric, with_kpis.get(metric, Moments()), total))
    return out


def score_from_sums(
    pain_points: Sequence[PainPointSums],
    corpus: CorpusSums,
    as_of: date | datetime | None = None,
    config: PriorityConfig | None = None,
) -> list[PriorityResult]:
    """``score_pain_points`` on sums; highest priority first, same tie-breaks."""
    config = config or PriorityConfig()
    corpus_days = {d: n for d, n in corpus.items_by_day.items() if n}
    if isinstance(as_of, datetime):
        as_of = as_of.date()
    if as_of is None:
        as_of = max(corpus_days) if corpus_days else date.today()
    total_items = corpus.n_items
    weights = config.weights.normalised()
    trend_totals = window_totals(corpus_days, as_of, config)
    max_share = max((pp.n_items / total_items for pp in pain_points), default=0.0) if total_items else 0.0

    results: list[PriorityResult] = []
    for pp in pain_points:
        n_items = pp.n_items
        share = n_items / total_items if total_items else 0.0
        volume = share / max_share if max_share else 0.0
        negativity = pp.negativity_sum / pp.n_units if pp.n_units else 0.0
        intensity = pp.intensity_sum / pp.n_units if pp.n_units else 0.0
        if pp.windows is not None:
            counts = {"recent": pp.windows.recent, "baseline": pp.windows.baseline}
            trend = trend_detail({}, corpus_days, as_of, config, trend_totals, counts)
            last_seen = pp.windows.last_seen
        else:
            mention_days = {d: n for d, n in pp.items_by_day.items() if n}
            trend = trend_detail(mention_days, corpus_days, as_of, config, trend_totals)
            last_seen = max(mention_days) if mention_days else None
        impacts = impacts_from_moments(pp.kpis, corpus.kpis)
        effort_share = pp.effort_units / pp.n_units if pp.n_units else 0.0
        results.append(
            assemble_result(
                pp.pain_point_id,
                (n_items, pp.n_units),
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
