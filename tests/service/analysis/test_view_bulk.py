"""The stored sums rebuild's bulk path (``view_bulk``, issue 14 branch i14-sums) writes exactly what the plain
statements write: the ``day`` grain rolled up from the ``channel`` rows equals the ``day`` grain rolled up
from the ``full`` rows (integers exactly, float sums to 1e-9), the whole-table delete is taken only when the
workspace owns every row (another workspace's sums survive a rebuild untouched), and the SQLite settings
the rebuild changes are restored on its connection, also when it fails; the filter drop-downs read from
the ``dims`` corpus rows (0014) equal the DISTINCT over the ``full`` rows, after a rebuild and a delta."""

from __future__ import annotations

import os
import sqlite3
from functools import partial
from typing import Any

import pytest
from sqlalchemy import Engine, delete, func, insert, select, text
from sqlmodel import Session

from service.analysis import view_bulk, view_tables
from service.analysis.view_bulk import REBUILD_CACHE_KIB, checkpoint_after_rebuild, delete_sums
from service.analysis.view_tables import (
    _ITEM_SUM,
    _UNIT_SUM,
    BUILDS,
    DIMS_GRAIN,
    _theme_map,
    ensure_fresh,
    rebuild_read_sums,
    rollup_selects,
    sum_selects,
)
from service.models import Workspace
from service.web import summary_insights
from tests.service.analysis.test_read_sum_delta import add_items, assert_same_sums, new_workspace, sums


def reference_sums(session: Session, ws: str) -> dict[str, Any]:
    """The rebuild as it was before the bulk path: delete by workspace, full grain from items and units,
    both coarse grains rolled up from the ``full`` rows (``rollup_selects`` with the tables as sources)."""
    dialect = session.get_bind().dialect.name
    for table in (_ITEM_SUM, _UNIT_SUM):
        session.execute(delete(table).where(table.c.workspace_id == ws))
    for table, stmt in [
        *sum_selects(ws, dialect),
        *rollup_selects(ws, {t.name: t for t in (_ITEM_SUM, _UNIT_SUM)}),
    ]:
        session.execute(insert(table).from_select([c.name for c in table.columns if c.name != "id"], stmt))
    session.execute(_theme_map(ws))
    out = sums(session, ws)
    session.rollback()
    return out


def test_rebuild_equals_the_plain_statements_and_spares_other_workspaces(engine: Engine) -> None:
    with Session(engine) as session:
        ws, pps = new_workspace(session)
        other, other_pps = new_workspace(session)
        add_items(session, ws, [*pps, None], 150, seed=11, days=30)
        add_items(session, other, [*other_pps, None], 60, seed=12)
        rebuild_read_sums(session, other)
        kept = sums(session, other)
        rebuild_read_sums(session, ws)
        got = sums(session, ws)
        assert got["read_unit_sum"] and got["read_item_sum"]
        assert {key[0] for key in got["read_unit_sum"]} == {"full", "channel", "day"}
        want = reference_sums(session, ws)
        assert_same_sums(got, want)
        assert_same_sums(want, got)
        rebuild_read_sums(session, ws)  # again, over rows of both workspaces: deleted by workspace
        assert_same_sums(sums(session, ws), want)
        assert_same_sums(sums(session, other), kept)
        assert_same_sums(kept, sums(session, other))


def _count(session: Session, table: Any, ws: str | None = None) -> int:
    stmt = select(func.count()).select_from(table)
    if ws is not None:
        stmt = stmt.where(table.c.workspace_id == ws)
    return int(session.execute(stmt).scalar_one())


def test_whole_table_delete_only_when_the_workspace_owns_every_row(engine: Engine) -> None:
    sqlite = engine.dialect.name == "sqlite"
    with Session(engine) as session:
        ws, pps = new_workspace(session)
        add_items(session, ws, [*pps, None], 40, seed=13)
        rebuild_read_sums(session, ws)
        for table in (_ITEM_SUM, _UNIT_SUM):
            assert _count(session, table, ws) > 0
            assert delete_sums(session, table, ws) == ("truncate" if sqlite else "rows")
            assert _count(session, table) == 0
            assert delete_sums(session, table, ws) == ("none" if sqlite else "rows")
        session.rollback()
        other, other_pps = new_workspace(session)
        add_items(session, other, [*other_pps, None], 20, seed=14)
        rebuild_read_sums(session, other)
        before = {t.name: _count(session, t, other) for t in (_ITEM_SUM, _UNIT_SUM)}
        for table in (_ITEM_SUM, _UNIT_SUM):
            assert delete_sums(session, table, ws) == "rows"
            assert _count(session, table, ws) == 0
            assert _count(session, table, other) == before[table.name] > 0
        session.rollback()


def _pragmas(session: Session) -> tuple[int, int]:
    raw = session.connection().exec_driver_sql
    return int(raw("PRAGMA secure_delete").scalar_one()), int(raw("PRAGMA cache_size").scalar_one())


def test_sqlite_settings_are_off_during_the_rebuild_and_restored(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite connection settings")
    with engine.connect() as conn, Session(bind=conn) as session:
        ws, pps = new_workspace(session)
        add_items(session, ws, [*pps, None], 20, seed=15)
        before = _pragmas(session)
        assert before[0] == 1  # service.db turns secure_delete on for every connection
        seen: list[tuple[int, int]] = []
        original = view_tables._rebuild_statements

        def spy(workspace_id: str, dialect: str) -> list[Any]:
            seen.append(_pragmas(session))
            return original(workspace_id, dialect)

        monkeypatch.setattr(view_tables, "_rebuild_statements", spy)
        rebuild_read_sums(session, ws)
        assert seen == [(0, -REBUILD_CACHE_KIB)]
        assert _pragmas(session) == before

        def fail(workspace_id: str, dialect: str) -> list[Any]:
            raise RuntimeError("boom")

        monkeypatch.setattr(view_tables, "_rebuild_statements", fail)
        with pytest.raises(RuntimeError):
            rebuild_read_sums(session, ws)
        session.rollback()
        assert _pragmas(session) == before


def _distinct_full(session: Session, ws: str) -> dict[str, list[str]]:
    """The drop-downs as they were read before the ``dims`` rows: DISTINCT over the ``full`` corpus rows."""
    out = {}
    for dim in ("source", "channel", "segment", "language"):
        rows = session.execute(
            select(_ITEM_SUM.c[dim])
            .where(_ITEM_SUM.c.workspace_id == ws, _ITEM_SUM.c.grain == "full", _ITEM_SUM.c.kind == "all")
            .distinct()
        )
        out[dim] = sorted({str(v) for (v,) in rows if v})
    return out


def test_drop_downs_from_the_dims_rows_equal_the_full_rows_after_rebuild_and_delta(engine: Engine) -> None:
    with Session(engine) as session:
        ws, pps = new_workspace(session)
        add_items(session, ws, [*pps, None], 60, seed=16)
        rebuild_read_sums(session, ws)
        workspace = session.get(Workspace, ws)
        assert workspace is not None
        dims_rows = session.execute(
            select(func.count()).where(
                _ITEM_SUM.c.workspace_id == ws, _ITEM_SUM.c.grain == DIMS_GRAIN, _ITEM_SUM.c.kind == "all"
            )
        ).scalar_one()
        assert 0 < dims_rows <= 3 * 3 * 3 * 2  # channels x sources x segments x languages of add_items
        got = summary_insights.dimension_values(session, workspace)
        assert got == _distinct_full(session, ws) and got["channel"] == ["app", "web"]
        before = BUILDS["applied_deltas"]
        add_items(session, ws, [*pps, None], 10, seed=17, channels=("phone",), segments=("enterprise",))
        ensure_fresh(session, ws)
        assert BUILDS["applied_deltas"] == before + 1
        got = summary_insights.dimension_values(session, workspace)
        assert got == _distinct_full(session, ws)
        assert "phone" in got["channel"] and "enterprise" in got["segment"]
        # sums built before 0014 have no ``dims`` rows: the values still come (from the full rows)
        session.execute(delete(_ITEM_SUM).where(_ITEM_SUM.c.grain == DIMS_GRAIN))
        summary_insights._VALUES.clear()
        assert summary_insights.dimension_values(session, workspace) == got
        session.rollback()


def _wal_database(engine: Engine) -> str:
    """The SQLite file whose ``-wal`` the test reads (skips on PostgreSQL)."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write-ahead log")
    database = engine.url.database
    assert database and database != ":memory:"
    return database


def test_a_rebuild_leaves_no_write_ahead_log_behind(engine: Engine) -> None:
    """SQLite: the rebuild's frames are copied into the database file and the WAL emptied, so that reads do
    not look every page up in a large WAL's index until the next write (cold Compare at 1M: 426-450 ms CPU
    with the WAL of a rebuild, 282-378 ms without)."""
    database = _wal_database(engine)
    with Session(engine) as session:
        ws, pps = new_workspace(session)
        add_items(session, ws, [*pps, None], 200, seed=21, days=30)
        timeout = session.execute(text("PRAGMA busy_timeout")).scalar_one()
        rebuild_read_sums(session, ws)
        assert os.path.getsize(f"{database}-wal") == 0
        assert session.execute(text("PRAGMA busy_timeout")).scalar_one() == timeout  # restored
        assert sums(session, ws)  # the sums are in the database file


def test_the_checkpoint_waits_out_a_short_reader_on_an_older_snapshot(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader that began before the rebuild's commit blocks the first try (it still reads the old pages);
    once it ends (here: during the first pause), the next try empties the WAL, without waiting for a next
    write. One try only, as before, leaves the rebuild's frames in the WAL."""
    database = _wal_database(engine)
    with Session(engine) as session:
        ws, pps = new_workspace(session)
        add_items(session, ws, [*pps, None], 120, seed=23, days=30)
        for waits, emptied in (((), False), ((0.01, 0.01), True)):
            reader = sqlite3.connect(database, isolation_level=None)
            reader.execute("BEGIN")
            reader.execute("SELECT count(*) FROM feedback_item").fetchone()  # holds its snapshot
            pauses: list[float] = []

            def pause(
                seconds: float, reader: sqlite3.Connection = reader, pauses: list[float] = pauses
            ) -> None:
                pauses.append(seconds)
                reader.rollback()  # the reader ends while the rebuild waits

            monkeypatch.setattr(view_bulk.time, "sleep", pause)
            monkeypatch.setattr(
                view_tables, "checkpoint_after_rebuild", partial(checkpoint_after_rebuild, waits=waits)
            )
            try:
                rebuild_read_sums(session, ws)
            finally:
                reader.close()
            assert (os.path.getsize(f"{database}-wal") == 0) is emptied, waits
            assert pauses == list(waits[:1])  # the first try was blocked; the second, if any, was not


def test_a_reader_on_the_new_snapshot_does_not_hold_the_rebuild(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader that began after the commit stops only the truncation: every frame is copied at the first
    try (its later reads skip the WAL's index), so the rebuild does not pause, and the file stays."""
    database = _wal_database(engine)
    with Session(engine) as session:
        ws, pps = new_workspace(session)
        add_items(session, ws, [*pps, None], 120, seed=24, days=30)
        reader = sqlite3.connect(database, isolation_level=None)
        pauses: list[float] = []
        copied: list[bool] = []
        monkeypatch.setattr(view_bulk.time, "sleep", pauses.append)

        def after_commit(session: Session) -> bool:
            reader.execute("BEGIN")
            reader.execute("SELECT count(*) FROM read_item_sum").fetchone()  # the new snapshot
            copied.append(checkpoint_after_rebuild(session, waits=(0.01, 0.01)))
            return copied[-1]

        monkeypatch.setattr(view_tables, "checkpoint_after_rebuild", after_commit)
        try:
            rebuild_read_sums(session, ws)
        finally:
            reader.close()
        assert copied == [True] and pauses == []
        assert os.path.getsize(f"{database}-wal") > 0  # not truncated: the reader was in it
