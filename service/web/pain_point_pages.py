"""Pain points: the ranked, filtered and searchable list; the detail page; an editor's edits.

Edits call ``service.pain_points.service`` (the API's own logic); an edit the rules refuse re-renders the
detail page with the API's message and its status, never a 500.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel import Session, col, select

from service.analysis.view import stage_specs
from service.analysis.view_summary import SummaryView, load_summary, sort_key, visible
from service.api.deps import SessionDep
from service.api.errors import ApiError
from service.models import FeedbackItem, PainPoint, Theme
from service.pain_points import service
from service.pain_points.schemas import PainPointPatch
from service.themes.naming import display_name, workspace_language
from service.web.auth import CsrfChecked, CurrentUser, WebUser, require
from service.web.charts import line_chart
from service.web.filters import PageFilters, parse_filters
from service.web.i18n import format_count, translator
from service.web.insights import explain, highlight, terms_of
from service.web.render import page, redirect, request_language
from service.web.summary_insights import (
    Verbatim,
    by_key,
    dimension_values,
    mentioning,
    search_in_scope,
)

router = APIRouter()
Editor = require("editor")
FEEDBACK_PAGE = 30
PpForm = Annotated[str, Form(max_length=36)]


def filtered(
    db: Session, user: WebUser, pf: PageFilters
) -> tuple[SummaryView, list[PainPoint], list[Verbatim]]:
    """Pain points passing the URL's filters, ranked, and the verbatims matching the search: from the
    stored sums and a bounded search, never every item and unit (issue 14)."""
    view = load_summary(db, user.workspace, pf.view)
    pps = visible(view)
    if pf.owner:
        pps = [p for p in pps if (p.owner or "").lower() == pf.owner.lower()]
    if pf.theme:
        pps = [p for p in pps if p.theme_id == pf.theme]
    matched: list[Verbatim] = []
    if pf.q:
        matched = search_in_scope(db, user.workspace, pf.q, pf.view)
        hit = {
            pid for pids in mentioning(db, user.workspace, [v.id for v in matched]).values() for pid in pids
        }
        pps = [p for p in pps if p.id in hit]
    return view, sorted(pps, key=sort_key(view, pf.sort)), matched


@router.get("/pain-points", response_class=HTMLResponse)
def pain_points(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    pf = parse_filters(request.query_params)
    view, pps, matched = filtered(db, user, pf)
    options = dimension_values(db, user.workspace)
    owners = sorted({p.owner for p in view.pain_points.values() if p.owner})
    themes = db.exec(
        select(Theme).where(Theme.workspace_id == user.workspace.id).order_by(col(Theme.name))
    ).all()
    verbatims = matched[:20]
    shown = [v.id for v in verbatims]
    # The view holds no texts (lean reads): the shown verbatims are read on their own. No query without
    # any: an empty IN () still walks the workspace's items on SQLite (~0.2 s at 1M items).
    texts = (
        dict(
            db.exec(
                select(FeedbackItem.id, FeedbackItem.text).where(
                    by_key(db, FeedbackItem, user.workspace.id), col(FeedbackItem.id).in_(shown)
                )
            ).all()
        )
        if shown
        else {}
    )
    mentioned = {  # the template names them (pp_name), as every page does
        fid: [view.pain_points[pid] for pid in pids if pid in view.pain_points]
        for fid, pids in mentioning(db, user.workspace, shown).items()
    }
    return page(
        request,
        "pain_points.html",
        user,
        nav="pain_points",
        view=view,
        pps=pps,
        pf=pf,
        f=pf.as_dict(),
        options=options,
        owners=owners,
        themes=themes,
        stages=stage_specs(user.workspace),
        verbatims=[(v, highlight(texts.get(v.id, ""), [pf.q]), mentioned.get(v.id, [])) for v in verbatims],
        n_matched=len(matched),
    )


def _detail_page(
    request: Request, user: WebUser, db: Session, pp_id: str, error: str | None = None, status: int = 200
) -> Response:
    try:
        pp = service.get_pain_point(db, user.workspace, pp_id)
    except ApiError as exc:
        target = db.get(PainPoint, pp_id)
        if exc.status_code == 409 and target is not None and target.merged_into_id:
            return redirect(request, f"/pain-points/{target.merged_into_id}")
        return page(request, "error.html", user, exc.status_code, status=exc.status_code, message=exc.detail)
    pf = parse_filters(request.query_params)
    view = load_summary(db, user.workspace, pf.view)
    facts = service.detail_facts(db, view, pp)
    result = view.scores[pp.id]
    terms = terms_of(pp.keyphrases or [], pf.q)
    raw_offset = request.query_params.get("offset", "0")
    offset = int(raw_offset) if raw_offset.isdigit() and len(raw_offset) < 9 else 0
    total, mentions = service.mentions(db, user.workspace, pp, FEEDBACK_PAGE, offset)
    name_lang = workspace_language(user.workspace)
    others = sorted(
        (p for p in view.pain_points.values() if p.id != pp.id and p.kind == pp.kind),
        key=lambda p: display_name(p, name_lang).lower(),
    )
    lang = request_language(request, user.session, user)
    return page(
        request,
        "pain_point.html",
        user,
        status_code=status,
        nav="pain_points",
        pp=pp,
        result=result,
        facts=facts,
        quotes=[highlight(str(q.get("text", "")), terms) for q in (pp.quotes or []) if isinstance(q, dict)],
        mentions=[(item, [highlight(u, terms) for u in units]) for item, units in mentions],
        total=total,
        offset=offset,
        page_size=FEEDBACK_PAGE,
        trend_chart=line_chart(
            [(w.isoformat(), float(n)) for w, n in facts.timeline],
            translator(lang)("detail.trend"),
            css_class="line",
            fmt=lambda v: format_count(round(v), lang),
        ),
        stages=stage_specs(user.workspace),
        others=others,
        error=error,
        explain=lambda t: explain(result, t, lang),
    )


@router.get("/pain-points/{pp_id}", response_class=HTMLResponse)
def pain_point(pp_id: str, request: Request, user: CurrentUser, db: SessionDep) -> Response:
    return _detail_page(request, user, db, pp_id[:36])


@router.post("/pain-points/{pp_id}/edit", dependencies=[CsrfChecked])
def edit(
    pp_id: str,
    request: Request,
    db: SessionDep,
    label: Annotated[str, Form(max_length=300)],
    stage: Annotated[str, Form(max_length=64)],
    status: Annotated[str, Form(max_length=16)],
    owner: Annotated[str, Form(max_length=200)] = "",
    due_date: Annotated[str, Form(max_length=10)] = "",
    user: WebUser = Editor,
) -> Response:
    try:
        patch = PainPointPatch(
            label=label,
            stage=stage,
            status=status,
            owner=owner or None,
            due_date=date.fromisoformat(due_date) if due_date else None,
        )
    except (ValidationError, ValueError) as exc:
        return _detail_page(request, user, db, pp_id, error=str(exc).splitlines()[0], status=422)
    try:
        service.patch_pain_point(db, user.workspace, pp_id, patch)
    except ApiError as exc:
        return _detail_page(request, user, db, pp_id, error=str(exc.detail), status=exc.status_code)
    return redirect(request, f"/pain-points/{pp_id}")


@router.post("/pain-points/{pp_id}/merge", dependencies=[CsrfChecked])
async def merge(pp_id: str, request: Request, db: SessionDep, user: WebUser = Editor) -> Response:
    form = await request.form()
    sources = [s for s in form.getlist("source_ids") if isinstance(s, str) and s][:50]
    if not sources:
        return _detail_page(request, user, db, pp_id, error="source_ids: pick at least one", status=422)
    try:
        service.merge_pain_points(db, user.workspace, pp_id, sources)
    except ApiError as exc:
        return _detail_page(request, user, db, pp_id, error=str(exc.detail), status=exc.status_code)
    return redirect(request, f"/pain-points/{pp_id}")


@router.post("/pain-points/{pp_id}/split", dependencies=[CsrfChecked])
def split(
    pp_id: str,
    request: Request,
    db: SessionDep,
    parts: Annotated[int, Form(ge=2, le=8)] = 2,
    user: WebUser = Editor,
) -> Response:
    try:
        service.split_pain_point(db, user.workspace, pp_id, parts)
    except ApiError as exc:
        return _detail_page(request, user, db, pp_id, error=str(exc.detail), status=exc.status_code)
    return redirect(request, f"/pain-points/{pp_id}")
