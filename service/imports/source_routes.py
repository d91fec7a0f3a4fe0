"""Import sources: register an export to pull on a schedule, edit it, run it now, and follow its runs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response, status
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from service.api.deps import CurrentWorkspace, SessionDep, SettingsDep
from service.api.docs import request_examples
from service.api.errors import error_responses, field_error
from service.api.pagination import PageCursor, PageLimit, newest_first_page
from service.imports.fetch import check_local_path, check_location_url, classify_location
from service.imports.runs import active_run, create_source_run, default_feedback_source, next_fire
from service.imports.schemas import (
    SOURCE_EXAMPLES,
    SOURCE_PATCH_EXAMPLES,
    RunOut,
    RunPage,
    SourceIn,
    SourceOut,
    SourcePage,
    SourcePatch,
)
from service.models import Source, SourceRun, Workspace
from service.models.types import new_id, utcnow
from service.netguard import policy_for
from service.settings import Settings

TAGS = [
    {
        "name": "sources",
        "description": "Scheduled imports of review-platform exports (Trustpilot, Google, App Store, Google "
        "Play, Avis Vérifiés, Zendesk, surveys, generic CSV/JSONL). Re-running an export never imports an "
        "item twice; a run cut short resumes from its checkpoint. / Imports planifiés des exports des "
        "plateformes d'avis ; une réimportation ne crée aucun doublon, un import interrompu reprend.",
    }
]

router = APIRouter(tags=["sources"])

_SOURCE_ID = Annotated[str, Path(max_length=64, description="Id of the source.")]


def _check_location(location: str, settings: Settings) -> None:
    """Refuse at registration what a run would refuse (the same rule as webhooks; runs check again)."""
    if classify_location(location) == "path":
        try:
            check_local_path(location, settings.import_roots)
        except ValueError as exc:
            raise field_error(422, "location", "allowed_dir", str(exc)) from None
        return
    policy = policy_for(settings.import_allow_private_urls, settings.outbound_allow_hosts)
    try:
        check_location_url(location, policy)
    except ValueError as exc:
        raise field_error(422, "location", "public_address", str(exc)) from None


def _get_source(session: Session, workspace: Workspace, source_id: str) -> Source:
    source = session.get(Source, source_id)
    if source is None or source.workspace_id != workspace.id:
        raise field_error(404, "source_id", "not_found", "no such source in this workspace")
    return source


def _out(source: Source) -> SourceOut:
    return SourceOut.model_validate(source, from_attributes=True)


def run_out(run: SourceRun) -> RunOut:
    return RunOut.model_validate(run, from_attributes=True)


def _commit_unique_name(session: Session, name: str) -> None:
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise field_error(409, "name", "unique", f"a source named {name!r} already exists") from None


@router.post(
    "/sources",
    response_model=SourceOut,
    status_code=status.HTTP_201_CREATED,
    summary="Register an import source",
    openapi_extra=request_examples(SOURCE_EXAMPLES),
    responses=error_responses(401, 409, 422, e409="A source of that name already exists."),
)
def create_source(
    body: SourceIn, session: SessionDep, workspace: CurrentWorkspace, settings: SettingsDep
) -> Any:
    _check_location(body.location, settings)
    now = utcnow()
    source_id = new_id()
    source = Source(
        id=source_id,
        workspace_id=workspace.id,
        name=body.name.strip(),
        type=body.type,
        location=body.location,
        mapping=body.mapping.model_dump(exclude_none=True) if body.mapping else {},
        schedule=body.schedule,
        enabled=body.enabled,
        feedback_source=body.feedback_source or default_feedback_source(body.type, source_id),
        created_at=now,
        updated_at=now,
        next_run_at=next_fire(body.schedule, now) if body.schedule else None,
    )
    session.add(source)
    _commit_unique_name(session, source.name)
    return _out(source)


@router.get(
    "/sources",
    response_model=SourcePage,
    summary="List import sources (newest first)",
    responses=error_responses(401, 422),
)
def list_sources(
    session: SessionDep,
    workspace: CurrentWorkspace,
    limit: PageLimit = 100,
    cursor: PageCursor = None,
) -> Any:
    query = select(Source).where(Source.workspace_id == workspace.id)
    page, next_cursor = newest_first_page(session, query, Source, cursor=cursor, limit=limit)
    return SourcePage(items=[_out(s) for s in page], next_cursor=next_cursor)


@router.get(
    "/sources/{source_id}",
    response_model=SourceOut,
    summary="Read a source",
    responses=error_responses(401, 404),
)
def read_source(source_id: _SOURCE_ID, session: SessionDep, workspace: CurrentWorkspace) -> Any:
    return _out(_get_source(session, workspace, source_id))


@router.patch(
    "/sources/{source_id}",
    response_model=SourceOut,
    summary="Change a source",
    openapi_extra=request_examples(SOURCE_PATCH_EXAMPLES),
    description="Runs already queued keep the configuration they were queued with.",
    responses=error_responses(
        401, 404, 409, 422, e409="Another source of the workspace already has that name."
    ),
)
def update_source(
    source_id: _SOURCE_ID,
    body: SourcePatch,
    session: SessionDep,
    workspace: CurrentWorkspace,
    settings: SettingsDep,
) -> Any:
    source = _get_source(session, workspace, source_id)
    changes = body.model_dump(exclude_unset=True)
    for key in ("name", "type", "location", "enabled"):
        if key in changes and changes[key] is None:
            raise field_error(422, key, "not_null", "must not be null")
    if "location" in changes:
        _check_location(changes["location"], settings)
    if "mapping" in changes:
        changes["mapping"] = body.mapping.model_dump(exclude_none=True) if body.mapping else {}
    if "type" in changes and source.feedback_source == default_feedback_source(source.type, source.id):
        # Still on the old type's default namespace: follow the type (an explicit one is kept).
        source.feedback_source = default_feedback_source(changes["type"], source.id)
    for key, value in changes.items():
        setattr(source, key, value.strip() if key == "name" else value)
    now = utcnow()
    source.updated_at = now
    if "schedule" in changes:
        source.next_run_at = next_fire(source.schedule, now) if source.schedule else None
    session.add(source)
    _commit_unique_name(session, source.name)
    return _out(source)


@router.delete(
    "/sources/{source_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a source and its run history",
    description="Feedback already imported from it stays (erase items with `DELETE /v1/feedback/{id}`).",
    responses=error_responses(401, 404),
)
def delete_source(source_id: _SOURCE_ID, session: SessionDep, workspace: CurrentWorkspace) -> Response:
    source = _get_source(session, workspace, source_id)
    session.delete(source)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/sources/{source_id}/run",
    response_model=RunOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Run a source now",
    description="Queues a run; 409 while another run of the source is queued or running "
    "(runs never overlap).",
    responses=error_responses(
        401, 404, 409, e409="A run of this source is still queued or running; `errors` names it."
    ),
)
def run_source(
    source_id: _SOURCE_ID, session: SessionDep, workspace: CurrentWorkspace, settings: SettingsDep
) -> Any:
    source = _get_source(session, workspace, source_id)
    busy = active_run(session, source.id)
    if busy is not None:
        raise field_error(
            409, "source_id", "run_in_progress", f"run {busy.id} of this source is still {busy.state}"
        )
    run = create_source_run(session, source, "manual")
    session.commit()
    from service.imports.tasks import enqueue

    enqueue(run, settings)
    session.refresh(run)
    return run_out(run)


@router.get(
    "/sources/{source_id}/runs",
    response_model=RunPage,
    summary="List the runs of a source (newest first)",
    responses=error_responses(401, 404, 422),
)
def list_runs(
    source_id: _SOURCE_ID,
    session: SessionDep,
    workspace: CurrentWorkspace,
    limit: PageLimit = 50,
    cursor: PageCursor = None,
) -> Any:
    source = _get_source(session, workspace, source_id)
    query = select(SourceRun).where(SourceRun.source_id == source.id, SourceRun.workspace_id == workspace.id)
    page, next_cursor = newest_first_page(session, query, SourceRun, cursor=cursor, limit=limit)
    return RunPage(items=[run_out(r) for r in page], next_cursor=next_cursor)


@router.get(
    "/sources/{source_id}/runs/{run_id}",
    response_model=RunOut,
    summary="Read one run of a source (poll it after `POST .../run`)",
    responses=error_responses(401, 404),
)
def read_run(
    source_id: _SOURCE_ID,
    run_id: Annotated[str, Path(max_length=64, description="Id of the run.")],
    session: SessionDep,
    workspace: CurrentWorkspace,
) -> Any:
    source = _get_source(session, workspace, source_id)
    run = session.get(SourceRun, run_id)
    if run is None or run.source_id != source.id or run.workspace_id != workspace.id:
        raise field_error(404, "run_id", "not_found", "no such run of this source")
    return run_out(run)
