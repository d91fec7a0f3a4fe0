"""The journey map in five formats for mapping tools, spreadsheets and people."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from nlp.i18n import pick_language
from nlp.journey_map.document import JourneyMapDocument
from nlp.journey_map.renderers import MEDIA_TYPES, render
from service.analysis import view_summary
from service.analysis.view import ViewFilters
from service.api.deps import CurrentWorkspace, SessionDep
from service.api.params import QueryDate, check_period
from service.themes.summary import theme_map_entries, theme_views

router = APIRouter(tags=["journey map"])
TAGS = [
    {
        "name": "journey map",
        "description": "Stages in order with touchpoints, emotion curve, KPIs, top pain points, opportunities"
        " and moments of truth; `format=json|csv|mermaid|theydo|html`, in English or French (`lang`).",
    }
]


class MapQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["json", "csv", "mermaid", "theydo", "html"] = Field(
        default="json", description="json (schema below), csv, mermaid, theydo or html"
    )
    top: int = Field(default=5, ge=1, le=50, description="Pain points / opportunities per stage")
    group_by: Literal["pain_point", "theme"] = Field(
        default="pain_point", description="Show pain points, or their parent themes (`GET /v1/themes`)"
    )
    channel: str | None = Field(default=None, max_length=100, description="Only feedback from this channel")
    source: str | None = Field(default=None, max_length=100, description="Only feedback from this source")
    segment: str | None = Field(default=None, max_length=100, description="Only this segment / persona")
    language: str | None = Field(default=None, pattern="^(fr|en|other)$", description="`fr`, `en` or `other`")
    lang: Literal["en", "fr"] | None = Field(
        default=None,
        description="Language of what people read: stage labels, title, moments of truth, the html page,"
        " Mermaid's default actor, TheyDo descriptions, csv headers and values with `csv_style=labels`;"
        " numbers written as that language writes them where they are text. Default: the web app's rule"
        " for a caller without a signed-in user: the first of `Accept-Language` it knows, else `en`. JSON"
        " keys, ids, statuses, kinds, csv column ids and TheyDo's schema never depend on it (not to be"
        " confused with `language`, a filter on the feedback).",
    )
    csv_style: Literal["ids", "labels"] = Field(
        default="ids",
        description="`ids`: stable column ids, ids and true/false as values, numbers with a dot (for"
        " integrators). `labels`: headers and values in `lang`, its decimal mark, `;` between cells in"
        " French, UTF-8 byte-order mark (for spreadsheets).",
    )
    since: QueryDate | None = Field(default=None, description="Period start, YYYY-MM-DD (inclusive)")
    until: QueryDate | None = Field(default=None, description="Period end, YYYY-MM-DD (inclusive)")

    @field_validator("until")
    @classmethod
    def _until_after_since(cls, value: date | None, info: ValidationInfo) -> date | None:
        check_period(info.data.get("since"), value)
        return value


@router.get(
    "/journey-map",
    response_class=Response,
    summary="Draw the journey map: stages, emotion curve, pain points, moments of truth",
    responses={
        200: {
            "model": JourneyMapDocument,  # registered under components (its nested $defs resolve there)
            "description": "The map; `format=json` follows the schema below.",
            "content": {
                "application/vnd.theydo+json": {
                    "schema": {"type": "object", "description": "`format=theydo`: a TheyDo journey import."}
                },
                "text/csv": {},
                "text/plain": {},
                "text/html": {},
            },
        }
    },
)
def get_journey_map(
    request: Request, workspace: CurrentWorkspace, session: SessionDep, q: Annotated[MapQuery, Query()]
) -> Response:
    filters = ViewFilters.model_validate(
        q.model_dump(
            include={"channel", "source", "segment", "language", "since", "until"}, exclude_none=True
        )
    )
    summary = view_summary.load_summary(session, workspace, filters, with_stages=True)
    entries = theme_map_entries(theme_views(session, summary)) if q.group_by == "theme" else None
    lang = pick_language(q.lang, None, None, request.headers.get("accept-language", ""))
    jm = view_summary.journey_map(summary, top_n=q.top, entries=entries, lang=lang)
    headers = {"Content-Language": lang, "Vary": "Accept-Language"}
    if q.format in ("csv", "html"):
        ext = {"csv": "csv", "html": "html"}[q.format]
        headers["Content-Disposition"] = f'inline; filename="journey-map.{ext}"'
    return Response(render(jm, q.format, q.csv_style), media_type=MEDIA_TYPES[q.format], headers=headers)
