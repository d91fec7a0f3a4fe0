"""Full-scan versions of the web pages' weekly series, stage shares and filter values, kept as test
oracles: the pages read stored sums (``service.web.summary_insights``) and tests check them against these,
computed on ``load_view`` (every item and unit)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from service.analysis.view import View, stage_specs
from service.web.insights import Week, stage_labels


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def weekly_series(view: View) -> list[Week]:
    """Items and mean unit sentiment per ISO week, quiet weeks included (zero items, no sentiment)."""
    counts: dict[date, int] = defaultdict(int)
    for item in view.items.values():
        counts[_monday(item.created_at.date())] += 1
    sentiments: dict[date, list[float]] = defaultdict(list)
    for u in view.units:
        if u.sentiment_score is not None and u.feedback_id in view.items:
            sentiments[_monday(view.items[u.feedback_id].created_at.date())].append(u.sentiment_score)
    if not counts:
        return []
    out, week = [], min(counts)
    while week <= max(counts):
        s = sentiments.get(week)
        out.append(Week(week, counts.get(week, 0), sum(s) / len(s) if s else None))
        week += timedelta(days=7)
    return out


def stage_distribution(view: View, lang: str = "en") -> list[tuple[str, str, int]]:
    """(stage id, label, items) in journey order, then ``unknown``; an item counts once per stage."""
    by_stage: dict[str, set[str]] = defaultdict(set)
    for u in view.units:
        by_stage[u.stage or "unknown"].add(u.feedback_id)
    names = stage_labels(view.workspace, lang)
    rows = [(s.id, names[s.id], len(by_stage.get(s.id, ()))) for s in stage_specs(view.workspace)]
    if by_stage.get("unknown"):
        rows.append(("unknown", names["unknown"], len(by_stage["unknown"])))
    return rows


def dimension_values(
    view: View, dims: Iterable[str] = ("source", "channel", "segment", "language")
) -> dict[str, list[str]]:
    """The values each feedback column takes in the view, for the filter drop-downs."""
    return {
        dim: sorted({str(getattr(i, dim)) for i in view.items.values() if getattr(i, dim, None)})
        for dim in dims
    }
