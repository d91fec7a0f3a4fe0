"""The filtered views Compare shows side by side (and every filtered list) add a pain point's mention days up
in the database, per trend window (``view_summary._windowed_mentions``), instead of reading every pain point
x day row: the scores must stay those of the full scan (``view.load_view``) under channel, dimension and
period filters, with window lengths that cut the data's days (recent / baseline bounds, ``as_of`` moved by
``until``), on SQLite and PostgreSQL. An off-by-one window bound or a wrong ``last_seen`` fails here."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, update
from sqlmodel import Session

from service.analysis import view_summary
from service.analysis.view import ViewFilters, load_view
from service.analysis.view_tables import rebuild_read_sums
from service.models import PainPoint, Workspace
from service.web import summary_insights
from tests.helpers import insights_full_scan as insights
from tests.service.analysis.test_read_sum_delta import DAY0, add_items, new_workspace
from tests.service.analysis.test_read_sums import close

D = DAY0.date()
FILTERS = [
    ViewFilters(),
    ViewFilters(channel="web"),
    ViewFilters(channel="app"),
    ViewFilters(channel="web", since=D + timedelta(days=6)),
    ViewFilters(channel="app", until=D + timedelta(days=13)),  # as_of moves back: windows move with it
    ViewFilters(since=D + timedelta(days=3), until=D + timedelta(days=11)),
    ViewFilters(segment="smb", language="en"),
    ViewFilters(channel="nowhere"),
]
# window lengths: the defaults (every day in the baseline), and short ones whose bounds fall inside the data
CONFIGS = [None, {"recent_days": 3, "baseline_days": 5}, {"recent_days": 1, "baseline_days": 1}]


@pytest.mark.parametrize("config", CONFIGS)
def test_windowed_scores_equal_the_full_scan(engine: Engine, config: dict[str, int] | None) -> None:
    with Session(engine) as session:
        ws, pps = new_workspace(session, n_pain_points=6)
        add_items(session, ws, [*pps, None], 260, seed=41)
        # one pain point resolved and quiet lately (its last day is before the recent window)
        session.execute(update(PainPoint).where(PainPoint.id == pps[5]).values(status="resolved"))  # type: ignore[arg-type]
        workspace = session.get(Workspace, ws)
        assert workspace is not None
        if config is not None:
            workspace.settings = {"priority": config}
            session.add(workspace)
        session.commit()
        rebuild_read_sums(session, ws)
        view_summary.CACHE.clear()
        recent = 0
        for f in FILTERS:
            full = load_view(session, workspace, f)
            summ = view_summary.load_summary(session, workspace, f)
            assert set(full.scores) == set(summ.scores)
            close(
                {k: asdict(r) for k, r in full.scores.items()},
                {k: asdict(r) for k, r in summ.scores.items()},
                str(f),
            )
            recent += sum(r.trend.recent_count for r in summ.scores.values())
        assert recent > 0  # the windows hold mentions: the comparison is not of zeros
        assert summary_insights.dimension_values(session, workspace) == insights.dimension_values(
            load_view(session, workspace)
        )


def test_compare_page_shows_the_full_scan_shares(
    client: TestClient, engine: Engine, workspace_id: str, auth_headers: dict[str, str]
) -> None:
    """The page itself: each side's top pain points and the gaps table's shares, as the full scan has them."""
    from tests.service.web.conftest import PASSWORD, USERS, csrf_of, make_users

    make_users(engine)
    with Session(engine) as session:
        pps = [PainPoint(workspace_id=workspace_id, label=f"pp{k}", kind="pain") for k in range(5)]
        session.add_all(pps)
        session.commit()
        add_items(session, workspace_id, [*(p.id for p in pps), None], 200, seed=43)
        rebuild_read_sums(session, workspace_id)
        workspace = session.get(Workspace, workspace_id)
        assert workspace is not None
        full = {
            side: load_view(session, workspace, ViewFilters(channel=channel))
            for side, channel in (("a", "web"), ("b", "app"))
        }
    token = csrf_of(client.get("/login").text)
    client.post("/login", data={"email": USERS["viewer"], "password": PASSWORD, "csrf_token": token})
    view_summary.CACHE.clear()
    page = client.get("/compare?a_channel=web&b_channel=app")
    assert page.status_code == 200
    gaps = page.text.split('id="gaps"', 1)[1]
    for p in pps:
        a, b = full["a"].scores[p.id].share, full["b"].scores[p.id].share
        assert f"{100 * a:.1f} %" in gaps and f"{100 * b:.1f} %" in gaps
        assert f"{100 * (b - a):+.1f} pts" in gaps


def test_one_pain_points_channels_are_read_by_its_key(engine: Engine) -> None:
    """A detail's channels (``pp_channels`` with one id) read that pain point's rows by key: SQLite's plan
    must search the key, not walk every pain point's rows in the channel index (which orders by channel:
    45 ms instead of 1 ms at 100k items, ~450 ms once cold at 1M). Same figures either way (the oracle
    comparison in ``test_read_sums``); PostgreSQL plans from statistics and is not asked."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's planner only")
    with Session(engine) as session:
        ws, pps = new_workspace(session)
        add_items(session, ws, [*pps, None], 80, seed=47)
        rebuild_read_sums(session, ws)
        statements: list[tuple[str, Any]] = []

        def record(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
            if "read_item_sum.channel" in statement and "GROUP BY" in statement:
                statements.append((statement, parameters))

        event.listen(engine, "before_cursor_execute", record)
        try:
            counts = view_summary.pp_channels(session, ws, ViewFilters(), pps[0])
        finally:
            event.remove(engine, "before_cursor_execute", record)
        assert counts and set(counts) == {pps[0]}
        (statement, parameters), *_ = statements
        plan = " ".join(
            row[3]
            for row in session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        )
        assert "key=?" in plan, plan
