"""Did the fix work? Rate of a pain point before and after its resolution date.

The rate is the *share of all feedback* that mentions the pain point, so a quieter month after the fix
does not pass for an improvement. Before and after windows have the same length (default 8 weeks, the
after window is cut at ``as_of``); the comparison is Fisher's exact test, one-sided "the share went down",
with a 95 % interval on the rate ratio. A verdict is only given with enough feedback after the fix:
otherwise it says so instead of guessing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any, Literal

from nlp.scoring.stats import compare_rates, count_by_window

Verdict = Literal["improved", "worsened", "no_significant_change", "insufficient_data"]


@dataclass(frozen=True)
class ClosedLoopReport:
    resolved_on: date
    window_days: int
    before_start: date
    after_end: date
    before_mentions: int
    before_total: int
    after_mentions: int
    after_total: int
    before_rate: float | None
    after_rate: float | None
    before_weekly: float  # mentions per week, for people who think in counts
    after_weekly: float
    rate_ratio: float | None
    ci_low: float | None
    ci_high: float | None
    p_value_decrease: float | None
    p_value_increase: float | None
    verdict: Verdict
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("resolved_on", "before_start", "after_end"):
            data[key] = data[key].isoformat()
        return data


def closed_loop_report(
    mention_days: Iterable[date] | Mapping[date, int],
    corpus_days: Iterable[date] | Mapping[date, int],
    resolved_on: date,
    as_of: date,
    window_days: int = 56,
    alpha: float = 0.05,
    min_after_total: int = 20,
    min_before_mentions: int = 3,
) -> ClosedLoopReport:
    """Compare the share of feedback mentioning the pain point in ``[resolved-window, resolved)`` and
    ``[resolved, min(resolved+window, as_of)]``. Days may be given as mappings day -> count."""
    if window_days < 1:
        raise ValueError("window_days must be >= 1")
    before_start = resolved_on - timedelta(days=window_days)
    after_end = min(resolved_on + timedelta(days=window_days - 1), as_of)

    def side(d: date) -> str | None:
        if before_start <= d < resolved_on:
            return "before"
        if resolved_on <= d <= after_end:
            return "after"
        return None

    mentions = count_by_window(mention_days, side, ("before", "after"))
    totals = count_by_window(corpus_days, side, ("before", "after"))
    less = compare_rates(mentions["after"], totals["after"], mentions["before"], totals["before"], "less")
    greater = compare_rates(
        mentions["after"], totals["after"], mentions["before"], totals["before"], "greater"
    )
    after_days = max(0, (after_end - resolved_on).days + 1)
    before_weekly = mentions["before"] / (window_days / 7)
    after_weekly = mentions["after"] / (after_days / 7) if after_days else 0.0

    verdict: Verdict
    if totals["after"] < min_after_total:
        verdict = "insufficient_data"
        explanation = f"only {totals['after']} feedback items after the fix (need {min_after_total})"
    elif totals["before"] == 0:
        verdict = "insufficient_data"
        explanation = "no feedback before the resolution date: nothing to compare with"
    elif mentions["before"] < min_before_mentions and mentions["after"] < min_before_mentions:
        verdict = "insufficient_data"
        explanation = f"fewer than {min_before_mentions} mentions on either side: nothing to compare"
    elif less.p_value is not None and less.p_value < alpha:
        verdict = "improved"
        explanation = (
            f"share fell from {less.ref_rate:.1%} to {less.new_rate:.1%} of feedback "
            f"(Fisher one-sided p={less.p_value:.3g} < {alpha:g})"
        )
    elif greater.p_value is not None and greater.p_value < alpha:
        verdict = "worsened"
        explanation = (
            f"share rose from {greater.ref_rate:.1%} to {greater.new_rate:.1%} of feedback "
            f"(Fisher one-sided p={greater.p_value:.3g} < {alpha:g})"
        )
    else:
        verdict = "no_significant_change"
        explanation = (
            f"share {less.ref_rate:.1%} before vs {less.new_rate:.1%} after; the difference is within noise "
            f"(p={less.p_value:.3g})"
        )
    return ClosedLoopReport(
        resolved_on=resolved_on,
        window_days=window_days,
        before_start=before_start,
        after_end=after_end,
        before_mentions=mentions["before"],
        before_total=totals["before"],
        after_mentions=mentions["after"],
        after_total=totals["after"],
        before_rate=less.ref_rate,
        after_rate=less.new_rate,
        before_weekly=before_weekly,
        after_weekly=after_weekly,
        rate_ratio=less.rate_ratio,
        ci_low=less.ci_low,
        ci_high=less.ci_high,
        p_value_decrease=less.p_value,
        p_value_increase=greater.p_value,
        verdict=verdict,
        explanation=explanation,
    )
