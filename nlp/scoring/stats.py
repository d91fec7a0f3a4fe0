"""Small, dependency-light statistical tests shared by prioritisation and the closed loop.

Pain-point counts are small (a handful of mentions per week is common), so normal approximations are not
trustworthy: the tests here are exact (Fisher's exact test on the 2x2 "mentions vs other feedback" table)
and the intervals use the log method, which behaves with small counts (a 0.5 continuity correction keeps
them finite when a cell is zero).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from scipy import special as _spc
from scipy import stats as _sps

Alternative = Literal["two-sided", "greater", "less"]


def count_by_window(
    days: Iterable[date] | Mapping[date, int], window: Callable[[date], str | None], names: Sequence[str]
) -> dict[str, int]:
    """How many of ``days`` fall in each named window (``window`` maps a day to its name, or None outside
    every window). Every name is present, with 0 when empty, so a rate's denominator is never missing.

    ``days`` may also be a mapping day -> count (what the read side's stored aggregates hold), counted as
    that many repeats of the day: the same answer without expanding a million dates."""
    counts = dict.fromkeys(names, 0)
    if isinstance(days, Mapping):
        for d, n in days.items():
            name = window(d)
            if name is not None:
                counts[name] += n
        return counts
    for d in days:
        name = window(d)
        if name is not None:
            counts[name] += 1
    return counts


@dataclass(frozen=True)
class RateComparison:
    """Share of feedback mentioning something in period A ("new") vs period B ("reference")."""

    new_count: int
    new_total: int
    ref_count: int
    ref_total: int
    new_rate: float | None
    ref_rate: float | None
    rate_ratio: float | None  # new_rate / ref_rate, 0.5-smoothed so it is finite
    ci_low: float | None  # 95 % interval of the rate ratio (log / Katz method)
    ci_high: float | None
    p_value: float | None  # Fisher exact test, for the requested alternative


def compare_rates(
    new_count: int, new_total: int, ref_count: int, ref_total: int, alternative: Alternative = "two-sided"
) -> RateComparison:
    """Compare two proportions with Fisher's exact test and a log-method rate-ratio interval.

    ``alternative="greater"`` asks "is the new rate higher?" (emerging), ``"less"`` "is it lower?"
    (the fix worked).
    """
    for name, value in (
        ("new_count", new_count),
        ("new_total", new_total),
        ("ref_count", ref_count),
        ("ref_total", ref_total),
    ):
        if value < 0:
            raise ValueError(f"{name} must be >= 0")
    if new_count > new_total or ref_count > ref_total:
        raise ValueError("a count cannot exceed its total")
    new_rate = new_count / new_total if new_total else None
    ref_rate = ref_count / ref_total if ref_total else None
    if not new_total or not ref_total:
        return RateComparison(
            new_count, new_total, ref_count, ref_total, new_rate, ref_rate, None, None, None, None
        )
    a, b = new_count + 0.5, new_total + 1.0
    c, d = ref_count + 0.5, ref_total + 1.0
    ratio = (a / b) / (c / d)
    se = math.sqrt(max(1 / a - 1 / b + 1 / c - 1 / d, 0.0))
    ci_low, ci_high = ratio * math.exp(-1.96 * se), ratio * math.exp(1.96 * se)
    table = [[new_count, new_total - new_count], [ref_count, ref_total - ref_count]]
    _, p = _sps.fisher_exact(table, alternative=alternative)
    return RateComparison(
        new_count, new_total, ref_count, ref_total, new_rate, ref_rate, ratio, ci_low, ci_high, float(p)
    )


@dataclass(frozen=True)
class MeanDifference:
    """Welch comparison of a KPI between feedback without and with a pain point."""

    mean_with: float | None
    mean_without: float | None
    n_with: int
    n_without: int
    difference: float | None  # mean_without - mean_with: positive means the pain point lowers the KPI
    std_error: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None


@dataclass(frozen=True)
class Moments:
    """Count, sum and sum of squares: enough for a mean and a variance, and subtractable, so the
    "without" side of every pain point is the corpus total minus its "with" side (no rescan)."""

    n: int = 0
    total: float = 0.0
    squares: float = 0.0

    @classmethod
    def of(cls, values: Sequence[float]) -> Moments:
        return cls(len(values), float(sum(values)), float(sum(v * v for v in values)))

    def __sub__(self, other: Moments) -> Moments:
        return Moments(self.n - other.n, self.total - other.total, self.squares - other.squares)

    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    def var(self) -> float:
        if self.n < 2:
            return 0.0
        return max(0.0, (self.squares - self.total * self.total / self.n) / (self.n - 1))


def welch_difference(with_values: Sequence[float], without_values: Sequence[float]) -> MeanDifference:
    """Welch's unequal-variance comparison; needs two values on each side to say anything."""
    return welch_from_moments(Moments.of(with_values), Moments.of(without_values))


def welch_from_moments(with_m: Moments, without_m: Moments) -> MeanDifference:
    n1, n2 = with_m.n, without_m.n
    m1, m2 = with_m.mean(), without_m.mean()
    if n1 < 2 or n2 < 2 or m1 is None or m2 is None:
        diff = (m2 - m1) if (m1 is not None and m2 is not None) else None
        return MeanDifference(m1, m2, n1, n2, diff, None, None, None, None)
    v1, v2 = with_m.var(), without_m.var()
    # Sums of squares lose precision when the variance is tiny relative to the mean: treat as constant.
    if v1 < 1e-12:
        v1 = 0.0
    if v2 < 1e-12:
        v2 = 0.0
    diff = m2 - m1
    se2 = v1 / n1 + v2 / n2
    if se2 <= 0:
        # Both groups constant: the difference is exact, so no interval width, and p is 0 or 1.
        return MeanDifference(m1, m2, n1, n2, diff, 0.0, diff, diff, 0.0 if diff != 0 else 1.0)
    se = math.sqrt(se2)
    df = se2**2 / ((v1 / n1) ** 2 / (n1 - 1) + (v2 / n2) ** 2 / (n2 - 1)) if (v1 or v2) else n1 + n2 - 2
    # scipy.stats.t.ppf / .sf are these two ufuncs behind generic argument checks that cost ~10x the
    # computation (the read side scores every pain point on each uncached view): same values, called directly.
    t_crit = float(_spc.stdtrit(df, 0.975))
    p = float(2 * _spc.stdtr(df, -abs(diff) / se))
    return MeanDifference(m1, m2, n1, n2, diff, se, diff - t_crit * se, diff + t_crit * se, p)
