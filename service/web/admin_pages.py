"""Sources & imports, Jobs (live progress through htmx polling), and the admins' Settings."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel import col, select

from nlp.scoring.priority import PriorityConfig, PriorityWeights
from nlp.tagging.adaptation import AdaptationConfig
from nlp.tagging.taxonomy import parse_taxonomy
from service.analysis.view import priority_config
from service.api.deps import SessionDep, SettingsDep
from service.api.errors import ApiError
from service.models import Job, Source, SourceRun, Webhook
from service.web.auth import CsrfChecked, CurrentUser, WebUser, require
from service.web.i18n import format_count, format_decimal, translator
from service.web.render import page, redirect, request_language
from service.web.users import UserError, create_user, workspace_users
from service.webhooks import service as webhooks
from service.webhooks.schemas import WebhookIn
from service.workspaces.taxonomy import set_taxonomy, workspace_taxonomy

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


def adaptation_note(job: Job, lang: str) -> str | None:
    """One sentence on what an analysis did to the workspace's sentiment (``result.sentiment_adaptation``):
    adapted to its rated items, or why not — every sentiment figure the lead reads depends on it."""
    report = (job.result or {}).get("sentiment_adaptation") if job.kind == "analysis" else None
    if not isinstance(report, dict):
        return None
    t = translator(lang)
    if report.get("adapted"):
        return t(
            "jobs.adapted",
            rated=format_count(report.get("rated_items", 0), lang),
            weight=format_decimal(report.get("weight", 0.0), lang, 2),
            generic=format_decimal(report.get("heldout_f1_generic") or 0.0, lang, 3),
            adapted=format_decimal(report.get("heldout_f1_adapted") or 0.0, lang, 3),
        )
    if report.get("cv_f1_generic") is None:  # too few rated items in a class: nothing was fitted
        return t(
            "jobs.not_adapted_few",
            negative=format_count(report.get("negative_items", 0), lang),
            positive=format_count(report.get("positive_items", 0), lang),
            needed=format_count(AdaptationConfig().min_per_class, lang),
        )
    return t("jobs.not_adapted", rated=format_count(report.get("rated_items", 0), lang))


@router.get("/jobs", response_class=HTMLResponse)
def jobs(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    """The table polls ``/jobs/table`` every 3 s while a job is queued or running (htmx)."""
    all_jobs = _jobs(db, user)
    template = "jobs_table.html" if request.url.path.endswith("/table") else "jobs.html"
    live = any(j.state in ("queued", "running") for j in all_jobs)
    lang = request_language(request, user.session, user)
    notes = {j.id: note for j in all_jobs if (note := adaptation_note(j, lang))}
    return page(request, template, user, nav="jobs", jobs=all_jobs, live=live, notes=notes)


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
        taxonomy_json=json.dumps(
            workspace_taxonomy(user.workspace).model_dump(mode="json"), ensure_ascii=False, indent=2
        ),
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


@router.post("/settings/webhooks", dependencies=[CsrfChecked])
async def add_webhook(
    request: Request, db: SessionDep, settings: SettingsDep, user: WebUser = Admin
) -> Response:
    """Same rules as ``POST /v1/webhooks`` (``service.webhooks.service``): a public receiver, known events."""
    form = await request.form()
    try:
        body = WebhookIn.model_validate({"url": form.get("url"), "events": form.getlist("events")})
        webhooks.register_webhook(db, user.workspace.id, str(body.url), body.events, settings)
    except ValidationError as exc:
        err = exc.errors()[0]
        return _settings_page(request, user, db, f"{err['loc'][0]}: {err['msg']}", 422)
    except ApiError as exc:
        return _settings_page(request, user, db, exc.detail, exc.status_code)
    return redirect(request, "/settings?saved=1")


@router.post("/settings/webhooks/{webhook_id}/delete", dependencies=[CsrfChecked])
def remove_webhook(request: Request, db: SessionDep, webhook_id: str, user: WebUser = Admin) -> Response:
    try:
        webhooks.delete_webhook(db, user.workspace.id, webhook_id)
    except ApiError as exc:
        return _settings_page(request, user, db, exc.detail, exc.status_code)
    return redirect(request, "/settings?saved=1")


@router.post("/settings/taxonomy", dependencies=[CsrfChecked])
def save_taxonomy(
    request: Request,
    db: SessionDep,
    taxonomy: Annotated[str, Form(max_length=200_000)],
    user: WebUser = Admin,
) -> Response:
    """The taxonomy as JSON (the ``PUT /v1/taxonomy`` document); invalid JSON or rules leave it unchanged."""
    try:
        parsed = parse_taxonomy(json.loads(taxonomy))
    except (ValueError, ValidationError) as exc:
        return _settings_page(request, user, db, f"taxonomy: {str(exc).splitlines()[0]}", 422)
    set_taxonomy(db, user.workspace, parsed)
    return redirect(request, "/settings?saved=1")


@router.post("/settings/taxonomy/reset", dependencies=[CsrfChecked])
def reset_taxonomy(request: Request, db: SessionDep, user: WebUser = Admin) -> Response:
    set_taxonomy(db, user.workspace, None)
    return redirect(request, "/settings?saved=1")
