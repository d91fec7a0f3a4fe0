"""The analysis job on the real nlp/ pipeline (multilingual USE embeddings, Ward, c-TF-IDF labels)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.service.journey_map.test_journey_api import analyse, ingest


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # storage is covered on both elsewhere
def test_seed_through_real_pipeline(
    client: TestClient, auth_headers: dict[str, str], real_backend: None
) -> None:
    ingest(client, auth_headers)
    analyse(client, auth_headers)
    pains = client.get("/v1/pain-points?kind=pain&limit=50", headers=auth_headers).json()["items"]
    text = " | ".join(p["label"] + " " + " ".join(p["keyphrases"]) for p in pains).lower()
    for theme in ("refund", "late", "card", "crash"):
        assert theme in text, text
    crash = next(p for p in pains if "crash" in (p["label"] + " ".join(p["keyphrases"])).lower())
    assert crash["score"]["trend"]["recent_count"] > crash["score"]["trend"]["baseline_count"]
    # Bilingual clusters: French and English complaints about the same irritant land together.
    detail = client.get(f"/v1/pain-points/{crash['id']}", headers=auth_headers).json()
    assert set(detail["language_mix"]) == {"en", "fr"}
    ids = {p["id"] for p in pains}
    analyse(client, auth_headers)
    listing = client.get("/v1/pain-points?kind=pain&limit=50", headers=auth_headers).json()
    again = {p["id"] for p in listing["items"]}
    assert again == ids  # same data, same ids
    assert client.get("/v1/journey-map?format=html", headers=auth_headers).status_code == 200
