"""Analysis jobs set up as the recovery and fan-out tests need them: every item still to extract, and the
job row POST /v1/analyses stores before enqueueing."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from service.models import Job
from tests.service.journey_map.test_journey_api import ingest


def ingest_without_incremental(
    client: TestClient, headers: dict[str, str], items: list[dict[str, Any]]
) -> None:
    """Ingest with the post-ingest hook off, so the analysis job has all the extraction to do."""
    from service.analysis.tasks import _on_feedback_created
    from service.feedback import hooks

    hooks.remove(_on_feedback_created)
    try:
        ingest(client, headers, items)
    finally:
        hooks.on_feedback_created(_on_feedback_created)


def queued_analysis_job(engine: Engine, workspace_id: str) -> str:
    """A whole-workspace analysis job row, as POST /v1/analyses stores it before enqueueing."""
    with Session(engine) as s:
        job = Job(workspace_id=workspace_id, kind="analysis", params={"scope": {}})
        s.add(job)
        s.commit()
        return job.id
