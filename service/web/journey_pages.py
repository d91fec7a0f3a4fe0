"""The journey map page (emotion curve, stages with their pain points, moments of truth) and its exports.

The map is the one ``service.analysis.view_summary.journey_map`` builds for the API from stored sums,
drawn with ``nlp.journey_map.html.emotion_curve_svg``; the exports are the API's renderers, behind the
session cookie instead of an API key, so a browser can download them. Both speak the page's language: the
export links carry it as ``lang`` (so a shared link keeps it), and an export without one follows the
page's rule (session, user setting, browser).
"""

from __future__ import annotations

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
from service.web.render import page, request_language
from service.web.summary_insights import dimension_values

router = APIRouter()
EXPORTS = ("csv", "mermaid", "theydo", "html")
EXPORT_NAMES = {"csv": "CSV", "mermaid": "Mermaid", "theydo": "TheyDo", "html": "HTML"}
EXTENSIONS = {"csv": "csv", "mermaid": "mmd", "theydo": "json", "html": "html"}


@router.get("/journey-map", response_class=HTMLResponse)
def journey_page(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    pf = parse_filters(request.query_params)
    lang = request_language(request, user.session, user)
    jm = journey_map(load_summary(db, user.workspace, pf.view, with_stages=True), lang=lang)
    return page(
        request,
        "journey.html",
        user,
        nav="journey",
        jm=jm,
        curve=Markup(emotion_curve_svg(jm.stages, lang=lang)),
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
    lang_query: Literal["en", "fr"] | None = Query(
        None, alias="lang", description="The page's language (its links pass it)"
    ),
    csv_style: Literal["ids", "labels"] = Query("ids", description="As `GET /v1/journey-map`"),
) -> Response:
    pf = parse_filters(request.query_params)
    lang = lang_query or request_language(request, user.session, user)
    jm = journey_map(load_summary(db, user.workspace, pf.view, with_stages=True), lang=lang)
    disposition = "inline" if format == "html" else "attachment"
    return Response(
        render(jm, format, csv_style),
        media_type=MEDIA_TYPES[format],
        headers={
            "Content-Disposition": f'{disposition}; filename="journey-map.{EXTENSIONS[format]}"',
            "Content-Language": lang,
        },
    )
