"""Schemathesis over every operation of the OpenAPI document: 0 server errors, 0 undocumented status codes.

Every check Schemathesis has runs (``not_a_server_error``, ``status_code_conformance``,
``content_type_conformance``, ``response_headers_conformance``, ``response_schema_conformance``,
``negative_data_rejection``...) on generated valid and invalid requests, with an API key of a workspace that
holds feedback and an analysis (so reads return real pain points), against SQLite with the deterministic
``TopicBackend``. Examples are few and derandomized so the test is reproducible and fits CI (about a minute
on two cores); raise ``FRICTIONMAP_SCHEMATHESIS_EXAMPLES`` locally to search harder.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import negative_data_rejection, positive_data_acceptance
from sqlmodel import Session

from service.main import create_app
from service.settings import Settings
from tests.helpers.journey_backend import TopicBackend

#: These two judge how precisely the schema describes the accepted values, not how the server behaves:
#: rules that JSON Schema cannot express (a public address, an import directory, an existing cursor, unique
#: stage ids, a cron that fires) make a schema-valid request a correct 422 and fail them by design.
SCHEMA_PRECISION_CHECKS = [positive_data_acceptance, negative_data_rejection]
MAX_EXAMPLES = int(os.environ.get("FRICTIONMAP_SCHEMATHESIS_EXAMPLES", "8"))
#: A local search harder runs in chunks (each under a quarter of an hour): a regex over operation labels
#: such as ``"POST /v1/imports"``; empty (CI) walks every operation.
OPERATIONS = re.compile(os.environ.get("FRICTIONMAP_SCHEMATHESIS_OPERATIONS", ""))
#: ``postgres`` runs the search on the PostgreSQL test database, which refuses what SQLite stores (a NUL).
DATABASE = os.environ.get("FRICTIONMAP_SCHEMATHESIS_DB", "sqlite")
_HEADERS: dict[str, str] = {}

SEED = [
    {"text": "Ma carte a été refusée au paiement, trois fois.", "rating": 1, "channel": "web"},
    {"text": "Livraison en retard d'une semaine, personne ne répond.", "rating": 2, "channel": "delivery"},
    {"text": "Refund never received after three weeks.", "rating": 1, "channel": "email"},
    {"text": "The app crashes every time I open my basket.", "rating": 1, "channel": "app"},
    {"text": "Great support, quick answer, thank you!", "rating": 5, "channel": "chat"},
]


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> str:
    """SQLite (CI); the session's fresh PostgreSQL schema with ``FRICTIONMAP_SCHEMATHESIS_DB=postgres``."""
    fixture = "_postgres_base" if DATABASE == "postgres" else "sqlite_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture
def api_schema(database_url: str, tmp_path: Path) -> Iterator[Any]:
    from service.analysis import backend_factory as backend_mod
    from service.feedback.ingest import ingest_items
    from service.queue import use_settings
    from service.workspaces.security import create_api_key, get_or_create_workspace

    conf = Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        queue_immediate=True,
        worker_in_process=False,
        queue_url="",
    )
    backend = TopicBackend()
    backend_mod.set_backend_factory(lambda _s: backend)
    use_settings(conf)
    app = create_app(conf)
    with Session(app.state.engine) as session:
        ws = get_or_create_workspace(session, "acme")
        key = create_api_key(session, ws)
        session.commit()
        ingest_items(session, ws, SEED * 4, settings=conf)
    _HEADERS.clear()
    _HEADERS["Authorization"] = f"Bearer {key}"
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        r = client.post("/v1/analyses", json={}, headers=_HEADERS)
        assert r.status_code == 202, r.text
        yield schemathesis.openapi.from_asgi("/openapi.json", app)
    backend_mod.set_backend_factory(None)
    use_settings(None)


def _check_operation(operation: Any, mode: GenerationMode) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def run(case: Any) -> None:
        case.call_and_validate(headers=_HEADERS, excluded_checks=SCHEMA_PRECISION_CHECKS)

    run()


def test_every_operation_conforms_to_its_schema(api_schema: Any) -> None:
    # pytest 9 broke Schemathesis' ``parametrize`` over a fixture, so the operations are walked here; every
    # failure is collected so one run lists them all.
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 30
    for operation in [op for op in operations if OPERATIONS.search(op.label)]:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _check_operation(operation, mode)
            except Unsatisfiable:  # no parameter or body to break: no negative case exists
                continue
            except (Exception, BaseExceptionGroup) as exc:  # Schemathesis' FailureGroup
                failures.append(f"{operation.label} [{mode.value}]: {exc}")
    assert not failures, "\n\n".join(failures)
