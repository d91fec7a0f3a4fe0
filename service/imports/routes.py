"""One-off imports: upload an export file, get a job; the same parsers and run code as scheduled sources."""

from __future__ import annotations

import json
from pathlib import Path as FsPath
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, UploadFile, status
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError
from sqlmodel import Session, select

from service.analysis.jobs import create_job
from service.api.deps import CurrentWorkspace, SessionDep, SettingsDep
from service.api.docs import request_examples
from service.api.errors import ApiError, error_responses, field_error, summary, to_field_errors
from service.imports.parsers import PARSERS, ImportMapping
from service.imports.parsers.csvparse import CsvParser
from service.imports.parsers.xlsxparse import workbook_problem
from service.imports.runs import create_run, default_feedback_source
from service.imports.schemas import IMPORT_EXAMPLES, ImportJobOut, SourceType
from service.models import Job, SourceRun, Workspace
from service.models.types import new_id
from service.settings import Settings

TAGS = [
    {
        "name": "imports",
        "description": "Upload an export file once (no schedule); follow it as a job. / Importez un fichier "
        "d'export une fois et suivez-le comme une tâche.",
    }
]

router = APIRouter(tags=["imports"])

_COPY_CHUNK = 1024 * 1024
IMPORT_KIND = "import"


def _mapping(raw: str | None) -> dict[str, Any]:
    if raw is None or not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        raise field_error(422, "mapping", "json", "must be a JSON object") from None
    if not isinstance(value, dict):
        raise field_error(422, "mapping", "object", "must be a JSON object")
    try:
        return ImportMapping.model_validate(value).model_dump(exclude_none=True)
    except ValidationError as exc:
        errors = to_field_errors(exc.errors(), prefix=("mapping",))
        raise ApiError(422, summary(errors), errors) from None


async def _store_upload(upload: UploadFile, target: FsPath, max_bytes: int) -> int:
    size = 0
    with target.open("wb") as out:
        while chunk := await upload.read(_COPY_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                out.close()
                target.unlink(missing_ok=True)
                raise field_error(413, "file", "max_bytes", f"file must be at most {max_bytes} bytes")
            out.write(chunk)
    if size == 0:
        target.unlink(missing_ok=True)
        raise field_error(422, "file", "not_empty", "the uploaded file is empty")
    return size


def job_out(job: Job, run_id: str | None) -> ImportJobOut:
    return ImportJobOut.model_validate({**job.model_dump(), "run_id": run_id})


@router.post(
    "/imports",
    response_model=ImportJobOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Import an uploaded export file once",
    description="Multipart form: `file`, `type` (as for sources), optional `mapping` (JSON object) and "
    "`source` (the items' `source` value; re-uploading with the same value creates no duplicates). The "
    "answer is a job: poll `GET /v1/imports/{job_id}` for its state and counts. Files larger than the "
    "body limit go through a source with a local path or URL instead.",
    responses=error_responses(401, 413, 422),
    openapi_extra=request_examples(IMPORT_EXAMPLES, media_type="multipart/form-data"),
)
async def create_import(
    session: SessionDep,
    workspace: CurrentWorkspace,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="The export file (CSV, .xlsx, JSON or JSON Lines).")],
    type: Annotated[SourceType, Form(description="Export shape, e.g. `trustpilot_csv`.")],
    mapping: Annotated[str | None, Form(description="JSON object overriding default columns.")] = None,
    source: Annotated[str | None, Form(min_length=1, max_length=100, description="Items' `source`.")] = None,
) -> Any:
    mapping_dict = _mapping(mapping)
    uploads = settings.data_dir / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    suffix = "".join(c for c in FsPath(file.filename or "").suffix[:10] if c.isalnum() or c == ".")
    target = uploads / f"{new_id()}{suffix}"
    size = await _store_upload(file, target, settings.import_max_bytes)
    if issubclass(PARSERS[type], CsvParser):  # CSV types read .xlsx too: refuse a broken workbook now
        problem = await run_in_threadpool(workbook_problem, target, mapping_dict.get("sheet"))
        if problem is not None:
            target.unlink(missing_ok=True)
            raise field_error(422, "file", "readable_workbook", problem)
    # Database work and enqueueing are blocking calls: keep them off the event loop.
    return await run_in_threadpool(
        _queue_upload, session, workspace, settings, type, file.filename, size, mapping_dict, source, target
    )


def _queue_upload(
    session: Session,
    workspace: Workspace,
    settings: Settings,
    type: str,
    filename: str | None,
    size: int,
    mapping_dict: dict[str, Any],
    source: str | None,
    target: FsPath,
) -> ImportJobOut:
    params = {"type": type, "filename": filename, "bytes": size, "mapping": mapping_dict}
    # The job and its run are committed together: a job never exists without the run it reports on.
    job = create_job(session, workspace.id, IMPORT_KIND, params, commit=False)
    run = create_run(
        session,
        workspace_id=workspace.id,
        source=None,
        trigger="upload",
        source_type=type,
        location=str(target.resolve()),
        mapping=mapping_dict,
        feedback_source=source or default_feedback_source(type),
        job_id=job.id,
    )
    session.commit()
    from service.imports.tasks import enqueue

    enqueue(run, settings)
    session.refresh(job)
    return job_out(job, run.id)


def _get_job(session: Session, workspace: Workspace, job_id: str) -> tuple[Job, SourceRun | None]:
    job = session.get(Job, job_id)
    if job is None or job.workspace_id != workspace.id or job.kind != IMPORT_KIND:
        raise field_error(404, "job_id", "not_found", "no such import job in this workspace")
    run = session.exec(select(SourceRun).where(SourceRun.job_id == job.id)).first()
    return job, run


@router.get(
    "/imports/{job_id}",
    response_model=ImportJobOut,
    summary="Read an import job",
    responses=error_responses(401, 404),
)
def read_import(
    job_id: Annotated[str, Path(max_length=64, description="Id of the import job.")],
    session: SessionDep,
    workspace: CurrentWorkspace,
) -> Any:
    job, run = _get_job(session, workspace, job_id)
    return job_out(job, run.id if run else None)
