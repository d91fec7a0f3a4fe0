"""Parent themes over pain points (``GET /v1/themes``), and the language names are shown in."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlmodel import Session

from service.analysis.view import ViewFilters
from service.analysis.view_summary import load_summary, load_summary_after_write
from service.api.deps import CurrentWorkspace, SessionDep
from service.api.docs import request_examples
from service.api.errors import error_responses
from service.models import Workspace
from service.pain_points.schemas import ScoreOut
from service.themes.naming import (
    display_name,
    present_languages,
    set_workspace_language,
    shown_names,
    workspace_language,
)
from service.themes.schemas import (
    NAME_LANGUAGE_EXAMPLES,
    THEME_PATCH_EXAMPLES,
    NameLanguage,
    ThemeOut,
    ThemePage,
    ThemePainPoint,
    ThemePatch,
)
from service.themes.service import rename_theme
from service.themes.summary import ThemeView, theme_views

router = APIRouter(tags=["themes"])
TAGS = [
    {
        "name": "themes",
        "description": "Parent themes over pain points, and the language their names are shown in.",
    }
]


@router.get(
    "/name-language",
    response_model=NameLanguage,
    summary="Read the language pain-point and theme names are written in",
)
def get_name_language(workspace: CurrentWorkspace) -> NameLanguage:
    """The language of `name` on pain points and themes (null: the majority language of the data)."""
    return NameLanguage.model_validate({"language": workspace_language(workspace)})


@router.put(
    "/name-language",
    response_model=NameLanguage,
    summary="Set the language of pain-point and theme names (fr, en, or the data's majority)",
    openapi_extra=request_examples(NAME_LANGUAGE_EXAMPLES),
)
def put_name_language(body: NameLanguage, workspace: CurrentWorkspace, session: SessionDep) -> NameLanguage:
    """Choose the language of names; names are stored per language, so the next read uses it."""
    set_workspace_language(workspace, body.language)
    session.add(workspace)
    session.commit()
    return body


def _out(tv: ThemeView, language: str | None, priority: dict[str, float], items: dict[str, int]) -> ThemeOut:
    return ThemeOut(
        id=tv.theme.id,
        kind=tv.theme.kind,
        name=tv.name,
        name_edited=tv.theme.name_edited,
        names=shown_names(tv.theme.names, present_languages(p.language_mix for p in tv.pain_points)),
        items=tv.items,
        units=tv.n_units,
        mean_sentiment=tv.mean_sentiment,
        stage_mix=tv.stage_mix,
        pain_points=[
            ThemePainPoint(
                id=p.id,
                name=display_name(p, language),
                label=p.label,
                priority=priority[p.id],
                items=items[p.id],
            )
            for p in tv.pain_points
        ],
        score=ScoreOut.model_validate(tv.score.to_dict()),
    )


@router.get(
    "/themes",
    response_model=ThemePage,
    summary="List parent themes with their pain points, volume, sentiment, stage mix and score",
)
def list_themes(
    workspace: CurrentWorkspace, session: SessionDep, filters: Annotated[ViewFilters, Query()]
) -> ThemePage:
    """Parent themes with their pain points, highest priority first; the same filters as the pain point list
    (a theme shows only its pain points that pass them)."""
    out = _themes(session, workspace, filters)
    return ThemePage(total=len(out), items=out)


def _themes(
    session: Session, workspace: Workspace, filters: ViewFilters, after_write: bool = False
) -> list[ThemeOut]:
    """From the stored read sums and two bounded ``GROUP BY`` queries (``service.themes.summary``), not from
    every item and unit. ``after_write``: the answer of an applied rename (never answers "retry")."""
    view = (
        load_summary_after_write(session, workspace)
        if after_write
        else load_summary(session, workspace, filters)
    )
    language = workspace_language(workspace)
    priority = {pid: r.priority for pid, r in view.scores.items()}
    items = {pid: r.n_items for pid, r in view.scores.items()}
    return [_out(tv, language, priority, items) for tv in theme_views(session, view)]


ThemeId = Annotated[str, Path(description="Theme id", max_length=36)]


@router.patch(
    "/themes/{theme_id}",
    response_model=ThemeOut,
    summary="Rename a parent theme (the name is kept through re-analysis)",
    responses=error_responses(404),
    openapi_extra=request_examples(THEME_PATCH_EXAMPLES),
)
def patch_theme(
    theme_id: ThemeId, body: ThemePatch, workspace: CurrentWorkspace, session: SessionDep
) -> ThemeOut:
    """Give a theme a person's name; `name_edited` turns true and re-analyses keep the name while the theme
    keeps its id (it is matched on its pain points and centroid)."""
    theme = rename_theme(session, workspace.id, theme_id, body.name)
    found = next(
        (t for t in _themes(session, workspace, ViewFilters(), after_write=True) if t.id == theme.id), None
    )
    if found is not None:
        return found
    # None of its pain points has mentions left: its name, nothing to aggregate.
    return ThemeOut(
        id=theme.id,
        kind="opportunity" if theme.kind == "opportunity" else "pain",
        name=theme.name,
        name_edited=True,
        names={},
        items=0,
        units=0,
        mean_sentiment=None,
        stage_mix={},
        pain_points=[],
        score=None,
    )
