"""Themes from SQL aggregates (``service.themes.summary``) agree with the full scan they replaced
(``tests/helpers/themes_full_scan.py`` on ``load_view``) under every filter, through edits, on SQLite and
PostgreSQL; and no read request calls ``load_view`` any more (issue 14)."""

from __future__ import annotations

import pathlib
from dataclasses import asdict
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from service.analysis import view, view_summary
from service.analysis.view import ViewFilters, load_view
from service.models import Workspace
from service.themes import summary
from service.themes.theme_sums import PATHS
from tests.helpers import themes_full_scan as oracle
from tests.service.analysis.test_read_sums import FILTERS, close, normalised
from tests.service.journey_map.test_journey_api import analyse, ingest, seed_items
from tests.service.themes.test_names_api import NamingBackend

# Items that mention both pain points of the "support" theme (refund and waiting on hold), in two channels.
BOTH_SUPPORT_IRRITANTS = [
    {
        "external_id": f"both-{n}",
        "source": "trustpilot",
        "kind": "review",
        "channel": channel,
        "rating": rating,
        "created_at": f"2026-07-{10 + n:02d}T10:00:00Z",
        "text": "Still no refund after a month. I was on hold for an hour and had to repeat everything.",
    }
    for n, (channel, rating) in enumerate([("web", 1), ("phone", 2), ("web", 1), ("email", 3)])
]
THEME_FILTERS = [*FILTERS, ViewFilters(status="open"), ViewFilters(stage="usage", channel="app")]


def _row(tv: Any, units: int) -> dict[str, Any]:
    """One theme as both paths must report it (the oracle counts its unit rows, the sums store the count)."""
    return {
        "id": tv.theme.id,
        "name": tv.name,
        "pain_points": [p.id for p in tv.pain_points],
        "score": asdict(tv.score),
        "items": tv.items,
        "units": units,
        "mean_sentiment": tv.mean_sentiment,
        "stage_mix": tv.stage_mix,
    }


def _oracle_rows(session: Session, ws: Workspace, f: ViewFilters) -> tuple[list[dict[str, Any]], Any]:
    full = load_view(session, ws, f)
    tvs = oracle.theme_views(session, full)
    rows = [_row(tv, len(tv.units)) for tv in tvs]
    jm = view.journey_map(full, entries=oracle.theme_map_entries(full, tvs))
    return rows, jm


def _summary_rows(session: Session, ws: Workspace, f: ViewFilters) -> tuple[list[dict[str, Any]], Any]:
    summ = view_summary.load_summary(session, ws, f, with_stages=True)
    tvs = summary.theme_views(session, summ)
    rows = [_row(tv, tv.n_units) for tv in tvs]
    return rows, view_summary.journey_map(summ, entries=summary.theme_map_entries(tvs))


def assert_same_themes(engine: Engine, workspace_id: str) -> None:
    view_summary.CACHE.clear()
    summary.CACHE.clear()
    with Session(engine) as session:
        ws = session.get(Workspace, workspace_id)
        assert ws is not None
        for f in THEME_FILTERS:
            expected, expected_map = _oracle_rows(session, ws, f)
            got, got_map = _summary_rows(session, ws, f)
            close(expected, got, str(f))
            close(normalised(asdict(expected_map)), normalised(asdict(got_map)), f"map {f}")
            again, _ = _summary_rows(session, ws, f)  # the cached figures give the same answer
            close(got, again, f"cached {f}")


def test_themes_from_sums_match_the_full_scan_through_edits(
    client: TestClient,
    auth_headers: dict[str, str],
    naming_backend: NamingBackend,
    engine: Engine,
    workspace_id: str,
) -> None:
    ingest(client, auth_headers, [*seed_items(), *BOTH_SUPPORT_IRRITANTS])
    analyse(client, auth_headers)
    themes = client.get("/v1/themes", headers=auth_headers).json()["items"]
    support = next(t for t in themes if len(t["pain_points"]) > 1)  # a union of pain points
    # items mentioning both of its pain points count once: the overlap correction is exercised
    assert support["items"] < sum(c["items"] for c in support["pain_points"])
    paths = dict(PATHS)
    assert_same_themes(engine, workspace_id)

    pps = client.get("/v1/pain-points", params={"limit": 200, "sort": "volume"}, headers=auth_headers).json()
    pains = [p for p in pps["items"] if p["kind"] == "pain"]
    r = client.patch(f"/v1/pain-points/{pains[-1]['id']}", json={"status": "resolved"}, headers=auth_headers)
    assert r.status_code == 200, r.text
    assert_same_themes(engine, workspace_id)  # a status edit changes what ?status=open shows
    r = client.post(
        "/v1/pain-points/merge",
        json={"target_id": pains[0]["id"], "source_ids": [pains[1]["id"]]},
        headers=auth_headers,
    )
    assert r.status_code == 200, r.text
    assert_same_themes(engine, workspace_id)
    # both ways were compared: stored theme sums (no pain-point filter) and the overlap correction
    # (``?status=open`` once a theme's pain point is resolved hides it)
    assert PATHS["stored"] > paths.get("stored", 0) and PATHS["overlap"] > paths.get("overlap", 0)


def test_themes_response_is_the_full_scans(
    client: TestClient,
    auth_headers: dict[str, str],
    naming_backend: NamingBackend,
    engine: Engine,
    workspace_id: str,
) -> None:
    """The API's answer itself (not only the internal figures) against the oracle: items, units, score."""
    ingest(client, auth_headers)
    analyse(client, auth_headers)
    body = client.get("/v1/themes", params={"channel": "web"}, headers=auth_headers).json()
    with Session(engine) as session:
        ws = session.get(Workspace, workspace_id)
        assert ws is not None
        expected, _ = _oracle_rows(session, ws, ViewFilters(channel="web"))
    assert [t["id"] for t in body["items"]] == [e["id"] for e in expected]
    for t, e in zip(body["items"], expected, strict=True):
        assert (t["items"], t["units"], t["name"]) == (e["items"], e["units"], e["name"])
        assert [c["id"] for c in t["pain_points"]] == e["pain_points"]
        assert t["score"]["priority"] == pytest.approx(e["score"]["priority"])


def _refuse(*_args: Any, **_kwargs: Any) -> Any:
    raise AssertionError("a read request called load_view (every item and unit of the workspace)")


READS = [
    "/v1/pain-points",
    "/v1/pain-points?channel=web&since=2026-01-01&sort=volume",
    "/v1/journey-map?format=json",
    "/v1/journey-map?format=json&group_by=theme",
    "/v1/journey-map?format=csv&group_by=theme&channel=web",
    "/v1/themes",
    "/v1/themes?channel=web&kind=pain",
]
PAGES = [
    "/",
    "/pain-points",
    "/pain-points?channel=web&sort=volume",
    "/pain-points?q=refund",
    "/pain-points?q=refund&channel=web&owner=nobody",
    "/journey-map",
    "/compare?a_channel=web&b_channel=app",
    "/compare?a_source=trustpilot&b_language=fr",
]


def test_no_read_loads_every_item(
    client: TestClient,
    auth_headers: dict[str, str],
    naming_backend: NamingBackend,
    engine: Engine,
    workspace_id: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.service.web.conftest import PASSWORD, make_users

    ingest(client, auth_headers)
    analyse(client, auth_headers)
    make_users(engine)
    monkeypatch.setattr(view, "load_view", _refuse)
    monkeypatch.setattr(view.View, "__init__", _refuse)  # a caller that imported load_view before the patch
    theme = client.get("/v1/themes", headers=auth_headers).json()["items"][0]
    pp = theme["pain_points"][0]["id"]
    for path in [*READS, f"/v1/pain-points/{pp}", f"/v1/pain-points?theme_id={theme['id']}"]:
        r = client.get(path, headers=auth_headers)
        assert r.status_code == 200, (path, r.text[:300])
    r = client.patch(f"/v1/themes/{theme['id']}", json={"name": "Renamed"}, headers=auth_headers)
    assert r.status_code == 200 and r.json()["name"] == "Renamed", r.text
    from tests.service.web.conftest import csrf_of

    token = csrf_of(client.get("/login").text)
    login = {"email": "vera@example.org", "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=login, follow_redirects=False).status_code == 303
    for path in [*PAGES, f"/pain-points/{pp}", f"/pain-points?theme={theme['id']}"]:
        r = client.get(path)
        assert r.status_code == 200, (path, r.text[:300])


def test_no_service_module_imports_load_view() -> None:
    """``load_view`` stays for the equality tests only: a request path that imports it again reads every
    item and unit of the workspace per request."""
    root = pathlib.Path(__file__).resolve().parents[3] / "service"
    users = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if p.name != "view.py" and "load_view(" in p.read_text(encoding="utf-8")
    ]
    assert users == []
