"""A read never waits for a large build of the stored sums (``read_freshness``): it serves the last complete
build, says so in its headers, and a background thread builds the new version, which then equals the full
scan; small builds and never-built sums stay in the request; the worker's refresh builds inline."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, update
from sqlmodel import Session

from service.analysis import read_freshness, view_summary
from service.analysis.jobs import refresh_scores
from service.analysis.view_tables import BUILDS, data_version
from service.models import OpinionUnit, Workspace
from service.settings import get_settings
from tests.helpers.journey_backend import TopicBackend
from tests.service.analysis.test_read_sum_delta import add_items, new_workspace
from tests.service.analysis.test_read_sums import assert_same_views
from tests.service.journey_map.test_journey_api import analyse, ingest, seed_items


@pytest.fixture
def inline_max(monkeypatch: pytest.MonkeyPatch) -> Any:
    def set_max(rows: int) -> None:
        monkeypatch.setattr(get_settings(), "read_inline_build_max_rows", rows)

    return set_max


def _move_units(engine: Engine, ws: str) -> None:
    """A non-append change (a merge's or a re-analysis's write): the sums need a full rebuild."""
    unit = OpinionUnit.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        top = conn.execute(
            select(unit.c.pain_point_id)
            .where(unit.c.workspace_id == ws, unit.c.pain_point_id.is_not(None))
            .group_by(unit.c.pain_point_id)
            .order_by(func.count().desc(), unit.c.pain_point_id)
            .limit(2)
        ).all()
        conn.execute(
            update(unit)
            .where(unit.c.workspace_id == ws, unit.c.pain_point_id == top[1][0])
            .values(pain_point_id=top[0][0])
        )


def _versions(response: Any) -> tuple[int, int, str]:
    h = response.headers
    served, current = h["x-frictionmap-data-version"], h["x-frictionmap-current-version"]
    return int(served), int(current), h["x-frictionmap-stale"]


def test_a_large_rebuild_serves_the_last_build_then_the_new_one(
    client: TestClient,
    auth_headers: dict[str, str],
    topic_backend: TopicBackend,
    engine: Engine,
    workspace_id: str,
    inline_max: Any,
) -> None:
    ingest(client, auth_headers, seed_items())
    analyse(client, auth_headers)
    before = client.get("/v1/pain-points", headers=auth_headers)
    served, current, stale = _versions(before)
    assert (served, stale) == (current, "false")

    inline_max(0)  # every build is "large"
    _move_units(engine, workspace_id)
    rebuilds = BUILDS["rebuilds"]
    read_freshness.wait_for_builds()  # none running: the change alone starts nothing
    stale_read = client.get("/v1/pain-points", headers=auth_headers)
    got_served, got_current, got_stale = _versions(stale_read)
    assert got_served == served and got_current > served and got_stale == "true"
    assert stale_read.json() == before.json()  # the last complete build, not a half-built one
    read_freshness.wait_for_builds()
    assert BUILDS["rebuilds"] == rebuilds + 1  # built once, in the background
    with Session(engine) as session:
        assert data_version(session, workspace_id) == (got_current, got_current)

    fresh = client.get("/v1/pain-points", headers=auth_headers)
    assert _versions(fresh) == (got_current, got_current, "false")
    assert fresh.json() != before.json()  # one pain point lost its units to another
    assert_same_views(engine, workspace_id)


def test_a_small_build_and_never_built_sums_stay_in_the_request(
    client: TestClient,
    auth_headers: dict[str, str],
    topic_backend: TopicBackend,
    engine: Engine,
    workspace_id: str,
    inline_max: Any,
) -> None:
    ingest(client, auth_headers, seed_items())
    analyse(client, auth_headers)
    assert _versions(client.get("/v1/pain-points", headers=auth_headers))[2] == "false"
    _move_units(engine, workspace_id)  # default limit: this workspace rebuilds in a few ms
    response = client.get("/v1/pain-points", headers=auth_headers)
    assert _versions(response)[2] == "false"
    assert_same_views(engine, workspace_id)

    inline_max(0)
    with Session(engine) as session:
        ws, pps = new_workspace(session)
        add_items(session, ws, [*pps, None], 30, seed=5)
        workspace = session.get(Workspace, ws)
        assert workspace is not None
        rebuilds = BUILDS["rebuilds"]
        view = view_summary.load_summary(session, workspace)  # nothing to serve: built here
        assert BUILDS["rebuilds"] == rebuilds + 1
        assert data_version(session, ws) == (view.version, view.version)


def test_the_worker_refresh_builds_inline(engine: Engine, inline_max: Any) -> None:
    inline_max(0)
    with Session(engine) as session:
        ws, pps = new_workspace(session)
        add_items(session, ws, [*pps, None], 40, seed=3)
        workspace = session.get(Workspace, ws)
        assert workspace is not None
        view_summary.load_summary(session, workspace)
        add_items(session, ws, [*pps, None], 40, seed=4)
        version, built = data_version(session, ws)
        assert version != built
        refresh_scores(session, workspace)
        assert data_version(session, ws) == (version, version)
    assert_same_views(engine, ws)
