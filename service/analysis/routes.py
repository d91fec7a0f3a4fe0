"""Analysis runs as background jobs, job status, and the workspace's priority weights."""

from __future__ import annotations

import contextlib
from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from nlp.scoring.priority import PriorityConfig
from service.analysis.jobs import ANALYSIS_KIND, active_analysis, create_job
from service.analysis.schemas import (
    ANALYSIS_EXAMPLES,
    PRIORITY_CONFIG_EXAMPLES,
    AnalysisRequest,
    JobOut,
)

# Importing the task module registers the post-ingest hook (incremental assignment) in the API process,
# where ingest runs; the worker process imports it through ``load_task_modules``.
from service.analysis.tasks import run_analysis
from service.api.deps import CurrentWorkspace, SessionDep
from service.api.docs import request_examples
from service.api.errors import field_error
from service.models import Job

router = APIRouter(tags=["analysis"])
TAGS = [
    {
        "name": "analysis",
        "description": "Run the pipeline over a workspace in the background and follow its progress.",
    }
]


def job_out(job: Job) -> JobOut:
    return JobOut.model_validate(job, from_attributes=True)


@router.post(
    "/analyses",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobOut,
    summary="Start an analysis of the workspace (or of a filtered scope) in the background",
    openapi_extra=request_examples(ANALYSIS_EXAMPLES),
)
def start_analysis(
    workspace: CurrentWorkspace, session: SessionDep, response: Response, body: AnalysisRequest | None = None
) -> JobOut:
    """Queue a full analysis (re-clustering with stable ids) of the workspace or of a filtered scope."""
    body = body or AnalysisRequest()
    params = {"scope": body.scope.model_dump(mode="json", exclude_none=True)}
    same = active_analysis(session, workspace.id, params)
    if same is not None:  # an identical analysis is already on its way: answer it rather than queue twice
        response.headers["Location"] = f"/v1/jobs/{same.id}"
        return job_out(same)
    job = create_job(session, workspace.id, ANALYSIS_KIND, params)
    job_id = job.id
    # Immediate mode runs the task inline: a failure is recorded on the job row, not raised to the client.
    with contextlib.suppress(Exception):
        run_analysis(job_id)
    session.expire_all()
    stored = session.get(Job, job_id)
    response.headers["Location"] = f"/v1/jobs/{job_id}"
    return job_out(stored or job)


@router.get(
    "/jobs/{job_id}", response_model=JobOut, summary="Follow a background job: state, progress, result"
)
def get_job(
    job_id: Annotated[str, Path(description="Job id", max_length=36)],
    workspace: CurrentWorkspace,
    session: SessionDep,
) -> JobOut:
    job = session.get(Job, job_id)
    if job is None or job.workspace_id != workspace.id:
        raise field_error(404, "job_id", "not_found", "no such job in this workspace")
    return job_out(job)


@router.get(
    "/priority-config",
    response_model=PriorityConfig,
    tags=["pain points"],
    summary="Read the weights and windows behind the priority score",
)
def get_priority_config(workspace: CurrentWorkspace) -> PriorityConfig:
    """The weights and windows behind the priority score (documented defaults unless changed)."""
    from service.analysis.view import priority_config

    return priority_config(workspace)


@router.put(
    "/priority-config",
    response_model=PriorityConfig,
    tags=["pain points"],
    summary="Change the weights and windows of the priority score",
    openapi_extra=request_examples(PRIORITY_CONFIG_EXAMPLES),
)
def put_priority_config(
    body: PriorityConfig, workspace: CurrentWorkspace, session: SessionDep
) -> PriorityConfig:
    """Change the weights for this workspace; scores are computed on read, so the next listing uses them."""
    workspace.settings = {**(workspace.settings or {}), "priority": body.model_dump(mode="json")}
    session.add(workspace)
    session.commit()
    return body
