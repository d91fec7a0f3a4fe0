"""Parent themes: written by the analysis job with stable ids, read with aggregates and a priority score.

Write side (``sync_themes``, called by ``analysis/runner.recluster``): the backend tells which parent theme
each new cluster belongs to; themes are matched to the stored ones on their pain points (Jaccard) and centroid
with ``nlp.themes.incremental.match_clusters``, so a theme keeps its id across re-analyses like a pain point.
Read side (``theme_views``): volume, sentiment, stage mix and the priority score are computed from the
theme's pain points under the same filters as the pain point list, with ``nlp.scoring`` as the list does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from sqlmodel import Session, col, select

from nlp.journey_map.build import MapPainPoint
from nlp.scoring.priority import PainPointInput, PriorityResult, score_pain_points
from nlp.scoring.signals import unit_signal
from nlp.themes.incremental import PreviousCluster, match_clusters
from nlp.themes.naming import bilingual_name
from service.analysis.backend import from_blob, to_blob
from service.analysis.view import UnitRow, View, channels_of, priority_config, visible_pain_points
from service.api.errors import field_error
from service.models import PainPoint, Theme
from service.themes.naming import display_name, present_languages, shown_names, workspace_language

NEW = "__new__"


@dataclass
class ThemeDraft:
    """One parent theme as the clustering sees it: its pain points and the names of its text."""

    kind: str
    pain_point_ids: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    weighted: np.ndarray | None = None  # sum of the children's centroids × their size

    def add(self, pp_id: str, centroid: np.ndarray, size: int, names: dict[str, str]) -> None:
        self.pain_point_ids.append(pp_id)
        self.names = self.names or dict(names)
        part = np.asarray(centroid, dtype=np.float64) * max(size, 1)
        self.weighted = part if self.weighted is None else self.weighted + part

    @property
    def centroid(self) -> np.ndarray:
        c = self.weighted if self.weighted is not None else np.zeros(1)
        return (c / max(float(np.linalg.norm(c)), 1e-12)).astype(np.float32)


def _languages(pps: Sequence[PainPoint]) -> list[str]:
    """Languages weighted by units, for the majority-language fallback of a theme's name."""
    return [
        lang
        for p in pps
        for lang, share in (p.language_mix or {}).items()
        for _ in range(round(share * p.size))
    ]


def sync_themes(
    session: Session,
    workspace_id: str,
    drafts: Sequence[ThemeDraft],
    model_id: str,
    language: str | None,
    now: datetime,
) -> list[str]:
    """Write ``drafts`` as themes with stable ids and point their pain points at them; drop themes left
    without pain points. Returns the theme ids in draft order."""
    stored = session.exec(select(Theme).where(Theme.workspace_id == workspace_id)).all()
    pps = {
        p.id: p for p in session.exec(select(PainPoint).where(PainPoint.workspace_id == workspace_id)).all()
    }
    ids: list[str] = [NEW] * len(drafts)
    for kind in ("pain", "opportunity"):
        idx = [i for i, d in enumerate(drafts) if d.kind == kind]
        previous = [
            PreviousCluster(t.id, c, frozenset(p.id for p in pps.values() if p.theme_id == t.id))
            for t in stored
            if t.kind == kind and t.embedding_model == model_id and (c := from_blob(t.centroid)) is not None
        ]
        if not idx:
            continue
        matching = match_clusters(
            previous,
            np.vstack([drafts[i].centroid for i in idx]),
            [frozenset(drafts[i].pain_point_ids) for i in idx],
            make_id=lambda _n: NEW,
        )
        for local, old in enumerate(matching.ids):
            ids[idx[local]] = old
    by_id = {t.id: t for t in stored}
    for n, draft in enumerate(drafts):
        theme = by_id.get(ids[n]) if ids[n] != NEW else None
        if theme is None or theme.kind != draft.kind:
            theme = Theme(workspace_id=workspace_id, kind=draft.kind)
            session.add(theme)
            by_id[theme.id] = theme
            ids[n] = theme.id
    session.flush()  # new themes exist before pain points point at them (no ORM relationship orders this)
    for n, draft in enumerate(drafts):
        theme = by_id[ids[n]]
        members = [pps[p] for p in draft.pain_point_ids if p in pps]
        theme.names = {k: v[:300] for k, v in draft.names.items()} or None
        if not theme.name_edited:
            theme.name = (bilingual_name(draft.names, _languages(members), language) or "")[:300]
        theme.centroid = to_blob(draft.centroid)
        theme.embedding_model = model_id
        theme.updated_at = now
        for p in members:
            p.theme_id = theme.id
    session.flush()
    used = {
        p.theme_id
        for p in session.exec(
            select(PainPoint).where(
                PainPoint.workspace_id == workspace_id, col(PainPoint.merged_into_id).is_(None)
            )
        )
    }
    for t in list(by_id.values()):
        if t.id not in used and t.workspace_id == workspace_id:
            session.delete(t)
    return ids


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


def theme_name(theme: Theme, pain_points: Sequence[PainPoint], language: str | None) -> str:
    """The workspace language's name, then the other language's when the visible pain points have a real
    share of units in it ("Remboursements / Refunds"); a theme of one pain point a person renamed reads as
    that name; a theme a person renamed reads as its edited name."""
    if theme.name_edited:
        return theme.name
    if len(pain_points) == 1 and pain_points[0].label_edited:
        return display_name(pain_points[0], language)
    languages = _languages(pain_points)
    names = shown_names(theme.names, present_languages(p.language_mix for p in pain_points))
    return bilingual_name(names, languages, language) or theme.name


def themes_by_id(session: Session, workspace_id: str, ids: Sequence[str | None]) -> dict[str, Theme]:
    wanted = [i for i in set(ids) if i]
    if not wanted:
        return {}
    rows = session.exec(select(Theme).where(Theme.workspace_id == workspace_id, col(Theme.id).in_(wanted)))
    return {t.id: t for t in rows.all()}


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
                stage=staged.most_common(1)[0][0] if staged else "unknown",
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


def rename_theme(session: Session, workspace_id: str, theme_id: str, name: str) -> Theme:
    """A person's name for a theme: shown as is and kept through re-analysis (``name_edited``); 404 for a
    theme of another workspace, so ids do not leak across workspaces."""
    theme = session.get(Theme, theme_id)
    if theme is None or theme.workspace_id != workspace_id:
        raise field_error(404, "theme_id", "not_found", f"no theme {theme_id!r} in this workspace")
    theme.name = name[:300]
    theme.name_edited = True
    session.add(theme)
    session.commit()
    session.refresh(theme)
    return theme
