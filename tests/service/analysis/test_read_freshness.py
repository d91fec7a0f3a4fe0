"""A read never waits for a large build of the stored sums (``read_freshness``): it serves the last complete
build, says so in its headers, and a background thread builds the new version, which then equals the full
scan; small builds stay in the request, large never-built sums are built in the background while the reads
answer "building" (503); the worker's refresh builds inline."""

from __future__ import annotations

import random
import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, update
from sqlmodel import Session

from service.analysis import read_freshness, view_summary
from service.analysis.jobs import refresh_scores
from service.analysis.view_tables import BUILDS, data_version, rebuild_read_sums
from service.models import FeedbackItem, OpinionUnit, PainPoint, ReadItemSum, Theme, Workspace
from service.settings import get_settings
from service.themes.theme_sums import built_theme_map
from tests.helpers.journey_backend import TopicBackend
from tests.service.analysis.test_read_sum_delta import add_items, bring_forward, new_workspace, units_for
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


def test_a_small_build_and_small_never_built_sums_stay_in_the_request(
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

    inline_max(100)  # the never-built workspace below has fewer items + units than that
    with Session(engine) as session:
        ws, pps = new_workspace(session)
        add_items(session, ws, [*pps, None], 30, seed=5)
        workspace = session.get(Workspace, ws)
        assert workspace is not None
        assert read_freshness.stored_rows(session, ws, 101) <= 100
        rebuilds = BUILDS["rebuilds"]
        view = view_summary.load_summary(session, workspace)  # nothing to serve, small: built here
        assert BUILDS["rebuilds"] == rebuilds + 1
        assert data_version(session, ws) == (view.version, view.version)


def test_large_never_built_sums_build_in_the_background(
    client: TestClient, engine: Engine, workspace_id: str, auth_headers: dict[str, str], inline_max: Any
) -> None:
    """Data written straight into the database, never analysed: the first read does not wait for the whole
    first build. It starts it in the background and answers 503 ``Retry-After`` with
    ``X-Frictionmap-Building`` (API and web page alike); once built, the reads equal the full scan."""
    from tests.service.web.conftest import PASSWORD, USERS, csrf_of, make_users

    make_users(engine)
    with Session(engine) as session:
        pps = [PainPoint(workspace_id=workspace_id, label=f"pp{k}") for k in range(4)]
        session.add_all(pps)
        session.commit()
        add_items(session, workspace_id, [*(p.id for p in pps), None], 60, seed=9)
        assert data_version(session, workspace_id)[1] == -1  # never built
    inline_max(10)
    gate = threading.Event()
    real_build = read_freshness._build

    def held_build(*args: Any) -> None:  # the build waits until the test has seen the "building" answers
        gate.wait(30)
        real_build(*args)

    read_freshness.wait_for_builds()
    rebuilds = BUILDS["rebuilds"]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(read_freshness, "_build", held_build)
        try:
            for path in ("/v1/pain-points", "/v1/journey-map?format=json", "/v1/themes"):
                r = client.get(path, headers=auth_headers)
                assert r.status_code == 503, (path, r.status_code, r.text)
                assert r.headers["x-frictionmap-building"] == "true"
                assert int(r.headers["retry-after"]) > 0
                assert "built for the first time" in r.json()["detail"]
            token = csrf_of(client.get("/login").text)
            client.post("/login", data={"email": USERS["viewer"], "password": PASSWORD, "csrf_token": token})
            for path in ("/", "/compare?a_channel=web&b_channel=app", "/pain-points"):
                page = client.get(path)
                assert page.status_code == 503, (path, page.status_code)
                assert page.headers["x-frictionmap-building"] == "true"
                assert "built for the first time" in page.text
            assert len(read_freshness._building) == 1  # one build for all those reads
        finally:
            gate.set()
            read_freshness.wait_for_builds()
    assert BUILDS["rebuilds"] == rebuilds + 1
    fresh = client.get("/v1/pain-points", headers=auth_headers)
    assert fresh.status_code == 200
    assert _versions(fresh)[2] == "false"
    assert client.get("/compare?a_channel=web&b_channel=app").status_code == 200
    assert_same_views(engine, workspace_id)


def test_the_worker_refresh_builds_inline(engine: Engine, inline_max: Any) -> None:
    inline_max(0)
    with Session(engine) as session:
        ws, pps = new_workspace(session)
        add_items(session, ws, [*pps, None], 40, seed=3)
        workspace = session.get(Workspace, ws)
        assert workspace is not None
        rebuild_read_sums(session, ws)  # built once (a read would answer "building" with this limit)
        add_items(session, ws, [*pps, None], 40, seed=4)
        version, built = data_version(session, ws)
        assert version != built
        refresh_scores(session, workspace)
        assert data_version(session, ws) == (version, version)
    assert_same_views(engine, ws)


def _themed_workspace(engine: Engine) -> tuple[str, list[str]]:
    """Four pain points in two parent themes (and one without), sums built."""
    with Session(engine) as session:
        ws, pps = new_workspace(session, n_pain_points=5)
        themes = [Theme(workspace_id=ws, kind="pain", name=f"t{k}") for k in range(2)]
        session.add_all(themes)
        session.flush()
        for k, pid in enumerate(pps[:4]):
            session.execute(update(PainPoint).where(PainPoint.id == pid).values(theme_id=themes[k % 2].id))  # type: ignore[arg-type]
        session.commit()
        add_items(session, ws, [*pps, None], 400, seed=21)
        rebuild_read_sums(session, ws)
    return ws, pps


def test_theme_sums_by_delta_equal_a_rebuild(engine: Engine) -> None:
    """Appended items, units on existing items and later assignments add (theme, item) pairs once: the
    delta's ``theme`` and ``ppst`` rows equal a rebuild's (``bring_forward`` compares every row)."""
    ws, pps = _themed_workspace(engine)
    with Session(engine) as session:
        add_items(session, ws, [*pps, None], 30, seed=22, first_day=5)
        existing = session.execute(select(FeedbackItem.id).where(FeedbackItem.workspace_id == ws).limit(20))
        rng = random.Random(3)
        for (item_id,) in existing.all():
            session.add_all(units_for(item_id, ws, [*pps, None], rng, 2, first_span=7))
        session.commit()
        loose = (
            session.execute(
                select(OpinionUnit.id).where(
                    OpinionUnit.workspace_id == ws, OpinionUnit.pain_point_id.is_(None)
                )  # type: ignore[union-attr]
            )
            .scalars()
            .all()
        )
        for k, uid in enumerate(loose[:20]):
            session.execute(update(OpinionUnit).where(OpinionUnit.id == uid).values(pain_point_id=pps[k % 4]))  # type: ignore[arg-type]
        session.commit()
        n_theme = session.execute(
            select(func.count()).where(ReadItemSum.workspace_id == ws, ReadItemSum.kind == "theme")  # type: ignore[arg-type]
        ).scalar_one()
        assert n_theme > 0
    bring_forward(engine, ws, "delta")


def test_a_theme_change_forces_a_rebuild(engine: Engine) -> None:
    ws, pps = _themed_workspace(engine)
    with Session(engine) as session:
        version, built = data_version(session, ws)
        assert version == built
        session.execute(update(PainPoint).where(PainPoint.id == pps[0]).values(theme_id=None))  # type: ignore[arg-type]
        session.execute(update(PainPoint).where(PainPoint.id == pps[1]).values(status="resolved"))  # type: ignore[arg-type]
        session.commit()
        assert data_version(session, ws)[0] == version + 1  # the theme change only
    bring_forward(engine, ws, "rebuild")


def test_served_build_names_its_theme_members(engine: Engine) -> None:
    """While a newer build is made, a theme read of the served build adds up what that build counted: a
    theme whose pain points moved since is computed from the pain point sums (exact for those sums)."""
    ws, pps = _themed_workspace(engine)
    with Session(engine) as session:
        before = built_theme_map(session, ws)
        assert len(before) == 4
        session.execute(update(PainPoint).where(PainPoint.id == pps[4]).values(theme_id=before[pps[0]]))  # type: ignore[arg-type]
        session.commit()
        assert built_theme_map(session, ws) == before  # the served build's, until rebuilt
        rebuild_read_sums(session, ws)
        assert built_theme_map(session, ws) == {**before, pps[4]: before[pps[0]]}
