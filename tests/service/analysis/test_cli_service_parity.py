"""The offline CLI (``analyze_records``) and the service's analysis job give the same pain points on the same
input: one pipeline, two doors (issue 9). Same embedder on both sides (the hashing stand-in), no tagger, so
candidates come from the shared score rule; the service run is the real job over SQLite or PostgreSQL."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from nlp.pipeline import AnalysisResult, Record, analyze_records
from service.models import FeedbackItem, OpinionUnit, PainPoint
from tests.conftest import HashingEmbedder
from tests.service.journey_map.test_journey_api import analyse, ingest, seed_items

Membership = frozenset[tuple[str, str]]  # (external id, unit text)


def _cli_themes(result: AnalysisResult, kind: str) -> dict[Membership, str]:
    ext_of = {d.row: d.id for d in result.documents}
    themes = result.pain_points if kind == "pain" else result.opportunities
    out: dict[Membership, str] = {}
    for t in themes:
        members = frozenset(
            (str(ext_of[u.row]), u.text)
            for u in result.units
            if (u.pain_point if kind == "pain" else u.opportunity) == t.id
        )
        out[members] = t.label
    return out


def _service_themes(engine: Engine, kind: str) -> dict[Membership, str]:
    with Session(engine) as s:
        ext_of = {i.id: i.external_id for i in s.exec(select(FeedbackItem)).all()}
        out: dict[Membership, str] = {}
        for pp in s.exec(select(PainPoint).where(PainPoint.kind == kind)).all():
            units = s.exec(select(OpinionUnit).where(OpinionUnit.pain_point_id == pp.id)).all()
            out[frozenset((ext_of[u.feedback_id], u.text) for u in units)] = pp.label
    return out


def _analyst_file(engine: Engine, items: list[dict[str, Any]]) -> list[Record]:
    """The analyst's file: the same feedback in the service's order (date, then item id), language left to
    detection, as the CLI reads it."""
    with Session(engine) as s:
        order = [
            i.external_id
            for i in s.exec(select(FeedbackItem).order_by(col(FeedbackItem.created_at), col(FeedbackItem.id)))
        ]
    by_ext = {it["external_id"]: it for it in items}
    return [
        Record(
            text=by_ext[e]["text"],
            id=e,
            rating=by_ext[e].get("rating"),
            nps=by_ext[e].get("nps"),
            date=by_ext[e]["created_at"],
        )
        for e in order
    ]


def test_cli_and_service_agree_on_pain_points_and_opportunities(
    client: TestClient, auth_headers: dict[str, str], engine: Engine, switchable_backend: dict[str, Any]
) -> None:
    items = seed_items()
    ingest(client, auth_headers, items)
    analyse(client, auth_headers)

    records = _analyst_file(engine, items)
    result = analyze_records(records, embedder=HashingEmbedder(), tagger=None)

    for kind in ("pain", "opportunity"):
        cli, service = _cli_themes(result, kind), _service_themes(engine, kind)
        assert cli, f"the fixture must produce {kind} clusters for this comparison to mean anything"
        assert set(service) == set(cli), kind
        assert service == cli, kind  # same labels too


def test_cli_and_service_rank_the_same_way(
    client: TestClient, auth_headers: dict[str, str], engine: Engine, switchable_backend: dict[str, Any]
) -> None:
    """Issue 11: same priority score and components, same order, same names on both doors."""
    items = seed_items()
    ingest(client, auth_headers, items)
    analyse(client, auth_headers)
    with Session(engine) as s:
        ext_of = {i.id: i.external_id for i in s.exec(select(FeedbackItem)).all()}
        members_of = {
            pp.id: frozenset(
                (ext_of[u.feedback_id], u.text)
                for u in s.exec(select(OpinionUnit).where(OpinionUnit.pain_point_id == pp.id)).all()
            )
            for pp in s.exec(select(PainPoint)).all()
        }
    records = _analyst_file(engine, items)
    result = analyze_records(records, embedder=HashingEmbedder(), tagger=None)
    ext_by_row = {d.row: d.id for d in result.documents}
    for kind, themes in (("pain", result.pain_points), ("opportunity", result.opportunities)):
        api = client.get(
            "/v1/pain-points", params={"kind": kind, "limit": 200, "sort": "priority"}, headers=auth_headers
        ).json()["items"]
        cli_members = [
            frozenset(
                (str(ext_by_row[u.row]), u.text)
                for u in result.units
                if (u.pain_point if kind == "pain" else u.opportunity) == t.id
            )
            for t in themes
        ]
        assert [members_of[p["id"]] for p in api] == cli_members, kind  # same order
        for p, t in zip(api, themes, strict=True):
            assert t.score is not None and p["score"]["priority"] == t.priority
            assert p["score"]["components"] == t.score["components"]
            assert p["name"] == t.name and p["names"] == t.names
        assert [t.priority for t in themes] == sorted((t.priority or 0.0 for t in themes), reverse=True)
    json_docs = result.to_json()["documents"]
    assert all("opportunities" in d for d in json_docs)
    assert any(d["opportunities"] for d in json_docs)
