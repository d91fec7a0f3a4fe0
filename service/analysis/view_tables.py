"""Build the read aggregates (``service/models/aggregates.py``) of one workspace in SQL.

Six ``INSERT … SELECT … GROUP BY`` statements, the same on SQLite and PostgreSQL: the database scans items
and units once per statement and Python never sees a row, so a rebuild at a million items costs seconds of
database time and no server memory. A rebuild is a full replace (delete the workspace's rows, insert new
ones) inside one transaction: simple to get right under erasures, merges and splits, and cheap enough to run
after every analysis, every debounced score refresh and, lazily, on the first read after a change.

Freshness: triggers bump ``workspace_data_version`` on every write the sums depend on; ``ensure_fresh``
compares it with the version the sums were built at and, when they differ, adds the journaled appends
(``view_delta``, 0009_read_sum_delta) or, after any other write, rebuilds. Concurrent builds of a workspace
serialise on its ``read_sum_state`` row (PostgreSQL ``FOR UPDATE``; SQLite has one writer).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    Float,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from nlp.scoring.priority import EMOTION_INTENSITY
from service.analysis.view_bulk import bulk_pragmas, checkpoint_after_rebuild, delete_sums
from service.models import (
    FeedbackItem,
    OpinionUnit,
    PainPoint,
    ReadItemSum,
    ReadSumJournal,
    ReadSumState,
    ReadUnitSum,
    WorkspaceDataVersion,
)
from service.models.types import utcnow

_ITEM = FeedbackItem.__table__  # type: ignore[attr-defined]
_UNIT = OpinionUnit.__table__  # type: ignore[attr-defined]
_PAIN_POINT = PainPoint.__table__  # type: ignore[attr-defined]
_ITEM_SUM = ReadItemSum.__table__  # type: ignore[attr-defined]
_UNIT_SUM = ReadUnitSum.__table__  # type: ignore[attr-defined]
_STATE = ReadSumState.__table__  # type: ignore[attr-defined]
_VERSION = WorkspaceDataVersion.__table__  # type: ignore[attr-defined]
_JOURNAL = ReadSumJournal.__table__  # type: ignore[attr-defined]
# Builds in this process: ``rebuilds`` (full), ``applied_deltas``, ``delta_fallbacks`` (a delta that had to
# rebuild); benchmarks and tests read them.
BUILDS: Counter[str] = Counter()

_DIMS = ("channel", "source", "segment", "language")
_FULL = literal("full")
ROLLED_UP = "*"  # the value of a dimension a coarse grain adds up over
_ITEM_SUM_COLUMNS = [c.name for c in _ITEM_SUM.columns if c.name != "id"]
_UNIT_SUM_COLUMNS = [c.name for c in _UNIT_SUM.columns if c.name != "id"]


def item_day(column: Any, dialect: str) -> Any:
    """The UTC calendar day of a stored timestamp, as the read side's ``created_at.date()``."""
    if dialect == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return func.date(column)  # SQLite stores naive UTC 'YYYY-MM-DD HH:MM:SS…'


def _count_if(cond: Any) -> Any:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def _total(expr: Any) -> Any:
    return func.coalesce(func.sum(cast(expr, Float)), 0.0)


def _kpi_columns(i: Any) -> list[Any]:
    columns = []
    for name in ("rating", "nps", "csat"):
        col = i.c[name]
        columns += [func.count(col), _total(col), _total(col * col)]
        if name == "nps":
            columns += [_count_if(col >= 9), _count_if(col <= 6)]
    return columns


def _unit_columns(u: Any) -> list[Any]:
    """Units' sums exactly as ``nlp.scoring.signals.unit_signal`` and ``severity_parts`` read them: a missing
    sentiment is 0, the score clipped to [-1, 1]; a tagged emotion counts at full confidence."""
    s = u.c.sentiment_score
    negativity = case((s < -1, 1.0), (s < 0, -s), else_=0.0)
    intensity = case(*((func.lower(u.c.emotion) == e, v) for e, v in EMOTION_INTENSITY.items()), else_=0.0)
    return [
        func.count(),
        func.count(s),
        _total(s),
        _total(negativity),
        _total(intensity),
        _count_if(u.c.effort),
    ]


@dataclass(frozen=True)
class Only:
    """Extra conditions that restrict the sums' statements to some rows (``view_delta``: the journaled ones).

    ``items(i)``: on the items of kind ``all``; ``units(u, kind)``: on the units of a unit sum;
    ``mentions(u, key, kind)``: on the (key, item) pairs of an item sum of kind ``pp`` / ``stage``.
    ``in_workspace``: they select rows of the workspace only, so the statements leave out their own
    ``workspace_id =`` condition (which would make SQLite scan the workspace instead of looking rows up)."""

    items: Callable[[Any], list[Any]]
    units: Callable[[Any, str], list[Any]]
    mentions: Callable[[Any, Any, str], list[Any]]
    in_workspace: bool = False


EVERYTHING = Only(lambda i: [], lambda u, kind: [], lambda u, key, kind: [])


def sum_selects(
    workspace_id: str,
    dialect: str,
    grain: str = "full",
    kept: tuple[str, ...] = _DIMS,
    only: Only = EVERYTHING,
) -> list[tuple[Any, Any]]:
    """(sum table, ``SELECT … GROUP BY``) pairs computing the sums of one grain from items and units.

    The rebuild runs them over everything at grain ``full`` (and rolls the coarse grains up from those rows);
    a delta runs them at every grain over the journaled rows only and adds the result (UPSERT)."""
    i = _ITEM.alias("i")
    u = _UNIT.alias("u")
    day = item_day(i.c.created_at, dialect).label("day")
    dims = [i.c[d] if d in kept else literal(ROLLED_UP) for d in _DIMS]
    groups = [i.c[d] for d in _DIMS if d in kept]
    ws = literal(workspace_id)
    level = _FULL if grain == "full" else literal(grain)
    stage = func.coalesce(u.c.stage, "unknown")
    out: list[tuple[Any, Any]] = [
        (
            _ITEM_SUM,
            select(ws, level, literal("all"), literal(""), day, *dims, func.count(), *_kpi_columns(i))
            .where(*([] if only.in_workspace else [i.c.workspace_id == workspace_id]), *only.items(i))
            .group_by(day, *groups),
        )
    ]
    in_ws = [] if only.in_workspace else [u.c.workspace_id == workspace_id]
    for kind, key in (("pp", u.c.pain_point_id), ("stage", stage)):
        keep = list(in_ws)
        if kind == "pp":
            keep.append(u.c.pain_point_id.is_not(None))
        mentions = (
            select(key.label("key"), u.c.feedback_id).where(*keep, *only.mentions(u, key, kind)).distinct()
        ).subquery("m")
        out.append(
            (
                _ITEM_SUM,
                select(ws, level, literal(kind), mentions.c.key, day, *dims, func.count(), *_kpi_columns(i))
                .select_from(mentions.join(i, i.c.id == mentions.c.feedback_id))
                .where(true())
                .group_by(mentions.c.key, day, *groups),
            )
        )
        out.append(
            (
                _UNIT_SUM,
                select(ws, level, literal(kind), key, day, *dims, *_unit_columns(u))
                .select_from(u.join(i, i.c.id == u.c.feedback_id))
                .where(*keep, *only.units(u, kind))
                .group_by(key, day, *groups),
            )
        )
    # Distinct items per parent theme (through ``pain_point.theme_id``; 0012 makes a change of it rebuild):
    # a theme's items are a union over its pain points, which their per-pain-point sums cannot give.
    p = _PAIN_POINT.alias("p")
    theme = p.c.theme_id
    mentions = (
        select(theme.label("key"), u.c.feedback_id)
        .select_from(u.join(p, p.c.id == u.c.pain_point_id))
        .where(*in_ws, theme.is_not(None), *only.mentions(u, theme, "theme"))
        .distinct()
    ).subquery("t")
    out.append(
        (
            _ITEM_SUM,
            select(ws, level, literal("theme"), mentions.c.key, day, *dims, func.count(), *_kpi_columns(i))
            .select_from(mentions.join(i, i.c.id == mentions.c.feedback_id))
            .where(true())
            .group_by(mentions.c.key, day, *groups),
        )
    )
    # Units per pain point and value: sentiment and emotion mixes (detail page), stage (themes' stage mix).
    for kind, column, missing in (
        ("sent", u.c.sentiment, ""),
        ("emo", u.c.emotion, ""),
        ("ppst", u.c.stage, "unknown"),
    ):
        key = u.c.pain_point_id + "|" + func.coalesce(column, missing)
        out.append(
            (
                _UNIT_SUM,
                select(ws, level, literal(kind), key, day, *dims, *_unit_columns(u))
                .select_from(u.join(i, i.c.id == u.c.feedback_id))
                .where(*in_ws, u.c.pain_point_id.is_not(None), *only.units(u, kind))
                .group_by(key, day, *groups),
            )
        )
    return out


def _rebuild_statements(workspace_id: str, dialect: str) -> list[Any]:
    inserts = [
        insert(table).from_select([c.name for c in table.columns if c.name != "id"], stmt)
        for table, stmt in sum_selects(workspace_id, dialect)
    ]
    return [*inserts, *_rollups(workspace_id), _theme_map(workspace_id)]


THEME_MAP = ("map", "tmap")  # (grain, kind) of the rows naming each pain point's theme at build time


def _theme_map(workspace_id: str) -> Any:
    """One ``read_unit_sum`` row per pain point with a theme, key ``<pain point id>|<theme id>``, no
    measures: which pain points the ``theme`` sums of this build count in each theme, so a read of an
    older build (served while the next one is made) knows what they add up."""
    p = _PAIN_POINT.alias("p")
    names = [c.name for c in _UNIT_SUM.columns if c.name != "id"]
    measures = names[names.index("language") + 1 :]
    return insert(_UNIT_SUM).from_select(
        names,
        select(
            literal(workspace_id),
            literal(THEME_MAP[0]),
            literal(THEME_MAP[1]),
            p.c.id + "|" + p.c.theme_id,
            literal(date(1970, 1, 1), Date),
            *(literal(ROLLED_UP) for _ in _DIMS),
            *(literal(0) for _ in measures),
        ).where(p.c.workspace_id == workspace_id, p.c.theme_id.is_not(None)),
    )


def rollup_selects(workspace_id: str, sources: dict[str, Any] | None = None) -> list[tuple[Any, Any]]:
    """(sum table, ``SELECT``) pairs adding the coarse grains up, in the order they must run.

    A rebuild (``sources`` None) rolls ``channel`` up from the sum tables' own ``full`` rows and ``day`` from
    the ``channel`` rows just written (the same integers: a channel row is the sum of its full rows; at 1M
    items ~10x fewer rows to read than the full grain). A delta passes ``sources[table name]``, a scratch
    table of ``full`` rows, and rolls both grains up from it."""
    out = []
    for table in (_ITEM_SUM, _UNIT_SUM):
        names = [c.name for c in table.columns if c.name != "id"]
        measures = names[names.index("language") + 1 :]
        for grain, kept, below in (("channel", ("channel",), "full"), ("day", (), "channel")):
            if sources is not None:
                full, below = sources[table.name].alias("f"), "full"
            else:
                full = table.alias("f")
            dims = [full.c[d] if d in kept else literal(ROLLED_UP) for d in _DIMS]
            # kind, then the kept dimensions, then key and day: the order of the channel index, so the rows
            # one channel's view reads are written side by side (a rebuild inserts them in this order)
            order = [full.c.workspace_id, full.c.kind, *(full.c[d] for d in kept), full.c.key, full.c.day]
            out.append(
                (
                    table,
                    select(
                        full.c.workspace_id,
                        literal(grain),
                        full.c.kind,
                        full.c.key,
                        full.c.day,
                        *dims,
                        *(func.sum(full.c[m]) for m in measures),
                    )
                    .where(full.c.workspace_id == workspace_id, full.c.grain == below)
                    .group_by(*order)
                    .order_by(*order),
                )
            )
    source = _ITEM_SUM if sources is None else sources[_ITEM_SUM.name]
    return [*out, (_ITEM_SUM, _dims_select(workspace_id, source))]


DIMS_GRAIN = "dims"  # ``read_item_sum`` kind ``all`` per distinct dimension values (the filter drop-downs)


def _dims_select(workspace_id: str, source: Any) -> Any:
    """The corpus rows added up over the days (day fixed at 1970-01-01), one per distinct (channel, source,
    segment, language): the filter drop-downs read these ~100 rows instead of DISTINCT over the ``full``
    corpus rows (~44,000 at a year of 1M items; 25–35 ms per cold Compare). Kind ``all`` only."""
    f = source.alias("f")
    names = [c.name for c in _ITEM_SUM.columns if c.name != "id"]
    measures = names[names.index("language") + 1 :]
    return (
        select(
            f.c.workspace_id,
            literal(DIMS_GRAIN),
            f.c.kind,
            f.c.key,
            literal(date(1970, 1, 1), Date),
            *(f.c[d] for d in _DIMS),
            *(func.sum(f.c[m]) for m in measures),
        )
        .where(f.c.workspace_id == workspace_id, f.c.grain == "full", f.c.kind == "all")
        .group_by(f.c.workspace_id, f.c.kind, f.c.key, *(f.c[d] for d in _DIMS))
    )


def _rollups(workspace_id: str) -> list[Any]:
    """The coarse grains, added up from the ``full`` rows just written (not from items and units again)."""
    return [
        insert(table).from_select([c.name for c in table.columns if c.name != "id"], stmt)
        for table, stmt in rollup_selects(workspace_id)
    ]


def data_version(session: Session, workspace_id: str) -> tuple[int, int]:
    """(current data version, version the sums were built at; -1 when never built)."""
    row = session.execute(
        select(
            select(_VERSION.c.version).where(_VERSION.c.workspace_id == workspace_id).scalar_subquery(),
            select(_STATE.c.built_version).where(_STATE.c.workspace_id == workspace_id).scalar_subquery(),
        )
    ).one()
    return int(row[0] or 0), int(-1 if row[1] is None else row[1])


def lock_state(session: Session, workspace_id: str) -> tuple[int, int, int]:
    """Take the workspace's build lock (its ``read_sum_state`` row; PostgreSQL ``FOR UPDATE``, SQLite has one
    writer) and return (data version, built version, invalidated version) as seen under it."""
    dialect = session.get_bind().dialect.name
    insert_state = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert_state(_STATE).values(workspace_id=workspace_id, built_version=-1).on_conflict_do_nothing()
    )
    lock = select(_STATE.c.built_version).where(_STATE.c.workspace_id == workspace_id)
    built = session.execute(lock.with_for_update() if dialect == "postgresql" else lock).scalar_one()
    row = session.execute(
        select(_VERSION.c.version, _VERSION.c.invalidated_version).where(
            _VERSION.c.workspace_id == workspace_id
        )
    ).one_or_none()
    version, invalidated = (int(row[0]), int(row[1])) if row is not None else (0, 0)
    return version, int(built), invalidated


def mark_built(session: Session, workspace_id: str, version: int) -> None:
    session.execute(
        update(_STATE)
        .where(and_(_STATE.c.workspace_id == workspace_id))
        .values(built_version=version, built_at=utcnow())
    )


def rebuild_read_sums(session: Session, workspace_id: str) -> int:
    """Replace the workspace's sums from its items and units; commits; returns the version they reflect.

    The analysis calls it after a recluster or an incremental assignment, the debounced score refresh
    before scoring, and a read when it finds the sums behind the data (and the journal cannot bring them
    forward, ``view_delta``). The journal is emptied: the rows it named are in the sums now."""
    dialect = session.get_bind().dialect.name
    version, _, _ = lock_state(session, workspace_id)
    with bulk_pragmas(session):
        for table in (_ITEM_SUM, _UNIT_SUM):
            delete_sums(session, table, workspace_id)
        for stmt in _rebuild_statements(workspace_id, dialect):
            session.execute(stmt)
    session.execute(delete(_JOURNAL).where(_JOURNAL.c.workspace_id == workspace_id))
    after = session.execute(
        select(_VERSION.c.version).where(_VERSION.c.workspace_id == workspace_id)
    ).scalar_one_or_none()
    if after is not None and after != version:
        # PostgreSQL, READ COMMITTED: a write committed while the statements above read, so the sums may
        # hold part of it and its journal rows were just deleted; only another full rebuild is exact.
        session.execute(
            update(_VERSION).where(_VERSION.c.workspace_id == workspace_id).values(invalidated_version=after)
        )
    mark_built(session, workspace_id, version)
    session.commit()
    checkpoint_after_rebuild(session)
    BUILDS["rebuilds"] += 1
    return version


def ensure_fresh(
    session: Session, workspace_id: str, max_staleness_s: float = 0.0, delta: bool = True
) -> int:
    """The data version the stored sums reflect, bringing them forward first when a write came after them.

    ``delta`` (``settings.read_sums_delta``): add the journaled appends to the sums (``view_delta``; ~1 s for
    1,000 items at 100k), and rebuild in full only when a write the journal cannot express came since. A
    rebuild reads every item and unit (seconds at 100k items, minutes at 1M), so a busy large workspace may
    accept sums up to ``max_staleness_s`` old (``settings.read_max_staleness_s``): reads then never pay it
    while the worker's debounced score refresh, which rebuilds, runs more often than that."""
    version, built = data_version(session, workspace_id)
    if version == built:
        return version
    if built >= 0 and max_staleness_s > 0:
        built_at = session.execute(
            select(_STATE.c.built_at).where(_STATE.c.workspace_id == workspace_id)
        ).scalar_one_or_none()
        if built_at is not None and (utcnow() - _aware(built_at)).total_seconds() < max_staleness_s:
            return built
    if delta and built >= 0:
        from service.analysis.view_delta import apply_delta  # it builds on this module's statements

        applied = apply_delta(session, workspace_id)
        if applied is not None:
            return applied
    return rebuild_read_sums(session, workspace_id)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
