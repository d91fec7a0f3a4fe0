"""The whole OpenAPI document, walked: what a CX lead reads in /docs must be complete.

Fails on a schema field without a description, a request body without French and English examples (names
ending in ``_fr`` / ``_en``), an operation without a written summary, a protected operation that does not
declare 401, 429 (with ``Retry-After``) and 503, a body without 413 / 422, a path id without 404, or an
error response not in the one error shape. A new route or field that skips any of it fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from nlp.scoring.priority import PriorityConfig
from nlp.tagging.taxonomy import Taxonomy
from service.analysis.schemas import AnalysisRequest
from service.erasures.schemas import ErasureIn
from service.feedback.schemas import FeedbackBatchIn, FeedbackIn
from service.imports.schemas import SourceIn, SourcePatch
from service.main import create_app
from service.pain_points.schemas import MergeRequest, PainPointPatch, SplitRequest
from service.settings import Settings
from service.themes.schemas import NameLanguage, ThemePatch
from service.webhooks.schemas import WebhookIn

METHODS = {"get", "post", "put", "patch", "delete"}
ERROR_REF = "#/components/schemas/ErrorResponse"

#: The model each JSON request body is validated with; a new body must be listed here.
BODY_MODELS: dict[tuple[str, str], Any] = {
    ("post", "/v1/analyses"): AnalysisRequest,
    ("put", "/v1/priority-config"): PriorityConfig,
    ("post", "/v1/feedback"): "feedback",
    ("patch", "/v1/pain-points/{pain_point_id}"): PainPointPatch,
    ("post", "/v1/pain-points/merge"): MergeRequest,
    ("post", "/v1/pain-points/{pain_point_id}/split"): SplitRequest,
    ("post", "/v1/sources"): SourceIn,
    ("patch", "/v1/sources/{source_id}"): SourcePatch,
    ("put", "/v1/taxonomy"): Taxonomy,
    ("post", "/v1/webhooks"): WebhookIn,
    ("post", "/v1/erasures"): ErasureIn,
    ("put", "/v1/name-language"): NameLanguage,
    ("patch", "/v1/themes/{theme_id}"): ThemePatch,
}


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp: Path = tmp_path_factory.mktemp("openapi")
    settings = Settings(
        database_url=f"sqlite:///{tmp / 'x.db'}",
        data_dir=tmp,
        queue_immediate=True,
        worker_in_process=False,
        queue_url="",
        require_migrated=False,
    )
    with TestClient(create_app(settings)) as client:
        document: dict[str, Any] = client.get("/openapi.json").json()
    return document


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if method in METHODS:
                yield method, path, op


def _undescribed(schema: dict[str, Any], where: str) -> Iterator[str]:
    for name, prop in schema.get("properties", {}).items():
        if not prop.get("description"):
            yield f"{where}.{name}"
        if "properties" in prop:  # an inline object: its own fields too
            yield from _undescribed(prop, f"{where}.{name}")


def test_every_schema_field_has_a_description(doc: dict[str, Any]) -> None:
    missing = [f for name, s in doc["components"]["schemas"].items() for f in _undescribed(s, name)]
    assert missing == [], f"fields without description: {missing}"


def test_every_operation_has_a_written_summary(doc: dict[str, Any]) -> None:
    """FastAPI's fallback is the function name in title case (``Get Pain Point``): that says nothing."""
    generated = []
    for method, path, op in _operations(doc):
        summary = op.get("summary", "")
        fallback = op.get("operationId", "").split("_v1_")[0].replace("_", " ").title()
        if not summary or summary == fallback or len(summary.split()) < 3:
            generated.append(f"{method.upper()} {path}: {summary!r}")
    assert generated == []


def test_every_request_body_has_french_and_english_examples(doc: dict[str, Any]) -> None:
    missing = []
    for method, path, op in _operations(doc):
        body = op.get("requestBody")
        if body is None:
            continue
        names = {n for media in body["content"].values() for n in media.get("examples", {})}
        has = {lang for lang in ("fr", "en") for n in names if n == lang or n.endswith(f"_{lang}")}
        if has != {"fr", "en"}:
            missing.append(f"{method.upper()} {path}: {sorted(names)}")
    assert missing == []


def _validate(model: Any, value: Any) -> None:
    if model == "feedback":  # one item, or a batch whose items are judged one by one (some may be rejected)
        if "items" in value:
            FeedbackBatchIn.model_validate({"items": [{"text": "x"}] * len(value["items"])})
            return
        model = FeedbackIn
    TypeAdapter(model).validate_python(value)


def test_json_examples_are_valid_requests(doc: dict[str, Any]) -> None:
    """Each example passes the same validation the route applies: a reader can send it as it is."""
    checked = 0
    for method, path, op in _operations(doc):
        content = op.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            continue
        assert (method, path) in BODY_MODELS, f"add the body model of {method.upper()} {path} to BODY_MODELS"
        model = BODY_MODELS[(method, path)]
        for name, example in content["application/json"]["examples"].items():
            _validate(model, example["value"])
            assert example.get("summary"), f"{path} example {name} has no summary"
            checked += 1
    assert checked >= 2 * len(BODY_MODELS)


def test_multipart_examples_use_the_form_fields(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    for method, path, op in _operations(doc):
        form = op.get("requestBody", {}).get("content", {}).get("multipart/form-data")
        if form is None:
            continue
        fields = schemas[form["schema"]["$ref"].rsplit("/", 1)[-1]]
        for name, example in form["examples"].items():
            assert set(example["value"]) <= set(fields["properties"]), f"{method} {path} {name}"
            assert set(fields.get("required", [])) <= set(example["value"]), f"{method} {path} {name}"


def _is_error_shape(response: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return schema.get("$ref") == ERROR_REF


def test_errors_are_declared_where_they_can_happen(doc: dict[str, Any]) -> None:
    problems = []
    for method, path, op in _operations(doc):
        responses = op["responses"]
        expected: set[str] = set()
        if op.get("security"):
            expected |= {"401", "429", "503"}
        if "requestBody" in op:
            expected |= {"413", "422"}
        if op.get("parameters"):
            expected.add("422")
        if any(p["in"] == "path" for p in op.get("parameters", [])):
            expected.add("404")
        missing = expected - set(responses)
        if missing:
            problems.append(f"{method.upper()} {path} lacks {sorted(missing)}")
        for code in ("429", "503"):
            headers = responses.get(code, {}).get("headers", {})
            if code in responses and op.get("security") and "Retry-After" not in headers:
                problems.append(f"{method.upper()} {path} {code} does not document Retry-After")
        for code, response in responses.items():
            if code.startswith(("4", "5")) and op.get("security") and not _is_error_shape(response):
                problems.append(f"{method.upper()} {path} {code} is not an ErrorResponse")
    assert problems == []


def test_every_v1_operation_is_protected(doc: dict[str, Any]) -> None:
    """So that the 401 / 429 rule above applies to all of them (only the health probes are open)."""
    open_ops = [f"{m.upper()} {p}" for m, p, op in _operations(doc) if not op.get("security")]
    assert all(not p.split()[1].startswith("/v1/") for p in open_ops), open_ops


def test_route_specific_conflicts_are_declared(doc: dict[str, Any]) -> None:
    paths = doc["paths"]
    for method, path in (
        ("get", "/v1/pain-points/{pain_point_id}"),
        ("patch", "/v1/pain-points/{pain_point_id}"),
        ("post", "/v1/pain-points/merge"),
        ("post", "/v1/pain-points/{pain_point_id}/split"),
        ("post", "/v1/sources"),
        ("post", "/v1/sources/{source_id}/run"),
    ):
        assert "409" in paths[path][method]["responses"], f"{method} {path}"
        assert _is_error_shape(paths[path][method]["responses"]["409"])


def test_the_error_shape_is_itself_described(doc: dict[str, Any]) -> None:
    error = doc["components"]["schemas"]["ErrorResponse"]
    assert set(error["properties"]) == {"detail", "errors"}
    assert "HTTPValidationError" not in doc["components"]["schemas"]


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_every_ref_resolves(doc: dict[str, Any]) -> None:
    """ReDoc stops with 'Invalid reference token' on a ``#/$defs/...`` left by an inlined model schema."""
    components = doc["components"]["schemas"]
    prefix = "#/components/schemas/"
    bad = sorted({r for r in _refs(doc) if not r.startswith(prefix) or r[len(prefix) :] not in components})
    assert bad == []
