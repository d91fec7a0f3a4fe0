"""Listing with filters and cursor pagination; GDPR erasure with cascades."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service.models import FeedbackItem, OpinionUnit, PainPoint


def _seed(client: TestClient, headers: dict[str, str]) -> list[str]:
    items = [
        {
            "text": f"Livraison en retard numéro {i}, très déçu du service client.",
            "external_id": f"e{i}",
            "source": "trustpilot" if i % 2 else "google",
            "kind": "review",
            "rating": 1 + i % 5,
            "channel": "delivery" if i < 3 else "web",
            "created_at": f"2024-03-{10 + i:02d}T12:00:00Z",
        }
        for i in range(7)
    ]
    body = client.post("/v1/feedback", json={"items": items}, headers=headers).json()
    assert body["created"] == 7
    return [r["id"] for r in body["results"]]


def test_cursor_pagination_walks_everything_once(client: TestClient, auth_headers: dict[str, str]) -> None:
    ids = _seed(client, auth_headers)
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/feedback", params=params, headers=auth_headers).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(ids) and len(seen) == 7
    assert seen == list(reversed(ids))  # newest first (created_at increases with i)


def test_filters(client: TestClient, auth_headers: dict[str, str]) -> None:
    _seed(client, auth_headers)

    def count(**params: object) -> int:
        r = client.get("/v1/feedback", params=params, headers=auth_headers)
        assert r.status_code == 200, r.text
        return len(r.json()["items"])

    assert count(source="trustpilot") == 3
    assert count(channel="delivery") == 3
    assert count(kind="review") == 7
    assert count(language="fr") == 7
    assert count(language="en") == 0
    assert count(rating_min=4) == 2  # ratings 1+i%5 for i=0..6: 1,2,3,4,5,1,2
    assert count(rating_max=1) == 2
    assert count(created_from="2024-03-12T00:00:00Z", created_to="2024-03-14T00:00:00Z") == 2
    assert count(segment="none") == 0


def test_bad_query_params_name_the_field(client: TestClient, auth_headers: dict[str, str]) -> None:
    r = client.get("/v1/feedback", params={"rating_min": 9}, headers=auth_headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "rating_min"
    r = client.get("/v1/feedback", params={"cursor": "not-a-cursor"}, headers=auth_headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "cursor"
    r = client.get("/v1/feedback", params={"created_from": "yesterday"}, headers=auth_headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "created_from"


def test_delete_erases_item_units_and_quotes(
    client: TestClient, auth_headers: dict[str, str], workspace_id: str, session: Session
) -> None:
    keep_id, gone_id = _seed(client, auth_headers)[:2]
    point = PainPoint(
        workspace_id=workspace_id,
        label="late delivery",
        size=2,
        quotes=[
            {"unit_id": "u1", "feedback_id": keep_id, "text": "kept"},
            {"unit_id": "u2", "feedback_id": gone_id, "text": "gone"},
        ],
    )
    session.add(point)
    session.flush()
    for fid in (keep_id, gone_id):
        session.add(
            OpinionUnit(
                workspace_id=workspace_id,
                feedback_id=fid,
                start=0,
                end=8,
                text="Livraison",
                pain_point_id=point.id,
            )
        )
    session.commit()
    point_id = point.id

    assert client.delete(f"/v1/feedback/{gone_id}", headers=auth_headers).status_code == 204
    assert client.get(f"/v1/feedback/{gone_id}", headers=auth_headers).status_code == 404
    assert client.delete(f"/v1/feedback/{gone_id}", headers=auth_headers).status_code == 404
    session.expire_all()
    assert session.exec(select(OpinionUnit).where(OpinionUnit.feedback_id == gone_id)).all() == []
    assert len(session.exec(select(OpinionUnit)).all()) == 1
    refreshed = session.get(PainPoint, point_id)
    assert refreshed is not None
    assert refreshed.size == 1 and [q["feedback_id"] for q in refreshed.quotes or []] == [keep_id]
    assert session.get(FeedbackItem, keep_id) is not None


def test_workspace_cascade_via_foreign_keys(
    session: Session, workspace_id: str, client: TestClient, auth_headers: dict[str, str]
) -> None:
    """ON DELETE CASCADE works on both databases (SQLite needs PRAGMA foreign_keys=ON)."""
    fid = _seed(client, auth_headers)[0]
    session.add(OpinionUnit(workspace_id=workspace_id, feedback_id=fid, start=0, end=3, text="Liv"))
    session.commit()
    from sqlalchemy import delete

    session.execute(delete(FeedbackItem).where(FeedbackItem.id == fid))  # type: ignore[arg-type]
    session.commit()
    assert session.exec(select(OpinionUnit).where(OpinionUnit.feedback_id == fid)).all() == []
