"""The journey map in five formats for mapping tools, spreadsheets and people."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from nlp.journey_map.document import JourneyMapDocument
from nlp.journey_map.renderers import MEDIA_TYPES, render
from service.analysis.view import ViewFilters, journey_map, load_view
from service.api.deps import CurrentWorkspace, SessionDep
from service.themes.service import theme_map_entries, theme_views

router = APIRouter(tags=["journey map"])
TAGS = [
    {
        "name": "journey map",
        "description": "Stages in order with touchpoints, emotion curve, KPIs, top pain points, opportunities"
        " and moments of truth; `format=json|csv|mermaid|theydo|html`.",
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
    since: str | None = Field(
        default=None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="Period start, YYYY-MM-DD"
    )
    until: str | None = Field(
        default=None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="Period end, YYYY-MM-DD"
    )


@router.get(
    "/journey-map",
    response_class=Response,
    responses={
        200: {
            "description": "The map; `format=json` follows the schema below.",
            "content": {
                "application/json": {"schema": JourneyMapDocument.model_json_schema()},
                "text/csv": {},
                "text/plain": {},
                "text/html": {},
            },
        }
    },
)
def get_journey_map(
    workspace: CurrentWorkspace, session: SessionDep, q: Annotated[MapQuery, Query()]
) -> Response:
    filters = ViewFilters.model_validate(
        q.model_dump(
            include={"channel", "source", "segment", "language", "since", "until"}, exclude_none=True
        )
    )
    view = load_view(session, workspace, filters)
    entries = theme_map_entries(view, theme_views(session, view)) if q.group_by == "theme" else None
    jm = journey_map(view, top_n=q.top, entries=entries)
    headers = {}
    if q.format in ("csv", "html"):
        ext = {"csv": "csv", "html": "html"}[q.format]
        headers["Content-Disposition"] = f'inline; filename="journey-map.{ext}"'
    return Response(render(jm, q.format), media_type=MEDIA_TYPES[q.format], headers=headers)
