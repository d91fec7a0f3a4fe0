"""Analysis jobs, ranked pain points, human edits, closed loop and journey-map exports through the real app.

The NLP pipeline is replaced by ``tests/journey_backend.TopicBackend`` (deterministic, millisecond-fast) so
these tests exercise orchestration, storage, scoring and exports on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from nlp.journey_map.document import JourneyMapDocument
from tests.helpers import paths
from tests.helpers.journey_backend import TopicBackend

SEED = paths.JOURNEY_SEED
FIX_DATE = "2026-07-27T00:00:00Z"  # week 8 of the seed: late deliveries stop after it


def seed_items() -> list[dict[str, Any]]:
    return [json.loads(line) for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]


def ingest(client: TestClient, headers: dict[str, str], items: list[dict[str, Any]] | None = None) -> None:
    r = client.post("/v1/feedback", json={"items": items or seed_items()}, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["rejected"] == 0, r.json()


def analyse(
    client: TestClient, headers: dict[str, str], scope: dict[str, Any] | None = None
) -> dict[str, Any]:
    r = client.post("/v1/analyses", json={"scope": scope or {}}, headers=headers)
    assert r.status_code == 202, r.text
    job = client.get(r.headers["Location"], headers=headers).json()
    assert job["state"] == "done", job
    assert job["progress"] == 1.0
    return job


def by_label(client: TestClient, headers: dict[str, str], **params: Any) -> dict[str, dict[str, Any]]:
    r = client.get("/v1/pain-points", params={"limit": 200, **params}, headers=headers)
    assert r.status_code == 200, r.text
    return {p["label"]: p for p in r.json()["items"]}


def test_end_to_end_bilingual_seed(
    client: TestClient, auth_headers: dict[str, str], topic_backend: TopicBackend
) -> None:
    ingest(client, auth_headers)
    job = analyse(client, auth_headers)
    assert job["result"]["pain_points_created"] >= 5

    page = client.get("/v1/pain-points", params={"kind": "pain"}, headers=auth_headers).json()
    ranked = page["items"]
    labels = [p["label"] for p in ranked]
    assert {"Card declined at checkout", "Late delivery", "Refund never received", "App crashes"} <= set(
        labels
    )
    priorities = [p["score"]["priority"] for p in ranked]
    assert priorities == sorted(priorities, reverse=True)
    for p in ranked:
        assert set(p["score"]["components"]) == {"volume", "severity", "impact", "trend", "effort", "recency"}
        assert all(0 <= v <= 1 for v in p["score"]["components"].values())

    pps = {p["label"]: p for p in ranked}
    crash = pps["App crashes"]
    assert crash["emerging"] and crash["score"]["trend"]["p_value"] < 0.05
    assert crash["stage"] == "usage"
    card = pps["Card declined at checkout"]
    assert not card["emerging"]  # steady over 16 weeks
    rating = next(i for i in card["score"]["impacts"] if i["metric"] == "rating")
    # Most of the seed is complaints, so the gap to "all other feedback" is real but moderate.
    assert rating["difference"] > 0.3 and rating["std_error"] > 0
    assert rating["ci_low"] < rating["difference"] < rating["ci_high"]
    assert card["score"]["impact_metric"] == "rating"
    hold = pps["Long wait and repeat calls"]
    assert hold["score"]["components"]["effort"] > 0.5

    # Detail: quotes, mixes, channels, timeline.
    detail = client.get(f"/v1/pain-points/{card['id']}", headers=auth_headers).json()
    assert detail["quotes"] and all(q["text"] for q in detail["quotes"])
    assert detail["sentiment_mix"] == {"negative": 1.0}
    assert set(detail["channels"]) <= {"web", "app"}
    assert sum(w["items"] for w in detail["timeline"]) == detail["items"]
    assert detail["closed_loop"] is None
    mentions = client.get(f"/v1/pain-points/{card['id']}/feedback", headers=auth_headers).json()
    assert mentions["total"] == detail["items"]
    assert all(m["units"] for m in mentions["items"])

    # Closed loop: late deliveries were fixed in week 8.
    late = pps["Late delivery"]
    r = client.patch(
        f"/v1/pain-points/{late['id']}",
        json={"status": "resolved", "resolved_at": FIX_DATE, "owner": "Logistics", "fix_effort": 12},
        headers=auth_headers,
    )
    assert r.status_code == 200, r.text
    loop = r.json()["closed_loop"]
    assert loop["verdict"] == "improved", loop
    assert loop["before_mentions"] > loop["after_mentions"]
    assert loop["p_value_decrease"] < 0.05

    # Opportunities are positive clusters.
    opps = client.get("/v1/pain-points", params={"kind": "opportunity"}, headers=auth_headers).json()["items"]
    assert "Fast delivery" in {o["label"] for o in opps}


def test_journey_map_formats(
    client: TestClient, auth_headers: dict[str, str], topic_backend: TopicBackend, tmp_path: Path
) -> None:
    ingest(client, auth_headers)
    analyse(client, auth_headers)

    r = client.get("/v1/journey-map", headers=auth_headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    doc = JourneyMapDocument.model_validate(r.json())
    ids = [s.id for s in doc.stages]
    assert ids[:8] == [
        "discovery",
        "consideration",
        "purchase",
        "delivery",
        "usage",
        "support",
        "retention",
        "advocacy",
    ]
    usage = next(s for s in doc.stages if s.id == "usage")
    assert usage.pain_points[0].label == "App crashes" and usage.pain_points[0].emerging
    assert usage.emotion is not None and usage.emotion < 0
    discovery = next(s for s in doc.stages if s.id == "discovery")
    assert discovery.emotion is not None and discovery.emotion > 0
    assert discovery.kpis["nps"] is not None
    assert doc.moments_of_truth

    rows = list(
        csv.DictReader(io.StringIO(client.get("/v1/journey-map?format=csv", headers=auth_headers).text))
    )
    assert {"stage_id", "label", "priority"} <= set(rows[0])
    assert any(r["label"] == "Card declined at checkout" and r["stage_id"] == "purchase" for r in rows)

    mermaid = client.get("/v1/journey-map?format=mermaid", headers=auth_headers)
    assert mermaid.headers["content-type"].startswith("text/plain")
    lines = mermaid.text.splitlines()
    assert lines[0] == "journey" and "    section Usage" in lines
    # Mean sentiment -0.7 maps to a frowning 2 on Mermaid's 1..5 satisfaction scale.
    assert "      App crashes: 2: app" in lines

    theydo = client.get("/v1/journey-map?format=theydo", headers=auth_headers).json()
    pains = [i for i in theydo["insights"] if i["type"] == "Pains"]
    assert any(i["title"] == "App crashes" and "Usage" in i["groupTags"] for i in pains)

    page = client.get("/v1/journey-map?format=html", headers=auth_headers)
    assert page.headers["content-type"].startswith("text/html")
    assert "<svg" in page.text and "App crashes" in page.text

    # Filters narrow the corpus: French app-store feedback only.
    fr = client.get(
        "/v1/journey-map", params={"language": "fr", "channel": "app"}, headers=auth_headers
    ).json()
    assert fr["filters"] == {"channel": "app", "language": "fr"}
    assert fr["total_items"] < doc.total_items

    bad = client.get("/v1/journey-map?format=pdf", headers=auth_headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "format"


def test_ids_and_human_edits_survive_reanalysis(
    client: TestClient, auth_headers: dict[str, str], topic_backend: TopicBackend
) -> None:
    ingest(client, auth_headers)
    analyse(client, auth_headers)
    before = by_label(client, auth_headers)
    card, refund = before["Card declined at checkout"], before["Refund never received"]
    crash, hold = before["App crashes"], before["Long wait and repeat calls"]

    r = client.patch(
        f"/v1/pain-points/{card['id']}",
        json={
            "label": "Payment: card refused",
            "stage": "usage",
            "status": "in_progress",
            "due_date": "2026-12-01",
        },
        headers=auth_headers,
    )
    assert r.status_code == 200 and r.json()["label_edited"] and r.json()["stage_edited"]
    merged = client.post(
        "/v1/pain-points/merge",
        json={"target_id": hold["id"], "source_ids": [refund["id"]]},
        headers=auth_headers,
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["merged_from"] == [refund["id"]]
    assert merged.json()["items"] == hold["items"] + refund["items"]

    analyse(client, auth_headers)
    after = {
        p["id"]: p for p in client.get("/v1/pain-points?limit=200", headers=auth_headers).json()["items"]
    }
    assert after[card["id"]]["label"] == "Payment: card refused"
    assert after[card["id"]]["stage"] == "usage" and after[card["id"]]["status"] == "in_progress"
    assert after[crash["id"]]["label"] == "App crashes"  # unedited: same id, label from the clustering
    assert refund["id"] not in after  # merged away, and re-clustering sends its cluster to the target
    assert after[hold["id"]]["items"] == hold["items"] + refund["items"]
    assert client.get(f"/v1/pain-points/{refund['id']}", headers=auth_headers).status_code == 409


def test_incremental_assignment_on_ingest(
    client: TestClient, auth_headers: dict[str, str], topic_backend: TopicBackend
) -> None:
    ingest(client, auth_headers)
    analyse(client, auth_headers)
    card = by_label(client, auth_headers)["Card declined at checkout"]
    new = {
        "external_id": "late-1",
        "source": "trustpilot",
        "kind": "review",
        "channel": "web",
        "rating": 1,
        "created_at": "2026-09-19T10:00:00Z",
        "text": "Card declined at checkout once more, I will shop elsewhere.",
    }
    r = client.post("/v1/feedback", json=new, headers=auth_headers)
    assert r.status_code == 201, r.text
    # No new analysis: the post-ingest hook tagged the item and attached it to the existing pain point.
    after = client.get(f"/v1/pain-points/{card['id']}", headers=auth_headers).json()
    assert after["items"] == card["items"] + 1
    feed = client.get(f"/v1/pain-points/{card['id']}/feedback", headers=auth_headers).json()
    assert feed["items"][0]["id"] == r.json()["id"]


def test_split(client: TestClient, auth_headers: dict[str, str], topic_backend: TopicBackend) -> None:
    ingest(client, auth_headers)
    analyse(client, auth_headers)
    card = by_label(client, auth_headers)["Card declined at checkout"]
    r = client.post(f"/v1/pain-points/{card['id']}/split", json={"parts": 2}, headers=auth_headers)
    assert r.status_code == 200, r.text
    ids = r.json()["pain_point_ids"]
    assert ids[0] == card["id"] and len(ids) == 2
    sizes = [client.get(f"/v1/pain-points/{i}", headers=auth_headers).json()["units"] for i in ids]
    assert sum(sizes) == card["units"] and min(sizes) >= 1
    too_many = client.post(f"/v1/pain-points/{card['id']}/split", json={"parts": 8}, headers=auth_headers)
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "parts"


def test_list_filters_sort_and_pagination(
    client: TestClient, auth_headers: dict[str, str], topic_backend: TopicBackend
) -> None:
    ingest(client, auth_headers)
    analyse(client, auth_headers)
    all_pp = client.get("/v1/pain-points?limit=200", headers=auth_headers).json()
    assert all_pp["total"] == len(all_pp["items"]) >= 7
    by_volume = client.get("/v1/pain-points?sort=volume&limit=200", headers=auth_headers).json()["items"]
    assert [p["items"] for p in by_volume] == sorted((p["items"] for p in by_volume), reverse=True)
    by_trend = client.get("/v1/pain-points?sort=trend&kind=pain", headers=auth_headers).json()["items"]
    assert by_trend[0]["label"] == "App crashes"
    first = client.get("/v1/pain-points?limit=2&offset=0", headers=auth_headers).json()
    second = client.get("/v1/pain-points?limit=2&offset=2", headers=auth_headers).json()
    assert len(first["items"]) == 2 and not {p["id"] for p in first["items"]} & {
        p["id"] for p in second["items"]
    }
    app_only = by_label(client, auth_headers, channel="app")
    assert "App crashes" in app_only and "Late delivery" not in app_only
    assert all(
        p["kind"] == "opportunity" for p in by_label(client, auth_headers, kind="opportunity").values()
    )
    assert set(by_label(client, auth_headers, stage="usage")) == {"App crashes"}
    summer = by_label(client, auth_headers, since="2026-06-01", until="2026-07-15")
    assert "App crashes" in summer and summer["App crashes"]["items"] == 1
    for bad, field in (
        ({"sort": "loudness"}, "sort"),
        ({"kind": "bug"}, "kind"),
        ({"status": "done"}, "status"),
        ({"limit": 0}, "limit"),
        ({"since": "yesterday"}, "since"),
        ({"colour": "red"}, "colour"),
    ):
        r = client.get("/v1/pain-points", params=bad, headers=auth_headers)
        assert r.status_code == 422, (bad, r.text)
        assert r.json()["errors"][0]["field"] == field, r.json()


def test_patch_validation_and_isolation(
    client: TestClient,
    auth_headers: dict[str, str],
    other_auth_headers: dict[str, str],
    topic_backend: TopicBackend,
) -> None:
    ingest(client, auth_headers)
    analyse(client, auth_headers)
    pp = by_label(client, auth_headers)["App crashes"]
    url = f"/v1/pain-points/{pp['id']}"
    for body, field in (
        ({"status": "done"}, "status"),
        ({"stage": "moon"}, "stage"),
        ({"fix_effort": -1}, "fix_effort"),
        ({"label": "   "}, "label"),
        ({"label": None}, "label"),
        ({"due_date": "next week"}, "due_date"),
        ({"priority": 3}, "priority"),
        ({"status": "open", "resolved_at": FIX_DATE}, "body"),
    ):
        r = client.patch(url, json=body, headers=auth_headers)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["errors"][0]["field"] == field, (body, r.json())
    assert client.get(url, headers=other_auth_headers).status_code == 404
    assert client.patch(url, json={"owner": "x"}, headers=other_auth_headers).status_code == 404
    assert client.get("/v1/pain-points/nope", headers=auth_headers).status_code == 404
    r = client.post(
        "/v1/pain-points/merge", json={"target_id": pp["id"], "source_ids": [pp["id"]]}, headers=auth_headers
    )
    assert r.status_code == 422
    opp = next(iter(by_label(client, auth_headers, kind="opportunity").values()))
    r = client.post(
        "/v1/pain-points/merge", json={"target_id": pp["id"], "source_ids": [opp["id"]]}, headers=auth_headers
    )
    assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "same_kind"
    # Reopening clears the resolution date.
    client.patch(url, json={"status": "resolved"}, headers=auth_headers)
    reopened = client.patch(url, json={"status": "open"}, headers=auth_headers).json()
    assert reopened["resolved_at"] is None and reopened["closed_loop"] is None


def test_priority_weights_per_workspace(
    client: TestClient, auth_headers: dict[str, str], topic_backend: TopicBackend
) -> None:
    ingest(client, auth_headers)
    analyse(client, auth_headers)
    default = client.get("/v1/priority-config", headers=auth_headers).json()
    assert default["weights"]["volume"] == 0.3
    trend_only = {"weights": {"volume": 0, "severity": 0, "impact": 0, "trend": 1, "effort": 0, "recency": 0}}
    assert client.put("/v1/priority-config", json=trend_only, headers=auth_headers).status_code == 200
    top = client.get("/v1/pain-points?kind=pain", headers=auth_headers).json()["items"][0]
    assert top["label"] == "App crashes" and top["score"]["weights"]["trend"] == 1.0
    bad = client.put("/v1/priority-config", json={"weights": {"volume": -1}}, headers=auth_headers)
    assert bad.status_code == 422 and "weights.volume" in bad.json()["errors"][0]["field"]


HOSTILE = 'Refund "never" <script>alert(1)</script>, really:\nsee #3; =cmd|calc'


def test_hostile_labels_survive_every_format(
    client: TestClient, auth_headers: dict[str, str], topic_backend: TopicBackend
) -> None:
    ingest(client, auth_headers)
    analyse(client, auth_headers)
    crash = by_label(client, auth_headers)["App crashes"]
    r = client.patch(f"/v1/pain-points/{crash['id']}", json={"label": HOSTILE}, headers=auth_headers)
    assert r.status_code == 200 and r.json()["label"] == HOSTILE.strip()

    doc = client.get("/v1/journey-map", headers=auth_headers).json()
    usage = next(s for s in doc["stages"] if s["id"] == "usage")
    assert usage["pain_points"][0]["label"] == HOSTILE

    rows = list(
        csv.DictReader(io.StringIO(client.get("/v1/journey-map?format=csv", headers=auth_headers).text))
    )
    assert any(row["label"] == HOSTILE for row in rows)

    mermaid = client.get("/v1/journey-map?format=mermaid", headers=auth_headers).text
    task = next(line for line in mermaid.splitlines() if "alert(1)" in line)
    assert task.count(":") == 2 and "#" not in task and ";" not in task

    theydo = client.get("/v1/journey-map?format=theydo", headers=auth_headers).json()
    assert any(i["title"] == " ".join(HOSTILE.split()) for i in theydo["insights"])

    page = client.get("/v1/journey-map?format=html", headers=auth_headers).text
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
