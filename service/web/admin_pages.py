"""Sources & imports, Jobs (live progress through htmx polling), and the admins' Settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel import col, select

from nlp.scoring.priority import PriorityConfig, PriorityWeights
from service.analysis.view import priority_config
from service.api.deps import SessionDep
from service.models import Job, Source, SourceRun, Webhook
from service.web.auth import CsrfChecked, CurrentUser, WebUser, require
from service.web.render import page, redirect
from service.web.users import UserError, create_user, workspace_users
from service.workspaces.taxonomy import workspace_taxonomy

router = APIRouter()
Admin = require("admin")
RECENT = 50


@router.get("/sources", response_class=HTMLResponse)
def sources(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    ws_id = user.workspace.id
    srcs = db.exec(select(Source).where(Source.workspace_id == ws_id).order_by(col(Source.name))).all()
    runs = db.exec(
        select(SourceRun)
        .where(SourceRun.workspace_id == ws_id)
        .order_by(col(SourceRun.created_at).desc())
        .limit(RECENT)
    ).all()
    names = {s.id: s.name for s in srcs}
    return page(request, "sources.html", user, nav="sources", sources=srcs, runs=runs, names=names)


def _jobs(db: SessionDep, user: WebUser) -> list[Job]:
    return list(
        db.exec(
            select(Job)
            .where(Job.workspace_id == user.workspace.id)
            .order_by(col(Job.created_at).desc())
            .limit(RECENT)
        ).all()
    )


@router.get("/jobs", response_class=HTMLResponse)
def jobs(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    """The table polls ``/jobs/table`` every 3 s while a job is queued or running (htmx)."""
    all_jobs = _jobs(db, user)
    template = "jobs_table.html" if request.url.path.endswith("/table") else "jobs.html"
    live = any(j.state in ("queued", "running") for j in all_jobs)
    return page(request, template, user, nav="jobs", jobs=all_jobs, live=live)


router.add_api_route("/jobs/table", jobs, methods=["GET"], response_class=HTMLResponse)


def _settings_page(
    request: Request, user: WebUser, db: SessionDep, message: str | None = None, status: int = 200
) -> Response:
    hooks = db.exec(select(Webhook).where(Webhook.workspace_id == user.workspace.id)).all()
    return page(
        request,
        "settings.html",
        user,
        status_code=status,
        nav="settings",
        taxonomy=workspace_taxonomy(user.workspace),
        config=priority_config(user.workspace),
        webhooks=hooks,
        users=workspace_users(db, user.workspace),
        message=message,
    )


@router.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request, db: SessionDep, user: WebUser = Admin) -> Response:
    return _settings_page(request, user, db)


@router.post("/settings/weights", dependencies=[CsrfChecked])
async def save_weights(request: Request, db: SessionDep, user: WebUser = Admin) -> Response:
    form = await request.form()
    try:
        weights = PriorityWeights.model_validate(
            {k: float(str(form.get(k, "0")) or 0) for k in PriorityWeights.model_fields}
        )
    except (ValidationError, ValueError) as exc:
        return _settings_page(request, user, db, f"weights: {str(exc).splitlines()[0]}", 422)
    config = PriorityConfig.model_validate(
        {**priority_config(user.workspace).model_dump(), "weights": weights}
    )
    workspace = user.workspace
    workspace.settings = {**(workspace.settings or {}), "priority": config.model_dump(mode="json")}
    db.add(workspace)
    db.commit()
    return redirect(request, "/settings?saved=1")


@router.post("/settings/users", dependencies=[CsrfChecked])
def add_user(
    request: Request,
    db: SessionDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    role: Annotated[str, Form(max_length=16)],
    user: WebUser = Admin,
) -> Response:
    try:
        create_user(db, user.workspace, email, password, role)
    except UserError as exc:
        db.rollback()
        return _settings_page(request, user, db, f"{exc.field}: {exc}", 422)
    db.commit()
    return redirect(request, "/settings?saved=1")
