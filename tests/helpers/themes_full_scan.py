"""The themes' read side as it was before issue 14: every item and unit of the workspace loaded
(``service.analysis.view.load_view``) and the themes scored from rows. Kept only as a test oracle: the
service computes the same figures from SQL aggregates (``service.themes.summary``) and the equality tests
compare both on small workspaces."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, select

from nlp.journey_map.build import MapPainPoint
from nlp.scoring.priority import PainPointInput, PriorityResult, score_pain_points
from nlp.scoring.signals import unit_signal
from service.analysis.view import UnitRow, View, channels_of, priority_config, visible_pain_points
from service.models import PainPoint, Theme
from service.themes.naming import workspace_language
from service.themes.service import theme_name


@dataclass
class ThemeView:
    theme: Theme
    name: str
    pain_points: list[PainPoint]  # visible ones, by priority
    units: list[UnitRow]
    score: PriorityResult
    items: int
    mean_sentiment: float | None
    stage_mix: dict[str, float]


def theme_views(session: Session, view: View) -> list[ThemeView]:
    """Themes of the visible pain points (under the view's filters), highest priority first."""
    themes = {
        t.id: t for t in session.exec(select(Theme).where(Theme.workspace_id == view.workspace.id)).all()
    }
    children: dict[str, list[PainPoint]] = {}
    for p in visible_pain_points(view):
        if p.theme_id in themes and view.units_by_pp.get(p.id):
            children.setdefault(p.theme_id, []).append(p)
    units_of = {
        tid: [u for p in pps for u in view.units_by_pp.get(p.id, [])] for tid, pps in children.items()
    }
    scores = score_pain_points(
        [
            PainPointInput(
                tid, [unit_signal(u.feedback_id, u.sentiment_score, u.emotion, u.effort) for u in units]
            )
            for tid, units in units_of.items()
        ],
        view.facts(),
        view.as_of,
        priority_config(view.workspace),
    )
    language = workspace_language(view.workspace)
    out = []
    for r in scores:
        theme, units = themes[r.pain_point_id], units_of[r.pain_point_id]
        pps = sorted(children[theme.id], key=lambda p: (-view.scores[p.id].priority, p.id))
        sentiments = [u.sentiment_score for u in units if u.sentiment_score is not None]
        stages = Counter(u.stage or "unknown" for u in units)
        out.append(
            ThemeView(
                theme=theme,
                name=theme_name(theme, pps, language),
                pain_points=pps,
                units=units,
                score=r,
                items=len({u.feedback_id for u in units}),
                mean_sentiment=sum(sentiments) / len(sentiments) if sentiments else None,
                stage_mix={k: n / len(units) for k, n in sorted(stages.items())},
            )
        )
    return out


def theme_map_entries(view: View, themes: Sequence[ThemeView]) -> list[MapPainPoint]:
    """Themes as journey-map entries: placed at the stage most of their units are at, scored as themes."""
    out = []
    for tv in themes:
        staged = Counter(u.stage for u in tv.units if u.stage and u.stage != "unknown")
        rating = next((i for i in tv.score.impacts if i.metric == "rating"), None)
        quotes = [q.get("text") for p in tv.pain_points for q in (p.quotes or []) if isinstance(q, dict)]
        keyphrases = [k for p in tv.pain_points for k in (p.keyphrases or [])]
        out.append(
            MapPainPoint(
                id=tv.theme.id,
                label=tv.name,
                # Ties: the first stage in name order. The original took the stage its first unit met
                # (row order, arbitrary); the only change made to this oracle.
                stage=min(staged.items(), key=lambda kv: (-kv[1], kv[0]))[0] if staged else "unknown",
                priority=tv.score.priority,
                n_items=tv.score.n_items,
                share=tv.score.share,
                mean_sentiment=tv.mean_sentiment,
                trend_ratio=tv.score.trend.ratio,
                emerging=tv.score.trend.emerging,
                impact=rating.difference if rating else None,
                status="open" if any(p.status != "resolved" for p in tv.pain_points) else "resolved",
                keyphrases=tuple(dict.fromkeys(keyphrases))[:5],
                segments=tuple(list(channels_of(view, tv.units))[:3]),
                quote=next((q for q in quotes if q), None),
                kind="pain_point" if tv.theme.kind == "pain" else "opportunity",
            )
        )
    return out
