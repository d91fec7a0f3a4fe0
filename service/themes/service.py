"""Parent themes: written by the analysis job with stable ids, read with aggregates and a priority score.

Write side (``sync_themes``, called by ``analysis/runner.recluster``): the backend tells which parent theme
each new cluster belongs to; themes are matched to the stored ones on their pain points (Jaccard) and centroid
with ``nlp.themes.incremental.match_clusters``, so a theme keeps its id across re-analyses like a pain point.
Read side (``service.themes.summary``): volume, sentiment, stage mix and the priority score of the theme's
pain points under the same filters as the pain point list, from SQL aggregates and the stored read sums.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from sqlmodel import Session, col, select

from nlp.themes.incremental import PreviousCluster, match_clusters
from nlp.themes.naming import bilingual_name
from service.analysis.backend import from_blob, to_blob
from service.api.errors import field_error
from service.models import PainPoint, Theme
from service.themes.naming import display_name, present_languages, shown_names

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
