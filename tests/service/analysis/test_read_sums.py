"""The read side from stored sums (``view_summary``) agrees with the full scan (``view.load_view``) on the
same data and filters, on SQLite and PostgreSQL, and stays right after the writes that move the data:
ingest, erasure, merge, split, re-analysis. The comparison can fail: a view on stale sums differs."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session

from service.analysis import view, view_summary
from service.analysis.view import ViewFilters, load_view
from service.analysis.view_tables import data_version, ensure_fresh, rebuild_read_sums
from service.models import Workspace
from service.web import summary_insights
from tests.helpers import insights_full_scan as insights
from tests.helpers.journey_backend import TopicBackend
from tests.service.journey_map.test_journey_api import analyse, ingest, seed_items

FILTERS = [
    ViewFilters(),
    ViewFilters(channel="web"),
    ViewFilters(source="trustpilot", language="en"),
    ViewFilters(since=date(2026, 7, 1), until=date(2026, 8, 31)),
    ViewFilters(kind="pain", segment="nobody"),
]


def close(a: Any, b: Any, path: str = "") -> None:
    if isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), (path, a, b)
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), (path, a.keys(), b.keys())
        for k in a:
            close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), (path, a, b)
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            close(x, y, f"{path}[{i}]")
    else:
        assert a == b, (path, a, b)


def assert_same_views(engine: Engine, workspace_id: str) -> None:
    view_summary.CACHE.clear()
    with Session(engine) as session:
        ws = session.get(Workspace, workspace_id)
        assert ws is not None
        for f in FILTERS:
            full = load_view(session, ws, f)
            summ = view_summary.load_summary(session, ws, f, with_stages=True)
            assert set(full.scores) == set(summ.scores)
            close(
                {k: asdict(r) for k, r in full.scores.items()}, {k: asdict(r) for k, r in summ.scores.items()}
            )
            assert [p.id for p in view.visible_pain_points(full)] == [
                p.id for p in view_summary.visible(summ)
            ]
            for pid in full.pain_points:
                units = full.units_by_pp.get(pid, [])
                close(view.mean_sentiment(units), summ.mean_sentiment(pid))
                expected = sorted(view.channels_of(full, units).items())
                assert expected == sorted(summ.channels(pid).items())  # the journey map's, all pain points
                one = view_summary.pp_channels(session, workspace_id, f, pid).get(pid, {})
                assert expected == sorted(one.items())  # a detail's, its own rows
                for column in ("sentiment", "emotion"):
                    mix = Counter(getattr(u, column) or "none" for u in units)
                    assert view_summary.unit_mix(session, summ, pid, column) == mix
            close(
                normalised(asdict(view.journey_map(full))), normalised(asdict(view_summary.journey_map(summ)))
            )
            # the web pages' figures (overview, journey page) from sums, as from the full scan
            close(
                [asdict(w) for w in insights.weekly_series(full)],
                [asdict(w) for w in summary_insights.weekly_series(session, summ)],
            )
            assert insights.stage_distribution(full) == summary_insights.stage_distribution(summ)
        assert insights.dimension_values(load_view(session, ws)) == summary_insights.dimension_values(
            session, ws
        )


def normalised(data: Any) -> Any:
    """Ties among touchpoints and channels come in set-iteration order in the full scan: sort touchpoints,
    drop the top-3 channel names (``segments``), compare everything else as is."""
    if isinstance(data, dict):
        return {
            k: sorted(map(tuple, v)) if k == "touchpoints" else normalised(v)
            for k, v in data.items()
            if k not in ("segments", "generated_at")
        }
    if isinstance(data, list | tuple):
        return [normalised(v) for v in data]
    return data


def test_sums_match_full_scan_through_edits(
    client: TestClient,
    auth_headers: dict[str, str],
    topic_backend: TopicBackend,
    engine: Engine,
    workspace_id: str,
) -> None:
    items = seed_items()
    for n, item in enumerate(items):
        item["segment"] = "smb" if n % 3 else "retail"
        item["customer_ref"] = f"c-{n % 7}"
    ingest(client, auth_headers, items[: len(items) // 2])
    assert_same_views(engine, workspace_id)  # items only, no units yet
    ingest(client, auth_headers, items[len(items) // 2 :])
    analyse(client, auth_headers)
    assert_same_views(engine, workspace_id)

    pps = client.get("/v1/pain-points", params={"limit": 200, "sort": "volume"}, headers=auth_headers).json()
    ids = [p["id"] for p in pps["items"] if p["kind"] == "pain"]
    r = client.post(
        "/v1/pain-points/merge", json={"target_id": ids[0], "source_ids": [ids[1]]}, headers=auth_headers
    )
    assert r.status_code == 200, r.text
    assert_same_views(engine, workspace_id)
    r = client.post(f"/v1/pain-points/{ids[0]}/split", json={"parts": 2}, headers=auth_headers)
    assert r.status_code in (200, 201), r.text
    assert_same_views(engine, workspace_id)
    r = client.post("/v1/erasures", json={"customer_ref": "c-1"}, headers=auth_headers)
    assert r.status_code in (200, 201), r.text
    assert_same_views(engine, workspace_id)
    analyse(client, auth_headers)
    assert_same_views(engine, workspace_id)


def rate_all_out_of_band(session: Session, workspace_id: str, rating: int) -> None:
    """A write outside the service (a script, a console): only the database triggers can see it."""
    session.execute(
        text("UPDATE feedback_item SET rating = :r WHERE workspace_id = :w"), {"r": rating, "w": workspace_id}
    )
    session.commit()


def test_writes_bump_the_version_and_reads_rebuild(
    client: TestClient,
    auth_headers: dict[str, str],
    topic_backend: TopicBackend,
    engine: Engine,
    workspace_id: str,
) -> None:
    ingest(client, auth_headers)
    analyse(client, auth_headers)
    with Session(engine) as session:
        version, built = data_version(session, workspace_id)
        assert version > 0 and built == version  # the analysis left them fresh
        # A write outside the service (a script, a console) is seen too: the triggers bump the version.
        rate_all_out_of_band(session, workspace_id, 5)
        after, built_after = data_version(session, workspace_id)
        assert after > version and built_after == built
        ws = session.get(Workspace, workspace_id)
        assert ws is not None
        stale = view_summary.compute_sums(
            session, ws, ViewFilters(), sorted(view_summary.live_pain_points(session, workspace_id))
        )
        full = load_view(session, ws)
        # The stored sums still hold the old ratings: they must differ from the new data...
        assert any(
            (r.impacts and full.scores[pid].impacts and r.impacts[0] != full.scores[pid].impacts[0])
            for pid, r in stale.scores.items()
        )
        assert rebuild_read_sums(session, workspace_id) == after
    assert_same_views(engine, workspace_id)  # ...and agree once rebuilt (which a read does by itself)


def test_reads_may_serve_sums_up_to_the_allowed_staleness(
    client: TestClient,
    auth_headers: dict[str, str],
    topic_backend: TopicBackend,
    engine: Engine,
    workspace_id: str,
) -> None:
    ingest(client, auth_headers)
    analyse(client, auth_headers)
    with Session(engine) as session:
        version, built = data_version(session, workspace_id)
        assert built == version
        rate_all_out_of_band(session, workspace_id, 5)
        after, _ = data_version(session, workspace_id)
        # built moments ago, an hour allowed: the stored sums serve, no rebuild
        assert ensure_fresh(session, workspace_id, max_staleness_s=3600) == built
        assert data_version(session, workspace_id) == (after, built)
        # built "two minutes ago", a minute allowed: rebuilt first
        session.execute(
            text("UPDATE read_sum_state SET built_at = :t WHERE workspace_id = :w"),
            {"t": datetime.now(UTC) - timedelta(minutes=2), "w": workspace_id},
        )
        session.commit()
        assert ensure_fresh(session, workspace_id, max_staleness_s=60) == after
        assert data_version(session, workspace_id) == (after, after)
        rate_all_out_of_band(session, workspace_id, 1)
        newest, _ = data_version(session, workspace_id)
        assert ensure_fresh(session, workspace_id) == newest  # the default: never stale
