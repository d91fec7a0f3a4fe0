"""Text no database can store — a NUL, a lone surrogate — is a 422 naming the field, on every route.

Found by running Schemathesis on PostgreSQL (``FRICTIONMAP_SCHEMATHESIS_DB=postgres``) and by hand after it:
a ``"\\u0000"`` in a source's ``name``, ``feedback_source``, ``location`` or ``mapping``, an analysis
``scope``, a merge ``target_id`` or a taxonomy label answered 500 on PostgreSQL (``DataError``: text and
JSONB refuse it; SQLite stored it). The other cases below were already a 422 through their own validation;
they pin that the one guard (service/api/input_guard.py) names the same field and rule everywhere. Lone
surrogates in bodies were already refused; the guard now names them ``utf8`` like the feedback fields.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

URL = "https://93.184.216.34/x.csv"
NUL, LONE = "a\x00b", "a\ud800b"

CASES: list[tuple[str, str, dict[str, Any], str]] = [
    ("POST", "/v1/sources", {"name": "{v}", "type": "generic_csv", "location": URL}, "name"),
    ("POST", "/v1/sources", {"name": "s", "type": "generic_csv", "location": URL, "mapping": {"text": "{v}"}},
     "mapping.text"),
    ("POST", "/v1/sources", {"name": "s", "type": "generic_csv", "location": URL, "feedback_source": "{v}"},
     "feedback_source"),
    ("POST", "/v1/webhooks", {"url": "https://93.184.216.34/h", "secret": "{v}"}, "secret"),
    ("POST", "/v1/erasures", {"external_id": "{v}"}, "external_id"),
    ("POST", "/v1/pain-points/merge", {"source_ids": ["x"], "target_id": "{v}"}, "target_id"),
    ("POST", "/v1/analyses", {"scope": {"segment": "{v}"}}, "scope.segment"),
    ("PUT", "/v1/priority-config", {"weights": {"{v}": 1}}, "weights.{v}"),
    ("POST", "/v1/feedback", {"text": "x", "metadata": {"{v}": "y"}}, "metadata.{v}"),
]  # fmt: skip


def fill(value: Any, text: str) -> Any:
    if isinstance(value, str):
        return value.replace("{v}", text)
    if isinstance(value, dict):
        return {fill(k, text): fill(v, text) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, text) for v in value]
    return value


@pytest.mark.parametrize(("text", "rule"), [(NUL, "no_nul"), (LONE, "utf8")], ids=["nul", "surrogate"])
def test_a_body_field_no_database_can_store_is_a_422_naming_it(
    client: TestClient, auth_headers: dict[str, str], text: str, rule: str
) -> None:
    headers = {**auth_headers, "Content-Type": "application/json"}
    for method, url, body, field in CASES:
        raw = json.dumps(fill(body, text)).encode()  # ASCII: the NUL and the surrogate travel as \uXXXX
        response = client.request(method, url, content=raw, headers=headers)
        assert response.status_code == 422, (url, body, response.text)
        errors = response.json()["errors"]
        assert errors[0]["rule"] == rule, (url, errors)
        assert errors[0]["field"].startswith(field.split("{v}")[0]), (url, errors)


def test_a_taxonomy_label_with_a_nul_is_a_422(client: TestClient, auth_headers: dict[str, str]) -> None:
    taxonomy = client.get("/v1/taxonomy", headers=auth_headers).json()
    taxonomy.pop("is_default", None)
    taxonomy["stages"][0]["label"]["fr"] = NUL
    response = client.put("/v1/taxonomy", json=taxonomy, headers=auth_headers)
    assert response.status_code == 422, response.text
    assert ("stages.0.label.fr", "no_nul") in {(e["field"], e["rule"]) for e in response.json()["errors"]}


def test_an_upload_whose_form_fields_cannot_be_stored_is_a_422(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    files = {"file": ("a.csv", b"text\nRefund never arrived\n")}
    for form, field in [
        ({"type": "generic_csv", "source": NUL}, "source"),
        ({"type": "generic_csv", "mapping": json.dumps({"text": NUL})}, "mapping.text"),
    ]:
        response = client.post("/v1/imports", data=form, files=files, headers=auth_headers)
        assert response.status_code == 422, (form, response.text)
        assert (response.json()["errors"][0]["field"], response.json()["errors"][0]["rule"]) == (
            field,
            "no_nul",
        )


def test_a_body_without_a_key_is_still_a_401_first(client: TestClient) -> None:
    raw = json.dumps({"name": NUL, "type": "generic_csv", "location": URL}).encode()
    response = client.post("/v1/sources", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 401, response.text


def test_a_location_under_an_unknown_users_home_is_a_422(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    """``Path("~nosuchuser/x").expanduser()`` raised RuntimeError, a 500 (Schemathesis, 1,000 examples)."""
    body = {"name": "s", "type": "generic_csv", "location": "~fm_no_such_user_x/export.csv"}
    response = client.post("/v1/sources", json=body, headers=auth_headers)
    assert response.status_code == 422, response.text
    assert (response.json()["errors"][0]["field"], response.json()["errors"][0]["rule"]) == (
        "location",
        "allowed_dir",
    )


def test_an_escaped_surrogate_pair_is_ordinary_text(client: TestClient, auth_headers: dict[str, str]) -> None:
    """Python's ``json.dumps`` escapes an emoji as a surrogate pair: that is valid text, stored as sent."""
    raw = json.dumps({"text": "Livraison parfaite \U0001f600", "external_id": "emoji-1"}).encode()
    assert b"\\ud83d\\ude00" in raw
    headers = {**auth_headers, "Content-Type": "application/json"}
    response = client.post("/v1/feedback", content=raw, headers=headers)
    assert response.status_code in (200, 201), response.text
