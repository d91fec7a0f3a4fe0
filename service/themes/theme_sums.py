"""Theme figures read from the stored theme sums (``view_tables.sum_selects``: ``read_item_sum`` kind
``theme``, ``read_unit_sum`` kinds ``ppst`` and ``tmap``), in time bounded by themes × days × channels.

Distinct items per theme are exact as stored: the build counts each (theme, item) pair once, through the
pain points' ``theme_id`` at build time. They answer a theme's figures when the pain points the build
counted in it (its ``tmap`` rows) with units in scope are exactly the ones the view shows for it; a status,
kind or stage filter that hides some of them, or a theme change not built yet, leaves that theme to the
pain-point sums less the overlaps (``summary._theme_sums``, one scan of the units' index), so both paths
give the same figures (``tests/service/themes/test_themes_summary.py`` compares them with the full scan).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from nlp.scoring.stats import Moments
from service.analysis.view_summary import SummaryView, _add, _as_date, _kpi_sums, _moments, _where, grain
from service.analysis.view_tables import THEME_MAP
from service.models import PainPoint, ReadItemSum, ReadUnitSum

_I = ReadItemSum.__table__  # type: ignore[attr-defined]
_U = ReadUnitSum.__table__  # type: ignore[attr-defined]
_KPIS = ("rating", "nps", "csat")
# Themes computed per path in this process (``stored`` sums, or ``overlap``: pain-point sums less the
# overlaps); tests read them to prove which path ran.
PATHS: Counter[str] = Counter()


@dataclass
class ThemeSums:
    """One theme's distinct-item figures in scope (no ORM objects: cached)."""

    items_by_day: dict[date, int] = field(default_factory=dict)
    kpis: dict[str, Moments] = field(default_factory=dict)
    channel_overlaps: dict[str, int] = field(default_factory=dict)  # items counted twice or more, per channel
    channels: dict[str, int] | None = None  # distinct items per channel, when read from the theme sums


def built_theme_map(session: Session, workspace_id: str) -> dict[str, str]:
    """Pain point id -> theme id as the served build counted them (empty: built before 0012_theme_sums)."""
    rows = session.execute(
        select(_U.c.key).where(
            _U.c.workspace_id == workspace_id, _U.c.grain == THEME_MAP[0], _U.c.kind == THEME_MAP[1]
        )
    ).scalars()
    return dict(key.split("|", 1) for key in rows)


def stored_themes(
    session: Session, view: SummaryView, children: Mapping[str, Sequence[PainPoint]]
) -> set[str]:
    """The themes whose stored sums count exactly their shown pain points' items in scope."""
    counted: dict[str, set[str]] = {}
    for pid, tid in built_theme_map(session, view.workspace.id).items():
        if view.n_units(pid):
            counted.setdefault(tid, set()).add(pid)
    return {tid for tid, pps in children.items() if counted.get(tid) == {p.id for p in pps}}


def stored_theme_sums(session: Session, view: SummaryView, themes: set[str]) -> dict[str, ThemeSums]:
    """Distinct items per day, their KPI moments and distinct items per channel, per theme in scope."""
    if not themes:
        return {}
    ws, f = view.workspace.id, view.filters
    out = {tid: ThemeSums(kpis={k: Moments() for k in _KPIS}, channels={}) for tid in themes}
    for key, raw_day, n, *kpis in session.execute(
        select(_I.c.key, _I.c.day, func.sum(_I.c.n_items), *_kpi_sums())
        .where(*_where(_I, ws, "theme", f, grain(f)), _I.c.key.in_(sorted(themes)))
        .group_by(_I.c.key, _I.c.day)
    ):
        sums = out[key]
        sums.items_by_day[_as_date(raw_day)] = int(n)
        sums.kpis = {k: _add(sums.kpis[k], m) for k, m in _moments(kpis).items()}
    for key, channel, n in session.execute(
        select(_I.c.key, _I.c.channel, func.sum(_I.c.n_items))
        .where(*_where(_I, ws, "theme", f, grain(f, by_channel=True)), _I.c.key.in_(sorted(themes)))
        .group_by(_I.c.key, _I.c.channel)
    ):
        channels = out[key].channels
        assert channels is not None
        channels[channel or "unknown"] = channels.get(channel or "unknown", 0) + int(n)
    return out


def stored_stage_units(
    session: Session, view: SummaryView, pp_ids: Sequence[str]
) -> dict[str, dict[str, int]]:
    """Units per pain point and stage (``unknown`` when none) in scope, from the ``ppst`` sums."""
    wanted = set(pp_ids)
    out: dict[str, dict[str, int]] = {}
    for key, n in session.execute(
        select(_U.c.key, func.sum(_U.c.n_units))
        .where(*_where(_U, view.workspace.id, "ppst", view.filters, grain(view.filters)))
        .group_by(_U.c.key)
    ):
        pid, stage = key.split("|", 1)
        if pid in wanted and n:
            out.setdefault(pid, {})[stage] = int(n)
    return out
