"""``GET /v1/themes``: parent themes with their pain points, aggregates and score; ids stable across
re-analyses; ``theme_id`` on every pain point."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.service.journey_map.test_journey_api import analyse, ingest
from tests.service.themes.test_names_api import NamingBackend


def _themes(client: TestClient, headers: dict[str, str], **params: str) -> list[dict]:
    r = client.get("/v1/themes", params=params, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["total"] == len(r.json()["items"])
    return list(r.json()["items"])


def test_themes_group_pain_points_and_keep_their_ids(
    client: TestClient, auth_headers: dict[str, str], naming_backend: NamingBackend
) -> None:
    ingest(client, auth_headers)
    analyse(client, auth_headers)
    themes = _themes(client, auth_headers)
    pps = client.get("/v1/pain-points", params={"limit": 200}, headers=auth_headers).json()["items"]
    by_theme = {t["id"]: t for t in themes}
    for p in pps:
        assert p["theme_id"] in by_theme and p["id"] in {
            c["id"] for c in by_theme[p["theme_id"]]["pain_points"]
        }
    support = next(t for t in themes if t["names"].get("en") == "Customer support")
    # both languages hold units of it: titled in the data's majority language, then the other
    assert support["name"] in ("Customer support / Service client", "Service client / Customer support")
    children = {c["label"] for c in support["pain_points"]}
    assert children == {"Refund never received", "Long wait and repeat calls"}
    assert [c["priority"] for c in support["pain_points"]] == sorted(
        (c["priority"] for c in support["pain_points"]), reverse=True
    )
    assert max(c["items"] for c in support["pain_points"]) <= support["items"]
    assert support["items"] <= sum(c["items"] for c in support["pain_points"])
    assert abs(sum(support["stage_mix"].values()) - 1.0) < 1e-6 and support["mean_sentiment"] < 0
    assert set(support["score"]["components"]) >= {"volume", "severity", "impact", "trend"}
    assert [t["score"]["priority"] for t in themes] == sorted(
        (t["score"]["priority"] for t in themes), reverse=True
    )
    assert len(themes) < len(pps)

    client.put("/v1/name-language", json={"language": "fr"}, headers=auth_headers)
    assert any(t["name"] == "Service client / Customer support" for t in _themes(client, auth_headers))
    client.put("/v1/name-language", json={"language": "en"}, headers=auth_headers)
    assert any(t["name"] == "Customer support / Service client" for t in _themes(client, auth_headers))
    assert {t["kind"] for t in _themes(client, auth_headers, kind="opportunity")} == {"opportunity"}

    analyse(client, auth_headers)
    again = _themes(client, auth_headers)
    assert {t["id"] for t in again} == set(by_theme)  # same themes, same ids
    bad = client.get("/v1/themes", params={"kind": "nope"}, headers=auth_headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "kind"


def test_journey_map_grouped_by_theme(
    client: TestClient, auth_headers: dict[str, str], naming_backend: NamingBackend
) -> None:
    ingest(client, auth_headers)
    analyse(client, auth_headers)
    theme_ids = {t["id"]: t for t in _themes(client, auth_headers)}
    pp_ids = {p["id"] for p in client.get("/v1/pain-points?limit=200", headers=auth_headers).json()["items"]}

    def entries(**params: str) -> list[dict]:
        r = client.get("/v1/journey-map", params=params, headers=auth_headers)
        assert r.status_code == 200, r.text
        return [p for s in r.json()["stages"] for p in s["pain_points"] + s["opportunities"]]

    grouped = entries(group_by="theme")
    assert grouped and {e["id"] for e in grouped} <= set(theme_ids)
    assert "Customer support / Service client" in {e["label"] for e in grouped}
    assert {e["id"] for e in entries()} <= pp_ids  # default: pain points, as before
    for fmt in ("csv", "mermaid", "theydo", "html"):
        r = client.get("/v1/journey-map", params={"group_by": "theme", "format": fmt}, headers=auth_headers)
        assert r.status_code == 200 and "Customer support" in r.text, fmt
    bad = client.get("/v1/journey-map", params={"group_by": "topic"}, headers=auth_headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "group_by"


def test_pain_points_filter_by_theme_in_the_api_and_the_web_app(
    client: TestClient, auth_headers: dict[str, str], naming_backend: NamingBackend, engine: object
) -> None:
    from tests.service.web.conftest import PASSWORD, USERS, csrf_of, make_users

    ingest(client, auth_headers)
    analyse(client, auth_headers)
    support = next(t for t in _themes(client, auth_headers) if t["names"].get("en") == "Customer support")
    r = client.get("/v1/pain-points", params={"theme_id": support["id"], "limit": 200}, headers=auth_headers)
    assert r.status_code == 200
    assert {p["id"] for p in r.json()["items"]} == {c["id"] for c in support["pain_points"]}
    assert r.json()["total"] == len(support["pain_points"])

    make_users(engine)  # type: ignore[arg-type]
    token = csrf_of(client.get("/login").text)
    login = {"email": USERS["viewer"], "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=login, follow_redirects=False).status_code == 303
    html = client.get("/pain-points", params={"theme": support["id"]}).text
    listed = set(re.findall(r'<a href="/pain-points/([0-9a-f-]{36})">', html))
    assert listed == {c["id"] for c in support["pain_points"]}
    assert f'<option value="{support["id"]}" selected>' in html


def test_journey_map_and_alerts_carry_the_natural_name(
    client: TestClient, auth_headers: dict[str, str], naming_backend: NamingBackend
) -> None:
    ingest(client, auth_headers)
    analyse(client, auth_headers)
    pps = client.get("/v1/pain-points", params={"limit": 200}, headers=auth_headers).json()["items"]
    name_of = {p["id"]: p["name"] for p in pps}
    assert any(p["name"] and p["name"] != p["label"] for p in pps)  # the check below means something
    doc = client.get("/v1/journey-map", params={"format": "json"}, headers=auth_headers).json()
    shown = [(p["id"], p["label"]) for s in doc["stages"] for p in s["pain_points"]]
    assert shown and all(label == name_of[pid] for pid, label in shown)


def test_a_renamed_theme_keeps_its_name_through_reanalysis(
    client: TestClient, auth_headers: dict[str, str], naming_backend: NamingBackend
) -> None:
    ingest(client, auth_headers)
    analyse(client, auth_headers)
    support = next(t for t in _themes(client, auth_headers) if t["names"].get("en") == "Customer support")
    assert support["name_edited"] is False
    r = client.patch(
        f"/v1/themes/{support['id']}", json={"name": "  Service après-vente  "}, headers=auth_headers
    )
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Service après-vente" and r.json()["name_edited"] is True
    assert r.json()["pain_points"] == support["pain_points"]

    analyse(client, auth_headers)
    client.put("/v1/name-language", json={"language": "en"}, headers=auth_headers)  # no effect on an edit
    again = {t["id"]: t for t in _themes(client, auth_headers)}
    assert again[support["id"]]["name"] == "Service après-vente" and again[support["id"]]["name_edited"]
    others = [t for tid, t in again.items() if tid != support["id"]]
    assert others and not any(t["name_edited"] for t in others)
    grouped = client.get("/v1/journey-map", params={"group_by": "theme"}, headers=auth_headers).json()
    labels = {p["label"] for s in grouped["stages"] for p in s["pain_points"] + s["opportunities"]}
    assert "Service après-vente" in labels

    blank = client.patch(f"/v1/themes/{support['id']}", json={"name": "   "}, headers=auth_headers)
    assert blank.status_code == 422 and blank.json()["errors"][0]["field"] == "name"
    extra = client.patch(f"/v1/themes/{support['id']}", json={"name": "x", "id": "y"}, headers=auth_headers)
    assert extra.status_code == 422
    huge = client.patch(f"/v1/themes/{support['id']}", json={"name": "x" * 301}, headers=auth_headers)
    assert huge.status_code == 422 and huge.json()["errors"][0]["field"] == "name"
    typed = client.patch(f"/v1/themes/{support['id']}", json={"name": ["a"]}, headers=auth_headers)
    assert typed.status_code == 422 and typed.json()["errors"][0]["field"] == "name"
    not_json = client.patch(
        f"/v1/themes/{support['id']}",
        content=b"\xff{",
        headers={**auth_headers, "content-type": "application/json"},
    )
    assert not_json.status_code in (400, 422)
    long_id = client.patch("/v1/themes/" + "9" * 37, json={"name": "x"}, headers=auth_headers)
    assert long_id.status_code == 422
    hostile = client.patch(
        f"/v1/themes/{support['id']}", json={"name": "<script>alert(1)</script>"}, headers=auth_headers
    )
    assert hostile.status_code == 200
    page = client.get("/v1/journey-map", params={"group_by": "theme", "format": "html"}, headers=auth_headers)
    assert page.status_code == 200 and "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text
    client.patch(f"/v1/themes/{support['id']}", json={"name": "Service après-vente"}, headers=auth_headers)
    missing = client.patch("/v1/themes/no-such-theme", json={"name": "x"}, headers=auth_headers)
    assert missing.status_code == 404 and missing.json()["errors"][0]["field"] == "theme_id"
    kept = {t["id"]: t["name"] for t in _themes(client, auth_headers)}
    assert kept[support["id"]] == "Service après-vente"  # refused edits changed nothing
