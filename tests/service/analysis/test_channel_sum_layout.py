"""The ``channel`` grain is laid out for channel-filtered reads (issue 14, migration 0015): a rebuild writes
its rows in the channel index's order (kind, channel, key, day), so one channel's rows are one contiguous run
of row ids, and SQLite answers a channel-filtered ``GROUP BY key`` from that index without a sort. Before,
the roll-up wrote them by (kind, key, day, channel): a channel's rows were spread over every page of the
grain, and the planner scanned the whole grain through the unique grain key (four sum scans of a cold
Compare at 1M items: 104 ms, 38 ms with this layout)."""

from __future__ import annotations

from itertools import groupby
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlmodel import Session

from service.analysis import view_summary
from service.analysis.view import ViewFilters
from service.analysis.view_tables import _ITEM_SUM, _UNIT_SUM, rebuild_read_sums
from tests.service.analysis.test_read_sum_delta import add_items, new_workspace


def _channel_rows(session: Session, table: Any, ws: str) -> list[tuple[Any, ...]]:
    return [
        tuple(row)
        for row in session.execute(
            select(table.c.kind, table.c.channel, table.c.key, table.c.day)
            .where(table.c.workspace_id == ws, table.c.grain == "channel")
            .order_by(table.c.id)
        )
    ]


def test_a_rebuild_writes_each_channel_as_one_run_in_key_and_day_order(engine: Engine) -> None:
    with Session(engine) as session:
        ws, pps = new_workspace(session)
        add_items(session, ws, [*pps, None], 160, seed=21, days=25, channels=(None, "web", "app", "store"))
        rebuild_read_sums(session, ws)
        for table in (_ITEM_SUM, _UNIT_SUM):
            rows = _channel_rows(session, table, ws)
            runs = [(kc, [r[2:] for r in group]) for kc, group in groupby(rows, key=lambda r: r[:2])]
            # every (kind, channel) appears as exactly one run of consecutive ids ...
            assert len(runs) == len({kc for kc, _ in runs}), table.name
            assert {kc[1] for kc, _ in runs if kc[0] == "pp"} == {None, "web", "app", "store"}
            # ... ordered by key, then day, inside the run
            for kc, keys_days in runs:
                assert keys_days == sorted(keys_days), (table.name, kc)
            assert max(len(keys_days) for _, keys_days in runs) > 20


def _plan(session: Session, stmt: Any) -> str:
    sql = str(stmt.compile(dialect=sqlite_dialect.dialect(), compile_kwargs={"literal_binds": True}))
    rows = session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql)
    return " | ".join(str(row[-1]) for row in rows)


def test_sqlite_reads_one_channel_through_the_channel_index_without_a_sort(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan: PostgreSQL reads the same rows through its own planner")
    with Session(engine) as session:
        ws, pps = new_workspace(session)
        add_items(session, ws, [*pps, None], 60, seed=22)
        rebuild_read_sums(session, ws)
        filters = ViewFilters(channel="web")
        g = view_summary.grain(filters)
        assert g == "channel"
        for table, measure in ((_ITEM_SUM, "n_items"), (_UNIT_SUM, "n_units")):
            stmt = (
                select(table.c.key, table.c[measure])
                .where(*view_summary._where(table, ws, "pp", filters, g))
                .group_by(table.c.key)
            )
            plan = _plan(session, stmt)
            assert f"ix_{table.name}_ws_grain_kind_channel" in plan, plan
            assert "channel=?" in plan, plan
            assert "TEMP B-TREE" not in plan, plan
