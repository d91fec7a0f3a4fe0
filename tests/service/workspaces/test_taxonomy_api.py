"""GET/PUT/DELETE /v1/taxonomy through the real app, on SQLite and PostgreSQL (conftest's db_url)."""

from __future__ import annotations

import copy
from typing import Any

from fastapi.testclient import TestClient

from nlp.tagging.taxonomy import load_default_taxonomy


def _insurance_journey() -> dict[str, Any]:
    def stage(sid: str, en: str, fr: str) -> dict[str, Any]:
        return {
            "id": sid,
            "label": {"en": en, "fr": fr},
            "description": {"en": f"The {en.lower()} step", "fr": f"L'étape {fr.lower()}"},
            "examples": {"en": [f"about {en.lower()}"], "fr": [f"à propos de {fr.lower()}"]},
        }

    return {
        "id": "insurance",
        "name": {"en": "Insurance journey", "fr": "Parcours assurance"},
        "stages": [
            stage("quote", "Quote", "Devis"),
            stage("claim", "Claim", "Sinistre"),
            stage("renewal", "Renewal", "Renouvellement"),
        ],
        "touchpoints": [{"id": "phone", "label": {"en": "Phone", "fr": "Téléphone"}}],
    }


def test_default_until_replaced_then_persisted(client: TestClient, auth_headers: dict[str, str]) -> None:
    got = client.get("/v1/taxonomy", headers=auth_headers)
    assert got.status_code == 200
    body = got.json()
    assert body["is_default"] is True
    assert [s["id"] for s in body["stages"]] == load_default_taxonomy().stage_ids

    put = client.put("/v1/taxonomy", headers=auth_headers, json=_insurance_journey())
    assert put.status_code == 200, put.text
    assert put.json()["is_default"] is False

    again = client.get("/v1/taxonomy", headers=auth_headers).json()
    assert [s["id"] for s in again["stages"]] == ["quote", "claim", "renewal"]  # order is the journey order
    assert again["is_default"] is False

    reset = client.delete("/v1/taxonomy", headers=auth_headers)
    assert reset.status_code == 200 and reset.json()["is_default"] is True
    assert client.get("/v1/taxonomy", headers=auth_headers).json()["is_default"] is True


def test_invalid_taxonomy_is_422_naming_fields_and_keeps_the_stored_one(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    assert client.put("/v1/taxonomy", headers=auth_headers, json=_insurance_journey()).status_code == 200

    bad = _insurance_journey()
    del bad["stages"][2]["label"]["fr"]  # missing French label
    bad["stages"][0]["examples"]["en"] = []  # no English example
    bad["touchpoints"][0]["id"] = "Phone Line"  # not a slug
    res = client.put("/v1/taxonomy", headers=auth_headers, json=bad)
    assert res.status_code == 422
    fields = {(e["field"], e["rule"]) for e in res.json()["errors"]}
    assert ("stages.2.label.fr", "required") in fields
    assert ("stages.0.examples.en", "min_items") in fields
    assert ("touchpoints.0.id", "string_pattern_mismatch") in fields

    duplicate = _insurance_journey()
    duplicate["stages"][1]["id"] = "quote"
    res = client.put("/v1/taxonomy", headers=auth_headers, json=duplicate)
    assert res.status_code == 422
    err = res.json()["errors"][0]
    assert (err["field"], err["rule"]) == ("stages", "value_error") and "quote" in err["message"]

    reserved = _insurance_journey()
    reserved["stages"][0]["id"] = "unknown"
    res = client.put("/v1/taxonomy", headers=auth_headers, json=reserved)
    assert res.status_code == 422
    assert res.json()["errors"][0]["field"] == "stages.0.id"

    one_stage = _insurance_journey()
    one_stage["stages"] = one_stage["stages"][:1]
    assert client.put("/v1/taxonomy", headers=auth_headers, json=one_stage).status_code == 422

    stored = client.get("/v1/taxonomy", headers=auth_headers).json()
    assert [s["id"] for s in stored["stages"]] == ["quote", "claim", "renewal"]


def test_taxonomy_is_per_workspace_and_needs_a_key(
    client: TestClient, auth_headers: dict[str, str], other_auth_headers: dict[str, str]
) -> None:
    assert client.get("/v1/taxonomy").status_code == 401
    assert client.put("/v1/taxonomy", json=_insurance_journey()).status_code == 401
    assert client.put("/v1/taxonomy", headers=auth_headers, json=_insurance_journey()).status_code == 200
    assert client.get("/v1/taxonomy", headers=other_auth_headers).json()["is_default"] is True


def test_default_document_round_trips(client: TestClient, auth_headers: dict[str, str]) -> None:
    doc = copy.deepcopy(load_default_taxonomy().model_dump(mode="json"))
    doc["stages"][0]["examples"]["fr"].append("Vu sur Instagram")
    res = client.put("/v1/taxonomy", headers=auth_headers, json=doc)
    assert res.status_code == 200
    assert "Vu sur Instagram" in res.json()["stages"][0]["examples"]["fr"]
