"""Every /v1 route needs a key; a key only ever sees its own workspace."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service.models import ApiKey


def test_missing_and_bad_keys_answer_401(client: TestClient, workspace_key: str) -> None:
    for headers in ({}, {"Authorization": "Bearer fm_nope_x"}, {"X-API-Key": "garbage"}):
        r = client.get("/v1/feedback", headers=headers)
        assert r.status_code == 401
        assert r.json()["errors"][0]["field"] == "Authorization"
    r = client.post("/v1/feedback", json={"text": "x"})
    assert r.status_code == 401


def test_x_api_key_header_works(client: TestClient, workspace_key: str) -> None:
    r = client.get("/v1/feedback", headers={"X-API-Key": workspace_key})
    assert r.status_code == 200


def test_revoked_key_is_refused(client: TestClient, workspace_key: str, session: Session) -> None:
    for key in session.exec(select(ApiKey)).all():
        key.revoked = True
        session.add(key)
    session.commit()
    assert client.get("/v1/feedback", headers={"X-API-Key": workspace_key}).status_code == 401


def test_other_workspace_sees_404_never_data(
    client: TestClient, auth_headers: dict[str, str], other_auth_headers: dict[str, str]
) -> None:
    created = client.post(
        "/v1/feedback", json={"text": "Secret de la maison acme"}, headers=auth_headers
    ).json()
    item_id = created["id"]
    assert client.get(f"/v1/feedback/{item_id}", headers=other_auth_headers).status_code == 404
    assert client.delete(f"/v1/feedback/{item_id}", headers=other_auth_headers).status_code == 404
    assert client.get("/v1/feedback", headers=other_auth_headers).json()["items"] == []
    # the same external id in another workspace is a different item, not a duplicate
    same = client.post("/v1/feedback", json={"text": "Secret de la maison acme"}, headers=other_auth_headers)
    assert same.status_code == 201 and same.json()["id"] != item_id
    assert client.get(f"/v1/feedback/{item_id}", headers=auth_headers).status_code == 200
