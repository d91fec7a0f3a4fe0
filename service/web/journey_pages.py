"""The journey map page (emotion curve, stages with their pain points, moments of truth) and its exports.

The map is the one ``service.analysis.view_summary.journey_map`` builds for the API from stored sums,
drawn with ``nlp.journey_map.html.emotion_curve_svg``; the exports are the API's renderers, behind the
session cookie instead of an API key, so a browser can download them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from nlp.journey_map.html import emotion_curve_svg
from nlp.journey_map.renderers import MEDIA_TYPES, render
from service.analysis.view_summary import journey_map, load_summary
from service.api.deps import SessionDep
from service.web.auth import CurrentUser
from service.web.filters import parse_filters
from service.web.insights import stage_labels
from service.web.render import page, request_language
from service.web.summary_insights import dimension_values

router = APIRouter()
EXPORTS = ("csv", "mermaid", "theydo", "html")
EXPORT_NAMES = {"csv": "CSV", "mermaid": "Mermaid", "theydo": "TheyDo", "html": "HTML"}
EXTENSIONS = {"csv": "csv", "mermaid": "mmd", "theydo": "json", "html": "html"}


@router.get("/journey-map", response_class=HTMLResponse)
def journey_page(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    pf = parse_filters(request.query_params)
    jm = journey_map(load_summary(db, user.workspace, pf.view, with_stages=True))
    names = stage_labels(user.workspace, request_language(request, user.session, user))
    curve_stages = [replace(s, label=names.get(s.id, s.label)) for s in jm.stages]
    return page(
        request,
        "journey.html",
        user,
        nav="journey",
        jm=jm,
        curve=Markup(emotion_curve_svg(curve_stages)),
        pf=pf,
        f=pf.as_dict(),
        options=dimension_values(db, user.workspace),
        exports=EXPORTS,
        export_names=EXPORT_NAMES,
    )


@router.get("/journey-map/export")
def journey_export(
    request: Request,
    user: CurrentUser,
    db: SessionDep,
    format: Literal["csv", "mermaid", "theydo", "html"] = Query("csv"),
) -> Response:
    pf = parse_filters(request.query_params)
    jm = journey_map(load_summary(db, user.workspace, pf.view, with_stages=True))
    disposition = "inline" if format == "html" else "attachment"
    return Response(
        render(jm, format),
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'{disposition}; filename="journey-map.{EXTENSIONS[format]}"'},
    )
