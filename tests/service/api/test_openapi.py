"""The OpenAPI document is readable by a CX lead: described, tagged, with French and English examples."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def _walk_properties(schema: dict[str, Any], components: dict[str, Any], path: str, out: list[str]) -> None:
    for name, prop in schema.get("properties", {}).items():
        if not prop.get("description") and "$ref" not in prop:
            out.append(f"{path}.{name}")


def test_docs_and_schema(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    doc = client.get("/openapi.json").json()
    info = doc["info"]
    assert info["title"] == "Frictionmap API" and "pain points" in info["description"]
    assert "irritants" in info["description"]  # French too
    tag_names = {t["name"] for t in doc["tags"]}
    assert {"feedback", "health"} <= tag_names and all(t.get("description") for t in doc["tags"])
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert op.get("tags"), f"{method} {path} has no tag"
            assert op.get("summary"), f"{method} {path} has no summary"


def test_every_field_is_described(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    components = doc["components"]["schemas"]
    missing: list[str] = []
    for name in (
        "FeedbackIn",
        "FeedbackBatchIn",
        "ItemResult",
        "BatchResult",
        "FeedbackOut",
        "FeedbackPage",
        "ErrorResponse",
        "FieldError",
    ):
        assert name in components, name
        _walk_properties(components[name], components, name, missing)
    assert missing == []
    assert "HTTPValidationError" not in components  # every 422 is documented with our ErrorResponse
    for path, ops in doc["paths"].items():
        for op in ops.values():
            for param in op.get("parameters", []):
                if param["in"] in ("query", "path"):
                    assert param.get("description"), f"{path} parameter {param['name']} undescribed"


def test_post_feedback_examples_in_french_and_english(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    doc = client.get("/openapi.json").json()
    body = doc["paths"]["/v1/feedback"]["post"]["requestBody"]["content"]["application/json"]
    examples = body["examples"]
    assert "avis_fr" in examples and "ticket_en" in examples
    # the examples are valid requests: they are accepted as documented
    for example in examples.values():
        r = client.post("/v1/feedback", json=example["value"], headers=auth_headers)
        assert r.status_code in (200, 201), r.text
    assert doc["components"]["securitySchemes"]
