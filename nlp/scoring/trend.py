"""The trend component of the priority score: a pain point's share of all feedback in the recent window
against the baseline window just before it, with the Fisher test behind the ``emerging`` flag, and the
weekly mention series the pages chart. Apart from ``priority`` because the stored-sums reads use the window
bounds and the timeline without scoring anything."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from nlp.scoring.config import PriorityConfig
from nlp.scoring.stats import compare_rates, count_by_window


@dataclass(frozen=True)
class TrendDetail:
    recent_count: int
    recent_total: int
    baseline_count: int
    baseline_total: int
    recent_share: float | None
    baseline_share: float | None
    ratio: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    emerging: bool
    reason: str  # in English, for the API
    # The same reason as a key and its numbers, for a page to say it in its own language.
    reason_key: str = ""
    reason_args: tuple[tuple[str, float], ...] = ()


_WINDOWS = ("recent", "baseline")


def window_starts(as_of: date, config: PriorityConfig) -> tuple[date, date]:
    """(first day of the recent window, first day of the baseline window): recent is
    ``[recent_start, as_of]``, baseline ``[baseline_start, recent_start)``."""
    recent_start = as_of - timedelta(days=config.recent_days - 1)
    return recent_start, recent_start - timedelta(days=config.baseline_days)


def _windows(as_of: date, config: PriorityConfig) -> Callable[[date], str | None]:
    recent_start, baseline_start = window_starts(as_of, config)

    def window(d: date) -> str | None:
        if recent_start <= d <= as_of:
            return "recent"
        if baseline_start <= d < recent_start:
            return "baseline"
        return None

    return window


def window_totals(
    corpus_days: Iterable[date] | Mapping[date, int], as_of: date, config: PriorityConfig
) -> dict[str, int]:
    return count_by_window(corpus_days, _windows(as_of, config), _WINDOWS)


def trend_detail(
    mention_days: Iterable[date] | Mapping[date, int],
    corpus_days: Sequence[date] | Mapping[date, int],
    as_of: date,
    config: PriorityConfig,
    totals: dict[str, int] | None = None,
    counts: Mapping[str, int] | None = None,
) -> TrendDetail:
    """Share of feedback in the recent window vs the baseline window just before it.

    ``totals`` (from ``window_totals``) saves rescanning the corpus for every pain point. Days may be given
    as mappings day -> count (stored aggregates), or already counted per window (``counts``: ``recent``
    and ``baseline``, added up by the database; ``mention_days`` is then not read).
    """
    if counts is None:
        counts = count_by_window(mention_days, _windows(as_of, config), _WINDOWS)
    if totals is None:
        totals = window_totals(corpus_days, as_of, config)
    cmp = compare_rates(
        counts["recent"], totals["recent"], counts["baseline"], totals["baseline"], alternative="greater"
    )
    emerging = False
    args: tuple[tuple[str, float], ...] = ()
    if not totals["baseline"]:
        key, reason = "no_baseline", "no feedback in the baseline window: growth cannot be measured"
    elif not totals["recent"]:
        key, reason = "no_recent", "no feedback in the recent window"
    elif counts["recent"] < config.emerging_min_count:
        key, args = "few_recent", (("min", config.emerging_min_count),)
        reason = f"fewer than {config.emerging_min_count} recent mentions"
    elif cmp.rate_ratio is None or cmp.rate_ratio < config.emerging_min_ratio:
        key, args = "small_growth", (("ratio", config.emerging_min_ratio),)
        reason = f"share grew less than x{config.emerging_min_ratio:g}"
    elif cmp.p_value is None or cmp.p_value >= config.emerging_alpha:
        key, args = "not_significant", (("alpha", config.emerging_alpha),)
        reason = f"growth not significant (Fisher one-sided p >= {config.emerging_alpha:g})"
    else:
        emerging = True
        key = "emerging"
        args = (("ratio", cmp.rate_ratio), ("p", cmp.p_value), ("alpha", config.emerging_alpha))
        reason = (
            f"share x{cmp.rate_ratio:.2f} vs baseline, Fisher one-sided p={cmp.p_value:.3g}"
            f" < {config.emerging_alpha:g}"
        )
    return TrendDetail(
        recent_count=counts["recent"],
        recent_total=totals["recent"],
        baseline_count=counts["baseline"],
        baseline_total=totals["baseline"],
        recent_share=cmp.new_rate,
        baseline_share=cmp.ref_rate,
        ratio=cmp.rate_ratio,
        ci_low=cmp.ci_low,
        ci_high=cmp.ci_high,
        p_value=cmp.p_value,
        emerging=emerging,
        reason=reason,
        reason_key=key,
        reason_args=args,
    )


def trend_component(detail: TrendDetail) -> float:
    """0.5 when flat; log2 scale so x4 growth is 1 and /4 is 0. Unmeasurable growth counts as flat."""
    if detail.ratio is None or not detail.recent_total or not detail.baseline_total:
        return 0.5
    return min(1.0, max(0.0, 0.5 + math.log2(detail.ratio) / 4))


def weekly_timeline(days: Iterable[date] | Mapping[date, int]) -> list[tuple[date, int]]:
    """Mentions per ISO week (Monday start), gaps filled with zeros so charts show quiet weeks. ``days`` may
    be a mapping day -> count."""
    counts: dict[date, int] = {}
    pairs = days.items() if isinstance(days, Mapping) else ((d, 1) for d in days)
    for d, n in pairs:
        monday = d - timedelta(days=d.weekday())
        counts[monday] = counts.get(monday, 0) + n
    if not counts:
        return []
    start, end = min(counts), max(counts)
    out = []
    week = start
    while week <= end:
        out.append((week, counts.get(week, 0)))
        week += timedelta(days=7)
    return out
