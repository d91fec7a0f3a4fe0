"""The journey map's per-stage figures from the stored sums (``load_summary(with_stages=True)``).

Apart from ``view_summary`` so that each module stays one job: that module adds pain points up, this one
stages (items and touchpoints per stage from the item sums, sentiment and effort from the unit sums).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from nlp.journey_map.build import StageAggregate
from service.analysis.view import ViewFilters
from service.analysis.view_summary import _I, _U, _where, grain


def stage_aggregates(session: Session, workspace_id: str, filters: ViewFilters) -> dict[str, StageAggregate]:
    """The journey map's per-stage figures, as ``view.journey_map`` computes them from every unit."""
    items: dict[str, dict[str, Any]] = {}
    for key, channel, n, r_n, r_sum, nps_n, prom, detr in session.execute(
        select(
            _I.c.key,
            _I.c.channel,
            func.sum(_I.c.n_items),
            func.sum(_I.c.rating_n),
            func.sum(_I.c.rating_sum),
            func.sum(_I.c.nps_n),
            func.sum(_I.c.nps_promoters),
            func.sum(_I.c.nps_detractors),
        )
        .where(*_where(_I, workspace_id, "stage", filters, grain(filters, by_channel=True)))
        .group_by(_I.c.key, _I.c.channel)
    ):
        acc = items.setdefault(key, {"n": 0, "touch": {}, "r_n": 0, "r_sum": 0.0, "nps": [0, 0, 0]})
        acc["n"] += int(n)
        acc["touch"][channel or "unknown"] = acc["touch"].get(channel or "unknown", 0) + int(n)
        acc["r_n"] += int(r_n)
        acc["r_sum"] += float(r_sum)
        acc["nps"] = [a + int(b) for a, b in zip(acc["nps"], (nps_n, prom, detr), strict=True)]
    out: dict[str, StageAggregate] = {}
    for key, n_units, sn, ss, eff in session.execute(
        select(
            _U.c.key,
            func.sum(_U.c.n_units),
            func.sum(_U.c.sentiment_n),
            func.sum(_U.c.sentiment_sum),
            func.sum(_U.c.effort_n),
        )
        .where(*_where(_U, workspace_id, "stage", filters, grain(filters)))
        .group_by(_U.c.key)
    ):
        acc = items.get(key, {"n": 0, "touch": {}, "r_n": 0, "r_sum": 0.0, "nps": [0, 0, 0]})
        nps_n, prom, detr = acc["nps"]
        out[key] = StageAggregate(
            stage_id=key,
            n_items=acc["n"],
            n_units=int(n_units),
            touchpoints=dict(sorted(acc["touch"].items(), key=lambda kv: (-kv[1], kv[0]))),
            mean_sentiment=float(ss) / int(sn) if sn else None,
            mean_rating=acc["r_sum"] / acc["r_n"] if acc["r_n"] else None,
            nps=100.0 * (prom - detr) / nps_n if nps_n else None,
            effort_share=int(eff) / int(n_units),
        )
    return out
